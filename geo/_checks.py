"""Small argument checks shared by the trend, gap, comparison and change modules."""

from __future__ import annotations

from geo.dataset import Dataset
from geo.schema import MEASURES

__all__ = ["check_measure", "check_span", "check_year", "nan"]


def check_measure(measure: str) -> None:
    """Raise ValueError when ``measure`` is not one of :data:`geo.schema.MEASURES`."""
    if measure not in MEASURES:
        msg = f"`measure` was {measure!r} but is expected to be one of {', '.join(MEASURES)}"
        raise ValueError(msg)


def check_year(ds: Dataset, year: int, name: str, measure: str = "lbm") -> None:
    """Raise ValueError when ``year`` (the argument called ``name``) is not published for ``measure``."""
    years = ds.years(measure)
    if year not in years:
        msg = (
            f"`{name}` was {year!r} but {measure} is published for {', '.join(map(str, years))}; "
            "pick one of those years"
        )
        raise ValueError(msg)


def check_span(ds: Dataset, start: int, end: int, measure: str) -> None:
    """Raise ValueError unless ``start < end`` are both published years of ``measure``."""
    check_year(ds, start, "start", measure)
    check_year(ds, end, "end", measure)
    if start >= end:
        msg = f"`start` ({start}) must be earlier than `end` ({end}); swap them or pick another year"
        raise ValueError(msg)


def nan(value: float | None) -> float:
    """Return ``value`` as a float, NaN for None."""
    return float("nan") if value is None else float(value)
