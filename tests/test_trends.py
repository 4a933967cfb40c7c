"""Trends, gaps, projections, comparisons and change data, checked by hand against the published rows."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo import change, city_gap, compare, trend
from geo.city_gap import GapChange
from geo.neighbours import graph_for
from tests.conftest import WIJK_SCORES_2022, WIJK_SCORES_2024, WIJKEN_2024

HEERDE = ("WK024600", "WK024601")  # Heerde, Wapenveld
CULEMBORG = ("WK021600", "WK021601")  # Culemborg Oost, Culemborg West
DALFSEN = ("WK014801", "WK014802", "WK014803")  # Dalfsen, Nieuwleusen, Lemelerveld
HAND_CODES = {*HEERDE, *CULEMBORG, *DALFSEN}


def _read_rows(path, codes=None):
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if codes is None or row["wk_code"] in codes:
                out[row["wk_code"], int(row["jaar"])] = {
                    k: (math.nan if row[k] == "NA" else float(row[k]))
                    for k in ("lbm", "afw", "fys", "onv", "soc", "vrz", "won")
                }
    return out


@pytest.fixture(scope="module")
def published():
    """The published meting-2022 rows of the hand-checked wijken, read straight from the CSV."""
    return _read_rows(WIJK_SCORES_2022, HAND_CODES)


@pytest.fixture(scope="module")
def population():
    """CBS 2024 inhabitants of the hand-checked wijken, read straight from the GeoJSON."""
    features = json.loads(WIJKEN_2024.read_text(encoding="utf-8"))["features"]
    return {
        f["properties"]["wijkcode"]: f["properties"]["aantal_inwoners"]
        for f in features
        if f["properties"]["wijkcode"] in HAND_CODES
    }


def city_by_hand(published, population, codes, year):
    return sum(population[c] * published[c, year]["lbm"] for c in codes) / sum(population[c] for c in codes)


# -- gap arithmetic by hand ------------------------------------------------------------------------


def test_wapenveld_gap_narrowed_by_40_percent(dataset, published, population):
    wapenveld = "WK024601"
    assert dataset.name(wapenveld) == "Wijk 01 Wapenveld"
    # Heerde has two wijken: the city reference is their population-weighted mean
    g12 = published[wapenveld, 2012]["lbm"] - city_by_hand(published, population, HEERDE, 2012)
    g22 = published[wapenveld, 2022]["lbm"] - city_by_hand(published, population, HEERDE, 2022)
    assert g12 == pytest.approx(-0.039694, abs=1e-6)
    assert g22 == pytest.approx(-0.023895, abs=1e-6)

    table = city_gap.gap_table(dataset, wapenveld).set_index("year")
    assert table.at[2012, "gap"] == pytest.approx(g12, abs=1e-12)
    assert table.at[2022, "gap"] == pytest.approx(g22, abs=1e-12)

    change = city_gap.gap_change(dataset, wapenveld, 2012, 2022)
    assert change.status == "narrowed"
    assert change.change == pytest.approx(g22 - g12, abs=1e-12)
    assert change.percent == pytest.approx((abs(g22) - abs(g12)) / abs(g12) * 100, abs=1e-9)
    assert round(-change.percent) == 40
    assert city_gap.gap_sentence(dataset, change) == (
        "De achterstand op het stedelijk gemiddelde is tussen 2012 en 2022 met 40% afgenomen (van 0,040 naar 0,024)."
    )
    assert city_gap.gap_sentence(dataset, change, lang="en") == (
        "Between 2012 and 2022 the gap to the city average narrowed by 40% (from 0.040 to 0.024)."
    )


def test_culemborg_oost_narrowed_and_projection_year(dataset, published, population):
    oost = "WK021600"
    g12 = published[oost, 2012]["lbm"] - city_by_hand(published, population, CULEMBORG, 2012)
    g22 = published[oost, 2022]["lbm"] - city_by_hand(published, population, CULEMBORG, 2022)
    # two wijken: the gap is the other wijk's lead times the other wijk's population share
    west = "WK021601"
    share = population[west] / (population[west] + population[oost])
    assert g22 == pytest.approx(-(published[west, 2022]["lbm"] - published[oost, 2022]["lbm"]) * share, abs=1e-12)

    change = city_gap.gap_change(dataset, oost, 2012, 2022)
    assert change.status == "narrowed"
    assert change.gap_start == pytest.approx(g12, abs=1e-12)
    assert round(-change.percent) == 74
    rate = (g22 - g12) / 10
    projection = city_gap.project_gap_close(change)
    assert projection.reason is None
    assert projection.rate == pytest.approx(rate, abs=1e-12)
    assert projection.year == 2022 + math.ceil(-g22 / rate) == 2026
    text = city_gap.projection_text(dataset, change, projection)
    assert "rond 2026 zijn ingehaald" in text
    assert "around 2026" in city_gap.projection_text(dataset, change, projection, lang="en")


def test_nieuwleusen_fell_behind(dataset, published, population):
    nieuwleusen = "WK014802"
    g12 = published[nieuwleusen, 2012]["lbm"] - city_by_hand(published, population, DALFSEN, 2012)
    g22 = published[nieuwleusen, 2022]["lbm"] - city_by_hand(published, population, DALFSEN, 2022)
    assert g12 > 0 > g22
    change = city_gap.gap_change(dataset, nieuwleusen, 2012, 2022)
    assert change.status == "fell_behind"
    assert (change.gap_start, change.gap_end) == (pytest.approx(g12, abs=1e-12), pytest.approx(g22, abs=1e-12))
    assert city_gap.gap_sentence(dataset, change) == (
        "De wijk scoorde in 2012 nog 0,003 boven het stedelijk gemiddelde, maar in 2022 0,016 eronder: "
        "een nieuwe achterstand."
    )
    assert city_gap.project_gap_close(change).reason == "widening"


def test_culemborg_west_ahead_both_years(dataset, published, population):
    west = "WK021601"
    g12 = published[west, 2012]["lbm"] - city_by_hand(published, population, CULEMBORG, 2012)
    g22 = published[west, 2022]["lbm"] - city_by_hand(published, population, CULEMBORG, 2022)
    change = city_gap.gap_change(dataset, west, 2012, 2022)
    assert change.status == "ahead"
    pct = (g22 - g12) / g12 * 100
    assert change.percent == pytest.approx(pct, abs=1e-9)
    sentence = city_gap.gap_sentence(dataset, change)
    assert sentence.startswith("De wijk scoorde in 2012 en 2022 boven het stedelijk gemiddelde; de voorsprong is met")
    assert f"{round(abs(pct))}% afgenomen" in sentence
    assert city_gap.project_gap_close(change).reason == "not_behind"


def test_haarlemmerbuurt_values_come_from_meting_2024(dataset):
    rows = _read_rows(WIJK_SCORES_2024, {"WK0363AA"})
    table = trend.trend_table(dataset, "WK0363AA").set_index("year")
    assert sorted(table.index) == sorted(y for _, y in rows) == dataset.years()
    for (_, year), row in rows.items():
        assert table.at[year, "value"] == pytest.approx(row["lbm"], abs=1e-12)
        city = dataset.city_reference("WK0363AA", year).value
        assert city_gap.gap_table(dataset, "WK0363AA").set_index("year").at[year, "gap"] == pytest.approx(
            row["lbm"] - city, abs=1e-12
        )


def test_no_data_in_a_year_is_said(dataset):
    # Veendam is in meting 2022 only: no 2024 score and no 2024 city reference
    change = city_gap.gap_change(dataset, "WK004700", 2012, 2024)
    assert change.status == "no_data"
    assert change.missing == ("value 2024", "city 2024")
    assert change.gap_start is None and change.percent is None
    assert city_gap.gap_sentence(dataset, change) == (
        "Voor 2024 ontbreken de score van de wijk en het stedelijk gemiddelde, "
        "dus de verandering van de achterstand is niet te berekenen."
    )
    assert "cannot be computed" in city_gap.gap_sentence(dataset, change, lang="en")
    assert city_gap.project_gap_close(change) == city_gap.Projection(None, "no_data", None)
    assert 2024 not in city_gap.gap_years(dataset, "WK004700")
    assert city_gap.gap_years(dataset, "WK0363AA") == dataset.years()


# -- sentences and projections for every status (known answers) ------------------------------------


def _change(gs, ge, start=2012, end=2022, code="WK024601"):
    pct = (abs(ge) - abs(gs)) / abs(gs) * 100
    if gs < 0 and ge < 0:
        st_ = "unchanged" if abs(pct) < city_gap.UNCHANGED_PERCENT else ("narrowed" if abs(ge) < abs(gs) else "widened")
    elif gs < 0:
        st_ = "closed"
    elif ge < 0:
        st_ = "fell_behind"
    else:
        st_ = "ahead"
    return GapChange(code, "lbm", start, end, 4.0 + gs, 4.0 + ge, 4.0, 4.0, gs, ge, st_, ge - gs, pct)


@pytest.mark.parametrize(
    ("gs", "ge", "nl", "en", "reason", "year"),
    [
        (-0.10, -0.05, "met 50% afgenomen (van 0,100 naar 0,050)", "narrowed by 50%", None, 2032),
        (-0.05, -0.10, "met 100% toegenomen (van 0,050 naar 0,100)", "widened by 100%", "widening", None),
        (-0.100, -0.1002, "nagenoeg gelijk gebleven (0,100 en 0,100)", "stayed about the same", "flat", None),
        (-0.05, 0.02, "uit 2012 (0,050) is in 2022 ingehaald", "had closed by 2022", "not_behind", None),
        (0.05, 0.02, "de voorsprong is met 60% afgenomen", "its lead shrank by 60%", "not_behind", None),
        (0.05, 0.0501, "met een nagenoeg gelijke voorsprong", "by about the same margin", "not_behind", None),
        (-0.10, -0.099, "met 1% afgenomen", "narrowed by 1%", "too_slow", None),
    ],
    ids=["narrowed", "widened", "flat", "closed", "ahead-shrank", "ahead-same", "too-slow"],
)
def test_sentences_and_projection_for_each_case(dataset, gs, ge, nl, en, reason, year):
    change = _change(gs, ge)
    assert nl in city_gap.gap_sentence(dataset, change)
    assert en in city_gap.gap_sentence(dataset, change, lang="en")
    projection = city_gap.project_gap_close(change)
    assert projection.reason == reason
    assert projection.year == year
    assert city_gap.projection_text(dataset, change, projection).startswith(
        "Geen projectie" if reason else "In het tempo"
    )


def test_projection_caveat_exists_in_both_languages():
    assert "geen voorspelling" in city_gap.PROJECTION_CAVEAT["nl"]
    assert "not a forecast" in city_gap.PROJECTION_CAVEAT["en"]


def test_buurt_sentences_say_buurt(dataset):
    change = city_gap.gap_change(dataset, "BU0363AA01", 2012, 2024)
    assert change.status == "ahead"
    assert city_gap.gap_sentence(dataset, change).startswith("De buurt scoorde in 2012 en 2024 boven")
    assert city_gap.gap_sentence(dataset, change, lang="en").startswith("The neighbourhood scored above")


# -- errors ----------------------------------------------------------------------------------------


def test_gap_change_refuses_bad_years(dataset):
    with pytest.raises(ValueError, match=r"`start` \(2022\) must be earlier than `end` \(2012\)"):
        city_gap.gap_change(dataset, "WK024601", 2022, 2012)
    with pytest.raises(ValueError, match="`start` was 2010 but lbm is published for 2002, 2008"):
        city_gap.gap_change(dataset, "WK024601", 2010, 2022)
    with pytest.raises(ValueError, match="`start` was 2016 but fys is published for 2014, 2018"):
        city_gap.gap_change(dataset, "WK024601", 2016, 2022, measure="fys")


def test_bad_measure_lang_and_code(dataset):
    with pytest.raises(ValueError, match="`measure` was 'score' but is expected to be one of lbm, afw"):
        trend.trend_table(dataset, "WK024601", "score")
    with pytest.raises(ValueError, match="`lang` was 'de' but is expected to be one of 'nl', 'en'"):
        city_gap.gap_sentence(dataset, city_gap.gap_change(dataset, "WK024601", 2012, 2022), lang="de")
    with pytest.raises(KeyError, match="no area with code 'WK9999XX'"):
        trend.trend_table(dataset, "WK9999XX")
    with pytest.raises(KeyError, match="no area with code WK9999XX"):
        change.change_table(dataset, ["WK9999XX"], 2012, 2022)
    with pytest.raises(ValueError, match="`year` was 2011"):
        compare.comparison_table(dataset, "WK024601", 2011)


# -- trend table -----------------------------------------------------------------------------------


def test_trend_table_references(dataset, published, population):
    table = trend.trend_table(dataset, "WK024601").set_index("year")
    assert table.index.dtype == "int64"
    assert list(table.index) == dataset.years()
    assert table.at[2022, "city"] == pytest.approx(city_by_hand(published, population, HEERDE, 2022), abs=1e-12)
    assert np.allclose(table["national_reference"], 4.102264851143685, rtol=0, atol=1e-9)
    # the neighbours' mean, by hand from the neighbours' own scores
    neighbours = graph_for(dataset, "wijk").neighbours("WK024601")
    assert "WK024600" in neighbours
    values = [dataset.value(n, 2022) for n in neighbours]
    scored = [v for v in values if v is not None]
    assert table.at[2022, "neighbours_mean"] == pytest.approx(sum(scored) / len(scored), abs=1e-12)
    assert table.at[2022, "neighbours_n"] == len(scored)
    # 2024 covers a few cities only: no "national" mean is claimed for it
    assert math.isnan(table.at[2024, "national_mean"])
    assert table.at[2024, "national_n"] < 0.1 * table.at[2022, "national_n"]
    assert table.at[2022, "national_mean"] == pytest.approx(dataset.national_mean(2022).value)
    assert math.isnan(table.at[2024, "value"])


def test_trend_long_drops_missing_and_labels(dataset):
    long = trend.trend_long(dataset, "WK024601", lang="en")
    assert set(long["series"]) == {"area", "city", "neighbours_mean", "national_mean", "national_reference"}
    assert long["value"].notna().all()
    assert "City average" in set(long["label"])
    assert 2024 not in set(long.loc[long["series"] == "area", "year"])
    assert set(long.loc[long["series"] == "area", "label"]) == {"Wijk 01 Wapenveld"}
    assert set(long.loc[long["series"] == "area", "order"]) == {0}


# -- dimensions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["WK024601", "WK021600", "WK0363AA", "BU0363AA01"])
def test_contributions_sum_to_afw_for_every_year_shown(dataset, code):
    table = trend.contributions(dataset, code)
    assert list(table["year"]) == [y for y in (2014, 2018, 2020, 2022, 2024) if y in dataset.years("fys", code=code)]
    assert len(table) >= 4
    dims = table[list(geo.DIMENSIONS)].sum(axis=1)
    assert np.allclose(dims, table["afw"], atol=geo.schema.TOLERANCE, rtol=0)
    assert np.allclose(table["sum"], dims, rtol=0, atol=1e-15)
    long = trend.contributions_long(dataset, code)
    assert len(long) == 5 * len(table)
    by_year = long.groupby("year")["value"].sum()
    assert np.allclose(by_year.to_numpy(), table["afw"].to_numpy(), atol=geo.schema.TOLERANCE, rtol=0)


def test_contributions_match_the_published_rows(dataset, published):
    table = trend.contributions(dataset, "WK024601").set_index("year")
    for year in (2014, 2018, 2020, 2022):
        row = published["WK024601", year]
        for d in geo.DIMENSIONS:
            assert table.at[year, d] == pytest.approx(row[d], abs=1e-12)
        assert row["fys"] + row["onv"] + row["soc"] + row["vrz"] + row["won"] == pytest.approx(row["afw"], abs=1e-5)
    assert 2016 not in table.index  # no dimensions published for 2016


def test_contributions_refuse_an_inconsistent_dataset(dataset):
    scores = dataset.scores.copy()
    hit = (scores["code"] == "WK024601") & (scores["year"] == 2018)
    scores.loc[hit, "fys"] += 0.01
    broken = geo.Dataset(dataset.areas, scores)
    with pytest.raises(ValueError, match=r"dimensions of WK024601 do not sum to afw in 2018 \(-0.010000\)"):
        trend.contributions(broken, "WK024601")


# -- comparison tables -----------------------------------------------------------------------------


def test_comparison_table_wapenveld(dataset, published, population):
    table = compare.comparison_table(dataset, "WK024601", 2022, since=2012)
    roles = list(table["role"])
    n = len(graph_for(dataset, "wijk").neighbours("WK024601"))
    assert roles == ["area"] + ["neighbour"] * n + ["city", "country", "reference"]
    area = table.iloc[0]
    assert area["code"] == "WK024601"
    assert area["lbm"] == pytest.approx(published["WK024601", 2022]["lbm"], abs=1e-12)
    assert area["change"] == pytest.approx(
        published["WK024601", 2022]["lbm"] - published["WK024601", 2012]["lbm"], abs=1e-12
    )
    # Heerde (4.1888) beats Wapenveld (4.1530): rank 2 of 2
    assert (area["rank"], area["rank_of"]) == (2, 2)
    neighbours = table[table["role"] == "neighbour"].set_index("code")
    assert not neighbours.at["WK024600", "cross_border"]
    assert neighbours.at["WK024600", "rank"] == 1
    crossing = neighbours[neighbours["cross_border"]]
    assert len(crossing) >= 1
    assert (crossing["gemeente_code"] != "GM0246").all()
    assert (neighbours.loc[~neighbours["cross_border"], "gemeente_code"] == "GM0246").all()
    assert set(crossing["label"]) == {"Buur in andere gemeente"}
    city = table[table["role"] == "city"].iloc[0]
    assert city["lbm"] == pytest.approx(city_by_hand(published, population, HEERDE, 2022), abs=1e-12)
    assert city["change"] == pytest.approx(
        city_by_hand(published, population, HEERDE, 2022) - city_by_hand(published, population, HEERDE, 2012),
        abs=1e-12,
    )
    reference = table[table["role"] == "reference"].iloc[0]
    assert reference["lbm"] == pytest.approx(4.102264851143685)
    assert reference["afw"] == 0.0


def test_comparison_table_types_and_missing_values(dataset):
    # the table's columns keep their types (ranks as whole numbers, a yes/no border column) and the
    # reference rows have no rank and no border: the page's number columns sort and show "–" for them
    table = compare.comparison_table(dataset, "WK024601", 2022, since=2012)
    assert str(table["rank"].dtype) == "Int64" and str(table["rank_of"].dtype) == "Int64"
    assert str(table["cross_border"].dtype) == "boolean"
    assert all(str(table[m].dtype) == "float64" for m in ("lbm", "afw", "fys", "change"))
    references = table[table["role"].isin(["city", "country", "reference"])]
    assert references["rank"].isna().all() and references["cross_border"].isna().all()
    assert pd.isna(table.iloc[0]["cross_border"])  # the area itself: neither side of a border
    assert list(table.index) == list(range(len(table)))
    # an area without a 2022 score (Amsterdam's WK036399): its value, change and rank are missing, not 0
    unscored = compare.comparison_table(dataset, "WK036399", 2022, since=2012).iloc[0]
    assert dataset.value("WK036399", 2022) is None
    assert math.isnan(unscored["lbm"]) and math.isnan(unscored["change"]) and pd.isna(unscored["rank"])
    assert list(table.columns) == list(compare.TABLE_COLUMNS)


@pytest.mark.parametrize("measure", ["lbm", "onv"])
def test_ranks_follow_the_measure_within_the_gemeente(dataset, measure):
    table = compare.comparison_table(dataset, "WK0363AA", 2022, measure=measure)
    areas = table[table["role"].isin(["area", "neighbour"]) & ~table["cross_border"].fillna(False).astype(bool)]
    areas = areas.sort_values(measure, ascending=False)
    assert list(areas["rank"]) == sorted(areas["rank"])
    best = max(dataset.codes("wijk", gemeente="GM0363"), key=lambda c: dataset.value(c, 2022, measure) or -1)
    assert compare.comparison_table(dataset, best, 2022, measure=measure).iloc[0]["rank"] == 1


def test_compare_table_and_series_across_gemeenten(dataset):
    codes = ["WK0363AA", "WK059901", "WK024601"]
    table = compare.compare_table(dataset, codes, 2022, since=2012, lang="en")
    assert list(table["code"]) == [*codes, "NL", "NL"]
    assert list(table["gemeente_name"][:3]) == ["Amsterdam", "Rotterdam", "Heerde"]
    assert table.iloc[1]["change"] == pytest.approx(dataset.value("WK059901", 2022) - dataset.value("WK059901", 2012))
    series = compare.compare_series(dataset, codes)
    assert series.groupby("code").size().to_dict() == {"WK0363AA": 9, "WK059901": 9, "WK024601": 8}
    assert series["year"].dtype == "int64"
    assert series["label"].nunique() == 3
    assert compare.compare_series(dataset, []).empty


# -- change map data -------------------------------------------------------------------------------


def test_change_table_and_movers_rotterdam(dataset):
    codes = dataset.codes("wijk", gemeente="GM0599")
    table = change.change_table(dataset, codes, 2012, 2022)
    assert list(table.index) == codes
    row = table.loc["WK059901"]
    assert row["change"] == pytest.approx(dataset.value("WK059901", 2022) - dataset.value("WK059901", 2012))
    movers = change.biggest_movers(table, n=3)
    assert list(movers.up["code"]) == list(table["change"].dropna().sort_values(ascending=False).index[:3])
    assert list(movers.down["code"]) == list(table["change"].dropna().sort_values().index[:3])
    assert movers.up.iloc[0]["name"] == "Vondelingenplaat"


def test_biggest_movers_refuses_bad_input(dataset):
    table = change.change_table(dataset, ["WK0363AA"], 2012, 2022)
    with pytest.raises(ValueError, match="`n` was 0 but is expected to be a positive integer"):
        change.biggest_movers(table, n=0)
    with pytest.raises(ValueError, match="needs `code` and `change`"):
        change.biggest_movers(table.drop(columns="change"))


@settings(max_examples=60, deadline=None)
@given(
    changes=st.lists(
        st.one_of(st.none(), st.floats(-1, 1, allow_nan=False), st.sampled_from([0.0, 0.1, -0.1])),
        min_size=0,
        max_size=30,
    ),
    n=st.integers(1, 8),
)
def test_movers_follow_the_order_of_the_differences(changes, n):
    codes = [f"WK{k:06d}" for k in range(len(changes))]
    table = pd.DataFrame(
        {"code": codes, "change": [np.nan if c is None else c for c in changes]}, index=pd.Index(codes)
    )
    movers = change.biggest_movers(table, n=n)
    up, down = list(movers.up["change"]), list(movers.down["change"])
    assert up == sorted(up, reverse=True)
    assert down == sorted(down)
    assert all(c > 0 for c in up) and all(c < 0 for c in down)
    positives = sorted((c for c in changes if c is not None and c > 0), reverse=True)
    negatives = sorted(c for c in changes if c is not None and c < 0)
    assert up == positives[:n]
    assert down == negatives[:n]
    # ties are broken by code, so equal changes keep a stable order
    for frame in (movers.up, movers.down):
        for (c1, v1), (c2, v2) in zip(
            frame[["code", "change"]].values[:-1], frame[["code", "change"]].values[1:], strict=True
        ):
            if v1 == v2:
                assert c1 < c2


def test_change_scale_is_fixed_symmetric_and_covers_most_changes(dataset):
    scale = change.change_scale(dataset, "lbm")
    assert scale.vmin == -scale.vmax
    assert scale.vmax == 0.18
    assert change.change_scale(dataset, "lbm") is scale  # same for every selection: computed once
    # about 98% of the changes of any selection in any span stay within the bound
    codes = dataset.codes("wijk")
    changes = change.change_table(dataset, codes, 2002, 2022)["change"].dropna()
    assert 0.9 < (changes.abs() <= scale.vmax).mean() < 1.0
    dims = change.change_scale(dataset, "fys")
    assert dims.vmax < scale.vmax
    assert dims.n < scale.n


def test_area_options_cover_every_wijk_and_buurt_with_unique_labels(dataset):
    options = compare.area_options(dataset)
    assert set(options) == set(dataset.codes("wijk")) | set(dataset.codes("buurt"))
    assert len(set(options.values())) == len(options)
    assert options["WK0363AA"] == "Haarlemmerbuurt (Amsterdam, WK0363AA)"
    assert list(options.values()) == sorted(options.values())


def test_area_options_by_gemeente_split_the_country_by_the_code_digits(dataset):
    by_gemeente = compare.area_options_by_gemeente(dataset)
    labels = compare.area_options(dataset)
    every = [c for codes in by_gemeente.values() for c in codes]
    assert sorted(every) == sorted(labels)  # every wijk and buurt once
    for gm, codes in by_gemeente.items():
        assert all(c[2:6] == gm[2:] for c in codes)  # WK0363.., BU0363.... belong to GM0363
        shown = [labels[c] for c in codes]
        assert shown == sorted(shown)
    heerde = by_gemeente["GM0246"]
    assert {"WK024600", "WK024601"} <= set(heerde)
    assert all(c.startswith(("WK0246", "BU0246")) for c in heerde)
    assert max(map(len, by_gemeente.values())) < 1_000  # a picker shows one gemeente's areas
    assert set(by_gemeente) == set(dataset.gemeenten()["code"])


def test_years_with_data(dataset):
    assert change.years_with_data(dataset, dataset.codes("wijk", gemeente="GM0246")) == dataset.years()[:-1]
    assert change.years_with_data(dataset, dataset.codes("wijk", gemeente="GM0363"))[-1] == 2024
    assert change.years_with_data(dataset, ["WK024601"], "fys") == [2014, 2018, 2020, 2022]
    assert change.years_with_data(dataset, []) == []
