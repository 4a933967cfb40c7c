"""Change between two years: per area, the biggest movers, and one fixed colour scale per measure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo._cache import memo
from geo._checks import check_measure, check_span
from geo.dataset import Dataset

__all__ = [
    "CHANGE_QUANTILE",
    "ChangeScale",
    "Movers",
    "biggest_movers",
    "change_scale",
    "change_table",
    "years_with_data",
]

#: The change-map scale covers this quantile of all absolute changes (see :func:`change_scale`).
CHANGE_QUANTILE: Final[float] = 0.98


# -- change map data ------------------------------------------------------------------------------
def change_table(ds: Dataset, codes: Sequence[str], start: int, end: int, *, measure: str = "lbm") -> pd.DataFrame:
    """Return the change of a measure between two years for a set of areas.

    Returns
    -------
    DataFrame
        Indexed by code, in the order given: ``code, name, gemeente_name, start_value, end_value,
        change`` (``end_value - start_value``; NaN when either is missing).

    Raises
    ------
    KeyError
        When a code is not in the dataset.
    ValueError
        When a year is not published for ``measure`` or ``start >= end``.
    """
    check_measure(measure)
    check_span(ds, start, end, measure)
    codes = list(dict.fromkeys(codes))
    missing = [c for c in codes if not ds.has(c)]
    if missing:
        msg = f"no area with code {', '.join(missing[:5])} in the dataset; codes look like WK0363AA"
        raise KeyError(msg)
    a = ds.areas.loc[codes]
    table = pd.DataFrame(
        {
            "code": codes,
            "name": a["name"].to_numpy(),
            "gemeente_name": a["gemeente_name"].to_numpy(),
            "start_value": ds.values(codes, start, measure).to_numpy(),
            "end_value": ds.values(codes, end, measure).to_numpy(),
        },
        index=pd.Index(codes, name="area"),
    )
    table["change"] = table["end_value"] - table["start_value"]
    return table


def years_with_data(ds: Dataset, codes: Sequence[str], measure: str = "lbm") -> list[int]:
    """Return the published years in which at least one of ``codes`` has a value of ``measure``.

    For year pickers of change maps: meting 2024 covers only a few gemeenten here, so for most of
    the country the last year with data is 2022.
    """
    check_measure(measure)
    present = ds.value_table(list(codes), measure).notna().any()
    return [y for y in ds.years(measure) if bool(present.get(y, False))]


@dataclass(frozen=True)
class Movers:
    """The areas that rose and fell most.

    Attributes
    ----------
    up : DataFrame
        Rows of the change table with a positive change, largest first (ties by code).
    down : DataFrame
        Rows with a negative change, most negative first (ties by code).
    """

    up: pd.DataFrame
    down: pd.DataFrame


def biggest_movers(table: pd.DataFrame, *, n: int = 5) -> Movers:
    """Pick the ``n`` biggest risers and fallers from a :func:`change_table`.

    Areas without a change (missing data) and with a change of exactly zero are in neither list.

    Raises
    ------
    ValueError
        When ``n`` is not a positive integer or ``table`` lacks ``code`` and ``change`` columns.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        msg = f"`n` was {n!r} but is expected to be a positive integer"
        raise ValueError(msg)
    if not {"code", "change"} <= set(table.columns):
        msg = f"`table` has columns {list(table.columns)} but needs `code` and `change`; make it with change_table()"
        raise ValueError(msg)
    known = table[table["change"].notna()]
    up = known[known["change"] > 0].assign(_key=lambda t: -t["change"]).sort_values(["_key", "code"])
    down = known[known["change"] < 0].assign(_key=lambda t: t["change"]).sort_values(["_key", "code"])
    return Movers(up=up.drop(columns="_key").head(n), down=down.drop(columns="_key").head(n))


@dataclass(frozen=True)
class ChangeScale:
    """A fixed symmetric colour scale for changes of one measure.

    Attributes
    ----------
    measure : str
        The measure.
    vmin, vmax : float
        ``-bound`` and ``+bound``; changes beyond are drawn in the end colours.
    quantile : float
        The share of all changes that fall within the bounds (before rounding up).
    n : int
        Number of changes the bound was taken from.
    """

    measure: str
    vmin: float
    vmax: float
    quantile: float
    n: int


def _nice_ceil(x: float) -> float:
    """Round up to two significant digits: 0.1734 -> 0.18, 0.0437 -> 0.044."""
    if x <= 0 or not math.isfinite(x):
        return 0.01
    step = 10 ** (math.floor(math.log10(x)) - 1)
    return float(round(math.ceil(x / step - 1e-9) * step, 10))


def change_scale(ds: Dataset, measure: str = "lbm") -> ChangeScale:
    """Return the fixed symmetric scale for maps of the change of ``measure``.

    The bound is the :data:`CHANGE_QUANTILE` quantile of the absolute change between *any* two
    published years over all scored wijken of the country, rounded up to two significant digits.
    It depends on the measure only, so the colours mean the same for every gemeente, every
    selection and every pair of years (a change over two years is drawn paler than one over
    twenty: that is the point).
    """
    check_measure(measure)

    def compute() -> ChangeScale:
        wijken = ds.areas.index[ds.areas["level"] == "wijk"]
        scores = ds.scores[ds.scores["code"].isin(wijken)]
        wide = scores.pivot(index="code", columns="year", values=measure).to_numpy(dtype="float64")
        cols = wide.shape[1]
        diffs = [np.abs(wide[:, j] - wide[:, i]) for i in range(cols) for j in range(i + 1, cols)]
        flat = np.concatenate(diffs) if diffs else np.array([], dtype="float64")
        flat = flat[np.isfinite(flat)]
        bound = _nice_ceil(float(np.quantile(flat, CHANGE_QUANTILE))) if len(flat) else 0.01
        return ChangeScale(measure, -bound, bound, CHANGE_QUANTILE, len(flat))

    return memo(ds, ("change_scale", measure), compute)
