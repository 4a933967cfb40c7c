"""A set's gap tables: per programme entry ("Arnhem Presikhaaf"), and per CBS area and entry of a set.

:func:`entry_gap_table` aggregates the per-area gap table (:func:`geo.gaps.table.gap_table`) to
the entries of a programme, each the weighted mean of its members; :func:`set_gaps` returns both
tables of an :class:`~geo.sets.AreaSet`, named for the summary sentence, and
:func:`gap_members` the members that have a gap to their city.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.city_gap import gap_status
from geo.dataset import Dataset
from geo.gaps.table import _NARROWED, GapTable, _num, _opt, _pct, _summary, gap_table
from geo.sets.area_set import AreaSet
from geo.sets.shipped import SHIPPED_SETS

__all__ = ["SetGaps", "entry_gap_table", "gap_members", "set_gaps"]


def entry_gap_table(
    ds: Dataset,
    groups: Mapping[str, Sequence[str]],
    year_a: int,
    year_b: int,
    *,
    measure: str = "lbm",
    set_name: str | None = None,
    set_name_en: str | None = None,
) -> GapTable:
    """Return the gap table per *entry* of a set ("Arnhem Presikhaaf"), each the aggregate of its members.

    An entry's value and city reference in a year are means over its members with both values,
    weighted by CBS 2024 inhabitants when all of them have a population (else unweighted), with
    the same weights, so the entry's gap is the weighted mean of its members' gaps. Entries
    without members (not found) are left out. The summary counts entries: "14 van de 40
    aandachtswijken".

    Parameters
    ----------
    ds : Dataset
        The dataset.
    groups : mapping of str to sequence of str
        Entry label -> member codes (e.g. from :attr:`geo.sets.Resolution.codes_of`).
    year_a, year_b : int
        As :func:`gap_table`.
    measure : str, default "lbm"
        The measure.
    set_name, set_name_en : str, optional
        How the summary names the entries.

    Returns
    -------
    GapTable
        ``table`` has one row per entry: ``entry, n_members, population, value_a, city_a, gap_a,
        value_b, city_b, gap_b, change, status, narrowed, change_pct, weighting``; the status
        by :func:`geo.city_gap.gap_status`.

    Raises
    ------
    ValueError
        As :func:`gap_table`, or when no entry has members.
    """
    codes = list(dict.fromkeys(c for v in groups.values() for c in v))
    if not codes:
        msg = "no entry has members; resolve the set first"
        raise ValueError(msg)
    per_area = gap_table(ds, codes, year_a, year_b, measure=measure)
    return _entry_table(per_area, groups, set_name=set_name, set_name_en=set_name_en)


def _entry_table(
    per_area: GapTable, groups: Mapping[str, Sequence[str]], *, set_name: str | None, set_name_en: str | None
) -> GapTable:
    """Aggregate a per-area gap table to the entries of ``groups`` (see :func:`entry_gap_table`)."""
    areas = per_area.table.set_index("code")
    rows: list[dict[str, object]] = []
    for entry, members in groups.items():
        if not len(members):
            continue
        part = areas[areas.index.isin(list(members))]
        pop = part["population"].astype("float64")
        a, b = _aggregate(part, "a"), _aggregate(part, "b")
        ga, gb = a.gap, b.gap
        status, percent = ("no_data", None) if ga is None or gb is None else gap_status(ga, gb)
        rows.append(
            {
                "entry": entry,
                "n_members": len(members),
                "population": float(pop.sum()) if pop.notna().all() else math.nan,
                "value_a": _num(a.value),
                "city_a": _num(a.city),
                "gap_a": _num(ga),
                "value_b": _num(b.value),
                "city_b": _num(b.city),
                "gap_b": _num(gb),
                "change": _num(None if ga is None or gb is None else gb - ga),
                "status": status,
                "narrowed": status in _NARROWED,
                "change_pct": _num(_pct(ga, percent)),
                "weighting": a.weighting,
            }
        )
    if not rows:
        msg = "no entry has members; resolve the set first"
        raise ValueError(msg)
    table = pd.DataFrame(rows)
    both = table[table["status"] != "no_data"]
    behind = both[both["gap_a"] < 0]
    med_a = _opt(float(both["gap_a"].median())) if len(both) else None
    med_b = _opt(float(both["gap_b"].median())) if len(both) else None
    nl_name = set_name or f"de {len(table)} gebieden"
    en_name = set_name_en or set_name or f"the {len(table)} areas"
    n_narrowed = int(both["narrowed"].sum())
    year_a, year_b, measure = per_area.year_a, per_area.year_b, per_area.measure
    nl, en = _summary(
        year_a, year_b, n_narrowed, len(both), len(behind), len(table), med_a, med_b, nl_name, en_name, measure
    )
    return GapTable(table, year_a, year_b, measure, nl_name, n_narrowed, len(behind), len(both), med_a, med_b, nl, en)


@dataclass(frozen=True)
class _Mean:
    value: float | None
    city: float | None
    gap: float | None
    weighting: str


def _aggregate(part: pd.DataFrame, year: str) -> _Mean:
    """Weighted means of ``value_<year>`` and ``city_<year>`` over members with both values."""
    ok = part.dropna(subset=[f"value_{year}", f"city_{year}"])
    if ok.empty:
        return _Mean(None, None, None, "unweighted")
    w = ok["population"].astype("float64").to_numpy()
    weighted = bool(np.all(~np.isnan(w)) and np.all(w > 0))
    wts = w if weighted else np.ones(len(ok))
    value = float(np.average(ok[f"value_{year}"], weights=wts))
    city = float(np.average(ok[f"city_{year}"], weights=wts))
    return _Mean(value, city, value - city, "population-weighted" if weighted else "unweighted")


def gap_members(ds: Dataset, aset: AreaSet) -> tuple[str, ...]:
    """Return the members of a set that have a gap to their city: its wijken and buurten (no gemeenten)."""
    return tuple(c for c in aset.members if ds.level(c) != "gemeente")


@dataclass(frozen=True)
class SetGaps:
    """The gap tables of a set between two years.

    Attributes
    ----------
    areas : GapTable
        One row per CBS area (the members that are wijken or buurten).
    entries : GapTable or None
        One row per programme entry ("Arnhem Presikhaaf"), each the mean of its members, when
        the set was counted per entry; else None.
    """

    areas: GapTable
    entries: GapTable | None = None

    @property
    def main(self) -> GapTable:
        """The table the summary counts: per entry when counted so, else per area."""
        return self.entries if self.entries is not None else self.areas


def set_gaps(
    ds: Dataset, aset: AreaSet, year_a: int, year_b: int, *, per_entry: bool = False, measure: str = "lbm"
) -> SetGaps:
    """Return the gap tables of a set, named for the summary sentence.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    aset : AreaSet
        A shipped set, a user set or the current selection as a set.
    year_a, year_b : int
        As :func:`gap_table`.
    per_entry : bool, default False
        Count per programme entry (:func:`entry_gap_table`); only for a set with a name
        resolution. Entries without members are left out, and the name says so
        ("de 38 gevonden 40 aandachtswijken").
    measure : str, default "lbm"
        The measure.

    Returns
    -------
    SetGaps

    Raises
    ------
    ValueError
        As :func:`gap_table`; when the set has no wijk or buurt, or ``per_entry`` is asked of a
        set without a resolution.
    """
    members = gap_members(ds, aset)
    n = len(members)
    if aset.slug in SHIPPED_SETS:
        nl, en = f"de {n} wijken van {aset.name}", f"the {n} districts of {aset.title('en')}"
    else:
        nl, en = f"de {n} gebieden van {aset.name}", f"the {n} areas of {aset.title('en')}"
    areas = gap_table(ds, members, year_a, year_b, measure=measure, set_name=nl, set_name_en=en)
    if not per_entry:
        return SetGaps(areas)
    if aset.resolution is None:
        msg = f"set {aset.name!r} has no programme entries to count per entry; count per area"
        raise ValueError(msg)
    kept = set(members)
    groups = {e: [c for c in aset.resolution.codes_of(e) if c in kept] for e in aset.resolution.entries}
    groups = {e: v for e, v in groups.items() if v}
    k, total = len(groups), len(aset.resolution.entries)
    if k == total:
        nl, en = aset.name, aset.title("en")
    else:
        nl = f"de {k} gevonden {aset.name.removeprefix('de ')}"
        en = f"the {k} matched {aset.title('en').removeprefix('the ')}"
    return SetGaps(areas, _entry_table(areas, groups, set_name=nl, set_name_en=en))
