"""The dataset model (geo.dataset) on the embedded dataset, as the app loads it."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from tests.conftest import ROOT

REFERENCE = 4.102264851143685
DIMENSION_YEARS = [2014, 2018, 2020, 2022, 2024]
ALLOWED = "lbm, afw, fys, onv, soc, vrz, won"


def _codes(level: str) -> list[str]:
    # hypothesis strategies are built at import time: read the codes without the session fixture
    listed = json.loads((ROOT / "data" / "manifest.json").read_text(encoding="utf-8"))["files"]
    areas = pd.read_parquet(ROOT / "data" / listed["areas"]["file"], columns=["code", "level"])
    return sorted(areas.loc[areas["level"] == level, "code"])


# -- areas --------------------------------------------------------------------------------------
def test_three_levels_in_rd_new(dataset):
    # buurten: Amsterdam's 518 and the 12,147 - 441 buurten of the WFS export in the other gemeenten
    counts = dataset.areas["level"].value_counts().to_dict()
    assert counts == {"wijk": 3475, "buurt": 518 + 12_147 - 441, "gemeente": 343}
    assert dataset.areas.crs.to_epsg() == 28992
    assert (dataset.areas.index == dataset.areas["code"]).all() and dataset.areas.index.is_unique
    assert dataset.areas.geometry.is_valid.all()


def test_display_geometry_is_wgs84_for_every_area(dataset):
    assert dataset.display.crs.to_epsg() == 4326
    assert set(dataset.display.index) == set(dataset.areas.index)
    assert dataset.display.geometry.is_valid.all() and not dataset.display.geometry.is_empty.any()
    xmin, ymin, xmax, ymax = dataset.display.total_bounds
    assert 3.0 < xmin < xmax < 7.3 and 50.7 < ymin < ymax < 53.6


def test_children_of_amsterdam(dataset):
    wijken = dataset.children("GM0363")
    assert len(wijken) == 111 and "WK0363AA" in wijken
    assert wijken == sorted(wijken) and all(geo.level_of(c) == "wijk" for c in wijken)
    assert wijken == dataset.codes("wijk", gemeente="GM0363")
    buurten = dataset.children("WK0363AA")
    assert "BU0363AA01" in buurten and all(dataset.parent(b) == "WK0363AA" for b in buurten)


def test_parents(dataset):
    assert dataset.parent("BU0363AA01") == "WK0363AA"
    assert dataset.parent("WK0363AA") == "GM0363"
    assert dataset.parent("GM0363") is None
    assert dataset.children("BU0363AA01") == []  # buurten have no children


def test_every_gemeente_has_buurten(dataset):
    buurten = dataset.codes("buurt")
    assert len(buurten) == 12_224 and len({geo.gemeente_of(b) for b in buurten}) == 342
    assert len(dataset.codes("buurt", gemeente="GM0363")) == 518  # Amsterdam's own polygons
    assert len(dataset.codes("buurt", gemeente="GM0599")) == 77  # Rotterdam: the scored buurten of the WFS export


def test_every_parent_is_an_area_of_the_dataset(dataset):
    a = dataset.areas
    parents = a["parent_code"].dropna()
    assert parents.isin(a.index).all()
    assert (
        a.loc[parents.to_numpy(), "level"].to_numpy()
        == a.loc[parents.index, "level"].map({"wijk": "gemeente", "buurt": "wijk"}).to_numpy()
    ).all()
    assert sum(len(dataset.children(g)) for g in dataset.codes("gemeente")) == 3475


def test_gemeenten_are_listed_by_name(dataset):
    gm = dataset.gemeenten()
    assert len(gm) == 343 and list(gm.columns) == ["code", "name"]
    assert gm["name"].tolist() == sorted(gm["name"])
    assert gm.set_index("code").loc["GM0518", "name"] == "'s-Gravenhage"


def test_the_gemeente_of_an_area_is_its_row_in_the_areas_table(dataset):
    a = dataset.areas
    for code in ["BU0363AA01", "WK0363AA", "GM0363", *a.index[::97]]:
        assert dataset.gemeente(code) == (a.loc[code, "gemeente_code"], a.loc[code, "gemeente_name"])
    assert dataset.gemeente("BU0363AA01") == ("GM0363", "Amsterdam")
    assert dataset.gemeente("GM0363") == ("GM0363", "Amsterdam")  # a gemeente lies in itself


def test_names(dataset):
    assert dataset.name("GM0363") == "Amsterdam"
    assert dataset.name("BU0363AA01") == "Planciusbuurt-Noord"
    assert dataset.area("WK0363AA")["gemeente_name"] == "Amsterdam"


@pytest.mark.parametrize("method", ["area", "check_code", "gemeente", "name", "children", "parent"])
def test_an_unknown_code_raises_naming_it(dataset, method):
    with pytest.raises(KeyError, match="no area with code 'WK9999ZZ' in the dataset; codes look like GM0363"):
        getattr(dataset, method)("WK9999ZZ")


def test_a_level_typo_is_refused(dataset):
    with pytest.raises(ValueError, match="`level` was 'wijken' but is expected to be one of gemeente, wijk, buurt"):
        dataset.codes("wijken")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_codes("buurt") + _codes("wijk")))
def test_the_parent_is_the_code_prefix_and_lists_the_child(dataset, code):
    parent = dataset.parent(code)
    assert parent == geo.parent_of(code)
    assert code in dataset.children(parent)
    assert dataset.area(code)["gemeente_code"] == geo.gemeente_of(code)


# -- scores -------------------------------------------------------------------------------------
def test_years(dataset):
    assert dataset.years() == [2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
    assert dataset.years() == list(geo.PUBLISHED_YEARS)
    for dim in geo.DIMENSIONS:
        assert dataset.years(dim) == DIMENSION_YEARS
    assert dataset.years("afw") == list(geo.PUBLISHED_YEARS)
    assert dataset.years(code="WK0363AA") == list(geo.PUBLISHED_YEARS)
    assert dataset.years("fys", code="WK0363AA") == DIMENSION_YEARS
    assert dataset.years(code="WK022502") == []  # excluded (name mismatch): no year to show


def test_values_are_the_published_ones(dataset):
    rows = dataset.scores.set_index(["code", "year"])
    assert dataset.value("WK0363AA", 2022) == rows.loc[("WK0363AA", 2022), "lbm"]
    assert dataset.value("WK0363AA", 2022, "soc") == rows.loc[("WK0363AA", 2022), "soc"]
    assert dataset.value("WK0363AA", 2016, "soc") is None  # no dimensions in 2016
    series = dataset.series("WK0363AA")
    assert series.index.tolist() == list(geo.PUBLISHED_YEARS)
    assert series.loc[2022] == dataset.value("WK0363AA", 2022)
    assert dataset.series("WK0363AA", "fys").index.tolist() == DIMENSION_YEARS
    values = dataset.values(["WK0363AA", "BU0363AA01", "GM0363"], 2024)
    assert values.index.tolist() == ["WK0363AA", "BU0363AA01", "GM0363"]
    assert values.iloc[:2].notna().all()
    # the official gemeente score (WFS export, raw afw 0.0624663; lbm derived with the national reference)
    assert values["GM0363"] == pytest.approx(0.0624663 + 4.102264851143685, abs=1e-12)
    assert np.isnan(dataset.values(["GM0363"], 2022)["GM0363"])  # official gemeente scores: 2024 only


def test_every_score_row_is_what_value_and_years_return(dataset):
    # expected straight from the long scores table (one row per code and year), not from the lookups
    s = dataset.scores
    for measure in geo.MEASURES:
        for code, year, expected in zip(s["code"], s["year"], s[measure], strict=True):
            got = dataset.value(code, int(year), measure)
            assert (got is None) if pd.isna(expected) else got == expected, (code, year, measure)
    sample = s["code"].drop_duplicates().iloc[::25]
    for code in sample:
        rows = s[s["code"] == code]
        for measure in geo.MEASURES:
            assert dataset.years(measure, code=code) == sorted(int(y) for y in rows.loc[rows[measure].notna(), "year"])
    assert dataset.value("WK9999ZZ", 2022) is None and dataset.years(code="WK9999ZZ") == []
    assert dataset.value("WK0363AA", 2023) is None and dataset.value("WK0363AA", 1999) is None


def test_scores_hold_one_row_per_code_and_year_and_only_areas_of_the_dataset(dataset):
    s = dataset.scores
    assert not s.duplicated(["code", "year"]).any()
    assert s["code"].isin(dataset.areas.index).all()
    assert set(s["year"]) == set(geo.PUBLISHED_YEARS)
    assert ((s["lbm"] - s["afw"]) - REFERENCE).abs().max() < 1e-5


def test_unscored_polygons_have_no_value_never_zero(dataset):
    wijken = set(dataset.codes("wijk"))
    unscored = sorted(wijken - set(dataset.scores["code"]) - set(dataset.excluded["code"]))
    assert 175 <= len(unscored) <= 195  # about 185: water, "Buitenland", industrial areas
    for year in geo.PUBLISHED_YEARS:
        assert all(dataset.value(c, year) is None for c in unscored)
        assert dataset.values(unscored, year).isna().all()
    assert all(dataset.series(c).empty for c in unscored)
    assert all(dataset.years(code=c) == [] for c in unscored)
    assert all(dataset.is_excluded(c) is None for c in unscored)


def test_a_substantive_name_mismatch_is_not_shown_and_says_why(dataset):
    assert dataset.value("WK022502", 2022) is None  # 'Afferden' scores on the polygon 'Druten Zuid'
    assert dataset.is_excluded("WK022502") == "name mismatch"
    assert dataset.value("WK047911", 2022) is not None  # cosmetic difference: shown
    assert dataset.is_excluded("WK047911") is None


@pytest.mark.parametrize(
    "call",
    [
        lambda ds: ds.value("WK0363AA", 2022, "lbn"),
        lambda ds: ds.values(["WK0363AA"], 2022, "LBM"),
        lambda ds: ds.series("WK0363AA", "score"),
        lambda ds: ds.years("fysiek"),
        lambda ds: ds.city_reference("WK0363AA", 2022, "afwijking"),
        lambda ds: ds.national_reference("ref"),
        lambda ds: ds.national_mean(2022, "won "),
    ],
    ids=["value", "values", "series", "years", "city_reference", "national_reference", "national_mean"],
)
def test_a_measure_typo_raises_naming_the_allowed_measures(dataset, call):
    with pytest.raises(ValueError, match=rf"`measure` was '.*' but is expected to be one of {ALLOWED}"):
        call(dataset)


# -- references ---------------------------------------------------------------------------------
def _weighted_city_mean(ds: geo.Dataset, gemeente: str, year: int, measure: str) -> tuple[float, int]:
    """Recompute the city reference from the tables: CBS 2024 population-weighted mean of the wijken."""
    wijken = ds.areas[(ds.areas["level"] == "wijk") & (ds.areas["gemeente_code"] == gemeente)]
    rows = ds.scores[(ds.scores["year"] == year) & ds.scores["code"].isin(wijken.index)].dropna(subset=[measure])
    weights = wijken.loc[rows["code"], "population"].to_numpy()
    return float((rows[measure].to_numpy() * weights).sum() / weights.sum()), len(rows)


@pytest.mark.parametrize(
    ("code", "year", "measure"),
    [
        ("WK034401", 2022, "lbm"),  # Utrecht, meting 2022
        ("WK059901", 2024, "afw"),  # Rotterdam, meting 2024 row
        ("BU0363AA01", 2024, "soc"),  # a buurt: the mean of its gemeente's wijken
        ("WK0363AA", 2002, "lbm"),
        ("WK001400", 2014, "vrz"),
    ],
)
def test_city_reference_is_the_population_weighted_mean_of_the_wijken(dataset, code, year, measure):
    expected, n = _weighted_city_mean(dataset, geo.gemeente_of(code), year, measure)
    ref = dataset.city_reference(code, year, measure)
    assert ref.method == "population-weighted" and ref.n_areas == n > 0
    assert ref.value == pytest.approx(expected, rel=1e-12)


def test_city_reference_of_utrecht_2022_in_numbers(dataset):
    ref = dataset.city_reference("GM0344", 2022)
    assert ref.n_areas == 10 and ref.value == pytest.approx(4.104948625840407, abs=1e-12)


def test_city_reference_falls_back_to_the_plain_mean_and_says_so(dataset):
    areas = dataset.areas.copy()
    areas.loc["WK059901", "population"] = np.nan
    ds = geo.Dataset(areas.reset_index(drop=True), dataset.scores)
    ref = ds.city_reference("WK059901", 2022)
    plain = ds.values(ds.codes("wijk", gemeente="GM0599"), 2022).dropna()
    assert ref.method == "unweighted" and ref.n_areas == len(plain)
    assert ref.value == pytest.approx(plain.mean(), rel=1e-12)
    assert dataset.city_reference("WK059901", 2022).method == "population-weighted"  # the original is untouched


def test_city_reference_without_scores_is_none_not_zero(dataset):
    ref = dataset.city_reference("WK0363AA", 2024, "fys")
    assert ref.value is not None
    no_dims = dataset.city_reference("WK0363AA", 2016, "fys")
    assert no_dims.value is None and no_dims.n_areas == 0


def test_national_reference(dataset):
    lbm = dataset.national_reference("lbm")
    assert lbm.value == pytest.approx(4.1022648, abs=1e-7)
    assert lbm.value == pytest.approx(REFERENCE, abs=1e-12)
    assert lbm.method == "published" and lbm.n_areas == 0
    for measure in ("afw", *geo.DIMENSIONS):
        assert dataset.national_reference(measure).value == 0.0


def test_national_mean_is_the_population_weighted_mean_of_all_scored_wijken(dataset):
    wijken = dataset.areas.loc[dataset.areas["level"] == "wijk", "population"]
    rows = dataset.scores[(dataset.scores["year"] == 2022) & dataset.scores["code"].isin(wijken.index)]
    rows = rows.assign(pop=wijken.loc[rows["code"]].to_numpy()).dropna(subset=["pop", "lbm"])
    rows = rows[rows["pop"] > 0]
    ref = dataset.national_mean(2022)
    assert ref.n_areas == len(rows) > 3000
    assert ref.value == pytest.approx(float((rows["lbm"] * rows["pop"]).sum() / rows["pop"].sum()), rel=1e-12)


# -- loading ------------------------------------------------------------------------------------
def test_load_dataset_reads_the_manifest(dataset):
    assert dataset.manifest["crs"] == {"storage": "EPSG:28992", "display": "EPSG:4326"}
    assert dataset.manifest["years"] == list(geo.PUBLISHED_YEARS)
    assert "Leefbaarometer" in repr(dataset.manifest["sources"])


def test_load_dataset_from_an_empty_folder_says_how_to_build(tmp_path):
    with pytest.raises(
        geo.DataFileError,
        match=rf"dataset folder {tmp_path} has no manifest\.json .*; rebuild it with `python -m geo build --out {tmp_path}`",
    ):
        geo.load_dataset(tmp_path)


def test_load_dataset_names_the_missing_file(tmp_path):
    for name in (ROOT / "data").iterdir():
        if name.is_file() and not name.name.startswith("excluded-"):
            shutil.copy(name, tmp_path / name.name)
    with pytest.raises(geo.DataFileError, match=r"excluded-[0-9a-f]{12}\.parquet: missing, although .* lists it"):
        geo.load_dataset(tmp_path)


def test_value_table_holds_the_published_scores_of_every_year(dataset):
    from tests.conftest import published_wijk_score

    table = dataset.value_table(["WK024601", "WK059901", "XX000000"], "onv")
    for code in ("WK024601", "WK059901"):
        for year in (2002, 2012, 2022):
            expected = published_wijk_score(code, year, "onv")  # NaN where the source says NA
            # (a later file with precedence publishes some of these to five decimals)
            assert table.loc[code, year] == pytest.approx(expected, abs=1e-5, nan_ok=True)
    assert table.loc["WK059901"].notna().sum() >= 5
    assert table.loc["XX000000"].isna().all()  # unknown code: a row of NaN, as values() gives
    assert list(table.index) == ["WK024601", "WK059901", "XX000000"]
