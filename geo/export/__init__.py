"""Export a selection: a table (CSV), a metadata sidecar, GeoJSON and GeoPackage.

Everything starts from a :class:`~geo.selection.Selection` and is keyed by CBS code. One
pipeline, each step in a module of its own:

- :mod:`geo.export.table`: the table, one row per area and year (long) or per area (wide)
  (:func:`export_table`);
- :mod:`geo.export.csvfile`: the table as CSV, safe to open in a spreadsheet
  (:func:`to_csv_bytes`);
- :mod:`geo.export.metadata`: sources, licences, vintages, build identity, date and criteria
  (:func:`export_metadata`, as JSON or plain text);
- :mod:`geo.export.geofiles`: the wide table with each area's polygon as GeoJSON or GeoPackage
  (:func:`geo_frame`);
- :mod:`geo.export.pipeline`: every file of one request at once (:func:`export_files`), the one
  pipeline behind the app's downloads and the command line.

The allowed option values and their checks are in one private module, ``_options``. The public
names are re-exported here, so ``from geo.export import export_files`` keeps working.
"""

from __future__ import annotations

from geo.export._options import FILE_FORMATS, MAX_DECIMALS, FileFormat, Layout
from geo.export.csvfile import FORMULA_PREFIXES, to_csv_bytes
from geo.export.geofiles import geo_frame, to_geojson_bytes, to_gpkg_bytes
from geo.export.metadata import export_metadata, metadata_json, metadata_text
from geo.export.pipeline import FILE_STEM, ExportFiles, ExportOptions, export_files, file_names
from geo.export.table import LONG_COLUMNS, export_table

__all__ = [
    "FILE_FORMATS",
    "FILE_STEM",
    "FORMULA_PREFIXES",
    "LONG_COLUMNS",
    "MAX_DECIMALS",
    "ExportFiles",
    "ExportOptions",
    "FileFormat",
    "Layout",
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
