import pandas as pd
import streamlit as st

import ui
from geo import fmt
from geo.credits import sources_in

ui.page_guard()

ds = ui.dataset()
m = ds.manifest
st.title(ui.t("Over de data", "About the data"))

counts = m["counts"]
cols = st.columns(4)
cols[0].metric(ui.t("Gemeenten", "Municipalities"), counts["areas"]["gemeente"])
cols[1].metric(
    ui.t("Wijken", "Districts"),
    counts["areas"]["wijk"],
    help=ui.t(f"{counts['scored_areas']['wijk']} met scores", f"{counts['scored_areas']['wijk']} with scores"),
)
cols[2].metric(
    ui.t("Buurten", "Neighbourhoods"),
    counts["areas"]["buurt"],
    help=ui.t(f"{counts['scored_areas']['buurt']} met scores", f"{counts['scored_areas']['buurt']} with scores"),
)
cols[3].metric(ui.t("Meetjaren", "Measurement years"), len(m["years"]), help=", ".join(map(str, m["years"])))
st.caption(ui.t("Meetjaren: ", "Measurement years: ") + ", ".join(map(str, m["years"])))

st.subheader(ui.t("Bronnen", "Sources"))
src = pd.DataFrame(sources_in(ds, ui.lang()))  # titles, publishers and licences in the chosen language
_SOURCE_COLUMNS = {
    "title": ui.t("Titel", "Title"),
    "file": ui.t("Bestand", "File"),
    "kind": ui.t("Soort", "Kind"),
    "level": ui.t("Niveau", "Level"),
    "publisher": ui.t("Uitgever", "Publisher"),
    "licence": ui.t("Licentie", "Licence"),
    "attribution": ui.t("Naamsvermelding", "Attribution"),
    "sha256": "SHA-256",
}
_KINDS = {"areas": ui.t("grenzen", "boundaries"), "scores": ui.t("scores", "scores")}
_LEVELS = ui.level_words()  # the manifest's keys are Dutch: "gemeente", "wijk", "buurt"
shown = src.reindex(columns=list(_SOURCE_COLUMNS))  # a dataset's manifest may lack a column
st.dataframe(
    shown.assign(
        kind=shown["kind"].map(lambda k: _KINDS.get(k, k)),
        level=shown["level"].map(lambda lv: _LEVELS.get(lv, lv)),
    ),
    hide_index=True,
    column_config={col: st.column_config.TextColumn(label) for col, label in _SOURCE_COLUMNS.items()},
    key="sources_table",
)

st.subheader(ui.t("Koppeling scores en kaart", "Joining scores to polygons"))
for key, rec in m["reconciliation"].items():
    level = _LEVELS.get(key, key).capitalize()
    t = rec["totals"]
    st.markdown(
        ui.t(
            f"**{level}**: {t['matched']} van {t['scored']} codes met scores hebben een vlak op de kaart "
            f"({fmt.percent(rec['join_rate'], 'nl', 1)}), {t['scored'] - t['matched']} niet. Van die {t['matched']} "
            f"worden er {rec['name_mismatches']['substantive']} niet getoond, omdat de naam op de kaart een ander "
            f"gebied aanduidt; bij {rec['name_mismatches']['cosmetic']} verschilt alleen de schrijfwijze.",
            f"**{level}**: {t['matched']} of {t['scored']} scored codes have a polygon on the map "
            f"({fmt.percent(rec['join_rate'], 'en', 1)}), {t['scored'] - t['matched']} do not. Of those "
            f"{t['matched']}, {rec['name_mismatches']['substantive']} are not shown, because the name on the map "
            f"points at a different area; for {rec['name_mismatches']['cosmetic']} only the spelling differs.",
        )
    )
st.markdown(
    ui.t(
        "Kaartgrenzen: CBS / Kadaster (CC BY 4.0; de buurten buiten Amsterdam via de Leefbaarometer-WFS), de "
        "buurten van Amsterdam: Gemeente Amsterdam (CC BY 4.0). Scores: Leefbaarometer 3.0, Ministerie van BZK (CC0).",
        "Boundaries: CBS / Kadaster (CC BY 4.0; the buurten outside Amsterdam through the Leefbaarometer WFS), "
        "Amsterdam's buurten: City of Amsterdam (CC BY 4.0). Scores: Leefbaarometer 3.0, Ministry of the Interior "
        "(BZK) (CC0).",
    )
)

for key, rec in m["reconciliation"].items():
    level = _LEVELS.get(key, key)
    with st.expander(ui.t(f"Naamverschillen ({level})", f"Name mismatches ({level})")):
        names = pd.DataFrame(rec["name_mismatches"]["list"])
        if names.empty:
            st.write(ui.t("Geen.", "None."))
        else:
            st.dataframe(names, hide_index=True, key=f"names_{key}")
    with st.expander(ui.t(f"Koppeling per gemeente ({level})", f"Join per municipality ({level})")):
        report = pd.DataFrame.from_dict(rec["join_report"], orient="index")
        report.index.name = "gemeente_code"
        st.dataframe(report.reset_index(), hide_index=True, key=f"join_{key}")

if m.get("repairs"):
    with st.expander(ui.t("Herstelde geometrie", "Repaired geometry")):
        for r in m["repairs"]:
            st.markdown(f"**{ui.md(r['source'])}**: " + ", ".join(f"{ui.md(k)}: {v}" for k, v in r["counts"].items()))
