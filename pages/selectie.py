"""Selection and export: researchers build a selection of areas and take the data with them.

A thin page: it reads and writes the shared selection (``ui.current_selection``), calls
``geo.selection`` and ``geo.export`` and draws.
"""

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

import controls
import geo
import sections
import ui
from geo.brief import brief_filename
from geo.selection import Filter, Selection, encode_selection, filter_codes
from geo.view import area_view

ui.page_guard()

ds = ui.dataset()
sel = area_view(ui.view())  # on the national map: the chosen area's gemeente
lang = ui.lang()
selection = ui.current_selection()

st.markdown(f"### {ui.t('Selectie en export', 'Selection and export')}")
st.caption(
    ui.t(
        "Stel een selectie van gebieden samen, ook uit verschillende gemeenten. De selectie blijft bewaard als u "
        "naar een andere pagina gaat en staat in de link, zodat u haar kunt delen.",
        "Build a selection of areas, across municipalities if you like. It stays when you switch pages and is "
        "part of the link, so you can share it.",
    )
)


def _add(new: Callable[[], Selection], error_key: str, clear: str | None = None) -> None:
    try:
        ui.set_selection(new())
    except ValueError as exc:
        st.session_state[error_key] = geo.explain(exc, lang)
    else:
        if clear:  # the list box empties once its areas are in the selection
            st.session_state[clear] = []


add_list, add_area, add_filter = st.tabs(
    [ui.t("Uit een lijst", "From a list"), ui.t("Hele gebieden", "Whole areas"), ui.t("Met een filter", "By a filter")]
)
with add_list:
    chosen = controls.area_picker(
        ui.t("Gebieden", "Areas"),
        key="sel_pick",
        gemeente=geo.gemeente_of(sel.area),
        gemeente_label=ui.t("Gebieden in", "Areas in"),
        max_selections=500,
        help=ui.t(
            "Kies een gemeente en dan haar wijken of buurten. Gekozen gebieden blijven staan als u een andere "
            "gemeente kiest; met 'Voeg toe' gaan ze allemaal in de selectie.",
            "Pick a municipality, then its districts or neighbourhoods. Chosen areas stay when you pick another "
            "municipality; 'Add' puts them all in the selection.",
        ),
    )
    st.button(
        ui.t("Voeg toe", "Add"),
        key="sel_add_list",
        disabled=not chosen,
        on_click=_add,
        args=(lambda: ui.current_selection().add_codes(ds, st.session_state["sel_pick"]), "_sel_error", "sel_pick"),
    )
with add_area:
    gm_name = ui.md(ds.name(sel.gemeente))  # button labels are Markdown
    st.button(
        ui.t(f"Voeg alle wijken van {gm_name} toe", f"Add all districts of {gm_name}"),
        key="sel_add_gemeente",
        on_click=_add,
        args=(lambda: ui.current_selection().add_gemeente(ds, area_view(ui.view()).gemeente), "_sel_error"),
    )
    wijk_name = ui.md(ds.name(sel.wijk))
    has_buurten = bool(ds.children(sel.wijk))
    st.button(
        ui.t(f"Voeg wijk {wijk_name} toe", f"Add district {wijk_name}")
        + (ui.t(" met haar buurten", " with its neighbourhoods") if has_buurten else ""),
        key="sel_add_wijk",
        on_click=_add,
        args=(lambda: ui.current_selection().add_wijk(ds, area_view(ui.view()).wijk), "_sel_error"),
    )
    st.caption(ui.t("Kies gemeente en wijk in de zijbalk.", "Pick the municipality and district in the sidebar."))
with add_filter:
    f1, f2, f3 = st.columns(3)
    measure = f1.selectbox(
        ui.t("Maat", "Measure"),
        list(geo.MEASURES),
        format_func={m: ui.measure_label(m) for m in geo.MEASURES}.__getitem__,
        index=1,  # afw: "afw below -0.1" is the classic question
        key="sel_f_measure",
        placeholder=ui.t("Kies een optie", "Choose an option"),
    )
    ops = {
        "below": ui.t("lager dan", "below"),
        "above": ui.t("hoger dan", "above"),
        "declined": ui.t("gedaald tussen", "declined between"),
        "improved": ui.t("gestegen tussen", "improved between"),
    }
    op = f2.selectbox(
        ui.t("Voorwaarde", "Condition"),
        list(ops),
        format_func=ops.__getitem__,
        key="sel_f_op",
        placeholder=ui.t("Kies een optie", "Choose an option"),
    )
    years = ds.years(measure)
    if op in ("below", "above"):
        threshold = ui.number_text(ui.t("Drempel", "Threshold"), -0.1, key="sel_f_t", box=f3)
        year = st.selectbox(
            ui.t("Jaar", "Year"),
            years,
            index=len(years) - 1,
            key="sel_f_year",
            placeholder=ui.t("Kies een optie", "Choose an option"),
        )
        spec_kwargs: dict[str, Any] = {"threshold": threshold, "year": int(year)}
    else:
        threshold = ui.number_text(ui.t("Minimaal verschil", "At least"), 0.0, min_value=0.0, key="sel_f_t2", box=f3)
        y1, y2 = st.columns(2)
        year_from = y1.selectbox(
            ui.t("Van", "From"), years[:-1], key="sel_f_from", placeholder=ui.t("Kies een optie", "Choose an option")
        )
        year_to = y2.selectbox(
            ui.t("Tot", "To"),
            [y for y in years if y > year_from],
            key="sel_f_to",
            placeholder=ui.t("Kies een optie", "Choose an option"),
        )
        spec_kwargs = {"threshold": threshold, "year_from": int(year_from), "year_to": int(year_to)}
    s1, s2 = st.columns(2)
    levels = ["wijk", "buurt"] if ds.codes("buurt") else ["wijk"]
    level = s1.radio(
        ui.t("Niveau", "Level"),
        levels,
        format_func=ui.level_words().__getitem__,
        key="sel_f_level",
        horizontal=True,
    )
    scope = s2.radio(
        ui.t("Waar", "Where"),
        ["gemeente", "nl"],
        format_func={
            "gemeente": ui.md(ds.name(sel.gemeente)),
            "nl": ui.t("heel Nederland", "the whole country"),
        }.__getitem__,
        key="sel_f_scope",
        horizontal=True,
    )
    if threshold is not None:  # else number_text showed what is wrong
        spec = Filter(
            measure=measure,
            op=op,  # type: ignore[arg-type]  # one of the ops offered above
            level=level,  # type: ignore[arg-type]  # one of the levels offered above
            gemeente=sel.gemeente if scope == "gemeente" else None,
            **spec_kwargs,
        )
        try:
            result = filter_codes(ds, spec)
        except ValueError as exc:
            st.error(ui.md(geo.explain(exc, lang)))
        else:
            st.text(result.criterion.text(lang))
            st.button(
                ui.t(f"Voeg {len(result.codes)} gebieden toe", f"Add {len(result.codes)} areas"),
                key="sel_add_filter",
                disabled=not result.codes,
                on_click=_add,
                args=(
                    lambda: ui.current_selection().add_codes(ds, result.codes, criterion=result.criterion),
                    "_sel_error",
                ),
            )

error = st.session_state.pop("_sel_error", None)
if error:
    st.error(ui.md(error))

# -- the selection ---------------------------------------------------------------------------------
st.subheader(ui.t(f"Selectie: {len(selection)} gebieden", f"Selection: {len(selection)} areas"))
if not len(selection):
    st.info(ui.t("De selectie is leeg. Voeg hierboven gebieden toe.", "The selection is empty. Add areas above."))
else:
    st.text(selection.describe(lang))  # plain text: criteria may come from a shared link
    st.dataframe(
        pd.DataFrame(
            {
                "code": list(selection.codes),
                ui.t("naam", "name"): [ds.name(c) for c in selection.codes],
                ui.t("niveau", "level"): [ds.level(c) for c in selection.codes],
                "gemeente": [ds.name(gm) if ds.has(gm := geo.gemeente_of(c)) else "" for c in selection.codes],
            }
        ),
        hide_index=True,
        key="sel_table",
        height=min(400, 38 + 35 * len(selection)),
    )
    st.button(
        ui.t("Wis selectie", "Clear selection"), key="sel_clear", on_click=ui.set_selection, args=(type(selection)(),)
    )

# -- export ----------------------------------------------------------------------------------------
st.subheader(ui.t("Exporteren", "Export"))
if not len(selection):
    st.caption(ui.t("Voeg eerst gebieden toe; een lege selectie levert geen bestand op.", "Add areas first."))
else:
    o1, o2, o3 = st.columns(3)
    layout = o1.radio(
        ui.t("Indeling", "Layout"),
        ["long", "wide"],
        format_func={
            "long": ui.t("lang: een rij per gebied en jaar", "long: one row per area and year"),
            "wide": ui.t("breed: een rij per gebied", "wide: one row per area"),
        }.__getitem__,
        key="exp_layout",
    )
    dialect = o2.radio(
        ui.t("CSV voor", "CSV for"),
        ["plain", "dutch"],
        format_func={
            "plain": ui.t("standaard (komma, punt)", "standard (comma, point)"),
            "dutch": ui.t("Nederlandse Excel (puntkomma, decimale komma, BOM)", "Dutch Excel (semicolon, comma, BOM)"),
        }.__getitem__,
        key="exp_dialect",
    )
    rounding_labels: dict[int | None, str] = {None: ui.t("volledige precisie", "full precision")}
    rounding_labels.update({d: ui.t(f"{d} decimalen", f"{d} decimals") for d in (6, 4, 3)})
    rounding = o3.selectbox(
        ui.t("Afronden", "Rounding"),
        list(rounding_labels),
        format_func=rounding_labels.__getitem__,
        key="exp_round",
        placeholder=ui.t("Kies een optie", "Choose an option"),
    )
    token = encode_selection(selection)
    dutch = dialect == "dutch"
    files = sections.export_files(token, layout, dutch, dutch, rounding, lang)
    names = files.names
    d1, d2, d3, d4, d5 = st.columns([0.6, 1.2, 1.2, 1.3, 1.5])  # room for "GeoPackage (RD New)"
    d1.download_button("CSV", files.data("csv"), names["csv"], files.media_type("csv"), key="dl_csv")
    d2.download_button(
        ui.t("Metadata (JSON)", "Metadata (JSON)"),
        files.metadata_json,
        names["metadata_json"],
        files.media_type("metadata_json"),
        key="dl_meta",
    )
    d3.download_button(
        ui.t("Metadata (tekst)", "Metadata (text)"),
        files.metadata_text.encode("utf-8"),
        names["metadata_text"],
        files.media_type("metadata_text"),
        key="dl_meta_txt",
    )
    d4.download_button(
        "GeoJSON (WGS84)", files.data("geojson"), names["geojson"], files.media_type("geojson"), key="dl_geojson"
    )
    d5.download_button(
        "GeoPackage (RD New)", files.data("gpkg"), names["gpkg"], files.media_type("gpkg"), key="dl_gpkg"
    )
    st.caption(
        ui.t(
            f"{files.rows} {'rij' if files.rows == 1 else 'rijen'}. Tekst die met =, +, - of @ begint, krijgt een ' "
            "ervoor (veilig in Excel); "
            "getallen blijven getallen. De metadata noemen bronnen, licenties, versie en de selectiecriteria.",
            f"{files.rows} {'row' if files.rows == 1 else 'rows'}. Text starting with =, +, - or @ gets a leading ' "
            "(safe in spreadsheets); "
            "numbers stay numbers. The metadata name sources, licences, version and the selection criteria.",
        )
    )

# -- meeting brief ---------------------------------------------------------------------------------
st.subheader(ui.t("Vergaderbrief", "Meeting brief"))
area_name = ui.md(ds.name(sel.area))  # shown in Markdown only
if ds.value(sel.area, sel.year) is None:
    st.info(
        ui.t(
            f"{area_name} heeft geen score in {sel.year}; kies een ander gebied of jaar in de zijbalk.",
            f"{area_name} has no score in {sel.year}; pick another area or year in the sidebar.",
        )
    )
else:
    st.caption(
        ui.t(
            f"Eén pagina voor {area_name}, {sel.year}: kaart met buren, ontwikkeling, samenvatting en bronnen.",
            f"One page for {area_name}, {sel.year}: map with neighbours, trend, summary and sources.",
        )
    )
    if st.button(ui.t("Maak de brief", "Make the brief"), key="brief_make"):
        st.session_state["_brief"] = (sel.area, sel.year, lang)
    if st.session_state.get("_brief") == (sel.area, sel.year, lang):
        pdf, png = sections.brief(sel.area, sel.year, lang)
        b1, b2 = st.columns(2)
        pdf_name, png_name = (brief_filename(ds, sel.area, sel.year, lang, ext) for ext in ("pdf", "png"))
        b1.download_button("PDF", pdf, pdf_name, "application/pdf", key="dl_brief_pdf")
        b2.download_button("PNG", png, png_name, "image/png", key="dl_brief_png")
        st.image(png, width="stretch")
