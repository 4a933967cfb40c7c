"""What the programme page shows of a set's gap tables: tables in one language, and the map's fills.

:func:`gap_view` turns a gap table (per area or per entry) into a :class:`ShownTable`: headers
and directions in one language, numbers kept as numbers for :func:`geo.fmt.style_frame`;
:func:`member_map` gives the map of a set's members (:class:`MemberMap`): a fill per member by
its gap in year B, a tooltip, and the list beside the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo import fmt
from geo.city_gap import GapStatus
from geo.gaps.table import GapTable
from geo.i18n import Lang, check_lang

__all__ = ["AHEAD_COLOUR", "BEHIND_COLOUR", "STATUS_LABELS", "MemberMap", "ShownTable", "gap_view", "member_map"]

#: How a status reads in the tables: (Dutch, English).
STATUS_LABELS: Final[dict[GapStatus, tuple[str, str]]] = {
    "narrowed": ("kleiner", "narrowed"),
    "widened": ("groter", "widened"),
    "unchanged": ("gelijk", "unchanged"),
    "closed": ("ingehaald", "closed"),
    "fell_behind": ("achter geraakt", "fell behind"),
    "ahead": ("voor", "ahead"),
    "no_data": ("geen gegevens", "no data"),
}


@dataclass(frozen=True)
class ShownTable:
    """A table ready to show: headers in one language, numbers kept as numbers.

    Show it with ``geo.fmt.style_frame(t.frame, lang, t.decimals, signed=t.signed, group=t.group)``:
    every number in the language's format, a missing value as "–", and the columns still sort
    as numbers. Rows without data come last.
    """

    frame: pd.DataFrame
    decimals: dict[str, int]
    signed: tuple[str, ...] = ()
    group: tuple[str, ...] = ()


def _words(lang: Lang, year_a: int, year_b: int) -> dict[str, str]:
    nl = lang == "nl"
    return {
        "code": "code",
        "name": "naam" if nl else "name",
        "entry": "programmawijk" if nl else "programme area",
        "n_members": "CBS-wijken" if nl else "CBS districts",
        "gemeente": "gemeente" if nl else "municipality",
        "population": "inwoners" if nl else "inhabitants",
        "gap_a": f"achterstand {year_a}" if nl else f"gap {year_a}",
        "gap_b": f"achterstand {year_b}" if nl else f"gap {year_b}",
        "value_b": f"score {year_b}",
        "change": "verandering" if nl else "change",
        "status": "richting" if nl else "direction",
        "change_pct": "verandering %" if nl else "change %",
    }


def _shown(table: pd.DataFrame, columns: list[str], lang: Lang, years: tuple[int, int], *, last: str) -> ShownTable:
    """Select and name the columns; rows where ``last`` is missing go last (in their order)."""
    words = _words(lang, *years)
    frame = table[columns].copy()
    if "status" in frame:
        frame["status"] = [STATUS_LABELS[s][1 if lang == "en" else 0] for s in table["status"]]
    frame = frame.iloc[np.argsort(table[last].isna().to_numpy(), kind="stable")]
    frame = frame.rename(columns=words).reset_index(drop=True)
    decimals = {"gap_a": 3, "gap_b": 3, "change": 3, "value_b": 3, "change_pct": 1, "population": 0}
    shown = {words[c]: d for c, d in decimals.items() if c in columns}
    signed = tuple(words[c] for c in ("gap_a", "gap_b", "change", "change_pct") if c in columns)
    group: tuple[str, ...] = ()  # inhabitants ungrouped: a Dutch "12.345" reads as a decimal to many
    return ShownTable(frame, shown, signed, group)


def gap_view(result: GapTable, lang: Lang = "nl") -> ShownTable:
    """Return the gap table as the programme page shows it, in ``lang``.

    Per area: code, name, gemeente, inhabitants, gap in A and B, change, direction, change in %.
    Per entry: the entry, its number of CBS wijken, and the same figures.
    """
    check_lang(lang)
    first = ["entry", "n_members"] if "entry" in result.table else ["code", "name", "gemeente"]
    columns = [*first, "population", "gap_a", "gap_b", "change", "status", "change_pct"]
    return _shown(result.table, columns, lang, (result.year_a, result.year_b), last="change")


#: Map fill of a member behind its city, and of one level with or ahead of it.
BEHIND_COLOUR: Final[str] = "#d7301f"
AHEAD_COLOUR: Final[str] = "#2171b5"


@dataclass(frozen=True)
class MemberMap:
    """A set's members on the map: fill and tooltip per code, and the list beside the map.

    Attributes
    ----------
    colours : dict of str to str
        :data:`BEHIND_COLOUR` where the gap in year B is negative, else :data:`AHEAD_COLOUR`;
        members without a gap are left out (drawn as an outline).
    tooltips : dict of str to str
        Plain text per code ("Overvecht (Utrecht): achterstand 2018 -0,123"); escape it for HTML.
    members : ShownTable
        Code, name, gemeente, score and gap in year B.
    """

    colours: dict[str, str]
    tooltips: dict[str, str]
    members: ShownTable


def member_map(areas: GapTable, lang: Lang = "nl") -> MemberMap:
    """Return what the map of a set shows, from its per-area gap table (:attr:`SetGaps.areas`)."""
    check_lang(lang)
    if "code" not in areas.table:
        msg = "member_map needs the per-area gap table (SetGaps.areas), not the per-entry one"
        raise ValueError(msg)
    word = "gap" if lang == "en" else "achterstand"
    colours: dict[str, str] = {}
    tooltips: dict[str, str] = {}
    for code, name, gemeente, gap in zip(
        areas.table["code"], areas.table["name"], areas.table["gemeente"], areas.table["gap_b"], strict=True
    ):
        tooltips[str(code)] = f"{name} ({gemeente}): {word} {areas.year_b} {fmt.number(float(gap), lang, signed=True)}"
        if not math.isnan(gap):
            colours[str(code)] = BEHIND_COLOUR if gap < 0 else AHEAD_COLOUR
    columns = ["code", "name", "gemeente", "value_b", "gap_b"]
    shown = _shown(areas.table, columns, lang, (areas.year_a, areas.year_b), last="gap_b")
    return MemberMap(colours, tooltips, shown)
