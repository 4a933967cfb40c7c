"""Real facts of the real files, the build, and the dataset model."""

from __future__ import annotations

import shutil
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import geo
from tests.conftest import AMSTERDAM_BUURTEN, BUURT_SCORES_2024, ROOT

REF = 4.102264851143685


# -- the real score file -----------------------------------------------------------------------
def test_meting_2022_has_3310_wijken_and_every_row_passes_both_checks(wijk_scores_2022):
    f = wijk_scores_2022.frame
    assert f["code"].nunique() == 3310 and len(f) == 26366
    assert wijk_scores_2022.meting == 2022
    assert np.allclose(f["lbm"] - f["afw"], REF, atol=1e-9)
    dims = f[list(geo.DIMENSIONS)].dropna()
    assert len(dims) == 13202
    assert np.allclose(dims.sum(axis=1), f.loc[dims.index, "afw"], atol=1e-9)


def test_real_polygons(wijken_2024, amsterdam_buurten):
    assert len(wijken_2024.frame) == 3475 and wijken_2024.level == "wijk"
    assert wijken_2024.frame.crs.to_epsg() == 28992
    assert wijken_2024.report.counts == {"invalid geometry made valid": 15}
    assert len(amsterdam_buurten.frame) == 518 and amsterdam_buurten.source_crs == "OGC:CRS84"


# -- reconciliation, from the built manifest ------------------------------------------------------
@pytest.fixture(scope="module")
def wijk_rec(dataset):
    return dataset.manifest["reconciliation"]["wijk"]


def test_join_rate_is_99_percent(wijk_rec):
    assert wijk_rec["join_rate"] >= 0.99
    assert wijk_rec["totals"]["matched"] == 3290 and wijk_rec["totals"]["scored"] == 3323


@pytest.mark.parametrize("gm", ["GM0363", "GM0599", "GM0518", "GM0344"])
def test_every_scored_wijk_of_the_four_big_cities_joins(wijk_rec, gm):
    row = wijk_rec["join_report"][gm]
    assert row["unmatched"] == 0 and row["substantive"] == 0 and row["matched"] == row["scored"] > 0


def test_about_40_substantive_name_mismatches_are_flagged(wijk_rec, dataset):
    names = pd.DataFrame(wijk_rec["name_mismatches"]["list"]).set_index("code")
    assert 35 <= wijk_rec["name_mismatches"]["substantive"] <= 45
    assert names.loc["WK022502", "match"] == "substantive"  # Afferden vs Druten Zuid
    assert names.loc["WK047911", "match"] == "cosmetic"  # Wijk 11 Zaandam Zuid vs Zaandam Zuid
    assert dataset.value("WK022502", 2022) is None  # not drawn as if valid
    assert dataset.is_excluded("WK022502") == "name mismatch"
    assert dataset.value("WK047911", 2022) is not None


def test_amsterdam_comes_from_meting_2024_and_old_codes_are_superseded(dataset, wijk_rec):
    assert wijk_rec["join_report"]["GM0363"]["superseded"] == 99
    assert set(dataset.scores.loc[dataset.scores["code"].str.startswith("WK0363"), "meting"]) == {2024}
    assert dataset.value("WK0363AA", 2002) is not None
    assert "superseded" in dataset.is_excluded("WK036300")


@pytest.mark.parametrize(
    ("score_name", "area_name", "expected"),
    [
        ("Wijk 11 Zaandam Zuid", "Zaandam Zuid", "cosmetic"),
        ("Verspr.h. Nieuw- en Sint Joosland", "Verspreide huizen Nieuw- en Sint Joosland", "cosmetic"),
        (
            "Aalsmeerderbrug/ Oude Meer/ Rozenburg /",
            "Aalsmeerderbrug/ Oude Meer/ Rozenburg / Schiphol Rijk",
            "cosmetic",
        ),
        ("BurgemeesterTellegenbuurt-West", "Burgemeester Tellegenbuurt-West", "cosmetic"),
        ("Afferden", "Druten Zuid", "substantive"),
        ("Wijk 02", "Overstegen", "substantive"),
        ("Wijk 06 Broekhuizen", "Wijk 06 Broekhuizenvorst", "substantive"),
        ("Centrum", "Centrum", "same"),
    ],
)
def test_classify_names(score_name, area_name, expected):
    assert geo.classify_names(score_name, area_name) == expected


@given(st.text(min_size=1, max_size=30))
def test_a_name_always_matches_itself(name):
    assert geo.classify_names(name, name) == "same"


# -- the build from the official buurt download alone (wijken and gemeenten dissolved) ---------
def test_cli_builds_the_official_national_download_names(tmp_path):
    src, out = tmp_path / "downloads", tmp_path / "out"
    src.mkdir()
    shutil.copy(BUURT_SCORES_2024, src / "Leefbaarometer-scores buurten 2002-2024.csv")
    gdf = gpd.read_file(AMSTERDAM_BUURTEN)[["bu_code", "bu_naam", "geometry"]].to_crs(28992)
    gdf.to_file(src / "buurt 2024.gpkg")
    run = subprocess.run(
        [sys.executable, "-m", "geo", "build", "--from", str(src), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "buurt: 489/489 scored codes joined (100.0%)" in run.stdout
    ds = geo.load_dataset(out)
    assert len(ds.codes("buurt")) == 518
    assert ds.parent("BU0363AA01") == "WK0363AA"
    # no wijk polygons in this folder: gemeenten are not made up, the city reference has no wijken
    assert ds.city_reference("BU0363AA01", 2024).value is None


def test_build_of_an_empty_folder_says_what_is_needed(tmp_path):
    with pytest.raises(geo.DataFileError, match="needs at least one of each"):
        geo.build(tmp_path, tmp_path / "out")


# -- the dataset model -----------------------------------------------------------------------------
def test_children_and_parents(dataset):
    wijken = dataset.children("GM0363")
    assert len(wijken) == 111 and "WK0363AA" in wijken
    assert dataset.parent("BU0363AA01") == "WK0363AA" and dataset.parent("WK0363AA") == "GM0363"
    assert dataset.parent("GM0363") is None
    assert "BU0363AA01" in dataset.children("WK0363AA")
    with pytest.raises(KeyError, match="no area with code 'WK9999ZZ'"):
        dataset.children("WK9999ZZ")


def test_years(dataset):
    assert dataset.years() == list(geo.PUBLISHED_YEARS)
    assert dataset.years("fys") == [2014, 2018, 2020, 2022, 2024]
    assert dataset.years(code="WK059901") == [2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024]


def test_city_reference_is_the_population_weighted_mean_of_the_wijken(dataset):
    wijken = dataset.areas[(dataset.areas["level"] == "wijk") & (dataset.areas["gemeente_code"] == "GM0599")]
    s = dataset.scores[(dataset.scores["year"] == 2022) & dataset.scores["code"].isin(wijken.index)]
    pop = wijken.loc[s["code"], "population"].to_numpy()
    expected = float((s["lbm"].to_numpy() * pop).sum() / pop.sum())
    ref = dataset.city_reference("WK059901", 2022, "lbm")
    assert ref.value == pytest.approx(expected, abs=1e-12)
    assert ref.method == "population-weighted" and ref.n_areas == len(s)


def test_city_reference_falls_back_to_the_plain_mean_and_says_so(dataset):
    areas = dataset.areas.copy()
    areas.loc["WK059901", "population"] = np.nan
    ds = geo.Dataset(areas.reset_index(drop=True), dataset.scores)
    ref = ds.city_reference("WK059901", 2022, "lbm")
    values = ds.values(ds.codes("wijk", gemeente="GM0599"), 2022).dropna()
    assert ref.method == "unweighted" and ref.value == pytest.approx(values.mean())


def test_national_reference(dataset):
    assert dataset.national_reference("lbm").value == pytest.approx(REF, abs=1e-9)
    assert dataset.national_reference("afw").value == 0.0
    assert dataset.national_reference("lbm").method == "published"


def test_unscored_polygons_have_no_value_never_zero(dataset):
    wijken = dataset.codes("wijk")
    scored = set(dataset.scores["code"])
    unscored = [c for c in wijken if c not in scored]
    assert 180 <= len(unscored) <= 240  # ~185 without any score, plus the substantive mismatches
    assert all(dataset.value(c, 2022) is None for c in unscored)
    assert dataset.values(unscored, 2022).isna().all()


def test_a_measure_typo_is_refused(dataset):
    with pytest.raises(ValueError, match="`measure` was 'lbn' but is expected to be one of lbm, afw"):
        dataset.value("WK0363AA", 2022, "lbn")


def test_missing_dataset_folder_says_how_to_build(tmp_path):
    with pytest.raises(geo.DataFileError, match="rebuild it with `python -m geo build --out"):
        geo.load_dataset(tmp_path)


@given(st.sampled_from(["BU0363AA01", "BU0363KG01", "WK0363AA", "WK059901", "BU0014AB05"]))
def test_parent_of_is_a_prefix_relation(code):
    parent = geo.parent_of(code)
    assert parent[2:] == code[2 : 2 + len(parent) - 2]
    assert geo.level_of(parent) == {"buurt": "wijk", "wijk": "gemeente"}[geo.level_of(code)]


@pytest.mark.parametrize("bad", ["WK036", "BU0363AA1", "GM363", "wk0363aa", "", "XX000000"])
def test_level_of_refuses_malformed_codes(bad):
    with pytest.raises(ValueError, match="is not a CBS area code"):
        geo.level_of(bad)
