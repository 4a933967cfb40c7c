"""An all-or-nothing dataset on disk: content-addressed tables and one manifest.

A dataset folder holds one GeoParquet file per table, named after its content
(``areas-<sha256[:12]>.parquet``), and ``manifest.json``, which lists each file with its name,
size and sha256 (``manifest["files"]``) and a ``build_id``. :func:`write_dataset` writes the
tables first, then the manifest to a temporary name, and makes the build visible with one
``os.replace`` onto ``manifest.json``: that rename is the commit. A build interrupted before it
leaves the previous dataset as it was (its files are untouched: new files have new names), and
one interrupted after it leaves the new dataset. Files of the dataset's own name pattern that
no manifest references are deleted afterwards.

:func:`read_dataset_files` reads the manifest, checks size and sha256 of exactly the files it
lists and refuses a missing, truncated, mixed or damaged dataset with a
:class:`~geo._errors.DataFileError` that names the file and the command that rebuilds it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from geo._errors import DataFileError

__all__ = ["MANIFEST", "TABLES", "DatasetFiles", "read_dataset_files", "rebuild_hint", "write_dataset"]

#: The tables of a dataset, in the order they are written.
TABLES: Final[tuple[str, ...]] = ("areas", "display", "scores", "excluded")
#: Tables stored with geometry (read back as GeoDataFrames).
_GEO_TABLES: Final[frozenset[str]] = frozenset({"areas", "display"})
#: The manifest's file name; replacing it is the atomic commit of a build.
MANIFEST: Final[str] = "manifest.json"
#: Version of the on-disk layout (``files`` in the manifest, content-addressed names).
FORMAT: Final[int] = 2
_HASH_CHARS: Final[int] = 12
#: Data files of a dataset (and the fixed names of the format-1 layout): only these are cleaned.
_OWN_FILE: Final[re.Pattern[str]] = re.compile(
    rf"(?:{'|'.join(TABLES)})(?:-[0-9a-f]{{{_HASH_CHARS}}})?\.parquet", re.ASCII
)


def rebuild_hint(folder: Path) -> str:
    """Return the sentence that says how to rebuild the dataset in ``folder``."""
    return f"rebuild it with `python -m geo build --out {folder}`"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    if isinstance(frame, gpd.GeoDataFrame):
        frame.to_parquet(path, index=False, compression="zstd", write_covering_bbox=False)
    else:
        frame.to_parquet(path, index=False, compression="zstd")


def _build_id(manifest: Mapping[str, Any]) -> str:
    body = json.dumps({k: v for k, v in manifest.items() if k != "build_id"}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def _manifest_text(manifest: Mapping[str, Any]) -> str:
    return json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def write_dataset(out: str | Path, tables: Mapping[str, pd.DataFrame], manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Write a dataset into ``out`` so that it becomes visible in one atomic step.

    Parameters
    ----------
    out : str or Path
        The dataset folder (created if needed).
    tables : mapping of str to DataFrame
        One frame per name of :data:`TABLES`.
    manifest : mapping
        The build's manifest; ``format``, ``files`` and ``build_id`` are added.

    Returns
    -------
    dict
        The manifest as written.

    Notes
    -----
    Steps: each table is written to a temporary folder inside ``out``, hashed, and moved to
    ``<table>-<sha256[:12]>.parquet`` (an existing file of that name has the same bytes); the
    manifest is written to a temporary file and ``os.replace``-d onto ``manifest.json`` (the
    commit); files of the dataset's own pattern that the new manifest does not list are
    deleted. The same inputs give the same names and bytes.
    """
    out = Path(out)
    missing = [t for t in TABLES if t not in tables]
    if missing:
        msg = f"`tables` lacks {', '.join(missing)}; expected {', '.join(TABLES)}"
        raise ValueError(msg)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(dir=out, prefix=".build-") as tmp:
        staging = Path(tmp)
        for table in TABLES:
            part = staging / f"{table}.parquet"
            _write_table(tables[table], part)
            digest = _sha256(part)
            name = f"{table}-{digest[:_HASH_CHARS]}.parquet"
            files[table] = {"file": name, "bytes": part.stat().st_size, "sha256": digest}
        for table in TABLES:
            os.replace(staging / f"{table}.parquet", out / files[table]["file"])
        full: dict[str, Any] = {**manifest, "format": FORMAT, "files": files}
        full["build_id"] = _build_id(full)
        pending = staging / MANIFEST
        pending.write_text(_manifest_text(full), encoding="utf-8")
        os.replace(pending, out / MANIFEST)  # the commit
    _remove_unlisted(out, {f["file"] for f in files.values()})
    return full


def _remove_unlisted(out: Path, keep: set[str]) -> None:
    for path in sorted(out.iterdir()):
        if path.is_file() and _OWN_FILE.fullmatch(path.name) and path.name not in keep:
            path.unlink(missing_ok=True)


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    hint = rebuild_hint(folder)
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        msg = f"dataset folder {folder} {what}; {hint}, or point LEEFBAARHEID_DATA at a dataset folder"
        raise DataFileError(msg)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        msg = f"dataset folder {folder} has no {MANIFEST} (no complete build); {hint}"
        raise DataFileError(msg) from None
    except OSError as exc:
        msg = f"{path}: cannot be read ({exc.strerror}); check its permissions, or {hint}"
        raise DataFileError(msg) from None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        msg = f"{path}: damaged or incomplete (not valid JSON, {len(raw)} bytes); {hint}"
        raise DataFileError(msg) from None
    if not isinstance(manifest, dict):
        msg = f"{path}: damaged (a JSON {type(manifest).__name__}, not an object); {hint}"
        raise DataFileError(msg)
    files = manifest.get("files")
    if not isinstance(files, dict):
        msg = f"{path}: lists no data files (made by an older version of the build); {hint}"
        raise DataFileError(msg)
    for table in TABLES:
        entry = files.get(table)
        ok = (
            isinstance(entry, dict)
            and isinstance(entry.get("file"), str)
            and _OWN_FILE.fullmatch(entry["file"]) is not None
            and isinstance(entry.get("bytes"), int)
            and isinstance(entry.get("sha256"), str)
        )
        if not ok:
            msg = f"{path}: the entry for table {table!r} is missing or damaged; {hint}"
            raise DataFileError(msg)
    return manifest


def _verified_bytes(folder: Path, entry: Mapping[str, Any]) -> bytes:
    """Read one listed file and check it against its manifest entry (the bytes checked are the bytes parsed)."""
    path = folder / str(entry["file"])
    hint = rebuild_hint(folder)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        msg = f"{path}: missing, although {folder / MANIFEST} lists it (incomplete or mixed dataset); {hint}"
        raise DataFileError(msg) from None
    except OSError as exc:
        msg = f"{path}: cannot be read ({exc.strerror}); check its permissions, or {hint}"
        raise DataFileError(msg) from None
    if len(data) != entry["bytes"]:
        msg = (
            f"{path}: {len(data)} bytes, but {MANIFEST} lists {entry['bytes']} "
            f"(truncated, damaged or from another build); {hint}"
        )
        raise DataFileError(msg)
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        msg = f"{path}: content differs from the sha256 in {MANIFEST} (damaged or from another build); {hint}"
        raise DataFileError(msg)
    return data


def _parse(folder: Path, table: str, name: str, data: bytes) -> pd.DataFrame:
    try:
        frame = gpd.read_parquet(io.BytesIO(data)) if table in _GEO_TABLES else pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # a verified file that still cannot be read
        msg = f"{folder / name}: cannot be read as a {table} table ({type(exc).__name__}); {rebuild_hint(folder)}"
        raise DataFileError(msg) from exc
    return frame


@dataclass(frozen=True)
class DatasetFiles:
    """The verified content of a dataset folder.

    Attributes
    ----------
    folder : Path
        The dataset folder.
    manifest : dict
        The manifest.
    tables : dict of str to DataFrame
        The parsed tables (GeoDataFrames for ``areas`` and ``display``); ``display`` only when
        asked for (see :func:`read_dataset_files`).
    raw : dict of str to bytes
        The verified bytes of the tables not parsed yet.
    """

    folder: Path
    manifest: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    raw: dict[str, bytes]

    def table(self, name: str) -> pd.DataFrame:
        """Return a table, parsing its verified bytes on first use."""
        if name not in self.tables:
            self.tables[name] = _parse(self.folder, name, self.manifest["files"][name]["file"], self.raw.pop(name))
        return self.tables[name]


def read_dataset_files(folder: str | Path, *, lazy: tuple[str, ...] = ()) -> DatasetFiles:
    """Read and verify the files of a dataset folder.

    Every file the manifest lists is read and checked at once; tables named in ``lazy`` are
    kept as verified bytes and parsed on first use (:meth:`DatasetFiles.table`), so a later
    rebuild of the folder cannot change what this load sees.

    Parameters
    ----------
    folder : str or Path
        A folder written by :func:`write_dataset`.
    lazy : tuple of str, default ()
        Tables to parse only when asked for (e.g. ``("display",)``).

    Returns
    -------
    DatasetFiles

    Raises
    ------
    DataFileError
        When the folder or manifest is missing or damaged, or a listed file is missing, has
        another size or sha256 than listed (truncated, damaged, or a copy from another
        build), or cannot be read. The message names the file and the rebuild command.
    """
    folder = Path(folder)
    manifest = _read_manifest(folder)
    raw = {table: _verified_bytes(folder, manifest["files"][table]) for table in TABLES}
    files = DatasetFiles(folder=folder, manifest=manifest, tables={}, raw=raw)
    for table in TABLES:
        if table not in lazy:
            files.table(table)
    return files
