"""Gaps to the city for a set of areas: the programme monitor's questions.

The public names of the modules below, re-exported so ``from geo.gaps import gap_table`` (and
``geo.gaps.X`` for every name in ``__all__``) works; each module holds one concern:

- :mod:`geo.gaps.table`: :func:`gap_table`, per area its gap to its city in year A and year B,
  the change, whether it narrowed, the change in %, inhabitants; with a summary sentence in Dutch
  and English (:class:`GapTable`);
- :mod:`geo.gaps.entries`: the same per programme entry (:func:`entry_gap_table`), and
  :func:`set_gaps`, the gap tables of an :class:`~geo.sets.AreaSet` (per CBS area and per
  programme entry), named for the summary;
- :mod:`geo.gaps.trend`: :func:`set_trend`, the set against its cities per year,
  population-weighted where known;
- :mod:`geo.gaps.split`: :func:`dimension_split`, the change in ``afw`` of an area or a set split
  into the five dimensions, which add up to it;
- :mod:`geo.gaps.view`: :func:`gap_view` and :func:`member_map` turn a set's gap tables into what
  the programme page shows, in one language, numbers through :mod:`geo.fmt`;
- :mod:`geo.gaps.csvfile`: :func:`gap_csv`, a gap table as CSV for readers of one language (Dutch
  labels beside the status codes, ``ja``/``nee``).

The city reference is :meth:`geo.dataset.Dataset.city_reference`: the mean of the scored wijken
of the area's gemeente, weighted by CBS 2024 population where every one has a population
(otherwise the plain mean). It is not an official gemeente score. The gap of one area, its value
minus that reference, and its status come from :func:`geo.city_gap.gap_change` (the Trends page
says the same); a programme entry's status from :func:`geo.city_gap.gap_status`.
"""

from __future__ import annotations

from geo.gaps.csvfile import WEIGHTING_LABELS, gap_csv, gap_csv_frame
from geo.gaps.entries import SetGaps, entry_gap_table, gap_members, set_gaps
from geo.gaps.split import DimensionSplit, dimension_split, dimension_years
from geo.gaps.table import NEAR_ZERO, GapTable, gap_table
from geo.gaps.trend import SetTrend, set_trend
from geo.gaps.view import AHEAD_COLOUR, BEHIND_COLOUR, STATUS_LABELS, MemberMap, ShownTable, gap_view, member_map

__all__ = [
    "AHEAD_COLOUR",
    "BEHIND_COLOUR",
    "NEAR_ZERO",
    "STATUS_LABELS",
    "WEIGHTING_LABELS",
    "DimensionSplit",
    "GapTable",
    "MemberMap",
    "SetGaps",
    "SetTrend",
    "ShownTable",
    "dimension_split",
    "dimension_years",
    "entry_gap_table",
    "gap_csv",
    "gap_csv_frame",
    "gap_members",
    "gap_table",
    "gap_view",
    "member_map",
    "set_gaps",
    "set_trend",
]
