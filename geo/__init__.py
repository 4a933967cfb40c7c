"""Leefbaarometer 3.0 scores on CBS wijk and buurt polygons: the domain package.

The public API is re-exported here; the implementations live in one module per concern.
This package never imports streamlit.
"""

from geo._errors import DataFileError, InputError, RepairReport, ValidationError, explain
from geo.areas import AreaFile, read_areas
from geo.build import build
from geo.codes import LEVELS, gemeente_of, is_valid_code, level_of, parent_of
from geo.dataset import DEFAULT_DATA_DIR, Dataset, Reference, load_dataset
from geo.export import ExportFiles, ExportOptions, export_files
from geo.i18n import LANGS, Lang, check_lang
from geo.locate import DataChoice, resolve_data_dir
from geo.ranking import Ranking, ranking
from geo.reconcile import classify_names, reconcile
from geo.schema import DIMENSIONS, MEASURE_LABELS, MEASURES, PUBLISHED_YEARS
from geo.scores import ScoreFile, read_scores
from geo.search import SearchHit, search_areas
from geo.selection import Criterion, Filter, Selection, decode_selection, encode_selection, filter_codes
from geo.sets import AreaSet, load_set
from geo.store import write_dataset
from geo.summary import AreaSummary, area_summary
from geo.wfs import WfsFile, read_wfs

__all__ = [
    "DEFAULT_DATA_DIR",
    "DIMENSIONS",
    "LANGS",
    "LEVELS",
    "MEASURES",
    "MEASURE_LABELS",
    "PUBLISHED_YEARS",
    "AreaFile",
    "AreaSet",
    "AreaSummary",
    "Criterion",
    "DataChoice",
    "DataFileError",
    "Dataset",
    "ExportFiles",
    "ExportOptions",
    "Filter",
    "InputError",
    "Lang",
    "Ranking",
    "Reference",
    "RepairReport",
    "ScoreFile",
    "SearchHit",
    "Selection",
    "ValidationError",
    "WfsFile",
    "area_summary",
    "build",
    "check_lang",
    "classify_names",
    "decode_selection",
    "encode_selection",
    "explain",
    "export_files",
    "filter_codes",
    "gemeente_of",
    "is_valid_code",
    "level_of",
    "load_dataset",
    "load_set",
    "parent_of",
    "ranking",
    "read_areas",
    "read_scores",
    "read_wfs",
    "reconcile",
    "resolve_data_dir",
    "search_areas",
    "write_dataset",
]
