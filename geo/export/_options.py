"""The allowed values of the export options, and their checks (one place, named in every error)."""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = ["FILE_FORMATS", "MAX_DECIMALS", "FileFormat", "Layout"]

#: The layout of the table: one row per area and year, or one per area.

Layout = Literal["long", "wide"]
#: A file :func:`~geo.export.pipeline.export_files` can write.
FileFormat = Literal["csv", "geojson", "gpkg"]
#: Every file format, in the order :func:`~geo.export.pipeline.export_files` builds them by default.
FILE_FORMATS: Final[tuple[FileFormat, ...]] = get_args(FileFormat)
#: Most decimals a CSV can be rounded to: a float64 holds 15-17 significant digits, so more
#: decimals change nothing, and Python's rounding gives empty cells or ``inf`` far beyond that.
MAX_DECIMALS: Final[int] = 15

#: How a layout reads, per language: in suggested file names and the plain-text metadata.
_NAME_WORDS: Final[dict[str, dict[str, str]]] = {
    "nl": {"long": "lang", "wide": "breed"},
    "en": {"long": "long", "wide": "wide"},
}


def _check_layout(layout: object) -> None:
    if layout not in ("long", "wide"):
        msg = f"`layout` was {layout!r} but is expected to be 'long' or 'wide'"
        raise ValueError(msg)


def _check_decimals(decimals: object) -> None:
    if decimals is None:
        return
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS:
        msg = (
            f"`decimals` was {decimals!r} but is expected to be a whole number from 0 to {MAX_DECIMALS}, "
            "or None for full precision"
        )
        raise ValueError(msg)


def _check_format(file_format: object) -> None:
    if file_format not in FILE_FORMATS:
        msg = f"`file_format` was {file_format!r} but is expected to be one of {', '.join(FILE_FORMATS)}"
        raise ValueError(msg)
