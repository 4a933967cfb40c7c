"""area_summary: one area's figures, and one rank everywhere (map page, trends table, brief).

The expected ranks are computed here from the published source CSV with the csv module, never
with the package's own code: an area's position on the selected measure among the wijken of
its gemeente that have a value in that year (1 = highest).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import geo
from geo.compare import comparison_table
from geo.export import ExportOptions, export_files
from geo.selection import Selection
from geo.summary import AreaSummary, area_summary, previous_year, rank_in_gemeente, rank_label, rank_positions
from tests.conftest import ROOT, WIJK_SCORES_2022, WIJK_SCORES_2024

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


def _source_ranks(code: str, year: int, source: Path = WIJK_SCORES_2024) -> dict[str, tuple[int | None, int]]:
    """Rank of ``code`` per measure among the wijken of its gemeente, from the source CSV.

    ``(None, n)`` when the area has no value of a measure that year.
    """
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["wk_code"][2:6] == code[2:6] and r["jaar"] == str(year)]
    out: dict[str, tuple[int | None, int]] = {}
    for measure in RANK_TITLES:
        values = {r["wk_code"]: float(r[measure]) for r in rows if r[measure] not in ("", "NA")}
        mine = values.get(code)
        higher = None if mine is None else 1 + sum(v > mine for v in values.values())
        out[measure] = (higher, len(values))
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


#: One area per source: Amsterdam from the meting-2024 wijken file (its 2023 codes), two other
#: gemeenten (Groningen, Eindhoven; no excluded wijken there) from the 2002-2022 file.
RANKED_AREAS = [
    (CODE, YEAR, WIJK_SCORES_2024),
    ("WK001401", 2022, WIJK_SCORES_2022),  # Oud-Zuid, Groningen
    ("WK077221", 2018, WIJK_SCORES_2022),  # Oud-Stratum, Eindhoven
]


def _csv_rows(data: bytes, sep: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))


@pytest.fixture(scope="module")
def exported_ranks(dataset) -> dict[str, list[dict[str, str]]]:
    """The export of the three areas only (so the ranks must count the unselected peers too), read back."""
    sel = Selection().add_codes(dataset, [code for code, _, _ in RANKED_AREAS])
    long = export_files(dataset, sel, ExportOptions(formats=("csv",), dutch=True, bom=True))
    wide = export_files(dataset, sel, ExportOptions(formats=("csv",), layout="wide"))
    assert long.csv is not None and wide.csv is not None
    return {"long": _csv_rows(long.csv, ";"), "wide": _csv_rows(wide.csv, ",")}


def _cell(text: str) -> int | None:
    return None if text == "" else int(text)


@pytest.mark.parametrize(("code", "year", "source"), RANKED_AREAS, ids=[c for c, _, _ in RANKED_AREAS])
def test_export_rank_is_the_summary_rank_is_the_source_rank(dataset, exported_ranks, code, year, source):
    expected = _source_ranks(code, year, source)
    assert all(rank is not None for rank, _ in expected.values())  # every measure has a value: a real check
    (row,) = [r for r in exported_ranks["long"] if r["code"] == code and r["year"] == str(year)]
    (wide,) = [r for r in exported_ranks["wide"] if r["code"] == code]
    for measure in RANK_TITLES:
        s = area_summary(dataset, code, year, measure)
        assert (s.rank, s.rank_of) == expected[measure], (code, measure)
        assert (_cell(row[f"rank_{measure}"]), int(row[f"rank_of_{measure}"])) == expected[measure], (code, measure)
        got = (_cell(wide[f"rank_{measure}_{year}"]), int(wide[f"rank_of_{measure}_{year}"]))
        assert got == expected[measure], (code, measure)


def test_the_export_metadata_describes_the_rank_columns(dataset):
    files = export_files(dataset, Selection().add_codes(dataset, [CODE]), ExportOptions(formats=("csv",)))
    meta = files.metadata["csv"]
    assert list(meta["columns"]) == next(csv.reader(io.StringIO(files.data("csv").decode())))
    assert meta["columns"]["rank_onv"]["nl"].startswith("positie op Overlast en onveiligheid (onv) in de gemeente")
    assert "1 + number of higher values" in meta["columns"]["rank_onv"]["en"]
    assert "rank_of_<measure>_<year>" in meta["notes"]["en"]


def test_rank_positions_by_hand():
    import pandas as pd

    values = pd.Series([3.0, 5.0, 3.0, None, 1.0, 2.0], index=list("abcdef"))
    groups = [pd.Series(["x", "x", "x", "x", "y", "y"], index=values.index)]
    ranked = rank_positions(values, groups)
    assert ranked["rank"].tolist() == [2, 1, 2, pd.NA, 2, 1]  # ties share the better position
    assert ranked["rank_of"].tolist() == [3, 3, 3, 3, 2, 2]  # the missing value is not counted


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
