"""AppTest: the 'Over de data' page shows the dataset's coverage and sources."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_coverage_and_sources(dataset):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/over_de_data.py").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Gemeenten": "343", "Wijken": "3475", "Buurten": "518", "Meetjaren": "9"}
    sources = at.dataframe[0].value
    assert set(sources["licence"]) == {"CC0 1.0", "CC BY 4.0"}
    assert len(sources) == len(dataset.manifest["sources"]) == 6
    text = " ".join(m.value for m in at.markdown)
    assert "3290 van 3323" in text and "CBS / Kadaster" in text
