"""Find and classify the source files of the build (:func:`geo.build.build`).

:func:`discover` walks a source folder and sorts every file by its content, not its name: a
Leefbaarometer score file (CSV/XLSX), an area file (GPKG/GeoJSON/GeoParquet/shapefile), a file of
the Leefbaarometer WFS export (GeoJSON with ``properties.raw``) or a file left out (documentation,
a hidden file, the WFS province outlines, a stray CSV, or ``"build": false`` in ``sources.json``).
It reads each file with its reader and gives the :class:`Sources` the build combines. The helpers
here also describe a source file for the manifest: its sha256, its ``sources.json`` entry and its
vintage.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo._errors import DataFileError
from geo.areas import AreaFile, read_areas
from geo.schema import NATIONAL_REFERENCE, SCORE_CODE_COLUMNS
from geo.scores import ScoreFile, read_scores
from geo.wfs import WfsFile, load_feature_collection, read_wfs, wfs_level

__all__ = [
    "Sources",
    "discover",
    "file_sha256",
    "file_vintage",
    "is_documentation",
    "is_shapefile_part",
    "looks_like_scores",
    "national_reference",
    "not_built",
    "read_provenance",
]

_SCORE_SUFFIXES = (".csv", ".xlsx")
_JSON_SUFFIXES = (".geojson", ".json")
_AREA_SUFFIXES = (".gpkg", ".parquet", ".geoparquet", ".shp")
#: Files that belong to a shapefile (read with its ``.shp``).
_SHAPEFILE_PARTS = (".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".shp.xml")
_DOC_SUFFIXES = (".md", ".txt", ".rst", ".html", ".pdf")
_SCORE_HEADER = {*SCORE_CODE_COLUMNS.values(), "jaar", "lbm", "afw"}


@dataclass
class Sources:
    """The files of a source folder, read and sorted by kind (what :func:`discover` gives).

    Attributes
    ----------
    scores, areas, wfs : list
        The score files, area files and files of the WFS export, in path order.
    provenance : dict
        The ``files`` object of ``sources.json`` (empty without one).
    ignored : list of dict
        The files left out: ``file``, ``reason`` and ``warned`` (whether the build warned).
    reference : dict
        The national reference ``lbm`` of the WFS export is derived with (``value``, ``from``);
        empty without a WFS export.
    """

    scores: list[ScoreFile]
    areas: list[AreaFile]
    wfs: list[WfsFile]
    provenance: dict[str, dict[str, Any]]
    ignored: list[dict[str, Any]] = field(default_factory=list)
    reference: dict[str, Any] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    """Return the sha256 of the file at ``path`` (hex), read in chunks of 1 MiB."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_provenance(src: Path) -> dict[str, dict[str, Any]]:
    """Read ``sources.json`` (``{"files": {relative path: {publisher, licence, ...}}}``)."""
    prov_file = src / "sources.json"
    if not prov_file.exists():
        return {}
    how = 'it must be {"files": {"<path relative to the source folder>": {"publisher": ..., "licence": ...}}}'
    try:
        data = json.loads(prov_file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        msg = f"{prov_file}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        raise DataFileError(msg) from exc
    except json.JSONDecodeError as exc:
        msg = f"{prov_file}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); fix the file"
        raise DataFileError(msg) from exc
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        found = "no 'files' object" if isinstance(data, dict) else f"a JSON {type(data).__name__}"
        msg = f"{prov_file}: has {found}; {how}"
        raise DataFileError(msg)
    files: dict[str, Any] = data["files"]
    for name, entry in files.items():
        if not isinstance(entry, dict):
            msg = f"{prov_file}: the entry for {name!r} is a JSON {type(entry).__name__}, not an object; {how}"
            raise DataFileError(msg)
        if "build" in entry and not isinstance(entry["build"], bool):
            msg = f"{prov_file}: the entry for {name!r} has 'build': {entry['build']!r}; write true or false"
            raise DataFileError(msg)
    return files


def not_built(provenance: dict[str, dict[str, Any]], rel: str) -> tuple[str, str] | None:
    """Return ``(key, why)`` when ``sources.json`` leaves ``rel`` out of the build, else None.

    A file is left out by ``"build": false`` in its entry, or in the entry of a folder above it
    (a key ending in ``/``); ``key`` is that entry's key.
    """
    for key in (rel, *sorted((k for k in provenance if k.endswith("/") and rel.startswith(k)), key=len)):
        entry = provenance.get(key, {})
        if entry.get("build") is False:
            return key, str(entry.get("notes", f"marked 'build': false in sources.json ({key})"))
    return None


def looks_like_scores(path: Path) -> bool:
    """Tell whether a CSV's header has a Leefbaarometer column (a code column, jaar, lbm or afw)."""
    try:
        with path.open(encoding="utf-8-sig") as fh:
            header = fh.readline()
    except UnicodeDecodeError:
        return True  # let the score reader name the encoding problem
    cells = {c.strip().strip('"').lower() for c in re.split(r"[;,]", header)}
    return bool(cells & _SCORE_HEADER)


def is_documentation(path: Path, src: Path) -> bool:
    """Tell whether ``path`` is documentation, a hidden file or in a hidden folder."""
    name = path.name.lower()
    hidden = any(part.startswith(".") for part in path.relative_to(src).parts)
    return hidden or path.suffix.lower() in _DOC_SUFFIXES or name.startswith(("readme", "licen"))


def is_shapefile_part(path: Path) -> bool:
    """Tell whether ``path`` belongs to a shapefile next to it (read with that ``.shp``)."""
    name = path.name.lower()
    return name.endswith(_SHAPEFILE_PARTS) and path.with_name(name.split(".")[0] + ".shp").exists()


def discover(src: Path) -> Sources:
    """Find, classify and read the source files in ``src`` (searched recursively).

    Parameters
    ----------
    src : Path
        The source folder; its ``sources.json``, when present, gives provenance per file and
        leaves files or folders out with ``"build": false``.

    Returns
    -------
    Sources
        The files read by kind, the provenance, the files left out and, with a WFS export, the
        national reference its ``lbm`` is derived with.

    Raises
    ------
    DataFileError
        When ``src`` is no folder, ``sources.json`` is malformed, or the folder lacks a score
        file or an area file; and from the readers, naming file, column and rows.

    Warns
    -----
    UserWarning
        Listing the files that are neither score nor area files (left out).
    """
    if not src.is_dir():
        msg = f"source folder {src} does not exist; pass --from with a folder of Leefbaarometer and CBS files"
        raise DataFileError(msg)
    provenance = read_provenance(src)
    scores: list[ScoreFile] = []
    areas: list[AreaFile] = []
    wfs_found: list[tuple[Path, dict[str, Any]]] = []
    ignored: list[dict[str, Any]] = []

    def ignore(path: Path, reason: str, *, warn: bool = True) -> None:
        ignored.append({"file": path.relative_to(src).as_posix(), "reason": reason, "warned": warn})

    for path in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = path.relative_to(src).as_posix()
        suffix = path.suffix.lower()
        if rel == "sources.json":
            continue
        skip = not_built(provenance, rel)
        if skip is not None:
            # a folder left out is listed once, so adding files to it does not change the manifest
            if not any(i["file"] == skip[0] for i in ignored):
                ignored.append({"file": skip[0], "reason": skip[1], "warned": False})
        elif is_documentation(path, src):
            ignore(path, "documentation or hidden file", warn=False)
        elif is_shapefile_part(path):
            continue  # read with its .shp
        elif suffix in (*_SCORE_SUFFIXES, ".geojson", *_AREA_SUFFIXES) and path.stat().st_size == 0:
            msg = (
                f"{path} is empty (0 bytes), perhaps an interrupted download; download it again, "
                f'or move it out of {src} (or mark it "build": false in sources.json)'
            )
            raise DataFileError(msg)
        elif suffix in _SCORE_SUFFIXES:
            if suffix == ".csv" and not looks_like_scores(path):
                ignore(path, "CSV without Leefbaarometer columns (bu_code/wk_code/gm_code, jaar, lbm, afw)")
            else:
                scores.append(read_scores(path))
        elif suffix in _JSON_SUFFIXES:
            data = None
            if suffix == ".json" or b'"raw"' in path.read_bytes():
                try:
                    data = load_feature_collection(path)
                except DataFileError:
                    if suffix == ".geojson":
                        raise
                    ignore(path, "JSON file that cannot be parsed; not a geo file")
                    continue
                if data is None:
                    if suffix == ".geojson":
                        areas.append(read_areas(path))  # names what is wrong with it
                    else:
                        ignore(path, "JSON that is not a GeoJSON FeatureCollection; not a geo file")
                    continue
            if data is not None and any(
                isinstance(f, dict) and "raw" in (f.get("properties") or {}) for f in data["features"]
            ):
                if wfs_level(data) is None:
                    ignore(path, "WFS export without gemeente, wijk or buurt codes (e.g. province outlines)")
                else:
                    wfs_found.append((path, data))
            else:
                areas.append(read_areas(path))
        elif suffix in _AREA_SUFFIXES:
            areas.append(read_areas(path))
        else:
            ignore(path, f"file type {suffix or '(none)'!r} is neither a score file (CSV/XLSX) nor an area file")

    warned = [i["file"] for i in ignored if i["warned"]]
    if warned:
        warnings.warn(
            f"{src}: {len(warned)} files are neither score nor area files and were left out: {', '.join(warned)}",
            UserWarning,
            stacklevel=3,
        )

    wfs = [read_wfs(path, data=data) for path, data in wfs_found]
    reference: dict[str, Any] = {}
    for w in wfs:
        reference = national_reference(src, scores, w.year)
        if reference["value"] != w.national_reference:
            w.national_reference = reference["value"]
            w.frame["lbm"] = w.frame["afw"] + w.national_reference
    n_scores, n_areas = len(scores) + len(wfs), len(areas) + len(wfs)
    if not n_scores or not n_areas:
        msg = (
            f"source folder {src} holds {n_scores} score files and {n_areas} area files; "
            "the build needs at least one of each (a Leefbaarometer CSV/XLSX and a GPKG/GeoJSON, "
            "or the Leefbaarometer WFS export, which holds both)"
        )
        raise DataFileError(msg)
    return Sources(scores, areas, wfs, provenance, ignored, reference)


def national_reference(src: Path, scores: list[ScoreFile], year: int) -> dict[str, Any]:
    """Return the national reference to derive ``lbm`` from: the score files of that meting, else the constant."""
    files = [f for f in scores if f.meting == year]
    diffs = [f.frame["lbm"] - f.frame["afw"] for f in files]
    values = pd.concat(diffs).dropna() if diffs else pd.Series(dtype="float64")
    if len(values):
        names = ", ".join(f.path.relative_to(src).as_posix() for f in files)
        return {"value": float(np.median(values)), "from": f"median of lbm - afw in {names}"}
    return {"value": NATIONAL_REFERENCE, "from": f"geo.schema.NATIONAL_REFERENCE (no meting-{year} score file)"}


def file_vintage(path: Path, provenance: dict[str, Any]) -> int | None:
    """Return a file's vintage: ``vintage`` in its ``sources.json`` entry, else the last year in its name."""
    if "vintage" in provenance:
        return int(provenance["vintage"])
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", path.name)
    return int(years[-1]) if years else None
