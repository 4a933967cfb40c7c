"""Streamlit glue shared by the pages: cached loaders, language, the shared selection and URL.

Pages stay thin: they read state from here, call ``geo`` and draw. Nothing in ``geo``
imports streamlit. The controls that set the state are in :mod:`controls`; sections several
pages share (ranking, export and brief buttons) in :mod:`sections`; the maps' cached layers,
specs and legends in :mod:`map_view`.

State model
-----------
The canonical selection is a :class:`geo.view.View` in ``st.session_state["_view"]``; it
survives page switches. Widgets have their own keys (``gemeente``, ``wijk``, ``buurt``,
``year``, ``measure``, ``level``, ``basemap``); before they are drawn their values are set
from the view, and their callbacks write back into it. The URL mirrors the view on every run.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NoReturn, cast

import streamlit as st

import geo
import streamlit_compat
from geo.choices import PageChoices, choices_params
from geo.link import parse_link
from geo.locate import resolve_data_dir
from geo.selection import Selection, encode_selection
from geo.sets import PROGRAMME_PARAMS
from geo.summary import AreaSummary, area_summary, rank_label
from geo.textsafe import html_text, markdown_text
from geo.view import NATIONAL, Notice, View, area_view, drill_down, national_view, view_params

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd
    from streamlit.delta_generator import DeltaGenerator


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
    ("pages/data.py", "Over de data", "About the data", "data", ":material/info:"),
)
#: Query parameters that belong to one page (the programme page: set, years A and B, user set);
#: write_url keeps them, the page validates them.
PAGE_PARAMS = PROGRAMME_PARAMS
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


class PageEnd(Exception):
    """Raised by :func:`end_page`; ``app.py`` catches it around the page."""


def end_page() -> NoReturn:
    """End the page here, and only the page: the controls and the URL (drawn after it) still run.

    ``st.stop()`` would end the whole run, so a page that stopped early (an empty set, two
    years in the wrong order) lost its sidebar controls and page links, and its URL stopped
    following the user's choices.
    """
    raise PageEnd


def lang() -> geo.Lang:
    """The session's language ("nl" or "en")."""
    known: geo.Lang | None = getattr(_RUN, "lang", None)
    return known if known is not None else _session_lang()


def _session_lang() -> geo.Lang:
    return geo.check_lang(st.session_state.get("lang", "nl"))


#: What a script run reads once (:func:`session_run`), per script thread.
_RUN = threading.local()


@contextmanager
def session_run() -> Iterator[None]:
    """Prepare a run of the app, and read the session's language once for the rest of it.

    First the dataset (or the page that says why it cannot be loaded, which ends the run), then the
    session's state from the link (:func:`init_state`). A run asks for the language a hundred times
    or more (every :func:`t`), and each read of the session state goes through several of
    Streamlit's layers; the language cannot change during a run (the language box's new value is in
    place before the run starts). It is forgotten when the run ends: callbacks, which run between
    runs, read the session state itself.
    """
    dataset_error_page()
    init_state()
    _RUN.lang = _session_lang()
    try:
        yield
    finally:
        _RUN.lang = None


def level_words() -> dict[str, str]:
    """The levels' plural names in the session's language: ``{"wijk": "wijken", ...}`` / ``"districts"``."""
    return {
        "gemeente": t("gemeenten", "municipalities"),
        "wijk": t("wijken", "districts"),
        "buurt": t("buurten", "neighbourhoods"),
    }


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
    """Record choices made on a page (fields of :class:`geo.choices.PageChoices`) for the URL."""
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


def one_area_view() -> View:
    """The shared view for a page about one area; on the national overview, the area's gemeente.

    Says so on the page when the map shows the whole country: the page is about the area chosen
    last (:func:`geo.view.area_view`), and the sidebar picks another.
    """
    v = view()
    if not v.national:
        return v
    local = area_view(v)
    ds = dataset()
    area, gemeente = md(ds.name(local.area)), md(ds.name(local.gemeente))
    st.info(
        t(
            f"De kaart toont heel Nederland; deze pagina toont {area} in {gemeente}, het laatst gekozen gebied. "
            "Kies een gemeente in de zijbalk voor een ander gebied.",
            f"The map shows the whole country; this page shows {area} in {gemeente}, the area chosen last. "
            "Pick a municipality in the sidebar for another area.",
        )
    )
    return local


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


def on_gemeente() -> None:
    gm = st.session_state["gemeente"]
    _set_view(_national(view()) if gm == NATIONAL else _drill_down(view(), gm))


def on_wijk() -> None:
    w = st.session_state["wijk"]
    _set_view(replace(view(), wijk=w, area=w))


def on_buurt() -> None:
    b = st.session_state["buurt"]
    v = view()
    _set_view(replace(v, area=b or v.wijk))


def on_simple(field: str) -> None:
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


def show_notices(notices: Sequence[Notice] | None = None) -> None:
    """Show, once, what was ignored from the URL: the link's notices, or a page's own (``notices``).

    In presentation mode as a toast over the page (it stays until closed), so the projector's page
    keeps its layout: a warning box would push the map and legend below 720 pixels.
    """
    if notices is None:
        notices = st.session_state.pop("_notices", [])
    if notices:
        text = (
            t("Niet alles uit de link kon worden gebruikt:", "Not everything in the link could be used:")
            + "\n\n"
            + "\n".join(f"- {markdown_text(n.text(lang()))}" for n in notices)
        )
        if st.session_state.get("presentation"):
            st.toast(text, icon="⚠️", duration="infinite")
        else:
            st.warning(text, icon="⚠️")


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
        streamlit_compat.dataframe(styler, hide_index=True, width="stretch", key=key, height=height, placeholder="–")
    else:
        streamlit_compat.dataframe(styler, hide_index=True, width="stretch", key=key, placeholder="–")


def altair(chart: alt.TopLevelMixin, *, key: str) -> None:
    """Draw an Altair chart without Altair's JSON-schema validation on every rerun.

    The charts are built by our own code from fixed encodings, so validating them each run
    (about 10-15 ms per chart) buys nothing; the spec is passed to Vega-Lite as is.
    """
    from geo.fmt import altair_locale_config

    spec = chart.to_dict(validate=False)
    spec.setdefault("config", {})["locale"] = altair_locale_config(lang())  # decimal comma in Dutch
    st.vega_lite_chart(spec, width="stretch", key=key)
