"""Gap tables, set trends and the dimension split, against values computed by hand from the sources.

The expected values are read from the published Leefbaarometer file and the CBS wijk file with
the csv and json modules, and combined with plain arithmetic here; never with geo's formulas.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys

import pytest

from geo import gaps, sets
from geo.schema import TOLERANCE
from tests.conftest import ROOT, WIJK_SCORES_2022, WIJKEN_2024

# Utrecht, Zaanstad and Alkmaar: every wijk score of 2008 and 2018 is in the meting-2022 file
# (the meting-2024 subset only adds the 2024 row for Utrecht and Alkmaar), no exclusions.
AREAS = {"WK034403": "GM0344", "WK047912": "GM0479", "WK036103": "GM0361"}


@pytest.fixture(scope="module")
def source():
    scores: dict[tuple[str, int], dict[str, float]] = {}
    with WIJK_SCORES_2022.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            vals = {k: float(row[k]) for k in ("lbm", "afw", "fys", "onv", "soc", "vrz", "won") if row[k] != "NA"}
            scores[(row["wk_code"], int(row["jaar"]))] = vals
    pops = {}
    for f in json.loads(WIJKEN_2024.read_text(encoding="utf-8"))["features"]:
        p = f["properties"]
        pops[p["wijkcode"]] = (p["gemeentecode"], p.get("aantal_inwoners"))
    return scores, pops


def _city(source, gm: str, year: int) -> float:
    """Population-weighted mean lbm of the gemeente's wijken with a score, by hand."""
    scores, pops = source
    num = den = 0.0
    for code, (g, pop) in pops.items():
        if g == gm and (code, year) in scores and "lbm" in scores[(code, year)]:
            assert pop is not None and pop > 0, code  # every wijk has a population here: weighted mean
            num += pop * scores[(code, year)]["lbm"]
            den += pop
    return num / den


def test_gap_table_for_three_areas_by_hand(dataset, source):
    scores, pops = source
    result = gaps.gap_table(dataset, list(AREAS), 2008, 2018)
    table = result.table.set_index("code")
    for code, gm in AREAS.items():
        gap_a = scores[(code, 2008)]["lbm"] - _city(source, gm, 2008)
        gap_b = scores[(code, 2018)]["lbm"] - _city(source, gm, 2018)
        row = table.loc[code]
        assert row["gap_a"] == pytest.approx(gap_a, abs=1e-9)
        assert row["gap_b"] == pytest.approx(gap_b, abs=1e-9)
        assert row["change"] == pytest.approx(gap_b - gap_a, abs=1e-9)
        assert row["change_pct"] == pytest.approx((abs(gap_b) - abs(gap_a)) / abs(gap_a) * 100, rel=1e-9)
        assert row["population"] == pops[code][1]
        assert row["gemeente_code"] == gm
        behind_and_closer = gap_a < 0 and gap_b < 0 and abs(gap_b) < abs(gap_a)
        assert row["narrowed"] == (behind_and_closer or (gap_a < 0 <= gap_b))
    assert result.n_with_data == 3


def test_summary_sentence_in_dutch_and_english(dataset, source):
    scores, _ = source
    gaps_a = sorted(scores[(c, 2008)]["lbm"] - _city(source, g, 2008) for c, g in AREAS.items())
    gaps_b = sorted(scores[(c, 2018)]["lbm"] - _city(source, g, 2018) for c, g in AREAS.items())
    result = gaps.gap_table(dataset, list(AREAS), 2008, 2018, set_name="de 3 wijken", set_name_en="the 3 wijken")
    n = int(result.table["narrowed"].sum())
    med_a = f"{gaps_a[1]:+.2f}"
    med_b = f"{gaps_b[1]:+.2f}"
    assert result.summary("nl") == (
        f"Tussen 2008 en 2018 verkleinden {n} van de 3 wijken hun achterstand op hun stad; "
        f"de mediane achterstand ging van {med_a.replace('.', ',')} naar {med_b.replace('.', ',')}."
    )
    assert result.summary("en").startswith(f"Between 2008 and 2018, {n} of the 3 wijken narrowed their gap")
    assert f"from {med_a} to {med_b}" in result.summary("en")
    assert "gewogen naar inwoners" in result.reference("nl")


def test_change_percent_is_none_near_a_zero_base(dataset):
    # find a wijk whose 2008 gap is below NEAR_ZERO in size, among Utrecht's and Amsterdam's
    table = gaps.gap_table(dataset, dataset.codes("wijk", gemeente="GM0363"), 2008, 2018).table
    small = table[table["gap_a"].abs() < gaps.NEAR_ZERO]
    assert len(small), "expected at least one wijk level with its city in 2008"
    assert small["change_pct"].isna().all()
    assert small["note"].str.startswith("from ").all()


def test_gap_table_errors_name_the_fix(dataset):
    with pytest.raises(ValueError, match="year 2019 has no lbm scores; choose one of"):
        gaps.gap_table(dataset, ["WK034403"], 2008, 2019)
    with pytest.raises(ValueError, match="must be before"):
        gaps.gap_table(dataset, ["WK034403"], 2018, 2008)
    with pytest.raises(ValueError, match="not gemeenten: GM0344"):
        gaps.gap_table(dataset, ["GM0344"], 2008, 2018)
    with pytest.raises(ValueError, match="not in the dataset: WK999999"):
        gaps.gap_table(dataset, ["WK999999"], 2008, 2018)


def test_set_trend_aggregation_by_hand(dataset, source):
    scores, pops = source
    trend = gaps.set_trend(dataset, list(AREAS), year_a=2008, year_b=2018).table.set_index("year")
    for year in (2008, 2018):
        w = {c: pops[c][1] for c in AREAS}
        total = sum(w.values())
        set_value = sum(w[c] * scores[(c, year)]["lbm"] for c in AREAS) / total
        city_value = sum(w[c] * _city(source, g, year) for c, g in AREAS.items()) / total
        row = trend.loc[year]
        assert row["set_value"] == pytest.approx(set_value, abs=1e-9)
        assert row["city_value"] == pytest.approx(city_value, abs=1e-9)
        assert row["gap"] == pytest.approx(set_value - city_value, abs=1e-9)
        assert row["weighting"] == "population-weighted" and row["n_areas"] == 3


def test_share_narrowed_of_a_shipped_set(dataset):
    aset = sets.load_set("40-aandachtswijken", dataset)
    table = gaps.gap_table(dataset, aset.members, 2008, 2018).table
    with_data = table[table["status"] != "no_data"]
    trend = gaps.set_trend(dataset, aset.members, year_a=2008, year_b=2018)
    expected = sum(1 for a, b in zip(with_data["gap_a"], with_data["gap_b"], strict=True) if a < 0 and b > a) / len(
        with_data
    )
    assert trend.share_narrowed == pytest.approx(expected)


def test_dimension_split_of_one_area_by_hand(dataset, source):
    scores, _ = source
    split = gaps.dimension_split(dataset, ["WK034403"], 2014, 2022)
    a, b = scores[("WK034403", 2014)], scores[("WK034403", 2022)]
    assert split.total == pytest.approx(b["afw"] - a["afw"], abs=1e-9)
    parts = dict(zip(split.parts["dimension"], split.parts["change"], strict=True))
    for d in ("fys", "onv", "soc", "vrz", "won"):
        assert parts[d] == pytest.approx(b[d] - a[d], abs=1e-9)
    top = max(parts, key=lambda d: abs(parts[d]))
    label = {"fys": "fysieke", "onv": "overlast", "soc": "sociale", "vrz": "voorzieningen", "won": "woningvoorraad"}
    assert f"vooral door {label[top]}" in split.sentence("nl")


@pytest.mark.parametrize("slug", list(sets.SHIPPED_SETS))
def test_dimension_split_adds_up_for_every_member_and_year_pair(dataset, slug):
    aset = sets.load_set(slug, dataset)
    years = gaps.dimension_years(dataset)
    assert years == [2014, 2018, 2020, 2022, 2024]
    pairs = [(a, b) for a in years for b in years if a < b]
    checked = 0
    for a, b in pairs:
        whole = gaps.dimension_split(dataset, aset.members, a, b)
        # published dimensions carry rounding: each year's five sum to afw within TOLERANCE (1e-5)
        assert math.isclose(float(whole.parts["change"].sum()), whole.total, abs_tol=2 * TOLERANCE)
        assert whole.residual == pytest.approx(whole.total - float(whole.parts["change"].sum()), abs=1e-12)
        if (a, b) not in ((2014, 2018), (2018, 2022), (2014, 2024)):
            continue  # every member for three spans (keeps the test fast), the set for all ten
        for code in aset.members:
            try:
                one = gaps.dimension_split(dataset, [code], a, b)
            except ValueError:
                continue  # no scores in one of the years
            assert abs(float(one.parts["change"].sum()) - one.total) <= 2 * TOLERANCE
            checked += 1
    assert checked >= 3 * len(aset.members) // 2


def test_dimension_split_refuses_years_without_dimensions(dataset):
    with pytest.raises(ValueError, match="2008 has no dimension scores; choose two of 2014"):
        gaps.dimension_split(dataset, ["WK034403"], 2008, 2018)


def test_cli_gaps_writes_the_table_and_exits_2_with_the_fix(tmp_path):
    out = tmp_path / "gaps.csv"
    cmd = [sys.executable, "-m", "geo", "gaps", "--set", "40-aandachtswijken", "--from", "2008"]
    ok = subprocess.run([*cmd, "--to", "2018", "--out", str(out), "--dutch", "--bom"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "Tussen 2008 en 2018 verkleinden" in ok.stdout
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == 83  # header + 82 wijken
    assert b"WK034403;" in data
    bad = subprocess.run([*cmd, "--to", "2019", "--out", str(out)], capture_output=True, text=True)
    assert bad.returncode == 2 and "choose one of 2002" in bad.stderr
    unknown = subprocess.run(
        [
            sys.executable,
            "-m",
            "geo._cli_gaps",
            "gaps",
            "--set",
            "41",
            "--from",
            "2008",
            "--to",
            "2018",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert unknown.returncode == 2 and "40plus-wijken" in unknown.stderr


def test_entry_aggregation_by_hand(dataset, source):
    """A programme entry of two wijken (Arnhem Presikhaaf) and a one-wijk entry, from the source CSV."""
    scores, pops = source
    groups = {"Arnhem Presikhaaf": ["WK020204", "WK020205"], "Utrecht Overvecht": ["WK034403"]}
    result = gaps.entry_gap_table(dataset, groups, 2008, 2018, set_name="de 2 wijken")
    table = result.table.set_index("entry")
    for entry, members in groups.items():
        w = {c: pops[c][1] for c in members}
        for year, col in ((2008, "a"), (2018, "b")):
            value = sum(w[c] * scores[(c, year)]["lbm"] for c in members) / sum(w.values())
            city = sum(w[c] * _city(source, pops[c][0], year) for c in members) / sum(w.values())
            assert table.loc[entry, f"value_{col}"] == pytest.approx(value, abs=1e-9)
            assert table.loc[entry, f"city_{col}"] == pytest.approx(city, abs=1e-9)
            assert table.loc[entry, f"gap_{col}"] == pytest.approx(value - city, abs=1e-9)
        assert table.loc[entry, "population"] == sum(w.values())
        assert table.loc[entry, "weighting"] == "population-weighted"
    assert table.loc["Arnhem Presikhaaf", "n_members"] == 2
    assert result.summary("nl").startswith(f"Tussen 2008 en 2018 verkleinden {result.n_narrowed} van de 2 wijken")
