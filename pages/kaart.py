"""The map explorer: choropleth, legend and key figures; the national overview with its ranking."""

import streamlit as st

import map_view
import sections
import ui
from geo import fmt
from geo.view import map_years

ui.page_guard()

ds = ui.dataset()
v = ui.view()
lang = ui.lang()
presenting = st.session_state.get("presentation", False)
level_word = ui.level_words()[v.level]
place = ui.t("Nederland", "the Netherlands") if v.national else ds.name(v.gemeente)

if v.national:
    st.markdown(f"### {ui.t('Nederland', 'The Netherlands')} · {ui.escape(level_word)} · {v.year}")
else:
    st.markdown(f"### {ui.md(ds.name(v.area))} · {ui.md(ds.name(v.gemeente))} · {v.year}")


def _no_data_note() -> None:
    """Say in words when this map has no values, and what to do instead."""
    years = map_years(ds, v.gemeente, v.level, v.measure)
    if v.year in years:
        return
    other = [lv for lv in (("gemeente", "wijk") if v.national else ("wijk", "buurt")) if lv != v.level]
    other_years = map_years(ds, v.gemeente, other[0], v.measure) if other else []
    words = {
        "gemeente": ui.t("de gemeenten", "the municipalities"),
        "wijk": ui.t("de wijken", "the districts"),
        "buurt": ui.t("de buurten", "the neighbourhoods"),
    }
    tips = []
    if years:
        tips.append(
            ui.t(f"een ander jaar ({', '.join(map(str, years))})", f"another year ({', '.join(map(str, years))})")
        )
    if v.year in other_years:
        tips.append(ui.t(f"{words[other[0]]} (die hebben {v.year} wel)", f"{words[other[0]]} (they have {v.year})"))
    tips.append(
        ui.t(
            "de volledige officiële gegevens (`python -m geo fetch`)", "the full official data (`python -m geo fetch`)"
        )
    )
    st.info(
        ui.t(
            f"Voor de {level_word} van {ui.md(place)} zijn voor {v.year} geen scores van "
            f"'{ui.measure_label(v.measure)}' in de gegevens; de kaart is daarom grijs. Probeer: ",
            f"The data hold no '{ui.measure_label(v.measure)}' scores for the {level_word} of {ui.md(place)} "
            f"in {v.year}, so the map is grey. Try: ",
        )
        + "; ".join(tips)
        + ".",
        icon="ℹ️",
    )


left, right = st.columns([3, 1.25], gap="medium")
with left:
    _no_data_note()
    height = 370 if presenting else 560
    map_view.show(map_view.map_spec(v, lang, height=height), key="map", height=height, on_click=ui.on_map_change)
    if presenting:  # on a projector the legend sits in a row under the map
        map_view.legend(v.measure, v.scale, compact=True)
    if not presenting and not v.national:
        st.toggle(
            ui.t(
                "Klikken voegt ook toe aan de selectie (voor export)",
                "Clicking also adds to the selection (for export)",
            ),
            key="click_adds",
        )
    if not presenting:
        st.caption(
            ui.t(
                "Klik op een gemeente om haar kaart te openen.",
                "Click a municipality to open its map.",
            )
            if v.national
            else ui.t(
                "Klik op een gebied om het te selecteren. Dikke lijn: selectie; gestreept: aangrenzende gebieden.",
                "Click an area to select it. Thick line: selection; dashed: neighbouring areas.",
            )
        )

with right:
    label = ui.measure_label(v.measure)
    if v.national:
        level_codes = ds.codes(v.level)  # type: ignore[arg-type]  # View.level is typed as str
        values = ds.values(level_codes, v.year, v.measure).dropna()
        st.metric(
            ui.t("Landelijk referentieniveau", "National reference"),
            fmt.number(ds.national_reference(v.measure).value, lang),
        )
        st.metric(
            ui.t(f"{level_word.capitalize()} met een score", f"{level_word.capitalize()} with a score"),
            f"{len(values)} / {len(level_codes)}",
        )
    else:
        s = ui.summary(v.area, v.year, v.measure)
        st.metric(
            f"{label} {v.year}",
            fmt.number(s.value, lang),
            help=ui.t(
                "Leefbaarometer 3.0-score van het geselecteerde gebied.",
                "Leefbaarometer 3.0 score of the selected area.",
            ),
        )
        official_city = s.official_city
        weighting = {
            "population-weighted": ui.t("gewogen naar inwoners (CBS 2024)", "weighted by population (CBS 2024)"),
            "unweighted": ui.t("ongewogen", "unweighted"),
        }.get(s.city_method, "")
        st.metric(
            ui.t("Verschil met de officiële gemeentescore", "Difference from the official municipal score")
            if official_city
            else ui.t("Verschil met stedelijk gemiddelde", "Difference from city average"),
            fmt.number(s.gap, lang, signed=True),
            help=ui.t(
                f"De officiële Leefbaarometer-score van de gemeente in {v.year} (er zijn dat jaar geen "
                "wijkscores om te middelen).",
                f"The municipality's official Leefbaarometer score in {v.year} (no district scores to average "
                "that year).",
            )
            if official_city
            else ui.t(
                f"Stedelijk gemiddelde: berekend gemiddelde van de wijken van de gemeente, {weighting}. "
                "Geen officiële gemeentescore.",
                f"City average: computed mean of the municipality's districts, {weighting}. "
                "Not an official municipal score.",
            ),
        )
        prev = s.previous_year
        st.metric(
            ui.t(f"Verandering sinds {prev}", f"Change since {prev}") if prev else ui.t("Verandering", "Change"),
            fmt.number(s.change, lang, signed=True),
            help=None
            if prev
            else ui.t(
                f"Geen eerdere meting van deze maat voor dit gebied vóór {v.year}: er is nog geen verandering.",
                f"No earlier measurement of this measure for this area before {v.year}: no change yet.",
            ),
        )
        if not presenting:
            st.metric(
                ui.t("Verschil met landelijk referentieniveau", "Difference from national reference"),
                fmt.number(s.vs_national, lang, signed=True),
            )
            st.metric(
                ui.rank_title(s.measure),
                s.rank_text(lang) if s.rank else "–",
                help=ui.t(
                    "1 = hoogste waarde op deze maat onder de gebieden van hetzelfde niveau in de gemeente "
                    "die een waarde hebben.",
                    "1 = highest value on this measure among the areas of the same level in the municipality "
                    "that have a value.",
                ),
            )
    if not presenting:
        map_view.legend(v.measure, v.scale)
    if not v.national:
        reason = ds.is_excluded(v.area)
        if reason:
            st.caption(
                ui.t(
                    f"Niet getoonde scores voor dit gebied: {ui.md(reason)}.",
                    f"Scores not shown for this area: {ui.md(reason)}.",
                )
            )

if not presenting:
    sections.brief_buttons(v, key="kaart")
    sections.ranking_section(v)
