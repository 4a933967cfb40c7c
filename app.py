"""Leefbaarheid in de wijk: the Streamlit entry point and router.

The shared frame around the pages: page config, session and URL state, the shared
selection controls, then the page itself.
"""

import time

import streamlit as st

import ui

_started = time.perf_counter()

st.set_page_config(page_title="Leefbaarheid in de wijk", page_icon="🏘️", layout="wide")
ui.init_state()

pages = [
    st.Page("pages/kaart.py", title=ui.t("Kaart", "Map"), url_path="kaart", icon=":material/map:", default=True),
    st.Page(
        "pages/trends.py",
        title=ui.t("Trends en vergelijking", "Trends and comparison"),
        url_path="trends",
        icon=":material/trending_up:",
    ),
    st.Page(
        "pages/verandering.py",
        title=ui.t("Verandering", "Change"),
        url_path="verandering",
        icon=":material/compare_arrows:",
    ),
    st.Page(
        "pages/selectie.py",
        title=ui.t("Selectie en export", "Selection and export"),
        url_path="selectie",
        icon=":material/download:",
    ),
    st.Page(
        "pages/over_de_data.py", title=ui.t("Over de data", "About the data"), url_path="data", icon=":material/info:"
    ),
]
page = st.navigation(pages, position="hidden" if st.session_state.get("presentation") else "sidebar")
ui.presentation_css()
ui.controls()
ui.write_url()
page.run()
# server time of this run, read by scripts/bench_map.py
st.session_state["_run_seconds"] = time.perf_counter() - _started
