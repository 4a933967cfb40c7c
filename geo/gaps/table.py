"""The gap table of a set of areas: per area, its gap to its city in two years, with a summary.

:func:`gap_table` returns a :class:`GapTable`: per wijk or buurt its gap to its city in year A and
year B, the change, whether it narrowed, the change in % and inhabitants, with a summary sentence
in Dutch and English. The gap and its status come from :func:`geo.city_gap.gap_change`. The
checks of areas, years and measure that every gap question shares are here as well (``_check``),
with the helpers the per-entry table (:mod:`geo.gaps.entries`) reuses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from geo import fmt
from geo.city_gap import GapStatus, gap_change
from geo.dataset import Dataset
from geo.fmt import number
from geo.i18n import Lang, check_lang
from geo.schema import MEASURE_LABELS, MEASURES

__all__ = ["NEAR_ZERO", "GapTable", "gap_table"]

#: A gap smaller than this (in score points) is "near zero": no change in % is given from it
#: (the same threshold as the gap sentence of the Trends page, :data:`geo.fmt.NEAR_ZERO`).
NEAR_ZERO: Final[float] = fmt.NEAR_ZERO
_NARROWED: Final[tuple[GapStatus, ...]] = ("narrowed", "closed")
_REFERENCE_NL: Final[str] = (
    "stedelijk gemiddelde: gemiddelde van de wijken van de gemeente, gewogen naar inwoners (CBS 2024) "
    "waar die bekend zijn; geen officiële gemeentescore"
)
_REFERENCE_EN: Final[str] = (
    "city average: mean of the municipality's districts, weighted by inhabitants (CBS 2024) where known; "
    "not an official municipal score"
)


def _check(ds: Dataset, codes: Sequence[str], years: Sequence[int], measure: str, lang: str) -> list[str]:
    if measure not in MEASURES:
        msg = f"`measure` was {measure!r} but is expected to be one of {', '.join(MEASURES)}"
        raise ValueError(msg)
    check_lang(lang)
    available = ds.years(measure)
    for y in years:
        if y not in available:
            msg = f"year {y} has no {measure} scores; choose one of {', '.join(map(str, available))}"
            raise ValueError(msg)
    unique = list(dict.fromkeys(codes))
    if not unique:
        msg = "no areas given; pass a set or at least one code"
        raise ValueError(msg)
    missing = [c for c in unique if not ds.has(c)]
    if missing:
        msg = f"{len(missing)} code(s) are not in the dataset: {', '.join(missing[:10])}"
        raise ValueError(msg)
    gemeenten = [c for c in unique if ds.level(c) == "gemeente"]
    if gemeenten:
        msg = f"gaps to the city need wijken or buurten, not gemeenten: {', '.join(gemeenten[:10])}"
        raise ValueError(msg)
    return unique


def _num(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _opt(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _pct(gap_a: float | None, percent: float | None) -> float | None:
    """Return the change in % of a gap's size; None from a start gap nearer zero than :data:`NEAR_ZERO`."""
    return percent if gap_a is not None and abs(gap_a) >= NEAR_ZERO else None


@dataclass(frozen=True)
class GapTable:
    """The gap table of a set of areas between two years.

    Attributes
    ----------
    table : DataFrame
        One row per area: ``code, name, gemeente_code, gemeente, population, value_a, city_a,
        gap_a, value_b, city_b, gap_b, change, status, narrowed, change_pct``.
        ``change = gap_b - gap_a`` (positive: the area gained on its city). ``status`` is that
        of :func:`geo.city_gap.gap_change`: ``narrowed``/``widened``/``unchanged`` (behind in
        both years; ``unchanged`` when the size moved less than
        :data:`geo.city_gap.UNCHANGED_PERCENT` %), ``closed`` (behind, then level or ahead),
        ``fell_behind``, ``ahead`` (ahead in both) or ``no_data``. ``narrowed`` is True for
        ``narrowed`` and ``closed``. ``change_pct`` is the change of the gap's size,
        ``(|gap_b| - |gap_a|) / |gap_a| * 100``, missing when ``|gap_a|`` is below
        :data:`NEAR_ZERO`.
    year_a, year_b : int
        The two years.
    measure : str
        The measure.
    set_name : str
        How the summary names the set ("de 40 aandachtswijken").
    n_narrowed, n_behind_a, n_with_data : int
        Areas whose gap narrowed (or closed); areas behind their city in A with data in both
        years; areas with data in both years.
    median_gap_a, median_gap_b : float or None
        Median gap over the areas with data in both years.
    summary_nl, summary_en : str
        The summary sentence.
    reference_nl, reference_en : str
        What the city reference is.
    """

    table: pd.DataFrame
    year_a: int
    year_b: int
    measure: str
    set_name: str
    n_narrowed: int
    n_behind_a: int
    n_with_data: int
    median_gap_a: float | None
    median_gap_b: float | None
    summary_nl: str
    summary_en: str
    reference_nl: str = _REFERENCE_NL
    reference_en: str = _REFERENCE_EN

    def summary(self, lang: Lang = "nl") -> str:
        """Return the summary sentence in ``lang``."""
        return self.summary_en if lang == "en" else self.summary_nl

    def reference(self, lang: Lang = "nl") -> str:
        """Return what the city reference is, in ``lang``."""
        return self.reference_en if lang == "en" else self.reference_nl


def gap_table(
    ds: Dataset,
    codes: Sequence[str],
    year_a: int,
    year_b: int,
    *,
    measure: str = "lbm",
    set_name: str | None = None,
    set_name_en: str | None = None,
) -> GapTable:
    """Return the gap to the city of every area of a set in two years, with a summary.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    codes : sequence of str
        Wijk or buurt codes (a set's members, a selection); duplicates are dropped.
    year_a, year_b : int
        Measurement years with scores for ``measure``, ``year_a < year_b``.
    measure : str, default "lbm"
        The measure; for every measure higher is better.
    set_name, set_name_en : str, optional
        How the summary names the areas; default "de N gebieden" / "the N areas".

    Returns
    -------
    GapTable

    Raises
    ------
    ValueError
        When a year has no scores, ``year_a >= year_b``, a code is unknown or a gemeente.

    Examples
    --------
    >>> gap_table(ds, load_set("40-aandachtswijken").members, 2008, 2018).summary("nl")  # doctest: +SKIP
    'Tussen 2008 en 2018 verkleinden 14 van de 92 wijken van de 40 aandachtswijken hun achterstand ...'
    """
    unique = _check(ds, codes, [year_a, year_b], measure, "nl")
    if year_a >= year_b:
        msg = f"year A ({year_a}) must be before year B ({year_b}); swap them"
        raise ValueError(msg)
    rows = []
    for code in unique:
        ch = gap_change(ds, code, year_a, year_b, measure=measure)
        gm = str(ds.area(code)["gemeente_code"])
        pop = ds.area(code).get("population")
        rows.append(
            {
                "code": code,
                "name": ds.name(code),
                "gemeente_code": gm,
                "gemeente": ds.name(gm) if ds.has(gm) else gm,
                "population": None if pop is None or pd.isna(pop) else float(pop),
                "value_a": _num(ch.value_start),
                "city_a": _num(ch.city_start),
                "gap_a": _num(ch.gap_start),
                "value_b": _num(ch.value_end),
                "city_b": _num(ch.city_end),
                "gap_b": _num(ch.gap_end),
                "change": _num(ch.change),
                "status": ch.status,
                "narrowed": ch.status in _NARROWED,
                "change_pct": _num(_pct(ch.gap_start, ch.percent)),
            }
        )
    table = pd.DataFrame(rows)
    table["population"] = table["population"].astype("Float64")
    both = table[table["status"] != "no_data"]
    behind = both[both["gap_a"] < 0]
    n_narrowed = int(both["narrowed"].sum())
    med_a = _opt(float(both["gap_a"].median())) if len(both) else None
    med_b = _opt(float(both["gap_b"].median())) if len(both) else None
    nl_name = set_name or f"de {len(unique)} gebieden"
    en_name = set_name_en or set_name or f"the {len(unique)} areas"
    nl, en = _summary(
        year_a, year_b, n_narrowed, len(both), len(behind), len(unique), med_a, med_b, nl_name, en_name, measure
    )
    return GapTable(table, year_a, year_b, measure, nl_name, n_narrowed, len(behind), len(both), med_a, med_b, nl, en)


def _summary(
    a: int,
    b: int,
    narrowed: int,
    with_data: int,
    behind: int,
    total: int,
    med_a: float | None,
    med_b: float | None,
    nl_name: str,
    en_name: str,
    measure: str,
) -> tuple[str, str]:
    if with_data == 0:
        return (
            f"Voor {nl_name} zijn er niet in zowel {a} als {b} scores en stedelijke gemiddelden.",
            f"For {en_name} there are no scores and city averages in both {a} and {b}.",
        )
    gap_nl = f"{number(med_a, 'nl', 2, signed=True)} naar {number(med_b, 'nl', 2, signed=True)}"
    gap_en = f"{number(med_a, 'en', 2, signed=True)} to {number(med_b, 'en', 2, signed=True)}"
    nl = (
        f"Tussen {a} en {b} verkleinden {narrowed} van {nl_name} hun achterstand op hun stad; "
        f"de mediane achterstand ging van {gap_nl}."
    )
    en = (
        f"Between {a} and {b}, {narrowed} of {en_name} narrowed their gap to their city; "
        f"the median gap went from {gap_en}."
    )
    missing = total - with_data
    if missing == 1:
        nl += f" Van 1 gebied ontbreken gegevens in {a} of {b}; het telt niet mee."
        en += f" 1 area lacks data in {a} or {b} and is not counted."
    elif missing > 1:
        nl += f" Van {missing} gebieden ontbreken gegevens in {a} of {b}; zij tellen niet mee."
        en += f" {missing} areas lack data in {a} or {b} and are not counted."
    if behind != with_data:
        nl += f" {behind} van hen lagen in {a} achter op hun stad."
        en += f" {behind} of them were behind their city in {a}."
    if measure != "lbm":
        nl += f" (maat: {MEASURE_LABELS[measure]['nl'].lower()})"
        en += f" (measure: {MEASURE_LABELS[measure]['en'].lower()})"
    return nl, en
