"""Change map: which areas of the gemeente improved or declined the most between two years.

A thin page: it reads the shared selection, calls ``geo.trends`` and ``geo.mapping`` and draws.
The colours are on a fixed symmetric scale per measure, so maps of different gemeenten and
periods are comparable.
"""

import streamlit as st
from streamlit_folium import st_folium

import ui
from geo import trends
from geo.mapping import build_change_map, change_scale_classes

ui.page_guard()

ds = ui.dataset()
sel = ui.selection()
lang = ui.lang()
code, measure = sel.area, sel.measure
label = ui.measure_label(measure)


st.markdown(f"### {ui.escape(ds.name(sel.gemeente))} · {ui.escape(label)}")

# -- change across the gemeente ---------------------------------------------------------------------
level = ds.level(code)
scope = ds.codes(level, gemeente=sel.gemeente)
st.subheader(
    ui.t(f"Grootste stijgers en dalers in {ds.name(sel.gemeente)}", f"Biggest movers in {ds.name(sel.gemeente)}")
)
change_years = trends.years_with_data(ds, scope, measure)
if len(change_years) < 2:
    st.info(ui.t("Te weinig meetjaren.", "Too few measurement years."))
else:
    ui.keep_valid("trend_change_start", change_years[:-1], change_years[0])
    m1, m2, m3 = st.columns([1, 1, 1])
    c_start = m1.selectbox(ui.t("Van", "From"), change_years[:-1], key="trend_change_start")
    c_later = [y for y in change_years if y > c_start]
    ui.keep_valid("trend_change_end", c_later, c_later[-1])
    c_end = m2.selectbox(ui.t("Tot", "To"), c_later, key="trend_change_end")
    n_movers = m3.number_input(ui.t("Aantal", "How many"), 1, 20, 5, key="trend_movers_n")
    changes = trends.change_table(ds, scope, c_start, c_end, measure=measure)
    movers = trends.biggest_movers(changes, n=int(n_movers))
    scale = trends.change_scale(ds, measure)
    change_columns = {
        "name": st.column_config.TextColumn(ui.t("Naam", "Name")),
        "start_value": st.column_config.NumberColumn(str(c_start), format="%.3f"),
        "end_value": st.column_config.NumberColumn(str(c_end), format="%.3f"),
        "change": st.column_config.NumberColumn(ui.t("Verandering", "Change"), format="%+.3f"),
    }
    classes = change_scale_classes(scale.vmin, scale.vmax)
    change_map = build_change_map(
        ds, scope, start=c_start, end=c_end, measure=measure, scale=classes, basemap=sel.basemap, lang=lang
    )
    st_folium(change_map, key="change_map", height=420, use_container_width=True, returned_objects=[])
    swatches = "".join(
        f'<span style="white-space:nowrap;margin-right:.8em"><span style="display:inline-block;width:.9em;'
        f'height:.9em;background:{colour};vertical-align:middle;margin-right:.3em"></span>{ui.escape(text)}</span>'
        for colour, text in zip(classes.colours, classes.labels(decimals=3), strict=True)
    )
    st.markdown(
        f'<div style="font-size:.85em;line-height:1.8">{ui.t("Verandering", "Change")}: {swatches}</div>',
        unsafe_allow_html=True,
    )
    up_col, down_col = st.columns(2)
    with up_col:
        st.markdown(ui.t("**Gestegen**", "**Rose most**"))
        st.dataframe(
            movers.up, column_order=list(change_columns), column_config=change_columns, hide_index=True, key="movers_up"
        )
    with down_col:
        st.markdown(ui.t("**Gedaald**", "**Fell most**"))
        st.dataframe(
            movers.down,
            column_order=list(change_columns),
            column_config=change_columns,
            hide_index=True,
            key="movers_down",
        )
    with st.expander(ui.t("Alle gebieden", "All areas")):
        st.dataframe(
            changes,
            column_order=list(change_columns),
            column_config=change_columns,
            hide_index=True,
            key="changes_all",
        )
    st.caption(
        ui.t(
            f"Kleurschaal voor kaarten van de verandering: vast van {scale.vmin:+.3f} tot {scale.vmax:+.3f} "
            f"({scale.quantile:.0%} van alle veranderingen tussen twee meetjaren in alle wijken valt daarbinnen).",
            f"Colour scale for maps of the change: fixed from {scale.vmin:+.3f} to {scale.vmax:+.3f} "
            f"({scale.quantile:.0%} of all changes between two measurement years in all districts fall within it).",
        )
    )
