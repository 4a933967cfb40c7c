"""Filters: the areas below or above a threshold in a year, or that declined or improved.

A :class:`Filter` picks areas of one level by their score; :func:`filter_codes` returns them with
the rule in words (a :class:`~geo.selection.model.Criterion`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

from geo import fmt
from geo.codes import LEVELS, Level
from geo.dataset import Dataset
from geo.schema import MEASURES
from geo.selection.model import Criterion, _check_area

__all__ = ["FILTER_OPS", "Filter", "FilterOp", "FilterResult", "filter_codes", "parse_filter"]

FilterOp = Literal["below", "above", "declined", "improved"]

#: The filter operations: a threshold in one year, or a change between two years.
FILTER_OPS: Final[tuple[FilterOp, ...]] = ("below", "above", "declined", "improved")

_LEVEL_WORDS: Final[dict[str, tuple[str, str]]] = {
    "gemeente": ("gemeenten", "municipalities"),
    "wijk": ("wijken", "districts"),
    "buurt": ("buurten", "neighbourhoods"),
}


def _fmt(value: float, lang: str) -> str:
    return fmt.plain(value, lang)


@dataclass(frozen=True)
class Filter:
    """A rule that picks areas by their scores.

    Parameters
    ----------
    measure : str, default "lbm"
        One of ``lbm, afw, fys, onv, soc, vrz, won``.
    op : {"below", "above", "declined", "improved"}
        ``below``/``above``: the value in ``year`` is strictly below/above ``threshold``.
        ``declined``/``improved``: the value in ``year_to`` minus the value in ``year_from`` is
        below ``-threshold`` / above ``threshold`` (``threshold`` >= 0, default 0: any decline
        or improvement).
    threshold : float, optional
        Required for ``below`` and ``above``.
    year : int, optional
        Measurement year for ``below`` and ``above``.
    year_from, year_to : int, optional
        The two measurement years for ``declined`` and ``improved``, ``year_from < year_to``.
    level : {"wijk", "buurt", "gemeente"}, default "wijk"
        Which areas are candidates.
    gemeente : str, optional
        Only areas of this gemeente (``GM0363``); all gemeenten when None.

    Areas without a (displayable) value in a year the rule needs are never picked: a missing
    score is not zero.
    """

    measure: str = "lbm"
    op: FilterOp = "below"
    threshold: float | None = None
    year: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    level: Level = "wijk"
    gemeente: str | None = None


@dataclass(frozen=True)
class FilterResult:
    """The codes a :class:`Filter` picked and the criterion in words.

    Attributes
    ----------
    codes : tuple of str
        Picked area codes, sorted.
    criterion : Criterion
        The rule in Dutch and English, with the number of areas picked.
    """

    codes: tuple[str, ...]
    criterion: Criterion


def _check_filter(ds: Dataset, spec: Filter) -> None:
    if spec.measure not in MEASURES:
        msg = f"`measure` was {spec.measure!r} but is expected to be one of {', '.join(MEASURES)}"
        raise ValueError(msg)
    if spec.op not in FILTER_OPS:
        msg = f"`op` was {spec.op!r} but is expected to be one of {', '.join(FILTER_OPS)}"
        raise ValueError(msg)
    if spec.level not in LEVELS:
        msg = f"`level` was {spec.level!r} but is expected to be one of {', '.join(LEVELS)}"
        raise ValueError(msg)
    if spec.gemeente is not None:
        _check_area(ds, spec.gemeente, "gemeente", "gemeente")
    available = ds.years(spec.measure)
    if spec.op in ("below", "above"):
        if spec.threshold is None or spec.year is None:
            msg = (
                f"`op` {spec.op!r} needs `threshold` and `year`: add e.g. threshold=-0.1,year=2022 to the "
                "command line's --filter (in Python: Filter('afw', 'below', -0.1, year=2022))"
            )
            raise ValueError(msg)
        if spec.year_from is not None or spec.year_to is not None:
            msg = f"`op` {spec.op!r} takes `year`, not `year_from`/`year_to`; use 'declined' or 'improved' for a change"
            raise ValueError(msg)
        years = {"year": spec.year}
    else:
        if spec.year_from is None or spec.year_to is None:
            msg = f"`op` {spec.op!r} needs `year_from` and `year_to`, e.g. year_from=2012, year_to=2022"
            raise ValueError(msg)
        if spec.year is not None:
            msg = f"`op` {spec.op!r} takes `year_from` and `year_to`, not `year`"
            raise ValueError(msg)
        if spec.year_from >= spec.year_to:
            msg = f"`year_from` ({spec.year_from}) must be before `year_to` ({spec.year_to})"
            raise ValueError(msg)
        if spec.threshold is not None and (not math.isfinite(spec.threshold) or spec.threshold < 0):
            msg = f"`threshold` of {spec.op!r} is a size of change and must be >= 0; got {spec.threshold}"
            raise ValueError(msg)
        years = {"year_from": spec.year_from, "year_to": spec.year_to}
    if spec.threshold is not None and not math.isfinite(spec.threshold):
        msg = f"`threshold` must be a finite number; got {spec.threshold}"
        raise ValueError(msg)
    for name, y in years.items():
        if y not in available:
            msg = (
                f"`{name}` was {y} but {spec.measure} has data only in {', '.join(map(str, available))}"
                " (the dimensions are published for 2014, 2018, 2020, 2022 and 2024 only)"
            )
            raise ValueError(msg)


def _criterion(ds: Dataset, spec: Filter, n: int) -> Criterion:
    nl_level, en_level = _LEVEL_WORDS[spec.level]
    if spec.gemeente is not None:
        where = ds.name(spec.gemeente)
        nl_level += f" in {where} ({spec.gemeente})"
        en_level += f" in {where} ({spec.gemeente})"
    m = spec.measure
    if spec.op in ("below", "above"):
        t = float(spec.threshold)  # type: ignore[arg-type]
        nl_op = "onder" if spec.op == "below" else "boven"
        en_op = spec.op
        nl = f"{nl_level} met {m} {nl_op} {_fmt(t, 'nl')} in {spec.year}"
        en = f"{en_level} with {m} {en_op} {_fmt(t, 'en')} in {spec.year}"
        missing = (f"zonder {m} in {spec.year}", f"without {m} in {spec.year}")
    else:
        t = float(spec.threshold or 0.0)
        span_nl = f"tussen {spec.year_from} en {spec.year_to}"
        span_en = f"between {spec.year_from} and {spec.year_to}"
        verb_nl = "daalde" if spec.op == "declined" else "steeg"
        if t > 0:
            nl = f"{nl_level} waar {m} {span_nl} met meer dan {_fmt(t, 'nl')} {verb_nl}"
            en = f"{en_level} where {m} {spec.op} by more than {_fmt(t, 'en')} {span_en}"
        else:
            nl = f"{nl_level} waar {m} {span_nl} {verb_nl}"
            en = f"{en_level} where {m} {spec.op} {span_en}"
        missing = (
            f"zonder {m} in {spec.year_from} of {spec.year_to}",
            f"without {m} in {spec.year_from} or {spec.year_to}",
        )
    nl += f": {n} gebieden (gebieden {missing[0]} vallen af)"
    en += f": {n} areas (areas {missing[1]} are left out)"
    return Criterion(nl, en)


def filter_codes(ds: Dataset, spec: Filter) -> FilterResult:
    """Return the areas a :class:`Filter` picks, and the rule in words.

    Parameters
    ----------
    ds : Dataset
        The dataset; only its displayable scores count (excluded rows never match).
    spec : Filter
        The rule.

    Returns
    -------
    FilterResult
        Codes sorted, and the criterion in Dutch and English.

    Raises
    ------
    ValueError
        When the rule is incomplete or contradictory, a year has no data for the measure, or the
        gemeente is unknown.

    Examples
    --------
    >>> filter_codes(ds, Filter("afw", "below", -0.1, year=2022)).criterion.en  # doctest: +SKIP
    'districts with afw below -0.1 in 2022: 87 areas (areas without afw in 2022 are left out)'
    """
    _check_filter(ds, spec)
    candidates = ds.codes(spec.level, gemeente=spec.gemeente)
    if spec.op in ("below", "above"):
        v = ds.values(candidates, int(spec.year), spec.measure)  # type: ignore[arg-type]
        t = float(spec.threshold)  # type: ignore[arg-type]
        hit = v < t if spec.op == "below" else v > t
    else:
        a = ds.values(candidates, int(spec.year_from), spec.measure)  # type: ignore[arg-type]
        b = ds.values(candidates, int(spec.year_to), spec.measure)  # type: ignore[arg-type]
        change = b - a
        t = float(spec.threshold or 0.0)
        hit = change < -t if spec.op == "declined" else change > t
    codes = tuple(sorted(str(c) for c in hit.index[hit.fillna(False).to_numpy(dtype=bool)]))
    return FilterResult(codes, _criterion(ds, spec, len(codes)))


def parse_filter(text: str) -> Filter:
    """Parse ``"measure=afw,op=below,threshold=-0.1,year=2022"`` into a :class:`Filter`.

    Keys are the fields of :class:`Filter`; ``year``, ``year_from`` and ``year_to`` are
    integers, ``threshold`` a number with a decimal point.

    Raises
    ------
    ValueError
        When a part is not ``key=value``, a key is unknown or a number does not parse.
    """
    ints = {"year", "year_from", "year_to"}
    allowed = ("measure", "op", "threshold", "year", "year_from", "year_to", "level", "gemeente")
    kwargs: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not value:
            msg = f"filter part {part!r} is not key=value; write e.g. 'measure=afw,op=below,threshold=-0.1,year=2022'"
            raise ValueError(msg)
        if key not in allowed:
            msg = f"filter key {key!r} is unknown; allowed keys are {', '.join(allowed)}"
            raise ValueError(msg)
        if key in kwargs:
            msg = f"filter key {key!r} is given twice"
            raise ValueError(msg)
        try:
            kwargs[key] = int(value) if key in ints else float(value) if key == "threshold" else value
        except ValueError:
            kind, example = ("a whole year", "2022") if key in ints else ("a number with a decimal point", "-0.1")
            msg = f"filter value {key}={value!r} is not {kind}; write e.g. {key}={example}"
            raise ValueError(msg) from None
    if not kwargs:
        msg = "the filter is empty; write e.g. 'measure=afw,op=below,threshold=-0.1,year=2022'"
        raise ValueError(msg)
    return Filter(**kwargs)  # type: ignore[arg-type]
