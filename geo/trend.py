"""Trends: how an area moved over the years, next to its city, its neighbours and the country.

Pure functions on a :class:`~geo.dataset.Dataset`; nothing here draws or imports streamlit.
Years are plain ints: the chart, not this module, gives them their true spacing
(2002, 2008, 2012, 2014, ... are not evenly spaced).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from geo._cache import memo
from geo._checks import check_measure, nan
from geo.dataset import Dataset
from geo.i18n import Lang, check_lang
from geo.neighbours import graph_for
from geo.schema import DIMENSIONS, MEASURE_LABELS, TOLERANCE

__all__ = [
    "AREA_MEMO_ENTRIES",
    "MIN_NATIONAL_COVERAGE",
    "NeighbourBasis",
    "contributions",
    "contributions_long",
    "national_mean",
    "neighbour_basis",
    "trend_long",
    "trend_table",
]

#: A year's national mean is shown only when it covers at least this share of the wijken that
#: the best-covered year has. Meting 2024 is embedded for a few cities only (219 wijken against
#: 3,242 in 2022), so its "national" mean would be the mean of those cities.
MIN_NATIONAL_COVERAGE: Final[float] = 0.9
#: Trend tables, neighbour bases and dimension contributions kept per dataset (each a few kB; one per area and measure
#: asked for, the least recently used forgotten first).
AREA_MEMO_ENTRIES: Final[int] = 512


def _national_means(ds: Dataset, measure: str) -> dict[int, tuple[float, int]]:
    """National mean per year (NaN where coverage is too low) and the number of wijken it covers."""

    def compute() -> dict[int, tuple[float, int]]:
        refs = {year: ds.national_mean(year, measure) for year in ds.years(measure)}
        full = max((r.n_areas for r in refs.values()), default=0)
        return {
            year: (nan(r.value) if r.n_areas >= MIN_NATIONAL_COVERAGE * full else float("nan"), r.n_areas)
            for year, r in refs.items()
        }

    return memo(ds, ("national_means", measure), compute)


def national_mean(ds: Dataset, year: int, measure: str) -> float:
    """Return a year's national mean as shown: NaN when it covers too few wijken (:data:`MIN_NATIONAL_COVERAGE`)."""
    return _national_means(ds, measure).get(year, (float("nan"), 0))[0]


# -- neighbours ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NeighbourBasis:
    """Which neighbours the "mean of the neighbours" of an area is taken over, and why.

    A mean over whichever neighbours happen to have a score jumps when one drops out (meting
    2024 covers a few cities only, so a wijk on a city border loses its neighbours across the
    border in 2024). The mean is therefore taken over the same neighbours in every year.

    Attributes
    ----------
    code, measure : str
        The area and the measure.
    years : tuple of int
        The years the basis must cover: those in which the area itself has a score.
    used : tuple of str
        Neighbours with a score in every one of ``years``, sorted: the mean is over these.
    left_out : tuple of (str, tuple of int)
        Neighbours left out, each with the years of ``years`` in which it has no score.
    restricted : bool
        True when the mean is over ``used`` only. False when no neighbour covers every year
        (or the area has no score at all): then the mean is over the neighbours with a score in
        each year, and ``changes`` names the years where that set differs from the year before.
    changes : tuple of int
        Years (of all published years) in which the set of neighbours behind the mean differs
        from the previous year with a mean. Empty when ``restricted``.
    """

    code: str
    measure: str
    years: tuple[int, ...]
    used: tuple[str, ...]
    left_out: tuple[tuple[str, tuple[int, ...]], ...]
    restricted: bool
    changes: tuple[int, ...] = ()


def neighbour_basis(ds: Dataset, code: str, measure: str = "lbm") -> NeighbourBasis:
    """Return the neighbours whose mean :func:`trend_table` shows for an area.

    The neighbours (:func:`~geo.neighbours.graph_for`) with a score in every year in which the
    area has one. Only when none does is the mean taken over whichever neighbours have a score,
    with the years where that set changes listed.

    Raises
    ------
    KeyError
        When ``code`` is not in the dataset.
    ValueError
        When ``measure`` is unknown.
    """
    return memo(
        ds,
        ("neighbour_basis", code, measure),
        lambda: _neighbour_basis(ds, code, measure),
        max_entries=AREA_MEMO_ENTRIES,
    )


def _neighbour_basis(ds: Dataset, code: str, measure: str) -> NeighbourBasis:
    """Compute :func:`neighbour_basis` (memoised there)."""
    check_measure(measure)
    ds.check_code(code)
    neighbours = sorted(graph_for(ds, ds.level(code)).neighbours(code))
    all_years = ds.years(measure)
    table = ds.value_table(neighbours, measure)
    values = {year: table[year] for year in all_years}
    years = tuple(y for y in all_years if ds.value(code, y, measure) is not None)
    missing = {n: tuple(y for y in years if pd.isna(values[y].get(n))) for n in neighbours}
    used = tuple(n for n in neighbours if not missing[n])
    left_out = tuple((n, missing[n]) for n in neighbours if missing[n])
    if years and used:
        return NeighbourBasis(code, measure, years, used, left_out, restricted=True)
    changes: list[int] = []
    previous: frozenset[str] | None = None
    for year in all_years:
        scored = frozenset(values[year].dropna().index.astype(str))
        if not scored:
            continue
        if previous is not None and scored != previous:
            changes.append(year)
        previous = scored
    return NeighbourBasis(code, measure, years, tuple(neighbours), left_out, restricted=False, changes=tuple(changes))


# -- trend -----------------------------------------------------------------------------------------
def trend_table(ds: Dataset, code: str, measure: str = "lbm") -> pd.DataFrame:
    """Return an area's scores per year next to its references.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        A wijk or buurt code.
    measure : str, default "lbm"
        One of ``lbm, afw, fys, onv, soc, vrz, won``.

    Returns
    -------
    DataFrame
        One row per year with data for ``measure`` anywhere in the dataset, columns:
        ``year`` (int); ``value`` (NaN when the area has no score that year); ``city`` and
        ``city_method`` (:meth:`~geo.dataset.Dataset.city_reference`); ``national_reference``
        (the published reference level: 4.1023 for lbm, 0 for afw and the dimensions);
        ``national_mean`` (population-weighted mean of all scored wijken; NaN in years that cover
        less than :data:`MIN_NATIONAL_COVERAGE` of the best year) and ``national_n``;
        ``neighbours_mean`` (unweighted mean of the neighbours of :func:`neighbour_basis`: the same
        neighbours in every year in which the area has a score; NaN in a year in which one of
        them has none) and ``neighbours_n`` (how many neighbours the mean is over).

    Raises
    ------
    KeyError
        When ``code`` is not in the dataset.
    ValueError
        When ``measure`` is unknown.
    """
    table = memo(
        ds, ("trend_table", code, measure), lambda: _trend_table(ds, code, measure), max_entries=AREA_MEMO_ENTRIES
    )
    return table.copy()


def _trend_table(ds: Dataset, code: str, measure: str) -> pd.DataFrame:
    """Compute :func:`trend_table` (memoised there; callers get a copy)."""
    check_measure(measure)
    ds.check_code(code)
    basis = neighbour_basis(ds, code, measure)
    national = _national_means(ds, measure)
    reference = nan(ds.national_reference(measure).value)
    # the neighbours' scores in one table (a row per code, a column per year), then plain arrays per year
    years = ds.years(measure)
    used = ds.value_table(list(basis.used), measure)
    cities = [ds.city_reference(code, year, measure) for year in years]
    means, counts = [], []
    for year in years:
        around = used[year].to_numpy()
        known = around[~np.isnan(around)]
        if basis.restricted and len(known) < len(around):
            known = known[:0]
        # a sum divided by the count, as pandas' mean of the same values
        means.append(float(known.sum() / len(known)) if len(known) else float("nan"))
        counts.append(len(known))
    columns: dict[str, Any] = {
        "year": np.array(years, dtype="int64"),
        "value": [nan(ds.value(code, y, measure)) for y in years],
        "city": [nan(c.value) for c in cities],
        "city_method": [c.method for c in cities],
        "national_reference": [reference] * len(years),
        "national_mean": [national[y][0] for y in years],
        "national_n": [national[y][1] for y in years],
        "neighbours_mean": means,
        "neighbours_n": counts,
    }
    return pd.DataFrame(columns)


def trend_long(ds: Dataset, code: str, measure: str = "lbm", *, lang: Lang = "nl") -> pd.DataFrame:
    """Return :func:`trend_table` as a long table for a line chart.

    Returns
    -------
    DataFrame
        ``year, series, label, value, order``; ``series`` is one of ``area, city, neighbours_mean,
        national_mean, national_reference`` (``order`` 0 to 4, for legends), ``label`` its name in
        ``lang``. Rows without a value are dropped.
    """
    check_lang(lang)
    table = trend_table(ds, code, measure).rename(columns={"value": "area"})
    labels = {
        "area": (ds.name(code), ds.name(code)),
        "city": ("Stedelijk gemiddelde", "City average"),
        "neighbours_mean": ("Gemiddelde van de buren", "Neighbours' average"),
        "national_mean": ("Nederland, gemiddelde", "Netherlands, average"),
        "national_reference": ("Landelijk referentieniveau", "National reference level"),
    }
    return _long(table, "year", labels, "series", lang)


def _long(
    wide: pd.DataFrame, id_column: str, labels: dict[str, tuple[str, str]], var_name: str, lang: Lang
) -> pd.DataFrame:
    """Melt ``wide``'s columns ``labels`` into ``id, var_name, value, label, order`` rows, column by column.

    The rows of ``DataFrame.melt`` followed by a label and an order column and without missing values,
    built from plain lists: a melt and two maps cost some 3 ms on a frame of a few rows.
    """
    ids = wide[id_column].tolist()
    out: dict[str, list[object]] = {id_column: [], var_name: [], "value": [], "label": [], "order": []}
    for order, (column, names) in enumerate(labels.items()):
        for i, value in zip(ids, wide[column].tolist(), strict=True):
            if value == value:  # not NaN
                out[id_column].append(i)
                out[var_name].append(column)
                out["value"].append(value)
                out["label"].append(names[0] if lang == "nl" else names[1])
                out["order"].append(order)
    # typed arrays rather than a frame then `astype` (about 1 ms on a frame of a few rows)
    typed = {id_column: "int64", "value": "float64", "order": "int64"}
    return pd.DataFrame({k: np.array(v, dtype=typed[k]) if k in typed else v for k, v in out.items()})


# -- dimensions -----------------------------------------------------------------------------------
def contributions(ds: Dataset, code: str) -> pd.DataFrame:
    """Return the five dimension contributions per year, with their sum and ``afw``.

    Only years in which the area has all five dimensions are returned (the dimensions are
    published for 2014, 2018, 2020, 2022 and 2024).

    Returns
    -------
    DataFrame
        ``year, fys, onv, soc, vrz, won, sum, afw, residual`` where ``sum`` is the sum of the
        five and ``residual = afw - sum``.

    Raises
    ------
    ValueError
        When in any year the dimensions do not sum to ``afw`` within :data:`geo.schema.TOLERANCE`:
        the dataset is inconsistent and must be rebuilt with ``python -m geo build``.
    """
    table = memo(ds, ("contributions", code), lambda: _contributions(ds, code), max_entries=AREA_MEMO_ENTRIES)
    return table.copy()


def _contributions(ds: Dataset, code: str) -> pd.DataFrame:
    """Compute :func:`contributions` (memoised there; callers get a copy)."""
    ds.check_code(code)
    years = sorted(set.intersection(*(set(ds.years(d, code=code)) for d in DIMENSIONS)))
    values = {m: np.array([nan(ds.value(code, y, m)) for y in years], dtype="float64") for m in (*DIMENSIONS, "afw")}
    total = np.array([values[d] for d in DIMENSIONS]).sum(axis=0)  # dimension by dimension, as pandas adds
    residual = values["afw"] - total
    table = pd.DataFrame(
        {"year": np.array(years, dtype="int64"), **values, "sum": total, "residual": residual},
        columns=["year", *DIMENSIONS, "sum", "afw", "residual"],
    )
    bad = table[~(np.abs(residual) <= TOLERANCE)]
    if len(bad):
        listed = ", ".join(f"{int(y)} ({r:+.6f})" for y, r in zip(bad["year"], bad["residual"], strict=True))
        msg = (
            f"the dimensions of {code} do not sum to afw in {listed} (tolerance {TOLERANCE}); "
            "the dataset is inconsistent: rebuild it with `python -m geo build`"
        )
        raise ValueError(msg)
    return table


def contributions_long(ds: Dataset, code: str, *, lang: Lang = "nl") -> pd.DataFrame:
    """Return :func:`contributions` as one row per year and dimension, for stacked bars.

    Returns
    -------
    DataFrame
        ``year, dimension, label, value, order`` (``order`` is the dimension's position in
        ``fys, onv, soc, vrz, won``).
    """
    check_lang(lang)
    wide = contributions(ds, code)
    labels = {d: (MEASURE_LABELS[d]["nl"], MEASURE_LABELS[d]["en"]) for d in DIMENSIONS}
    long = _long(wide, "year", labels, "dimension", lang)
    out: pd.DataFrame = long.sort_values(["year", "order"], kind="stable").reset_index(drop=True)
    return out
