"""Leefbaarometer 3.0 scores on CBS wijk and buurt polygons: the domain package.

The public API is re-exported here; the implementations live in one module per concern.
This package never imports streamlit.
"""

from geo._errors import DataFileError, RepairReport, ValidationError
from geo.areas import AreaFile, read_areas
from geo.build import build
from geo.codes import LEVELS, gemeente_of, is_valid_code, level_of, parent_of
from geo.dataset import DEFAULT_DATA_DIR, Dataset, Reference, load_dataset
from geo.reconcile import classify_names, reconcile
from geo.schema import DIMENSIONS, MEASURE_LABELS, MEASURES, PUBLISHED_YEARS
from geo.scores import ScoreFile, read_scores
from geo.selection import Criterion, Filter, Selection, decode_selection, encode_selection, filter_codes

__all__ = [
    "DEFAULT_DATA_DIR",
    "DIMENSIONS",
    "LEVELS",
    "MEASURES",
    "MEASURE_LABELS",
    "PUBLISHED_YEARS",
    "AreaFile",
    "Criterion",
    "DataFileError",
    "Dataset",
    "Filter",
    "Reference",
    "RepairReport",
    "ScoreFile",
    "Selection",
    "ValidationError",
    "build",
    "classify_names",
    "decode_selection",
    "encode_selection",
    "filter_codes",
    "gemeente_of",
    "is_valid_code",
    "level_of",
    "load_dataset",
    "parent_of",
    "read_areas",
    "read_scores",
    "reconcile",
]
