"""The build (geo.build, ``python -m geo build``): reproducible, traceable, all or nothing.

The project's sources (CSVs, CBS and Amsterdam polygons, and the Leefbaarometer WFS export of
meting 2024) are built twice, once per session (fixture ``two_builds``), and the official
download names once through the command line (fixture ``official``). Expected values are read
from the source files with ``json``/``pandas``, never with the build's own code. The failing
builds stop while reading, before any output is written.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import geo
from tests.conftest import AMSTERDAM_BUURTEN, BUURT_SCORES_2024, GEMEENTEN_2024, ROOT, SOURCES, WIJKEN_2024

OFFICIAL_SCORES = "Leefbaarometer-scores buurten 2002-2024.csv"
OFFICIAL_AREAS = "buurt 2024.gpkg"
WFS = SOURCES / "leefbaarometer" / "wfs-meting-2024"
WFS_BUURTEN = sorted((WFS / "buurten").glob("*.geojson"))
REFERENCE = 4.102264851143685  # lbm - afw on every row of the published CSVs
CLASS_FIELDS = ("kscore", "kafw", "kfys", "konv", "ksoc", "kvrz", "kwon")


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included), by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _outputs(manifest: dict) -> list[str]:
    """The files a build writes: its content-addressed tables and the manifest."""
    return sorted(["manifest.json", *(entry["file"] for entry in manifest["files"].values())])


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], capture_output=True, text=True, cwd=ROOT, check=False, timeout=300
    )


def _wfs_features() -> pd.DataFrame:
    """Every feature of the WFS export (buurten and gemeenten), read with json only."""
    rows = []
    for path in [*WFS_BUURTEN, WFS / "gemeenten.geojson"]:
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            props = feature["properties"]
            rows.append({"code": props["code"], "file": path.relative_to(SOURCES).as_posix(), **props["raw"]})
    return pd.DataFrame(rows).set_index("code")


@pytest.fixture(scope="session")
def two_builds(tmp_path_factory) -> tuple[Path, Path, dict, float]:
    a, b = tmp_path_factory.mktemp("build_a"), tmp_path_factory.mktemp("build_b")
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        manifest = geo.build(SOURCES, a)
    seconds = time.perf_counter() - start
    messages = [str(w.message) for w in caught]
    assert any("invalid geometry made valid" in m for m in messages)
    assert not any("left out" in m for m in messages), messages  # every project file is accounted for
    with pytest.warns(UserWarning, match="invalid geometry made valid"):
        geo.build(SOURCES, b)
    return a, b, manifest, seconds


@pytest.fixture(scope="session")
def manifest(two_builds) -> dict:
    return json.loads((two_builds[0] / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def built(two_builds) -> geo.Dataset:
    return geo.load_dataset(two_builds[0])


@pytest.fixture(scope="session")
def wfs_features() -> pd.DataFrame:
    return _wfs_features()


@pytest.fixture(scope="session")
def official_sources(tmp_path_factory) -> Path:
    """A folder holding the official national downloads by their published names (Amsterdam rows only)."""
    src = tmp_path_factory.mktemp("downloads")
    shutil.copy(BUURT_SCORES_2024, src / OFFICIAL_SCORES)
    gdf = gpd.read_file(AMSTERDAM_BUURTEN)[["bu_code", "bu_naam", "geometry"]].to_crs(28992)
    gdf.to_file(src / OFFICIAL_AREAS)  # as published: GPKG, RD New, only bu_code and bu_naam
    return src


@pytest.fixture(scope="session")
def official(official_sources, tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("official_out")
    return _cli("build", "--from", str(official_sources), "--out", str(out)), out


# -- reproducible -------------------------------------------------------------------------------
def test_two_builds_of_the_same_sources_are_byte_identical(two_builds, manifest):
    a, b, _, _ = two_builds
    files_a, files_b = _files(a), _files(b)
    assert sorted(files_a) == _outputs(manifest)  # no temporary folder or stray file left behind
    assert sorted(files_b) == sorted(files_a)
    for name in files_a:
        assert files_a[name] == files_b[name], f"{name} differs between two builds of the same sources"


def test_the_embedded_dataset_is_the_build_of_the_project_sources(two_builds):
    built = _files(two_builds[0])
    for name, data in built.items():
        path = ROOT / "data" / name
        assert path.exists() and data == path.read_bytes(), (
            f"data/{name} is not the build of data/sources: run `python -m geo build`"
        )


def test_the_data_files_stay_small_and_the_build_fast(two_builds, manifest):
    sizes = {name: (two_builds[0] / name).stat().st_size for name in _outputs(manifest)}
    parquet = sum(v for k, v in sizes.items() if k.endswith(".parquet"))
    assert parquet < 13_000_000, sizes  # budget: all data/*.parquet well under 15 MB
    assert two_builds[3] < 60, f"the build took {two_builds[3]:.1f} s"


def test_build_returns_the_manifest_it_writes(two_builds, manifest):
    returned = json.loads(json.dumps(two_builds[2], sort_keys=True, default=str))  # [2]: the manifest
    assert returned == manifest


# -- traceable ----------------------------------------------------------------------------------
def test_manifest_sha256_are_those_of_the_source_files(manifest):
    entries = {s["file"]: s for s in manifest["sources"]}
    provenance = json.loads((SOURCES / "sources.json").read_text(encoding="utf-8"))["files"]
    on_disk = sorted(
        rel
        for rel in (p.relative_to(SOURCES).as_posix() for p in SOURCES.rglob("*"))
        if rel.endswith((".csv", ".geojson", ".gpkg", ".parquet", ".xlsx"))
        and provenance.get(rel, {}).get("build", True)
        and not rel.startswith("programmes/")  # area sets (geo.sets): "build": false for the folder
    )
    assert sorted(entries) == on_disk and len(on_disk) == 6 + 13  # 6 files + the WFS export (12 + 1)
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
    # buurten: Amsterdam's 518 polygons and the 12,147 - 441 WFS buurten of the other gemeenten
    assert manifest["counts"]["areas"] == {"gemeente": 343, "wijk": 3475, "buurt": 518 + 12_147 - 441}
    assert manifest["counts"]["scored_areas"]["gemeente"] == 342
    assert manifest["counts"]["scored_areas"]["buurt"] == 489 + 12_147 - 441
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
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(_files(out)) == _outputs(manifest)
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


# -- the whole country: the WFS export of meting 2024 -----------------------------------------------
def test_wfs_buurten_fill_every_gemeente_but_amsterdam(built, manifest, wfs_features):
    wfs_buurten = set(wfs_features.index[wfs_features.index.str.startswith("BU")])
    assert len(wfs_buurten) == 12_147
    buurten = set(built.codes("buurt"))
    outside = {c for c in buurten if not c.startswith("BU0363")}
    assert outside == {c for c in wfs_buurten if not c.startswith("BU0363")}
    assert len({c[2:6] for c in buurten}) == 342  # every gemeente has buurten
    used = {k: v for k, v in manifest["precedence"]["areas"].items() if v["level"] == "buurt"}
    assert sum(v["polygons_used"] for v in used.values()) == 12_147 - 441
    assert sum(v["polygons_replaced"].get("buurten.geojson", 0) for v in used.values()) == 441
    assert all(not v["codes_without_polygon_in_preferred_file"] for v in used.values())
    # the gemeente polygons stay the CBS ones (343, with GM0998 Buitenland, which the CBS wijken use)
    gm = manifest["precedence"]["areas"]["leefbaarometer/wfs-meting-2024/gemeenten.geojson"]
    assert gm["polygons_used"] == 0 and gm["polygons_replaced"] == {"gemeenten_2024.geojson": 342}
    cbs = {f["properties"]["gm_code"] for f in json.loads(GEMEENTEN_2024.read_text(encoding="utf-8"))["features"]}
    assert set(built.codes("gemeente")) == cbs and "GM0998" in cbs and "GM1992" in cbs


def test_every_buurts_wijk_and_gemeente_code_exists(built, manifest):
    wijken, gemeenten = set(built.codes("wijk")), set(built.codes("gemeente"))
    buurten = built.codes("buurt")
    assert len(buurten) == 12_224
    assert not [c for c in buurten if "WK" + c[2:8] not in wijken]
    assert not [c for c in buurten if "GM" + c[2:6] not in gemeenten]
    assert not [c for c in wijken if "GM" + c[2:6] not in gemeenten]
    assert manifest["hierarchy"] == {
        "buurt": {"areas": 12_224, "without_parent": [], "without_gemeente": []},
        "wijk": {"areas": 3475, "without_parent": [], "without_gemeente": []},
    }


def test_amsterdam_keeps_its_full_precision_polygons_and_2002_2024_history(built, amsterdam_buurten):
    source = amsterdam_buurten.frame.set_index("code")
    ours = built.areas.loc[source.index]
    assert len(source) == 518 and (ours["level"] == "buurt").all()
    assert ours.geometry.geom_equals_exact(source.geometry, tolerance=0).all()
    published = pd.read_csv(BUURT_SCORES_2024, na_values=["NA"])
    history = published[published["bu_code"] == "BU0363AA01"]
    assert built.years(code="BU0363AA01") == sorted(history["jaar"]) == list(geo.PUBLISHED_YEARS)
    rows = built.scores[built.scores["code"].str.startswith("BU0363")]
    assert set(rows["source"]) == {"leefbaarometer/meting-2024-buurten-amsterdam.csv"}
    scored = published[published["lbm"].notna() | published["afw"].notna()]
    assert len(rows) == len(scored)  # every scored Amsterdam buurt-year, from the CSV
    merged = rows.merge(scored, left_on=["code", "year"], right_on=["bu_code", "jaar"], suffixes=("", "_csv"))
    assert len(merged) == len(rows) and (merged["afw"] == merged["afw_csv"]).all()


def test_where_csv_and_wfs_both_score_the_csv_wins_and_agreement_is_reported(built, manifest, wfs_features):
    published = pd.read_csv(BUURT_SCORES_2024, na_values=["NA"])
    csv = published[published["jaar"] == 2024].set_index("bu_code")
    both = wfs_features.index.intersection(csv.index)
    assert len(both) == 441
    report = manifest["precedence"]["scores"]["buurt"]
    assert report["compared"] == 441
    for m in ("afw", *geo.DIMENSIONS):
        diff = float((wfs_features.loc[both, m].astype(float) - csv.loc[both, m]).abs().max())
        assert report["max_abs_difference"][m] == pytest.approx(diff, abs=1e-15)
        # 6 significant digits (at most 5e-7 below 1) after a float32 step (3e-8): 5.3e-7
        assert diff <= 5.3e-7
    lbm = float((wfs_features.loc[both, "afw"].astype(float) + REFERENCE - csv.loc[both, "lbm"]).abs().max())
    assert report["max_abs_difference"]["lbm"] == pytest.approx(lbm, abs=1e-15) and lbm <= 5.3e-7
    # BU0363FC01: the WFS says afw -0.17234, the CSV -0.172340504056898; the CSV is kept
    assert (
        built.value("BU0363FC01", 2024, "afw") == csv.loc["BU0363FC01", "afw"] != wfs_features.loc["BU0363FC01", "afw"]
    )
    assert built.derived_measures("BU0363FC01", 2024) == ()
    assert built.official_class("BU0363FC01", 2024) == wfs_features.loc["BU0363FC01", "kscore"]


def test_derived_lbm_is_flagged_per_row_and_in_the_manifest(built, manifest, wfs_features):
    scores = built.scores.set_index(["code", "year"])
    from_wfs = scores[scores["source"].str.startswith("leefbaarometer/wfs-meting-2024/")]
    assert len(from_wfs) == 12_147 - 441 + 342
    assert (from_wfs["derived"] == "lbm").all()
    assert (scores.loc[~scores.index.isin(from_wfs.index), "derived"] == "").all()
    codes = from_wfs.index.get_level_values("code")
    expected = wfs_features.loc[codes, "afw"].astype(float).to_numpy() + REFERENCE
    assert np.abs(from_wfs["lbm"].to_numpy() - expected).max() < 1e-15
    derived = manifest["derived"]["lbm"]
    assert derived["rows"] == len(from_wfs) and derived["national_reference"] == pytest.approx(REFERENCE, abs=1e-12)
    assert derived["formula"] == "lbm = afw + national reference"
    assert len(derived["sources"]) == 13 and "meting-2024" in derived["reference_from"]
    assert built.derived_measures("GM0014", 2024) == ("lbm",)
    wfs_entries = [s for s in manifest["sources"] if s["file"].startswith("leefbaarometer/wfs-meting-2024/")]
    assert len(wfs_entries) == 13 and all(s["derived"] == ["lbm"] for s in wfs_entries)


def test_gemeenten_have_their_official_2024_score(built, wfs_features):
    gemeenten = wfs_features[wfs_features.index.str.startswith("GM")]
    assert len(gemeenten) == 342
    scored = built.scores[built.scores["code"].str.startswith("GM")]
    assert sorted(scored["code"]) == sorted(gemeenten.index) and set(scored["year"]) == {2024}
    for code in ("GM0014", "GM0599", "GM1992"):
        raw = gemeenten.loc[code]
        for m in ("afw", *geo.DIMENSIONS):
            assert built.value(code, 2024, m) == raw[m]
        ref = built.official_reference(code, 2024, "afw")
        assert (ref.value, ref.method, ref.n_areas) == (raw["afw"], "official", 1)
    # any area's official reference is its gemeente's score; lbm is afw + the national reference
    groningen = built.official_reference("WK001400", 2024)
    assert groningen.value == pytest.approx(0.0272893 + REFERENCE, abs=1e-12) and groningen.method == "official"
    assert built.official_reference("WK001400", 2022).value is None
    assert built.city_reference("WK001400", 2022).method != "official"
    assert built.value("GM0998", 2024) is None


def test_every_published_class_is_stored(built, wfs_features):
    rows = built.scores[built.scores["year"] == 2024].set_index("code")
    codes = wfs_features.index
    for field in CLASS_FIELDS:
        assert (rows.loc[codes, field].astype(int).to_numpy() == wfs_features[field].astype(int).to_numpy()).all()
    assert built.scores.loc[built.scores["year"] != 2024, list(CLASS_FIELDS)].isna().all().all()
    assert built.official_class("GM0014", 2024, "vrz") == 7 and built.official_class("GM0014", 2022) is None


def test_inhabitants_of_wijken_and_gemeenten_and_none_for_buurten(built, manifest):
    wijken = pd.DataFrame([f["properties"] for f in json.loads(WIJKEN_2024.read_text(encoding="utf-8"))["features"]])
    per_gemeente = wijken.groupby("gemeentecode")["aantal_inwoners"].sum(min_count=1).dropna()
    areas = built.areas
    assert areas.loc[per_gemeente.index, "population"].to_numpy() == pytest.approx(per_gemeente.to_numpy())
    assert areas.loc["GM0363", "population"] == wijken.loc[wijken["gemeentecode"] == "GM0363", "aantal_inwoners"].sum()
    known = wijken.dropna(subset=["aantal_inwoners"]).set_index("wijkcode")["aantal_inwoners"]
    assert areas.loc[known.index, "population"].to_numpy() == pytest.approx(known.to_numpy())
    assert areas.loc[built.codes("buurt"), "population"].isna().all()
    note = manifest["population"]["buurt"]
    assert note["with_population"] == 0 and note["source"].startswith("none in the shared data")


def test_a_files_own_texts_replace_the_defaults_english_ones_too():
    """sources.json's publisher or licence for a file wins over the default of its kind in both languages.

    The defaults give Dutch texts and their English versions (publisher_en, licence_en); a file's own
    Dutch text without an English one must not be shown beside the default's English text."""
    from geo.build import _DEFAULT_PROVENANCE, _provenance
    from geo.credits import source_text

    own = _provenance(_DEFAULT_PROVENANCE["wfs"], {"licence": "CC BY 4.0 (eigen export)", "publisher": "Eigen bureau"})
    assert source_text(own, "licence", "en") == "CC BY 4.0 (eigen export)"
    assert source_text(own, "publisher", "en") == "Eigen bureau"
    assert own["attribution"] == _DEFAULT_PROVENANCE["wfs"]["attribution"]  # what the file does not give stays
    both = _provenance(_DEFAULT_PROVENANCE["wfs"], {"licence": "CC0 1.0 (eigen)", "licence_en": "CC0 1.0 (own)"})
    assert (source_text(both, "licence", "nl"), source_text(both, "licence", "en")) == (
        "CC0 1.0 (eigen)",
        "CC0 1.0 (own)",
    )
    default = _provenance(_DEFAULT_PROVENANCE["wfs"], {})
    assert "geometry" in source_text(default, "licence", "en") and "geometrie" in source_text(default, "licence", "nl")


# -- discovery: sources.json, stray files, recognition by content ----------------------------------
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"files": {"a.csv": {"licence": "CC0"}', r"not valid JSON \(Expecting ',' delimiter at line 1, column \d+\)"),
        ('["a.csv"]', r"has a JSON list; it must be \{\"files\""),
        ('{"file": {}}', r"has no 'files' object; it must be"),
        ('{"files": {"a.csv": "CC0"}}', r"the entry for 'a\.csv' is a JSON str, not an object"),
        ('{"files": {"a.csv": {"build": "no"}}}', r"the entry for 'a\.csv' has 'build': 'no'; write true or false"),
    ],
)
def test_a_malformed_sources_json_names_the_file_and_the_problem(official_sources, tmp_path, text, problem):
    src = tmp_path / "src"
    shutil.copytree(official_sources, src)
    (src / "sources.json").write_text(text, encoding="utf-8")
    with pytest.raises(geo.DataFileError, match=r"sources\.json: " + problem):
        geo.build(src, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_stray_files_are_left_out_with_a_warning_and_counted(official_sources, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(official_sources, src)
    (src / "notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    (src / "aandachtswijken.csv").write_text("gemeente,wijk\nAlkmaar,Overdie\n", encoding="utf-8")
    (src / "meta.json").write_text('{"made": "2024"}', encoding="utf-8")
    (src / "broken.json").write_text("{not json", encoding="utf-8")
    (src / "README.md").write_text("# my downloads\n", encoding="utf-8")
    (src / ".cache").mkdir()
    (src / ".cache" / "old.csv").write_text("bu_code;jaar\nbroken", encoding="utf-8")  # hidden: not read
    with pytest.warns(UserWarning, match=r"4 files are neither score nor area files and were left out") as caught:
        manifest = geo.build(src, tmp_path / "out")
    message = next(str(w.message) for w in caught if "left out" in str(w.message))
    for name in ("aandachtswijken.csv", "broken.json", "meta.json", "notes.docx"):
        assert name in message
    assert "README.md" not in message  # documentation is left out silently, but still listed
    assert manifest["counts"]["ignored_files"] == 6
    assert [i["file"] for i in manifest["ignored_files"]] == sorted(
        [".cache/old.csv", "README.md", "aandachtswijken.csv", "broken.json", "meta.json", "notes.docx"]
    )
    assert manifest["counts"]["areas"]["buurt"] == 518  # the real files were built as before


def test_wfs_files_are_recognised_by_content_not_by_name(official_sources, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(official_sources, src)
    (src / "x").mkdir()
    shutil.copy(WFS / "gemeenten.geojson", src / "x" / "download (3).json")
    shutil.copy(WFS / "provincies.geojson", src / "x" / "gemeenten.geojson")  # a misleading name
    with pytest.warns(UserWarning, match=r"1 files are neither.*x/gemeenten\.geojson"):
        manifest = geo.build(src, tmp_path / "out")
    entry = next(s for s in manifest["sources"] if s["file"] == "x/download (3).json")
    assert (entry["level"], entry["rows"], entry["polygons_used"], entry["derived"]) == ("gemeente", 342, 342, ["lbm"])
    assert manifest["counts"]["areas"]["gemeente"] == 342  # no CBS gemeente file: the WFS polygons are used
    assert "province outlines" in manifest["ignored_files"][0]["reason"]
    ds = geo.load_dataset(tmp_path / "out")
    # Amsterdam's official 2024 score as published in the export (raw afw 0.0624663)
    assert ds.official_reference("BU0363AA01", 2024, "afw") == geo.Reference(0.0624663, "official", 1)


def test_a_broken_wfs_file_fails_the_build_naming_feature_and_field(official_sources, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(official_sources, src)
    data = json.loads((WFS / "gemeenten.geojson").read_text(encoding="utf-8"))
    data["features"][5]["properties"]["raw"]["soc"] = "n/a"
    code = data["features"][5]["properties"]["code"]
    (src / "gemeenten.geojson").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(geo.ValidationError, match=rf"features\[5\] \(code '{code}'\): raw\.soc is 'n/a', not a number"):
        geo.build(src, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_buurten_whose_wijk_is_missing_are_reported(official_sources, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(official_sources, src)
    wijken = gpd.read_file(WIJKEN_2024)
    wijken[wijken["wijkcode"].isin(["WK0363AA", "WK0363AB"])].to_file(src / "two_wijken.gpkg")
    with pytest.warns(UserWarning, match=r"buurt codes have no containing area in the dataset \(BU0363AC01"):
        manifest = geo.build(src, tmp_path / "out")
    orphans = manifest["hierarchy"]["buurt"]["without_parent"]
    buurten = gpd.read_file(AMSTERDAM_BUURTEN)["bu_code"]
    expected = sorted(c for c in buurten if c[:8] not in ("BU0363AA", "BU0363AB"))
    assert orphans == expected and len(expected) > 400
    assert manifest["hierarchy"]["buurt"]["without_gemeente"] == []  # GM0363 is dissolved from the two wijken


def test_a_folder_marked_build_false_is_left_out_silently_and_listed_once(official_sources, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(official_sources, src)
    (src / "sets").mkdir()
    for name in ("a.csv", "b.csv"):
        (src / "sets" / name).write_text("gemeente,wijk\nAlkmaar,Overdie\n", encoding="utf-8")
    notes = "area sets, read by geo.sets"
    (src / "sources.json").write_text(json.dumps({"files": {"sets/": {"build": False, "notes": notes}}}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning at all: the Amsterdam files need no repair
        manifest = geo.build(src, tmp_path / "out")
    assert manifest["ignored_files"] == [{"file": "sets/", "reason": notes, "warned": False}]


_BUILD_AFTER_READING = """
import sys, warnings
warnings.simplefilter("ignore")
import geo
ds = geo.load_dataset(sys.argv[1])
ds.display.crs.to_epsg()  # identify the CRS read from the dataset's GeoParquet first
geo.build(sys.argv[2], sys.argv[3])
"""


def test_a_build_writes_the_same_bytes_after_the_process_has_read_a_dataset(tmp_path):
    # PROJ keeps the first EPSG:4326 it builds; when that came from a GeoParquet file's CRS, the
    # display file's CRS was written in another form and the build's bytes depended on the process
    out = tmp_path / "built"
    subprocess.run(
        [sys.executable, "-c", _BUILD_AFTER_READING, str(ROOT / "data"), str(SOURCES), str(out)],
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    for built in sorted(out.glob("*.parquet")):
        embedded = ROOT / "data" / built.name
        assert embedded.exists(), f"{built.name}: not the embedded dataset's file (another build's bytes)"
        assert built.read_bytes() == embedded.read_bytes()
