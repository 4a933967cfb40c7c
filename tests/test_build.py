"""The build (geo.build, ``python -m geo build``): reproducible, traceable, all or nothing.

A full build takes a few seconds, so this file builds three times in all: the project's sources
into two folders (module fixture ``two_builds``) and the official download names through the
command line (module fixture ``official``). The failing builds stop while reading, before any
output is written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import geo
from tests.conftest import AMSTERDAM_BUURTEN, BUURT_SCORES_2024, ROOT, SOURCES

OUTPUTS = ["areas.parquet", "display.parquet", "excluded.parquet", "manifest.json", "scores.parquet"]
OFFICIAL_SCORES = "Leefbaarometer-scores buurten 2002-2024.csv"
OFFICIAL_AREAS = "buurt 2024.gpkg"


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included), by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], capture_output=True, text=True, cwd=ROOT, check=False, timeout=120
    )


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path, dict]:
    a, b = tmp_path_factory.mktemp("build_a"), tmp_path_factory.mktemp("build_b")
    with pytest.warns(UserWarning, match="invalid geometry made valid"):
        manifest = geo.build(SOURCES, a)
    with pytest.warns(UserWarning, match="invalid geometry made valid"):
        geo.build(SOURCES, b)
    return a, b, manifest


@pytest.fixture(scope="module")
def manifest(two_builds) -> dict:
    return json.loads((two_builds[0] / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(two_builds) -> geo.Dataset:
    return geo.load_dataset(two_builds[0])


@pytest.fixture(scope="module")
def official_sources(tmp_path_factory) -> Path:
    """A folder holding the official national downloads by their published names (Amsterdam rows only)."""
    src = tmp_path_factory.mktemp("downloads")
    shutil.copy(BUURT_SCORES_2024, src / OFFICIAL_SCORES)
    gdf = gpd.read_file(AMSTERDAM_BUURTEN)[["bu_code", "bu_naam", "geometry"]].to_crs(28992)
    gdf.to_file(src / OFFICIAL_AREAS)  # as published: GPKG, RD New, only bu_code and bu_naam
    return src


@pytest.fixture(scope="module")
def official(official_sources, tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("official_out")
    return _cli("build", "--from", str(official_sources), "--out", str(out)), out


# -- reproducible -------------------------------------------------------------------------------
def test_two_builds_of_the_same_sources_are_byte_identical(two_builds):
    a, b, _ = two_builds
    files_a, files_b = _files(a), _files(b)
    assert sorted(files_a) == OUTPUTS  # no temporary folder or stray file left behind
    assert sorted(files_b) == OUTPUTS
    for name in OUTPUTS:
        assert files_a[name] == files_b[name], f"{name} differs between two builds of the same sources"


def test_the_embedded_dataset_is_the_build_of_the_project_sources(two_builds):
    built = _files(two_builds[0])
    for name in OUTPUTS:
        assert built[name] == (ROOT / "data" / name).read_bytes(), (
            f"data/{name} is not the build of data/sources: run `python -m geo build`"
        )


def test_build_returns_the_manifest_it_writes(two_builds, manifest):
    returned = json.loads(json.dumps(two_builds[2], sort_keys=True, default=str))
    assert returned == manifest


# -- traceable ----------------------------------------------------------------------------------
def test_manifest_sha256_are_those_of_the_source_files(manifest):
    entries = {s["file"]: s for s in manifest["sources"]}
    on_disk = sorted(
        p.relative_to(SOURCES).as_posix()
        for p in SOURCES.rglob("*")
        if p.suffix in (".csv", ".geojson", ".gpkg", ".parquet", ".xlsx")
    )
    assert sorted(entries) == on_disk and len(on_disk) == 6
    for rel, entry in entries.items():
        data = (SOURCES / rel).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), rel
        assert entry["bytes"] == len(data)


def test_manifest_carries_publisher_licence_and_attribution_from_sources_json(manifest):
    provenance = json.loads((SOURCES / "sources.json").read_text(encoding="utf-8"))["files"]
    for entry in manifest["sources"]:
        given = provenance[entry["file"]]
        for key in ("publisher", "licence", "attribution", "url", "title"):
            assert entry[key] == given[key], (entry["file"], key)
    by_file = {s["file"]: s for s in manifest["sources"]}
    scores_2022 = by_file["leefbaarometer/Leefbaarometer-scores wijken 2002-2022.csv"]
    assert (scores_2022["meting"], scores_2022["rows"], scores_2022["areas"]) == (2022, 26366, 3310)
    wijken = by_file["cbs/wijken_2024.geojson"]
    assert (wijken["kind"], wijken["level"], wijken["features"], wijken["vintage"]) == ("areas", "wijk", 3475, 2024)
    assert wijken["licence"] == "CC BY 4.0" and wijken["attribution"] == "CBS / Kadaster"


def test_manifest_counts_years_and_crs(manifest):
    assert manifest["counts"]["areas"] == {"gemeente": 343, "wijk": 3475, "buurt": 518}
    assert manifest["counts"]["scored_areas"]["buurt"] == 489
    assert manifest["years"] == list(geo.PUBLISHED_YEARS)
    assert manifest["crs"] == {"storage": "EPSG:28992", "display": "EPSG:4326"}
    assert set(manifest["counts"]["excluded_rows"]) == {
        "name mismatch",
        "no polygon",
        "superseded: code renumbered in a newer measurement",
    }


def test_manifest_counts_the_repairs(manifest):
    repairs = {r["source"]: r["counts"] for r in manifest["repairs"]}
    assert repairs == {
        "cbs/gemeenten_2024.geojson": {"invalid geometry made valid": 7},
        "cbs/wijken_2024.geojson": {"invalid geometry made valid": 15},
    }


# -- the reconciliation, as built -----------------------------------------------------------------
def test_99_percent_of_scored_wijk_codes_join(manifest):
    wijk = manifest["reconciliation"]["wijk"]
    assert wijk["join_rate"] >= 0.99
    assert wijk["join_rate"] == round(wijk["totals"]["matched"] / wijk["totals"]["scored"], 4)
    assert manifest["reconciliation"]["buurt"]["join_rate"] == 1.0


@pytest.mark.parametrize("gm", ["GM0363", "GM0599", "GM0518", "GM0344"])
def test_all_scored_wijken_of_the_big_four_join(manifest, gm):
    row = manifest["reconciliation"]["wijk"]["join_report"][gm]
    assert row["unmatched"] == 0 and row["scored"] == row["matched"] > 0


def test_about_40_substantive_name_mismatches_are_flagged(manifest, built):
    mismatches = manifest["reconciliation"]["wijk"]["name_mismatches"]
    assert 35 <= mismatches["substantive"] <= 45
    listed = pd.DataFrame(mismatches["list"]).set_index("code")
    assert (listed["match"] == "substantive").sum() == mismatches["substantive"]
    assert listed.loc["WK022502", ["score_name", "area_name", "match"]].tolist() == [
        "Afferden",
        "Druten Zuid",
        "substantive",
    ]
    assert listed.loc["WK047911", ["score_name", "area_name", "match"]].tolist() == [
        "Wijk 11 Zaandam Zuid",
        "Zaandam Zuid",
        "cosmetic",
    ]
    substantive = set(listed.index[listed["match"] == "substantive"])
    assert not substantive & set(built.scores["code"])
    shown = built.excluded[built.excluded["code"].isin(substantive)]
    assert set(shown["code"]) == substantive and set(shown["reason"]) == {"name mismatch"}
    assert "WK047911" in set(built.scores["code"])


def test_amsterdams_old_numeric_codes_are_superseded(manifest, built):
    assert manifest["reconciliation"]["wijk"]["join_report"]["GM0363"]["superseded"] == 99
    old = built.excluded[built.excluded["code"].str.match(r"^WK0363\d\d$")]
    assert old["code"].nunique() == 99 and old["reason"].str.startswith("superseded").all()
    assert built.is_excluded("WK036300") == "superseded: code renumbered in a newer measurement"


# -- the official download names through the command line ----------------------------------------
def test_cli_builds_the_official_national_download_names(official, official_sources):
    run, out = official
    assert run.returncode == 0, run.stderr
    assert f"built {out}" in run.stdout
    assert "buurt: 489/489 scored codes joined (100.0%)" in run.stdout
    assert sorted(_files(out)) == OUTPUTS
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    by_file = {s["file"]: s for s in manifest["sources"]}
    assert sorted(by_file) == [OFFICIAL_SCORES, OFFICIAL_AREAS]
    for name, entry in by_file.items():
        assert entry["sha256"] == hashlib.sha256((official_sources / name).read_bytes()).hexdigest()
    assert (by_file[OFFICIAL_SCORES]["meting"], by_file[OFFICIAL_SCORES]["rows"]) == (2024, 4316)
    assert by_file[OFFICIAL_SCORES]["licence"] == "CC0 1.0"  # defaults when there is no sources.json
    area = by_file[OFFICIAL_AREAS]
    assert (area["source_crs"], area["features"], area["vintage"], area["licence"]) == (
        "EPSG:28992",
        518,
        2024,
        "CC BY 4.0",
    )


def test_cli_build_of_buurten_only_gives_a_usable_dataset(official):
    run, out = official
    assert run.returncode == 0, run.stderr
    ds = geo.load_dataset(out)
    assert len(ds.codes("buurt")) == 518 and ds.parent("BU0363AA01") == "WK0363AA"
    published = pd.read_csv(BUURT_SCORES_2024, na_values=["NA"]).set_index(["bu_code", "jaar"])
    assert ds.value("BU0363AA01", 2024) == published.loc[("BU0363AA01", 2024), "lbm"]
    assert ds.value("BU0363AA01", 2014, "won") == published.loc[("BU0363AA01", 2014), "won"]
    # wijken and the gemeente are dissolved from the buurten, named by code: nothing is made up
    wijken = ds.codes("wijk")
    assert wijken == sorted(ds.areas.loc[ds.codes("buurt"), "parent_code"].unique())
    assert ds.name("WK0363AA") == "WK0363AA" and ds.codes("gemeente") == ["GM0363"]
    assert ds.areas.loc[wijken, "population"].isna().all()
    buurt_area = ds.areas.loc[ds.codes("buurt")].area.sum()
    assert ds.areas.loc[wijken].area.sum() == pytest.approx(buurt_area, rel=1e-6)


# -- all or nothing -------------------------------------------------------------------------------
def test_a_broken_source_file_fails_the_cli_and_leaves_the_output_untouched(official, official_sources, tmp_path):
    _, previous = official
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = _files(out)
    src = tmp_path / "src"
    shutil.copytree(official_sources, src)
    scores = src / OFFICIAL_SCORES
    lines = scores.read_text(encoding="utf-8").splitlines()
    assert lines[3].startswith('"BU0363AA01"')
    cells = lines[3].split(",")
    cells[3] = "4.1x"  # a typo in the lbm of spreadsheet row 4
    lines[3] = ",".join(cells)
    scores.write_text("\n".join(lines) + "\n", encoding="utf-8")

    run = _cli("build", "--from", str(src), "--out", str(out))
    assert run.returncode == 2
    assert OFFICIAL_SCORES in run.stderr
    assert "column 'lbm': 1 non-numeric values ('4.1x') in row 4" in run.stderr
    assert "nothing was loaded" in run.stderr and "built" not in run.stdout
    assert _files(out) == before  # same files, same bytes, no temporary folder


def test_a_broken_area_file_fails_the_build_and_leaves_the_output_untouched(official, official_sources, tmp_path):
    _, previous = official
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    before = _files(out)
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(official_sources / OFFICIAL_SCORES, src / OFFICIAL_SCORES)
    rd = gpd.read_file(official_sources / OFFICIAL_AREAS)
    rd.set_crs(4326, allow_override=True).to_file(src / OFFICIAL_AREAS)  # declares degrees, holds metres
    with pytest.raises(geo.ValidationError, match=r"(?s)buurt 2024\.gpkg: 1 problem found.*look like RD New metres"):
        geo.build(src, out)
    assert _files(out) == before


def test_areas_given_twice_are_refused(official_sources, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(official_sources, src)
    shutil.copy(AMSTERDAM_BUURTEN, src / "buurten.geojson")
    with pytest.raises(
        geo.ValidationError,
        match=r"518 buurt codes \(e\.g\. BU0363AA01\) also appear in .*keep one file per set of areas",
    ):
        geo.build(src, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_folder_without_scores_or_areas_says_what_is_needed(official_sources, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(official_sources / OFFICIAL_SCORES, src / OFFICIAL_SCORES)
    with pytest.raises(
        geo.DataFileError, match=r"holds 1 score files and 0 area files; the build needs at least one of each"
    ):
        geo.build(src, tmp_path / "out")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(geo.DataFileError, match=r"holds 0 score files and 0 area files"):
        geo.build(empty, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_missing_source_folder(tmp_path):
    with pytest.raises(geo.DataFileError, match=r"source folder .*nope does not exist; pass --from"):
        geo.build(tmp_path / "nope", tmp_path / "out")
    run = _cli("build", "--from", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert run.returncode == 2 and "does not exist" in run.stderr
    assert not (tmp_path / "out").exists()
