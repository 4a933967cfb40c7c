"""One export, every file of a request: the pipeline behind the app's downloads and the command line.

:func:`export_files` takes an :class:`ExportOptions` and returns every file at once
(:class:`ExportFiles`): the selection is checked once and the table built once
(:mod:`geo.export.table`), then written as CSV (:mod:`geo.export.csvfile`), GeoJSON and
GeoPackage (:mod:`geo.export.geofiles`), each with its metadata (:mod:`geo.export.metadata`).
:func:`file_names` suggests a name for each file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from geo.dataset import Dataset
from geo.export._options import (
    _NAME_WORDS,
    FILE_FORMATS,
    FileFormat,
    Layout,
    _check_decimals,
    _check_format,
    _check_layout,
)
from geo.export.csvfile import to_csv_bytes
from geo.export.geofiles import _geo, to_geojson_bytes, to_gpkg_bytes
from geo.export.metadata import _csv_record, _metadata, metadata_json, metadata_text
from geo.export.table import _checked_selection, _checked_years, _long, _wide
from geo.i18n import Lang, check_lang
from geo.selection import Selection

__all__ = ["FILE_STEM", "ExportFiles", "ExportOptions", "export_files", "file_names"]

#: Start of every suggested file name.
FILE_STEM: Final[str] = "leefbaarheid-selectie"
_MEDIA_TYPES: Final[dict[str, str]] = {
    "csv": "text/csv",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "metadata_json": "application/json",
    "metadata_text": "text/plain",
}


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
        Round the CSV's numbers to this many decimals (0 to :data:`~geo.export.MAX_DECIMALS`); by default
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
        The metadata of each file built, by format (see :func:`~geo.export.metadata.export_metadata`).
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
