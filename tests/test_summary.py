"""area_summary: one area's figures, and one rank everywhere (map page, trends table, brief).

The expected ranks are computed here from the published source CSV with the csv module, never
with the package's own code: an area's position on the selected measure among the wijken of
its gemeente that have a value in that year (1 = highest).
"""

from __future__ import annotations

import csv

import pytest
from streamlit.testing.v1 import AppTest

import geo
from geo.compare import comparison_table
from geo.summary import AreaSummary, area_summary, previous_year, rank_in_gemeente, rank_label
from tests.conftest import ROOT, WIJK_SCORES_2024

CODE, YEAR = "WK0363AA", 2022  # Haarlemmerbuurt, Amsterdam (meting 2024 file: Amsterdam's 2023 codes)

#: The rank basis in words, as the pages label it (by hand, from the Leefbaarometer's names).
RANK_TITLES = {
    "lbm": "Positie op Leefbaarheid (totaalscore) in de gemeente",
    "afw": "Positie op Afwijking van het landelijk referentieniveau in de gemeente",
    "fys": "Positie op Fysieke omgeving in de gemeente",
    "onv": "Positie op Overlast en onveiligheid in de gemeente",
    "soc": "Positie op Sociale samenhang in de gemeente",
    "vrz": "Positie op Voorzieningen in de gemeente",
    "won": "Positie op Woningvoorraad in de gemeente",
}


def _source_ranks(code: str, year: int) -> dict[str, tuple[int, int]]:
    """Rank of ``code`` per measure among the wijken of its gemeente, from the source CSV."""
    with WIJK_SCORES_2024.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["wk_code"][2:6] == code[2:6] and r["jaar"] == str(year)]
    out = {}
    for measure in RANK_TITLES:
        values = {r["wk_code"]: float(r[measure]) for r in rows if r[measure] not in ("", "NA")}
        mine = values[code]
        out[measure] = (1 + sum(v > mine for v in values.values()), len(values))
    return out


@pytest.fixture(scope="module")
def source_ranks() -> dict[str, tuple[int, int]]:
    return _source_ranks(CODE, YEAR)


def test_the_issue_example_by_hand(source_ranks):
    # issue 9: the map page said 47/110 (on onv), the trends table 18/110 (on lbm).
    # Both were right for their own measure; the rank on the *selected* measure onv is 47 of 110.
    assert source_ranks["onv"] == (47, 110)
    assert source_ranks["lbm"] == (18, 110)


@pytest.mark.parametrize("measure", list(RANK_TITLES))
def test_area_summary_rank_is_the_source_rank(dataset, source_ranks, measure):
    s = area_summary(dataset, CODE, YEAR, measure)
    assert (s.rank, s.rank_of) == source_ranks[measure]
    assert rank_in_gemeente(dataset, CODE, YEAR, measure) == source_ranks[measure]
    table = comparison_table(dataset, CODE, YEAR, measure=measure)
    assert (table.iloc[0]["rank"], table.iloc[0]["rank_of"]) == source_ranks[measure]


def test_rank_label_names_the_measure():
    assert rank_label("onv", "nl") == "positie op Overlast en onveiligheid"
    assert rank_label("onv", "en") == "rank on Nuisance and insecurity"
    with pytest.raises(ValueError, match="`lang` was 'de' but is expected to be one of 'nl', 'en'"):
        rank_label("onv", "de")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`measure` was 'score' but is expected to be one of lbm, afw"):
        rank_label("score")


def test_summary_figures_from_the_source_file(dataset):
    with WIJK_SCORES_2024.open(encoding="utf-8-sig", newline="") as f:
        rows = {(r["wk_code"], r["jaar"]): r for r in csv.DictReader(f)}
    value = float(rows[CODE, "2022"]["lbm"])
    before = float(rows[CODE, "2020"]["lbm"])
    s = area_summary(dataset, CODE, YEAR, "lbm")
    assert isinstance(s, AreaSummary)
    assert s.value == pytest.approx(value, abs=1e-12)
    assert s.national == pytest.approx(4.102264851143685)
    assert s.vs_national == pytest.approx(value - 4.102264851143685)
    assert (s.previous_year, s.previous_value) == (2020, pytest.approx(before, abs=1e-12))
    assert s.change == pytest.approx(value - before, abs=1e-12)
    city = dataset.city_reference(CODE, YEAR, "lbm")
    assert s.city == city.value and s.gap == pytest.approx(value - city.value)
    assert s.city_method == "population-weighted" and s.city_basis == "computed mean of wijken"
    assert s.city_basis_text("nl") == "berekend gemiddelde van de wijken"
    assert s.rank_text() == "18 / 110"
    assert (s.level, s.gemeente_code, s.gemeente_name) == ("wijk", "GM0363", "Amsterdam")


def test_summary_without_a_value(dataset):
    # WK004700 (Veendam) has no score in 2024 (meting 2024 is a subset)
    s = area_summary(dataset, "WK004700", 2024, "lbm")
    assert s.value is None and s.rank is None and s.change is None and s.gap is None
    assert s.previous_year == 2022  # its own previous measurement
    assert s.rank_text() == f"– / {s.rank_of}"


def test_previous_year_of_the_map_and_of_an_area(dataset):
    assert previous_year(dataset, 2022, "lbm") == 2020
    assert previous_year(dataset, 2002, "lbm") is None
    assert previous_year(dataset, 2022, "fys") == 2020
    assert previous_year(dataset, 2018, "fys") == 2014  # no dimensions in 2016
    assert previous_year(dataset, 2024, "lbm", code="WK004700") == 2022


def test_errors_name_the_problem(dataset):
    with pytest.raises(ValueError, match="`measure` was 'score'"):
        area_summary(dataset, CODE, YEAR, "score")
    with pytest.raises(KeyError, match="WK9999XX"):
        area_summary(dataset, "WK9999XX", YEAR, "lbm")


def test_summary_is_frozen(dataset):
    s = area_summary(dataset, CODE, YEAR, "lbm")
    with pytest.raises(AttributeError):
        s.rank = 1  # type: ignore[misc]


# -- the same rank on every page -------------------------------------------------------------------
def _app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_map_page_and_trends_table_show_the_source_rank_for_every_measure(source_ranks):
    at = _app(g="GM0363", a=CODE, j=str(YEAR), m="lbm")
    assert not at.exception
    for measure in RANK_TITLES:
        at.selectbox(key="measure").select(measure).run()
        assert not at.exception
        metrics = {m.label: m.value for m in at.metric}
        rank, n = source_ranks[measure]
        assert metrics[RANK_TITLES[measure]] == f"{rank} / {n}", measure
    trends = at.switch_page("pages/trends.py").run()
    assert not trends.exception
    for measure in RANK_TITLES:
        trends.selectbox(key="measure").select(measure).run()
        trends.selectbox(key="trend_year").select(YEAR).run()
        assert not trends.exception
        table = next(d.value for d in trends.dataframe if "role" in d.value and "area" in set(d.value["role"]))
        first = table.iloc[0]
        assert first["code"] == CODE
        assert (first["rank"], first["rank_of"]) == source_ranks[measure], measure


def test_brief_rank_is_the_summary_rank_on_lbm(dataset, source_ranks):
    from geo.brief import summary_rows

    rows = dict(summary_rows(dataset, CODE, YEAR, lang="nl"))
    rank_row = next(v for k, v in rows.items() if k.startswith("Rang") or "ositie" in k)
    rank, n = source_ranks["lbm"]
    assert rank_row.startswith(f"{rank} van {n}")


def test_package_exports():
    assert geo.area_summary is area_summary and geo.AreaSummary is AreaSummary
