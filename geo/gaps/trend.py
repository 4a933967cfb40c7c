"""The trend of a set against its cities: per year the members' mean and their cities' mean.

:func:`set_trend` returns a :class:`SetTrend`: per year the set's mean and the mean of each
member's own city reference with the same weights (CBS 2024 inhabitants where known), so the
difference is the weighted mean of the members' gaps; and the share of members whose gap
narrowed between two years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
        Per year: ``year, set_value, city_value, gap, n_areas, weighting``. ``set_value`` is the
        mean of the members' values; ``city_value`` the mean of each member's own city
        reference, with the *same* weights, so ``gap`` = ``set_value - city_value`` is the
        weighted mean of the members' gaps. ``weighting`` is ``population-weighted`` when
        every member with a value that year has a CBS 2024 population, else ``unweighted``.
    share_narrowed : float or None
        Share of members (with data in both years) whose gap narrowed or closed between
        ``year_a`` and ``year_b``.
    year_a, year_b : int or None
        The two years of ``share_narrowed``.
    method_nl, method_en : str
        How it was computed, in words.
    """

    table: pd.DataFrame
    share_narrowed: float | None
    year_a: int | None
    year_b: int | None
    method_nl: str
    method_en: str

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


def set_trend(
    ds: Dataset,
    codes: Sequence[str],
    *,
    measure: str = "lbm",
    year_a: int | None = None,
    year_b: int | None = None,
) -> SetTrend:
    """Return the aggregate of a set against its cities in every year with data.

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
    rows = []
    for year in ds.years(measure):
        vals, cities, weights = [], [], []
        for c in unique:
            v = ds.value(c, year, measure)
            ref = ds.city_reference(c, year, measure).value
            if v is None or ref is None:
                continue
            p = pops[c]
            vals.append(v)
            cities.append(ref)
            weights.append(float(p) if p is not None and not pd.isna(p) and float(p) > 0 else float("nan"))
        if not vals:
            continue
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
    method_nl = (
        "Per jaar het gemiddelde van de gebieden met een score, gewogen naar inwoners (CBS 2024) als die van "
        "alle bekend zijn, anders ongewogen; de stad is het gemiddelde van het stedelijk gemiddelde van elk "
        "gebied, met dezelfde gewichten. Het verschil is dus het gewogen gemiddelde van de achterstanden."
    )
    method_en = (
        "Per year the mean of the areas with a score, weighted by inhabitants (CBS 2024) when all are known, "
        "else unweighted; the city line is the mean of each area's own city average with the same weights, so "
        "the difference is the weighted mean of the gaps."
    )
    return SetTrend(table, share, year_a, year_b, method_nl, method_en)
