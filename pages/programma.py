"""Programmes: did the aandachtswijken close their gap to their city? Gap tables for area sets.

A thin page: it reads the set and the years from the URL (``set``, ``ya``, ``yb``, ``u``; validated by
``geo.sets.parse_programme_link``, with a notice for every value it ignored), calls ``geo.sets``,
``geo.gaps`` and ``geo.indicator`` (one function per question) and draws. Every
name and every uploaded text is escaped (``geo.textsafe``); every number goes through
``geo.fmt`` (a decimal comma in Dutch, a point in English, "–" when missing).
"""

from collections.abc import Mapping, Sequence

import altair as alt
import streamlit as st

import map_view
import streamlit_compat
import ui
from geo import explain, fmt, gaps, sets
from geo.indicator import MAX_UPLOAD_BYTES, indicator_map, read_indicators
from geo.map_payload import map_spec
from geo.mapping import overlay_layer
from geo.textsafe import html_text, markdown_text

ui.page_guard()

ds = ui.dataset()
lang = ui.lang()
t = ui.t
_MB = MAX_UPLOAD_BYTES // 1024 // 1024
_CHOOSE = t("Kies een optie", "Choose an option")


def _table(shown: gaps.ShownTable, *, key: str, height: int | None = None) -> None:
    styled = fmt.style_frame(shown.frame, lang, shown.decimals, signed=shown.signed, group=shown.group)
    if height:
        streamlit_compat.dataframe(styled, hide_index=True, key=key, height=height, placeholder=fmt.MISSING)
    else:
        streamlit_compat.dataframe(styled, hide_index=True, key=key, placeholder=fmt.MISSING)


def _overlay(
    codes: Sequence[str], colours: Mapping[str, str], tooltips: Mapping[str, str], *, key: str, height: int
) -> None:
    """Draw areas as outlines on the map, filled where a colour is given; fitted to them when they change."""
    layer = overlay_layer(ds, codes, colours=colours, tooltips=tooltips, lang=lang)
    basemap = ui.view().basemap
    spec = map_spec(layer, view=f"{key}|{layer.id}", basemap=basemap, lang=lang, height=height, style="overlay")
    map_view.show(spec, key=key, height=height)


def _error(lead: str, exc: Exception) -> None:
    st.error(markdown_text(f"{lead} {explain(exc, lang)}"))


st.markdown(f"### {t('Programma’s: sluiten de wijken hun achterstand?', 'Programmes: are the areas catching up?')}")

# -- which set ---------------------------------------------------------------------------------------
choices = sets.shipped_titles(lang)
choices["sel"] = t("de huidige selectie", "the current selection")
choices["user"] = t("een eigen set (typen of uploaden)", "your own set (type or upload)")
if "prog_set" not in st.session_state:  # the link: set, years and own set, validated, with notices
    link = sets.parse_programme_link(ds, st.query_params.to_dict())
    ui.show_notices(link.notices)
    if link.user_set is not None:
        st.session_state["_prog_user_set"] = link.user_set
    elif "u" in st.query_params:  # ignored (with a notice): not passed on
        del st.query_params["u"]
    st.session_state["prog_set"] = link.set
    st.session_state["_prog_years"] = (link.year_a, link.year_b)
which = st.radio(t("Set", "Set"), list(choices), format_func=choices.__getitem__, key="prog_set", horizontal=True)
if st.query_params.get("set") != which:  # also when the page ends early (a set not made yet)
    st.query_params["set"] = which
if which != "user" and "u" in st.query_params:
    del st.query_params["u"]

aset: sets.AreaSet | None = None
if which in sets.SHIPPED_SETS:
    aset = sets.load_set(which, ds)
elif which == "sel":
    selected = ui.current_selection().codes
    if selected:
        try:
            aset = sets.set_from_codes(ds, selected, name=t("de huidige selectie", "the current selection"))
        except ValueError as exc:  # more than MAX_USER_MEMBERS areas
            _error(t("De selectie kan geen set worden:", "The selection cannot be a set:"), exc)
    else:
        st.info(
            t(
                "De selectie is leeg: voeg gebieden toe op 'Selectie en export'.",
                "The selection is empty: add areas on 'Selection and export'.",
            )
        )
else:
    with st.expander(t("Eigen set maken", "Make your own set"), expanded="_prog_user_set" not in st.session_state):
        st.caption(
            t(
                "Eén gebied per regel: een CBS-code (WK034403) of 'gemeente; naam' (Utrecht; Overvecht). "
                f"Of upload een CSV met een kolom 'code', of de kolommen 'gemeente' en 'naam' (max. {_MB} MB; "
                "alleen in deze sessie).",
                "One area per line: a CBS code (WK034403) or 'municipality; name' (Utrecht; Overvecht). Or upload "
                f"a CSV with a column 'code', or columns 'gemeente' and 'naam' (max. {_MB} MB; kept in this "
                "session only).",
            )
        )
        name = st.text_input(
            t("Naam van de set", "Name of the set"), value=t("mijn set", "my set"), max_chars=80, key="prog_name"
        )
        typed = st.text_area(t("Gebieden", "Areas"), key="prog_typed", height=120, max_chars=50_000)
        upload = st.file_uploader(
            t("of een CSV", "or a CSV"), type=["csv", "txt"], key="prog_set_csv", max_upload_size=_MB
        )
        if st.button(t("Maak de set", "Make the set"), key="prog_make"):
            try:
                if upload is not None:
                    made = sets.set_from_csv(ds, upload.getvalue(), name=name)
                else:
                    made = sets.set_from_text(ds, typed, name=name)
                st.session_state["_prog_user_set"] = made
            except ValueError as exc:
                _error(t("De set is niet gemaakt:", "The set was not made:"), exc)
    aset = st.session_state.get("_prog_user_set")
    if aset is None:
        st.info(t("Maak hierboven een set.", "Make a set above."))

if aset is None:
    ui.end_page()
unmatched = aset.resolution.unmatched_text(lang) if which == "user" and aset.resolution is not None else None
if unmatched:  # said at the top: the set is smaller than what was typed
    st.warning(markdown_text(unmatched))
members = gaps.gap_members(ds, aset)
st.caption(markdown_text(aset.about(lang)))
if aset.caveat:
    st.caption(markdown_text(aset.caveat_text(lang)))
if not members:
    st.info(t("De set heeft geen wijken of buurten.", "The set has no districts or neighbourhoods."))
    ui.end_page()

# -- years -----------------------------------------------------------------------------------------------
years = ds.years("lbm")


# The years shown: the link's (or the defaults), then the user's last choice. Kept apart from the
# widgets, whose state Streamlit drops in a run that does not draw them (a set not made yet).
if "prog_ya" not in st.session_state:
    default = sets.parse_programme_link(ds, {})
    st.session_state["prog_ya"], st.session_state["prog_yb"] = st.session_state.get(
        "_prog_years", (default.year_a, default.year_b)
    )
y1, y2 = st.columns(2)
year_a = int(y1.selectbox(t("Jaar A", "Year A"), years, key="prog_ya", placeholder=_CHOOSE))
year_b = int(y2.selectbox(t("Jaar B", "Year B"), years, key="prog_yb", placeholder=_CHOOSE))
st.session_state["_prog_years"] = (year_a, year_b)
new_params = {"ya": str(year_a), "yb": str(year_b)}
if which == "user":
    new_params["u"] = sets.encode_set(aset)
for k, v in new_params.items():
    if st.query_params.get(k) != v:
        st.query_params[k] = v
if year_a >= year_b:
    st.warning(t("Kies een jaar A vóór jaar B.", "Choose a year A before year B."))
    ui.end_page()

# -- the gap table and its summary ----------------------------------------------------------------------
per_entry = False
if which in sets.SHIPPED_SETS and aset.resolution is not None:
    count_labels = {
        "entry": t("programmawijk (zoals genoemd)", "programme area (as named)"),
        "area": t("CBS-wijk", "CBS district"),
    }
    per = st.radio(
        t("Tel per", "Count per"),
        list(count_labels),
        format_func=count_labels.__getitem__,
        key="prog_per",
        horizontal=True,
    )
    per_entry = per == "entry"
result = gaps.set_gaps(ds, aset, year_a, year_b, per_entry=per_entry)
main = result.main
st.markdown(
    f'<p data-testid="prog-summary" style="font-size:1.55rem;line-height:1.35;font-weight:600">'
    f"{html_text(main.summary(lang))}</p>",
    unsafe_allow_html=True,
)
st.caption(markdown_text(t("Referentie: ", "Reference: ") + main.reference(lang)))
if per_entry:
    st.caption(
        t(
            "Per programmawijk: het gemiddelde van haar CBS-wijken, gewogen naar inwoners (CBS 2024).",
            "Per programme area: the mean of its CBS districts, weighted by inhabitants (CBS 2024).",
        )
    )
_table(gaps.gap_view(main, lang), key="prog_gap_table")
st.caption(
    t(
        f"Verandering %: hoeveel kleiner (-) of groter (+) de achterstand werd; '–' waar de achterstand in "
        f"{year_a} kleiner was dan {fmt.plain(gaps.NEAR_ZERO, lang)} of gegevens ontbreken.",
        f"Change %: how much smaller (-) or larger (+) the gap became; '–' where the gap in {year_a} was "
        f"smaller than {fmt.plain(gaps.NEAR_ZERO, lang)} or data are missing.",
    )
)
csv_dutch = st.toggle(t("CSV voor Nederlandse Excel", "CSV for Dutch Excel"), key="prog_csv_dutch")
st.download_button(
    t("Download de tabel (CSV)", "Download the table (CSV)"),
    gaps.gap_csv(main, lang, dutch=csv_dutch, bom=csv_dutch),  # status labels and ja/nee in Dutch
    f"{t('achterstand', 'gap')}-{aset.slug}-{year_a}-{year_b}.csv",
    "text/csv",
    key="prog_dl_gaps",
)

# -- set trend --------------------------------------------------------------------------------------------
st.subheader(t("De set tegenover haar steden", "The set against its cities"))
trend = gaps.set_trend(ds, members, year_a=year_a, year_b=year_b)
share = trend.share_sentence(lang)
if share is not None:
    st.markdown(markdown_text(share))
measure_title = ui.measure_label("lbm")
if trend.years:
    ui.altair(
        alt.Chart(trend.lines(lang))
        .mark_line(point=True)
        .encode(
            x=alt.X(  # true spacing between measurements; only the measurement years are labelled
                "year:Q",
                title=t("jaar", "year"),
                axis=alt.Axis(format="d", values=list(trend.years), labelOverlap=True, grid=False),
                scale=alt.Scale(zero=False, nice=False, domain=list(trend.year_domain)),
            ),
            y=alt.Y(
                "value:Q", title=measure_title, scale=alt.Scale(zero=False), axis=alt.Axis(format=fmt.d3_format(2))
            ),
            color=alt.Color("line:N", title=None),
            tooltip=[
                alt.Tooltip("year:Q", title=t("jaar", "year"), format="d"),
                alt.Tooltip("line:N", title=t("lijn", "line")),
                alt.Tooltip("value:Q", title=measure_title, format=fmt.d3_format(3)),
            ],
        ),
        key="prog_trend_chart",
    )
    st.caption(markdown_text(trend.method(lang)))
else:
    st.info(t("Geen gebied van de set heeft een score.", "No area of the set has a score."))

# -- dimension split -------------------------------------------------------------------------------------
st.subheader(t("Wat dreef de verandering?", "What drove the change?"))
dim_years = gaps.dimension_years(ds)
if len(dim_years) >= 2:
    d1, d2 = st.columns(2)
    da = int(d1.selectbox(t("Van", "From"), dim_years[:-1], key="prog_dim_a", placeholder=_CHOOSE))
    later = [y for y in dim_years if y > da]
    db = int(d2.selectbox(t("Tot", "To"), later, key="prog_dim_b", placeholder=_CHOOSE))
    try:
        split = gaps.dimension_split(ds, members, da, db)
    except ValueError:
        st.info(
            t(
                f"Geen gebied van de set heeft de afwijking en alle dimensies in zowel {da} als {db}.",
                f"No area of the set has the deviation and all dimensions in both {da} and {db}.",
            )
        )
    else:
        st.markdown(markdown_text(split.sentence(lang)))
        change_title = t("verandering", "change")
        ui.altair(
            alt.Chart(split.bars(lang))
            .mark_bar()
            .encode(
                y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=400)),  # whole names
                x=alt.X("change:Q", title=change_title, axis=alt.Axis(format=fmt.d3_format(3, signed=True))),
                tooltip=[
                    alt.Tooltip("label:N", title=t("dimensie", "dimension")),
                    alt.Tooltip("change:Q", title=change_title, format=fmt.d3_format(4, signed=True)),
                ],
            ),
            key="prog_dim_chart",
        )
        st.caption(split.note(lang))
else:
    st.info(t("Te weinig jaren met dimensiescores.", "Too few years with dimension scores."))

# -- the map and the member list ---------------------------------------------------------------------------
st.subheader(t("Op de kaart", "On the map"))
on_map = gaps.member_map(result.areas, lang)
_overlay(members, on_map.colours, on_map.tooltips, key="prog_map", height=420)
st.caption(
    t(f"Rood: achter op de stad in {year_b}; blauw: erboven.", f"Red: behind the city in {year_b}; blue: above it.")
)
_table(on_map.members, key="prog_members", height=min(400, 38 + 35 * len(on_map.members.frame)))

# -- resolution report -------------------------------------------------------------------------------------
if aset.resolution is not None and aset.resolution.matches:
    st.subheader(t("Hoe de namen zijn gevonden", "How the names were matched"))
    st.caption(markdown_text(aset.resolution.counts_text(lang)))
    header = {c: en if lang == "en" else nl for c, (nl, en) in sets.RESOLUTION_HEADERS.items()}
    category_words: dict[str | int | float | bool, str] = {
        c: en if lang == "en" else nl for c, (nl, en) in sets.CATEGORY_LABELS.items()
    }
    editor_config = {c: st.column_config.Column(label) for c, label in header.items()}
    editor_config["category"] = st.column_config.SelectboxColumn(
        header["category"], options=list(sets.CATEGORIES), format_func=category_words.__getitem__
    )
    editor_config["code"] = st.column_config.TextColumn(header["code"], max_chars=10)
    edited = st.data_editor(
        aset.resolution.editor_frame(lang),
        key="prog_resolution",
        hide_index=True,
        num_rows="dynamic",
        placeholder=fmt.MISSING,
        disabled=["entry", "gemeente", "name", "area_name", "score", "decided"],
        column_config=editor_config,
    )
    try:
        corrected = sets.resolution_from_frame(edited, source=t("de tabel", "the table"))
        fixed = sets.set_from_codes(
            ds, corrected.codes, name=f"{aset.name} ({t('gecorrigeerd', 'corrected')})", resolution=corrected
        )
    except ValueError as exc:
        _error(t("De correctie is niet overgenomen:", "The correction was not taken:"), exc)
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
        f"CSV met een kolom 'code' en één of meer getalkolommen; max. {_MB} MB, komma of puntkomma, "
        "decimale punt of komma. Het bestand blijft in deze sessie.",
        f"CSV with a column 'code' and one or more numeric columns; max. {_MB} MB, comma or semicolon, "
        "decimal point or comma. The file stays in this session.",
    )
)
indicator_file = st.file_uploader(
    t("Indicator (CSV)", "Indicator (CSV)"), type=["csv", "txt"], key="prog_ind", max_upload_size=_MB
)
if indicator_file is not None:
    try:
        indicators = read_indicators(ds, indicator_file.getvalue())
    except ValueError as exc:
        _error(t("Het bestand is niet gelezen:", "The file was not read:"), exc)
    else:
        names = [i.name for i in indicators]
        pick = st.selectbox(
            t("Kolom", "Column"),
            range(len(names)),
            format_func=names.__getitem__,
            key="prog_ind_col",
            placeholder=_CHOOSE,
        )
        ind = indicators[int(pick)]
        st.markdown(markdown_text(f"{t('Indicator', 'Indicator')}: {ind.name}"))
        shown = indicator_map(ds, ind, lang)
        _overlay(list(ind.values), shown.colours, shown.tooltips, key="prog_ind_map", height=380)
        legend = "".join(
            f'<span style="margin-right:.8em"><span style="display:inline-block;width:.9em;height:.9em;'
            f'background:{colour};border:1px solid #555"></span> {html_text(label)}</span>'
            for colour, label in shown.legend
        )
        st.markdown(
            f'<div data-testid="prog-ind-legend">{html_text(ind.name)} '
            f"({t('eigen schaal, kwantielen', 'own scale, quantiles')}): {legend}</div>",
            unsafe_allow_html=True,
        )
        value_format = fmt.d3_format(ind.decimals)
        ui.altair(
            alt.Chart(shown.chart)
            .mark_bar()
            .encode(
                y=alt.Y("name:N", sort="-x", title=None),
                x=alt.X("value:Q", title=ind.name, axis=alt.Axis(format=value_format)),
                tooltip=[
                    alt.Tooltip("code:N", title="code"),
                    alt.Tooltip("name:N", title=t("naam", "name")),
                    alt.Tooltip("value:Q", title=ind.name, format=value_format),
                ],
            ),
            key="prog_ind_chart",
        )
        if shown.n_areas > len(shown.chart):
            st.caption(
                t(
                    f"De {len(shown.chart)} hoogste van {shown.n_areas} gebieden.",
                    f"The {len(shown.chart)} highest of {shown.n_areas} areas.",
                )
            )
