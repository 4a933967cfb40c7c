"""Build the embedded dataset from source files: ``python -m geo build``.

The build reads every score file (CSV/XLSX), area file (GPKG/GeoJSON/GeoParquet) and file of
the Leefbaarometer WFS export (GeoJSON with ``properties.raw``, scores and polygons in one) in a
folder, validates them, reconciles score vintages with polygon vintages, simplifies the
geometry for drawing and writes GeoParquet tables plus ``manifest.json``. The same inputs give
byte-identical outputs.

Files are recognised by their content, not their name. Files that are neither (a README, the
WFS province outlines, a stray CSV) are left out with a warning and listed in the manifest.
Finding and classifying the source files is :mod:`geo._sources`; this module combines them.

Precedence, where two sources give the same thing:

- **polygons**: an ordinary area file (CBS, Gemeente Amsterdam) wins over the WFS export for
  every gemeente it covers at its level; the WFS polygons fill the other gemeenten;
- **scores**: a score file (the official CSVs, full precision) wins over the WFS export for
  every (code, year) both give; the build reports how far they agree. The official classes of
  the WFS export are kept on the winning row.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo._errors import ValidationError
from geo._sources import Sources, discover, file_sha256, file_vintage
from geo.areas import AreaFile
from geo.codes import LEVELS, Level
from geo.crs import DISPLAY_CRS, STORAGE_CRS
from geo.dataset import DEFAULT_DATA_DIR
from geo.reconcile import reconcile
from geo.schema import MEASURES
from geo.scores import ScoreFile
from geo.store import write_dataset
from geo.wfs import RAW_CLASSES, WfsFile

__all__ = ["DEFAULT_SOURCE_DIR", "DISPLAY_TOLERANCE", "SCORE_COLUMNS", "WFS_GRID_M", "build"]

#: The project's own copy of the published source files.
DEFAULT_SOURCE_DIR = DEFAULT_DATA_DIR / "sources"

#: Coverage simplification tolerance in metres, per level, for the drawn geometry.
DISPLAY_TOLERANCE: dict[Level, float] = {"gemeente": 150.0, "wijk": 40.0, "buurt": 40.0}

#: Grid in metres (RD New) on which polygons of the WFS export are stored. The export is
#: simplified to 0.0001 degrees (7-11 m) at the source, so a 1 m grid loses nothing and halves
#: the size of ``areas.parquet`` (coordinates on a grid compress well).
WFS_GRID_M = 1.0

#: Grid size in degrees of the drawn geometry (about 1 m).
DISPLAY_PRECISION = 1e-5

#: Columns of ``scores.parquet``: the measures, the official classes (nullable; published only
#: by the WFS export, for 2024), ``derived`` (comma-separated measures of the row that are derived,
#: not published: ``"lbm"`` for WFS rows; empty when every value is published), ``meting``, ``source``.
SCORE_COLUMNS: tuple[str, ...] = ("code", "year", *MEASURES, *RAW_CLASSES, "derived", "meting", "source")

_DEFAULT_PROVENANCE = {
    "scores": {
        "publisher": "Ministerie van BZK, Leefbaarometer 3.0 (leefbaarometer.nl, open data)",
        "publisher_en": "Ministry of the Interior (BZK), Leefbaarometer 3.0 (leefbaarometer.nl, open data)",
        "licence": "CC0 1.0",
        "attribution": "Leefbaarometer 3.0, Ministerie van BZK",
    },
    "areas": {
        "publisher": "CBS / Kadaster, Wijk- en buurtkaart (via PDOK)",
        "licence": "CC BY 4.0",
        "attribution": "CBS / Kadaster",
    },
    "wfs": {
        "publisher": "Ministerie van BZK, Leefbaarometer 3.0 WFS (geo.leefbaarometer.nl); geometrie CBS / Kadaster",
        "publisher_en": "Ministry of the Interior (BZK), Leefbaarometer 3.0 WFS (geo.leefbaarometer.nl); "
        "geometry CBS / Kadaster",
        "licence": "CC0 1.0 (scores); CC BY 4.0 (geometrie)",
        "licence_en": "CC0 1.0 (scores); CC BY 4.0 (geometry)",
        "attribution": "Leefbaarometer 3.0, Ministerie van BZK",
        "geometry_attribution": "CBS / Kadaster",
    },
}


def _provenance(default: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Return a file's provenance: ``sources.json``'s entry over the default of its kind.

    A text the entry gives replaces the default's English version too (``publisher`` drops the
    default ``publisher_en``), so an English reader never sees the default's text beside the file's own.
    """
    kept = {k: v for k, v in default.items() if not (k.endswith("_en") and k.removesuffix("_en") in given)}
    return {**kept, **given}


def _combine_areas(files: list[AreaFile], wfs: list[WfsFile] | None = None) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """Combine the area files; WFS polygons fill the gemeenten no area file covers at their level."""
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
        frames.append(f.frame.assign(level=f.level, source=str(f.path)))
    report: dict[str, Any] = {}
    for w in wfs or []:
        covered: dict[str, Path] = {}
        for f in files:
            if f.level == w.level:
                covered.update(dict.fromkeys(f.frame["gemeente_code"], f.path))
        replaced = w.areas["gemeente_code"].isin(list(covered))
        kept = w.areas[~replaced].copy()
        kept["geometry"] = shapely.set_precision(kept.geometry.array, WFS_GRID_M)
        clash = [c for c in kept["code"] if c in seen]
        if clash:
            raise ValidationError(
                str(w.path),
                [
                    f"{len(clash)} {w.level} codes (e.g. {clash[0]}) also appear in {seen[clash[0]]}; "
                    "keep one copy of the WFS export in the source folder"
                ],
            )
        seen.update(dict.fromkeys(kept["code"], w.path))
        frames.append(kept.assign(level=w.level, source=str(w.path)))
        by_file: dict[str, int] = {}
        lacking: list[str] = []
        for code, gm in w.areas.loc[replaced, ["code", "gemeente_code"]].itertuples(index=False):
            by_file[covered[gm].name] = by_file.get(covered[gm].name, 0) + 1
            if code not in seen:
                lacking.append(str(code))
        report[str(w.path)] = {
            "level": w.level,
            "polygons_used": len(kept),
            "polygons_replaced": dict(sorted(by_file.items())),
            "codes_without_polygon_in_preferred_file": sorted(lacking),
        }
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
    cols = [
        "code",
        "name",
        "level",
        "parent_code",
        "gemeente_code",
        "gemeente_name",
        "population",
        "source",
        "geometry",
    ]
    out = gpd.GeoDataFrame(areas[cols].reset_index(drop=True), geometry="geometry", crs=STORAGE_CRS)
    for c in ("code", "name", "level", "parent_code", "gemeente_code", "gemeente_name", "source"):
        out[c] = out[c].astype("object").where(out[c].notna(), None)
    out["population"] = out["population"].astype("float64")
    return out, report


def _hierarchy(areas: pd.DataFrame) -> dict[str, Any]:
    """Check that every buurt's wijk and gemeente and every wijk's gemeente exist."""
    codes = set(areas["code"])
    levels: dict[str, Any] = {}
    for level in ("buurt", "wijk"):
        sub = areas[areas["level"] == level]
        if sub.empty:
            continue
        no_parent = sorted(sub.loc[~sub["parent_code"].isin(codes), "code"])
        no_gemeente = sorted(sub.loc[~sub["gemeente_code"].isin(codes), "code"])
        levels[level] = {
            "areas": len(sub),
            "without_parent": no_parent,
            "without_gemeente": no_gemeente,
        }
        orphans = sorted({*no_parent, *no_gemeente})
        if orphans:
            shown = ", ".join(orphans[:5]) + (" ..." if len(orphans) > 5 else "")
            warnings.warn(
                f"{len(orphans)} {level} codes have no containing area in the dataset ({shown}); "
                "listed in manifest.json under 'hierarchy'. Add the area file of the level above",
                UserWarning,
                stacklevel=3,
            )
    return levels


def _combine_scores(
    sources: Sources, areas: gpd.GeoDataFrame, src: Path
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], dict[str, Any]]:
    """Reconcile the scores per level; a score file wins over the WFS export for a (code, year)."""
    score_parts, excluded_parts = [], []
    reconciliation: dict[str, Any] = {}
    agreement: dict[str, Any] = {}
    for level in LEVELS:
        files = [f for f in sources.scores if f.level == level]
        wfs = [w for w in sources.wfs if w.level == level]
        if not files and not wfs:
            continue
        parts = [f.frame.assign(meting=f.meting, source=f.path.relative_to(src).as_posix(), derived="") for f in files]
        csv = pd.concat(parts, ignore_index=True) if parts else None
        wfs_rows = [
            w.frame.assign(meting=w.meting, source=w.path.relative_to(src).as_posix(), derived=",".join(w.derived))
            for w in wfs
        ]
        long_parts = [] if csv is None else [csv]
        if wfs_rows:
            wlong = pd.concat(wfs_rows, ignore_index=True)
            if csv is not None:
                both = wlong.merge(csv, on=["code", "year"], suffixes=("_wfs", "_csv"))
                agreement[level] = {
                    "compared": len(both),
                    "max_abs_difference": {
                        m: (float((both[f"{m}_wfs"] - both[f"{m}_csv"]).abs().max()) if len(both) else None)
                        for m in MEASURES
                    },
                    "rule": "the score file (CSV/XLSX, full precision) wins; the WFS classes are kept on its row",
                }
                key = pd.MultiIndex.from_frame(wlong[["code", "year"]])
                in_csv = key.isin(pd.MultiIndex.from_frame(csv[["code", "year"]]))
                classes = wlong.loc[in_csv, ["code", "year", *RAW_CLASSES]]
                csv = csv.merge(classes, on=["code", "year"], how="left")
                long_parts = [csv]
                wlong = wlong[~in_csv]
            long_parts.append(wlong)
        long = pd.concat(long_parts, ignore_index=True)
        for c in RAW_CLASSES:
            long[c] = long[c].astype("Int8") if c in long else pd.array([pd.NA] * len(long), dtype="Int8")
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
    cols = list(SCORE_COLUMNS)
    scores = pd.concat(score_parts, ignore_index=True)[cols].sort_values(["code", "year"]).reset_index(drop=True)
    excluded = (
        pd.concat(excluded_parts, ignore_index=True)[[*cols, "reason"]]
        .sort_values(["code", "year", "meting"])
        .reset_index(drop=True)
    )
    return scores, excluded, reconciliation, agreement


def _derived_section(sources: Sources, scores: pd.DataFrame, src: Path) -> dict[str, Any]:
    """Describe the derived values of the score table (for the manifest and export metadata)."""
    if not sources.wfs:
        return {}
    flagged = scores["derived"].str.split(",").apply(lambda d: "lbm" in d)
    return {
        "lbm": {
            "formula": "lbm = afw + national reference",
            "national_reference": sources.reference["value"],
            "reference_from": sources.reference["from"],
            "sources": sorted({w.path.relative_to(src).as_posix() for w in sources.wfs}),
            "rows": int(flagged.sum()),
            "flag": "scores.parquet column 'derived' lists 'lbm' on every row whose lbm is derived",
            "why": "the Leefbaarometer WFS publishes afw and the dimensions but no lbm",
        }
    }


def _population_note(areas: pd.DataFrame) -> dict[str, Any]:
    known = areas.dropna(subset=["population"]).groupby("level").size()
    total = areas.groupby("level").size()
    return {
        lv: {"areas": int(total.get(lv, 0)), "with_population": int(known.get(lv, 0)), "source": note}
        for lv, note in (
            ("gemeente", "sum of the CBS 2024 inhabitants (aantal_inwoners) of its wijken"),
            ("wijk", "CBS kerncijfers 2024 (aantal_inwoners) of the wijk file"),
            ("buurt", "none in the shared data: no buurt file carries inhabitants (CBS buurt kerncijfers absent)"),
        )
        if lv in total
    }


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


def build(src: str | Path = DEFAULT_SOURCE_DIR, out: str | Path = DEFAULT_DATA_DIR) -> dict[str, Any]:
    """Build the dataset in ``out`` from the source files in ``src``.

    Parameters
    ----------
    src : str or Path, default ``data/sources``
        Folder with Leefbaarometer score files, area files and/or the Leefbaarometer WFS
        export, searched recursively. An optional ``sources.json`` gives publisher, licence,
        attribution and vintage per file (``"build": false`` leaves a file out on purpose).
    out : str or Path, default ``data``
        The dataset folder: ``areas-<hash>.parquet``, ``display-<hash>.parquet``,
        ``scores-<hash>.parquet``, ``excluded-<hash>.parquet`` (named after their sha256) and
        ``manifest.json``, which lists them. The build becomes visible in one step, the rename
        of ``manifest.json``; files of an earlier build are deleted afterwards (see
        :func:`geo.store.write_dataset`).

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    DataFileError, ValidationError
        From the readers, naming file, column and rows (features for the WFS export), and
        for a malformed ``sources.json``.

    Warns
    -----
    UserWarning
        Listing the files that are neither score nor area files (left out), and repairs.
    """
    src, out = Path(src), Path(out)
    sources = discover(src)
    areas, area_precedence = _combine_areas(sources.areas, sources.wfs)
    # the file each polygon comes from, relative to the source folder (None: dissolved from below)
    areas["source"] = [None if p is None else Path(p).relative_to(src).as_posix() for p in areas["source"]]
    scores, excluded, reconciliation, agreement = _combine_scores(sources, areas, src)
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
            "ignored_files": len(sources.ignored),
        },
        "years": sorted(int(y) for y in scores["year"].unique()),
        "reconciliation": reconciliation,
        "repairs": [],
        "derived": _derived_section(sources, scores, src),
        "precedence": {
            "scores": agreement,
            "areas": {Path(k).relative_to(src).as_posix(): v for k, v in area_precedence.items()},
        },
        "hierarchy": _hierarchy(areas),
        "population": _population_note(areas),
        "ignored_files": sources.ignored,
    }
    inputs: list[ScoreFile | AreaFile | WfsFile] = [*sources.scores, *sources.areas, *sources.wfs]
    for f in sorted(inputs, key=lambda f: str(f.path)):
        rel = f.path.relative_to(src).as_posix()
        kind = "scores" if isinstance(f, ScoreFile) else "areas" if isinstance(f, AreaFile) else "wfs"
        prov = _provenance(_DEFAULT_PROVENANCE[kind], sources.provenance.get(rel, {}))
        entry: dict[str, Any] = {
            "file": rel,
            "sha256": file_sha256(f.path),
            "bytes": f.path.stat().st_size,
            "kind": kind,
            "level": f.level,
            **prov,
        }
        if isinstance(f, ScoreFile):
            entry.update(meting=f.meting, rows=len(f.frame), areas=int(f.frame["code"].nunique()))
        elif isinstance(f, AreaFile):
            entry.update(vintage=file_vintage(f.path, prov), features=len(f.frame), source_crs=f.source_crs)
        else:
            # the WFS export gives scores and polygons: listed as a score source (rows point at it
            # through scores.source) that also provides the polygons it did not lose to an area file
            entry.update(
                kind="scores",
                provides=["scores", "areas"],
                meting=f.meting,
                rows=len(f.frame),
                areas=int(f.frame["code"].nunique()),
                vintage=file_vintage(f.path, prov) or f.year,
                features=len(f.areas),
                polygons_used=int(area_precedence[str(f.path)]["polygons_used"]),
                source_crs=f.source_crs,
                derived=list(f.derived),
            )
        manifest["sources"].append(entry)
        if f.report.counts:
            manifest["repairs"].append({**f.report.to_dict(), "source": rel})

    # content-addressed data files, then one atomic rename of manifest.json (see geo.store)
    tables = {"areas": areas, "display": display, "scores": scores, "excluded": excluded}
    return write_dataset(out, tables, manifest)
