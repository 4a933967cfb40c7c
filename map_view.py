"""The explorer's map in the page: Leaflet mounted inline by a Streamlit v2 component.

Before, the maps were drawn by streamlit-folium in an iframe of their own: the iframe, its
bundle and a second copy of Leaflet took about a second before the first polygon. This
component mounts Leaflet directly in the app's page (``static/map_view.js``), and its data
are the map's spec from :func:`geo.map_payload.map_spec`: the cached choropleth text plus the
outlines of the selection. The browser redraws only the parts that changed, so a click or a
new year keeps the user's zoom and pan.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

__all__ = ["clicked", "show"]

_JS = (Path(__file__).parent / "static" / "map_view.js").read_text(encoding="utf-8")
_HTML = '<div class="lv-map" style="width:100%;height:100%"></div>'
# Leaflet's stylesheet, and the map's own rules, are added to the page by the script.
_mount = st.components.v2.component("leefbaarheid_map", html=_HTML, js=_JS, isolate_styles=False)


def show(spec: bytes, *, key: str, height: int, on_click: Callable[[], None] | None = None) -> None:
    """Draw a map from its spec (:func:`geo.map_payload.map_spec`) under a stable ``key``.

    ``on_click`` runs (as a callback, before the rerun) when an area is clicked; read the
    clicked code with :func:`clicked`. Without it, clicks do nothing.
    """
    callbacks: dict[str, Any] = {"on_click_change": on_click} if on_click is not None else {}
    _mount(key=key, data=spec, height=height, **callbacks)


def clicked(key: str) -> str | None:
    """Return the code of the area last clicked on the map ``key``, None if there is none."""
    state = st.session_state.get(key)
    try:
        value = state["click"] if state is not None else None
    except (KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None
