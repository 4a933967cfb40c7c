"""Streamlit glue shared by the pages: cached loaders, language, the shared selection and URL.

Pages stay thin: they read state from here, call ``geo`` and draw. Nothing in ``geo``
imports streamlit.

State model
-----------
The canonical selection is a :class:`geo.view.View` in ``st.session_state["_view"]``; it
survives page switches. Widgets have their own keys (``gemeente``, ``wijk``, ``buurt``,
``year``, ``measure``, ``level``, ``basemap``); before they are drawn their values are set
from the view, and their callbacks write back into it. The URL mirrors the view on every run.
"""

from __future__ import annotations

import html
import os
from dataclasses import replace
from pathlib import Path

import streamlit as st

import geo
from geo.selection import Selection, decode_selection, encode_selection
from geo.view import BASEMAPS, View, default_view, parse_view, view_params

#: Folder of the dataset the app shows; override with LEEFBAARHEID_DATA for another build.
DATA_DIR = Path(os.environ.get("LEEFBAARHEID_DATA", geo.DEFAULT_DATA_DIR))
LANGS = ("nl", "en")
#: The app's pages: (file, Dutch title, English title, url path, icon). app.py builds its
#: navigation from this table, and presentation mode links to the same pages.
PAGES = (
    ("pages/kaart.py", "Kaart", "Map", "kaart", ":material/map:"),
    ("pages/trends.py", "Trends en vergelijking", "Trends and comparison", "trends", ":material/trending_up:"),
    ("pages/verandering.py", "Verandering", "Change", "verandering", ":material/compare_arrows:"),
    ("pages/selectie.py", "Selectie en export", "Selection and export", "selectie", ":material/download:"),
    ("pages/over_de_data.py", "Over de data", "About the data", "data", ":material/info:"),
)
_VIEW = "_view"
_SELECTION = "_selection"


@st.cache_resource(show_spinner=False)
def dataset(path: str = str(DATA_DIR)) -> geo.Dataset:
    """Load the dataset once per server process; nobody modifies it."""
    return geo.load_dataset(path)


def lang() -> str:
    return st.session_state.get("lang", "nl")


def t(nl: str, en: str) -> str:
    """Pick the Dutch or English text for the current language."""
    return en if lang() == "en" else nl


def measure_label(measure: str) -> str:
    return geo.MEASURE_LABELS[measure][lang()]


def page_guard() -> None:
    """Make sure the page runs inside app.py's frame; call it first in every page.

    Because the project has a ``pages/`` folder, Streamlit starts each server process in its
    legacy multipage mode: a deep link such as ``/kaart?g=...`` runs ``pages/kaart.py``
    on its own, without ``app.py`` (no state, no controls). ``st.navigation`` in ``app.py``
    ends that mode for the process, but only once ``app.py`` runs. So when a page finds the
    legacy mode on, it ends it and reruns, and the rerun goes through ``app.py``.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# -- state -------------------------------------------------------------------------------------
def init_state() -> None:
    """Read and validate the URL once per session; keep widget keys in step with the view."""
    ds = dataset()
    ss = st.session_state
    if _VIEW not in ss:
        params = st.query_params.to_dict()
        view, notices = parse_view(ds, params)
        lang_param = params.get("lang", "nl")
        if lang_param not in LANGS:
            notices.append("taal onbekend; Nederlands getoond")
            lang_param = "nl"
        ss[_VIEW] = view
        ss[_SELECTION] = _selection_from_url(ds, params.get("s"), notices)
        ss["_notices"] = notices
        ss["lang"] = lang_param
        ss["presentation"] = params.get("p") == "1"
    _sync_widgets()


def _selection_from_url(ds: geo.Dataset, token: str | None, notices: list[str]) -> Selection:
    if not token:
        return Selection()
    try:
        return decode_selection(ds, token)
    except ValueError:
        # the detail may echo text from the link; show a fixed notice only
        notices.append("de selectie in de link is ongeldig of beschadigd en is genegeerd")
        return Selection()


def current_selection() -> Selection:
    """The researcher's selection of areas; it persists across pages and travels in the URL."""
    return st.session_state.get(_SELECTION, Selection())


def set_selection(selection: Selection) -> None:
    st.session_state[_SELECTION] = selection


def view() -> View:
    return st.session_state[_VIEW]


def selection() -> View:
    """The shared selection (gemeente, wijk, area, year, measure) for every page."""
    return view()


def _set_view(new: View) -> None:
    st.session_state[_VIEW] = new


def _sync_widgets() -> None:
    v, ss = view(), st.session_state
    ss["gemeente"] = v.gemeente
    ss["wijk"] = v.wijk
    ss["buurt"] = v.area if v.area != v.wijk else ""
    ss["year"] = v.year
    ss["measure"] = v.measure
    ss["level"] = v.level
    ss["basemap"] = v.basemap


def _on_gemeente() -> None:
    ds = dataset()
    fresh = default_view(ds, st.session_state["gemeente"])
    v = view()
    level = v.level if ds.codes("buurt", gemeente=fresh.gemeente) else "wijk"
    _set_view(replace(v, gemeente=fresh.gemeente, wijk=fresh.wijk, area=fresh.wijk, level=level))


def _on_wijk() -> None:
    w = st.session_state["wijk"]
    _set_view(replace(view(), wijk=w, area=w))


def _on_buurt() -> None:
    b = st.session_state["buurt"]
    v = view()
    _set_view(replace(v, area=b or v.wijk))


def _on_simple(field: str) -> None:
    _set_view(replace(view(), **{field: st.session_state[field]}))


def select_area(code: str) -> None:
    """Select an area (wijk or buurt) of the current dataset, e.g. after a click on the map."""
    ds = dataset()
    if not ds.has(code) or ds.level(code) not in ("wijk", "buurt"):
        return
    v = view()
    if not ds.codes("buurt", gemeente=geo.gemeente_of(code)):
        v = replace(v, level="wijk")
    if ds.level(code) == "wijk":
        _set_view(replace(v, gemeente=geo.gemeente_of(code), wijk=code, area=code))
    else:
        _set_view(replace(v, gemeente=geo.gemeente_of(code), wijk=str(ds.parent(code)), area=code))


def on_map_change() -> None:
    """Callback of the map component: a click on an area selects it."""
    state = st.session_state.get("map") or {}
    feature = state.get("last_active_drawing") or {}
    code = feature.get("id") or (feature.get("properties") or {}).get("c")
    if isinstance(code, str):
        select_area(code)
        if st.session_state.get("click_adds") and dataset().has(code) and code not in current_selection():
            set_selection(current_selection().add_codes(dataset(), [code]))


def write_url() -> None:
    """Mirror the view in the URL so the page can be shared."""
    params = {**view_params(view()), "lang": lang()}
    selection = current_selection()
    if len(selection):
        params["s"] = encode_selection(selection)
    if st.session_state.get("presentation"):
        params["p"] = "1"
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


# -- controls ----------------------------------------------------------------------------------
# Labels are computed before the widgets are drawn, never inside format_func: a format_func is
# also called outside the script run (AppTest), where the session's language is unknown.
def controls() -> None:
    """Draw the shared selection controls (sidebar, or the top of the page when presenting)."""
    ds = dataset()
    v = view()
    presenting = st.session_state.get("presentation", False)
    box = st.expander(t("Selectie", "Selection"), expanded=False) if presenting else st.sidebar
    with box:
        if presenting:  # the navigation is hidden: offer the pages here
            links = st.columns(len(PAGES))
            for col, (path, nl, en, _url, _icon) in zip(links, PAGES, strict=True):
                col.page_link(path, label=t(nl, en))
        gm = ds.gemeenten()
        names = dict(zip(gm["code"], gm["name"], strict=True))
        st.selectbox(
            t("Gemeente (typ om te zoeken)", "Municipality (type to search)"),
            list(names),
            format_func=lambda c: names.get(c, c),
            key="gemeente",
            on_change=_on_gemeente,
        )
        wijken = ds.children(v.gemeente)
        st.selectbox(
            t("Wijk", "District"),
            wijken,
            format_func=lambda c: f"{ds.name(c)} ({c})",
            key="wijk",
            on_change=_on_wijk,
        )
        buurten = ds.children(v.wijk)
        if buurten:
            st.selectbox(
                t("Buurt", "Neighbourhood"),
                ["", *buurten],
                format_func={
                    "": t("(hele wijk)", "(whole district)"),
                    **{c: f"{ds.name(c)} ({c})" for c in buurten},
                }.get,
                key="buurt",
                on_change=_on_buurt,
            )
        st.selectbox(
            t("Maat", "Measure"),
            list(geo.MEASURES),
            format_func={m: measure_label(m) for m in geo.MEASURES}.__getitem__,
            key="measure",
            on_change=_on_simple,
            args=("measure",),
        )
        st.select_slider(
            t("Meetjaar", "Year"), options=ds.years("lbm"), key="year", on_change=_on_simple, args=("year",)
        )
        if ds.codes("buurt", gemeente=v.gemeente):
            st.radio(
                t("Kaart toont", "Map shows"),
                ["wijk", "buurt"],
                format_func={"wijk": t("wijken", "districts"), "buurt": t("buurten", "neighbourhoods")}.__getitem__,
                key="level",
                horizontal=True,
                on_change=_on_simple,
                args=("level",),
            )
        st.radio(
            t("Achtergrondkaart", "Base map"),
            list(BASEMAPS),
            format_func={"pdok": "PDOK BRT", "osm": "OpenStreetMap", "none": t("geen", "none")}.__getitem__,
            key="basemap",
            horizontal=True,
            on_change=_on_simple,
            args=("basemap",),
        )
        n_selected = len(current_selection())
        s1, s2 = st.columns([2, 1])
        s1.caption(t(f"Selectie: {n_selected} gebieden", f"Selection: {n_selected} areas"))
        s2.button(
            t("Wis", "Clear"),
            key="clear_selection",
            on_click=set_selection,
            args=(Selection(),),
            disabled=not n_selected,
        )
        c1, c2 = st.columns(2)
        c1.selectbox(
            "Taal / language", LANGS, key="lang", format_func=lambda x: {"nl": "Nederlands", "en": "English"}[x]
        )
        c2.toggle(t("Presentatie", "Presentation"), key="presentation")


def show_notices() -> None:
    """Show, once, what was ignored from the URL."""
    notices = st.session_state.pop("_notices", [])
    if notices:
        st.warning(
            t("Niet alles uit de link kon worden gebruikt:", "Not everything in the link could be used:")
            + "\n\n"
            + "\n".join(f"- {n}" for n in notices),
            icon="⚠️",
        )


def presentation_css() -> None:
    """Compact top margin always; large type and no sidebar clutter when presenting (1280x720 projector)."""
    st.markdown("<style>.block-container { padding-top: 2.2rem; }</style>", unsafe_allow_html=True)
    if st.session_state.get("presentation"):
        st.markdown(
            """<style>
            html, body, [class*="css"] { font-size: 21px; }
            section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
            header[data-testid="stHeader"] { display: none; }
            .block-container { padding-top: 0.6rem; padding-bottom: 0.5rem; max-width: 100%; }
            [data-testid="stMetricValue"] { font-size: 1.9rem; }
            [data-testid="stMetricLabel"] p { font-size: 1.0rem; }
            [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
                white-space: normal !important; overflow: visible !important; }
            [data-testid="stMetric"] { margin-bottom: -0.6rem; }
            h1 { font-size: 2.0rem !important; }
            h3 { font-size: 1.6rem !important; padding-top: 0.2rem !important; }
            </style>""",
            unsafe_allow_html=True,
        )


def keep_valid(key: str, options: list, default: object) -> None:
    """Keep a widget's stored value valid when its options change (another area, another measure)."""
    if options and st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else options[0]


def escape(text: object) -> str:
    return html.escape(str(text))


# -- cached computations -----------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=256)
def summary(code: str, year: int, measure: str) -> dict:
    from geo.view import summary as _summary

    return _summary(dataset(), code, year, measure)


def neighbours(code: str) -> list[str]:
    """Codes bordering ``code`` (same level), from the cached neighbour graph."""
    from geo.neighbours import graph_for

    ds = dataset()
    return graph_for(ds, ds.level(code)).neighbours(code)


def choropleth(v: View, lang_code: str):
    """The folium map of a view (built per rerun: ~30-90 ms; the geometry is pre-simplified)."""
    from geo.mapping import build_map

    return build_map(dataset(), v, neighbours=neighbours(v.area), lang=lang_code)


def legend(measure: str) -> None:
    """Legend of the fixed scale, as escaped HTML swatches."""
    from geo.classify import NO_DATA_COLOUR, scale_for

    ds = dataset()
    scale = scale_for(measure, national_reference=float(ds.national_reference().value or 0.0))
    rows = [
        f'<div><span style="display:inline-block;width:1.1em;height:1.1em;background:{c};'
        f'border:1px solid #555;vertical-align:middle;margin-right:.4em"></span>{escape(label)}</div>'
        for c, label in reversed(list(zip(scale.colours, scale.labels(), strict=True)))
    ]
    rows.append(
        f'<div><span style="display:inline-block;width:1.1em;height:1.1em;background:{NO_DATA_COLOUR};'
        f'border:1px dashed #555;vertical-align:middle;margin-right:.4em"></span>'
        f"{escape(t('geen gegevens', 'no data'))}</div>"
    )
    centre = t("landelijk referentieniveau", "national reference")
    note = t(
        f"Vaste schaal voor alle jaren en gebieden, rond het {centre}. Geen officiële Leefbaarometer-klassen.",
        f"Fixed scale for all years and areas, centred on the {centre}. Not the official Leefbaarometer classes.",
    )
    st.markdown(
        f'<div class="legend" style="line-height:1.5"><b>{escape(measure_label(measure))}</b>{"".join(rows)}'
        f'<div style="font-size:.85em;color:#444;margin-top:.3em">{escape(note)}</div></div>',
        unsafe_allow_html=True,
    )


def altair(chart, *, key: str) -> None:
    """Draw an Altair chart without Altair's JSON-schema validation on every rerun.

    The charts are built by our own code from fixed encodings, so validating them each run
    (about 10-15 ms per chart) buys nothing; the spec is passed to Vega-Lite as is.
    """
    st.vega_lite_chart(chart.to_dict(validate=False), width="stretch", key=key)


# -- exports (cached on the selection token and the options) ------------------------------------
@st.cache_data(show_spinner=False, max_entries=32)
def export_files(token: str, layout: str, dutch: bool, bom: bool, decimals: int | None, lang_code: str) -> dict:
    """All export files of a selection, as bytes: CSV, metadata sidecar, GeoJSON, GeoPackage."""
    from geo import export

    ds = dataset()
    selection = decode_selection(ds, token)
    table = export.export_table(ds, selection, layout=layout)  # type: ignore[arg-type]
    meta = export.export_metadata(ds, selection, layout=layout, file_format="csv")  # type: ignore[arg-type]
    frame = export.geo_frame(ds, selection)
    geo_meta = export.export_metadata(ds, selection, layout="wide", file_format="geo")
    return {
        "csv": export.to_csv_bytes(table, dutch=dutch, bom=bom, decimals=decimals),
        "meta_json": export.metadata_json(meta),
        "meta_text": export.metadata_text(meta, lang=lang_code).encode("utf-8"),
        "geojson": export.to_geojson_bytes(frame, metadata=geo_meta),
        "gpkg": export.to_gpkg_bytes(frame, metadata=geo_meta),
        "rows": len(table),
    }


@st.cache_data(show_spinner=False, max_entries=16)
def brief(code: str, year: int, lang_code: str) -> tuple[bytes, bytes]:
    """The one-page meeting brief of an area and year as (PDF, PNG)."""
    from geo.brief import render_brief

    return render_brief(dataset(), code, year, lang=lang_code)  # type: ignore[arg-type]
