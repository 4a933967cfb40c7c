"""Selections: an ordered set of area codes plus the criteria that produced them.

A :class:`Selection` is what a researcher takes away (see :mod:`geo.export`) and what a link
shares. It holds CBS codes of any level and of any number of gemeenten, in the order they were
added, and one :class:`Criterion` (Dutch and English text) per step that built it. Selections
are immutable: every builder returns a new one.

Builders
--------
- :meth:`Selection.add_codes`: codes by hand;
- :meth:`Selection.add_gemeente`: all wijken of a gemeente;
- :meth:`Selection.add_wijk`: a wijk with its buurten (where the dataset has buurten);
- :meth:`Selection.add_filter` with a :class:`Filter`: areas whose score is below or above a
  threshold in a year, or that declined or improved between two years (see :func:`filter_codes`).

Sharing
-------
:func:`encode_selection` turns a selection into a short URL-safe token and
:func:`decode_selection` turns it back, validating every code against the CBS patterns and the
dataset. The token is ``"1"`` (the format version) followed by the unpadded base64url of the
zlib-compressed JSON ``{"c": runs, "q": criteria}``. ``runs`` keeps the codes in order as runs of
consecutive codes that share their first six characters (``WK0363:AA,AB;BU0363:AA01``), so a
selection built gemeente by gemeente compresses well: 500 wijken take about 500 to 1,600
characters. Keeping an arbitrary order costs about 1.3 characters more per code.

Modules: the selection itself (:mod:`geo.selection.model`), the filters
(:mod:`geo.selection.filters`) and the link token (:mod:`geo.selection.token`).
"""

from geo.selection.filters import FILTER_OPS, Filter, FilterResult, filter_codes, parse_filter
from geo.selection.model import Criterion, Selection, validate_codes
from geo.selection.token import MAX_TOKEN_LENGTH, decode_selection, encode_selection

__all__ = [
    "FILTER_OPS",
    "MAX_TOKEN_LENGTH",
    "Criterion",
    "Filter",
    "FilterResult",
    "Selection",
    "decode_selection",
    "encode_selection",
    "filter_codes",
    "parse_filter",
    "validate_codes",
]
