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
from tests.conftest import ROOT, WIJK_SCORES_2022, WIJK_SCORES_2024, WIJKEN_2024

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


def _narrowed_by_hand(gap_a: float, gap_b: float) -> bool:
    """Behind in A and level or ahead in B, or behind in both with a gap at least 0.5% smaller."""
    if gap_a < 0 <= gap_b:
        return True
    return gap_a < 0 and gap_b < 0 and (abs(gap_a) - abs(gap_b)) / abs(gap_a) >= 0.005


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
        assert row["narrowed"] == _narrowed_by_hand(gap_a, gap_b)
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
    assert gaps.NEAR_ZERO == 0.02  # the threshold of the Trends page's gap sentence (geo.fmt.NEAR_ZERO)
    assert table.loc[table["gap_a"].abs() >= gaps.NEAR_ZERO, "change_pct"].notna().all()


def test_gap_table_errors_name_the_fix(dataset):
    with pytest.raises(ValueError, match="year 2019 has no lbm scores; choose one of"):
        gaps.gap_table(dataset, ["WK034403"], 2008, 2019)
    with pytest.raises(ValueError, match="must be before"):
        gaps.gap_table(dataset, ["WK034403"], 2018, 2008)
    with pytest.raises(ValueError, match="not gemeenten: GM0344"):
        gaps.gap_table(dataset, ["GM0344"], 2008, 2018)
    with pytest.raises(ValueError, match="not in the dataset: WK999999"):
        gaps.gap_table(dataset, ["WK999999"], 2008, 2018)


def _years_with_lbm() -> dict[str, set[int]]:
    """Per wijk, the years with an lbm score in the two published wijk files (meting 2022 and 2024)."""
    years: dict[str, set[int]] = {}
    for path in (WIJK_SCORES_2022, WIJK_SCORES_2024):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["lbm"] != "NA":
                    years.setdefault(row["wk_code"], set()).add(int(row["jaar"]))
    return years


MEASUREMENT_YEARS = (2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024)  # the files' years, by hand


def test_set_trend_averages_the_same_areas_every_year_by_hand(dataset, source):
    scores, pops = source
    have = _years_with_lbm()
    # Zaanstad (WK047912) has no row in the meting-2024 subset: it is left out of every year
    panel = [c for c in AREAS if set(MEASUREMENT_YEARS) <= have[c]]
    assert panel == ["WK034403", "WK036103"]
    trend = gaps.set_trend(dataset, list(AREAS), year_a=2008, year_b=2018)
    assert trend.years == MEASUREMENT_YEARS and trend.panel == tuple(panel) and trend.n_members == 3
    table = trend.table.set_index("year")
    assert (table["n_areas"] == 2).all()
    for year in (2008, 2018):
        w = {c: pops[c][1] for c in panel}
        total = sum(w.values())
        set_value = sum(w[c] * scores[(c, year)]["lbm"] for c in panel) / total
        city_value = sum(w[c] * _city(source, AREAS[c], year) for c in panel) / total
        row = table.loc[year]
        assert row["set_value"] == pytest.approx(set_value, abs=1e-9)
        assert row["city_value"] == pytest.approx(city_value, abs=1e-9)
        assert row["gap"] == pytest.approx(set_value - city_value, abs=1e-9)
        assert row["weighting"] == "population-weighted"
    assert trend.method("nl").startswith(
        "Elk jaar dezelfde 2 van de 3 gebieden, die met een score in elk getoond jaar (2002-2024), zodat elk punt "
        "over dezelfde gebieden gaat; 1 gebied mist een of meer van die jaren en telt hier niet mee. Gewogen"
    )
    assert trend.method("en").startswith(
        "Every year the same 2 of the 3 areas, those with a score in every year shown (2002-2024), so every point "
        "averages the same areas; 1 area lacks one or more of those years and is left out here. Weighted"
    )


def test_set_trend_of_the_40_aandachtswijken_leaves_out_the_areas_without_2024(dataset):
    members: list[str] = []
    with (ROOT / "data" / "sets" / "40-aandachtswijken.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["code"] and row["code"] not in members:
                members.append(row["code"])
    have = _years_with_lbm()
    complete = [c for c in members if set(MEASUREMENT_YEARS) <= have.get(c, set())]
    assert (len(members), len(complete)) == (82, 61)
    trend = gaps.set_trend(dataset, members, year_a=2002, year_b=2024)
    assert trend.panel == tuple(complete) and set(trend.table["n_areas"]) == {61}
    assert "Elk jaar dezelfde 61 van de 82 gebieden" in trend.method("nl")
    assert "21 gebieden missen een of meer van die jaren en tellen hier niet mee" in trend.method("nl")
    assert "21 areas lack one or more of those years and are left out here" in trend.method("en")


def test_set_trend_without_a_left_out_area_and_its_year_range(dataset):
    trend = gaps.set_trend(dataset, ["WK034403"])
    assert trend.method("en").startswith("The area has a score in every year shown (2002-2024). Weighted")
    assert trend.method("nl").startswith("Het gebied heeft een score in elk getoond jaar (2002-2024). Gewogen")
    assert trend.year_domain == (2002, 2024)
    two = gaps.set_trend(dataset, ["WK034403", "WK036103"])
    assert two.method("nl").startswith(
        "Alle 2 gebieden van de set hebben een score in elk getoond jaar (2002-2024), zodat elk punt over dezelfde "
        "gebieden gaat. Gewogen"
    )
    assert two.method("en").startswith(
        "All 2 areas of the set have a score in every year shown (2002-2024), so every point averages the same "
        "areas. Weighted"
    )


def test_share_narrowed_of_a_shipped_set(dataset):
    aset = sets.load_set("40-aandachtswijken", dataset)
    table = gaps.gap_table(dataset, aset.members, 2008, 2018).table
    with_data = table[table["status"] != "no_data"]
    trend = gaps.set_trend(dataset, aset.members, year_a=2008, year_b=2018)
    pairs = zip(with_data["gap_a"], with_data["gap_b"], strict=True)
    expected = sum(1 for a, b in pairs if _narrowed_by_hand(a, b)) / len(with_data)
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


# -- one gap formula, and what the programme page shows ----------------------------------------------
@pytest.mark.parametrize("slug", list(sets.SHIPPED_SETS))
def test_set_rows_agree_with_the_trends_page_gap(dataset, slug):
    """Every row of a set's gap table is the Trends page's gap_change of that area (one formula)."""
    from geo.city_gap import gap_change, gap_status

    aset = sets.load_set(slug, dataset)
    table = gaps.gap_table(dataset, aset.members, 2012, 2022).table.set_index("code")
    for code in aset.members:
        ch = gap_change(dataset, code, 2012, 2022)
        row = table.loc[code]
        assert row["status"] == ch.status
        if ch.gap_start is None or ch.gap_end is None:
            assert math.isnan(row["gap_a"]) or math.isnan(row["gap_b"])
            continue
        assert (row["gap_a"], row["gap_b"]) == (ch.gap_start, ch.gap_end)
        assert gap_status(ch.gap_start, ch.gap_end) == (ch.status, ch.percent)  # the entries' rule is the same


def test_entry_status_by_hand():
    from geo.city_gap import gap_status

    assert gap_status(-0.10, -0.05) == ("narrowed", -50.0)
    assert gap_status(-0.10, -0.15)[0] == "widened"
    assert gap_status(-0.100, -0.0996)[0] == "unchanged"  # 0.4% smaller: within UNCHANGED_PERCENT
    assert gap_status(-0.10, 0.0)[0] == "closed"
    assert gap_status(0.02, -0.01)[0] == "fell_behind"
    assert gap_status(0.0, 0.03) == ("ahead", None)


def test_set_gaps_names_the_set_and_counts_per_entry(dataset):
    aset = sets.load_set("40-aandachtswijken", dataset)
    per_area = gaps.set_gaps(dataset, aset, 2008, 2018)
    assert per_area.entries is None and per_area.main is per_area.areas
    assert f"van de {len(aset)} wijken van de 40 aandachtswijken " in per_area.main.summary("nl")
    assert f"of the {len(aset)} districts of the 40 aandachtswijken " in per_area.main.summary("en")
    per_entry = gaps.set_gaps(dataset, aset, 2008, 2018, per_entry=True)
    found = [e for e in aset.resolution.entries if aset.resolution.codes_of(e)]
    assert per_entry.entries is not None and list(per_entry.entries.table["entry"]) == found
    assert per_entry.areas.table.equals(per_area.areas.table)
    name = "de 40 aandachtswijken" if len(found) == 40 else f"de {len(found)} gevonden 40 aandachtswijken"
    assert f" van {name} hun achterstand" in per_entry.main.summary("nl")
    user = sets.set_from_codes(dataset, ["GM0344", "WK034403"], name="mijn <b>set</b>")
    assert gaps.gap_members(dataset, user) == ("WK034403",)
    mine = gaps.set_gaps(dataset, user, 2008, 2018).main
    assert " van de 1 gebieden van mijn <b>set</b> " in mine.summary("nl")  # the page escapes it
    with pytest.raises(ValueError, match="no programme entries"):
        gaps.set_gaps(dataset, sets.set_from_codes(dataset, ["WK034403"]), 2008, 2018, per_entry=True)


def test_gap_view_in_each_language_with_missing_values_last(dataset, source):
    from geo.fmt import style_frame

    scores, _ = source
    heerde = "WK024601"  # no 2024 score: no data for 2018-2024
    codes = [heerde, "WK034403", "WK036103"]
    result = gaps.gap_table(dataset, codes, 2018, 2024)
    nl = gaps.gap_view(result, "nl")
    en = gaps.gap_view(result, "en")
    assert list(nl.frame.columns) == [
        "code", "naam", "gemeente", "inwoners", "achterstand 2018", "achterstand 2024", "verandering",
        "richting", "verandering %",
    ]  # fmt: skip
    assert list(en.frame.columns) == [
        "code", "name", "municipality", "inhabitants", "gap 2018", "gap 2024", "change", "direction", "change %",
    ]  # fmt: skip
    assert list(nl.frame["code"]) == ["WK034403", "WK036103", heerde]  # the row without data last
    assert nl.frame["richting"].iloc[-1] == "geen gegevens" and en.frame["direction"].iloc[-1] == "no data"
    gap_2018 = scores[("WK034403", 2018)]["lbm"] - _city(source, "GM0344", 2018)
    html_nl = style_frame(nl.frame, "nl", nl.decimals, signed=nl.signed, group=nl.group).to_html()
    html_en = style_frame(en.frame, "en", en.decimals, signed=en.signed, group=en.group).to_html()
    assert f"{gap_2018:+.3f}".replace(".", ",") in html_nl and f"{gap_2018:+.3f}" in html_en
    assert html_nl.count(">–<") >= 4  # gap 2024, change, change % of Heerde (and more) read "–"
    assert nl.frame["verandering"].dtype.kind == "f"  # still numbers: the column sorts as numbers


def test_member_map_colours_and_tooltips(dataset, source):
    scores, _ = source
    result = gaps.gap_table(dataset, list(AREAS), 2008, 2018)
    shown = gaps.member_map(result, "nl")
    for code, gm in AREAS.items():
        gap = scores[(code, 2018)]["lbm"] - _city(source, gm, 2018)
        assert shown.colours[code] == (gaps.BEHIND_COLOUR if gap < 0 else gaps.AHEAD_COLOUR)
        expected = f"{dataset.name(code)} ({dataset.name(gm)}): achterstand 2018 {gap:+.3f}".replace(".", ",")
        assert shown.tooltips[code] == expected
    assert gaps.member_map(result, "en").tooltips["WK034403"].split(": gap 2018 ")[1].count(".") == 1
    assert list(shown.members.frame.columns) == ["code", "naam", "gemeente", "score 2018", "achterstand 2018"]
    with pytest.raises(ValueError, match="per-area gap table"):
        gaps.member_map(gaps.entry_gap_table(dataset, {"x": ["WK034403"]}, 2008, 2018))


def test_set_trend_texts_and_lines(dataset):
    trend = gaps.set_trend(dataset, list(AREAS), year_a=2008, year_b=2018)
    n = round(trend.share_narrowed * 3)
    pct = {0: "0%", 1: "33%", 2: "67%", 3: "100%"}[n]
    assert (
        trend.share_sentence("nl")
        == f"Aandeel van de gebieden met een kleinere achterstand tussen 2008 en 2018, elk CBS-gebied apart geteld: {pct}"
    )
    assert (
        trend.share_sentence("en")
        == f"Share of the areas whose gap narrowed between 2008 and 2018, each CBS area counted on its own: {pct}"
    )
    lines = trend.lines("en")
    assert set(lines["line"]) == {"the set", "their cities"} and set(trend.lines("nl")["line"]) == {
        "de set",
        "hun steden",
    }
    assert len(lines) == 2 * len(trend.table)
    assert gaps.set_trend(dataset, list(AREAS)).share_sentence("nl") is None


def test_dimension_bars_add_up_and_note_in_each_language(dataset):
    split = gaps.dimension_split(dataset, list(AREAS), 2014, 2022)
    bars = split.bars("en")
    assert list(bars["label"])[-1] == "total (afw)" and list(split.bars("nl")["label"])[-1] == "totaal (afw)"
    assert math.isclose(bars["change"].iloc[:5].sum(), bars["change"].iloc[5], abs_tol=2 * TOLERANCE)
    assert split.note("nl") == "De vijf balken tellen op tot het totaal (3 gebieden, gewogen naar inwoners (CBS 2024))."
    assert split.note("en") == "The five bars add up to the total (3 areas, weighted by inhabitants (CBS 2024))."


# -- the gap table as a CSV for people ------------------------------------------------------------
def _csv_rows(data: bytes, *, sep: str) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(data.decode("utf-8-sig").splitlines(), delimiter=sep)
    return {row["code"]: row for row in reader}


def _status_by_hand(gap_a: float, gap_b: float) -> str:
    """Overvecht's status as the Trends page says it: behind in both years, the gap grew (>= 0.5%)."""
    assert gap_a < 0 and gap_b < 0 and (abs(gap_b) - abs(gap_a)) / abs(gap_a) >= 0.005
    return "widened"


def test_dutch_gap_csv_labels_the_codes_and_writes_ja_nee(dataset, source):
    """Overvecht widened its gap 2008-2018 (by hand from the sources); Groot water (WK036399) has no
    score in either year (not in the published file)."""
    scores, _ = source
    gap_a = scores[("WK034403", 2008)]["lbm"] - _city(source, "GM0344", 2008)
    gap_b = scores[("WK034403", 2018)]["lbm"] - _city(source, "GM0344", 2018)
    assert ("WK036399", 2008) not in scores and ("WK036399", 2018) not in scores
    result = gaps.gap_table(dataset, ["WK034403", "WK036399"], 2008, 2018)
    nl = gaps.gap_csv(result, "nl", dutch=True, bom=True)
    header = nl.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[header.index("status") + 1] == "status_label"  # the code stays, its label follows
    rows = _csv_rows(nl, sep=";")
    assert (rows["WK034403"]["status"], rows["WK034403"]["status_label"], rows["WK034403"]["narrowed"]) == (
        _status_by_hand(gap_a, gap_b),
        "groter",
        "nee",
    )
    assert (rows["WK036399"]["status"], rows["WK036399"]["status_label"]) == ("no_data", "geen gegevens")
    text = nl.decode("utf-8-sig")
    assert "True" not in text and "False" not in text
    en = _csv_rows(gaps.gap_csv(result, "en"), sep=",")  # English stays English: no label column
    assert (en["WK034403"]["status"], en["WK034403"]["narrowed"]) == ("widened", "False")
    assert "status_label" not in en["WK034403"]


def test_dutch_gap_csv_says_ja_where_the_gap_narrowed(dataset, source):
    """WK034401 (Utrecht West): behind in 2008 and 2018 with a smaller gap, by hand."""
    scores, _ = source
    gap_a = scores[("WK034401", 2008)]["lbm"] - _city(source, "GM0344", 2008)
    gap_b = scores[("WK034401", 2018)]["lbm"] - _city(source, "GM0344", 2018)
    assert _narrowed_by_hand(gap_a, gap_b) and gap_b < 0
    rows = _csv_rows(gaps.gap_csv(gaps.gap_table(dataset, ["WK034401"], 2008, 2018), "nl"), sep=",")
    assert (rows["WK034401"]["status_label"], rows["WK034401"]["narrowed"]) == ("kleiner", "ja")


def test_dutch_gap_csv_per_programme_entry_labels_the_weighting(dataset):
    result = gaps.entry_gap_table(dataset, {"Overvecht": ["WK034403"], "Water": ["WK036399"]}, 2008, 2018)
    frame = gaps.gap_csv_frame(result, "nl")
    by_entry = frame.set_index("entry")
    assert by_entry.loc["Overvecht", "weighting"] == "population-weighted"
    assert by_entry.loc["Overvecht", "weighting_label"] == "gewogen naar inwoners"
    assert by_entry.loc["Water", "status_label"] == "geen gegevens"


def test_gap_csv_writes_inhabitants_as_whole_numbers(dataset):
    # "8210,0" in the Dutch file, "8210.0" in the English one: a count has no decimals
    features = json.loads(WIJKEN_2024.read_text(encoding="utf-8"))["features"]
    inhabitants = {f["properties"]["wijkcode"]: f["properties"].get("aantal_inwoners") for f in features}
    result = gaps.gap_table(dataset, ["WK036103", "WK034403", "WK036399"], 2008, 2018)
    for lang, sep, dutch in (("nl", ";", True), ("en", ",", False)):
        rows = _csv_rows(gaps.gap_csv(result, lang, dutch=dutch), sep=sep)
        for code in ("WK036103", "WK034403"):
            assert rows[code]["population"] == str(inhabitants[code]), (lang, code)
        water = inhabitants.get("WK036399")
        assert rows["WK036399"]["population"] == ("" if water is None else str(water))


def test_gap_csv_refuses_a_language_it_does_not_have(dataset):
    result = gaps.gap_table(dataset, ["WK034403"], 2008, 2018)
    with pytest.raises(ValueError, match="de"):
        gaps.gap_csv(result, "de")  # type: ignore[arg-type]


def test_cli_gaps_lang_chooses_the_csv_values(tmp_path):
    out = tmp_path / "gaps.csv"
    cmd = [sys.executable, "-m", "geo", "gaps", "--codes", "WK034403,WK036399", "--from", "2008", "--to", "2018"]
    nl = subprocess.run([*cmd, "--lang", "nl", "--dutch", "--out", str(out)], capture_output=True, text=True)
    assert nl.returncode == 0, nl.stderr
    rows = _csv_rows(out.read_bytes(), sep=";")
    assert (rows["WK034403"]["status_label"], rows["WK034403"]["narrowed"]) == ("groter", "nee")
    assert rows["WK036399"]["status_label"] == "geen gegevens"
    en = subprocess.run([*cmd, "--lang", "en", "--out", str(out)], capture_output=True, text=True)
    assert en.returncode == 0, en.stderr
    assert _csv_rows(out.read_bytes(), sep=",")["WK034403"]["narrowed"] == "False"


@pytest.mark.parametrize(
    ("have", "years", "panel"),
    [
        pytest.param({"A": (1, 2, 3), "B": (1, 2, 3)}, [1, 2, 3], ("A", "B"), id="all-complete"),
        pytest.param({"A": (1, 2, 3), "B": (1, 2)}, [1, 2, 3], ("A",), id="one-lacks-the-last-year"),
        pytest.param({"A": (1, 2), "B": (3,)}, [3], ("B",), id="none-complete-earliest-years-left-off"),
        pytest.param({"A": (2, 3), "B": (1, 3)}, [2, 3], ("A",), id="gap-in-the-middle"),
        pytest.param({}, [], (), id="no-data"),
    ],
)
def test_the_trend_panel_on_tiny_cases(have, years, panel):
    from geo.gaps.trend import _panel

    pairs = {(c, y): (4.0, 4.0) for c, ys in have.items() for y in ys}
    assert _panel(["A", "B"], pairs) == (years, panel)
