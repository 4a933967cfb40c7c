"""The finished parts of the trends page (chart specs and tables), built once and shared by all sessions.

A trends page run used to build four Altair charts and two comparison tables from scratch: some
300 ms of server time per rerun, most of it Altair's chart objects and their conversion to a
Vega-Lite spec. The parts depend only on a few small values (area, measure, years, language,
presentation mode), so each is cached here with ``st.cache_data`` on exactly those values and
kept for at most a bounded number of inputs. ``st.cache_data`` hands every session its own copy,
so a session can never change another one's chart or table.

A chart's layout (marks, encodings, axes, titles, tooltips) does not depend on the area at all:
it is built with Altair once per language, measure and axis years, on a named placeholder data
source, and kept (:data:`TEMPLATE_ENTRIES`). An area's chart is that template with the area's
data filled in, as Arrow bytes under a name made from their hash (as Altair names its datasets,
so the spec changes exactly when the data do). So a first visit to an area does not pay for
Altair either.

Every function takes the language as an argument (``lang``) and never reads the session: the
cache key must hold everything the result depends on. The dataset is the app's one dataset
(:func:`ui.dataset`).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any, Final

import altair as alt
import pandas as pd
import streamlit as st

import ui
from geo.city_gap import gap_table
from geo.compare import compare_series, compare_table, comparison_table
from geo.fmt import altair_locale_config, d3_format
from geo.i18n import Lang
from geo.schema import DIMENSIONS, MEASURE_LABELS
from geo.trend import contributions, contributions_long, trend_long
from streamlit_compat import arrow_bytes

__all__ = [
    "CACHE_ENTRIES",
    "TEMPLATE_ENTRIES",
    "compare_chart",
    "compared_table",
    "dimension_chart",
    "draw",
    "gap_chart",
    "neighbour_table",
    "trend_chart",
]

#: Inputs kept per cached part (each part some kB): at most this many areas, years and languages.
CACHE_ENTRIES: Final[int] = 256
#: Chart layouts kept (one per chart kind, language, measure, axis years and presentation mode).
TEMPLATE_ENTRIES: Final[int] = 128

NUMBER: Final[str] = d3_format(3)
SIGNED: Final[str] = d3_format(3, signed=True)

Spec = dict[str, Any]


def _t(lang: Lang, nl: str, en: str) -> str:
    return en if lang == "en" else nl


def _year_axis(years: list[int]) -> alt.Axis:
    """Label only the measurement years, on a quantitative axis (true spacing)."""
    return alt.Axis(format="d", title=None, values=years, labelOverlap=True, grid=False)


def _value_axis(title: str | None) -> alt.Axis:
    """Make a value axis whose title is never clipped (short titles, room for them).

    Labels have three decimals, the precision of the scores, and ticks are at least 0.001 apart: a
    chart of a single value (an area with one measurement) would otherwise get a six-decimal label.
    """
    return alt.Axis(title=title, titleLimit=400, labelLimit=200, titlePadding=8, tickMinStep=0.001, format=NUMBER)


def _years_and_values(years: tuple[int, ...], label: str) -> dict[str, Any]:
    """Return the x (measurement years, true spacing) and y (score) encodings of a line chart.

    The x axis spans ``years`` whatever the data hold (a year apart on both sides of a single year),
    so every year label sits at its own place.
    """
    span = [years[0], years[-1]] if len(years) > 1 else [years[0] - 1, years[0] + 1]
    return {
        "x": alt.X("year:Q", axis=_year_axis(list(years)), scale=alt.Scale(zero=False, nice=False, domain=span)),
        "y": alt.Y("value:Q", axis=_value_axis(label), scale=alt.Scale(zero=False)),
    }


def _spec(chart: alt.TopLevelMixin, lang: Lang) -> Spec:
    """Return a chart's Vega-Lite spec in ``lang``'s locale (not validated: our own fixed encodings)."""
    spec: Spec = chart.to_dict(validate=False)
    spec.setdefault("config", {})["locale"] = altair_locale_config(lang)  # decimal comma in Dutch
    return spec


def _substitute(node: Any, names: dict[str, str]) -> Any:
    """Copy a spec, renaming the placeholder data sources (``{"name": "__gap__"}``) to their datasets."""
    if isinstance(node, dict):
        if set(node) == {"name"} and node["name"] in names:
            return {"name": names[node["name"]]}
        return {k: _substitute(v, names) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, names) for v in node]
    return node


def _fill(template: Spec, frames: dict[str, pd.DataFrame]) -> Spec:
    """Return a copy of a chart template with its placeholder data sources filled with ``frames``.

    The data go in as Arrow bytes (what Streamlit sends the browser; it passes bytes through), named
    ``data-<md5 of the bytes>``.
    """
    payloads = {placeholder: arrow_bytes(f) for placeholder, f in frames.items()}
    names = {p: f"data-{hashlib.md5(b, usedforsecurity=False).hexdigest()}" for p, b in payloads.items()}
    spec: Spec = _substitute(template, names)
    spec["datasets"] = {names[p]: payloads[p] for p in frames}
    return spec


def draw(spec: Spec, *, key: str) -> None:
    """Draw a cached chart spec, as :func:`ui.altair` draws an Altair chart."""
    st.vega_lite_chart(spec, width="stretch", key=key)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def gap_chart(code: str, measure: str, start: int, end: int, lang: Lang, presenting: bool) -> Spec:
    """Chart the gap to the city per year as bars; ``start`` and ``end`` in full colour, the other years paler.

    Parameters
    ----------
    code, measure : str
        The area and the measure.
    start, end : int
        The chosen period.
    lang : {"nl", "en"}
        Language of titles and tooltips, and number format.
    presenting : bool
        Presentation mode: thicker bars and a taller chart.

    Returns
    -------
    dict
        The Vega-Lite spec.
    """
    ds = ui.dataset()
    gap = gap_table(ds, code, measure).dropna(subset=["gap"]).reset_index(drop=True)
    gap["period"] = gap["year"].isin([start, end])
    years = tuple(int(y) for y in gap["year"])
    return _fill(_gap_template(measure, lang, years, presenting), {"__gap__": gap})


@lru_cache(maxsize=TEMPLATE_ENTRIES)
def _gap_template(measure: str, lang: Lang, years: tuple[int, ...], presenting: bool) -> Spec:
    label = MEASURE_LABELS[measure][lang]
    chart = (
        alt.Chart(alt.NamedData(name="__gap__"))
        .mark_bar(size=18 if presenting else 14)
        .encode(
            x=alt.X("year:Q", axis=_year_axis(list(years)), scale=alt.Scale(zero=False, nice=False, padding=16)),
            y=alt.Y("gap:Q", axis=_value_axis(_t(lang, "Verschil met de stad", "Difference from city"))),
            color=alt.condition("datum.gap < 0", alt.value("#d73027"), alt.value("#4575b4")),
            opacity=alt.condition("datum.period", alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("year:Q", title=_t(lang, "Jaar", "Year"), format="d"),
                alt.Tooltip("value:Q", title=label, format=NUMBER),
                alt.Tooltip("city:Q", title=_t(lang, "Stedelijk gemiddelde", "City average"), format=NUMBER),
                alt.Tooltip("gap:Q", title=_t(lang, "Verschil", "Difference"), format=SIGNED),
            ],
        )
        .properties(height=260 if presenting else 200, padding={"left": 8, "right": 8, "top": 6, "bottom": 4})
    )
    return _spec(chart, lang)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def trend_chart(code: str, measure: str, lang: Lang) -> Spec | None:
    """Chart the area's trend with the city, the neighbours and the country as lines; None without scores."""
    ds = ui.dataset()
    trend = trend_long(ds, code, measure, lang=lang)
    if trend.empty:
        return None
    return _fill(_trend_template(measure, lang, tuple(ds.years(measure))), {"__trend__": trend})


@lru_cache(maxsize=TEMPLATE_ENTRIES)
def _trend_template(measure: str, lang: Lang, years: tuple[int, ...]) -> Spec:
    label = MEASURE_LABELS[measure][lang]
    is_area = alt.datum.series == "area"
    chart = (
        alt.Chart(alt.NamedData(name="__trend__"))
        .mark_line(point=True)
        .encode(
            **_years_and_values(years, label),
            color=alt.Color(
                "label:N",
                title=None,
                sort=alt.EncodingSortField(field="order", op="min"),
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=400),
            ),
            strokeDash=alt.condition(is_area, alt.value([1, 0]), alt.value([5, 3])),
            strokeWidth=alt.condition(is_area, alt.value(3.5), alt.value(1.6)),
            tooltip=[
                alt.Tooltip("label:N", title=_t(lang, "Reeks", "Series")),
                alt.Tooltip("year:Q", title=_t(lang, "Jaar", "Year"), format="d"),
                alt.Tooltip("value:Q", title=label, format=NUMBER),
            ],
        )
        .properties(height=320)
    )
    return _spec(chart, lang)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def dimension_chart(code: str, lang: Lang) -> Spec | None:
    """Chart the five dimensions as stacked bars per year, the ``afw`` total as a tick; None without them."""
    ds = ui.dataset()
    parts = contributions_long(ds, code, lang=lang)
    if parts.empty:
        return None
    totals = contributions(ds, code)
    return _fill(_dimension_template(lang), {"__parts__": parts, "__totals__": totals})


@lru_cache(maxsize=TEMPLATE_ENTRIES)
def _dimension_template(lang: Lang) -> Spec:
    bars = (
        alt.Chart(alt.NamedData(name="__parts__"))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "value:Q",
                axis=_value_axis(_t(lang, "Bijdrage aan afwijking", "Contribution to deviation")),
                stack="zero",
            ),
            color=alt.Color("label:N", title=None, sort=[MEASURE_LABELS[d][lang] for d in DIMENSIONS]),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("year:O", title=_t(lang, "Jaar", "Year")),
                alt.Tooltip("label:N", title=_t(lang, "Dimensie", "Dimension")),
                alt.Tooltip("value:Q", title=_t(lang, "Bijdrage", "Contribution"), format=NUMBER),
            ],
        )
    )
    total = (
        alt.Chart(alt.NamedData(name="__totals__"))
        .mark_tick(color="black", thickness=3, size=34)
        .encode(
            x=alt.X("year:O"),
            y=alt.Y("afw:Q"),
            tooltip=[
                alt.Tooltip("year:O", title=_t(lang, "Jaar", "Year")),
                alt.Tooltip("afw:Q", title=_t(lang, "Afwijking (som)", "Deviation (sum)"), format=NUMBER),
            ],
        )
    )
    return _spec((bars + total).properties(height=300), lang)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def compare_chart(codes: tuple[str, ...], measure: str, lang: Lang) -> Spec:
    """Chart the scores of freely chosen areas (any gemeente) as lines, one per area."""
    ds = ui.dataset()
    series = compare_series(ds, list(codes), measure)
    template = _compare_template(measure, lang, tuple(ds.years(measure)), (len(codes) + 1) // 2)
    return _fill(template, {"__series__": series})


@lru_cache(maxsize=TEMPLATE_ENTRIES)
def _compare_template(measure: str, lang: Lang, years: tuple[int, ...], legend_rows: int) -> Spec:
    label = MEASURE_LABELS[measure][lang]
    chart = (
        alt.Chart(alt.NamedData(name="__series__"))
        .mark_line(point=True)
        .encode(
            **_years_and_values(years, label),
            color=alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
            tooltip=[
                alt.Tooltip("label:N", title=_t(lang, "Gebied", "Area")),
                alt.Tooltip("year:Q", title=_t(lang, "Jaar", "Year"), format="d"),
                alt.Tooltip("value:Q", title=label, format=NUMBER),
            ],
        )
        .properties(height=300 + 26 * legend_rows)  # the legend's rows take room too
    )
    return _spec(chart, lang)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def neighbour_table(code: str, year: int, since: int | None, measure: str, lang: Lang) -> pd.DataFrame:
    """Compare the area with its neighbours, city and country (:func:`geo.compare.comparison_table`)."""
    return comparison_table(ui.dataset(), code, year, since=since, measure=measure, lang=lang)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def compared_table(codes: tuple[str, ...], year: int, since: int | None, measure: str, lang: Lang) -> pd.DataFrame:
    """Compare freely chosen areas side by side (:func:`geo.compare.compare_table`)."""
    return compare_table(ui.dataset(), list(codes), year, since=since, measure=measure, lang=lang)
