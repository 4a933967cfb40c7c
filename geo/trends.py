"""Trends and comparisons: how an area moved over the years, and whether it is closing its gap.

Pure functions on a :class:`~geo.dataset.Dataset`; nothing here draws or imports streamlit.
Years are plain ints: the chart, not this module, gives them their true spacing
(2002, 2008, 2012, 2014, ... are not evenly spaced).

The *gap* of an area is its score minus the city reference (the mean of its gemeente's wijken,
see :meth:`~geo.dataset.Dataset.city_reference`): negative means behind the city, positive ahead.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeVar

import numpy as np
import pandas as pd

from geo.dataset import Dataset
from geo.neighbours import graph_for
from geo.schema import DIMENSIONS, MEASURE_LABELS, MEASURES, TOLERANCE

__all__ = [
    "CHANGE_QUANTILE",
    "MIN_NATIONAL_COVERAGE",
    "PROJECTION_CAVEAT",
    "PROJECTION_HORIZON",
    "UNCHANGED_PERCENT",
    "ChangeScale",
    "GapChange",
    "Movers",
    "Projection",
    "area_options",
    "biggest_movers",
    "change_scale",
    "change_table",
    "compare_series",
    "compare_table",
    "comparison_table",
    "contributions",
    "contributions_long",
    "gap_change",
    "gap_sentence",
    "gap_table",
    "gap_years",
    "project_gap_close",
    "projection_text",
    "trend_long",
    "trend_table",
    "years_with_data",
]

Lang = Literal["nl", "en"]
GapStatus = Literal["narrowed", "widened", "unchanged", "closed", "ahead", "fell_behind", "no_data"]
ProjectionReason = Literal["not_behind", "widening", "flat", "too_slow", "no_data"]

#: A year's national mean is shown only when it covers at least this share of the wijken that
#: the best-covered year has. Meting 2024 is embedded for a few cities only (219 wijken against
#: 3,242 in 2022), so its "national" mean would be the mean of those cities.
MIN_NATIONAL_COVERAGE: Final[float] = 0.9
#: A change of the size of a gap smaller than this (percent of the start gap) counts as unchanged.
UNCHANGED_PERCENT: Final[float] = 0.5
#: Projections further than this many years beyond the later year are refused.
PROJECTION_HORIZON: Final[int] = 50
#: The change-map scale covers this quantile of all absolute changes (see :func:`change_scale`).
CHANGE_QUANTILE: Final[float] = 0.98

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

_ROLE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "area": ("Geselecteerd gebied", "Selected area"),
    "neighbour": ("Buur", "Neighbour"),
    "neighbour_cross": ("Buur in andere gemeente", "Neighbour in another municipality"),
    "city": ("Stedelijk gemiddelde", "City average"),
    "country": ("Nederland, gemiddelde", "Netherlands, average"),
    "reference": ("Landelijk referentieniveau", "National reference level"),
    "compared": ("Vergeleken gebied", "Compared area"),
}


# -- checks and small helpers --------------------------------------------------------------------
def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        msg = f"`measure` was {measure!r} but is expected to be one of {', '.join(MEASURES)}"
        raise ValueError(msg)


def _check_lang(lang: str) -> None:
    if lang not in ("nl", "en"):
        msg = f"`lang` was {lang!r} but is expected to be 'nl' or 'en'"
        raise ValueError(msg)


def _check_year(ds: Dataset, year: int, name: str, measure: str = "lbm") -> None:
    years = ds.years(measure)
    if year not in years:
        msg = (
            f"`{name}` was {year!r} but {measure} is published for {', '.join(map(str, years))}; "
            "pick one of those years"
        )
        raise ValueError(msg)


def _check_span(ds: Dataset, start: int, end: int, measure: str) -> None:
    _check_year(ds, start, "start", measure)
    _check_year(ds, end, "end", measure)
    if start >= end:
        msg = f"`start` ({start}) must be earlier than `end` ({end}); swap them or pick another year"
        raise ValueError(msg)


def _nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _fmt(value: float, lang: str, *, decimals: int = 3) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "nl" else text


def _area_word(ds: Dataset, code: str, lang: str) -> str:
    nl, en = _AREA_WORDS[ds.level(code)]
    return nl if lang == "nl" else en


_T = TypeVar("_T")
_MEMO: weakref.WeakKeyDictionary[Dataset, dict[tuple[str, ...], object]] = weakref.WeakKeyDictionary()
_MEMO_LOCK = threading.Lock()


def _memo(ds: Dataset, key: tuple[str, ...], compute: Callable[[], _T]) -> _T:
    """Compute once per dataset and key; forgotten with the dataset."""
    with _MEMO_LOCK:
        store = _MEMO.setdefault(ds, {})
        if key not in store:
            store[key] = compute()
        value: _T = store[key]  # type: ignore[assignment]
    return value


def _national_means(ds: Dataset, measure: str) -> dict[int, tuple[float, int]]:
    """National mean per year (NaN where coverage is too low) and the number of wijken it covers."""

    def compute() -> dict[int, tuple[float, int]]:
        refs = {year: ds.national_mean(year, measure) for year in ds.years(measure)}
        full = max((r.n_areas for r in refs.values()), default=0)
        return {
            year: (_nan(r.value) if r.n_areas >= MIN_NATIONAL_COVERAGE * full else float("nan"), r.n_areas)
            for year, r in refs.items()
        }

    return _memo(ds, ("national", measure), compute)


def _national_mean(ds: Dataset, year: int, measure: str) -> float:
    return _national_means(ds, measure).get(year, (float("nan"), 0))[0]


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
        ``neighbours_mean`` (unweighted mean of the scored neighbours, from
        :func:`~geo.neighbours.graph_for`) and ``neighbours_n``.

    Raises
    ------
    KeyError
        When ``code`` is not in the dataset.
    ValueError
        When ``measure`` is unknown.
    """
    _check_measure(measure)
    ds.area(code)
    neighbours = graph_for(ds, ds.level(code)).neighbours(code)
    national = _national_means(ds, measure)
    reference = _nan(ds.national_reference(measure).value)
    rows = []
    for year in ds.years(measure):
        city = ds.city_reference(code, year, measure)
        around = ds.values(neighbours, year, measure).dropna()
        rows.append(
            {
                "year": int(year),
                "value": _nan(ds.value(code, year, measure)),
                "city": _nan(city.value),
                "city_method": city.method,
                "national_reference": reference,
                "national_mean": national[year][0],
                "national_n": national[year][1],
                "neighbours_mean": float(around.mean()) if len(around) else float("nan"),
                "neighbours_n": len(around),
            }
        )
    return pd.DataFrame(rows).astype({"year": "int64"})


def trend_long(ds: Dataset, code: str, measure: str = "lbm", *, lang: Lang = "nl") -> pd.DataFrame:
    """Return :func:`trend_table` as a long table for a line chart.

    Returns
    -------
    DataFrame
        ``year, series, label, value, order``; ``series`` is one of ``area, city, neighbours_mean,
        national_mean, national_reference`` (``order`` 0 to 4, for legends), ``label`` its name in
        ``lang``. Rows without a value are dropped.
    """
    _check_lang(lang)
    table = trend_table(ds, code, measure).rename(columns={"value": "area"})
    labels = {
        "area": (ds.name(code), ds.name(code)),
        "city": ("Stedelijk gemiddelde", "City average"),
        "neighbours_mean": ("Gemiddelde van de buren", "Neighbours' average"),
        "national_mean": ("Nederland, gemiddelde", "Netherlands, average"),
        "national_reference": ("Landelijk referentieniveau", "National reference level"),
    }
    long = table.melt(id_vars="year", value_vars=list(labels), var_name="series", value_name="value")
    long["label"] = long["series"].map({k: v[0] if lang == "nl" else v[1] for k, v in labels.items()})
    long["order"] = long["series"].map({k: i for i, k in enumerate(labels)})
    out: pd.DataFrame = long.dropna(subset=["value"]).reset_index(drop=True)
    return out


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
    ds.area(code)
    years = sorted(set.intersection(*(set(ds.years(d, code=code)) for d in DIMENSIONS)))
    rows = []
    for year in years:
        row: dict[str, float] = {"year": year}
        for m in (*DIMENSIONS, "afw"):
            row[m] = _nan(ds.value(code, year, m))
        rows.append(row)
    table = pd.DataFrame(rows, columns=["year", *DIMENSIONS, "afw"])
    table["sum"] = table[list(DIMENSIONS)].sum(axis=1, min_count=len(DIMENSIONS))
    table["residual"] = table["afw"] - table["sum"]
    bad = table[~(table["residual"].abs() <= TOLERANCE)]
    if len(bad):
        listed = ", ".join(f"{int(y)} ({r:+.6f})" for y, r in zip(bad["year"], bad["residual"], strict=True))
        msg = (
            f"the dimensions of {code} do not sum to afw in {listed} (tolerance {TOLERANCE}); "
            "the dataset is inconsistent: rebuild it with `python -m geo build`"
        )
        raise ValueError(msg)
    out = table[["year", *DIMENSIONS, "sum", "afw", "residual"]].astype({"year": "int64"})
    return out


def contributions_long(ds: Dataset, code: str, *, lang: Lang = "nl") -> pd.DataFrame:
    """Return :func:`contributions` as one row per year and dimension, for stacked bars.

    Returns
    -------
    DataFrame
        ``year, dimension, label, value, order`` (``order`` is the dimension's position in
        ``fys, onv, soc, vrz, won``).
    """
    _check_lang(lang)
    wide = contributions(ds, code)
    long = wide.melt(id_vars="year", value_vars=list(DIMENSIONS), var_name="dimension", value_name="value")
    long["label"] = long["dimension"].map({d: MEASURE_LABELS[d][lang] for d in DIMENSIONS})
    long["order"] = long["dimension"].map({d: i for i, d in enumerate(DIMENSIONS)})
    out: pd.DataFrame = long.sort_values(["year", "order"]).reset_index(drop=True)
    return out


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
    _check_measure(measure)
    ds.area(code)
    _check_span(ds, start, end, measure)
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
    """
    _check_lang(lang)
    nl = lang == "nl"
    s, e = change.start, change.end
    area = _area_word(ds, change.code, lang)
    area_cap = area[0].upper() + area[1:]
    gap_s, gap_e = change.gap_start, change.gap_end
    if change.status == "no_data" or gap_s is None or gap_e is None:
        return _no_data_sentence(change, area, lang)
    gs, ge = _fmt(abs(gap_s), lang), _fmt(abs(gap_e), lang)
    pct = f"{round(abs(change.percent or 0.0))}%"
    if change.status in ("narrowed", "widened"):
        if nl:
            verb = "afgenomen" if change.status == "narrowed" else "toegenomen"
            return (
                f"De achterstand op het stedelijk gemiddelde is tussen {s} en {e} met {pct} {verb} "
                f"(van {gs} naar {ge})."
            )
        verb = "narrowed" if change.status == "narrowed" else "widened"
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
        return (
            f"{area_cap} scoorde in {s} en {e} boven het stedelijk gemiddelde; "
            f"de voorsprong is met {pct} {verb} (van {gs} naar {ge})."
        )
    verb = "shrank" if change.percent < 0 else "grew"
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
    """Return the years in which both the area and its city reference have a value (for year pickers)."""
    table = gap_table(ds, code, measure)
    return [int(y) for y in table.loc[table["gap"].notna(), "year"]]


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
    _check_lang(lang)
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


# -- comparison tables ----------------------------------------------------------------------------
_TABLE_COLUMNS: Final[tuple[str, ...]] = (
    "role",
    "label",
    "code",
    "name",
    "gemeente_code",
    "gemeente_name",
    "cross_border",
    *MEASURES,
    "change",
    "rank",
    "rank_of",
)


def _rank(ds: Dataset, code: str, year: int) -> tuple[float, int]:
    """Rank by lbm among the same-level areas of the gemeente (1 = best), and their number."""
    gm = str(ds.area(code)["gemeente_code"])
    peers = ds.values(ds.codes(ds.level(code), gemeente=gm), year, "lbm").dropna()
    value = ds.value(code, year, "lbm")
    if value is None:
        return float("nan"), len(peers)
    return float(int((peers > value).sum()) + 1), len(peers)


def _area_row(
    ds: Dataset, code: str, year: int, since: int | None, measure: str, role: str, lang: str, cross: bool | None
) -> dict[str, object]:
    area = ds.area(code)
    label_key = "neighbour_cross" if role == "neighbour" and cross else role
    row: dict[str, object] = {
        "role": role,
        "label": _ROLE_LABELS[label_key][0 if lang == "nl" else 1],
        "code": code,
        "name": str(area["name"]),
        "gemeente_code": str(area["gemeente_code"]),
        "gemeente_name": str(area["gemeente_name"]),
        "cross_border": cross,
    }
    for m in MEASURES:
        row[m] = _nan(ds.value(code, year, m))
    before = _nan(ds.value(code, since, measure)) if since is not None else float("nan")
    row["change"] = float(row[measure]) - before  # type: ignore[arg-type]
    row["rank"], row["rank_of"] = _rank(ds, code, year)
    return row


def _reference_rows(
    ds: Dataset, code: str, year: int, since: int | None, measure: str, lang: str
) -> list[dict[str, object]]:
    area = ds.area(code)
    idx = 0 if lang == "nl" else 1
    gm, gm_name = str(area["gemeente_code"]), str(area["gemeente_name"])
    city: dict[str, object] = {
        "role": "city",
        "label": _ROLE_LABELS["city"][idx],
        "code": gm,
        "name": gm_name,
        "gemeente_code": gm,
        "gemeente_name": gm_name,
    }
    nation = {"code": "NL", "gemeente_code": "", "gemeente_name": ""}
    country: dict[str, object] = {"role": "country", "label": _ROLE_LABELS["country"][idx], **nation}
    country["name"] = "Nederland" if lang == "nl" else "Netherlands"
    reference: dict[str, object] = {"role": "reference", "label": _ROLE_LABELS["reference"][idx], **nation}
    reference["name"] = "Leefbaarometer 3.0"
    for m in MEASURES:
        city[m] = _nan(ds.city_reference(code, year, m).value)
        country[m] = _national_mean(ds, year, m)
        reference[m] = _nan(ds.national_reference(m).value)
    if since is None:
        city["change"] = country["change"] = reference["change"] = float("nan")
    else:
        city["change"] = float(city[measure]) - _nan(ds.city_reference(code, since, measure).value)  # type: ignore[arg-type]
        country["change"] = float(country[measure]) - _national_mean(ds, since, measure)  # type: ignore[arg-type]
        reference["change"] = 0.0  # the reference level is fixed for Leefbaarometer 3.0
    return [city, country, reference]


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    table = pd.DataFrame(rows).reindex(columns=list(_TABLE_COLUMNS))
    table["rank"] = table["rank"].astype("Int64")
    table["rank_of"] = table["rank_of"].astype("Int64")
    table["cross_border"] = table["cross_border"].astype("boolean")
    return table.reset_index(drop=True)


def comparison_table(
    ds: Dataset, code: str, year: int, *, since: int | None = None, measure: str = "lbm", lang: Lang = "nl"
) -> pd.DataFrame:
    """Compare an area with its neighbours, its city and the country in one year.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        A wijk or buurt code.
    year : int
        The year compared.
    since : int, optional
        An earlier year; ``change`` is the change of ``measure`` since then.
    measure : str, default "lbm"
        The measure whose change is shown.
    lang : {"nl", "en"}
        Language of the ``label`` column.

    Returns
    -------
    DataFrame
        Rows: the area (``role="area"``), its neighbours sorted by code (``role="neighbour"``,
        ``cross_border`` True when in another gemeente), then ``city`` (city reference),
        ``country`` (national mean; NaN in years with low coverage, see
        :data:`MIN_NATIONAL_COVERAGE`) and ``reference`` (the published national reference
        level). Columns: ``role, label, code, name, gemeente_code, gemeente_name, cross_border,
        lbm, afw, fys, onv, soc, vrz, won, change, rank, rank_of``; ``rank`` is the position by
        ``lbm`` among the same-level areas of the row's own gemeente (1 = best) and ``rank_of``
        their number.

    Raises
    ------
    ValueError
        When ``year`` or ``since`` is not a published year, or ``since >= year``.
    """
    _check_measure(measure)
    _check_lang(lang)
    ds.area(code)
    _check_year(ds, year, "year")
    if since is not None:
        _check_span(ds, since, year, measure)
    graph = graph_for(ds, ds.level(code))
    rows = [_area_row(ds, code, year, since, measure, "area", lang, None)]
    rows += [
        _area_row(ds, n, year, since, measure, "neighbour", lang, graph.is_cross_border(code, n))
        for n in graph.neighbours(code)
    ]
    rows += _reference_rows(ds, code, year, since, measure, lang)
    return _frame(rows)


def compare_table(
    ds: Dataset,
    codes: Sequence[str],
    year: int,
    *,
    since: int | None = None,
    measure: str = "lbm",
    lang: Lang = "nl",
) -> pd.DataFrame:
    """Compare any areas (of any gemeenten and levels) in one year; columns as :func:`comparison_table`.

    Rows are the areas in the order given (``role="compared"``), followed by the national mean and
    the reference level (no city row: the areas may lie in different gemeenten).
    """
    _check_measure(measure)
    _check_lang(lang)
    for c in codes:
        ds.area(c)
    _check_year(ds, year, "year")
    if since is not None:
        _check_span(ds, since, year, measure)
    rows = [_area_row(ds, c, year, since, measure, "compared", lang, None) for c in dict.fromkeys(codes)]
    if codes:
        rows += _reference_rows(ds, codes[0], year, since, measure, lang)[1:]
    return _frame(rows)


def area_options(ds: Dataset) -> dict[str, str]:
    """Return every wijk and buurt code with a unique label ``"name (gemeente, code)"``, sorted by label.

    Computed once per dataset; for pickers that let a user compare areas across gemeenten.
    """

    def compute() -> dict[str, str]:
        a = ds.areas[ds.areas["level"].isin(["wijk", "buurt"])]
        labels = a["name"].astype(str) + " (" + a["gemeente_name"].astype(str) + ", " + a.index.astype(str) + ")"
        order = sorted(zip(labels, a.index, strict=True))
        return {str(code): str(label) for label, code in order}

    return dict(_memo(ds, ("area_options",), compute))


def compare_series(ds: Dataset, codes: Sequence[str], measure: str = "lbm") -> pd.DataFrame:
    """Return the scores of several areas over the years, long: ``code, name, gemeente_name, label, year, value``.

    ``label`` is ``"name (gemeente)"``, unique per area. Years without a score are left out.
    """
    _check_measure(measure)
    frames = []
    for c in dict.fromkeys(codes):
        area = ds.area(c)
        s = ds.series(c, measure)
        frames.append(
            pd.DataFrame(
                {
                    "code": c,
                    "name": str(area["name"]),
                    "gemeente_name": str(area["gemeente_name"]),
                    "label": f"{area['name']} ({area['gemeente_name']}, {c})",
                    "year": s.index.astype("int64"),
                    "value": s.to_numpy(dtype="float64"),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["code", "name", "gemeente_name", "label", "year", "value"])
    return pd.concat(frames, ignore_index=True)


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
    _check_measure(measure)
    _check_span(ds, start, end, measure)
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
    _check_measure(measure)
    codes = list(codes)
    return [y for y in ds.years(measure) if ds.values(codes, y, measure).notna().any()]


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
    _check_measure(measure)

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

    return _memo(ds, ("change_scale", measure), compute)
