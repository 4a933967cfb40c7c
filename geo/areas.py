"""Read area geometries (GPKG, GeoJSON or GeoParquet) with CBS or Leefbaarometer columns.

Accepted column names, case-insensitive:

==========  ===========================  ===========================
level       code / name (CBS)            code / name (Leefbaarometer)
==========  ===========================  ===========================
buurt       buurtcode / buurtnaam        bu_code / bu_naam
wijk        wijkcode / wijknaam          wk_code / wk_naam
gemeente    gemeentecode / gemeentenaam  gm_code / gm_naam
==========  ===========================  ===========================

Everything is returned in RD New (EPSG:28992), see :mod:`geo.crs`.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._errors import DataFileError, RepairReport, ValidationError
from geo.codes import CODE_PATTERNS, Level
from geo.crs import NL_RD_BOUNDS, STORAGE_CRS, guess_crs, is_geographic
from geo.validate import describe_rows

__all__ = ["AREA_COLUMNS", "AreaFile", "read_areas"]

#: Accepted names for (code, name) per level, CBS first.
AREA_COLUMNS: dict[Level, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "buurt": (("buurtcode", "bu_code"), ("buurtnaam", "bu_naam")),
    "wijk": (("wijkcode", "wk_code"), ("wijknaam", "wk_naam")),
    "gemeente": (("gemeentecode", "gm_code"), ("gemeentenaam", "gm_naam")),
}
_POPULATION = ("aantal_inwoners", "inwoners")
_SUFFIXES = (".gpkg", ".geojson", ".json", ".parquet", ".geoparquet", ".shp")


@dataclass
class AreaFile:
    """A validated area file.

    Attributes
    ----------
    path : Path
        The file read.
    level : {"gemeente", "wijk", "buurt"}
        The level of its areas.
    frame : GeoDataFrame
        ``code, name, parent_code, gemeente_code, gemeente_name, population, geometry`` in
        EPSG:28992; ``parent_code`` is the containing wijk (buurt) or gemeente (wijk).
    source_crs : str
        The CRS the file was in, as read or as recognised.
    report : RepairReport
        Geometries repaired or dropped, CRS recognised, populations set to unknown.
    """

    path: Path
    level: Level
    frame: gpd.GeoDataFrame
    source_crs: str
    report: RepairReport


def _first(columns: list[str], names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in columns), None)


def _read_frame(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        msg = f"{path}: file not found; check the path"
        raise DataFileError(msg)
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        msg = f"{path}: unsupported geometry file type {suffix!r}; give a GPKG, GeoJSON or GeoParquet"
        raise DataFileError(msg)
    try:
        if suffix in (".parquet", ".geoparquet"):
            return gpd.read_parquet(path)
        return gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio/pyarrow raise many types; name the file, not the library
        raise DataFileError(_unreadable(path, suffix)) from exc


def _unreadable(path: Path, suffix: str) -> str:
    """Say why a geometry file cannot be read, in words, without the reader library's text."""
    again = "download or export it again"
    size = path.stat().st_size
    if suffix in (".geojson", ".json"):
        try:
            with path.open(encoding="utf-8") as fh:
                data = json.load(fh)
        except UnicodeDecodeError as exc:
            return f"{path}: cannot be read as a geometry file (not UTF-8 text at byte {exc.start}); {again}"
        except json.JSONDecodeError as exc:
            where = "it ends in the middle of the data" if exc.pos >= size - 2 else f"invalid at byte {exc.pos}"
            return (
                f"{path}: cannot be read as a geometry file (damaged or incomplete JSON: {where}, "
                f"{size} bytes); {again}"
            )
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        return (
            f"{path}: cannot be read as a geometry file (valid JSON, but not a GeoJSON FeatureCollection: "
            f"type {str(kind)[:40]!r}); give the GeoJSON export of the areas"
        )
    kind = "GeoPackage" if suffix == ".gpkg" else "GeoParquet" if suffix in (".parquet", ".geoparquet") else "file"
    return f"{path}: cannot be read as a geometry file (damaged, incomplete or not a {kind}, {size} bytes); {again}"


def _detect_level(path: Path, columns: list[str], level: Level | None) -> Level:
    levels: list[Level] = [level] if level else ["buurt", "wijk", "gemeente"]
    for lv in levels:
        if _first(columns, AREA_COLUMNS[lv][0]):
            return lv
    wanted = " or ".join(f"{c[0][0]}/{c[0][1]}" for lv, c in AREA_COLUMNS.items() if lv in levels)
    msg = (
        f"no area code column; expected {wanted} (found {', '.join(map(repr, columns))}). "
        "Rename the code column to a CBS or Leefbaarometer name"
    )
    raise ValidationError(str(path), [msg])


def _to_storage_crs(path: Path, gdf: gpd.GeoDataFrame, report: RepairReport) -> tuple[gpd.GeoDataFrame, str]:
    bounds = tuple(float(b) for b in gdf.total_bounds)
    guessed = guess_crs(bounds)  # type: ignore[arg-type]
    if gdf.crs is None:
        if guessed is None:
            msg = (
                f"the file declares no CRS and its coordinates {bounds} fit neither RD New "
                "nor WGS84 over the Netherlands; set the CRS in the file "
                "(e.g. ogr2ogr -a_srs EPSG:28992)"
            )
            raise ValidationError(str(path), [msg])
        warnings.warn(
            f"{path}: no CRS declared; recognised {guessed} from the coordinate ranges {bounds}. "
            "Declare the CRS in the file to silence this warning.",
            UserWarning,
            stacklevel=3,
        )
        report.add("CRS recognised from coordinate ranges", [guessed], warn=False)
        gdf = gdf.set_crs(guessed)
    elif is_geographic(gdf.crs) and guessed != "EPSG:4326":
        msg = (
            f"the file declares {gdf.crs.to_string()} (degrees) but its coordinates {bounds} are "
            "not longitudes/latitudes in the Netherlands"
            + (" and look like RD New metres" if guessed == STORAGE_CRS else "")
            + "; fix the CRS declared in the file (e.g. ogr2ogr -a_srs EPSG:28992)"
        )
        raise ValidationError(str(path), [msg])
    source_crs = gdf.crs.to_string()
    out = gdf.to_crs(STORAGE_CRS)
    xmin, ymin, xmax, ymax = out.total_bounds
    box = NL_RD_BOUNDS
    if not (xmin >= box[0] and ymin >= box[1] and xmax <= box[2] and ymax <= box[3]):
        msg = (
            f"in {source_crs} the coordinates {bounds} fall outside the Netherlands "
            "after conversion to RD New; check the CRS declared in the file"
        )
        raise ValidationError(str(path), [msg])
    return out, source_crs


def _repair(gdf: gpd.GeoDataFrame, report: RepairReport) -> gpd.GeoDataFrame:
    geom = gdf.geometry.array
    empty = np.asarray(shapely.is_missing(geom) | shapely.is_empty(geom))
    report.add("empty or missing geometry dropped", gdf.loc[empty, "code"].tolist())
    gdf = gdf.loc[~empty].copy()
    invalid = ~gdf.geometry.is_valid.to_numpy()
    if invalid.any():
        fixed = shapely.make_valid(gdf.geometry.array[invalid])
        polys = gpd.GeoSeries([_polygonal(g) for g in fixed], index=gdf.index[invalid], crs=gdf.crs)
        # a polygon collapsed to a line or point has no area left: drop it rather than keep a line
        collapsed = polys.is_empty
        gdf.loc[polys.index, "geometry"] = polys
        report.add("invalid geometry made valid", gdf.loc[polys.index[~collapsed], "code"].tolist())
        report.add("invalid geometry without area dropped", gdf.loc[polys.index[collapsed], "code"].tolist())
        gdf = gdf.drop(index=polys.index[collapsed])
    return gdf


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the polygonal part of a repaired geometry (empty when it has none)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    # make_valid may return a collection with slivers of lower dimension, or only lines
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def read_areas(path: str | Path, *, level: Level | None = None) -> AreaFile:
    """Read and validate one file of area polygons.

    Parameters
    ----------
    path : str or Path
        A GeoPackage, GeoJSON or GeoParquet file, in RD New or WGS84.
    level : {"gemeente", "wijk", "buurt"}, optional
        The level to read; by default the finest level whose code column is present.

    Returns
    -------
    AreaFile
        Areas in EPSG:28992 with codes, names, parents and population (when the file has
        CBS kerncijfers), and a report of what was repaired.

    Raises
    ------
    DataFileError
        When the file is missing or not a readable geometry file.
    ValidationError
        Listing every problem: missing code column, malformed or duplicate codes, geometry
        that is not polygonal, a CRS that contradicts the coordinates.

    Warns
    -----
    UserWarning
        When the CRS is recognised from coordinate ranges, and for every repair.
    """
    path = Path(path)
    raw = _read_frame(path)
    raw.columns = [c if c == raw.geometry.name else str(c).strip().lower() for c in raw.columns]
    columns = [c for c in raw.columns if c != raw.geometry.name]
    level = _detect_level(path, columns, level)
    code_col = _first(columns, AREA_COLUMNS[level][0])
    name_col = _first(columns, AREA_COLUMNS[level][1])
    assert code_col is not None
    problems: list[str] = []
    if raw.empty:
        raise ValidationError(str(path), ["the file has no features"])

    codes = raw[code_col].astype("string").str.strip()
    rows = pd.Series(np.arange(len(raw)) + 1, index=raw.index)  # feature number, 1-based
    bad = codes.isna() | ~codes.fillna("").str.match(CODE_PATTERNS[level].pattern)
    if bad.any():
        examples = ", ".join(repr(c) for c in codes[bad].unique()[:3])
        problems.append(
            f"column {code_col!r}: {bad.sum()} values are not {level} codes ({examples}) in "
            f"features {describe_rows(rows[bad]).split(' ', 1)[1]}; fix or remove those features"
        )
    dup = codes.duplicated(keep=False) & ~bad
    if dup.any():
        problems.append(
            f"column {code_col!r}: duplicate codes {', '.join(sorted(codes[dup].unique())[:5])} in "
            f"features {describe_rows(rows[dup]).split(' ', 1)[1]}; each area must appear once "
            "(dissolve multi-part areas into one MultiPolygon)"
        )
    types = raw.geometry.geom_type.dropna()
    non_poly = types[~types.isin(["Polygon", "MultiPolygon", "GeometryCollection"])]
    if len(non_poly):
        problems.append(
            f"geometry: {len(non_poly)} features are {', '.join(sorted(non_poly.unique()))}, not "
            f"polygons (features {describe_rows(rows[non_poly.index]).split(' ', 1)[1]}); "
            "area files must hold polygons"
        )
    if problems:
        raise ValidationError(str(path), problems)

    report = RepairReport(str(path))
    parent_names = {"buurt": AREA_COLUMNS["wijk"][0], "wijk": AREA_COLUMNS["gemeente"][0]}
    gm_name_col = _first(columns, AREA_COLUMNS["gemeente"][1]) if level != "gemeente" else name_col
    parent_col = _first(columns, parent_names[level]) if level in parent_names else None
    derived_parent = codes.str.slice(2, 8).radd("WK") if level == "buurt" else codes.str.slice(2, 6).radd("GM")
    if parent_col is not None:
        given_parent = raw[parent_col].astype("string").str.strip()
        clash = given_parent.notna() & (given_parent != derived_parent)
        if clash.any():
            msg = (
                f"column {parent_col!r}: {clash.sum()} features name a parent that does not contain "
                f"them by CBS code (e.g. {codes[clash].iloc[0]} in {given_parent[clash].iloc[0]}); "
                "fix the parent codes"
            )
            raise ValidationError(str(path), [msg])
    population = pd.Series(np.nan, index=raw.index)
    pop_col = _first(columns, _POPULATION)
    if pop_col is not None:
        population = pd.to_numeric(raw[pop_col], errors="coerce").astype("float64")
        secret = population < 0  # CBS writes -99997 etc. for suppressed figures
        report.add("negative (suppressed) population set to unknown", codes[secret].tolist())
        population = population.mask(secret)

    frame = gpd.GeoDataFrame(
        {
            "code": codes.astype(str),
            "name": raw[name_col].astype("string").str.strip() if name_col else codes.astype(str),
            "parent_code": None if level == "gemeente" else derived_parent.astype(str),
            "gemeente_code": codes.str.slice(2, 6).radd("GM").astype(str),
            "gemeente_name": raw[gm_name_col].astype("string").str.strip() if gm_name_col else pd.NA,
            "population": population,
        },
        geometry=raw.geometry.values,
        crs=raw.crs,
    )
    geom = frame.geometry.array
    if bool(np.all(shapely.is_missing(geom) | shapely.is_empty(geom))):
        msg = (
            f"every one of the {len(frame)} features has an empty or missing geometry: the file holds "
            "codes but no polygons (a failed or attribute-only export?); export the areas again with their geometry"
        )
        raise ValidationError(str(path), [msg])
    frame, source_crs = _to_storage_crs(path, frame, report)
    frame = _repair(frame, report)
    frame = frame.sort_values("code", kind="stable").reset_index(drop=True)
    return AreaFile(path=path, level=level, frame=frame, source_crs=source_crs, report=report)
