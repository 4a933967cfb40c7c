"""Leefbaarheid in de wijk: the Streamlit entry point and router.

The shared frame around the pages: page config, session and URL state, the page itself, then
the shared selection controls (in the sidebar, or above the page when presenting) and the URL.
"""

import contextlib

import streamlit as st

import controls
import run_slots
import ui


def _to_the_map() -> None:
    """A link to /kaart (the map's file name; a cold server serves it too) opens the map at the root URL."""
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


st.set_page_config(page_title="Leefbaarheid in de wijk", page_icon="🏘️", layout="wide")
# At most run_slots.SLOTS runs at once: a burst of sessions queues instead of thrashing one interpreter.
# The dataset (or its error page) and the session's state from the link come first (ui.session_run).
with run_slots.slot(), ui.session_run():
    pages = [
        st.Page(path, title=ui.t(nl, en), url_path=url, icon=icon, default=i == 0)
        for i, (path, nl, en, url, icon) in enumerate(ui.PAGES)
    ]
    redirect = st.Page(_to_the_map, title=ui.t("Kaart", "Map"), url_path="kaart", visibility="hidden")
    presenting = bool(st.session_state.get("presentation"))
    page = st.navigation([*pages, redirect], position="hidden" if presenting else "sidebar")
    controls.presentation_css()
    top = st.container()  # presentation mode: the selection controls sit here, above the page
    if page.url_path != redirect.url_path:  # the redirect reruns at once: the map page shows the link's notices
        ui.show_notices()
    # The page first, then the controls: the map reaches the browser before the sidebar widgets.
    with contextlib.suppress(ui.PageEnd):  # a page that ended early (ui.end_page) keeps the controls
        page.run()
    controls.controls(top, page=page.url_path)
    ui.write_url()
