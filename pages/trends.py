"""Trends and comparisons: is this area closing its gap on the city?

A thin page: it reads the shared view, calls ``geo.trend``, ``geo.city_gap`` and ``geo.compare``
and draws. Years are drawn on a quantitative axis, so 2002, 2008, 2012, 2014 ... keep their true
spacing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import streamlit as st

import ui
from geo.city_gap import (
    PROJECTION_CAVEAT,
    gap_change,
    gap_sentence,
    gap_table,
    gap_years,
    project_gap_close,
    projection_text,
)
from geo.compare import area_options, compare_series, compare_table, comparison_table
from geo.fmt import d3_format, style_frame
from geo.schema import DIMENSIONS
from geo.trend import contributions, contributions_long, neighbour_basis, trend_long
from geo.view import MAX_COMPARE

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

ui.page_guard()

ds = ui.dataset()
sel = ui.view()
lang = ui.lang()
code, measure = sel.area, sel.measure
label = ui.measure_label(measure)
area_name = ds.name(code)
presenting = bool(st.session_state.get("presentation", False))
ss = st.session_state

NUMBER = d3_format(3)
SIGNED = d3_format(3, signed=True)


def year_axis(years: list[int]) -> alt.Axis:
    """Label only the measurement years, on a quantitative axis (true spacing)."""
    return alt.Axis(format="d", title=None, values=years, labelOverlap=True, grid=False)


def value_axis(title: str | None) -> alt.Axis:
    """A value axis whose title is never clipped (short titles, room for them)."""
    return alt.Axis(title=title, titleLimit=400, labelLimit=200, titlePadding=8)


st.markdown(f"### {ui.md(area_name)} · {ui.md(ds.name(sel.gemeente))}")
if not presenting:
    st.caption(
        ui.t(
            f"{label}: achterstand op de stad, ontwikkeling, vergelijking met de buren, de stad en Nederland.",
            f"{label}: gap to the city, trend, and comparison with the neighbours, the city and the Netherlands.",
        )
    )

# -- the answer first: the gap to the city ------------------------------------------------------------
gap_year_options = gap_years(ds, code, measure)
if not presenting:
    st.subheader(ui.t("Achterstand of voorsprong op de stad", "Gap to the city"))
if len(gap_year_options) < 2:
    st.info(
        ui.t(
            "Er zijn te weinig jaren met een score en een stedelijk gemiddelde om te vergelijken.",
            "There are too few years with both a score and a city average to compare.",
        )
    )
else:
    answer = st.container()  # filled after the period controls below, shown above them
    chosen_gap = ui.choices().gap
    if "trend_gap_start" not in ss and chosen_gap is not None:  # a link's period, or the last one chosen
        ss["trend_gap_start"], ss["trend_gap_end"] = chosen_gap
    ui.keep_valid(
        "trend_gap_start", gap_year_options[:-1], 2012 if 2012 in gap_year_options[:-1] else gap_year_options[0]
    )
    c1, c2, c3 = st.columns([1, 1, 2] if not presenting else [1, 1, 3], vertical_alignment="bottom")
    start = c1.selectbox(
        ui.t("Van", "From"),
        gap_year_options[:-1],
        key="trend_gap_start",
        placeholder=ui.t("Kies een optie", "Choose an option"),
    )
    later = [y for y in gap_year_options if y > start]
    ui.keep_valid("trend_gap_end", later, later[-1])
    end = c2.selectbox(
        ui.t("Tot", "To"), later, key="trend_gap_end", placeholder=ui.t("Kies een optie", "Choose an option")
    )
    ui.set_choices(gap=(start, end))
    show_projection = c3.checkbox(
        ui.t("Toon projectie in het huidige tempo", "Show projection at the current pace"), key="trend_projection"
    )
    change = gap_change(ds, code, start, end, measure=measure)
    gap = gap_table(ds, code, measure).dropna(subset=["gap"])
    gap["period"] = gap["year"].isin([start, end])
    with answer:
        sentence = ui.escape(gap_sentence(ds, change, lang=lang))
        st.markdown(f'<p class="gap-sentence" data-testid="gap-sentence">{sentence}</p>', unsafe_allow_html=True)
        if show_projection:
            projection = project_gap_close(change)
            st.markdown(ui.escape(projection_text(ds, change, projection, lang=lang)))
            st.caption(PROJECTION_CAVEAT[lang])
        gap_chart = (
            alt.Chart(gap)
            .mark_bar(size=18 if presenting else 14)
            .encode(
                x=alt.X(
                    "year:Q", axis=year_axis(gap_year_options), scale=alt.Scale(zero=False, nice=False, padding=16)
                ),
                y=alt.Y("gap:Q", axis=value_axis(ui.t("Verschil met de stad", "Difference from city"))),
                color=alt.condition("datum.gap < 0", alt.value("#d73027"), alt.value("#4575b4")),
                opacity=alt.condition("datum.period", alt.value(1.0), alt.value(0.45)),
                tooltip=[
                    alt.Tooltip("year:Q", title=ui.t("Jaar", "Year"), format="d"),
                    alt.Tooltip("value:Q", title=label, format=NUMBER),
                    alt.Tooltip("city:Q", title=ui.t("Stedelijk gemiddelde", "City average"), format=NUMBER),
                    alt.Tooltip("gap:Q", title=ui.t("Verschil", "Difference"), format=SIGNED),
                ],
            )
            .properties(height=260 if presenting else 200, padding={"left": 8, "right": 8, "top": 6, "bottom": 4})
        )
        ui.altair(gap_chart, key="gap_chart")
        st.caption(
            ui.t(
                f"Score min stedelijk gemiddelde per meetjaar; onder nul: achter op de stad. Volle kleur: {start} "
                f"en {end}.",
                f"Score minus city average per measurement year; below zero: behind the city. Full colour: {start} "
                f"and {end}.",
            )
        )

ui.brief_buttons(sel, key="trends")

# -- trend -----------------------------------------------------------------------------------------
st.subheader(ui.t("Ontwikkeling", "Trend"))
trend = trend_long(ds, code, measure, lang=lang)
if trend.empty:
    st.info(ui.t("Voor dit gebied zijn geen scores gepubliceerd.", "No scores were published for this area."))
else:
    is_area = alt.datum.series == "area"
    chart = (
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", axis=year_axis(ds.years(measure)), scale=alt.Scale(zero=False, nice=False)),
            y=alt.Y("value:Q", axis=value_axis(label), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "label:N",
                title=None,
                sort=alt.EncodingSortField(field="order", op="min"),
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=400),
            ),
            strokeDash=alt.condition(is_area, alt.value([1, 0]), alt.value([5, 3])),
            strokeWidth=alt.condition(is_area, alt.value(3.5), alt.value(1.6)),
            tooltip=[
                alt.Tooltip("label:N", title=ui.t("Reeks", "Series")),
                alt.Tooltip("year:Q", title=ui.t("Jaar", "Year"), format="d"),
                alt.Tooltip("value:Q", title=label, format=NUMBER),
            ],
        )
        .properties(height=320)
    )
    ui.altair(chart, key="trend_chart")
    st.caption(
        ui.t(
            "Stedelijk gemiddelde: gemiddelde van de wijken van de gemeente (geen officiële gemeentescore). "
            "Buren: gebieden die aan dit gebied grenzen. Het landelijk gemiddelde ontbreekt in jaren waarvoor "
            "hier maar een deel van het land is opgenomen (2024).",
            "City average: mean of the municipality's districts (not an official municipal score). "
            "Neighbours: areas bordering this one. The national average is left out in years for which only part "
            "of the country is included here (2024).",
        )
    )
    basis = neighbour_basis(ds, code, measure)
    if basis.left_out or basis.changes:
        used = ", ".join(ui.md(ds.name(c)) for c in basis.used) or "–"
        out = "; ".join(f"{ui.md(ds.name(c))} ({', '.join(map(str, years))})" for c, years in basis.left_out)
        if basis.restricted:
            st.caption(
                ui.t(
                    f"Gemiddelde van de buren: in elk jaar dezelfde {len(basis.used)} buren ({used}). Weggelaten, "
                    f"omdat hun score ontbreekt in een jaar waarin dit gebied er een heeft: {out}.",
                    f"Neighbours' average: the same {len(basis.used)} neighbours in every year ({used}). Left out "
                    f"because they have no score in a year in which this area has one: {out}.",
                )
            )
        elif basis.changes:
            changed = ", ".join(map(str, basis.changes))
            st.caption(
                ui.t(
                    f"Let op: geen buur heeft in elk jaar een score, dus het gemiddelde van de buren gaat niet "
                    f"steeds over dezelfde buren; die wisselen in {changed}.",
                    f"Note: no neighbour has a score in every year, so the neighbours' average is not always over "
                    f"the same neighbours; they change in {changed}.",
                )
            )

# -- dimensions ------------------------------------------------------------------------------------
st.subheader(ui.t("Opbouw uit de vijf dimensies", "Breakdown into the five dimensions"))
parts = contributions_long(ds, code, lang=lang)
if parts.empty:
    st.info(ui.t("Voor dit gebied zijn geen dimensies gepubliceerd.", "No dimensions were published for this area."))
else:
    totals = contributions(ds, code)
    bars = (
        alt.Chart(parts)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "value:Q", axis=value_axis(ui.t("Bijdrage aan afwijking", "Contribution to deviation")), stack="zero"
            ),
            color=alt.Color("label:N", title=None, sort=[ui.measure_label(d) for d in DIMENSIONS]),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("year:O", title=ui.t("Jaar", "Year")),
                alt.Tooltip("label:N", title=ui.t("Dimensie", "Dimension")),
                alt.Tooltip("value:Q", title=ui.t("Bijdrage", "Contribution"), format=NUMBER),
            ],
        )
    )
    total = (
        alt.Chart(totals)
        .mark_tick(color="black", thickness=3, size=34)
        .encode(
            x=alt.X("year:O"),
            y=alt.Y("afw:Q"),
            tooltip=[
                alt.Tooltip("year:O", title=ui.t("Jaar", "Year")),
                alt.Tooltip("afw:Q", title=ui.t("Afwijking (som)", "Deviation (sum)"), format=NUMBER),
            ],
        )
    )
    ui.altair((bars + total).properties(height=300), key="dimension_chart")
    st.caption(
        ui.t(
            "Balken boven nul trekken de score omhoog, balken onder nul omlaag. Het zwarte streepje is de "
            "afwijking van het landelijk referentieniveau: de som van de vijf bijdragen.",
            "Bars above zero raise the score, bars below lower it. The black tick is the deviation from the "
            "national reference: the sum of the five contributions.",
        )
    )

# -- neighbours ------------------------------------------------------------------------------------
st.subheader(ui.t("Vergelijking met de buren", "Comparison with the neighbours"))
year_options = ds.years("lbm")
own_years = ds.years(measure, code=code) or year_options
seen = (sel.area, sel.year)
if ss.get("_trend_seen", seen) != seen:
    # the shared selection changed elsewhere: this page's year and comparison follow it
    ss["trend_year"] = sel.year if sel.year in own_years else own_years[-1]
    ss["trend_compare"] = [code]
elif "trend_year" not in ss:  # first visit, or back on this page: a link's (or the last) choices hold
    chosen_table = ui.choices()
    if chosen_table.table_year is not None:
        ss["trend_year"] = chosen_table.table_year
    if chosen_table.since is not None:
        ss["trend_since"] = chosen_table.since
ss["_trend_seen"] = seen
ui.keep_valid("trend_year", year_options, sel.year if sel.year in own_years else own_years[-1])
n1, n2 = st.columns(2)
year = n1.selectbox(
    ui.t("Jaar", "Year"), year_options, key="trend_year", placeholder=ui.t("Kies een optie", "Choose an option")
)
earlier = [y for y in ds.years(measure) if y < year]
since = None
if earlier:
    ui.keep_valid("trend_since", earlier, earlier[0])
    since = n2.selectbox(
        ui.t(f"Verandering ({label}) sinds", f"Change ({label}) since"),
        earlier,
        key="trend_since",
        placeholder=ui.t("Kies een optie", "Choose an option"),
    )
ui.set_choices(table_year=year, since=since)
table = comparison_table(ds, code, year, since=since, measure=measure, lang=lang)
columns = {
    "label": st.column_config.TextColumn(ui.t("Rol", "Role")),
    "name": st.column_config.TextColumn(ui.t("Naam", "Name")),
    "gemeente_name": st.column_config.TextColumn(ui.t("Gemeente", "Municipality")),
    "lbm": st.column_config.NumberColumn(ui.measure_label("lbm")),
    "afw": st.column_config.NumberColumn("afw", help=ui.measure_label("afw")),
    **{d: st.column_config.NumberColumn(d, help=ui.measure_label(d)) for d in DIMENSIONS},
    "change": st.column_config.NumberColumn(
        ui.t(f"Verandering sinds {since}", f"Change since {since}") if since else ui.t("Verandering", "Change")
    ),
    "rank": st.column_config.NumberColumn(
        ui.rank_title(measure),
        help=ui.t(
            "1 = hoogste waarde op deze maat onder de gebieden van hetzelfde niveau in de eigen gemeente.",
            "1 = highest value on this measure among the areas of the same level in their own municipality.",
        ),
    ),
    "rank_of": st.column_config.NumberColumn(ui.t("van", "of")),
}
SIGNED_COLUMNS = ("afw", *DIMENSIONS, "change")


def styled(frame: pd.DataFrame) -> Styler:
    """Numbers in the language's format (decimal comma in Dutch); the columns still sort as numbers."""
    decimals = {c: 3 for c in ("lbm", *SIGNED_COLUMNS) if c in frame}
    decimals.update({c: 0 for c in ("rank", "rank_of") if c in frame})
    return style_frame(frame, lang, decimals, signed=tuple(c for c in SIGNED_COLUMNS if c in frame))


st.dataframe(
    styled(table),
    column_order=list(columns),
    column_config=columns,
    hide_index=True,
    placeholder="–",
    height=35 * (len(table) + 1) + 3,
    key="trend_neighbours",
)
st.caption(
    ui.t(
        "'Buur in andere gemeente': grenst aan dit gebied maar ligt over de gemeentegrens; de positie geldt "
        "binnen de eigen gemeente. Nederland, gemiddelde: naar inwoners gewogen gemiddelde van alle wijken.",
        "'Neighbour in another municipality': borders this area across the municipal border; its rank is "
        "within its own municipality. Netherlands, average: population-weighted mean of all districts.",
    )
)

# -- free comparison -------------------------------------------------------------------------------
st.subheader(ui.t("Vrij vergelijken", "Compare any areas"))
options = area_options(ds)
if "trend_compare" not in ss:  # a link's areas, or the last ones chosen
    ss["trend_compare"] = [c for c in ui.choices().compare if c in options] or [code]
chosen = st.multiselect(
    ui.t("Gebieden (ook uit andere gemeenten)", "Areas (any municipality)"),
    list(options),
    format_func=options.__getitem__,
    key="trend_compare",
    max_selections=MAX_COMPARE,
    placeholder=ui.t("Kies gebieden", "Choose areas"),
)
ui.set_choices(compare=tuple(chosen))
if chosen:
    series = compare_series(ds, chosen, measure)
    compare_chart = (
        alt.Chart(series)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", axis=year_axis(ds.years(measure)), scale=alt.Scale(zero=False, nice=False)),
            y=alt.Y("value:Q", axis=value_axis(label), scale=alt.Scale(zero=False)),
            color=alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
            tooltip=[
                alt.Tooltip("label:N", title=ui.t("Gebied", "Area")),
                alt.Tooltip("year:Q", title=ui.t("Jaar", "Year"), format="d"),
                alt.Tooltip("value:Q", title=label, format=NUMBER),
            ],
        )
        .properties(height=300 + 26 * ((len(chosen) + 1) // 2))  # the legend's rows take room too
    )
    ui.altair(compare_chart, key="compare_chart")
    compared = compare_table(ds, chosen, year, since=since, measure=measure, lang=lang)
    st.dataframe(
        styled(compared),
        column_order=list(columns),
        column_config=columns,
        hide_index=True,
        placeholder="–",
        key="compare_table",
    )
else:
    st.caption(ui.t("Kies een of meer gebieden.", "Pick one or more areas."))
