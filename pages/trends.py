"""Trends and comparisons: is this area closing its gap on the city?

A thin page: it reads the shared selection, calls ``geo.trends`` and draws. Years are drawn on a
quantitative axis, so 2002, 2008, 2012, 2014 ... keep their true spacing.
"""

import altair as alt
import streamlit as st

import ui
from geo import trends
from geo.schema import DIMENSIONS

ui.page_guard()

ds = ui.dataset()
sel = ui.selection()
lang = ui.lang()
code, measure = sel.area, sel.measure
label = ui.measure_label(measure)
area_name = ds.name(code)

NUMBER = ".3f"


def year_axis(years: list[int]) -> alt.Axis:
    """Label only the measurement years, on a quantitative axis (true spacing)."""
    return alt.Axis(format="d", title=None, values=years, labelOverlap=True, grid=False)


st.markdown(f"### {ui.escape(area_name)} · {ui.escape(ds.name(sel.gemeente))}")
st.caption(
    ui.t(
        f"{label}: ontwikkeling, vergelijking met de buren, de stad en Nederland.",
        f"{label}: trend, and comparison with the neighbours, the city and the Netherlands.",
    )
)

# -- trend -----------------------------------------------------------------------------------------
st.subheader(ui.t("Ontwikkeling", "Trend"))
trend = trends.trend_long(ds, code, measure, lang=lang)
if trend.empty:
    st.info(ui.t("Voor dit gebied zijn geen scores gepubliceerd.", "No scores were published for this area."))
else:
    is_area = alt.datum.series == "area"
    chart = (
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", axis=year_axis(ds.years(measure)), scale=alt.Scale(zero=False, nice=False)),
            y=alt.Y("value:Q", title=label, scale=alt.Scale(zero=False)),
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

# -- dimensions ------------------------------------------------------------------------------------
st.subheader(ui.t("Opbouw uit de vijf dimensies", "Breakdown into the five dimensions"))
parts = trends.contributions_long(ds, code, lang=lang)
if parts.empty:
    st.info(ui.t("Voor dit gebied zijn geen dimensies gepubliceerd.", "No dimensions were published for this area."))
else:
    totals = trends.contributions(ds, code)
    bars = (
        alt.Chart(parts)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=ui.t("Bijdrage aan afwijking", "Contribution to deviation"), stack="zero"),
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

# -- gap to the city -------------------------------------------------------------------------------
st.subheader(ui.t("Achterstand of voorsprong op de stad", "Gap to the city"))
gap_years = trends.gap_years(ds, code, measure)
if len(gap_years) < 2:
    st.info(
        ui.t(
            "Er zijn te weinig jaren met een score en een stedelijk gemiddelde om te vergelijken.",
            "There are too few years with both a score and a city average to compare.",
        )
    )
else:
    ui.keep_valid("trend_gap_start", gap_years[:-1], 2012 if 2012 in gap_years[:-1] else gap_years[0])
    c1, c2, c3 = st.columns([1, 1, 2])
    start = c1.selectbox(ui.t("Van", "From"), gap_years[:-1], key="trend_gap_start")
    later = [y for y in gap_years if y > start]
    ui.keep_valid("trend_gap_end", later, later[-1])
    end = c2.selectbox(ui.t("Tot", "To"), later, key="trend_gap_end")
    show_projection = c3.checkbox(
        ui.t("Toon projectie in het huidige tempo", "Show projection at the current pace"), key="trend_projection"
    )
    change = trends.gap_change(ds, code, start, end, measure=measure)
    st.markdown(f"**{ui.escape(trends.gap_sentence(ds, change, lang=lang))}**")
    if show_projection:
        projection = trends.project_gap_close(change)
        st.markdown(ui.escape(trends.projection_text(ds, change, projection, lang=lang)))
        st.caption(trends.PROJECTION_CAVEAT[lang])
    gap = trends.gap_table(ds, code, measure).dropna(subset=["gap"])
    gap_chart = (
        alt.Chart(gap)
        .mark_bar(size=14)
        .encode(
            x=alt.X("year:Q", axis=year_axis(gap_years), scale=alt.Scale(zero=False, nice=False, padding=14)),
            y=alt.Y("gap:Q", title=ui.t("Score min stedelijk gemiddelde", "Score minus city average")),
            color=alt.condition("datum.gap < 0", alt.value("#d73027"), alt.value("#4575b4")),
            tooltip=[
                alt.Tooltip("year:Q", title=ui.t("Jaar", "Year"), format="d"),
                alt.Tooltip("value:Q", title=label, format=NUMBER),
                alt.Tooltip("city:Q", title=ui.t("Stedelijk gemiddelde", "City average"), format=NUMBER),
                alt.Tooltip("gap:Q", title=ui.t("Verschil", "Difference"), format="+.3f"),
            ],
        )
        .properties(height=200)
    )
    ui.altair(gap_chart, key="gap_chart")

# -- neighbours ------------------------------------------------------------------------------------
st.subheader(ui.t("Vergelijking met de buren", "Comparison with the neighbours"))
year_options = ds.years("lbm")
own_years = ds.years(measure, code=code) or year_options
if st.session_state.get("_trend_seen") != (sel.area, sel.year):
    # the shared selection changed elsewhere: this page's year and comparison follow it
    st.session_state["_trend_seen"] = (sel.area, sel.year)
    st.session_state["trend_year"] = sel.year if sel.year in own_years else own_years[-1]
    st.session_state["trend_compare"] = [code]
ui.keep_valid("trend_year", year_options, sel.year if sel.year in own_years else own_years[-1])
n1, n2 = st.columns(2)
year = n1.selectbox(ui.t("Jaar", "Year"), year_options, key="trend_year")
earlier = [y for y in ds.years(measure) if y < year]
since = None
if earlier:
    ui.keep_valid("trend_since", earlier, earlier[0])
    since = n2.selectbox(ui.t(f"Verandering ({label}) sinds", f"Change ({label}) since"), earlier, key="trend_since")
table = trends.comparison_table(ds, code, year, since=since, measure=measure, lang=lang)
columns = {
    "label": st.column_config.TextColumn(ui.t("Rol", "Role")),
    "name": st.column_config.TextColumn(ui.t("Naam", "Name")),
    "gemeente_name": st.column_config.TextColumn(ui.t("Gemeente", "Municipality")),
    "lbm": st.column_config.NumberColumn(ui.measure_label("lbm"), format="%.3f"),
    "afw": st.column_config.NumberColumn("afw", format="%+.3f", help=ui.measure_label("afw")),
    **{d: st.column_config.NumberColumn(d, format="%+.3f", help=ui.measure_label(d)) for d in DIMENSIONS},
    "change": st.column_config.NumberColumn(
        ui.t(f"Verandering sinds {since}", f"Change since {since}") if since else ui.t("Verandering", "Change"),
        format="%+.3f",
    ),
    "rank": st.column_config.NumberColumn(
        ui.t("Positie in gemeente", "Rank in municipality"), help=ui.t("1 = hoogste score", "1 = highest score")
    ),
    "rank_of": st.column_config.NumberColumn(ui.t("van", "of")),
}
st.dataframe(
    table,
    column_order=list(columns),
    column_config=columns,
    hide_index=True,
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
options = trends.area_options(ds)
if "trend_compare" not in st.session_state:
    st.session_state["trend_compare"] = [code]
chosen = st.multiselect(
    ui.t("Gebieden (ook uit andere gemeenten)", "Areas (any municipality)"),
    list(options),
    format_func=options.get,
    key="trend_compare",
    max_selections=8,
)
if chosen:
    series = trends.compare_series(ds, chosen, measure)
    compare_chart = (
        alt.Chart(series)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", axis=year_axis(ds.years(measure)), scale=alt.Scale(zero=False, nice=False)),
            y=alt.Y("value:Q", title=label, scale=alt.Scale(zero=False)),
            color=alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
            tooltip=[
                alt.Tooltip("label:N", title=ui.t("Gebied", "Area")),
                alt.Tooltip("year:Q", title=ui.t("Jaar", "Year"), format="d"),
                alt.Tooltip("value:Q", title=label, format=NUMBER),
            ],
        )
        .properties(height=300)
    )
    ui.altair(compare_chart, key="compare_chart")
    compared = trends.compare_table(ds, chosen, year, since=since, measure=measure, lang=lang)
    st.dataframe(compared, column_order=list(columns), column_config=columns, hide_index=True, key="compare_table")
else:
    st.caption(ui.t("Kies een of meer gebieden.", "Pick one or more areas."))
