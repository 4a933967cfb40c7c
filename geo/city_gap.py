"""The gap to the city: is this area closing its gap on the city average, and when would it close.

The *gap* of an area is its score minus the city reference (the mean of its gemeente's wijken,
see :meth:`~geo.dataset.Dataset.city_reference`): negative means behind the city, positive ahead.
The questions of the wijkenaanpak ("is this wijk catching up?") are answered here, in numbers
(:func:`gap_table`, :func:`gap_change`, :func:`project_gap_close`) and in one plain sentence
(:func:`gap_sentence`, :func:`projection_text`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

import pandas as pd

from geo import fmt
from geo._cache import memo
from geo._checks import check_measure, check_span
from geo.dataset import Dataset
from geo.i18n import Lang, check_lang
from geo.trend import AREA_MEMO_ENTRIES, trend_table

__all__ = [
    "PROJECTION_CAVEAT",
    "PROJECTION_HORIZON",
    "UNCHANGED_PERCENT",
    "GapChange",
    "GapStatus",
    "Projection",
    "ProjectionReason",
    "gap_change",
    "gap_period_problem",
    "gap_sentence",
    "gap_table",
    "gap_years",
    "project_gap_close",
    "projection_text",
]

GapStatus = Literal["narrowed", "widened", "unchanged", "closed", "ahead", "fell_behind", "no_data"]
ProjectionReason = Literal["not_behind", "widening", "flat", "too_slow", "no_data"]

#: A change of the size of a gap smaller than this (percent of the start gap) counts as unchanged.
UNCHANGED_PERCENT: Final[float] = 0.5
#: Projections further than this many years beyond the later year are refused.
PROJECTION_HORIZON: Final[int] = 50

#: Shown with every projection.
PROJECTION_CAVEAT: Final[dict[str, str]] = {
    "nl": (
        "Dit is een rechte lijn door twee meetjaren, geen voorspelling. Leefbaarheid verandert niet "
        "in een rechte lijn, en het stedelijk gemiddelde verandert zelf ook."
    ),
    "en": (
        "This is a straight line through two measurement years, not a forecast. Liveability does not "
        "change in a straight line, and the city average moves too."
    ),
}

_AREA_WORDS: Final[dict[str, tuple[str, str]]] = {
    "wijk": ("de wijk", "the district"),
    "buurt": ("de buurt", "the neighbourhood"),
    "gemeente": ("de gemeente", "the municipality"),
}


def _fmt(value: float, lang: str, *, decimals: int = 3) -> str:
    return fmt.number(value, lang, decimals)


def _area_word(ds: Dataset, code: str, lang: str) -> str:
    nl, en = _AREA_WORDS[ds.level(code)]
    return nl if lang == "nl" else en


# -- gap to the city ------------------------------------------------------------------------------
def gap_table(ds: Dataset, code: str, measure: str = "lbm") -> pd.DataFrame:
    """Return the gap to the city per year: ``year, value, city, gap`` (``gap = value - city``).

    Years without a score for the area or without a city reference have NaN there.
    """
    table = trend_table(ds, code, measure)[["year", "value", "city"]].copy()
    table["gap"] = table["value"] - table["city"]
    return table


@dataclass(frozen=True)
class GapChange:
    """How an area's gap to the city changed between two years.

    Attributes
    ----------
    code, measure : str
        The area and the measure.
    start, end : int
        The two years, ``start < end``.
    value_start, value_end, city_start, city_end : float or None
        The area's score and the city reference in each year.
    gap_start, gap_end : float or None
        Score minus city reference (negative: behind the city).
    status : str
        ``narrowed`` / ``widened`` / ``unchanged`` (behind in both years), ``closed`` (behind,
        then level or ahead), ``ahead`` (ahead or level in both), ``fell_behind`` (ahead or level,
        then behind), or ``no_data``.
    change : float or None
        ``gap_end - gap_start`` (positive: the area gained on the city).
    percent : float or None
        Change of the *size* of the gap, ``(|gap_end| - |gap_start|) / |gap_start| * 100``:
        negative when it shrank. None when ``gap_start`` is 0 or data are missing.
    missing : tuple of str
        What is missing, e.g. ``("value 2024", "city 2024")``.
    """

    code: str
    measure: str
    start: int
    end: int
    value_start: float | None
    value_end: float | None
    city_start: float | None
    city_end: float | None
    gap_start: float | None
    gap_end: float | None
    status: GapStatus
    change: float | None
    percent: float | None
    missing: tuple[str, ...] = ()


def gap_change(ds: Dataset, code: str, start: int, end: int, *, measure: str = "lbm") -> GapChange:
    """Compare an area's gap to the city in two years.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        A wijk or buurt code.
    start, end : int
        Measurement years with ``start < end``.
    measure : str, default "lbm"
        The measure; for all of them higher is better.

    Returns
    -------
    GapChange

    Raises
    ------
    ValueError
        When a year is not published for ``measure`` or ``start >= end``.
    """
    check_measure(measure)
    ds.check_code(code)
    check_span(ds, start, end, measure)
    vs, ve = ds.value(code, start, measure), ds.value(code, end, measure)
    cs, ce = ds.city_reference(code, start, measure).value, ds.city_reference(code, end, measure).value
    missing = tuple(
        f"{what} {year}"
        for what, year, v in (("value", start, vs), ("value", end, ve), ("city", start, cs), ("city", end, ce))
        if v is None
    )
    if vs is None or ve is None or cs is None or ce is None:
        return GapChange(code, measure, start, end, vs, ve, cs, ce, None, None, "no_data", None, None, missing)
    gs, ge = vs - cs, ve - ce
    percent = (abs(ge) - abs(gs)) / abs(gs) * 100 if gs != 0 else None
    status: GapStatus
    if gs < 0 and ge < 0:
        if percent is not None and abs(percent) < UNCHANGED_PERCENT:
            status = "unchanged"
        else:
            status = "narrowed" if abs(ge) < abs(gs) else "widened"
    elif gs < 0:
        status = "closed"
    elif ge < 0:
        status = "fell_behind"
    else:
        status = "ahead"
    return GapChange(code, measure, start, end, vs, ve, cs, ce, gs, ge, status, ge - gs, percent)


def gap_sentence(ds: Dataset, change: GapChange, *, lang: Lang = "nl") -> str:
    """Say in one plain sentence how the gap to the city changed.

    Examples
    --------
    "De achterstand op het stedelijk gemiddelde is tussen 2012 en 2022 met 40% afgenomen
    (van 0,040 naar 0,024)."

    When the start gap is smaller than :data:`geo.fmt.NEAR_ZERO`, no percentage is given, only
    the two values: "... is toegenomen van 0,013 naar 0,044", not "met 246% toegenomen".
    """
    check_lang(lang)
    nl = lang == "nl"
    s, e = change.start, change.end
    area = _area_word(ds, change.code, lang)
    area_cap = area[0].upper() + area[1:]
    gap_s, gap_e = change.gap_start, change.gap_end
    if change.status == "no_data" or gap_s is None or gap_e is None:
        return _no_data_sentence(change, area, lang)
    gs, ge = _fmt(abs(gap_s), lang), _fmt(abs(gap_e), lang)
    pct = fmt.percent(abs(change.percent or 0.0) / 100, lang)
    # a start gap near zero gives no percentage ("grew by 246%"): only the two values
    tiny = abs(gap_s) < fmt.NEAR_ZERO
    if change.status in ("narrowed", "widened"):
        if nl:
            verb = "afgenomen" if change.status == "narrowed" else "toegenomen"
            if tiny:
                return f"De achterstand op het stedelijk gemiddelde is tussen {s} en {e} {verb} van {gs} naar {ge}."
            return (
                f"De achterstand op het stedelijk gemiddelde is tussen {s} en {e} met {pct} {verb} "
                f"(van {gs} naar {ge})."
            )
        verb = "narrowed" if change.status == "narrowed" else "widened"
        if tiny:
            return f"Between {s} and {e} the gap to the city average {verb} from {gs} to {ge}."
        return f"Between {s} and {e} the gap to the city average {verb} by {pct} (from {gs} to {ge})."
    if change.status == "unchanged":
        if nl:
            return (
                f"De achterstand op het stedelijk gemiddelde is tussen {s} en {e} nagenoeg gelijk gebleven "
                f"({gs} en {ge})."
            )
        return f"Between {s} and {e} the gap to the city average stayed about the same ({gs} and {ge})."
    if change.status == "closed":
        if nl:
            return (
                f"De achterstand op het stedelijk gemiddelde uit {s} ({gs}) is in {e} ingehaald: "
                f"{area} scoort nu {ge} boven het stedelijk gemiddelde."
            )
        return f"The {s} gap to the city average ({gs}) had closed by {e}: {area} now scores {ge} above it."
    if change.status == "fell_behind":
        if nl:
            return (
                f"{area_cap} scoorde in {s} nog {gs} boven het stedelijk gemiddelde, "
                f"maar in {e} {ge} eronder: een nieuwe achterstand."
            )
        return f"{area_cap} scored {gs} above the city average in {s}, but {ge} below it in {e}: a new gap."
    # ahead in both years
    if change.percent is None or abs(change.percent) < UNCHANGED_PERCENT:
        if nl:
            return (
                f"{area_cap} scoorde in {s} en {e} boven het stedelijk gemiddelde, "
                f"met een nagenoeg gelijke voorsprong ({gs} en {ge})."
            )
        return (
            f"{area_cap} scored above the city average in both {s} and {e}, by about the same margin ({gs} and {ge})."
        )
    if nl:
        verb = "afgenomen" if change.percent < 0 else "toegenomen"
        if tiny:
            return (
                f"{area_cap} scoorde in {s} en {e} boven het stedelijk gemiddelde; "
                f"de voorsprong is {verb} van {gs} naar {ge}."
            )
        return (
            f"{area_cap} scoorde in {s} en {e} boven het stedelijk gemiddelde; "
            f"de voorsprong is met {pct} {verb} (van {gs} naar {ge})."
        )
    verb = "shrank" if change.percent < 0 else "grew"
    if tiny:
        return f"{area_cap} scored above the city average in both {s} and {e}; its lead {verb} from {gs} to {ge}."
    return (
        f"{area_cap} scored above the city average in both {s} and {e}; its lead {verb} by {pct} (from {gs} to {ge})."
    )


def _no_data_sentence(change: GapChange, area: str, lang: str) -> str:
    nl = lang == "nl"
    clauses = []
    for year in (change.start, change.end):
        things = []
        if f"value {year}" in change.missing:
            things.append(f"de score van {area}" if nl else f"the score of {area}")
        if f"city {year}" in change.missing:
            things.append("het stedelijk gemiddelde" if nl else "the city average")
        if not things:
            continue
        if nl:
            verb = "ontbreekt" if len(things) == 1 else "ontbreken"
            clauses.append(f"voor {year} {verb} {' en '.join(things)}")
        else:
            verb = "is" if len(things) == 1 else "are"
            clauses.append(f"for {year} {' and '.join(things)} {verb} missing")
    joined = (", en " if nl else ", and ").join(clauses) or ("er ontbreken gegevens" if nl else "data are missing")
    tail = (
        ", dus de verandering van de achterstand is niet te berekenen."
        if nl
        else ", so the change in the gap cannot be computed."
    )
    return joined[0].upper() + joined[1:] + tail


def gap_years(ds: Dataset, code: str, measure: str = "lbm") -> list[int]:
    """Return the years in which both the area and its city reference have a value (for year pickers).

    Kept per dataset, area and measure (every Trends run asks for them).
    """
    return list(
        memo(ds, ("gap_years", code, measure), lambda: _gap_years(ds, code, measure), max_entries=AREA_MEMO_ENTRIES)
    )


def _gap_years(ds: Dataset, code: str, measure: str) -> tuple[int, ...]:
    table = gap_table(ds, code, measure)
    return tuple(int(y) for y in table.loc[table["gap"].notna(), "year"])


def gap_period_problem(ds: Dataset, code: str, period: tuple[int, int], measure: str = "lbm") -> str | None:
    """Say why ``period`` cannot be an area's gap period, or return None when it can.

    Both years must have a gap (:func:`gap_years`) and the first must come before the second.
    The text names the years that have one, e.g. ``"WK034403 has a lbm gap to the city in 2002,
    2008, ...; pick two of those years"``; callers add how their user names the two years.
    """
    years = gap_years(ds, code, measure)
    start, end = period
    if start in years and end in years and start < end:
        return None
    shown = ", ".join(map(str, years)) or "none"
    return f"{code} has a {measure} gap to the city in {shown}; pick two of those years"


@dataclass(frozen=True)
class Projection:
    """When the gap would close at the current rate, or why that is not said.

    Attributes
    ----------
    year : int or None
        The first year in which the straight line reaches the city reference; None when refused.
    reason : str or None
        Why there is no year: ``not_behind``, ``widening``, ``flat``, ``too_slow`` or ``no_data``.
    rate : float or None
        Change of the gap per year between the two years (positive: gaining on the city).
    """

    year: int | None
    reason: ProjectionReason | None
    rate: float | None


def project_gap_close(change: GapChange, *, horizon: int = PROJECTION_HORIZON) -> Projection:
    """Extend the gap linearly through the two chosen years and find where it reaches zero.

    Refuses (returns a ``reason`` and no year) when data are missing, when the area is not
    behind the city in the later year, when the gap is flat or widening, or when the line
    reaches zero more than ``horizon`` years after the later year. Always show
    :data:`PROJECTION_CAVEAT` with it.
    """
    if change.status == "no_data" or change.gap_start is None or change.gap_end is None:
        return Projection(None, "no_data", None)
    rate = (change.gap_end - change.gap_start) / (change.end - change.start)
    if change.gap_end >= 0:
        return Projection(None, "not_behind", rate)
    if change.status == "unchanged":
        return Projection(None, "flat", rate)
    if change.status in ("widened", "fell_behind") or rate <= 0:
        return Projection(None, "widening", rate)
    years = -change.gap_end / rate
    if years > horizon:
        return Projection(None, "too_slow", rate)
    return Projection(change.end + math.ceil(years), None, rate)


def projection_text(ds: Dataset, change: GapChange, projection: Projection, *, lang: Lang = "nl") -> str:
    """Say the projection (or why there is none) in one sentence; show :data:`PROJECTION_CAVEAT` with it."""
    check_lang(lang)
    nl = lang == "nl"
    area = _area_word(ds, change.code, lang)
    s, e = change.start, change.end
    if projection.year is not None and projection.rate is not None:
        rate = _fmt(projection.rate, lang, decimals=4)
        if nl:
            return (
                f"In het tempo van {s}–{e} (gemiddeld {rate} per jaar dichterbij) zou de achterstand "
                f"rond {projection.year} zijn ingehaald."
            )
        return f"At the {s}–{e} pace ({rate} per year closer on average) the gap would close around {projection.year}."
    texts: dict[str, tuple[str, str]] = {
        "no_data": (
            f"Geen projectie: er ontbreken gegevens voor {s} of {e}.",
            f"No projection: data for {s} or {e} are missing.",
        ),
        "not_behind": (
            f"Geen projectie: {area} scoort in {e} niet onder het stedelijk gemiddelde.",
            f"No projection: {area} does not score below the city average in {e}.",
        ),
        "flat": (
            "Geen projectie: de achterstand is nagenoeg gelijk gebleven.",
            "No projection: the gap has stayed about the same.",
        ),
        "widening": (
            "Geen projectie: de achterstand wordt groter, niet kleiner.",
            "No projection: the gap is widening, not narrowing.",
        ),
        "too_slow": (
            f"Geen projectie: in dit tempo duurt het meer dan {PROJECTION_HORIZON} jaar; "
            "zo ver doortrekken zegt niets.",
            f"No projection: at this pace it would take more than {PROJECTION_HORIZON} years; "
            "a line that long means nothing.",
        ),
    }
    nl_text, en_text = texts[projection.reason or "no_data"]
    return nl_text if nl else en_text


def gap_status(gap_start: float, gap_end: float) -> tuple[GapStatus, float | None]:
    """Return the status and the change in % of a gap's size by the rules of :func:`gap_change`.

    For gaps that belong to no single area, such as a programme area's mean gap (:mod:`geo.gaps`).
    """
    percent = (abs(gap_end) - abs(gap_start)) / abs(gap_start) * 100 if gap_start != 0 else None
    if gap_start < 0 and gap_end < 0:
        if percent is not None and abs(percent) < UNCHANGED_PERCENT:
            return "unchanged", percent
        return ("narrowed" if abs(gap_end) < abs(gap_start) else "widened"), percent
    if gap_start < 0:
        return "closed", percent
    return ("fell_behind" if gap_end < 0 else "ahead"), percent
