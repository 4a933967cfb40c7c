"""Trends and comparisons: is this area closing its gap on the city?

A thin page: it reads the shared view, calls ``geo.city_gap`` and the cached charts and tables of
:mod:`trends_view` (built once per area, years and language, shared by all sessions) and draws.
Years are drawn on a quantitative axis, so 2002, 2008, 2012, 2014 ... keep their true spacing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

import controls
import sections
import streamlit_compat
import trends_view
import ui
from geo import fmt
from geo.choices import MAX_COMPARE
from geo.city_gap import (
    PROJECTION_CAVEAT,
    gap_change,
    gap_sentence,
    gap_years,
    project_gap_close,
    projection_text,
)
from geo.codes import gemeente_of
from geo.fmt import style_frame
from geo.schema import DIMENSIONS
from geo.trend import neighbour_basis

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

ui.page_guard()

ds = ui.dataset()
sel = ui.one_area_view()
lang = ui.lang()
code, measure = sel.area, sel.measure
label = ui.measure_label(measure)
area_name = ds.name(code)
presenting = bool(st.session_state.get("presentation", False))
ss = st.session_state


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
gap_period: tuple[int, int] | None = None  # the period the page's gap sentence compares, for the brief
if not presenting:
    st.subheader(ui.t("Achterstand of voorsprong op de stad", "Gap to the city"))
if len(gap_year_options) < 2:
    listed = ", ".join(map(str, gap_year_options)) or ui.t("geen", "none")
    note = ui.t(
        f"Een verloop van de achterstand vraagt twee jaren met een score en een stedelijk gemiddelde; hier: {listed}.",
        f"A trend of the gap needs two years with both a score and a city average; here: {listed}.",
    )
    now = ui.summary(code, sel.year, measure)
    if now.gap is not None and now.official_city:  # as the map's key figures say
        gap_text = fmt.number(now.gap, lang, signed=True)
        note += ui.t(
            f" In {sel.year} is het verschil met de officiële gemeentescore {gap_text} (zoals bij de kaart); dat "
            "is één jaar, geen verloop.",
            f" In {sel.year} the difference from the official municipal score is {gap_text} (as beside the map); "
            "that is one year, not a trend.",
        )
    st.info(note)
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
    gap_period = (start, end)
    show_projection = c3.checkbox(
        ui.t("Toon projectie in het huidige tempo", "Show projection at the current pace"), key="trend_projection"
    )
    change = gap_change(ds, code, start, end, measure=measure)
    with answer:
        sentence = ui.escape(gap_sentence(ds, change, lang=lang))
        st.markdown(f'<p class="gap-sentence" data-testid="gap-sentence">{sentence}</p>', unsafe_allow_html=True)
        if show_projection:
            projection = project_gap_close(change)
            st.markdown(ui.escape(projection_text(ds, change, projection, lang=lang)))
            st.caption(PROJECTION_CAVEAT[lang])
        trends_view.draw(trends_view.gap_chart(code, measure, start, end, lang, presenting), key="gap_chart")
        st.caption(
            ui.t(
                f"Score min stedelijk gemiddelde per meetjaar; onder nul: achter op de stad. Volle kleur: {start} "
                f"en {end}.",
                f"Score minus city average per measurement year; below zero: behind the city. Full colour: {start} "
                f"and {end}.",
            )
        )

sections.brief_buttons(sel, key="trends", measure=measure, period=gap_period)

# -- trend -----------------------------------------------------------------------------------------
st.subheader(ui.t("Ontwikkeling", "Trend"))
trend_spec = trends_view.trend_chart(code, measure, lang)
if trend_spec is None:
    st.info(ui.t("Voor dit gebied zijn geen scores gepubliceerd.", "No scores were published for this area."))
else:
    trends_view.draw(trend_spec, key="trend_chart")
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
dimension_spec = trends_view.dimension_chart(code, lang)
if dimension_spec is None:
    st.info(ui.t("Voor dit gebied zijn geen dimensies gepubliceerd.", "No dimensions were published for this area."))
else:
    trends_view.draw(dimension_spec, key="dimension_chart")
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
table = trends_view.neighbour_table(code, year, since, measure, lang)
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


streamlit_compat.dataframe(
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
if "trend_compare" not in ss:  # a link's areas, or the last ones chosen
    ss["trend_compare"] = list(ui.choices().compare) or [code]  # validated when the link was read
chosen = controls.area_picker(
    ui.t("Gebieden", "Areas"),
    key="trend_compare",
    gemeente=gemeente_of(code),
    gemeente_label=ui.t("Vergelijk met gebieden in", "Compare with areas in"),
    max_selections=MAX_COMPARE,
    help=ui.t(
        f"Kies een gemeente en dan haar wijken of buurten, tot {MAX_COMPARE} gebieden. Gekozen gebieden blijven "
        "staan als u een andere gemeente kiest, zodat u gebieden uit verschillende gemeenten kunt vergelijken.",
        f"Pick a municipality, then its districts or neighbourhoods, up to {MAX_COMPARE} areas. Chosen areas stay "
        "when you pick another municipality, so you can compare areas of different municipalities.",
    ),
)
ui.set_choices(compare=tuple(chosen))
if chosen == [code]:  # only this area: its trend and its row are shown above already
    st.caption(
        ui.t(
            f"Kies gebieden om {ui.md(area_name)} mee te vergelijken.",
            f"Pick areas to compare {ui.md(area_name)} with.",
        )
    )
elif chosen:
    trends_view.draw(trends_view.compare_chart(tuple(chosen), measure, lang), key="compare_chart")
    compared = trends_view.compared_table(tuple(chosen), year, since, measure, lang)
    streamlit_compat.dataframe(
        styled(compared),
        column_order=list(columns),
        column_config=columns,
        hide_index=True,
        placeholder="–",
        key="compare_table",
    )
    since_nl, since_en = (f"; verandering sinds {since}", f"; change since {since}") if since else ("", "")
    st.caption(
        ui.t(
            f"Waarden van {year}{since_nl} (zoals in de tabel hierboven).",
            f"Values of {year}{since_en} (as in the table above).",
        )
    )
else:
    st.caption(ui.t("Kies een of meer gebieden.", "Pick one or more areas."))
