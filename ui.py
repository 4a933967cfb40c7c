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

import gc
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import streamlit as st

import geo
import streamlit_compat
from geo.locate import DatasetVintage, dataset_vintage, resolve_data_dir
from geo.selection import Selection, decode_selection, encode_selection
from geo.summary import AreaSummary, area_summary, rank_label
from geo.textsafe import html_text, markdown_text
from geo.view import (
    BASEMAPS,
    NATIONAL,
    SCALES,
    PageChoices,
    View,
    choices_params,
    drill_down,
    map_years,
    national_view,
    parse_link,
    view_params,
)

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd
    from streamlit.delta_generator import DeltaGenerator

    from geo import export as geo_export
    from geo.classify import Scale
    from geo.mapping import ChoroplethLayer
    from geo.ranking import Ranking

#: The dataset the app shows (geo.locate): LEEFBAARHEID_DATA, else the dataset built by
#: ``python -m geo fetch``, else the embedded data/.
DATA_CHOICE = resolve_data_dir()
DATA_DIR = DATA_CHOICE.path
LANGS: tuple[geo.Lang, ...] = geo.LANGS
#: The app's pages: (file, Dutch title, English title, url path, icon). app.py builds its
#: navigation from this table, and presentation mode links to the same pages. The first is the
#: default page, served at the root URL (its url path is never shown; /kaart redirects to it).
PAGES = (
    ("pages/kaart.py", "Kaart", "Map", "home", ":material/map:"),
    ("pages/trends.py", "Trends en vergelijking", "Trends and comparison", "trends", ":material/trending_up:"),
    ("pages/verandering.py", "Verandering", "Change", "verandering", ":material/compare_arrows:"),
    ("pages/selectie.py", "Selectie en export", "Selection and export", "selectie", ":material/download:"),
    ("pages/programma.py", "Programma's", "Programmes", "programma", ":material/flag:"),
    ("pages/over_de_data.py", "Over de data", "About the data", "data", ":material/info:"),
)
#: Query parameters that belong to one page (the programme page: set, years A and B, user set);
#: write_url keeps them, the page validates them.
PAGE_PARAMS = ("set", "ya", "yb", "u")
_VIEW = "_view"
_SELECTION = "_selection"
_CHOICES = "_choices"
_CHOICES_VIEW = "_choices_view"


@st.cache_resource(show_spinner=False)
def dataset(path: str = str(DATA_DIR)) -> geo.Dataset:
    """Load the dataset once per server process; nobody modifies it.

    The loaded frames live as long as the server: ``gc.freeze()`` moves them (and everything
    else alive now) out of the garbage collector's sight, so its full collections stay cheap.
    """
    ds = geo.load_dataset(path)
    gc.freeze()
    return ds


def dataset_error_page() -> None:
    """Show why the dataset cannot be loaded, and how to fix it, as a page; then stop the run.

    Does nothing when the dataset loads. The error is not cached: after a rebuild, a reload works.
    """
    try:
        dataset()
    except geo.DataFileError as exc:
        en = st.query_params.get("lang") == "en"
        st.title("The data cannot be loaded" if en else "De gegevens kunnen niet worden geladen")
        st.error(markdown_text(exc), icon="⚠️")
        st.markdown(
            "Rebuild the dataset from its sources (then reload this page):"
            if en
            else "Bouw de dataset opnieuw uit de bronbestanden (en laad deze pagina daarna opnieuw):"
        )
        st.code(f"python -m geo build --out {DATA_DIR}", language="bash")
        st.stop()


def lang() -> geo.Lang:
    """The session's language ("nl" or "en")."""
    return geo.check_lang(st.session_state.get("lang", "nl"))


def t(nl: str, en: str) -> str:
    """Pick the Dutch or English text for the current language."""
    return en if lang() == "en" else nl


def measure_label(measure: str) -> str:
    """The name of a measure in the session's language."""
    return geo.MEASURE_LABELS[measure][lang()]


def page_guard() -> None:
    """Make sure the page runs inside app.py's frame; call it first in every page.

    A deep link can start a page without ``app.py`` (Streamlit's legacy ``pages/`` mode, see
    :mod:`streamlit_compat`); the page then ends that mode and reruns through ``app.py``.
    """
    if streamlit_compat.end_legacy_pages_mode():
        st.rerun()


# -- state -------------------------------------------------------------------------------------
def init_state() -> None:
    """Read and validate the URL once per session; keep widget keys in step with the view."""
    ds = dataset()
    ss = st.session_state
    if _VIEW not in ss:
        link = parse_link(ds, st.query_params.to_dict())
        ss[_VIEW] = link.view
        ss[_SELECTION] = link.selection
        ss[_CHOICES] = link.choices
        ss[_CHOICES_VIEW] = link.view
        ss["_notices"] = list(link.notices)
        ss["lang"] = link.lang
        ss["presentation"] = link.presentation
    _sync_widgets()


def current_selection() -> Selection:
    """The researcher's selection of areas; it persists across pages and travels in the URL."""
    return cast(Selection, st.session_state.get(_SELECTION, Selection()))


def set_selection(selection: Selection) -> None:
    """Replace the researcher's selection."""
    st.session_state[_SELECTION] = selection


def choices() -> PageChoices:
    """The pages' own choices (gap period, change years and count, compared areas); they travel in the URL."""
    return cast(PageChoices, st.session_state.get(_CHOICES, PageChoices()))


def set_choices(**changes: Any) -> None:
    """Record choices made on a page (fields of :class:`geo.view.PageChoices`) for the URL."""
    st.session_state[_CHOICES] = replace(choices(), **changes)
    st.session_state[_CHOICES_VIEW] = view()


def _current_choices() -> PageChoices:
    """The choices that still hold for the current view: a gap period belongs to one area and measure,
    change years to one gemeente, level, measure and sidebar year, the neighbour table to one area and
    year; after another choice elsewhere they are dropped."""
    ch, seen, v = choices(), st.session_state.get(_CHOICES_VIEW), view()
    if seen is None or seen == v:
        return ch
    if (seen.area, seen.measure) != (v.area, v.measure):
        ch = replace(ch, gap=None)
    here = (v.gemeente, geo.level_of(v.area), v.measure, v.year)
    if (seen.gemeente, geo.level_of(seen.area), seen.measure, seen.year) != here:
        ch = replace(ch, change=None)  # the change page ends in the sidebar's year
    if (seen.area, seen.year, seen.measure) != (v.area, v.year, v.measure):
        ch = replace(ch, table_year=None, since=None)  # the neighbour table follows the new area and year
    st.session_state[_CHOICES] = ch
    st.session_state[_CHOICES_VIEW] = v
    return ch


def view() -> View:
    """The shared view (gemeente, wijk, area, year, measure, level, base map) of every page."""
    return cast(View, st.session_state[_VIEW])


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
    ss["scale"] = v.scale


def _drill_down(v: View, gemeente: str) -> View:
    return drill_down(dataset(), v, gemeente)


def _national(v: View) -> View:
    return national_view(dataset(), v)


def _on_gemeente() -> None:
    gm = st.session_state["gemeente"]
    _set_view(_national(view()) if gm == NATIONAL else _drill_down(view(), gm))


def _on_wijk() -> None:
    w = st.session_state["wijk"]
    _set_view(replace(view(), wijk=w, area=w))


def _on_buurt() -> None:
    b = st.session_state["buurt"]
    v = view()
    _set_view(replace(v, area=b or v.wijk))


def _on_simple(field: str) -> None:
    new = replace(view(), **{field: st.session_state[field]})
    if new.national and field == "level":  # all wijken of the country: open on a well-covered year
        new = national_view(dataset(), new)
    _set_view(new)


def select_area(code: str) -> None:
    """Select an area of the current dataset, e.g. after a click on the map or a search.

    A gemeente opens its own map (drill-down from the national overview); a wijk or buurt is
    selected in its gemeente.
    """
    ds = dataset()
    if not ds.has(code):
        return
    v = view()
    level = ds.level(code)
    if level == "gemeente":
        if ds.children(code):
            _set_view(_drill_down(v, code))
        return
    gemeente = geo.gemeente_of(code)
    if v.national or v.gemeente != gemeente:
        v = _drill_down(v, gemeente)
    if level == "wijk":
        _set_view(replace(v, wijk=code, area=code, level=v.level if v.level in ("wijk", "buurt") else "wijk"))
    else:
        _set_view(replace(v, wijk=str(ds.parent(code)), area=code, level="buurt"))


def on_map_change() -> None:
    """Callback of the map component: a click on an area selects it."""
    import map_view

    code = map_view.clicked("map")
    if code is not None:
        select_area(code)
        ds = dataset()
        adds = st.session_state.get("click_adds") and ds.has(code) and ds.level(code) != "gemeente"
        if adds and code not in current_selection():
            set_selection(current_selection().add_codes(ds, [code]))


def on_search() -> None:
    """Callback of the search results: select the area that was picked."""
    code = st.session_state.get("search_pick")
    if isinstance(code, str) and code:
        select_area(code)
        st.session_state["search_text"] = ""


def write_url() -> None:
    """Mirror the view in the URL so the page can be shared."""
    params = {**view_params(view()), "lang": lang()}
    selection = current_selection()
    if len(selection):
        params["s"] = encode_selection(selection)
    if st.session_state.get("presentation"):
        params["p"] = "1"
    params.update(choices_params(_current_choices()))
    current = st.query_params.to_dict()
    for key in PAGE_PARAMS:  # a page's own parameters (validated by that page) stay in the link
        if key in current and key not in params:
            params[key] = current[key]
    if current != params:
        st.query_params.from_dict(params)


# -- controls ----------------------------------------------------------------------------------
#: Short page titles for the row of links in presentation mode (nl, en).
_SHORT_TITLES: dict[str, tuple[str, str]] = {
    "pages/trends.py": ("Trends", "Trends"),
    "pages/selectie.py": ("Export", "Export"),
    "pages/over_de_data.py": ("Data", "Data"),
}


# Labels are computed before the widgets are drawn, never inside format_func: a format_func is
# also called outside the script run (AppTest), where the session's language is unknown.
def controls(top: DeltaGenerator | None = None) -> None:
    """Draw the shared selection controls (sidebar, or the ``top`` container when presenting)."""
    ds = dataset()
    v = view()
    presenting = st.session_state.get("presentation", False)
    if presenting:
        # The navigation is hidden: a row of short page links stays in view, and the choices fold
        # away below it (a folded panel would stay open across a page switch and cover the answer).
        frame = top or st.container()
        links = frame.columns(len(PAGES))
        for col, (path, nl, en, _url, icon) in zip(links, PAGES, strict=True):
            col.page_link(path, label=t(*_SHORT_TITLES.get(path, (nl, en))), icon=icon)
        box: DeltaGenerator = frame.expander(t("Keuzes", "Choices"), expanded=False)
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
            on_change=_on_gemeente,
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
                on_change=_on_wijk,
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
                on_change=_on_buurt,
                disabled=not buurten,
                help=None if buurten else t("Deze wijk heeft geen buurten in de gegevens.", "No neighbourhoods here."),
            )
        st.selectbox(
            t("Maat", "Measure"),
            list(geo.MEASURES),
            format_func={m: measure_label(m) for m in geo.MEASURES}.__getitem__,
            key="measure",
            placeholder=t("Kies een optie", "Choose an option"),
            on_change=_on_simple,
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
            on_change=_on_simple,
            args=("year",),
        )
        st.caption(
            t("Jaren met gegevens op deze kaart: ", "Years with data on this map: ")
            + (", ".join(map(str, sorted(with_data))) or "–")
        )
        level_words = {
            "gemeente": t("gemeenten", "municipalities"),
            "wijk": t("wijken", "districts"),
            "buurt": t("buurten", "neighbourhoods"),
        }
        st.radio(
            t("Kaart toont", "Map shows"),
            ["gemeente", "wijk"] if v.national else ["wijk", "buurt"],
            format_func=level_words.__getitem__,
            key="level",
            horizontal=True,
            on_change=_on_simple,
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
            on_change=_on_simple,
            args=("scale",),
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
            "Taal / language",
            LANGS,
            key="lang",
            format_func=lambda x: {"nl": "Nederlands", "en": "English"}[x],
            placeholder=t("Kies een optie", "Choose an option"),
        )
        c2.toggle(t("Presentatie", "Presentation"), key="presentation")
        st.caption(dataset_caption())


@st.cache_resource(show_spinner=False)
def gemeente_names() -> Mapping[str, str]:
    """Code -> name of every gemeente with wijken, in name order: one read-only mapping for all sessions.

    A widget keeps its options and their labels for as long as its session lives (two minutes after
    the browser has gone), so options and labels taken from this shared mapping are held once, not
    once per session (a fresh ``zip`` over the frame makes 686 new strings every run).
    """
    gm = dataset().gemeenten()
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
    v = _vintage(str(DATA_DIR))
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


def show_notices() -> None:
    """Show, once, what was ignored from the URL."""
    notices = st.session_state.pop("_notices", [])
    if notices:
        st.warning(
            t("Niet alles uit de link kon worden gebruikt:", "Not everything in the link could be used:")
            + "\n\n"
            + "\n".join(f"- {markdown_text(n.text(lang()))}" for n in notices),
            icon="⚠️",
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
        # box, "Press Enter to apply".
        st.markdown(
            """<style>
            [role="listbox"][data-empty="true"] [role="option"] span { font-size: 0; }
            [role="listbox"][data-empty="true"] [role="option"] span::after {
                content: "Geen resultaten"; font-size: 0.875rem; }
            input[placeholder="Choose an option"]::placeholder,
            input[placeholder="Choose options"]::placeholder { color: transparent; }
            [data-testid="InputInstructions"] > span:first-child { font-size: 0; }
            [data-testid="InputInstructions"] > span:first-child::after {
                content: "Druk op Enter om toe te passen"; font-size: 0.75rem; }
            [data-testid="stTextArea"] [data-testid="InputInstructions"] > span:first-child::after {
                content: "Druk op Ctrl+Enter om toe te passen"; }
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


def number_text(
    label: str, default: float, *, key: str, min_value: float | None = None, box: DeltaGenerator | None = None
) -> float | None:
    """A number input in the language's format (``-0,100`` in Dutch): a text field read by :func:`geo.fmt.parse_number`.

    Streamlit's number input always shows a decimal point. Returns None, after showing what is
    wrong and the expected form, when the text is not a number or is below ``min_value``.
    """
    from geo.fmt import number, parse_number

    where = box or st.container()
    text = where.text_input(label, value=number(default, lang()), key=f"{key}_{lang()}", max_chars=24)
    try:
        value = parse_number(text, lang())
    except ValueError as exc:
        where.error(markdown_text(exc), icon="⚠️")
        return None
    if min_value is not None and value < min_value:
        where.error(t(f"Minimaal {number(min_value, 'nl')}.", f"At least {number(min_value, 'en')}."), icon="⚠️")
        return None
    return value


def keep_valid(key: str, options: list[Any], default: object) -> None:
    """Keep a widget's stored value valid when its options change (another area, another measure)."""
    if options and st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else options[0]


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

    ds, ss = dataset(), st.session_state
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
    )


def escape(text: object) -> str:
    """Escape text for HTML."""
    return html_text(text)


def md(text: object) -> str:
    """Escape text (area names, user text) for Markdown."""
    return markdown_text(text)


# -- cached computations -----------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=256)
def summary(code: str, year: int, measure: str) -> AreaSummary:
    """The figures of an area next to the map (:func:`geo.summary.area_summary`)."""
    return area_summary(dataset(), code, year, measure)


def rank_title(measure: str) -> str:
    """The label of the rank in the gemeente, naming its basis: "Positie op Overlast en onveiligheid in de gemeente"."""
    text = rank_label(measure, lang())
    return text[0].upper() + text[1:] + t(" in de gemeente", " in the municipality")


def neighbours(code: str) -> list[str]:
    """Codes bordering ``code`` (same level), from the cached neighbour graph."""
    from geo.neighbours import graph_for

    ds = dataset()
    return graph_for(ds, ds.level(code)).neighbours(code)


@st.cache_resource(show_spinner=False, max_entries=64)
def map_layer(
    gemeente: str, level: str, year: int, measure: str, scale_kind: str, lang_code: geo.Lang
) -> ChoroplethLayer:
    """The choropleth layer of a map, built once per server and shared by all sessions (immutable)."""
    from geo.classify import scale_for
    from geo.mapping import choropleth_layer, map_codes

    ds = dataset()
    v = View(gemeente=gemeente, wijk="", area="", year=year, measure=measure, level=level, scale=scale_kind)
    scale = scale_for(measure, national_reference=float(ds.national_reference().value or 0.0), kind=scale_kind)
    return choropleth_layer(ds, map_codes(ds, v), year=year, measure=measure, scale=scale, lang=lang_code)


@st.cache_resource(show_spinner=False, max_entries=64)
def change_layer(gemeente: str, level: str, start: int, end: int, measure: str, lang_code: geo.Lang) -> ChoroplethLayer:
    """The change map's layer of a gemeente's areas, built once per server and shared (immutable)."""
    from geo.change import change_scale
    from geo.mapping import change_layer as _change_layer
    from geo.mapping import change_scale_classes

    ds = dataset()
    scale = change_scale(ds, measure)
    classes = change_scale_classes(scale.vmin, scale.vmax)
    codes = ds.codes(level, gemeente=gemeente)  # type: ignore[arg-type]  # a dataset level
    return _change_layer(ds, codes, start=start, end=end, measure=measure, scale=classes, lang=lang_code)


def map_spec(v: View, lang_code: geo.Lang, *, height: int) -> bytes:
    """The map of a view for :func:`map_view.show` (cheap: the choropleth is cached).

    The selection and its neighbours are outlines of their own: a click changes only those,
    so the map keeps the user's zoom and pan.
    """
    from geo.mapping import map_spec as _map_spec
    from geo.mapping import outline_rings

    ds = dataset()
    layer = map_layer(v.gemeente, v.level, v.year, v.measure, v.scale, lang_code)
    if v.national:
        outlines = outline_rings(ds, selected=[])
    else:
        selected = [v.area] if v.area == v.wijk or v.level == "buurt" else [v.wijk, v.area]
        outlines = outline_rings(ds, selected=selected, neighbours=neighbours(v.area))
    return _map_spec(
        layer, view=f"{v.gemeente}|{v.level}", basemap=v.basemap, lang=lang_code, outlines=outlines, height=height
    )


def current_scale(measure: str, kind: str) -> Scale:
    """The colour scale of a measure: the official classes or the fixed steps."""
    from geo.classify import scale_for

    return scale_for(measure, national_reference=float(dataset().national_reference().value or 0.0), kind=kind)


def legend(measure: str, kind: str = "official", *, compact: bool = False) -> None:
    """Legend of the map's scale, as escaped HTML swatches (in a row when ``compact``)."""
    from geo.mapping import legend_html

    html_text = legend_html(current_scale(measure, kind), title=measure_label(measure), lang=lang(), compact=compact)
    st.markdown(html_text, unsafe_allow_html=True)


def change_legend(scale: Scale, *, title: str) -> None:
    """Legend of a change map's fixed symmetric scale (three decimals), as escaped HTML swatches."""
    from geo.mapping import legend_html

    st.markdown(legend_html(scale, title=title, lang=lang(), decimals=3), unsafe_allow_html=True)


def table(
    frame: pd.DataFrame, *, decimals: dict[str, int] | None = None, key: str | None = None, height: int | None = None
) -> None:
    """Show a table: missing values read "–" (and sort last), numbers in the language's format."""
    dec = "," if lang() == "nl" else "."
    styler = frame.style.format(na_rep="–", decimal=dec, thousands="", precision=3)
    for column, places in (decimals or {}).items():
        if column in frame:
            styler = styler.format(na_rep="–", decimal=dec, thousands="", precision=places, subset=[column])
    if height:
        st.dataframe(styler, hide_index=True, width="stretch", key=key, height=height, placeholder="–")
    else:
        st.dataframe(styler, hide_index=True, width="stretch", key=key, placeholder="–")


@st.cache_data(show_spinner=False, max_entries=64)
def ranking(
    level: str, year: int, measure: str, gemeente: str | None, min_population: int, lang_code: geo.Lang
) -> Ranking:
    """The ranked areas of a map (:func:`geo.ranking.ranking`)."""
    from geo.ranking import ranking as _ranking

    return _ranking(dataset(), level, year, measure, gemeente=gemeente, min_population=min_population, lang=lang_code)


def ranking_section(v: View) -> None:
    """The ranked list of the map's areas (the country, or the gemeente) with inhabitants."""
    national = v.national
    title = (
        t("Rangorde van het land", "National ranking")
        if national
        else t("Rangorde in de gemeente", "Ranking in the municipality")
    )
    # Built only when shown: on a gemeente map the table waits for the toggle (it costs a rerun's time).
    if not national and not st.toggle(title, key="show_ranking"):
        return
    with st.container(border=True):
        if national:
            st.markdown(f"**{title}**")
        c1, c2, c3 = st.columns([1, 1, 1.2])
        which = c1.radio(
            t("Toon", "Show"),
            ["bottom", "top"],
            format_func={"bottom": t("zwakste", "weakest"), "top": t("sterkste", "strongest")}.__getitem__,
            key="rank_side",
            horizontal=True,
        )
        count = c2.number_input(t("Aantal", "Number"), min_value=5, max_value=500, value=20, step=5, key="rank_n")
        min_pop = c3.number_input(
            t("Minimaal aantal inwoners", "Minimum inhabitants"),
            min_value=0,
            max_value=100_000,
            value=100,
            step=50,
            key="rank_min_pop",
        )
        r = ranking(v.level, v.year, v.measure, None if national else v.gemeente, int(min_pop), lang())
        rows = (r.bottom(int(count)) if which == "bottom" else r.top(int(count))).copy()
        notes = [
            t(
                f"{r.n_small} gebieden met minder dan {r.min_population} inwoners (CBS 2024) zijn weggelaten.",
                f"{r.n_small} areas with fewer than {r.min_population} inhabitants (CBS 2024) are left out.",
            )
        ]
        if r.n_unknown_population:
            notes.append(
                t(
                    f"Van {r.n_unknown_population} gebieden is het aantal inwoners niet bekend; zij staan er wel in.",
                    f"{r.n_unknown_population} areas have no known number of inhabitants; they are included.",
                )
            )
        if r.n_without_value:
            notes.append(
                t(
                    f"{r.n_without_value} gebieden zonder score in {v.year}.",
                    f"{r.n_without_value} areas without a score in {v.year}.",
                )
            )
        st.caption(" ".join(notes))
        shown = rows.rename(
            columns={
                "rank": t("Plaats in de lijst", "Place in list"),
                "code": "Code",
                "name": t("Naam", "Name"),
                "gemeente": t("Gemeente", "Municipality"),
                "value": measure_label(v.measure),
                "class": t("Klasse", "Class"),
                "class_name": t("Oordeel", "Rating"),
                "population": t("Inwoners", "Inhabitants"),
                "previous_year": t("Vorige meting", "Previous"),
                "change": t("Verandering", "Change"),
            }
        )
        if (national and v.level == "gemeente") or not national:
            shown = shown.drop(columns=[t("Gemeente", "Municipality")]) if not national else shown
        table(shown, decimals={t("Inwoners", "Inhabitants"): 0}, key="ranking_table")
        if not national or v.level != "gemeente":
            st.button(
                t(
                    f"Zet deze {len(rows)} gebieden in de selectie (voor export)",
                    f"Add these {len(rows)} areas to the selection (for export)",
                ),
                key="rank_to_selection",
                on_click=_add_to_selection,
                args=(list(rows["code"]),),
            )


def _add_to_selection(codes: list[str]) -> None:
    set_selection(current_selection().add_codes(dataset(), codes))


def altair(chart: alt.TopLevelMixin, *, key: str) -> None:
    """Draw an Altair chart without Altair's JSON-schema validation on every rerun.

    The charts are built by our own code from fixed encodings, so validating them each run
    (about 10-15 ms per chart) buys nothing; the spec is passed to Vega-Lite as is.
    """
    from geo.fmt import altair_locale_config

    spec = chart.to_dict(validate=False)
    spec.setdefault("config", {})["locale"] = altair_locale_config(lang())  # decimal comma in Dutch
    st.vega_lite_chart(spec, width="stretch", key=key)


# -- exports (cached on the selection token and the options) ------------------------------------
@st.cache_data(show_spinner=False, max_entries=32)
def export_files(
    token: str, layout: str, dutch: bool, bom: bool, decimals: int | None, lang_code: str
) -> geo_export.ExportFiles:
    """All export files of a selection (CSV, metadata, GeoJSON, GeoPackage), as the command line writes them."""
    from geo import export

    ds = dataset()
    options = export.ExportOptions(
        layout=layout,  # type: ignore[arg-type]
        dutch=dutch,
        bom=bom,
        decimals=decimals,
        lang=lang_code,  # type: ignore[arg-type]
    )
    return export.export_files(ds, decode_selection(ds, token), options)


def brief_buttons(v: View, *, key: str) -> None:
    """Offer the meeting brief of the view's area and year: one button makes it, then PDF and PNG downloads.

    The brief takes about a second to draw, so it is made on request (and cached). File names say
    the area, the year and the language (:func:`geo.brief.brief_filename`). ``key`` keeps the
    widgets of different pages apart.
    """
    ds = dataset()
    if v.national:
        return
    if ds.value(v.area, v.year) is None:
        st.caption(t(f"Geen vergaderbrief: geen score in {v.year}.", f"No meeting brief: no score in {v.year}."))
        return
    lang_code = lang()
    wanted = (v.area, v.year, lang_code)
    state = f"_brief_{key}"
    if st.session_state.get(state) != wanted:
        st.button(
            t("Vergaderbrief (PDF, PNG)", "Meeting brief (PDF, PNG)"),
            key=f"{key}_brief_make",
            icon=":material/description:",
            on_click=st.session_state.__setitem__,
            args=(state, wanted),
            help=t(
                "Eén A4-pagina: kaart met buren, ontwikkeling, achterstand op de stad en samenvatting.",
                "One A4 page: map with neighbours, trend, gap to the city and summary.",
            ),
        )
        return
    from geo.brief import brief_filename  # matplotlib: imported only once a brief is asked for

    pdf, png = brief(v.area, v.year, lang_code)
    b1, b2 = st.columns(2)
    b1.download_button(
        t("Brief als PDF", "Brief as PDF"),
        pdf,
        brief_filename(ds, v.area, v.year, lang_code, "pdf"),
        "application/pdf",
        key=f"{key}_brief_pdf",
        icon=":material/download:",
    )
    b2.download_button(
        t("Brief als PNG", "Brief as PNG"),
        png,
        brief_filename(ds, v.area, v.year, lang_code, "png"),
        "image/png",
        key=f"{key}_brief_png",
        icon=":material/download:",
    )


@st.cache_data(show_spinner=False, max_entries=16)
def brief(code: str, year: int, lang_code: geo.Lang) -> tuple[bytes, bytes]:
    """The one-page meeting brief of an area and year as (PDF, PNG)."""
    from geo.brief import render_brief

    return render_brief(dataset(), code, year, lang=lang_code)
