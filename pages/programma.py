"""Programmes: did the aandachtswijken close their gap to their city? Gap tables for area sets.

A thin page: it reads the set and the years from the URL (``set``, ``ya``, ``yb``, ``u``), calls
``geo.sets``, ``geo.gaps`` and ``geo.indicator`` and draws. Every name and every uploaded text
is escaped (``geo.textsafe``) or shown as plain text.
"""

import re

import altair as alt
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import ui
from geo import gaps, sets
from geo.export import to_csv_bytes
from geo.indicator import MAX_UPLOAD_BYTES, read_indicators
from geo.textsafe import html_text, markdown_text

ui.page_guard()

ds = ui.dataset()
lang = ui.lang()
t = ui.t
_SLUG = re.compile(r"[a-z0-9-]{1,40}", re.ASCII)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,20000}", re.ASCII)
_PALETTE = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")  # ColorBrewer Blues, own scale

st.markdown(f"### {t('Programma’s: sluiten de wijken hun achterstand?', 'Programmes: are the areas catching up?')}")

# -- which set ---------------------------------------------------------------------------------------
params = st.query_params.to_dict()
choices = {**{slug: spec.name for slug, spec in sets.SHIPPED_SETS.items()}}
choices["sel"] = t("de huidige selectie", "the current selection")
choices["user"] = t("een eigen set (typen of uploaden)", "your own set (type or upload)")
if "prog_set" not in st.session_state:
    wanted = params.get("set", "40-aandachtswijken")
    if not (isinstance(wanted, str) and _SLUG.fullmatch(wanted) and wanted in choices):
        wanted = "40-aandachtswijken"
    if params.get("u") and isinstance(params.get("u"), str) and _TOKEN.fullmatch(params["u"]):
        try:
            st.session_state["_prog_user_set"] = sets.decode_set(ds, params["u"])
            wanted = "user"
        except ValueError:
            st.warning(t("De eigen set in de link is ongeldig en is genegeerd.", "The set in the link is invalid."))
    st.session_state["prog_set"] = wanted
which = st.radio(t("Set", "Set"), list(choices), format_func=choices.__getitem__, key="prog_set", horizontal=True)

aset: sets.AreaSet | None = None
if which in sets.SHIPPED_SETS:
    aset = sets.load_set(which, ds)
elif which == "sel":
    selection = ui.current_selection()
    codes = [c for c in selection.codes if ds.level(c) != "gemeente"]
    if codes:
        aset = sets.set_from_codes(ds, codes, name=t("de huidige selectie", "the current selection"))
    else:
        st.info(t("De selectie is leeg: voeg gebieden toe op 'Selectie en export'.", "The selection is empty."))
else:
    with st.expander(t("Eigen set maken", "Make your own set"), expanded="_prog_user_set" not in st.session_state):
        st.caption(
            t(
                "Eén gebied per regel: een CBS-code (WK034403) of 'gemeente; naam' (Utrecht; Overvecht). "
                "Of upload een CSV met een kolom 'code', of de kolommen 'gemeente' en 'naam' "
                f"(max. {MAX_UPLOAD_BYTES // 1024 // 1024} MB; alleen in deze sessie).",
                "One area per line: a CBS code (WK034403) or 'gemeente; name' (Utrecht; Overvecht). Or upload a "
                f"CSV with a column 'code', or columns 'gemeente' and 'naam' (max. {MAX_UPLOAD_BYTES // 1024 // 1024}"
                " MB; kept in this session only).",
            )
        )
        name = st.text_input(t("Naam van de set", "Name of the set"), value="eigen set", max_chars=80, key="prog_name")
        typed = st.text_area(t("Gebieden", "Areas"), key="prog_typed", height=120, max_chars=50_000)
        upload = st.file_uploader(t("of een CSV", "or a CSV"), type=["csv", "txt"], key="prog_set_csv")
        if st.button(t("Maak de set", "Make the set"), key="prog_make"):
            try:
                if upload is not None:
                    made = sets.set_from_csv(ds, upload.getvalue(), name=name)
                else:
                    made = sets.set_from_text(ds, typed, name=name)
                st.session_state["_prog_user_set"] = made
            except ValueError as exc:
                st.error(str(exc))
    aset = st.session_state.get("_prog_user_set")
    if aset is None:
        st.info(t("Maak hierboven een set.", "Make a set above."))

if aset is None:
    st.stop()
members = [c for c in aset.members if ds.level(c) != "gemeente"]
st.caption(markdown_text(f"{aset.description} {t('Bron', 'Source')}: {aset.source}" if aset.source else aset.name))
if aset.caveat:
    nl_caveat, _, en_caveat = aset.caveat.partition(" / ")
    st.caption(markdown_text(en_caveat if lang == "en" and en_caveat else nl_caveat))

# -- years -----------------------------------------------------------------------------------------------
years = ds.years("lbm")


def _year_param(key: str, default: int) -> int:
    raw = params.get(key)
    if isinstance(raw, str) and re.fullmatch(r"[0-9]{4}", raw, re.ASCII) and int(raw) in years:
        return int(raw)
    return default


if "prog_ya" not in st.session_state:
    st.session_state["prog_ya"] = _year_param("ya", 2008 if 2008 in years else years[0])
    st.session_state["prog_yb"] = _year_param("yb", 2018 if 2018 in years else years[-1])
y1, y2 = st.columns(2)
year_a = y1.selectbox(t("Jaar A", "Year A"), years, key="prog_ya", placeholder=t("Kies een optie", "Choose an option"))
year_b = y2.selectbox(t("Jaar B", "Year B"), years, key="prog_yb", placeholder=t("Kies een optie", "Choose an option"))
new_params = {"set": which, "ya": str(year_a), "yb": str(year_b)}
if which == "user":
    new_params["u"] = sets.encode_set(aset)
for k, v in new_params.items():
    if st.query_params.get(k) != v:
        st.query_params[k] = v
if which != "user" and "u" in st.query_params:
    del st.query_params["u"]
if year_a >= year_b:
    st.warning(t("Kies een jaar A vóór jaar B.", "Choose a year A before year B."))
    st.stop()

# -- the gap table and its summary ----------------------------------------------------------------------
n = len(members)
groups = {}
if aset.resolution is not None:
    groups = {e: [c for c in aset.resolution.codes_of(e) if c in members] for e in aset.resolution.entries}
    groups = {e: v for e, v in groups.items() if v}
per_entry = False
if which in sets.SHIPPED_SETS and groups:
    per_entry = (
        st.radio(
            t("Tel per", "Count per"),
            ["entry", "area"],
            format_func={
                "entry": t("programmawijk (zoals genoemd)", "programme area (as named)"),
                "area": t("CBS-wijk", "CBS wijk"),
            }.__getitem__,
            key="prog_per",
            horizontal=True,
        )
        == "entry"
    )
if per_entry:
    k, total = len(groups), len(aset.resolution.entries)
    base_nl, base_en = aset.name.removeprefix("de "), aset.title("en").removeprefix("the ")
    nl_name = aset.name if k == total else f"de {k} gevonden {base_nl}"
    en_name = aset.title("en") if k == total else f"the {k} matched {base_en}"
    result = gaps.entry_gap_table(ds, groups, year_a, year_b, set_name=nl_name, set_name_en=en_name)
elif which in sets.SHIPPED_SETS:
    nl_name, en_name = f"de {n} wijken van {aset.name}", f"the {n} wijken of {aset.title('en')}"
    result = gaps.gap_table(ds, members, year_a, year_b, set_name=nl_name, set_name_en=en_name)
else:
    nl_name, en_name = f"de {n} gebieden van {aset.name}", f"the {n} areas of {aset.name}"
    result = gaps.gap_table(ds, members, year_a, year_b, set_name=nl_name, set_name_en=en_name)
st.markdown(
    f'<p data-testid="prog-summary" style="font-size:1.55rem;line-height:1.35;font-weight:600">'
    f"{html_text(result.summary(lang))}</p>",
    unsafe_allow_html=True,
)
st.caption(markdown_text(t("Referentie: ", "Reference: ") + result.reference(lang)))
if per_entry:
    st.caption(
        t(
            "Per programmawijk: het gemiddelde van haar CBS-wijken, gewogen naar inwoners (CBS 2024).",
            "Per programme area: the mean of its CBS wijken, weighted by inhabitants (CBS 2024).",
        )
    )

shown = result.table.rename(
    columns={
        "name": t("naam", "name"),
        "population": t("inwoners", "inhabitants"),
        "gap_a": t(f"achterstand {year_a}", f"gap {year_a}"),
        "gap_b": t(f"achterstand {year_b}", f"gap {year_b}"),
        "change": t("verandering", "change"),
        "change_pct": t("verandering %", "change %"),
        "status": t("richting", "direction"),
    }
)
st.dataframe(
    shown,
    hide_index=True,
    key="prog_gap_table",
    column_config={
        c: st.column_config.NumberColumn(format="%.3f")
        for c in shown.columns
        if c.startswith(("value_", "city_", "achterstand", "gap ", "verandering", "change")) and not c.endswith("%")
    },
)
csv_dutch = st.toggle(t("CSV voor Nederlandse Excel", "CSV for Dutch Excel"), key="prog_csv_dutch")
st.download_button(
    t("Download de tabel (CSV)", "Download the table (CSV)"),
    to_csv_bytes(result.table, dutch=csv_dutch, bom=csv_dutch),
    f"achterstand-{aset.slug}-{year_a}-{year_b}.csv",
    "text/csv",
    key="prog_dl_gaps",
)

# -- set trend --------------------------------------------------------------------------------------------
st.subheader(t("De set tegenover haar steden", "The set against its cities"))
trend = gaps.set_trend(ds, members, year_a=year_a, year_b=year_b)
if trend.share_narrowed is not None:
    st.markdown(
        markdown_text(
            t(
                f"Aandeel met een kleinere achterstand tussen {year_a} en {year_b}: {trend.share_narrowed:.0%}",
                f"Share whose gap narrowed between {year_a} and {year_b}: {trend.share_narrowed:.0%}",
            )
        )
    )
long = trend.table.melt(id_vars=["year"], value_vars=["set_value", "city_value"], var_name="line", value_name="lbm")
long["line"] = long["line"].map({"set_value": t("de set", "the set"), "city_value": t("hun steden", "their cities")})
chart = (
    alt.Chart(long)
    .mark_line(point=True)
    .encode(
        x=alt.X("year:Q", title=t("jaar", "year"), axis=alt.Axis(format="d")),
        y=alt.Y("lbm:Q", title="lbm", scale=alt.Scale(zero=False)),
        color=alt.Color("line:N", title=None),
        tooltip=["year:Q", "line:N", alt.Tooltip("lbm:Q", format=".3f")],
    )
)
ui.altair(chart, key="prog_trend_chart")
st.caption(markdown_text(trend.method(lang)))

# -- dimension split -------------------------------------------------------------------------------------
st.subheader(t("Wat dreef de verandering?", "What drove the change?"))
dim_years = gaps.dimension_years(ds)
if len(dim_years) >= 2:
    d1, d2 = st.columns(2)
    da = d1.selectbox(
        t("Van", "From"), dim_years[:-1], key="prog_dim_a", placeholder=t("Kies een optie", "Choose an option")
    )
    db = d2.selectbox(
        t("Tot", "To"),
        [y for y in dim_years if y > da],
        key="prog_dim_b",
        placeholder=t("Kies een optie", "Choose an option"),
    )
    try:
        split = gaps.dimension_split(ds, members, da, db)
    except ValueError as exc:
        st.info(str(exc))
    else:
        st.markdown(markdown_text(split.sentence(lang)))
        bars = split.parts.assign(label=split.parts["label_en" if lang == "en" else "label_nl"])
        total = pd.DataFrame({"label": [t("totaal (afw)", "total (afw)")], "change": [split.total]})
        ui.altair(
            alt.Chart(pd.concat([bars[["label", "change"]], total]))
            .mark_bar()
            .encode(
                y=alt.Y("label:N", title=None, sort=None),
                x=alt.X("change:Q", title=t("verandering", "change")),
                tooltip=["label:N", alt.Tooltip("change:Q", format="+.4f")],
            ),
            key="prog_dim_chart",
        )
        st.caption(
            t(
                f"De vijf balken tellen op tot het totaal ({split.n_areas} gebieden, {split.weighting}).",
                f"The five bars add up to the total ({split.n_areas} areas, {split.weighting}).",
            )
        )
else:
    st.info(t("Te weinig jaren met dimensiescores.", "Too few years with dimension scores."))

# -- the map and the member list ---------------------------------------------------------------------------
st.subheader(t("Op de kaart", "On the map"))
latest = max(y for y in years if y <= year_b) if years else year_b
area_table = result.table if "code" in result.table else gaps.gap_table(ds, members, year_a, year_b).table
tips = {
    r.code: f"{r.name} ({r.gemeente}): {t('achterstand', 'gap')} {year_b} {r.gap_b:+.3f}"
    for r in area_table.itertuples()
}
colours = {r.code: ("#d7301f" if r.gap_b < 0 else "#2171b5") for r in area_table.itertuples() if r.gap_b == r.gap_b}
st_folium(
    sets.overlay_map(ds, members, colours=colours, tooltips=tips, basemap=ui.view().basemap),
    key="prog_map",
    height=420,
    use_container_width=True,
    returned_objects=[],
)
st.caption(
    t(f"Rood: achter op de stad in {year_b}; blauw: erboven.", f"Red: behind the city in {year_b}; blue: above.")
)
st.dataframe(
    area_table[["code", "name", "gemeente", "value_b", "gap_b"]].rename(
        columns={
            "name": t("naam", "name"),
            "value_b": t(f"score {year_b}", f"score {year_b}"),
            "gap_b": t(f"achterstand {year_b}", f"gap {year_b}"),
        }
    ),
    hide_index=True,
    key="prog_members",
    height=min(400, 38 + 35 * len(area_table)),
)

# -- resolution report -------------------------------------------------------------------------------------
if aset.resolution is not None and aset.resolution.matches:
    st.subheader(t("Hoe de namen zijn gevonden", "How the names were matched"))
    counts = aset.resolution.counts()
    st.caption(" · ".join(f"{k}: {v}" for k, v in counts.items()))
    edited = st.data_editor(
        aset.resolution.frame(),
        key="prog_resolution",
        hide_index=True,
        num_rows="dynamic",
        disabled=["entry", "gemeente", "name", "area_name", "score", "decided"],
        column_config={
            "category": st.column_config.SelectboxColumn(options=list(sets.CATEGORIES)),
            "code": st.column_config.TextColumn(max_chars=10),
        },
    )
    try:
        corrected = sets.resolution_from_frame(edited, source=t("de tabel", "the table"))
        fixed = sets.set_from_codes(
            ds, corrected.codes, name=f"{aset.name} ({t('gecorrigeerd', 'corrected')})", resolution=corrected
        )
    except ValueError as exc:
        st.error(str(exc))
    else:
        st.download_button(
            t("Download de (gecorrigeerde) set (CSV)", "Download the (corrected) set (CSV)"),
            sets.set_to_csv(ds, fixed),
            f"set-{aset.slug}.csv",
            "text/csv",
            key="prog_dl_set",
        )
else:
    st.download_button(
        t("Download de set (CSV)", "Download the set (CSV)"),
        sets.set_to_csv(ds, aset),
        "set.csv",
        "text/csv",
        key="prog_dl_set",
    )

# -- bring your own indicator ---------------------------------------------------------------------------------
st.subheader(t("Eigen indicator", "Your own indicator"))
st.caption(
    t(
        f"CSV met een kolom 'code' en één of meer getalkolommen; max. {MAX_UPLOAD_BYTES // 1024 // 1024} MB, "
        "komma of puntkomma, decimale punt of komma. Het bestand blijft in deze sessie.",
        f"CSV with a column 'code' and one or more numeric columns; max. {MAX_UPLOAD_BYTES // 1024 // 1024} MB, "
        "comma or semicolon, decimal point or comma. The file stays in this session.",
    )
)
indicator_file = st.file_uploader(t("Indicator (CSV)", "Indicator (CSV)"), type=["csv", "txt"], key="prog_ind")
if indicator_file is not None:
    try:
        indicators = read_indicators(ds, indicator_file.getvalue())
    except ValueError as exc:
        st.error(str(exc))
    else:
        names = [i.name for i in indicators]
        pick = st.selectbox(
            t("Kolom", "Column"),
            range(len(names)),
            format_func=names.__getitem__,
            key="prog_ind_col",
            placeholder=t("Kies een optie", "Choose an option"),
        )
        ind = indicators[int(pick)]
        st.markdown(markdown_text(t(f"Indicator: {ind.name}", f"Indicator: {ind.name}")))
        ind_codes = list(ind.values)
        ind_colours = {c: _PALETTE[min(ind.classify(v), len(_PALETTE) - 1)] for c, v in ind.values.items()}
        ind_tips = {c: f"{ds.name(c)} ({c}) · {ind.name}: {v:g}" for c, v in ind.values.items()}
        st_folium(
            sets.overlay_map(ds, ind_codes, colours=ind_colours, tooltips=ind_tips, basemap=ui.view().basemap),
            key="prog_ind_map",
            height=380,
            use_container_width=True,
            returned_objects=[],
        )
        legend = "".join(
            f'<span style="margin-right:.8em"><span style="display:inline-block;width:.9em;height:.9em;'
            f'background:{_PALETTE[min(i, len(_PALETTE) - 1)]};border:1px solid #555"></span> {html_text(label)}</span>'
            for i, label in enumerate(ind.labels)
        )
        st.markdown(
            f'<div data-testid="prog-ind-legend">{html_text(ind.name)} '
            f"({t('eigen schaal, kwantielen', 'own scale, quantiles')}): {legend}</div>",
            unsafe_allow_html=True,
        )
        values = pd.DataFrame(
            {"code": ind_codes, "name": [ds.name(c) for c in ind_codes], "value": ind.series().values}
        )
        ui.altair(
            alt.Chart(values.sort_values("value").tail(40))
            .mark_bar()
            .encode(
                y=alt.Y("name:N", sort="-x", title=None),
                x=alt.X("value:Q", title=ind.name),
                tooltip=["code:N", "name:N", "value:Q"],
            ),
            key="prog_ind_chart",
        )
