"""Change map: which areas of the gemeente improved or declined the most between two years.

A thin page: it reads the shared view, calls ``geo.change`` and ``geo.mapping`` and draws.
The colours are on a fixed symmetric scale per measure, so maps of different gemeenten and
periods are comparable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

import map_view
import streamlit_compat
import ui
from geo.change import biggest_movers, change_scale, change_table, years_with_data
from geo.choices import MAX_MOVERS
from geo.classify import change_scale_classes
from geo.codes import Level
from geo.fmt import number, percent, style_frame
from geo.map_payload import map_spec

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

ui.page_guard()

ds = ui.dataset()
sel = ui.one_area_view()
lang = ui.lang()
code, measure = sel.area, sel.measure
label = ui.measure_label(measure)


st.markdown(f"### {ui.md(ds.name(sel.gemeente))} · {ui.md(label)}")

# -- change across the gemeente ---------------------------------------------------------------------
shown: dict[str, Level] = {"wijk": "wijk", "buurt": "buurt"}
level: Level = shown.get(sel.level, ds.level(code))  # the level the map shows ("n=")
scope = ds.codes(level, gemeente=sel.gemeente)
st.subheader(
    ui.t(
        f"Grootste stijgers en dalers in {ui.md(ds.name(sel.gemeente))}",
        f"Biggest movers in {ui.md(ds.name(sel.gemeente))}",
    )
)
change_years = years_with_data(ds, scope, measure)
if len(change_years) < 2:
    # say which years there are, and where a change can be seen instead
    other: Level = "wijk" if level == "buurt" else "buurt"
    other_years = years_with_data(ds, ds.codes(other, gemeente=sel.gemeente), measure)
    words = ui.level_words()
    listed = ", ".join(map(str, change_years)) or ui.t("geen", "none")
    tip = (
        ui.t(
            f" De {words[other]} hebben {len(other_years)} meetjaren: kies '{words[other]}' bij 'Kaart toont' in "
            "de zijbalk.",
            f" The {words[other]} have {len(other_years)} measurement years: pick '{words[other]}' under "
            "'Map shows' in the sidebar.",
        )
        if len(other_years) >= 2
        else ""
    )
    st.info(
        ui.t(
            f"Een verandering vraagt twee meetjaren; de {words[level]} van {ui.md(ds.name(sel.gemeente))} hebben "
            f"in de gegevens alleen: {listed}.",
            f"A change needs two measurement years; the data hold only {listed} for the {words[level]} of "
            f"{ui.md(ds.name(sel.gemeente))}.",
        )
        + tip
    )
else:
    ss = st.session_state
    chosen = ui.choices()
    if ss.get("_change_seen") != sel.year:
        # first visit, or the sidebar's year changed: a link's years hold once, then the sidebar year is the end
        first = "_change_seen" not in ss
        ss["_change_seen"] = sel.year
        if first and chosen.change is not None:
            ss["trend_change_start"], ss["trend_change_end"] = chosen.change
        elif sel.year in change_years[1:]:
            ss["trend_change_end"] = sel.year
            if ss.get("trend_change_start", sel.year) >= sel.year:
                ss["trend_change_start"] = change_years[0]
    elif "trend_change_start" not in ss and chosen.change is not None:  # back on this page
        ss["trend_change_start"], ss["trend_change_end"] = chosen.change
    if "trend_movers_n" not in ss:
        ss["trend_movers_n"] = chosen.movers or 5
    ui.keep_valid("trend_change_start", change_years[:-1], change_years[0])
    m1, m2, m3 = st.columns([1, 1, 1])
    c_start = m1.selectbox(
        ui.t("Van", "From"),
        change_years[:-1],
        key="trend_change_start",
        placeholder=ui.t("Kies een optie", "Choose an option"),
    )
    c_later = [y for y in change_years if y > c_start]
    ui.keep_valid("trend_change_end", c_later, sel.year if sel.year in c_later else c_later[-1])
    c_end = m2.selectbox(
        ui.t("Tot", "To"), c_later, key="trend_change_end", placeholder=ui.t("Kies een optie", "Choose an option")
    )
    n_movers = m3.number_input(ui.t("Aantal", "How many"), min_value=1, max_value=MAX_MOVERS, key="trend_movers_n")
    ui.set_choices(change=(c_start, c_end), movers=int(n_movers))
    changes = change_table(ds, scope, c_start, c_end, measure=measure)
    movers = biggest_movers(changes, n=int(n_movers))
    scale = change_scale(ds, measure)
    change_columns = {
        "name": st.column_config.TextColumn(ui.t("Naam", "Name")),
        "start_value": st.column_config.NumberColumn(str(c_start)),
        "end_value": st.column_config.NumberColumn(str(c_end)),
        "change": st.column_config.NumberColumn(ui.t("Verandering", "Change")),
    }

    def styled(frame: pd.DataFrame) -> Styler:
        """Numbers in the language's format (decimal comma in Dutch); the columns still sort as numbers."""
        return style_frame(frame, lang, {"start_value": 3, "end_value": 3, "change": 3}, signed=("change",))

    classes = change_scale_classes(scale.vmin, scale.vmax)
    layer = map_view.change_layer(sel.gemeente, level, c_start, c_end, measure, lang)
    spec = map_spec(layer, view=f"{sel.gemeente}|{level}", basemap=sel.basemap, lang=lang, height=420)
    map_view.show(spec, key="change_map", height=420)
    map_view.change_legend(classes, title=ui.t("Verandering", "Change"))
    up_col, down_col = st.columns(2)
    with up_col:
        st.markdown(ui.t("**Gestegen**", "**Rose most**"))
        streamlit_compat.dataframe(
            styled(movers.up),
            column_order=list(change_columns),
            column_config=change_columns,
            hide_index=True,
            placeholder="–",
            key="movers_up",
        )
    with down_col:
        st.markdown(ui.t("**Gedaald**", "**Fell most**"))
        streamlit_compat.dataframe(
            styled(movers.down),
            column_order=list(change_columns),
            column_config=change_columns,
            hide_index=True,
            placeholder="–",
            key="movers_down",
        )
    with st.expander(ui.t("Alle gebieden", "All areas")):
        streamlit_compat.dataframe(
            styled(changes),
            column_order=list(change_columns),
            column_config=change_columns,
            hide_index=True,
            placeholder="–",
            key="changes_all",
        )
    low, high = number(scale.vmin, lang, signed=True), number(scale.vmax, lang, signed=True)
    share = percent(scale.quantile, lang)
    st.caption(
        ui.t(
            f"Kleurschaal voor kaarten van de verandering: vast van {low} tot {high} "
            f"({share} van alle veranderingen tussen twee meetjaren in alle wijken valt daarbinnen).",
            f"Colour scale for maps of the change: fixed from {low} to {high} "
            f"({share} of all changes between two measurement years in all districts fall within it).",
        )
    )
