"""Export a selection: a table (CSV), a metadata sidecar, GeoJSON and GeoPackage.

Everything starts from a :class:`~geo.selection.Selection` and is keyed by CBS code.

The table
---------
:func:`export_table` gives one row per area and year (``layout="long"``) or one row per area
with a column per measure and year (``layout="wide"``, e.g. ``lbm_2022``). Besides the published
scores it carries the city reference of ``lbm`` (mean of the gemeente's wijken, see
:meth:`~geo.dataset.Dataset.city_reference`; not an official gemeente score), the published
national reference, the gap ``lbm - city_reference``, the area's rank in its gemeente on every
measure (``rank_<measure>`` out of ``rank_of_<measure>``: among the areas of the same level in
the same gemeente with a value that year, 1 = highest, ties share the better position; the rank
of :func:`geo.summary.rank_in_gemeente`, from the same formula :func:`geo.summary.rank_positions`)
and whether the area's scores were
excluded by the build (``excluded``, ``excluded_reason``; e.g. a reused code that names another
area). ``derived`` names the measures of a row that the build computed rather than read from a
publication (e.g. ``lbm`` of the 2024 WFS rows); how is copied from the dataset manifest into
the metadata (``derived``). A missing value is empty, never zero.

:func:`export_files` is the one pipeline behind the app's downloads and the command line: it
takes an :class:`ExportOptions` and returns every file at once (:class:`ExportFiles`).

CSV
---
:func:`to_csv_bytes` writes plain CSV (comma, decimal point) or Dutch-Excel CSV (semicolon,
decimal comma), UTF-8, optionally with a byte-order mark so Excel detects the encoding. Numbers
keep full precision (the shortest text that reads back to the same float) unless ``decimals``
is given. Text cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are
prefixed with ``'`` so a spreadsheet shows them as text instead of running them as a formula
(CSV injection); numeric columns are never touched, so ``-0.12`` stays a number.

Metadata
--------
:func:`export_metadata` describes an export: the sources, licences and attribution of exactly
the rows and areas exported, the vintages, the dataset build (the SHA-256 of its manifest; the
manifest records no build date, so none is invented), the export date and the selection
criteria. :func:`metadata_json` and :func:`metadata_text` write it as a JSON sidecar or as a
plain-text block.

Geo files
---------
:func:`geo_frame` is the wide table plus each area's polygon (EPSG:28992): one feature per
area, the years as columns, so every file holds the same attributes whatever the GIS.
:func:`to_geojson_bytes` writes it as RFC 7946 GeoJSON in EPSG:4326 (``id`` = code, coordinates
rounded to 7 decimals, about 1 cm); :func:`to_gpkg_bytes` as a GeoPackage in EPSG:28992 via
pyogrio, with the metadata in the layer's metadata.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, get_args

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.codes import LEVELS
from geo.crs import DISPLAY_CRS, STORAGE_CRS
from geo.dataset import Dataset
from geo.i18n import Lang, check_lang
from geo.schema import MEASURE_LABELS, MEASURES
from geo.selection import Selection, validate_codes
from geo.summary import rank_positions

__all__ = [
    "FILE_FORMATS",
    "FORMULA_PREFIXES",
    "LONG_COLUMNS",
    "MAX_DECIMALS",
    "ExportFiles",
    "ExportOptions",
    "export_files",
    "export_metadata",
    "export_table",
    "file_names",
    "geo_frame",
    "metadata_json",
    "metadata_text",
    "to_csv_bytes",
    "to_geojson_bytes",
    "to_gpkg_bytes",
]

Layout = Literal["long", "wide"]
#: A file :func:`export_files` can write.
FileFormat = Literal["csv", "geojson", "gpkg"]
#: Every file format, in the order :func:`export_files` builds them by default.
FILE_FORMATS: Final[tuple[FileFormat, ...]] = get_args(FileFormat)
#: Most decimals a CSV can be rounded to: a float64 holds 15-17 significant digits, so more
#: decimals change nothing, and Python's rounding gives empty cells or ``inf`` far beyond that.
MAX_DECIMALS: Final[int] = 15
#: Start of every suggested file name.
FILE_STEM: Final[str] = "leefbaarheid-selectie"
_MEDIA_TYPES: Final[dict[str, str]] = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "metadata_json": "application/json",
    "metadata_text": "text/plain",
}

#: Text cells starting with one of these are neutralised in CSV (see :func:`to_csv_bytes`).
FORMULA_PREFIXES: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")

_AREA_COLUMNS: Final[tuple[str, ...]] = ("code", "name", "level", "gemeente_code", "gemeente_name")
_REFERENCE_COLUMNS: Final[tuple[str, ...]] = ("city_reference", "city_reference_method", "national_reference")
_FLAG_COLUMNS: Final[tuple[str, ...]] = ("excluded", "excluded_reason")
#: Rank columns of the long table: ``rank_<measure>``, ``rank_of_<measure>`` per measure.
_RANK_COLUMNS: Final[tuple[str, ...]] = tuple(c for m in MEASURES for c in (f"rank_{m}", f"rank_of_{m}"))
#: Columns of the long table, in order.
LONG_COLUMNS: Final[tuple[str, ...]] = (
    *_AREA_COLUMNS,
    "year",
    *MEASURES,
    *_REFERENCE_COLUMNS,
    "gap_to_city",
    *_RANK_COLUMNS,
    "meting",
    "derived",
    *_FLAG_COLUMNS,
)
#: Per-year columns of the wide table (``<name>_<year>``).
_WIDE_MEASURES: Final[tuple[str, ...]] = (*MEASURES, "city_reference", "gap_to_city")

_COLUMN_DOCS: Final[dict[str, dict[str, str]]] = {
    "code": {"nl": "CBS-code van het gebied", "en": "CBS area code"},
    "name": {"nl": "naam van het gebied", "en": "area name"},
    "level": {"nl": "niveau: gemeente, wijk of buurt", "en": "level: gemeente, wijk or buurt"},
    "gemeente_code": {"nl": "CBS-code van de gemeente", "en": "CBS code of the municipality"},
    "gemeente_name": {"nl": "naam van de gemeente", "en": "name of the municipality"},
    "year": {"nl": "meetjaar", "en": "measurement year"},
    **{
        m: {"nl": f"{lab['nl']} (Leefbaarometer 3.0)", "en": f"{lab['en']} (Leefbaarometer 3.0)"}
        for m, lab in MEASURE_LABELS.items()
    },
    "city_reference": {
        "nl": "stedelijk gemiddelde van lbm: gemiddelde van de wijken van de gemeente (gewogen naar "
        "CBS-inwonertal 2024 waar bekend); geen officiële gemeentescore",
        "en": "city reference of lbm: mean of the gemeente's wijken (weighted by CBS 2024 population "
        "where known); not an official municipal score",
    },
    "city_reference_method": {
        "nl": "population-weighted of unweighted",
        "en": "population-weighted or unweighted",
    },
    "national_reference": {
        "nl": "landelijk referentieniveau van Leefbaarometer 3.0 (lbm - afw)",
        "en": "national reference level of Leefbaarometer 3.0 (lbm - afw)",
    },
    "gap_to_city": {"nl": "lbm min stedelijk gemiddelde", "en": "lbm minus city reference"},
    **{
        c: doc
        for m, lab in MEASURE_LABELS.items()
        for c, doc in (
            (
                f"rank_{m}",
                {
                    "nl": f"positie op {lab['nl']} ({m}) in de gemeente: onder de gebieden van hetzelfde niveau "
                    "in dezelfde gemeente met een waarde in dat jaar; 1 = hoogste, gelijke waarden delen de "
                    "betere positie (1 + aantal hogere waarden); leeg zonder waarde",
                    "en": f"rank on {lab['en']} ({m}) in the gemeente: among the areas of the same level in "
                    "the same gemeente with a value that year; 1 = highest, ties share the better position "
                    "(1 + number of higher values); empty without a value",
                },
            ),
            (
                f"rank_of_{m}",
                {
                    "nl": f"aantal gebieden gerangschikt voor rank_{m} "
                    "(zelfde niveau, gemeente en jaar, met een waarde)",
                    "en": f"number of areas ranked for rank_{m} (same level, gemeente and year, with a value)",
                },
            ),
        )
    },
    "meting": {
        "nl": "Leefbaarometer-meting (publicatie) waaruit de rij komt",
        "en": "Leefbaarometer measurement (release) the row comes from",
    },
    "derived": {
        "nl": "maten van deze rij die de build heeft berekend in plaats van overgenomen uit een publicatie "
        "(leeg: alles gepubliceerd); hoe staat onder 'derived' in de metadata",
        "en": "measures of this row that the build computed instead of taking them from a publication "
        "(empty: all published); how is under 'derived' in the metadata",
    },
    "excluded": {
        "nl": "true: de scores van dit gebied worden niet getoond (zie excluded_reason)",
        "en": "true: the scores of this area are not shown (see excluded_reason)",
    },
    "excluded_reason": {
        "nl": "waarom, bijv. 'name mismatch': de code hoort in de score bij een ander gebied dan de grens",
        "en": "why, e.g. 'name mismatch': the score's code names another area than the polygon",
    },
}


# -- the table ---------------------------------------------------------------------------------
def _checked_selection(ds: Dataset, selection: Selection) -> list[str]:
    if not isinstance(selection, Selection):
        msg = f"`selection` was {type(selection).__name__} but is expected to be a geo.selection.Selection"
        raise TypeError(msg)
    if not len(selection):
        msg = (
            "`selection` is empty: nothing to export. Add areas first, e.g. "
            "Selection().add_gemeente(ds, 'GM0363'), or loosen the filter"
        )
        raise ValueError(msg)
    codes = list(selection.codes)
    validate_codes(ds, codes, "selection")
    return codes


def _checked_years(ds: Dataset, codes: Sequence[str], years: Sequence[int] | None) -> list[int]:
    available = ds.years()
    if years is None:
        scored = ds.scores.loc[ds.scores["code"].isin(codes), "year"].unique()
        chosen = sorted(int(y) for y in scored)
        return chosen or list(available)
    chosen = sorted({int(y) for y in years})
    unknown = [y for y in chosen if y not in available]
    if unknown or not chosen:
        msg = (
            f"`years` was {list(years)!r} but the dataset has scores in {', '.join(map(str, available))}; "
            "pass some of those, or None for every year with data"
        )
        raise ValueError(msg)
    return chosen


def _exclusion(ds: Dataset, codes: Sequence[str]) -> pd.Series:
    """Reason per code, as :meth:`Dataset.is_excluded` gives it ("" when not excluded)."""
    ex = ds.excluded[ds.excluded["code"].isin(codes)]
    reasons = ex.groupby("code")["reason"].agg(lambda s: "; ".join(sorted(set(map(str, s)))))
    return reasons.reindex(list(codes)).fillna("").astype("str")


def _city_references(ds: Dataset, pairs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for gm, year in pairs.itertuples(index=False):
        ref = ds.city_reference(str(gm), int(year), "lbm")
        value = np.nan if ref.value is None else ref.value
        rows.append((gm, year, value, ref.method if ref.value is not None else None))
    return pd.DataFrame(rows, columns=["gemeente_code", "year", "city_reference", "city_reference_method"])


def _rank_peers(ds: Dataset, codes: list[str], years: list[int]) -> pd.DataFrame:
    """Scores of every area that shares a gemeente and level with a selected area, in ``years``."""
    areas = ds.areas[["level", "gemeente_code"]]
    chosen = areas.loc[codes]
    peers = areas[areas["gemeente_code"].isin(set(chosen["gemeente_code"])) & areas["level"].isin(set(chosen["level"]))]
    scores = ds.scores[ds.scores["code"].isin(peers.index) & ds.scores["year"].isin(years)]
    return scores[["code", "year", *MEASURES]].join(peers, on="code").reset_index(drop=True)


def _ranks(ds: Dataset, table: pd.DataFrame) -> pd.DataFrame:
    """``rank_<measure>`` and ``rank_of_<measure>`` of every row of the long table, one groupby per measure.

    The groups are (gemeente, level, year), the formula :func:`geo.summary.rank_positions`: the
    rank :func:`geo.summary.rank_in_gemeente` gives for one area. An area without a score that
    year has no rank, and ``rank_of`` is still the number of areas ranked in its group (empty when
    none has a score, e.g. the dimensions in 2002).
    """
    codes = list(dict.fromkeys(table["code"]))
    peers = _rank_peers(ds, codes, sorted(set(table["year"])))
    keys = ["gemeente_code", "level", "year"]
    ranked = peers[["code", *keys]].copy()
    for m in MEASURES:
        r = rank_positions(peers[m], [peers[k] for k in keys])
        ranked[f"rank_{m}"] = r["rank"]
        ranked[f"rank_of_{m}"] = r["rank_of"]
    rank_cols = [f"rank_{m}" for m in MEASURES]
    of_cols = [f"rank_of_{m}" for m in MEASURES]
    by_row = table[["code", "year"]].merge(ranked[["code", "year", *rank_cols]], on=["code", "year"], how="left")
    by_group = ranked.groupby(keys)[of_cols].first()
    counts = table[keys].join(by_group, on=keys)[of_cols].astype("Int64")
    counts = counts.where(counts > 0)  # nobody ranked (no scores that year): empty, not 0
    out = pd.concat([by_row[rank_cols].astype("Int64").reset_index(drop=True), counts.reset_index(drop=True)], axis=1)
    out.index = table.index
    return out[list(_RANK_COLUMNS)]


def _long(ds: Dataset, codes: list[str], years: list[int]) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([codes, years], names=["code", "year"])
    scores = ds.scores[ds.scores["code"].isin(codes)].set_index(["code", "year"])
    if "derived" not in scores.columns:  # a dataset built before derived values were flagged
        scores = scores.assign(derived="")
    table = scores.reindex(grid)[[*MEASURES, "meting", "derived"]].reset_index()
    table["year"] = table["year"].astype("int64")
    table["meting"] = table["meting"].astype("Int64")
    table["derived"] = table["derived"].fillna("").astype("str")
    attrs = ds.areas.loc[codes, list(_AREA_COLUMNS[1:])]
    table = table.join(attrs, on="code")
    pairs = table[["gemeente_code", "year"]].drop_duplicates()
    table = table.merge(_city_references(ds, pairs), on=["gemeente_code", "year"], how="left")
    national = ds.national_reference("lbm").value
    table["national_reference"] = np.nan if national is None else float(national)
    table["gap_to_city"] = table["lbm"] - table["city_reference"]
    table[list(_RANK_COLUMNS)] = _ranks(ds, table)
    reasons = _exclusion(ds, codes)
    table["excluded_reason"] = table["code"].map(reasons).astype("str")
    table["excluded"] = table["excluded_reason"] != ""
    for col in ("code", *_AREA_COLUMNS[1:], "city_reference_method"):
        table[col] = table[col].astype("str") if col != "city_reference_method" else table[col]
    return table[list(LONG_COLUMNS)].reset_index(drop=True)


def _wide(ds: Dataset, long: pd.DataFrame, codes: list[str], years: list[int]) -> pd.DataFrame:
    first = long.drop_duplicates("code").set_index("code")
    base = first.loc[codes, [*_AREA_COLUMNS[1:], "national_reference"]]
    parts = [base]
    for m in _WIDE_MEASURES:
        has = set(ds.years(m)) if m in MEASURES else set(years)
        keep = [y for y in years if y in has]
        if not keep:
            continue
        pivot = long.pivot(index="code", columns="year", values=m).reindex(index=codes, columns=keep)
        pivot.columns = [f"{m}_{y}" for y in keep]
        parts.append(pivot.astype("float64"))
    for m in MEASURES:  # rank_<m>_<year>, rank_of_<m>_<year>: the years in which m is published
        keep = [y for y in years if y in set(ds.years(m))]
        for col, dtype in ((f"rank_{m}", pd.Int64Dtype()), (f"rank_of_{m}", pd.Int64Dtype())):
            if keep:
                pivot = long.pivot(index="code", columns="year", values=col).reindex(index=codes, columns=keep)
                pivot.columns = [f"{col}_{y}" for y in keep]
                parts.append(pivot.astype(dtype))
    flagged = [y for y in years if (long.loc[long["year"] == y, "derived"] != "").any()]
    if flagged:
        pivot = long.pivot(index="code", columns="year", values="derived").reindex(index=codes, columns=flagged)
        pivot.columns = [f"derived_{y}" for y in flagged]
        parts.append(pivot.fillna("").astype("str"))
    parts.append(first.loc[codes, list(_FLAG_COLUMNS)])
    wide = pd.concat(parts, axis=1)
    wide.index.name = "code"
    return wide.reset_index()


def export_table(
    ds: Dataset,
    selection: Selection,
    *,
    years: Sequence[int] | None = None,
    layout: Layout = "long",
) -> pd.DataFrame:
    """Return the scores of a selection as a table to export.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    selection : Selection
        The areas, in the order they appear in the table.
    years : sequence of int, optional
        Measurement years; by default every year in which any selected area has a score (all
        years of the dataset when none has).
    layout : {"long", "wide"}, default "long"
        ``long``: one row per area and year, columns :data:`LONG_COLUMNS`. ``wide``: one row per
        area with ``<measure>_<year>`` columns for the measures, ``city_reference`` and
        ``gap_to_city`` (dimension columns only for years in which dimensions are published),
        ``rank_<measure>_<year>`` and ``rank_of_<measure>_<year>`` (the years the measure is published),
        plus ``national_reference``, ``excluded`` and ``excluded_reason``, and
        ``derived_<year>`` for the years in which a selected area has a derived value.

    Returns
    -------
    DataFrame
        Rows of areas without a score that year have empty (NaN) scores.

    Raises
    ------
    ValueError
        When the selection is empty, holds a code the dataset lacks, or ``years`` or ``layout``
        are not allowed.

    See Also
    --------
    export_files : every file of an export at once, as the app and the command line write them.

    Examples
    --------
    >>> sel = Selection().add_gemeente(ds, "GM0363")  # doctest: +SKIP
    >>> export_table(ds, sel, years=[2022]).shape  # doctest: +SKIP
    (111, 20)
    """
    _check_layout(layout)
    codes = _checked_selection(ds, selection)
    chosen = _checked_years(ds, codes, years)
    long = _long(ds, codes, chosen)
    return long if layout == "long" else _wide(ds, long, codes, chosen)


def _check_layout(layout: object) -> None:
    if layout not in ("long", "wide"):
        msg = f"`layout` was {layout!r} but is expected to be 'long' or 'wide'"
        raise ValueError(msg)


# -- CSV ---------------------------------------------------------------------------------------
def _is_text(series: pd.Series) -> bool:
    return bool(pd.api.types.is_string_dtype(series.dtype) or series.dtype == object)


def _neutralise(series: pd.Series) -> pd.Series:
    def fix(value: object) -> object:
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value

    return series.map(fix)


def to_csv_bytes(
    frame: pd.DataFrame,
    *,
    dutch: bool = False,
    bom: bool = False,
    decimals: int | None = None,
) -> bytes:
    """Write a table as CSV bytes, safe to open in a spreadsheet.

    Parameters
    ----------
    frame : DataFrame
        Usually from :func:`export_table`; the index is not written.
    dutch : bool, default False
        Dutch Excel: ``;`` between fields and a decimal comma. Otherwise ``,`` and a point.
    bom : bool, default False
        Start with the UTF-8 byte-order mark, so Excel reads accents correctly.
    decimals : int, optional
        Round float columns to this many decimals; by default full precision (every float
        reads back exactly).

    Returns
    -------
    bytes
        UTF-8, one header row, CRLF line ends (RFC 4180; a field holding a line break is
        quoted), empty cells for missing values. Text cells that start with ``=``, ``+``,
        ``-``, ``@``, tab or carriage return get a leading ``'``.

    Raises
    ------
    ValueError
        When ``frame`` has no rows or ``decimals`` is not an int from 0 to :data:`MAX_DECIMALS`.
    """
    if len(frame) == 0:
        msg = "`frame` has no rows: nothing to write. Export a non-empty selection"
        raise ValueError(msg)
    _check_decimals(decimals)
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if _is_text(s):
            out[col] = _neutralise(s)
        elif decimals is not None and pd.api.types.is_float_dtype(s.dtype):
            out[col] = s.round(decimals)
    text = out.to_csv(
        index=False,
        sep=";" if dutch else ",",
        decimal="," if dutch else ".",
        lineterminator="\r\n",  # RFC 4180; also makes the writer quote fields holding CR or LF
    )
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def _check_decimals(decimals: object) -> None:
    if decimals is None:
        return
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS:
        msg = (
            f"`decimals` was {decimals!r} but is expected to be a whole number from 0 to {MAX_DECIMALS}, "
            "or None for full precision"
        )
        raise ValueError(msg)


# -- metadata ----------------------------------------------------------------------------------
def _manifest_sha256(ds: Dataset) -> str:
    # The manifest as `python -m geo build` writes it, so this equals the file's hash.
    text = json.dumps(ds.manifest, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _source_entry(src: dict[str, Any], **extra: object) -> dict[str, Any]:
    keys = ("file", "title", "publisher", "licence", "attribution", "url", "level", "meting", "vintage", "sha256")
    return {k: src[k] for k in keys if k in src} | extra


def export_metadata(
    ds: Dataset,
    selection: Selection,
    *,
    years: Sequence[int] | None = None,
    layout: Layout = "long",
    file_format: FileFormat = "csv",
    export_date: dt.date | None = None,
    dutch: bool = False,
    bom: bool = False,
    decimals: int | None = None,
) -> dict[str, Any]:
    """Describe an export: sources, licences, vintages, build identity, date and criteria.

    Only the sources of what is exported are listed: a score file when at least one exported
    area-year row comes from it (``ds.scores['source']``), an area file when the selection has
    areas of its level.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    selection : Selection
        The exported areas.
    years : sequence of int, optional
        As given to :func:`export_table`.
    layout : {"long", "wide"}, default "long"
        As given to :func:`export_table`; recorded. Geo files are always ``"wide"``.
    file_format : {"csv", "geojson", "gpkg"}, default "csv"
        The file the metadata describes; recorded.
    export_date : datetime.date, optional
        Defaults to today (UTC). Pass it for reproducible files.
    dutch, bom, decimals
        The CSV options, as given to :func:`to_csv_bytes`; recorded under ``csv`` when
        ``file_format`` is ``"csv"``.

    Returns
    -------
    dict
        JSON-ready: ``title, export_date, format, layout, [csv], selection, counts, years,
        sources, licences, attribution, dataset, [derived], columns, notes``. ``derived`` is
        the dataset manifest's own list of values that are computed rather than published,
        copied when the manifest has one.

    Raises
    ------
    ValueError
        As :func:`export_table`.

    See Also
    --------
    export_files : the metadata together with the files it describes.
    """
    _check_layout(layout)
    _check_format(file_format)
    _check_decimals(decimals)
    codes = _checked_selection(ds, selection)
    chosen = _checked_years(ds, codes, years)
    csv = _csv_record(dutch=dutch, bom=bom, decimals=decimals) if file_format == "csv" else None
    return _metadata(ds, selection, codes, chosen, layout, file_format, export_date, csv)


def _check_format(file_format: object) -> None:
    if file_format not in FILE_FORMATS:
        msg = f"`file_format` was {file_format!r} but is expected to be one of {', '.join(FILE_FORMATS)}"
        raise ValueError(msg)


def _csv_record(*, dutch: bool, bom: bool, decimals: int | None) -> dict[str, Any]:
    return {
        "separator": ";" if dutch else ",",
        "decimal": "," if dutch else ".",
        "encoding": "UTF-8",
        "byte_order_mark": bom,
        "decimals": decimals,
    }


def _metadata(
    ds: Dataset,
    selection: Selection,
    codes: list[str],
    chosen: list[int],
    layout: Layout,
    file_format: FileFormat,
    export_date: dt.date | None,
    csv: dict[str, Any] | None,
) -> dict[str, Any]:
    rows = ds.scores[ds.scores["code"].isin(codes) & ds.scores["year"].isin(chosen)]
    per_file = rows.groupby("source").agg(rows=("code", "size"), areas=("code", "nunique"))
    levels = set(ds.areas.loc[codes, "level"])
    sources = []
    for src in ds.manifest.get("sources", []):
        if src.get("kind") == "scores" and src.get("file") in per_file.index:
            n = per_file.loc[src["file"]]
            sources.append(_source_entry(src, rows_exported=int(n["rows"]), areas_exported=int(n["areas"])))
        elif src.get("kind") == "areas" and src.get("level") in levels:
            count = int((ds.areas.loc[codes, "level"] == src["level"]).sum())
            sources.append(_source_entry(src, areas_exported=count))
    missing = sorted(set(per_file.index) - {s["file"] for s in sources})
    if missing:
        msg = f"the dataset manifest does not describe the score file(s) {', '.join(missing)}; rebuild the dataset"
        raise ValueError(msg)
    licences = sorted({s["licence"] for s in sources if "licence" in s})
    attribution = "; ".join(dict.fromkeys(s["attribution"] for s in sources if "attribution" in s))
    build_date = next((ds.manifest[k] for k in ("built", "build_date", "created") if k in ds.manifest), None)
    level_counts = ds.areas.loc[codes, "level"].value_counts()
    today = export_date or dt.datetime.now(dt.UTC).date()
    meta: dict[str, Any] = {
        "title": "Leefbaarheid in de wijk: export",
        "export_date": today.isoformat(),
        "format": file_format,
        "layout": layout,
    }
    if csv is not None:
        meta["csv"] = csv
    meta |= {
        "selection": {
            "criteria": {"nl": selection.describe("nl"), "en": selection.describe("en")},
            "steps": [{"nl": c.nl, "en": c.en} for c in selection.criteria],
            "n_areas": len(codes),
        },
        "counts": {
            "areas": {lv: int(level_counts.get(lv, 0)) for lv in LEVELS},
            "years": len(chosen),
            "score_rows": len(rows),
            "excluded_areas": int((_exclusion(ds, codes) != "").sum()),
            "derived_rows": int((rows["derived"].fillna("") != "").sum()) if "derived" in rows else 0,
        },
        "years": chosen,
        "sources": sources,
        "licences": licences,
        "attribution": attribution,
        "dataset": {
            "manifest_sha256": _manifest_sha256(ds),
            "build_id": ds.manifest.get("build_id"),
            "format": ds.manifest.get("format"),
            "build_date": build_date,
            "build_date_note": None if build_date else "the dataset manifest records no build date",
            "years": ds.manifest.get("years"),
            "crs": ds.manifest.get("crs"),
        },
    }
    if ds.manifest.get("derived") is not None:
        meta["derived"] = ds.manifest["derived"]
    meta |= {
        "columns": {c: _COLUMN_DOCS[c] for c in LONG_COLUMNS},
        "notes": {
            "nl": (
                "Wijde tabel en geobestanden: kolommen <maat>_<jaar>, rank_<maat>_<jaar> en rank_of_<maat>_<jaar>. "
                "Lege cel = geen score, nooit nul. "
                "De dimensies (fys, onv, soc, vrz, won) zijn alleen gepubliceerd voor 2014, 2018, 2020, 2022 "
                "en 2024. Grenzen: 2024; scores van meting 2022 zijn berekend op de grenzen van 2022."
            ),
            "en": (
                "Wide table and geo files: columns <measure>_<year>, rank_<measure>_<year> and "
                "rank_of_<measure>_<year>. "
                "An empty cell means no score, never zero. "
                "The dimensions (fys, onv, soc, vrz, won) are published for 2014, 2018, 2020, 2022 and 2024 "
                "only. Boundaries: 2024; meting-2022 scores were computed on the 2022 boundaries."
            ),
        },
    }
    return meta


def metadata_json(meta: dict[str, Any]) -> bytes:
    """Write metadata from :func:`export_metadata` as UTF-8 JSON (indented, stable key order)."""
    return (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def metadata_text(meta: dict[str, Any], *, lang: Lang = "nl", prefix: str = "") -> str:
    """Write metadata from :func:`export_metadata` as a short plain-text block.

    Parameters
    ----------
    meta : dict
        From :func:`export_metadata`.
    lang : {"nl", "en"}, default "nl"
    prefix : str, default ""
        Put before every line, e.g. ``"# "`` for a comment header.

    Returns
    -------
    str
        One line per item, each ending in a newline.
    """
    check_lang(lang)
    nl = lang == "nl"
    ds = meta["dataset"]
    lines = [
        meta["title"] if nl else "Liveability by neighbourhood: export",
        f"{'Exportdatum' if nl else 'Export date'}: {meta['export_date']}",
        f"{'Bestand' if nl else 'File'}: {meta['format']}, "
        f"{'indeling' if nl else 'layout'} {_NAME_WORDS[lang][meta['layout']]}",
    ]
    csv = meta.get("csv")
    if csv is not None:
        full = "volledige precisie" if nl else "full precision"
        lines.append(
            f"CSV: {'scheidingsteken' if nl else 'separator'} {csv['separator']!r}, "
            f"{'decimaalteken' if nl else 'decimal mark'} {csv['decimal']!r}, {csv['encoding']}"
            + ((" met BOM, " if nl else " with byte-order mark, ") if csv["byte_order_mark"] else ", ")
            + (full if csv["decimals"] is None else f"{'afgerond op' if nl else 'rounded to'} {csv['decimals']}")
        )
    lines += [
        f"{'Selectie' if nl else 'Selection'}: {meta['selection']['criteria'][lang]}",
        f"{'Gebieden' if nl else 'Areas'}: {meta['selection']['n_areas']}; "
        f"{'jaren' if nl else 'years'}: {', '.join(map(str, meta['years']))}",
        f"{'Bronnen' if nl else 'Sources'}:",
    ]
    for s in meta["sources"]:
        lines.append(f"  - {s.get('title', s['file'])} ({s.get('publisher', '')}); {s.get('licence', '')}; {s['file']}")
    lines += [
        f"{'Licenties' if nl else 'Licences'}: {', '.join(meta['licences'])}",
        f"{'Naamsvermelding' if nl else 'Attribution'}: {meta['attribution']}",
        f"Dataset manifest sha256: {ds['manifest_sha256']}",
        f"{'Bouwdatum' if nl else 'Build date'}: "
        + (str(ds["build_date"]) if ds["build_date"] else ("niet vastgelegd" if nl else "not recorded")),
        meta["notes"][lang],
    ]
    if "derived" in meta:
        lines.append(f"{'Afgeleide waarden' if nl else 'Derived values'}:")
        lines += [f"  - {_plain(item, lang)}" for item in _items(meta["derived"])]
    return "".join(f"{prefix}{line}\n" for line in lines)


def _items(value: object) -> list[object]:
    if isinstance(value, dict):
        return [f"{k}: {_plain(v, None)}" for k, v in value.items()]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _plain(value: object, lang: str | None) -> str:
    """One line for a manifest entry whose shape the dataset decides (text, or a mapping)."""
    if isinstance(value, dict):
        if lang is not None and isinstance(value.get(lang), str):
            return str(value[lang])
        return "; ".join(f"{k}: {_plain(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v, lang) for v in value)
    return str(value)


# -- geo files ---------------------------------------------------------------------------------
def geo_frame(ds: Dataset, selection: Selection, *, years: Sequence[int] | None = None) -> gpd.GeoDataFrame:
    """Return the wide table of a selection with each area's polygon, in EPSG:28992.

    One feature per area (the years are columns), so a GIS joins nothing. Columns as
    :func:`export_table` with ``layout="wide"``, plus ``geometry``.

    Raises
    ------
    ValueError
        As :func:`export_table`.
    """
    return _geo(ds, export_table(ds, selection, years=years, layout="wide"))


def _geo(ds: Dataset, wide: pd.DataFrame) -> gpd.GeoDataFrame:
    geometry = ds.areas.loc[list(wide["code"]), "geometry"].to_numpy()
    return gpd.GeoDataFrame(wide, geometry=geometry, crs=ds.areas.crs or STORAGE_CRS)


def _json_value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return str(value)


def to_geojson_bytes(frame: gpd.GeoDataFrame, *, metadata: dict[str, Any] | None = None) -> bytes:
    """Write a frame from :func:`geo_frame` as RFC 7946 GeoJSON (EPSG:4326).

    Parameters
    ----------
    frame : GeoDataFrame
        With a ``code`` column and a CRS.
    metadata : dict, optional
        From :func:`export_metadata`; written as the top-level member ``metadata``.

    Returns
    -------
    bytes
        UTF-8 JSON. Feature ``id`` is the CBS code; exterior rings counter-clockwise;
        coordinates rounded to 7 decimals; missing values are ``null``.

    Raises
    ------
    ValueError
        When ``frame`` is empty or has no CRS.
    """
    _check_geo(frame)
    wgs = frame.to_crs(DISPLAY_CRS)
    geoms = shapely.orient_polygons(shapely.transform(wgs.geometry.to_numpy(), lambda xy: np.round(xy, 7)))
    attrs = pd.DataFrame(wgs.drop(columns=wgs.geometry.name))
    columns = list(attrs.columns)
    features = []
    for row, geom in zip(attrs.itertuples(index=False, name=None), geoms, strict=True):
        props = {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
        features.append(
            {"type": "Feature", "id": props["code"], "properties": props, "geometry": shapely.geometry.mapping(geom)}
        )
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if metadata is not None:
        doc["metadata"] = metadata
    return json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _check_geo(frame: gpd.GeoDataFrame) -> None:
    if len(frame) == 0:
        msg = "`frame` has no rows: nothing to write. Export a non-empty selection"
        raise ValueError(msg)
    if frame.crs is None:
        msg = "`frame` has no CRS; set it with frame.set_crs('EPSG:28992') (areas are stored in RD New)"
        raise ValueError(msg)


@contextlib.contextmanager
def _gdal_date(stamp: str) -> Iterator[None]:
    """Fix the timestamp GDAL writes into a GeoPackage (``OGR_CURRENT_DATE``), then restore it."""
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def to_gpkg_bytes(
    frame: gpd.GeoDataFrame,
    *,
    metadata: dict[str, Any] | None = None,
    layer: str = "selectie",
) -> bytes:
    """Write a frame from :func:`geo_frame` as a GeoPackage in EPSG:28992 (RD New).

    Parameters
    ----------
    frame : GeoDataFrame
        With a CRS; reprojected to EPSG:28992 if needed.
    metadata : dict, optional
        From :func:`export_metadata`; stored as layer metadata (``DESCRIPTION`` = the
        criteria, ``export_metadata`` = the JSON).
    layer : str, default "selectie"
        Layer name.

    Returns
    -------
    bytes
        The GeoPackage file. Its ``last_change`` timestamp is the export date (or 2000-01-01),
        so the same export gives the same bytes.

    Raises
    ------
    ValueError
        When ``frame`` is empty or has no CRS.
    """
    _check_geo(frame)
    rd = frame.to_crs(STORAGE_CRS)
    layer_metadata = None
    stamp = "2000-01-01T00:00:00Z"
    if metadata is not None:
        layer_metadata = {
            "DESCRIPTION": str(metadata["selection"]["criteria"]["nl"]),
            "export_metadata": json.dumps(metadata, ensure_ascii=False),
        }
        stamp = f"{metadata['export_date']}T00:00:00Z"
    with tempfile.TemporaryDirectory(prefix="geo-export-") as tmp:
        path = Path(tmp) / "export.gpkg"
        with _gdal_date(stamp):
            pyogrio.write_dataframe(
                rd,
                path,
                layer=layer,
                driver="GPKG",
                layer_metadata=layer_metadata,
                promote_to_multi=True,
            )
        return path.read_bytes()


# -- one export: every file of a request -------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class ExportOptions:
    """What an export asks for; the same options give the same bytes in the app and the command line.

    Attributes
    ----------
    layout : {"long", "wide"}, default "long"
        Layout of the CSV (geo files are always wide: one feature per area).
    dutch : bool, default False
        CSV for Dutch Excel: ``;`` between fields and a decimal comma.
    bom : bool, default False
        Start the CSV with a UTF-8 byte-order mark.
    decimals : int, optional
        Round the CSV's numbers to this many decimals (0 to :data:`MAX_DECIMALS`); by default
        full precision.
    lang : {"nl", "en"}, default "nl"
        Language of the plain-text metadata and of the suggested file names.
    formats : tuple of {"csv", "geojson", "gpkg"}, default all
        The files to build; the others are ``None`` in the result.
    years : tuple of int, optional
        Measurement years; by default every year with a score in the selection.
    export_date : datetime.date, optional
        Recorded in the metadata (and the GeoPackage's timestamp); by default today (UTC).
    """

    layout: Layout = "long"
    dutch: bool = False
    bom: bool = False
    decimals: int | None = None
    lang: Lang = "nl"
    formats: tuple[FileFormat, ...] = FILE_FORMATS
    years: tuple[int, ...] | None = None
    export_date: dt.date | None = None

    def __post_init__(self) -> None:
        """Check every option once, naming the option and what is allowed."""
        _check_layout(self.layout)
        _check_decimals(self.decimals)
        check_lang(self.lang)
        if not isinstance(self.formats, tuple) or not self.formats:
            msg = f"`formats` was {self.formats!r} but is expected to be a non-empty tuple, e.g. ('csv',)"
            raise ValueError(msg)
        for f in self.formats:
            _check_format(f)
        if self.years is not None and (
            not isinstance(self.years, tuple)
            or not all(isinstance(y, int) and not isinstance(y, bool) for y in self.years)
        ):
            msg = f"`years` was {self.years!r} but is expected to be a tuple of whole years, e.g. (2012, 2022), or None"
            raise ValueError(msg)
        if self.export_date is not None and not isinstance(self.export_date, dt.date):
            msg = f"`export_date` was {self.export_date!r} but is expected to be a datetime.date or None (today)"
            raise ValueError(msg)


@dataclass(frozen=True)
class ExportFiles:
    """Every file of one export, as bytes, with the name each is offered under.

    Attributes
    ----------
    options : ExportOptions
        The request.
    n_areas : int
        Areas exported.
    rows : int
        Rows of the CSV table (one per area and year in the long layout, one per area in the
        wide layout).
    csv, geojson, gpkg : bytes or None
        The files; ``None`` for a format not in ``options.formats``. The geo files carry their
        own metadata (``format`` ``"geojson"`` or ``"gpkg"``).
    metadata : dict of str to dict
        The metadata of each file built, by format (see :func:`export_metadata`).
    metadata_json : bytes
        The JSON sidecar of the first format built (the CSV by default).
    metadata_text : str
        The same as plain text, in ``options.lang``.
    names : dict of str to str
        Suggested file name per file: ``csv``, ``geojson``, ``gpkg``, ``metadata_json`` and
        ``metadata_text``. The CSV's name encodes layout, language and variant, e.g.
        ``leefbaarheid-selectie-lang-nl-excel.csv``, so every variant downloads under its own name.
    """

    options: ExportOptions
    n_areas: int
    rows: int
    csv: bytes | None
    geojson: bytes | None
    gpkg: bytes | None
    metadata: Mapping[str, Mapping[str, Any]]
    metadata_json: bytes
    metadata_text: str
    names: Mapping[str, str] = field(default_factory=dict)

    def data(self, file_format: FileFormat) -> bytes:
        """Return the bytes of one format; raise ValueError when it was not requested."""
        _check_format(file_format)
        data: bytes | None = getattr(self, file_format)
        if data is None:
            msg = f"`{file_format}` was not built; ask for it with ExportOptions(formats=(..., {file_format!r}))"
            raise ValueError(msg)
        return data

    def sidecar(self, file_format: FileFormat) -> bytes:
        """Return the JSON metadata sidecar of one built format."""
        self.data(file_format)
        return metadata_json(dict(self.metadata[file_format]))

    @staticmethod
    def media_type(kind: str) -> str:
        """Return the media type of a file kind (a key of :attr:`names`)."""
        return _MEDIA_TYPES[kind]


def export_files(ds: Dataset, selection: Selection, options: ExportOptions | None = None) -> ExportFiles:
    """Build every file of an export: CSV, GeoJSON, GeoPackage and their metadata.

    The one pipeline behind the app's downloads and ``python -m geo export``: the selection is
    checked once and the table built once, so the same request gives the same bytes everywhere.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    selection : Selection
        The areas, in the order they appear in every file.
    options : ExportOptions, optional
        What to build; defaults to ``ExportOptions()`` (every format, long plain CSV).

    Returns
    -------
    ExportFiles

    Raises
    ------
    ValueError
        When the selection is empty or holds a code the dataset lacks, or a year is unknown.

    Examples
    --------
    >>> sel = Selection().add_gemeente(ds, "GM0363")  # doctest: +SKIP
    >>> files = export_files(ds, sel, ExportOptions(dutch=True, bom=True, formats=("csv",)))  # doctest: +SKIP
    >>> files.names["csv"]  # doctest: +SKIP
    'leefbaarheid-selectie-lang-nl-excel.csv'
    """
    opts = ExportOptions() if options is None else options
    if not isinstance(opts, ExportOptions):
        msg = f"`options` was {type(opts).__name__} but is expected to be a geo.export.ExportOptions"
        raise TypeError(msg)
    codes = _checked_selection(ds, selection)
    years = _checked_years(ds, codes, opts.years)
    long = _long(ds, codes, years)
    geo_wanted = any(f != "csv" for f in opts.formats)
    wide = _wide(ds, long, codes, years) if geo_wanted or opts.layout == "wide" else None
    frame = _geo(ds, wide) if geo_wanted and wide is not None else None
    out: dict[str, bytes | None] = dict.fromkeys(FILE_FORMATS)
    metadata: dict[str, dict[str, Any]] = {}
    rows = 0
    for fmt in dict.fromkeys(opts.formats):
        if fmt == "csv":
            table = long if opts.layout == "long" or wide is None else wide
            rows = len(table)
            csv = _csv_record(dutch=opts.dutch, bom=opts.bom, decimals=opts.decimals)
            metadata[fmt] = _metadata(ds, selection, codes, years, opts.layout, fmt, opts.export_date, csv)
            out[fmt] = to_csv_bytes(table, dutch=opts.dutch, bom=opts.bom, decimals=opts.decimals)
            continue
        assert frame is not None  # built above whenever a geo format is asked for
        metadata[fmt] = _metadata(ds, selection, codes, years, "wide", fmt, opts.export_date, None)
        writer = to_geojson_bytes if fmt == "geojson" else to_gpkg_bytes
        out[fmt] = writer(frame, metadata=metadata[fmt])
    first = metadata[opts.formats[0]]
    return ExportFiles(
        options=opts,
        n_areas=len(codes),
        rows=rows,
        csv=out["csv"],
        geojson=out["geojson"],
        gpkg=out["gpkg"],
        metadata=metadata,
        metadata_json=metadata_json(first),
        metadata_text=metadata_text(first, lang=opts.lang),
        names=file_names(opts),
    )


_NAME_WORDS: Final[dict[str, dict[str, str]]] = {
    "nl": {"long": "lang", "wide": "breed"},
    "en": {"long": "long", "wide": "wide"},
}


def file_names(options: ExportOptions) -> dict[str, str]:
    """Return the suggested file name of every file of an export.

    The CSV's name says its layout (in the chosen language), the language and the variant:
    ``excel`` (Dutch Excel: ``;``, decimal comma, byte-order mark), ``semicolon`` (the same
    without the mark), ``plain`` or ``plain-bom``; then ``rN`` when rounded to N decimals and
    the years when a subset was asked for. The metadata files share the CSV's stem.

    Examples
    --------
    >>> file_names(ExportOptions(dutch=True, bom=True))["csv"]
    'leefbaarheid-selectie-lang-nl-excel.csv'
    >>> file_names(ExportOptions(layout="wide", lang="en"))["csv"]
    'leefbaarheid-selectie-wide-en-plain.csv'
    """
    variants = {(True, True): "excel", (True, False): "semicolon", (False, True): "plain-bom", (False, False): "plain"}
    variant = variants[(options.dutch, options.bom)]
    years = "" if options.years is None else "-" + "-".join(map(str, sorted(set(options.years))))
    geo_stem = f"{FILE_STEM}{years}"
    parts = [FILE_STEM, _NAME_WORDS[options.lang][options.layout], options.lang, variant]
    if options.decimals is not None:
        parts.append(f"r{options.decimals}")
    csv_stem = "-".join(parts) + years
    meta_stem = csv_stem if options.formats[0] == "csv" else f"{geo_stem}-{options.formats[0]}"
    return {
        "csv": f"{csv_stem}.csv",
        "geojson": f"{geo_stem}.geojson",
        "gpkg": f"{geo_stem}.gpkg",
        "metadata_json": f"{meta_stem}.metadata.json",
        "metadata_text": f"{meta_stem}.metadata.txt",
    }
