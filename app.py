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
    st.Page(path, title=ui.t(nl, en), url_path=url, icon=icon, default=i == 0)
    for i, (path, nl, en, url, icon) in enumerate(ui.PAGES)
]
page = st.navigation(pages, position="hidden" if st.session_state.get("presentation") else "sidebar")
ui.presentation_css()
ui.controls()
ui.write_url()
ui.show_notices()
page.run()
# server time of this run, read by scripts/bench_map.py
st.session_state["_run_seconds"] = time.perf_counter() - _started
