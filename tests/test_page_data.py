"""AppTest: the 'Over de data' page shows the dataset's coverage and sources."""

from streamlit.testing.v1 import AppTest

from tests.conftest import AMSTERDAM_BUURTEN, ROOT, SOURCES


def _buurten_in_sources() -> int:
    """Amsterdam's own buurt polygons plus the WFS buurten of every other gemeente, counted with json."""
    import json

    amsterdam = len(json.loads(AMSTERDAM_BUURTEN.read_text(encoding="utf-8"))["features"])
    wfs = SOURCES / "leefbaarometer" / "wfs-meting-2024" / "buurten"
    others = sum(
        not f["properties"]["code"].startswith("BU0363")
        for path in wfs.glob("*.geojson")
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]
    )
    return amsterdam + others


def test_coverage_and_sources(dataset):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Gemeenten": "343", "Wijken": "3475", "Buurten": str(_buurten_in_sources()), "Meetjaren": "9"}
    sources = at.dataframe[0].value
    assert set(sources["licence"]) == {
        "CC0 1.0",
        "CC BY 4.0",
        "CC0 1.0 (scores en klassen); CC BY 4.0 (geometrie, CBS / Kadaster)",  # the WFS export, in Dutch
    }
    assert not sources["publisher"].str.contains("geometry").any()
    assert "CBS gemeenten 2024 (vereenvoudigd)" in set(sources["title"])  # sources.json's Dutch title
    assert len(sources) == len(dataset.manifest["sources"]) > 6
    text = " ".join(m.value for m in at.markdown)
    assert "CBS / Kadaster" in text
    # the wijk join, its categories apart: 33 codes without a polygon; of the 3290 with one, 41 not shown
    # (a different area's name on the map); a reader said "41 not shown" did not fit "33 not joined"
    wijk = dataset.manifest["reconciliation"]["wijk"]
    unmatched = [r for r in wijk["join_report"].values() if r["unmatched"]]
    assert sum(r["unmatched"] for r in unmatched) == 33
    assert (
        "**Wijken**: 3290 van 3323 codes met scores hebben een vlak op de kaart (99,0%), 33 niet. Van die 3290 "
        "worden er 41 niet getoond, omdat de naam op de kaart een ander gebied aanduidt; bij 78 verschilt alleen "
        "de schrijfwijze."
    ) in text
    # one buurt name differs in spelling (its manifest entry): the sentence reads right for one, too
    assert dataset.manifest["reconciliation"]["buurt"]["name_mismatches"]["cosmetic"] == 1
    assert "bij 1 verschilt alleen de schrijfwijze." in text


def test_sources_table_speaks_english_in_english(dataset):
    at = _over_de_data("en")
    sources = at.dataframe[0].value
    # sources.json gives the English texts of the WFS export's licence and publisher (licence_en, publisher_en)
    assert "CC0 1.0 (scores and classes); CC BY 4.0 (geometry, CBS / Kadaster)" in set(sources["licence"])
    assert not sources["licence"].str.contains("geometrie|klassen").any()
    assert not sources["publisher"].str.contains("Ministerie|geometrie").any()
    assert "City of Amsterdam" in set(sources["attribution"]) and "Gemeente Amsterdam" not in set(
        sources["attribution"]
    )
    assert "CBS municipalities 2024 (simplified)" in set(sources["title"])  # title_en
    assert not sources["title"].str.contains("vereenvoudigd| van ").any()


def _over_de_data(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def _column_labels(at: AppTest) -> list[str]:
    import json

    config = json.loads(at.dataframe[0].proto.columns)
    return [config[c]["label"] for c in ("file", "kind", "level", "publisher", "licence", "attribution")]


def test_sources_table_and_join_rate_read_in_dutch():
    """The buurt join rate is 12,195 of 12,195 (manifest reconciliation): 100 %, written the Dutch way."""
    at = _over_de_data("nl")
    assert _column_labels(at) == ["Bestand", "Soort", "Niveau", "Uitgever", "Licentie", "Naamsvermelding"]
    assert set(at.dataframe[0].value["kind"]) == {"grenzen", "scores"}
    text = " ".join(m.value for m in at.markdown)
    assert "(100,0%)" in text and "(99,0%)" in text  # 3290 / 3323 = 0.9901
    assert "100.0%" not in text and "99.0%" not in text


def test_sources_table_and_join_rate_read_in_english():
    at = _over_de_data("en")
    assert _column_labels(at) == ["File", "Kind", "Level", "Publisher", "Licence", "Attribution"]
    text = " ".join(m.value for m in at.markdown)
    assert "(100.0%)" in text and "(99.0%)" in text


def test_levels_are_named_in_the_page_language():
    # English showed "buurt:", "wijk:" and "Join per municipality (gemeente)"
    en = _over_de_data("en")
    text = " ".join(m.value for m in en.markdown)
    assert "**Districts**: " in text and "**Neighbourhoods**: " in text
    assert "**wijk**" not in text and "**buurt**" not in text
    assert set(en.dataframe[0].value["level"].dropna()) <= {"municipalities", "districts", "neighbourhoods"}
    labels = [e.proto.label for e in en.get("expander")]
    assert "Join per municipality (districts)" in labels and not any("(wijk)" in x for x in labels)
    nl = _over_de_data("nl")
    assert "**Wijken**: " in " ".join(m.value for m in nl.markdown)
    assert "Koppeling per gemeente (buurten)" in [e.proto.label for e in nl.get("expander")]
