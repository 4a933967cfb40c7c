"""Build the embedded dataset from source files: ``python -m geo build``.

The build reads every score file (CSV/XLSX) and area file (GPKG/GeoJSON/GeoParquet) in a
folder, validates them, reconciles score vintages with polygon vintages, simplifies the
geometry for drawing and writes GeoParquet tables plus ``manifest.json``. The same inputs give
byte-identical outputs.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo._errors import DataFileError, ValidationError
from geo.areas import AreaFile, read_areas
from geo.codes import LEVELS, Level
from geo.crs import DISPLAY_CRS, STORAGE_CRS
from geo.dataset import DEFAULT_DATA_DIR
from geo.reconcile import reconcile
from geo.schema import MEASURES
from geo.scores import ScoreFile, read_scores

__all__ = ["DEFAULT_SOURCE_DIR", "DISPLAY_TOLERANCE", "build"]

#: The project's own copy of the published source files.
DEFAULT_SOURCE_DIR = DEFAULT_DATA_DIR / "sources"

#: Coverage simplification tolerance in metres, per level, for the drawn geometry.
DISPLAY_TOLERANCE: dict[Level, float] = {"gemeente": 150.0, "wijk": 40.0, "buurt": 20.0}

#: Grid size in degrees of the drawn geometry (about 1 m).
DISPLAY_PRECISION = 1e-5

_SCORE_SUFFIXES = (".csv", ".xlsx")
_AREA_SUFFIXES = (".gpkg", ".geojson", ".json", ".parquet", ".geoparquet")
_DEFAULT_PROVENANCE = {
    "scores": {
        "publisher": "Ministerie van BZK, Leefbaarometer 3.0 (leefbaarometer.nl, open data)",
        "licence": "CC0 1.0",
        "attribution": "Leefbaarometer 3.0, Ministerie van BZK",
    },
    "areas": {
        "publisher": "CBS / Kadaster, Wijk- en buurtkaart (via PDOK)",
        "licence": "CC BY 4.0",
        "attribution": "CBS / Kadaster",
    },
}


@dataclass
class _Sources:
    scores: list[ScoreFile]
    areas: list[AreaFile]
    provenance: dict[str, dict[str, Any]]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _discover(src: Path) -> _Sources:
    if not src.is_dir():
        msg = f"source folder {src} does not exist; pass --from with a folder of Leefbaarometer and CBS files"
        raise DataFileError(msg)
    prov_file = src / "sources.json"
    provenance = json.loads(prov_file.read_text(encoding="utf-8"))["files"] if prov_file.exists() else {}
    scores, areas = [], []
    for path in sorted(p for p in src.rglob("*") if p.is_file()):
        suffix = path.suffix.lower()
        if path.name == "sources.json":
            continue
        if suffix in _SCORE_SUFFIXES:
            scores.append(read_scores(path))
        elif suffix in _AREA_SUFFIXES:
            areas.append(read_areas(path))
    if not scores or not areas:
        msg = (
            f"source folder {src} holds {len(scores)} score files and {len(areas)} area files; "
            "the build needs at least one of each (a Leefbaarometer CSV/XLSX and a GPKG/GeoJSON)"
        )
        raise DataFileError(msg)
    return _Sources(scores, areas, provenance)


def _combine_areas(files: list[AreaFile]) -> gpd.GeoDataFrame:
    frames = []
    seen: dict[str, Path] = {}
    for f in files:
        clash = [c for c in f.frame["code"] if c in seen]
        if clash:
            raise ValidationError(
                str(f.path),
                [
                    f"{len(clash)} {f.level} codes (e.g. {clash[0]}) also appear in {seen[clash[0]]}; "
                    "keep one file per set of areas in the source folder"
                ],
            )
        seen.update(dict.fromkeys(f.frame["code"], f.path))
        frames.append(f.frame.assign(level=f.level))
    areas = pd.concat(frames, ignore_index=True)
    areas = gpd.GeoDataFrame(areas, geometry="geometry", crs=STORAGE_CRS)

    areas["population"] = areas["population"].astype("float64")
    # A level without its own file is dissolved from the level below (CBS codes nest exactly):
    # wijken from buurten (named by code: no names are made up), gemeenten from wijken.
    for upper, lower, key in (("wijk", "buurt", "parent_code"), ("gemeente", "wijk", "gemeente_code")):
        below = areas[areas["level"] == lower]
        if (areas["level"] == upper).any() or below.empty:
            continue
        merged = below.dissolve(key, as_index=False, aggfunc={"gemeente_name": "first", "population": "sum"})
        merged = merged.assign(
            code=merged[key],
            name=merged[key],
            level=upper,
            parent_code=merged[key].str.slice(2, 6).radd("GM") if upper == "wijk" else None,
            gemeente_code=merged[key].str.slice(2, 6).radd("GM"),
            population=float("nan") if upper == "wijk" else merged["population"],
        )
        areas = gpd.GeoDataFrame(pd.concat([areas, merged], ignore_index=True), geometry="geometry", crs=STORAGE_CRS)
    wijken = areas[areas["level"] == "wijk"]
    # gemeente names and populations from the levels that have them
    gm_names = areas[areas["level"] == "gemeente"].set_index("code")["name"]
    areas["gemeente_name"] = areas["gemeente_code"].map(gm_names).fillna(areas["gemeente_name"])
    pop = wijken.groupby("gemeente_code")["population"].sum(min_count=1)
    is_gm = areas["level"] == "gemeente"
    areas.loc[is_gm, "population"] = areas.loc[is_gm, "code"].map(pop).astype("float64")
    order = {lv: i for i, lv in enumerate(LEVELS)}
    areas = areas.sort_values(["level", "code"], key=lambda s: s.map(order) if s.name == "level" else s)
    cols = ["code", "name", "level", "parent_code", "gemeente_code", "gemeente_name", "population", "geometry"]
    out = gpd.GeoDataFrame(areas[cols].reset_index(drop=True), geometry="geometry", crs=STORAGE_CRS)
    for c in ("code", "name", "level", "parent_code", "gemeente_code", "gemeente_name"):
        out[c] = out[c].astype("object").where(out[c].notna(), None)
    out["population"] = out["population"].astype("float64")
    return out


def _display_geometry(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    parts = []
    for level in LEVELS:
        sub = areas[areas["level"] == level]
        if sub.empty:
            continue
        simple = shapely.coverage_simplify(sub.geometry.array, DISPLAY_TOLERANCE[level])
        simple = shapely.make_valid(simple)
        parts.append(gpd.GeoDataFrame({"code": sub["code"].to_numpy()}, geometry=simple, crs=STORAGE_CRS))
    display = pd.concat(parts, ignore_index=True)
    display = gpd.GeoDataFrame(display, geometry="geometry", crs=STORAGE_CRS).to_crs(DISPLAY_CRS)
    display["geometry"] = shapely.set_precision(display.geometry.array, DISPLAY_PRECISION)
    return display


def _vintage(path: Path, provenance: dict[str, Any]) -> int | None:
    if "vintage" in provenance:
        return int(provenance["vintage"])
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", path.name)
    return int(years[-1]) if years else None


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    if isinstance(frame, gpd.GeoDataFrame):
        frame.to_parquet(path, index=False, compression="zstd", write_covering_bbox=False)
    else:
        frame.to_parquet(path, index=False, compression="zstd")


def build(src: str | Path = DEFAULT_SOURCE_DIR, out: str | Path = DEFAULT_DATA_DIR) -> dict[str, Any]:
    """Build the dataset in ``out`` from the source files in ``src``.

    Parameters
    ----------
    src : str or Path, default ``data/sources``
        Folder with Leefbaarometer score files and area files, searched recursively. An
        optional ``sources.json`` gives publisher, licence, attribution and vintage per file.
    out : str or Path, default ``data``
        Where ``areas.parquet``, ``display.parquet``, ``scores.parquet``,
        ``excluded.parquet`` and ``manifest.json`` are written. The files are written to a
        temporary folder first and moved in only when the whole build succeeded.

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    DataFileError, ValidationError
        From the readers, naming file, column and rows.
    """
    src, out = Path(src), Path(out)
    sources = _discover(src)
    areas = _combine_areas(sources.areas)

    score_parts, excluded_parts, reconciliation = [], [], {}
    for level in LEVELS:
        files = [f for f in sources.scores if f.level == level]
        if not files:
            continue
        long = pd.concat(
            [f.frame.assign(meting=f.meting, source=f.path.relative_to(src).as_posix()) for f in files],
            ignore_index=True,
        )
        rec = reconcile(long, areas[areas["level"] == level])
        score_parts.append(rec.scores)
        excluded_parts.append(rec.excluded)
        totals = rec.join_report.sum().astype(int).to_dict()
        reconciliation[level] = {
            "totals": totals,
            "join_rate": round(totals["matched"] / totals["scored"], 4) if totals["scored"] else None,
            "name_mismatches": {
                "cosmetic": int((rec.names["match"] == "cosmetic").sum()),
                "substantive": int((rec.names["match"] == "substantive").sum()),
                "list": rec.names.to_dict(orient="records"),
            },
            "join_report": rec.join_report.to_dict(orient="index"),
        }
    cols = ["code", "year", *MEASURES, "meting", "source"]
    scores = pd.concat(score_parts, ignore_index=True)[cols].sort_values(["code", "year"]).reset_index(drop=True)
    excluded = (
        pd.concat(excluded_parts, ignore_index=True)[[*cols, "reason"]]
        .sort_values(["code", "year", "meting"])
        .reset_index(drop=True)
    )
    display = _display_geometry(areas)

    manifest: dict[str, Any] = {
        "format": 1,
        "crs": {"storage": STORAGE_CRS, "display": DISPLAY_CRS},
        "display_tolerance_m": DISPLAY_TOLERANCE,
        "sources": [],
        "counts": {
            "areas": {lv: int((areas["level"] == lv).sum()) for lv in LEVELS},
            "scored_areas": {
                lv: int(scores.loc[scores["code"].isin(areas.loc[areas["level"] == lv, "code"]), "code"].nunique())
                for lv in LEVELS
            },
            "score_rows": len(scores),
            "excluded_rows": {str(k): int(v) for k, v in excluded["reason"].value_counts().sort_index().items()},
        },
        "years": sorted(int(y) for y in scores["year"].unique()),
        "reconciliation": reconciliation,
        "repairs": [],
    }
    inputs: list[ScoreFile | AreaFile] = [*sources.scores, *sources.areas]
    for f in sorted(inputs, key=lambda f: str(f.path)):
        rel = f.path.relative_to(src).as_posix()
        kind = "scores" if isinstance(f, ScoreFile) else "areas"
        prov = {**_DEFAULT_PROVENANCE[kind], **sources.provenance.get(rel, {})}
        entry: dict[str, Any] = {
            "file": rel,
            "sha256": _sha256(f.path),
            "bytes": f.path.stat().st_size,
            "kind": kind,
            "level": f.level,
            **prov,
        }
        if isinstance(f, ScoreFile):
            entry.update(meting=f.meting, rows=len(f.frame), areas=int(f.frame["code"].nunique()))
        else:
            entry.update(vintage=_vintage(f.path, prov), features=len(f.frame), source_crs=f.source_crs)
        manifest["sources"].append(entry)
        if f.report.counts:
            manifest["repairs"].append({**f.report.to_dict(), "source": rel})

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".build-") as tmp:
        t = Path(tmp)
        _write_parquet(areas, t / "areas.parquet")
        _write_parquet(display, t / "display.parquet")
        _write_parquet(scores, t / "scores.parquet")
        _write_parquet(excluded, t / "excluded.parquet")
        (t / "manifest.json").write_text(
            json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n",
            encoding="utf-8",
        )
        for p in sorted(t.iterdir()):
            shutil.move(str(p), out / p.name)
    return manifest
