"""Reading area polygons (geo.areas): the real files, the published forms and every repair/error path.

Broken inputs are real Amsterdam buurten or CBS wijken with one thing changed, written to tmp_path
in the formats the official downloads use (GPKG in RD New, GeoJSON in WGS84, GeoParquet).
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.affinity import translate

import geo
from tests.conftest import AMSTERDAM_BUURTEN, GEMEENTEN_2024, WIJKEN_2024


@pytest.fixture(scope="module")
def buurten() -> gpd.GeoDataFrame:
    """The 518 real Amsterdam buurten as published (WGS84, all columns)."""
    return gpd.read_file(AMSTERDAM_BUURTEN)


@pytest.fixture(scope="module")
def buurten_rd(buurten) -> gpd.GeoDataFrame:
    """The same, in RD New."""
    return buurten.to_crs(28992)


@pytest.fixture(scope="module")
def reference(amsterdam_buurten) -> gpd.GeoDataFrame:
    """The buurten as the reader returns them from the published GeoJSON, indexed by code."""
    return amsterdam_buurten.frame.set_index("code")


def _quiet_write(gdf: gpd.GeoDataFrame, path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # geopandas warns about odd geometries / missing CRS on write
        if path.suffix == ".parquet":
            gdf.to_parquet(path)
        else:
            gdf.to_file(path)


def _same_shapes(frame: gpd.GeoDataFrame, reference: gpd.GeoDataFrame, *, tolerance: float = 0.01) -> bool:
    """Tell whether ``frame`` holds the reference's shapes per code (to ``tolerance`` metres)."""
    got = frame.set_index("code").geometry
    ref = reference.geometry.loc[got.index]
    return bool(shapely.equals_exact(got.array, ref.array, tolerance=tolerance).all())


# -- the real files ----------------------------------------------------------------------------
def test_real_wijken(wijken_2024):
    f = wijken_2024.frame
    assert wijken_2024.level == "wijk" and len(f) == 3475 and f["code"].is_unique
    assert wijken_2024.source_crs == "EPSG:4326" and f.crs.to_epsg() == 28992
    assert list(f.columns) == [
        "code",
        "name",
        "parent_code",
        "gemeente_code",
        "gemeente_name",
        "population",
        "geometry",
    ]
    assert f["code"].is_monotonic_increasing and f.index.equals(pd.RangeIndex(len(f)))
    # 15 simplified polygons of the published file are invalid: made valid, counted, named
    assert wijken_2024.report.counts == {"invalid geometry made valid": 15}
    assert "WK009305" in wijken_2024.report.details["invalid geometry made valid"]
    assert f.geometry.is_valid.all() and set(f.geom_type) == {"Polygon", "MultiPolygon"}
    assert (f["parent_code"] == f["gemeente_code"]).all()
    row = f.set_index("code").loc["WK0363AA"]
    assert (row["name"], row["gemeente_name"], row["parent_code"]) == ("Haarlemmerbuurt", "Amsterdam", "GM0363")
    # CBS kerncijfers 2024: 82 wijken without a published population stay unknown, not zero
    assert f["population"].isna().sum() == 82 and f["population"].sum() == 17_942_715


def test_real_wijken_lie_in_rd_new_over_the_netherlands(wijken_2024):
    xmin, ymin, xmax, ymax = wijken_2024.frame.total_bounds
    assert 0 < xmin < xmax < 300_000 and 300_000 < ymin < ymax < 625_000


def test_real_gemeenten():
    with pytest.warns(UserWarning, match="invalid geometry made valid: 7"):
        af = geo.read_areas(GEMEENTEN_2024)
    assert af.level == "gemeente" and len(af.frame) == 343
    assert af.frame["parent_code"].isna().all()
    assert (af.frame["code"] == af.frame["gemeente_code"]).all()
    assert (af.frame["name"] == af.frame["gemeente_name"]).all()


def test_real_amsterdam_buurten(amsterdam_buurten, buurten):
    f = amsterdam_buurten.frame
    assert amsterdam_buurten.level == "buurt" and len(f) == 518
    assert amsterdam_buurten.source_crs == "OGC:CRS84" and f.crs.to_epsg() == 28992
    assert amsterdam_buurten.report.counts == {}
    # parents derived from the code agree with the municipality's own wk_code column
    given = buurten.set_index("bu_code")["wk_code"]
    assert (f.set_index("code")["parent_code"] == given.loc[f["code"]].to_numpy()).all()
    assert set(f["gemeente_name"]) == {"Amsterdam"} and f["population"].isna().all()


# -- the official national download form ---------------------------------------------------------
def test_official_buurt_gpkg_in_rd_new_with_only_code_and_name(tmp_path, buurten_rd, reference):
    path = tmp_path / "buurt 2024.gpkg"
    _quiet_write(buurten_rd[["bu_code", "bu_naam", "geometry"]], path)
    af = geo.read_areas(path)
    assert af.level == "buurt" and len(af.frame) == 518
    assert af.source_crs == "EPSG:28992" and af.frame.crs.to_epsg() == 28992
    f = af.frame.set_index("code")
    assert f.loc["BU0363AA01", "parent_code"] == "WK0363AA"
    assert (f["parent_code"] == reference.loc[f.index, "parent_code"]).all()
    assert (f["gemeente_code"] == "GM0363").all() and f["gemeente_name"].isna().all()
    assert f.loc["BU0363AA01", "name"] == "Planciusbuurt-Noord"
    assert _same_shapes(af.frame, reference)


def test_cbs_column_names_in_any_case(tmp_path, buurten_rd):
    gdf = buurten_rd[["bu_code", "bu_naam", "geometry"]].rename(
        columns={"bu_code": "BuurtCode", "bu_naam": "BUURTNAAM"}
    )
    path = tmp_path / "buurten.gpkg"
    _quiet_write(gdf, path)
    af = geo.read_areas(path)
    assert af.level == "buurt" and af.frame.set_index("code").loc["BU0363AA01", "name"] == "Planciusbuurt-Noord"


def test_the_finest_level_is_read_unless_one_is_asked_for(tmp_path, buurten):
    # the buurt file also has wk_code: asked for wijken, it holds every wijk many times
    with pytest.raises(
        geo.ValidationError, match=r"column 'wk_code': duplicate codes WK0363AA, .* each area must appear once"
    ):
        geo.read_areas(AMSTERDAM_BUURTEN, level="wijk")


def test_asking_for_a_level_the_file_does_not_have(wijken_2024):
    with pytest.raises(
        geo.ValidationError, match=r"no area code column; expected buurtcode/bu_code \(found 'wijkcode', "
    ):
        geo.read_areas(WIJKEN_2024, level="buurt")


# -- CRS ----------------------------------------------------------------------------------------
def test_geoparquet_without_crs_is_recognised_from_the_coordinates(tmp_path, buurten_rd, reference):
    path = tmp_path / "no_crs.parquet"
    _quiet_write(buurten_rd.set_crs(None, allow_override=True), path)
    assert gpd.read_parquet(path).crs is None
    with pytest.warns(UserWarning, match=r"no CRS declared; recognised EPSG:28992 from the coordinate ranges"):
        af = geo.read_areas(path)
    assert af.source_crs == "EPSG:28992" and af.frame.crs.to_epsg() == 28992
    assert af.report.counts == {"CRS recognised from coordinate ranges": 1}
    assert af.report.details == {"CRS recognised from coordinate ranges": ["EPSG:28992"]}
    assert _same_shapes(af.frame, reference)


def test_wgs84_without_crs_is_recognised_too(tmp_path, buurten, reference):
    path = tmp_path / "no_crs_wgs84.parquet"
    _quiet_write(buurten.set_crs(None, allow_override=True), path)
    with pytest.warns(UserWarning, match=r"recognised EPSG:4326 from the coordinate ranges"):
        af = geo.read_areas(path)
    assert af.source_crs == "EPSG:4326"
    assert _same_shapes(af.frame, reference)


def test_declared_wgs84_holding_rd_coordinates_is_refused(tmp_path, buurten_rd):
    path = tmp_path / "wrong.parquet"
    _quiet_write(buurten_rd.set_crs(4326, allow_override=True), path)
    with pytest.raises(
        geo.ValidationError,
        match=r"declares EPSG:4326 \(degrees\) but its coordinates .* look like RD New metres; fix the CRS declared in the file",
    ):
        geo.read_areas(path)


def test_declared_rd_holding_degrees_is_refused(tmp_path, buurten):
    path = tmp_path / "wrong.gpkg"
    _quiet_write(buurten[["bu_code", "bu_naam", "geometry"]].set_crs(28992, allow_override=True), path)
    with pytest.raises(
        geo.ValidationError,
        match=r"in EPSG:28992 the coordinates .* fall outside the Netherlands after conversion to RD New",
    ):
        geo.read_areas(path)


def test_no_crs_and_coordinates_that_fit_neither(tmp_path, buurten_rd):
    far = buurten_rd.set_crs(None, allow_override=True)
    far["geometry"] = far.geometry.translate(xoff=2_000_000)
    path = tmp_path / "far.parquet"
    _quiet_write(far, path)
    with pytest.raises(
        geo.ValidationError, match=r"declares no CRS and its coordinates .* fit neither RD New nor WGS84"
    ):
        geo.read_areas(path)


# -- repairs ------------------------------------------------------------------------------------
def test_self_intersecting_geometry_is_made_valid_and_counted(tmp_path, buurten_rd):
    broken = buurten_rd.copy()
    x0, y0, x1, y1 = broken.geometry.iloc[0].bounds
    bow_tie = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    assert not bow_tie.is_valid
    broken.loc[0, "geometry"] = bow_tie
    path = tmp_path / "buurten.gpkg"
    _quiet_write(broken, path)
    with pytest.warns(UserWarning, match=r"invalid geometry made valid: 1 \(BU0363AA01\)"):
        af = geo.read_areas(path)
    assert af.report.counts == {"invalid geometry made valid": 1}
    assert af.report.details == {"invalid geometry made valid": ["BU0363AA01"]}
    assert len(af.frame) == 518 and af.frame.geometry.is_valid.all()
    # the bow-tie keeps both of its triangles: two parts, half the bounding box
    fixed = af.frame.set_index("code").geometry.loc["BU0363AA01"]
    assert fixed.geom_type == "MultiPolygon" and len(shapely.get_parts(fixed)) == 2
    assert fixed.area == pytest.approx((x1 - x0) * (y1 - y0) / 2, rel=1e-9)
    # the other features are untouched
    assert af.frame["code"].tolist() == sorted(buurten_rd["bu_code"])


def test_a_polygon_collapsed_to_a_line_is_dropped_not_kept_as_a_line(tmp_path, buurten_rd):
    broken = buurten_rd.copy()
    x0, y0, x1, y1 = broken.geometry.iloc[0].bounds
    broken.loc[0, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), ((x0 + x1) / 2, (y0 + y1) / 2)])
    path = tmp_path / "buurten.parquet"
    _quiet_write(broken, path)
    with pytest.warns(UserWarning, match=r"invalid geometry without area dropped: 1 \(BU0363AA01\)"):
        af = geo.read_areas(path)
    assert af.report.counts == {"invalid geometry without area dropped": 1}
    assert len(af.frame) == 517 and "BU0363AA01" not in set(af.frame["code"])
    assert set(af.frame.geom_type) <= {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize("empty", [shapely.Polygon(), None], ids=["empty-polygon", "null-geometry"])
def test_empty_geometry_is_dropped_and_counted(tmp_path, buurten_rd, empty):
    broken = buurten_rd.copy()
    broken.loc[1, "geometry"] = empty
    code = broken.loc[1, "bu_code"]
    path = tmp_path / "buurten.parquet"
    _quiet_write(broken, path)
    with pytest.warns(UserWarning, match=rf"empty or missing geometry dropped: 1 \({code}\)"):
        af = geo.read_areas(path)
    assert af.report.counts == {"empty or missing geometry dropped": 1}
    assert len(af.frame) == 517 and code not in set(af.frame["code"])


def test_suppressed_population_becomes_unknown_and_is_counted(tmp_path):
    wijken = gpd.read_file(WIJKEN_2024)
    wijken = wijken[wijken["gemeentecode"] == "GM0363"].reset_index(drop=True)
    code = wijken.loc[3, "wijkcode"]
    wijken.loc[3, "aantal_inwoners"] = -99997  # how CBS writes a suppressed figure
    path = tmp_path / "wijken.geojson"
    _quiet_write(wijken, path)
    with pytest.warns(UserWarning, match=rf"negative \(suppressed\) population set to unknown: 1 \({code}\)"):
        af = geo.read_areas(path)
    f = af.frame.set_index("code")
    assert np.isnan(f.loc[code, "population"])
    others = wijken.set_index("wijkcode")["aantal_inwoners"].drop(code)
    pd.testing.assert_series_equal(f.loc[others.index, "population"], others, check_names=False)
    assert af.report.counts == {"negative (suppressed) population set to unknown": 1}


# -- refused files ------------------------------------------------------------------------------
def _features(indexes) -> str:
    return ", ".join(str(i + 1) for i in indexes)  # feature numbers are 1-based


def test_duplicate_codes_are_refused_naming_the_features(tmp_path, buurten_rd):
    dup = buurten_rd.copy()
    dup.loc[2, "bu_code"] = dup.loc[1, "bu_code"]
    path = tmp_path / "buurten.parquet"
    _quiet_write(dup, path)
    code = dup.loc[1, "bu_code"]
    with pytest.raises(
        geo.ValidationError,
        match=rf"column 'bu_code': duplicate codes {code} in features {_features([1, 2])}; each area must appear once \(dissolve",
    ):
        geo.read_areas(path)


def test_malformed_codes_are_refused_naming_the_features(tmp_path, buurten_rd):
    bad = buurten_rd.copy()
    bad.loc[3, "bu_code"] = "XX12"
    bad.loc[7, "bu_code"] = None
    path = tmp_path / "buurten.parquet"
    _quiet_write(bad, path)
    with pytest.raises(
        geo.ValidationError,
        match=rf"column 'bu_code': 2 values are not buurt codes \('XX12', <NA>\) in features {_features([3, 7])}; fix or remove those features",
    ):
        geo.read_areas(path)


def test_point_geometries_are_refused(tmp_path, buurten_rd):
    pts = buurten_rd.copy()
    pts.loc[[4, 9], "geometry"] = pts.geometry.iloc[[4, 9]].centroid
    path = tmp_path / "buurten.parquet"
    _quiet_write(pts, path)
    with pytest.raises(
        geo.ValidationError,
        match=rf"geometry: 2 features are Point, not polygons \(features {_features([4, 9])}\); area files must hold polygons",
    ):
        geo.read_areas(path)


def test_all_problems_of_an_area_file_are_listed_together(tmp_path, buurten_rd):
    bad = buurten_rd.copy()
    bad.loc[2, "bu_code"] = bad.loc[1, "bu_code"]
    bad.loc[3, "bu_code"] = "XX12"
    bad.loc[4, "geometry"] = bad.geometry.iloc[4].centroid
    path = tmp_path / "buurten.parquet"
    _quiet_write(bad, path)
    with pytest.raises(geo.ValidationError, match="3 problems found; nothing was loaded") as err:
        geo.read_areas(path)
    assert len(err.value.problems) == 3 and err.value.source == str(path)


def test_a_parent_column_that_contradicts_the_codes_is_refused(tmp_path, buurten_rd):
    bad = buurten_rd.copy()
    bad.loc[0, "wk_code"] = "WK0363AB"
    path = tmp_path / "buurten.parquet"
    _quiet_write(bad, path)
    with pytest.raises(
        geo.ValidationError,
        match=r"column 'wk_code': 1 features name a parent that does not contain them by CBS code \(e\.g\. BU0363AA01 in WK0363AB\)",
    ):
        geo.read_areas(path)


def test_no_code_column(tmp_path, buurten_rd):
    path = tmp_path / "buurten.gpkg"
    _quiet_write(buurten_rd[["bu_naam", "geometry"]].rename(columns={"bu_naam": "naam"}), path)
    with pytest.raises(
        geo.ValidationError,
        match=r"no area code column; expected buurtcode/bu_code or wijkcode/wk_code or gemeentecode/gm_code \(found 'naam'\)",
    ):
        geo.read_areas(path)


def test_a_file_without_features(tmp_path, buurten_rd):
    path = tmp_path / "buurten.parquet"
    _quiet_write(buurten_rd.iloc[0:0], path)
    with pytest.raises(geo.ValidationError, match="the file has no features"):
        geo.read_areas(path)


def test_file_not_found(tmp_path):
    with pytest.raises(geo.DataFileError, match=r"buurt 2024\.gpkg: file not found; check the path"):
        geo.read_areas(tmp_path / "buurt 2024.gpkg")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".kml"])
def test_unsupported_suffix(tmp_path, suffix):
    path = tmp_path / f"buurten{suffix}"
    path.write_text("bu_code,bu_naam\n", encoding="utf-8")
    with pytest.raises(
        geo.DataFileError, match=rf"unsupported geometry file type '{suffix}'; give a GPKG, GeoJSON or GeoParquet"
    ):
        geo.read_areas(path)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("buurten.gpkg", b"this is not a geopackage"),
        ("buurten.geojson", b'{"type": "FeatureCollection", "features": [{"type": '),
        ("buurten.parquet", b"PAR1 not really"),
    ],
    ids=["gpkg", "geojson", "parquet"],
)
def test_unreadable_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(geo.DataFileError, match=rf"{name}: cannot be read as a geometry file \("):
        geo.read_areas(path)


def test_a_truncated_copy_of_a_real_gpkg_is_unreadable(tmp_path, buurten_rd):
    good = tmp_path / "good.gpkg"
    _quiet_write(buurten_rd[["bu_code", "bu_naam", "geometry"]], good)
    bad = tmp_path / "buurten.gpkg"
    bad.write_bytes(good.read_bytes()[:2048])
    with pytest.raises(geo.DataFileError, match="cannot be read as a geometry file"):
        geo.read_areas(bad)


def test_a_plain_parquet_table_is_not_a_geometry_file(tmp_path, buurten_rd):
    path = tmp_path / "table.parquet"
    pd.DataFrame({"bu_code": buurten_rd["bu_code"], "bu_naam": buurten_rd["bu_naam"]}).to_parquet(path)
    with pytest.raises(geo.DataFileError, match="cannot be read as a geometry file"):
        geo.read_areas(path)


def test_a_far_away_copy_in_a_declared_crs_is_refused(tmp_path, buurten_rd):
    moved = buurten_rd.copy()
    moved["geometry"] = [translate(g, xoff=500_000) for g in moved.geometry]
    path = tmp_path / "moved.gpkg"
    _quiet_write(moved[["bu_code", "bu_naam", "geometry"]], path)
    with pytest.raises(geo.ValidationError, match="fall outside the Netherlands"):
        geo.read_areas(path)
