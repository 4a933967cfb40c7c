"""Every validation error path, fed with broken copies of the real files (real format, real rows)."""

from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geo
from tests.conftest import AMSTERDAM_BUURTEN, WIJK_SCORES_2022, WIJK_SCORES_2024

HEADER = "wk_code,wk_naam,jaar,lbm,afw,fys,onv,soc,vrz,won"


@pytest.fixture(scope="module")
def real_lines() -> list[str]:
    """The header and first 200 data lines of the official meting-2022 wijk file."""
    with WIJK_SCORES_2022.open(encoding="utf-8") as fh:
        return [next(fh).rstrip("\n") for _ in range(201)]


def _write(tmp_path, lines, name="scores.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def _edit(lines, row, col, value):
    """Set column ``col`` (0-based) of data row ``row`` (1-based, as lines[row])."""
    out = list(lines)
    cells = out[row].split(",")
    cells[col] = value
    out[row] = ",".join(cells)
    return out


def test_the_untouched_copy_reads(tmp_path, real_lines):
    sf = geo.read_scores(_write(tmp_path, real_lines))
    assert len(sf.frame) == 200 and sf.level == "wijk"


def test_missing_column(tmp_path, real_lines):
    lines = [",".join(c for i, c in enumerate(line.split(",")) if i != 3) for line in real_lines]
    with pytest.raises(geo.ValidationError, match=r"column 'lbm' is missing"):
        geo.read_scores(_write(tmp_path, lines))


def test_misspelt_column_suggests_the_fix(tmp_path, real_lines):
    lines = [real_lines[0].replace(",lbm,", ",lmb,"), *real_lines[1:]]
    with pytest.raises(geo.ValidationError, match=r"found 'lmb', which looks misspelt: rename it to 'lbm'"):
        geo.read_scores(_write(tmp_path, lines))


def test_non_numeric_score_names_column_and_row(tmp_path, real_lines):
    lines = _edit(real_lines, 5, 3, "hoog")
    with pytest.raises(geo.ValidationError, match=r"column 'lbm': 1 non-numeric values \('hoog'\) in row 6") as err:
        geo.read_scores(_write(tmp_path, lines))
    assert "scores.csv" in str(err.value)


def test_duplicate_code_year(tmp_path, real_lines):
    lines = [*real_lines, real_lines[3]]
    with pytest.raises(geo.ValidationError, match=r"duplicate \(wk_code, jaar\) rows: WK001400 2012 in rows 4, 202"):
        geo.read_scores(_write(tmp_path, lines))


def test_code_not_a_cbs_code(tmp_path, real_lines):
    lines = _edit(real_lines, 2, 0, "W001400")
    with pytest.raises(
        geo.ValidationError, match=r"column 'wk_code': 1 values are not wijk codes \('W001400'\) in row 3"
    ):
        geo.read_scores(_write(tmp_path, lines))


def test_year_outside_the_published_set(tmp_path, real_lines):
    lines = _edit(real_lines, 1, 2, "2010")
    with pytest.raises(geo.ValidationError, match=r"column 'jaar': 1 values \(2010\) are not measurement years"):
        geo.read_scores(_write(tmp_path, lines))


def test_lbm_minus_afw_not_constant(tmp_path, real_lines):
    cells = real_lines[7].split(",")
    lines = _edit(real_lines, 7, 3, str(float(cells[3]) + 0.01))
    with pytest.raises(geo.ValidationError, match=r"lbm - afw should be the national reference 4.102265 .* in row 8"):
        geo.read_scores(_write(tmp_path, lines))


def test_dimensions_do_not_sum_to_afw(tmp_path, real_lines):
    row = next(i for i, line in enumerate(real_lines) if i and line.split(",")[2] == "2022")
    cells = real_lines[row].split(",")
    lines = _edit(real_lines, row, 5, str(float(cells[5]) + 0.05))
    with pytest.raises(geo.ValidationError, match=rf"should add up to 'afw' .* but do not in row {row + 1}"):
        geo.read_scores(_write(tmp_path, lines))


def test_partial_dimensions(tmp_path, real_lines):
    row = next(i for i, line in enumerate(real_lines) if i and line.split(",")[2] == "2022")
    lines = _edit(real_lines, row, 9, "NA")
    with pytest.raises(geo.ValidationError, match=rf"some dimensions are given and others are NA in row {row + 1}"):
        geo.read_scores(_write(tmp_path, lines))


def test_all_problems_are_reported_together(tmp_path, real_lines):
    lines = _edit(_edit(real_lines, 5, 3, "hoog"), 1, 2, "2010")
    with pytest.raises(geo.ValidationError, match="2 problems found; nothing was loaded") as err:
        geo.read_scores(_write(tmp_path, lines))
    assert len(err.value.problems) == 2


def test_file_not_found(tmp_path):
    with pytest.raises(geo.DataFileError, match="file not found; check the path"):
        geo.read_scores(tmp_path / "nope.csv")


def test_not_utf8(tmp_path, real_lines):
    lines = _edit(real_lines, 1, 1, "Café")
    with pytest.raises(geo.DataFileError, match="not UTF-8 text .* save the file as UTF-8"):
        geo.read_scores(_write(tmp_path, lines, encoding="cp1252"))


def test_unsupported_suffix(tmp_path, real_lines):
    with pytest.raises(geo.DataFileError, match=r"unsupported score file type '.json'"):
        geo.read_scores(_write(tmp_path, real_lines, name="scores.json"))


def test_header_only(tmp_path):
    with pytest.raises(geo.ValidationError, match="header but no rows"):
        geo.read_scores(_write(tmp_path, [HEADER]))


def test_no_code_column(tmp_path, real_lines):
    lines = [real_lines[0].replace("wk_code", "wijk"), *real_lines[1:]]
    with pytest.raises(geo.ValidationError, match="no code column; expected one of bu_code, wk_code, gm_code"):
        geo.read_scores(_write(tmp_path, lines))


def test_xlsx_and_dutch_csv_read_like_the_csv(tmp_path):
    plain = geo.read_scores(WIJK_SCORES_2024).frame
    raw = pd.read_csv(WIJK_SCORES_2024, dtype=str, keep_default_na=False)
    raw.to_excel(tmp_path / "scores.xlsx", index=False)
    pd.testing.assert_frame_equal(geo.read_scores(tmp_path / "scores.xlsx").frame, plain)
    numbers = ["jaar", "lbm", "afw", "fys", "onv", "soc", "vrz", "won"]
    dutch = raw.copy()
    dutch[numbers] = dutch[numbers].apply(lambda s: s.str.replace(".", ",", regex=False))
    assert dutch["wk_naam"].str.contains(",").any()  # names with commas must survive
    dutch.to_csv(tmp_path / "dutch.csv", sep=";", index=False, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(geo.read_scores(tmp_path / "dutch.csv").frame, plain)


def test_rows_without_any_score_are_left_out_and_counted(tmp_path, real_lines):
    lines = _edit(_edit(real_lines, 4, 3, "NA"), 4, 4, "NA")
    with pytest.warns(UserWarning, match="rows without lbm and afw left out: 1"):
        sf = geo.read_scores(_write(tmp_path, lines))
    assert len(sf.frame) == 199 and sf.report.counts == {"rows without lbm and afw left out": 1}


# -- areas -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def buurten() -> gpd.GeoDataFrame:
    return gpd.read_file(AMSTERDAM_BUURTEN)


def test_official_buurt_gpkg_in_rd_new(tmp_path, buurten):
    path = tmp_path / "buurt 2024.gpkg"
    buurten[["bu_code", "bu_naam", "geometry"]].to_crs(28992).to_file(path)
    af = geo.read_areas(path)
    assert af.level == "buurt" and len(af.frame) == 518
    assert af.frame.set_index("code").loc["BU0363AA01", "parent_code"] == "WK0363AA"
    assert af.frame.crs.to_epsg() == 28992


def test_missing_crs_is_recognised_with_a_warning(tmp_path, buurten):
    path = tmp_path / "no_crs.parquet"
    buurten.to_crs(28992).set_crs(None, allow_override=True).to_parquet(path)
    with pytest.warns(UserWarning, match=r"no CRS declared; recognised EPSG:28992 from the coordinate ranges"):
        af = geo.read_areas(path)
    assert af.report.counts["CRS recognised from coordinate ranges"] == 1
    ref = geo.read_areas(AMSTERDAM_BUURTEN).frame
    assert shapely.equals_exact(af.frame.geometry.array, ref.geometry.array, tolerance=0.01).all()


def test_declared_wgs84_with_rd_coordinates_is_refused(tmp_path, buurten):
    path = tmp_path / "wrong.parquet"
    buurten.to_crs(28992).set_crs(4326, allow_override=True).to_parquet(path)
    with pytest.raises(geo.ValidationError, match=r"declares EPSG:4326 .* look like RD New metres; fix the CRS"):
        geo.read_areas(path)


def test_invalid_geometry_is_made_valid_and_counted(tmp_path, buurten):
    broken = buurten.copy()
    x0, y0, x1, y1 = broken.geometry.iloc[0].bounds
    broken.loc[0, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])  # a bow-tie
    path = tmp_path / "b.geojson"
    broken.to_file(path)
    with pytest.warns(UserWarning, match="invalid geometry made valid: 1 .BU0363AA01"):
        af = geo.read_areas(path)
    assert af.report.counts == {"invalid geometry made valid": 1}
    assert af.frame.geometry.is_valid.all()


def test_empty_geometry_is_dropped_and_counted(tmp_path, buurten):
    broken = buurten.copy()
    broken.loc[1, "geometry"] = shapely.Polygon()
    path = tmp_path / "b.parquet"
    broken.to_parquet(path)
    with pytest.warns(UserWarning, match="empty or missing geometry dropped: 1"):
        af = geo.read_areas(path)
    assert len(af.frame) == 517 and buurten.loc[1, "bu_code"] not in set(af.frame["code"])


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda g: g.assign(bu_code=g["bu_code"].where(g.index != 2, g["bu_code"][1])), "duplicate codes BU0363AA"),
        (
            lambda g: g.assign(bu_code=g["bu_code"].where(g.index != 3, "XX12")),
            r"1 values are not buurt codes \('XX12'\)",
        ),
        (lambda g: g.assign(geometry=g.geometry.where(g.index != 4, g.geometry.centroid)), "features are Point"),
    ],
    ids=["duplicate", "malformed", "points"],
)
def test_area_file_problems(tmp_path, buurten, mutate, message):
    path = tmp_path / "b.parquet"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mutate(buurten.copy()).to_parquet(path)
    with pytest.raises(geo.ValidationError, match=message):
        geo.read_areas(path)


def test_unreadable_geometry_file(tmp_path):
    path = tmp_path / "x.gpkg"
    path.write_bytes(b"this is not a geopackage")
    with pytest.raises(geo.DataFileError, match="cannot be read as a geometry file"):
        geo.read_areas(path)
