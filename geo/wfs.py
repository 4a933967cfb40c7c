"""Read the export of the official Leefbaarometer WFS (meting 2024) as published.

The export holds one GeoJSON FeatureCollection per file (layers ``lbm3:buurtscore24`` and
``lbm3:gemeentescore24`` of ``https://geo.leefbaarometer.nl/wfs``). Each feature has
``properties.code`` (``BU03580000``, ``GM0014``), ``naam``, ``gemeente`` and ``properties.raw``:
the values as the WFS publishes them:

- ``afw``, ``fys``, ``onv``, ``soc``, ``vrz``, ``won``: the deviation from the national reference
  and the five dimensions (contributions to ``afw``), about 6 significant digits;
- ``kscore``, ``kafw``, ``kfys``, ``konv``, ``ksoc``, ``kvrz``, ``kwon``: the official classes 1-9;
- ``year``: the measurement year ("2024").

Only ``raw`` is read; the exporter's convenience fields (``klasse``, ``afw``, ``top_pct_nl``) are
rounded or derived and ignored. The export has no ``lbm``: it is *derived* here as
``afw + national reference`` and flagged as derived (:attr:`WfsFile.derived`).

A file is recognised by its content (:func:`wfs_level`), not by its name.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from geo._errors import DataFileError, RepairReport, ValidationError
from geo.codes import CODE_PATTERNS, Level
from geo.crs import DISPLAY_CRS, NL_WGS84_BOUNDS, STORAGE_CRS
from geo.schema import DIMENSIONS, MEASURES, NATIONAL_REFERENCE, OFFICIAL_CLASS_COLUMNS, PUBLISHED_YEARS, TOLERANCE

__all__ = ["RAW_CLASSES", "RAW_VALUES", "WfsFile", "load_feature_collection", "read_wfs", "wfs_level"]

#: The score values of ``properties.raw``.
RAW_VALUES: Final[tuple[str, ...]] = ("afw", *DIMENSIONS)
#: The official class values of ``properties.raw`` (1-9).
RAW_CLASSES: Final[tuple[str, ...]] = tuple(OFFICIAL_CLASS_COLUMNS.values())

_EXAMPLES: dict[Level, str] = {"gemeente": "GM0363", "wijk": "WK0363AA", "buurt": "BU0363AA01"}
_PREFIXES: dict[str, Level] = {"BU": "buurt", "GM": "gemeente", "WK": "wijk"}
_MAX_PROBLEMS = 25
_FIX_AS_PUBLISHED = "use the WFS export as published (re-copy the file)"


@dataclass
class WfsFile:
    """A validated WFS export file.

    Attributes
    ----------
    path : Path
        The file read.
    level : {"gemeente", "wijk", "buurt"}
        The level of its codes.
    year : int
        The measurement year of every feature (``raw.year``).
    national_reference : float
        The reference added to ``afw`` to derive ``lbm``.
    frame : DataFrame
        One row per feature: ``code, name, year, lbm, afw, fys, onv, soc, vrz, won`` (floats;
        ``lbm`` derived) and the official classes ``kscore, kafw, kfys, konv, ksoc, kvrz, kwon``
        (nullable ints).
    areas : GeoDataFrame
        ``code, name, parent_code, gemeente_code, gemeente_name, population, geometry`` in
        EPSG:28992 (population unknown: the export has none).
    source_crs : str
        ``EPSG:4326`` (GeoJSON).
    report : RepairReport
        Geometries repaired.
    derived : tuple of str
        The measures that are derived, not published: ``("lbm",)``.
    """

    path: Path
    level: Level
    year: int
    national_reference: float
    frame: pd.DataFrame
    areas: gpd.GeoDataFrame
    source_crs: str
    report: RepairReport
    derived: tuple[str, ...] = field(default=("lbm",))

    @property
    def meting(self) -> int:
        """The measurement the scores come from (the year of the export)."""
        return self.year


def load_feature_collection(path: str | Path) -> dict[str, Any] | None:
    """Parse a JSON file and return it when it is a GeoJSON FeatureCollection, else None.

    Parameters
    ----------
    path : str or Path
        A ``.json`` or ``.geojson`` file.

    Returns
    -------
    dict or None
        The parsed FeatureCollection; None when the file is JSON of another shape.

    Raises
    ------
    DataFileError
        When the file is missing, not UTF-8 or not JSON.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        msg = f"{path}: file not found; check the path"
        raise DataFileError(msg) from exc
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); GeoJSON must be UTF-8"
        raise DataFileError(msg) from exc
    except json.JSONDecodeError as exc:
        msg = f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); re-copy the file"
        raise DataFileError(msg) from exc
    if isinstance(data, dict) and data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        return data
    return None


def _props(feature: object) -> dict[str, Any]:
    if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
        props: dict[str, Any] = feature["properties"]
        return props
    return {}


def wfs_level(data: dict[str, Any]) -> Level | None:
    """Tell whether a FeatureCollection is a WFS score export, and of which level.

    A WFS export is recognised by its content: its features carry ``properties.raw``. The level
    is that of the most common code prefix (``BU`` buurt, ``GM`` gemeente, ``WK`` wijk).

    Parameters
    ----------
    data : dict
        A parsed GeoJSON FeatureCollection.

    Returns
    -------
    {"gemeente", "wijk", "buurt"} or None
        None when no feature has ``properties.raw`` (an ordinary area file) or when no code
        is a gemeente, wijk or buurt code (e.g. the province outlines of the same export).
    """
    features = data.get("features") or []
    props = [_props(f) for f in features]
    if not any(isinstance(p.get("raw"), dict) for p in props):
        return None
    prefixes = pd.Series([str(p.get("code", ""))[:2] for p in props])
    counts = prefixes[prefixes.isin(list(_PREFIXES))].value_counts()
    if counts.empty:
        return None
    return _PREFIXES[str(counts.index[0])]


def _number(value: object) -> float | None:
    """Return ``value`` as a finite float, or None when it is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        out = float(value)
    elif isinstance(value, str):
        try:
            out = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return out if math.isfinite(out) else None


def _where(i: int, code: object) -> str:
    return f"features[{i}] (code {code!r})" if isinstance(code, str) and code else f"features[{i}] (no code)"


def _check_feature(i: int, feature: object, level: Level, problems: list[str]) -> dict[str, Any] | None:
    """Validate one feature; return its parsed values, or None (problems appended)."""
    props = _props(feature)
    code = props.get("code")
    where = _where(i, code)
    if not props:
        problems.append(f"{where}: no properties object; {_FIX_AS_PUBLISHED}")
        return None
    ok = True
    if not isinstance(code, str) or not CODE_PATTERNS[level].match(code):
        problems.append(
            f"{where}: properties.code is not a {level} code; a {level} code looks like "
            f"{_EXAMPLES[level]}. Fix the code or remove the feature"
        )
        ok = False
    name = props.get("naam")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: properties.naam is missing or empty; every area needs its name")
        ok = False
    raw = props.get("raw")
    if not isinstance(raw, dict):
        problems.append(
            f"{where}: properties.raw is missing; it holds the published values "
            f"({', '.join(RAW_VALUES)}, the classes and year). {_FIX_AS_PUBLISHED}"
        )
        return None
    values: dict[str, Any] = {"code": code, "name": name.strip() if isinstance(name, str) else name}
    for key in (*RAW_VALUES, *RAW_CLASSES, "year"):
        if key not in raw or raw[key] is None:
            problems.append(f"{where}: raw.{key} is missing; the export has it on every feature. {_FIX_AS_PUBLISHED}")
            ok = False
            continue
        number = _number(raw[key])
        if number is None:
            problems.append(
                f"{where}: raw.{key} is {raw[key]!r}, not a number; write it as a JSON number (decimal point, no unit)"
            )
            ok = False
            continue
        if key in RAW_CLASSES and (not number.is_integer() or not 1 <= number <= 9):
            problems.append(f"{where}: raw.{key} is {raw[key]!r}, not an official class 1-9; {_FIX_AS_PUBLISHED}")
            ok = False
            continue
        if key == "year" and (not number.is_integer() or int(number) not in PUBLISHED_YEARS):
            problems.append(
                f"{where}: raw.year is {raw[key]!r}, not a measurement year "
                f"({', '.join(map(str, PUBLISHED_YEARS))}); {_FIX_AS_PUBLISHED}"
            )
            ok = False
            continue
        values[key] = int(number) if key in (*RAW_CLASSES, "year") else number
    if ok:
        dims = sum(values[d] for d in DIMENSIONS)
        if abs(dims - values["afw"]) > TOLERANCE:
            problems.append(
                f"{where}: raw.fys + onv + soc + vrz + won = {dims:.7g} but raw.afw = {values['afw']:.7g} "
                f"(difference {abs(dims - values['afw']):.2g}, allowed {TOLERANCE:g}); the dimensions must add up "
                "to afw: check for an edited or shifted value"
            )
            ok = False
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else "no geometry"
        problems.append(f"{where}: geometry is {kind!r}, not a Polygon or MultiPolygon; area files must hold polygons")
        return None
    try:
        values["geometry"] = shapely.geometry.shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        problems.append(f"{where}: geometry cannot be read ({exc}); {_FIX_AS_PUBLISHED}")
        return None
    values["gemeente_name"] = props.get("gemeente") if isinstance(props.get("gemeente"), str) else None
    return values if ok else None


def read_wfs(
    path: str | Path,
    *,
    national_reference: float = NATIONAL_REFERENCE,
    data: dict[str, Any] | None = None,
) -> WfsFile:
    """Read and validate one file of the WFS export.

    Parameters
    ----------
    path : str or Path
        A GeoJSON FeatureCollection of the export (buurten or gemeenten).
    national_reference : float, default :data:`geo.schema.NATIONAL_REFERENCE`
        Added to ``raw.afw`` to derive ``lbm``. The build takes it from the official CSVs of
        the same measurement when they are present.
    data : dict, optional
        The already parsed file (saves parsing it twice); read from ``path`` when None.

    Returns
    -------
    WfsFile

    Raises
    ------
    DataFileError
        When the file is not JSON, not a FeatureCollection, or not a WFS score export.
    ValidationError
        Listing every problem, each naming the feature (index and code), the field and the
        fix: a missing ``raw`` or field, a non-numeric value, a class outside 1-9, a bad code,
        dimensions that do not add up to ``afw`` (within 1e-5), a duplicate code, a year that
        is not a measurement year or differs between features, non-polygon geometry,
        coordinates outside the Netherlands.

    Examples
    --------
    >>> w = read_wfs("data/sources/leefbaarometer/wfs-meting-2024/gemeenten.geojson")
    >>> w.level, w.year, len(w.frame)
    ('gemeente', 2024, 342)
    """
    path = Path(path)
    if data is None:
        data = load_feature_collection(path)
        if data is None:
            msg = f"{path}: not a GeoJSON FeatureCollection; expected a file of the Leefbaarometer WFS export"
            raise DataFileError(msg)
    level = wfs_level(data)
    if level is None:
        msg = (
            f"{path}: not a WFS score export: no feature has properties.raw with a buurt, wijk or gemeente "
            "code; give a file of the layers lbm3:buurtscore24 or lbm3:gemeentescore24"
        )
        raise DataFileError(msg)
    features: list[Any] = data["features"]
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    index: list[int] = []
    for i, feature in enumerate(features):
        parsed = _check_feature(i, feature, level, problems)
        if parsed is not None:
            rows.append(parsed)
            index.append(i)
    seen: dict[str, int] = {}
    for i, row in zip(index, rows, strict=True):
        if row["code"] in seen:
            problems.append(
                f"features[{seen[row['code']]}] and features[{i}] share code {row['code']!r}; each area must "
                "appear once: remove the duplicate feature"
            )
        else:
            seen[row["code"]] = i
    years = pd.Series([r["year"] for r in rows], dtype="int64")
    if years.nunique() > 1:
        common = int(years.mode().iloc[0])
        for k in np.flatnonzero(years.to_numpy() != common)[:_MAX_PROBLEMS]:
            problems.append(
                f"{_where(index[k], rows[k]['code'])}: raw.year is {rows[k]['year']} but the other features of the "
                f"file have {common}; one file holds one measurement year: {_FIX_AS_PUBLISHED}"
            )
    if rows:
        bounds = shapely.bounds(np.array([r["geometry"] for r in rows]))
        box = NL_WGS84_BOUNDS
        outside = (bounds[:, 0] < box[0]) | (bounds[:, 1] < box[1]) | (bounds[:, 2] > box[2]) | (bounds[:, 3] > box[3])
        for k in np.flatnonzero(outside)[:_MAX_PROBLEMS]:
            problems.append(
                f"{_where(index[k], rows[k]['code'])}: coordinates {tuple(round(float(b), 4) for b in bounds[k])} are "
                "not longitude/latitude in the Netherlands; GeoJSON must be WGS84 (EPSG:4326)"
            )
    if not features:
        problems.append("the FeatureCollection has no features")
    if problems:
        shown = problems[:_MAX_PROBLEMS]
        if len(problems) > _MAX_PROBLEMS:
            shown.append(f"... and {len(problems) - _MAX_PROBLEMS} more problems")
        raise ValidationError(str(path), shown)

    year = int(years.iloc[0])
    frame = pd.DataFrame(
        {
            "code": [r["code"] for r in rows],
            "name": [r["name"] for r in rows],
            "year": np.full(len(rows), year, dtype="int64"),
        }
    )
    for m in RAW_VALUES:
        frame[m] = np.array([r[m] for r in rows], dtype="float64")
    frame["lbm"] = frame["afw"] + national_reference
    frame = frame[["code", "name", "year", *MEASURES]]
    for col in RAW_CLASSES:
        frame[col] = pd.array([r[col] for r in rows], dtype="Int8")

    report = RepairReport(str(path))
    geoms = np.array([r["geometry"] for r in rows])
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        report.add("invalid geometry made valid", [rows[k]["code"] for k in np.flatnonzero(invalid)])
        geoms = np.array([_polygonal(g) for g in geoms])
    codes = frame["code"]
    areas = gpd.GeoDataFrame(
        {
            "code": codes.astype(str),
            "name": frame["name"].astype(str),
            "parent_code": None
            if level == "gemeente"
            else codes.str.slice(2, 8 if level == "buurt" else 6).radd("WK" if level == "buurt" else "GM"),
            "gemeente_code": codes.str.slice(2, 6).radd("GM"),
            "gemeente_name": [r["gemeente_name"] for r in rows],
            "population": np.full(len(rows), np.nan),
        },
        geometry=geoms,
        crs=DISPLAY_CRS,
    ).to_crs(STORAGE_CRS)
    order = np.argsort(codes.to_numpy(), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    areas = areas.iloc[order].reset_index(drop=True)
    return WfsFile(
        path=path,
        level=level,
        year=year,
        national_reference=national_reference,
        frame=frame,
        areas=areas,
        source_crs=DISPLAY_CRS,
        report=report,
    )


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()
