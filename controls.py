"""The shared selection controls: the sidebar (or, when presenting, the top of the page) and its pickers.

Drawn by ``app.py`` after the page (so the page's own content reaches the browser first). The
widgets' values live in the session state that :mod:`ui` owns; their callbacks (``ui.on_*``)
write the choices back into the view. Also the page's CSS (presentation mode, Streamlit's own
English in Dutch mode), the dataset caption, and the area picker the Trends and Selectie pages
share.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import streamlit as st

import geo
import ui
from geo.locate import DatasetVintage, dataset_vintage
from geo.selection import Selection
from geo.textsafe import markdown_text
from geo.view import BASEMAPS, NATIONAL, SCALES, map_years
from streamlit_compat import picker_options
from ui import (
    DATA_CHOICE,
    LANGS,
    PAGES,
    current_selection,
    keep_valid,
    lang,
    measure_label,
    on_buurt,
    on_gemeente,
    on_search,
    on_simple,
    on_wijk,
    set_selection,
    t,
    view,
)

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

__all__ = ["area_picker", "controls", "dataset_caption", "gemeente_names", "presentation_css"]


#: Short page titles for the row of links in presentation mode (nl, en).
_SHORT_TITLES: dict[str, tuple[str, str]] = {
    "pages/trends.py": ("Trends", "Trends"),
    "pages/selectie.py": ("Export", "Export"),
    "pages/data.py": ("Data", "Data"),
}


# Labels are computed before the widgets are drawn, never inside format_func: a format_func is
# also called outside the script run (AppTest), where the session's language is unknown.
def controls(top: DeltaGenerator | None = None, *, page: str = "") -> None:
    """Draw the shared selection controls (sidebar, or the ``top`` container when presenting).

    ``page`` is the url path of the page shown (``""`` for the map); in presentation mode the
    folded "Keuzes" panel opens closed on every other page.
    """
    ds = ui.dataset()
    v = view()
    presenting = st.session_state.get("presentation", False)
    if presenting:
        # The navigation is hidden: a row of short page links stays in view, and the choices fold
        # away below it, closed on every new page: the browser kept an open panel open across a page
        # switch, where it covered the answer. A container keyed by the page makes it a new panel.
        # (A keyed expander with on_change="rerun" lost presentation mode on the page switch.)
        frame = top or st.container()
        links = frame.columns(len(PAGES))
        for col, (path, nl, en, _url, icon) in zip(links, PAGES, strict=True):
            col.page_link(path, label=t(*_SHORT_TITLES.get(path, (nl, en))), icon=icon)
        holder = frame.container(key=f"choices_{page or 'map'}")
        box: DeltaGenerator = holder.expander(t("Keuzes", "Choices"), expanded=False)
    else:
        box = st.sidebar
    with box:
        _search_box(ds)
        names = gemeente_names()
        national = t("Nederland (landelijk overzicht)", "Netherlands (national overview)")
        st.selectbox(
            t("Gemeente", "Municipality"),
            [NATIONAL, *names],
            format_func=lambda c: national if c == NATIONAL else names.get(c, c),
            key="gemeente",
            placeholder=t("Kies een optie", "Choose an option"),
            on_change=on_gemeente,
        )
        if v.national:
            st.caption(t("Klik op de kaart op een gemeente om in te zoomen.", "Click a municipality to zoom in."))
        else:
            wijken = ds.children(v.gemeente)
            st.selectbox(
                t("Wijk", "District"),
                wijken,
                format_func=lambda c: f"{ds.name(c)} ({c})",
                key="wijk",
                placeholder=t("Kies een optie", "Choose an option"),
                on_change=on_wijk,
            )
            buurten = ds.children(v.wijk)
            st.selectbox(
                t("Buurt", "Neighbourhood"),
                ["", *buurten],
                format_func={
                    "": t("(hele wijk)", "(whole district)"),
                    **{c: f"{ds.name(c)} ({c})" for c in buurten},
                }.__getitem__,
                key="buurt",
                placeholder=t("Kies een optie", "Choose an option"),
                on_change=on_buurt,
                disabled=not buurten,
                help=None if buurten else t("Deze wijk heeft geen buurten in de gegevens.", "No neighbourhoods here."),
            )
        st.selectbox(
            t("Maat", "Measure"),
            list(geo.MEASURES),
            format_func={m: measure_label(m) for m in geo.MEASURES}.__getitem__,
            key="measure",
            placeholder=t("Kies een optie", "Choose an option"),
            on_change=on_simple,
            args=("measure",),
        )
        with_data = set(map_years(ds, v.gemeente, v.level, v.measure))
        empty = t("geen gegevens", "no data")
        year_labels = {y: str(y) if y in with_data else f"{y} ({empty})" for y in ds.years("lbm")}
        st.select_slider(
            t("Meetjaar", "Year"),
            options=ds.years("lbm"),
            format_func=year_labels.__getitem__,
            key="year",
            on_change=on_simple,
            args=("year",),
        )
        st.caption(
            t("Jaren met gegevens op deze kaart: ", "Years with data on this map: ")
            + (", ".join(map(str, sorted(with_data))) or "–")
        )
        level_words = ui.level_words()
        st.radio(
            t("Kaart toont", "Map shows"),
            ["gemeente", "wijk"] if v.national else ["wijk", "buurt"],
            format_func=level_words.__getitem__,
            key="level",
            horizontal=True,
            on_change=on_simple,
            args=("level",),
        )
        st.radio(
            t("Kleurschaal", "Colour scale"),
            list(SCALES),
            format_func={
                "official": t("officiële klassen", "official classes"),
                "fixed": t("vaste schaal", "fixed scale"),
            }.__getitem__,
            key="scale",
            horizontal=True,
            on_change=on_simple,
            args=("scale",),
        )
        st.radio(
            t("Achtergrondkaart", "Base map"),
            list(BASEMAPS),
            format_func={"pdok": "PDOK BRT", "osm": "OpenStreetMap", "none": t("geen", "none")}.__getitem__,
            key="basemap",
            horizontal=True,
            on_change=on_simple,
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
        st.selectbox(  # the full width: in half the sidebar "Nederlands" was cut to "Nederland"
            "Taal / language",
            LANGS,
            key="lang",
            format_func=lambda x: {"nl": "Nederlands", "en": "English"}[x],
            placeholder=t("Kies een optie", "Choose an option"),
        )
        st.toggle(t("Presentatie", "Presentation"), key="presentation")
        st.caption(dataset_caption())


@st.cache_resource(show_spinner=False)
def gemeente_names() -> Mapping[str, str]:
    """Code -> name of every gemeente, in name order: one read-only mapping for all sessions.

    A widget keeps its options and their labels for as long as its session lives (two minutes after
    the browser has gone), so options and labels taken from this shared mapping are held once, not
    once per session (a fresh ``zip`` over the frame makes 686 new strings every run).
    """
    gm = ui.dataset().gemeenten()
    return MappingProxyType(dict(zip(map(str, gm["code"]), map(str, gm["name"]), strict=True)))


@st.cache_data(show_spinner=False)
def _vintage(path: str) -> DatasetVintage:
    return dataset_vintage(path)


def dataset_caption() -> str:
    """Say which dataset is shown (embedded, fetched or LEEFBAARHEID_DATA) and its vintage."""
    kind = DATA_CHOICE.kind
    what = {
        "embedded": t("ingebouwde gegevens (deels landelijk)", "embedded data (partly national)"),
        "fetched": t("volledige landelijke gegevens (python -m geo fetch)", "full national data (python -m geo fetch)"),
        "env": t("eigen dataset (LEEFBAARHEID_DATA)", "own dataset (LEEFBAARHEID_DATA)"),
    }[kind]
    v = _vintage(str(ui.DATA_DIR))
    parts = [t("Gegevens: ", "Data: ") + what]
    if v.metings:
        parts.append("Leefbaarometer 3.0, " + t("meting ", "measurement ") + ", ".join(map(str, v.metings)))
    if v.years:
        parts.append(t("jaren ", "years ") + f"{v.years[0]}–{v.years[-1]}")
    if v.boundaries:
        parts.append(t("gebiedsindeling ", "boundaries ") + ", ".join(map(str, v.boundaries)))
    return markdown_text("; ".join(parts))


def _search_box(ds: geo.Dataset) -> None:
    """One search for any gemeente, wijk or buurt of the country, by name or code."""
    from geo.search import search_areas

    query = st.text_input(
        t("Zoek een gebied (naam of code)", "Find an area (name or code)"),
        key="search_text",
        placeholder=t("bv. Kanaleneiland of WK034403", "e.g. Kanaleneiland or WK034403"),
        max_chars=100,
    )
    if not query:
        return
    hits = search_areas(ds, query, lang=lang())
    if not hits:
        st.caption(t("Geen gebied gevonden.", "No area found."))
        return
    labels = {"": t(f"{len(hits)} gevonden, kies er een", f"{len(hits)} found, pick one")}
    labels.update({h.code: h.label for h in hits})
    st.selectbox(
        t("Zoekresultaten", "Search results"),
        list(labels),
        format_func=labels.__getitem__,
        key="search_pick",
        placeholder=t("Kies een optie", "Choose an option"),
        on_change=on_search,
    )


def presentation_css() -> None:
    """Compact top margin always; large type and no sidebar clutter when presenting (1280x720 projector)."""
    st.markdown(
        "<style>.block-container { padding-top: 3.6rem; }"
        # metric labels wrap instead of ending in "…" ("Positie op Leefbaarheid (totaalscore) in de gemeente")
        ' [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {'
        " white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }"
        ' [data-testid="stMarkdownContainer"] p.gap-sentence {'
        " font-size: 1.15rem; font-weight: 600; line-height: 1.35; margin: 0.2rem 0 0.4rem; }"
        # the containers of these style blocks take no room
        ' [data-testid="stElementContainer"]:has(style) { display: none; }'
        "</style>",
        unsafe_allow_html=True,
    )
    if lang() == "nl":
        # Streamlit's own English in the dropdowns: "No results" when a search finds nothing (the
        # empty list box), and its default placeholders where a widget was given none; under a text
        # box, "Press Enter to apply"; the file uploader's button and limits (every uploader of the
        # app takes CSV or TXT up to 5 MB, geo.indicator.MAX_UPLOAD_BYTES).
        st.markdown(
            """<style>
            [role="listbox"][data-empty="true"] [role="option"] span { font-size: 0; }
            [role="listbox"][data-empty="true"] [role="option"] span::after {
                content: "Geen resultaten"; font-size: 0.875rem; }
            input[placeholder="Choose an option"]::placeholder,
            input[placeholder="Choose options"]::placeholder { color: transparent; }
            [data-testid="InputInstructions"] > span:first-child { font-size: 0; }
            [data-testid="InputInstructions"] > span:first-child::after {
                content: "Druk op Enter"; font-size: 0.75rem; }
            [data-testid="stTextArea"] [data-testid="InputInstructions"] > span:first-child::after {
                content: "Druk op Ctrl+Enter"; }
            [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
            [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
                content: "Uploaden"; font-size: 0.875rem; }
            [data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
            [data-testid="stFileUploaderDropzoneInstructions"] span::after {
                content: "Sleep een bestand hierheen of kies Uploaden; max. 5 MB, CSV of TXT"; font-size: 0.875rem; }
            </style>""",
            unsafe_allow_html=True,
        )
    if st.session_state.get("presentation"):
        st.markdown(
            """<style>
            html, body, [class*="css"] { font-size: 21px; }
            section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
            header[data-testid="stHeader"] { display: none; }
            .block-container { padding-top: 0.6rem; padding-bottom: 0.5rem; max-width: 100%; }
            [data-testid="stMetricValue"] { font-size: 1.7rem; }
            [data-testid="stMetricLabel"] p { font-size: 0.95rem; }
            [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
                white-space: normal !important; overflow: visible !important; }
            [data-testid="stMetric"] { margin-bottom: -0.8rem; }
            [data-testid="stMetricLabel"] p { line-height: 1.25; }
            h1 { font-size: 2.0rem !important; }
            h3 { font-size: 1.6rem !important; padding-top: 0.2rem !important; }
            [data-testid="stMarkdownContainer"] p.gap-sentence {
                font-size: 1.55rem; line-height: 1.3; margin: 0.1rem 0 0.3rem; }
            .legend { font-size: 0.8rem; line-height: 1.2 !important; }
            .legend > div > span { width: 0.9em !important; height: 0.9em !important; }
            [data-testid="stElementToolbar"] { display: none; }
            [data-testid="stPageLink"] p, [data-testid="stPageLink"] span {
                white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
            </style>""",
            unsafe_allow_html=True,
        )


def area_picker(
    label: str,
    *,
    key: str,
    gemeente: str,
    gemeente_label: str,
    max_selections: int,
    help: str | None = None,
) -> list[str]:
    """Pick wijken and buurten of any gemeente: a gemeente box, then a list of that gemeente's areas.

    The chosen codes stay in ``st.session_state[key]`` across gemeente switches and stay
    offered (so areas of several gemeenten can be chosen), but only one gemeente's areas are
    offered besides them: a session holds a few hundred labels, not the country's 15,700. The
    gemeente box (``f"{key}_gemeente"``) starts at ``gemeente`` and follows it when it changes
    (another area chosen in the sidebar); in between it is the user's choice. Labels come from
    :func:`geo.compare.area_options`, shared by all sessions.
    """
    from geo.compare import area_options, area_options_by_gemeente

    ds, ss = ui.dataset(), st.session_state
    labels, by_gemeente = area_options(ds), area_options_by_gemeente(ds)
    gm_key, follows = f"{key}_gemeente", f"_{key}_gemeente_follows"
    names = gemeente_names()
    gm_codes = [c for c in names if c in by_gemeente]
    if ss.get(follows) != gemeente:
        ss[follows] = gemeente
        ss.pop(gm_key, None)
    keep_valid(gm_key, gm_codes, gemeente)
    picked_gm = st.selectbox(
        gemeente_label,
        gm_codes,
        format_func=names.__getitem__,
        key=gm_key,
        placeholder=t("Kies een optie", "Choose an option"),
    )
    chosen = [c for c in ss.get(key, []) if c in labels]
    options = list(dict.fromkeys([*chosen, *by_gemeente.get(picked_gm, ())]))
    return st.multiselect(
        label,
        options,
        format_func=labels.__getitem__,
        key=key,
        max_selections=max_selections,
        placeholder=t("Kies gebieden", "Choose areas"),
        help=help,
        **picker_options(),
    )
