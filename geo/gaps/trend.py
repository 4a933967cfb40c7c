"""The trend of a set against its cities: per year the members' mean and their cities' mean.

:func:`set_trend` returns a :class:`SetTrend`: per year the set's mean and the mean of each
member's own city reference with the same weights (CBS 2024 inhabitants where known), so the
difference is the weighted mean of the members' gaps; and the share of members whose gap
narrowed between two years. Every year averages the same members (those with data in every year
shown), so the line never mixes memberships.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo import fmt
from geo.dataset import Dataset
from geo.gaps.table import _check, gap_table
from geo.i18n import Lang, check_lang

__all__ = ["SetTrend", "set_trend"]


@dataclass(frozen=True)
class SetTrend:
    """The set against its cities per year.

    Attributes
    ----------
    table : DataFrame
        Per year shown: ``year, set_value, city_value, gap, n_areas, weighting``. ``set_value``
        is the mean of the values of the :attr:`panel` (the same members every year);
        ``city_value`` the mean of each member's own city reference, with the *same* weights, so
        ``gap`` = ``set_value - city_value`` is the weighted mean of the members' gaps.
        ``weighting`` is ``population-weighted`` when every member of the panel has a CBS 2024
        population, else ``unweighted``.
    share_narrowed : float or None
        Share of members (with data in both years) whose gap narrowed or closed between
        ``year_a`` and ``year_b``.
    year_a, year_b : int or None
        The two years of ``share_narrowed``.
    method_nl, method_en : str
        How it was computed, in words, with how many members the panel has.
    panel : tuple of str
        The members averaged: those with a value and a city reference in every year of
        :attr:`table`. A member that lacks one of those years is left out of every year, so a
        change between two points is never a change of membership.
    n_members : int
        How many members the set has (wijken and buurten, without duplicates).
    """

    table: pd.DataFrame
    share_narrowed: float | None
    year_a: int | None
    year_b: int | None
    method_nl: str
    method_en: str
    panel: tuple[str, ...] = ()
    n_members: int = 0

    @property
    def years(self) -> tuple[int, ...]:
        """The years of the chart: those of :attr:`table`."""
        return tuple(int(y) for y in self.table["year"])

    @property
    def year_domain(self) -> tuple[int, int]:
        """The x range of a chart: the first and last year, or a year either side of a single one."""
        if not self.years:
            msg = "the trend has no years (no member has a score); check SetTrend.years before drawing"
            raise ValueError(msg)
        first, last = self.years[0], self.years[-1]
        return (first, last) if last > first else (first - 1, first + 1)

    def method(self, lang: Lang = "nl") -> str:
        """Return how the aggregate was computed, in ``lang``."""
        return self.method_en if lang == "en" else self.method_nl

    def share_sentence(self, lang: Lang = "nl") -> str | None:
        """Say the share of members whose gap narrowed ("... tussen 2008 en 2018: 35%"), or None."""
        check_lang(lang)
        if self.share_narrowed is None:
            return None
        share = fmt.percent(self.share_narrowed, lang)
        if lang == "en":
            return (
                f"Share of the areas whose gap narrowed between {self.year_a} and {self.year_b}, "
                f"each CBS area counted on its own: {share}"
            )
        return (
            f"Aandeel van de gebieden met een kleinere achterstand tussen {self.year_a} en {self.year_b}, "
            f"elk CBS-gebied apart geteld: {share}"
        )

    def lines(self, lang: Lang = "nl") -> pd.DataFrame:
        """Return the chart data: ``year, line, value``, one line for the set and one for its cities."""
        check_lang(lang)
        names = {"set_value": ("de set", "the set"), "city_value": ("hun steden", "their cities")}
        long = self.table.melt(id_vars=["year"], value_vars=list(names), var_name="line", value_name="value")
        long["line"] = long["line"].map({k: v[1] if lang == "en" else v[0] for k, v in names.items()})
        return long


def _weight(population: Any) -> float:
    """Return a member's weight: its CBS 2024 inhabitants, NaN when unknown or not positive."""
    p = population
    return float(p) if p is not None and not pd.isna(p) and float(p) > 0 else float("nan")


def _method(n: int, total: int, years: Sequence[int], lang: Lang) -> str:
    """Say in ``lang`` which areas the trend averages (``n`` of the set's ``total``) and how."""
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else "".join(map(str, years)) or "-"
    left_out = total - n
    if lang == "en":
        if left_out:
            which = (
                f"Every year the same {n} of the {total} areas, those with a score in every year shown ({span}), "
                f"so every point averages the same areas; {left_out} "
                f"{'area lacks' if left_out == 1 else 'areas lack'} one or more of those years and "
                f"{'is' if left_out == 1 else 'are'} left out here."
            )
        else:
            which = (
                f"The area has a score in every year shown ({span})."
                if n == 1
                else f"All {n} areas of the set have a score in every year shown ({span}), so every point "
                "averages the same areas."
            )
        return (
            f"{which} Weighted by inhabitants (CBS 2024) when all are known, else unweighted; the city line is the "
            "mean of each area's own city average with the same weights, so the difference is the weighted mean of "
            "the gaps."
        )
    if left_out:
        which = (
            f"Elk jaar dezelfde {n} van de {total} gebieden, die met een score in elk getoond jaar ({span}), zodat "
            f"elk punt over dezelfde gebieden gaat; {left_out} "
            f"{'gebied mist' if left_out == 1 else 'gebieden missen'} een of meer van die jaren en "
            f"{'telt' if left_out == 1 else 'tellen'} hier niet mee."
        )
    else:
        which = (
            f"Het gebied heeft een score in elk getoond jaar ({span})."
            if n == 1
            else f"Alle {n} gebieden van de set hebben een score in elk getoond jaar ({span}), zodat elk punt over "
            "dezelfde gebieden gaat."
        )
    return (
        f"{which} Gewogen naar inwoners (CBS 2024) als die van alle bekend zijn, anders ongewogen; de stad is het "
        "gemiddelde van het stedelijk gemiddelde van elk gebied, met dezelfde gewichten. Het verschil is dus het "
        "gewogen gemiddelde van de achterstanden."
    )


def _panel(
    members: Sequence[str], pairs: Mapping[tuple[str, int], tuple[float, float]]
) -> tuple[list[int], tuple[str, ...]]:
    """Return the years shown and the members averaged in every one of them.

    The years are those in which any member has a value and a city reference; the panel is the
    members that have both in *every* such year, so each point averages the same areas. When no
    member has all of them, the earliest year is left off until one has (the latest year with
    data always has one).
    """
    years = sorted({y for _, y in pairs})
    while years:
        panel = tuple(c for c in members if all((c, y) in pairs for y in years))
        if panel:
            return years, panel
        years = years[1:]
    return [], ()


def set_trend(
    ds: Dataset,
    codes: Sequence[str],
    *,
    measure: str = "lbm",
    year_a: int | None = None,
    year_b: int | None = None,
) -> SetTrend:
    """Return the aggregate of a set against its cities in every year with data, over the same members.

    The years shown are those in which any member has a value; the members averaged (the
    panel) are those with a value and a city reference in every one of them. When no member
    has all of them, the earliest years are left off until one has.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    codes : sequence of str
        Wijk or buurt codes.
    measure : str, default "lbm"
        The measure.
    year_a, year_b : int, optional
        Two years for the share of members whose gap narrowed.

    Returns
    -------
    SetTrend

    Raises
    ------
    ValueError
        As :func:`gap_table`.
    """
    unique = _check(ds, codes, [y for y in (year_a, year_b) if y is not None], measure, "nl")
    pops = {c: ds.area(c).get("population") for c in unique}
    pairs: dict[tuple[str, int], tuple[float, float]] = {}  # (member, year) -> (value, city reference)
    for year in ds.years(measure):
        for c in unique:
            v = ds.value(c, year, measure)
            ref = ds.city_reference(c, year, measure).value
            if v is not None and ref is not None:
                pairs[(c, year)] = (v, ref)
    years, panel = _panel(unique, pairs)
    rows = []
    for year in years:
        vals = [pairs[(c, year)][0] for c in panel]
        cities = [pairs[(c, year)][1] for c in panel]
        weights = [_weight(pops[c]) for c in panel]
        w = np.array(weights)
        weighted = bool(np.all(~np.isnan(w)))
        wts = w if weighted else np.ones(len(vals))
        sv = float(np.average(vals, weights=wts))
        cv = float(np.average(cities, weights=wts))
        rows.append(
            {
                "year": year,
                "set_value": sv,
                "city_value": cv,
                "gap": sv - cv,
                "n_areas": len(vals),
                "weighting": "population-weighted" if weighted else "unweighted",
            }
        )
    table = pd.DataFrame(rows, columns=["year", "set_value", "city_value", "gap", "n_areas", "weighting"])
    share = None
    if year_a is not None and year_b is not None:
        gt = gap_table(ds, unique, year_a, year_b, measure=measure)
        share = gt.n_narrowed / gt.n_with_data if gt.n_with_data else None
    method_nl, method_en = (_method(len(panel), len(unique), years, lang) for lang in ("nl", "en"))
    return SetTrend(table, share, year_a, year_b, method_nl, method_en, panel=panel, n_members=len(unique))
