"""The explorer's maps in the page: Leaflet mounted inline by a Streamlit v2 component, and their parts.

Before, the maps were drawn by streamlit-folium in an iframe of their own: the iframe, its
bundle and a second copy of Leaflet took about a second before the first polygon. This
component mounts Leaflet directly in the app's page (``static/map_view.js``), and its data
are the map's spec from :func:`geo.map_payload.map_spec`: the cached choropleth text plus the
outlines of the selection. The browser redraws only the parts that changed, so a click or a
new year keeps the user's zoom and pan.

The parts the pages draw maps with are here too: the choropleth and change layers, built once per
server and shared by all sessions (``st.cache_resource``), a view's map spec, the colour scales and
their legends.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

import geo
import ui
from geo.view import View

if TYPE_CHECKING:
    from geo.classify import Scale
    from geo.mapping import ChoroplethLayer

__all__ = [
    "change_layer",
    "change_legend",
    "clicked",
    "current_scale",
    "legend",
    "map_layer",
    "map_spec",
    "neighbours",
    "show",
]

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


# -- the maps' parts ---------------------------------------------------------------------------
def neighbours(code: str) -> list[str]:
    """Codes bordering ``code`` (same level), from the cached neighbour graph."""
    from geo.neighbours import graph_for

    ds = ui.dataset()
    return graph_for(ds, ds.level(code)).neighbours(code)


@st.cache_resource(show_spinner=False, max_entries=64)
def map_layer(
    gemeente: str, level: str, year: int, measure: str, scale_kind: str, lang_code: geo.Lang
) -> ChoroplethLayer:
    """Return the choropleth layer of a map, built once per server and shared by all sessions (immutable)."""
    from geo.map_payload import view_layer

    v = View(gemeente=gemeente, wijk="", area="", year=year, measure=measure, level=level, scale=scale_kind)
    return view_layer(ui.dataset(), v, lang=lang_code, scale_kind=scale_kind)


@st.cache_resource(show_spinner=False, max_entries=64)
def change_layer(gemeente: str, level: str, start: int, end: int, measure: str, lang_code: geo.Lang) -> ChoroplethLayer:
    """Return the change map's layer of a gemeente's areas, built once per server and shared (immutable)."""
    from geo.change import change_scale
    from geo.classify import change_scale_classes
    from geo.mapping import change_layer as _change_layer

    ds = ui.dataset()
    scale = change_scale(ds, measure)
    classes = change_scale_classes(scale.vmin, scale.vmax)
    codes = ds.codes(level, gemeente=gemeente)  # type: ignore[arg-type]  # a dataset level
    return _change_layer(ds, codes, start=start, end=end, measure=measure, scale=classes, lang=lang_code)


def map_spec(v: View, lang_code: geo.Lang, *, height: int) -> bytes:
    """Return the map of a view for :func:`show` (cheap: the choropleth is cached).

    The selection and its neighbours are outlines of their own (:func:`geo.map_payload.view_spec`):
    a click changes only those, so the map keeps the user's zoom and pan.
    """
    from geo.map_payload import view_spec

    layer = map_layer(v.gemeente, v.level, v.year, v.measure, v.scale, lang_code)
    around = [] if v.national else neighbours(v.area)
    return view_spec(ui.dataset(), v, layer, neighbours=around, lang=lang_code, height=height, clickable=True)


def current_scale(measure: str, kind: str) -> Scale:
    """Return the colour scale of a measure's map (:func:`geo.map_payload.map_scale`)."""
    from geo.map_payload import map_scale

    return map_scale(ui.dataset(), measure, kind)


def legend(measure: str, kind: str = "official", *, compact: bool = False) -> None:
    """Legend of the map's scale, as escaped HTML swatches (in a row when ``compact``)."""
    from geo.legend import legend_html

    html_text = legend_html(
        current_scale(measure, kind), title=ui.measure_label(measure), lang=ui.lang(), compact=compact
    )
    st.markdown(html_text, unsafe_allow_html=True)


def change_legend(scale: Scale, *, title: str) -> None:
    """Legend of a change map's fixed symmetric scale (three decimals), as escaped HTML swatches."""
    from geo.legend import legend_html

    st.markdown(legend_html(scale, title=title, lang=ui.lang(), decimals=3), unsafe_allow_html=True)
