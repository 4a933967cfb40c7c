"""Leefbaarheid in de wijk: the Streamlit entry point and router."""

import streamlit as st

import ui

st.set_page_config(page_title="Leefbaarheid in de wijk", page_icon="🏘️", layout="wide")

pages = [
    st.Page("pages/over_de_data.py", title=ui.t("Over de data", "About the data"), url_path="data", icon="📚"),
]
st.navigation(pages).run()
