"""Area sets: named lists of areas, such as the 40 aandachtswijken, resolved to CBS codes.

The public names of the modules below, re-exported so ``from geo.sets import load_set`` (and
``geo.sets.X`` for every name in ``__all__``) works; each module holds one concern:

- :mod:`geo.sets.resolve`: name matching, programme entries (gemeente + name) to CBS codes
  (:func:`resolve_names`);
- :mod:`geo.sets.resolution`: the report of that matching, one category and reason per entry
  (:class:`Resolution`, read back from a table by :func:`resolution_from_frame`);
- :mod:`geo.sets.area_set`: the set itself (:class:`AreaSet`) and its CSV;
- :mod:`geo.sets.shipped`: the shipped programme sets and their reviewed resolution
  (:func:`load_set`);
- :mod:`geo.sets.decisions`: the reviewer's decisions behind the shipped sets, read from
  ``data/sources/programmes/reviewed-decisions.csv`` (:data:`HAND_DECISIONS`,
  :func:`shipped_resolution`);
- :mod:`geo.sets.user`: a user's own sets from text, a CSV or a link token;
- :mod:`geo.sets.link`: the programme page's link parameters (set, years, own set), validated
  with a notice for whatever was ignored (:func:`parse_programme_link`).
"""

from __future__ import annotations

from geo.sets.area_set import AreaSet, levels_of, set_to_csv
from geo.sets.decisions import DECISIONS_FILE, HAND_DECISIONS, read_decisions, shipped_resolution
from geo.sets.link import DEFAULT_SET, PROGRAMME_PARAMS, SET_CHOICES, ProgrammeLink, parse_programme_link
from geo.sets.resolution import (
    CATEGORIES,
    CATEGORY_LABELS,
    RESOLUTION_HEADERS,
    Category,
    Match,
    Resolution,
    resolution_from_frame,
)
from geo.sets.resolve import FUZZY_MIN, GEMEENTE_ALIASES, Decision, Entry, resolve_names
from geo.sets.shipped import SETS_DIR, SHIPPED_SETS, load_entries, load_set, shipped_titles, write_reviewed
from geo.sets.user import MAX_USER_MEMBERS, decode_set, encode_set, set_from_codes, set_from_csv, set_from_text

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "DECISIONS_FILE",
    "DEFAULT_SET",
    "FUZZY_MIN",
    "GEMEENTE_ALIASES",
    "HAND_DECISIONS",
    "MAX_USER_MEMBERS",
    "PROGRAMME_PARAMS",
    "RESOLUTION_HEADERS",
    "SETS_DIR",
    "SET_CHOICES",
    "SHIPPED_SETS",
    "AreaSet",
    "Category",
    "Decision",
    "Entry",
    "Match",
    "ProgrammeLink",
    "Resolution",
    "decode_set",
    "encode_set",
    "levels_of",
    "load_entries",
    "load_set",
    "parse_programme_link",
    "read_decisions",
    "resolution_from_frame",
    "resolve_names",
    "set_from_codes",
    "set_from_csv",
    "set_from_text",
    "set_to_csv",
    "shipped_resolution",
    "shipped_titles",
    "write_reviewed",
]
