"""Reading the Leefbaarometer WFS export (geo.wfs) as published.

Real facts are asserted on the project's copy of the export (``data/sources/leefbaarometer/
wfs-meting-2024``), with expected values read from the files with ``json`` only. Every error path
is fed a small copy of three real features (the first buurten of Aalsmeer) with one thing broken.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest

import geo
from geo.wfs import RAW_CLASSES, load_feature_collection, read_wfs, wfs_level
from tests.conftest import SOURCES, WIJKEN_2024

WFS = SOURCES / "leefbaarometer" / "wfs-meting-2024"
BUURT_FILES = sorted((WFS / "buurten").glob("*.geojson"))
GEMEENTEN = WFS / "gemeenten.geojson"
REFERENCE = 4.102264851143685  # lbm - afw on every row of the published CSVs


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="session")
def wfs_buurten() -> list[geo.wfs.WfsFile]:
    return [read_wfs(p) for p in BUURT_FILES]


@pytest.fixture(scope="session")
def wfs_gemeenten() -> geo.wfs.WfsFile:
    return read_wfs(GEMEENTEN)


@pytest.fixture
def sample() -> dict:
    """The first three buurten of the Noord-Holland file (Aalsmeer), as published."""
    features = _features(WFS / "buurten" / "27.geojson")[:3]
    assert [f["properties"]["code"] for f in features] == ["BU03580000", "BU03580001", "BU03580004"]
    return {"type": "FeatureCollection", "features": copy.deepcopy(features)}


def _write(tmp_path: Path, data: dict, name: str = "broken.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _problems(tmp_path: Path, data: dict) -> str:
    path = _write(tmp_path, data)
    with pytest.raises(geo.ValidationError) as info:
        read_wfs(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "nothing was loaded" in message
    return message


# -- the real export ------------------------------------------------------------------------------
def test_12147_buurten_with_unique_codes_in_all_342_gemeenten(wfs_buurten):
    frame = pd.concat([w.frame for w in wfs_buurten])
    expected = [f["properties"]["code"] for p in BUURT_FILES for f in _features(p)]
    assert len(frame) == len(expected) == 12_147
    assert sorted(frame["code"]) == sorted(expected) and frame["code"].is_unique
    assert frame["code"].str.slice(2, 6).nunique() == 342
    assert {w.level for w in wfs_buurten} == {"buurt"} and {w.year for w in wfs_buurten} == {2024}
    index = json.loads((WFS / "buurten" / "index.json").read_text(encoding="utf-8"))
    assert {p.stem: len(w.frame) for p, w in zip(BUURT_FILES, wfs_buurten, strict=True)} == {
        code: entry["n_features"] for code, entry in index.items()
    }


def test_342_gemeenten_with_their_published_raw_values(wfs_gemeenten):
    assert (wfs_gemeenten.level, wfs_gemeenten.year, len(wfs_gemeenten.frame)) == ("gemeente", 2024, 342)
    raw = {f["properties"]["code"]: f["properties"]["raw"] for f in _features(GEMEENTEN)}
    frame = wfs_gemeenten.frame.set_index("code")
    assert "GM1992" in frame.index and frame.loc["GM1992", "name"] == "Voorne aan Zee"
    for code in ("GM0014", "GM0363", "GM1992"):
        for m in ("afw", *geo.DIMENSIONS):
            assert frame.loc[code, m] == raw[code][m]  # the raw value, not the rounded convenience field
        for c in RAW_CLASSES:
            assert frame.loc[code, c] == raw[code][c]
    # Groningen: raw afw 0.0272893 (the convenience field says 0.0273)
    assert frame.loc["GM0014", "afw"] == 0.0272893


def test_lbm_is_derived_from_afw_and_the_national_reference(wfs_gemeenten):
    raw = {f["properties"]["code"]: f["properties"]["raw"]["afw"] for f in _features(GEMEENTEN)}
    frame = wfs_gemeenten.frame.set_index("code")
    expected = pd.Series(raw).reindex(frame.index) + REFERENCE
    assert (frame["lbm"] - expected).abs().max() == 0
    assert wfs_gemeenten.derived == ("lbm",) and wfs_gemeenten.national_reference == REFERENCE
    other = read_wfs(GEMEENTEN, national_reference=4.0)
    assert other.frame.set_index("code").loc["GM0014", "lbm"] == pytest.approx(4.0272893, abs=1e-12)


def test_polygons_are_in_rd_new_with_parents_by_code(wfs_buurten):
    w = wfs_buurten[BUURT_FILES.index(WFS / "buurten" / "27.geojson")]
    areas = w.areas.set_index("code")
    assert w.areas.crs.to_epsg() == 28992 and w.source_crs == "EPSG:4326"
    assert areas.loc["BU03580000", ["parent_code", "gemeente_code", "gemeente_name", "name"]].tolist() == [
        "WK035800",
        "GM0358",
        "Aalsmeer",
        "Centrum",
    ]
    assert areas["population"].isna().all()  # the export has no inhabitants
    assert areas.geometry.is_valid.all() and areas.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    # Aalsmeer lies around RD x 110 km, y 475 km
    x, y = areas.loc["BU03580000"].geometry.centroid.coords[0]
    assert 105_000 < x < 115_000 and 470_000 < y < 480_000


def test_every_buurt_lies_in_a_cbs_2024_wijk_code(wfs_buurten):
    wijken = {f["properties"]["wijkcode"] for f in _features(WIJKEN_2024)}
    parents = pd.concat([w.areas for w in wfs_buurten])["parent_code"]
    assert parents.isin(wijken).all(), sorted(set(parents) - wijken)[:5]


# -- recognised by content ------------------------------------------------------------------------
def test_recognised_by_content_not_by_name(tmp_path, sample):
    assert wfs_level(load_feature_collection(GEMEENTEN)) == "gemeente"
    assert wfs_level(sample) == "buurt"
    renamed = _write(tmp_path, sample, "anything.json")
    assert read_wfs(renamed).level == "buurt"
    # an ordinary area file, the province outlines and the index are not score exports
    assert wfs_level(load_feature_collection(WIJKEN_2024)) is None
    assert wfs_level(load_feature_collection(WFS / "provincies.geojson")) is None
    assert load_feature_collection(WFS / "buurten" / "index.json") is None


def test_not_a_score_export_is_a_data_file_error(tmp_path):
    with pytest.raises(geo.DataFileError, match=r"provincies\.geojson: not a WFS score export.*lbm3:buurtscore24"):
        read_wfs(WFS / "provincies.geojson")
    with pytest.raises(geo.DataFileError, match=r"index\.json: not a GeoJSON FeatureCollection"):
        read_wfs(WFS / "buurten" / "index.json")
    bad = tmp_path / "cut.geojson"
    bad.write_text(GEMEENTEN.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(geo.DataFileError, match=r"cut\.geojson: not valid JSON \(.* at line 1, column \d+\)"):
        read_wfs(bad)


# -- every error path, on a broken copy of real features -------------------------------------------
def test_missing_raw(tmp_path, sample):
    del sample["features"][1]["properties"]["raw"]
    msg = _problems(tmp_path, sample)
    assert "features[1] (code 'BU03580001'): properties.raw is missing" in msg
    assert "use the WFS export as published" in msg


def test_missing_field_in_raw(tmp_path, sample):
    del sample["features"][2]["properties"]["raw"]["kvrz"]
    msg = _problems(tmp_path, sample)
    assert "features[2] (code 'BU03580004'): raw.kvrz is missing" in msg


def test_non_numeric_value(tmp_path, sample):
    sample["features"][0]["properties"]["raw"]["onv"] = "0,00538553"  # a decimal comma
    msg = _problems(tmp_path, sample)
    assert "features[0] (code 'BU03580000'): raw.onv is '0,00538553', not a number" in msg
    assert "write it as a JSON number" in msg


def test_class_outside_1_to_9(tmp_path, sample):
    sample["features"][1]["properties"]["raw"]["kscore"] = 10
    msg = _problems(tmp_path, sample)
    assert "features[1] (code 'BU03580001'): raw.kscore is 10, not an official class 1-9" in msg


def test_bad_code(tmp_path, sample):
    sample["features"][2]["properties"]["code"] = "BU0358004"  # a digit lost
    msg = _problems(tmp_path, sample)
    assert "features[2] (code 'BU0358004'): properties.code is not a buurt code" in msg
    assert "looks like BU0363AA01" in msg and "Fix the code or remove the feature" in msg


def test_dimensions_not_adding_up_to_afw(tmp_path, sample):
    raw = sample["features"][0]["properties"]["raw"]
    raw["vrz"] = raw["vrz"] + 2e-5
    msg = _problems(tmp_path, sample)
    assert "features[0] (code 'BU03580000'): raw.fys + onv + soc + vrz + won" in msg
    assert "allowed 1e-05" in msg and "must add up to afw" in msg


def test_dimensions_within_the_tolerance_are_accepted(tmp_path, sample):
    raw = sample["features"][0]["properties"]["raw"]
    raw["vrz"] = raw["vrz"] + 5e-6  # rounding of the published digits stays within 1e-5
    assert len(read_wfs(_write(tmp_path, sample)).frame) == 3


def test_duplicate_code(tmp_path, sample):
    sample["features"].append(copy.deepcopy(sample["features"][0]))
    msg = _problems(tmp_path, sample)
    assert "features[0] and features[3] share code 'BU03580000'" in msg and "remove the duplicate feature" in msg


def test_year_that_is_not_a_measurement_year(tmp_path, sample):
    sample["features"][1]["properties"]["raw"]["year"] = "2023"
    msg = _problems(tmp_path, sample)
    assert "features[1] (code 'BU03580001'): raw.year is '2023', not a measurement year" in msg


def test_year_that_differs_from_the_other_features(tmp_path, sample):
    sample["features"][2]["properties"]["raw"]["year"] = "2022"
    msg = _problems(tmp_path, sample)
    assert "features[2] (code 'BU03580004'): raw.year is 2022 but the other features of the file have 2024" in msg


def test_geometry_that_is_not_a_polygon(tmp_path, sample):
    sample["features"][0]["geometry"] = {"type": "Point", "coordinates": [4.76, 52.26]}
    msg = _problems(tmp_path, sample)
    assert "features[0] (code 'BU03580000'): geometry is 'Point', not a Polygon or MultiPolygon" in msg


def test_coordinates_outside_the_netherlands(tmp_path, sample):
    ring = sample["features"][1]["geometry"]["coordinates"][0]
    sample["features"][1]["geometry"]["coordinates"][0] = [[y, x] for x, y in ring]  # lat/lon swapped
    msg = _problems(tmp_path, sample)
    assert "features[1] (code 'BU03580001'): coordinates" in msg and "GeoJSON must be WGS84" in msg


def test_every_problem_is_listed_at_once(tmp_path, sample):
    del sample["features"][0]["properties"]["raw"]
    sample["features"][2]["properties"]["raw"]["afw"] = None
    msg = _problems(tmp_path, sample)
    assert "2 problems found" in msg
    assert "features[0] (code 'BU03580000'): properties.raw is missing" in msg
    assert "features[2] (code 'BU03580004'): raw.afw is missing" in msg
