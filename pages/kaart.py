"""The map explorer: choropleth, legend and summary of the selected area."""

import streamlit as st
from streamlit_folium import st_folium

import ui
from geo.mapping import format_number

ui.page_guard()

ds = ui.dataset()
v = ui.view()
lang = ui.lang()
ui.show_notices()

area_name = ds.name(v.area)
st.markdown(f"### {ui.escape(area_name)} · {ui.escape(ds.name(v.gemeente))} · {v.year}")

left, right = st.columns([3, 1.25], gap="medium")
with left:
    years_with_data = ds.years(v.measure)
    if v.year not in years_with_data:
        st.info(
            ui.t(
                f"Voor {v.year} zijn geen scores voor '{ui.measure_label(v.measure)}' gepubliceerd. "
                f"De dimensies bestaan alleen voor {', '.join(map(str, years_with_data))}.",
                f"No '{ui.measure_label(v.measure)}' scores were published for {v.year}. "
                f"Dimensions exist only for {', '.join(map(str, years_with_data))}.",
            ),
            icon="ℹ️",
        )
    else:
        fmap = ui.choropleth(v, lang)
        st_folium(
            fmap,
            key="map",
            height=560 if not st.session_state.get("presentation") else 470,
            use_container_width=True,
            returned_objects=["last_active_drawing"],
            render=False,  # build_map output needs no root render; saves one full render per rerun
            on_change=ui.on_map_change,
        )
        if not st.session_state.get("presentation"):
            st.toggle(
                ui.t(
                    "Klikken voegt ook toe aan de selectie (voor export)",
                    "Clicking also adds to the selection (for export)",
                ),
                key="click_adds",
            )
        st.caption(
            ui.t(
                "Klik op een gebied om het te selecteren. Dikke lijn: selectie; gestreept: aangrenzende gebieden.",
                "Click an area to select it. Thick line: selection; dashed: neighbouring areas.",
            )
        )

with right:
    s = ui.summary(v.area, v.year, v.measure)
    label = ui.measure_label(v.measure)
    st.metric(
        f"{label} {v.year}",
        format_number(s["value"], lang=lang),
        help=ui.t(
            "Leefbaarometer 3.0-score van het geselecteerde gebied.", "Leefbaarometer 3.0 score of the selected area."
        ),
    )
    st.metric(
        ui.t("Verschil met landelijk referentieniveau", "Difference from national reference"),
        format_number(s["vs_national"], lang=lang, signed=True),
    )
    st.metric(
        ui.t("Verschil met stedelijk gemiddelde", "Difference from city average"),
        format_number(s["vs_city"], lang=lang, signed=True),
        help=ui.t(
            "Stedelijk gemiddelde: gemiddelde van de wijken van de gemeente, "
            + ("gewogen naar inwoners (CBS 2024)" if s["city_method"] == "population-weighted" else "ongewogen")
            + ". Geen officiële gemeentescore.",
            "City average: mean of the gemeente's districts, "
            + ("weighted by population (CBS 2024)" if s["city_method"] == "population-weighted" else "unweighted")
            + ". Not an official municipal score.",
        ),
    )
    st.metric(
        ui.t("Positie in de gemeente", "Rank in municipality"),
        f"{s['rank']} / {s['rank_of']}" if s["rank"] else "–",
        help=ui.t(
            "1 = hoogste waarde onder de gebieden van hetzelfde niveau.", "1 = highest among areas of the same level."
        ),
    )
    prev = s["previous_year"]
    st.metric(
        ui.t(f"Verandering sinds {prev}", f"Change since {prev}") if prev else ui.t("Verandering", "Change"),
        format_number(s["change"], lang=lang, signed=True),
    )
    ui.legend(v.measure)
    reason = ds.is_excluded(v.area)
    if reason:
        st.caption(
            ui.t(f"Niet getoonde scores voor dit gebied: {reason}.", f"Scores not shown for this area: {reason}.")
        )
