"""Gaps to the city for a set of areas: the programme monitor's questions.

- :func:`gap_table`: per area, its gap to its city in year A and year B, the change, whether
  it narrowed, the change in %, inhabitants; with a summary sentence in Dutch and English.
- :func:`set_trend`: the set against its cities per year, population-weighted where known.
- :func:`dimension_split`: the change in ``afw`` of an area or a set split into the five
  dimensions, which add up to it.
- :func:`set_gaps`: the gap tables of an :class:`~geo.sets.AreaSet` (per CBS area and per
  programme entry), named for the summary; :func:`gap_view` and :func:`member_map` turn them into
  what the programme page shows, in one language, numbers through :mod:`geo.fmt`.

The city reference is :meth:`geo.dataset.Dataset.city_reference`: the mean of the scored wijken
of the area's gemeente, weighted by CBS 2024 population where every one has a population
(otherwise the plain mean). It is not an official gemeente score. The gap of one area, its value
minus that reference, and its status come from :func:`geo.city_gap.gap_change` (the Trends page
says the same); a programme entry's status from :func:`geo.city_gap.gap_status`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo import fmt
from geo.city_gap import GapStatus, gap_change, gap_status
from geo.dataset import Dataset
from geo.fmt import number
from geo.i18n import Lang, check_lang
from geo.schema import DIMENSIONS, MEASURE_LABELS, MEASURES, TOLERANCE
from geo.sets.area_set import AreaSet
from geo.sets.shipped import SHIPPED_SETS

__all__ = [
    "AHEAD_COLOUR",
    "BEHIND_COLOUR",
    "NEAR_ZERO",
    "STATUS_LABELS",
    "DimensionSplit",
    "GapTable",
    "MemberMap",
    "SetGaps",
    "SetTrend",
    "ShownTable",
    "dimension_split",
    "dimension_years",
    "entry_gap_table",
    "gap_members",
    "gap_table",
    "gap_view",
    "member_map",
    "set_gaps",
    "set_trend",
]

#: A gap smaller than this (in score points) is "near zero": no change in % is given from it
#: (the same threshold as the gap sentence of the Trends page, :data:`geo.fmt.NEAR_ZERO`).
NEAR_ZERO: Final[float] = fmt.NEAR_ZERO
_NARROWED: Final[tuple[GapStatus, ...]] = ("narrowed", "closed")
#: How a status reads in the tables: (Dutch, English).
STATUS_LABELS: Final[dict[GapStatus, tuple[str, str]]] = {
    "narrowed": ("kleiner", "narrowed"),
    "widened": ("groter", "widened"),
    "unchanged": ("gelijk", "unchanged"),
    "closed": ("ingehaald", "closed"),
    "fell_behind": ("achter geraakt", "fell behind"),
    "ahead": ("voor", "ahead"),
    "no_data": ("geen gegevens", "no data"),
}
_WEIGHTING_LABELS: Final[dict[str, tuple[str, str]]] = {
    "population-weighted": ("gewogen naar inwoners (CBS 2024)", "weighted by inhabitants (CBS 2024)"),
    "unweighted": ("ongewogen", "unweighted"),
    "single area": ("één gebied", "a single area"),
}
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


# -- set trend ---------------------------------------------------------------------------------------
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


# -- dimension split ----------------------------------------------------------------------------------
def dimension_years(ds: Dataset) -> list[int]:
    """Return the years that have all five dimension scores (for the split's year pickers)."""
    years = set(ds.years("afw"))
    for d in DIMENSIONS:
        years &= set(ds.years(d))
    return sorted(years)


@dataclass(frozen=True)
class DimensionSplit:
    """The change in ``afw`` between two years split into the five dimensions.

    Attributes
    ----------
    parts : DataFrame
        ``dimension, label_nl, label_en, change`` for ``fys, onv, soc, vrz, won``.
    total : float
        The change in ``afw``; the parts add up to it (checked within ``2 * TOLERANCE`` when
        it is computed; see ``residual``).
    year_a, year_b : int
        The two years.
    n_areas : int
        Areas with all six values in both years (for a set).
    residual : float
        ``total - sum(parts)``: the rounding of the published values (each year's dimensions
        sum to ``afw`` within :data:`geo.schema.TOLERANCE`), at most ``2 * TOLERANCE``.
    weighting : str
        ``population-weighted``, ``unweighted`` or ``single area``.
    sentence_nl, sentence_en : str
        "vooral woningvoorraad (+0,04)" in a sentence.
    """

    parts: pd.DataFrame
    total: float
    year_a: int
    year_b: int
    n_areas: int
    weighting: str
    sentence_nl: str
    sentence_en: str
    residual: float = 0.0

    def sentence(self, lang: Lang = "nl") -> str:
        """Return the sentence in ``lang``."""
        return self.sentence_en if lang == "en" else self.sentence_nl

    def bars(self, lang: Lang = "nl") -> pd.DataFrame:
        """Return the chart data: ``label, change``, the five dimensions and then the total (``afw``)."""
        check_lang(lang)
        labels = self.parts["label_en" if lang == "en" else "label_nl"]
        total = "total (afw)" if lang == "en" else "totaal (afw)"
        return pd.DataFrame(
            {"label": [*labels, total], "change": [*(float(v) for v in self.parts["change"]), self.total]}
        )

    def note(self, lang: Lang = "nl") -> str:
        """Say that the parts add up to the total, over how many areas and how they were weighted."""
        check_lang(lang)
        nl, en = _WEIGHTING_LABELS.get(self.weighting, (self.weighting, self.weighting))
        if lang == "en":
            return f"The five bars add up to the total ({self.n_areas} areas, {en})."
        return f"De vijf balken tellen op tot het totaal ({self.n_areas} gebieden, {nl})."


def dimension_split(ds: Dataset, codes: Sequence[str], year_a: int, year_b: int) -> DimensionSplit:
    """Split the change in ``afw`` of an area or a set between two years into the dimensions.

    For a set the changes of the members with all six values in both years are averaged,
    weighted by CBS 2024 population when all of them have one (else unweighted); the same
    weights for every dimension and for ``afw``, so the parts still add up.

    Raises
    ------
    ValueError
        When a year lacks dimension scores (the message lists the years that have them), no
        member has the six values in both years, or the parts do not add up to the ``afw``
        change (a damaged dataset).
    """
    unique = _check(ds, codes, [], "afw", "nl")
    dim_years = dimension_years(ds)
    for y in (year_a, year_b):
        if y not in dim_years:
            msg = f"year {y} has no dimension scores; choose two of {', '.join(map(str, dim_years))}"
            raise ValueError(msg)
    if year_a == year_b:
        msg = "choose two different years"
        raise ValueError(msg)
    measures = ("afw", *DIMENSIONS)
    changes, weights = [], []
    for c in unique:
        row = []
        for m in measures:
            va, vb = ds.value(c, year_a, m), ds.value(c, year_b, m)
            if va is None or vb is None:
                break
            row.append(vb - va)
        else:
            changes.append(row)
            p = ds.area(c).get("population")
            weights.append(float(p) if p is not None and not pd.isna(p) and float(p) > 0 else float("nan"))
    if not changes:
        msg = f"no area of the set has afw and all dimensions in both {year_a} and {year_b}"
        raise ValueError(msg)
    arr = np.array(changes)
    w = np.array(weights)
    if len(unique) == 1:
        weighting, wts = "single area", np.ones(len(arr))
    elif np.all(~np.isnan(w)):
        weighting, wts = "population-weighted", w
    else:
        weighting, wts = "unweighted", np.ones(len(arr))
    mean = np.average(arr, axis=0, weights=wts)
    total = float(mean[0])
    parts = [float(v) for v in mean[1:]]
    residual = total - sum(parts)
    if abs(residual) > 2 * TOLERANCE:
        msg = (
            f"the dimension changes add up to {sum(parts):+.6f}, not to the afw change {total:+.6f}; "
            "the dataset is inconsistent: rebuild it with `python -m geo build`"
        )
        raise ValueError(msg)
    frame = pd.DataFrame(
        {
            "dimension": list(DIMENSIONS),
            "label_nl": [MEASURE_LABELS[d]["nl"] for d in DIMENSIONS],
            "label_en": [MEASURE_LABELS[d]["en"] for d in DIMENSIONS],
            "change": parts,
        }
    )
    top = int(np.argmax(np.abs(parts)))
    d = DIMENSIONS[top]
    nl = (
        f"De afwijking veranderde tussen {year_a} en {year_b} met {number(total, 'nl', 2, signed=True)}, "
        f"vooral door {MEASURE_LABELS[d]['nl'].lower()} ({number(parts[top], 'nl', 2, signed=True)})."
    )
    en = (
        f"Between {year_a} and {year_b} the deviation changed by {number(total, 'en', 2, signed=True)}, "
        f"mostly {MEASURE_LABELS[d]['en'].lower()} ({number(parts[top], 'en', 2, signed=True)})."
    )
    return DimensionSplit(frame, total, year_a, year_b, len(arr), weighting, nl, en, residual)


# -- a set's gap tables, and what the programme page shows ------------------------------------------
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


@dataclass(frozen=True)
class ShownTable:
    """A table ready to show: headers in one language, numbers kept as numbers.

    Show it with ``geo.fmt.style_frame(t.frame, lang, t.decimals, signed=t.signed, group=t.group)``:
    every number in the language's format, a missing value as "–", and the columns still sort
    as numbers. Rows without data come last.
    """

    frame: pd.DataFrame
    decimals: dict[str, int]
    signed: tuple[str, ...] = ()
    group: tuple[str, ...] = ()


def _words(lang: Lang, year_a: int, year_b: int) -> dict[str, str]:
    nl = lang == "nl"
    return {
        "code": "code",
        "name": "naam" if nl else "name",
        "entry": "programmawijk" if nl else "programme area",
        "n_members": "CBS-wijken" if nl else "CBS districts",
        "gemeente": "gemeente" if nl else "municipality",
        "population": "inwoners" if nl else "inhabitants",
        "gap_a": f"achterstand {year_a}" if nl else f"gap {year_a}",
        "gap_b": f"achterstand {year_b}" if nl else f"gap {year_b}",
        "value_b": f"score {year_b}",
        "change": "verandering" if nl else "change",
        "status": "richting" if nl else "direction",
        "change_pct": "verandering %" if nl else "change %",
    }


def _shown(table: pd.DataFrame, columns: list[str], lang: Lang, years: tuple[int, int], *, last: str) -> ShownTable:
    """Select and name the columns; rows where ``last`` is missing go last (in their order)."""
    words = _words(lang, *years)
    frame = table[columns].copy()
    if "status" in frame:
        frame["status"] = [STATUS_LABELS[s][1 if lang == "en" else 0] for s in table["status"]]
    frame = frame.iloc[np.argsort(table[last].isna().to_numpy(), kind="stable")]
    frame = frame.rename(columns=words).reset_index(drop=True)
    decimals = {"gap_a": 3, "gap_b": 3, "change": 3, "value_b": 3, "change_pct": 1, "population": 0}
    shown = {words[c]: d for c, d in decimals.items() if c in columns}
    signed = tuple(words[c] for c in ("gap_a", "gap_b", "change", "change_pct") if c in columns)
    group: tuple[str, ...] = ()  # inhabitants ungrouped: a Dutch "12.345" reads as a decimal to many
    return ShownTable(frame, shown, signed, group)


def gap_view(result: GapTable, lang: Lang = "nl") -> ShownTable:
    """Return the gap table as the programme page shows it, in ``lang``.

    Per area: code, name, gemeente, inhabitants, gap in A and B, change, direction, change in %.
    Per entry: the entry, its number of CBS wijken, and the same figures.
    """
    check_lang(lang)
    first = ["entry", "n_members"] if "entry" in result.table else ["code", "name", "gemeente"]
    columns = [*first, "population", "gap_a", "gap_b", "change", "status", "change_pct"]
    return _shown(result.table, columns, lang, (result.year_a, result.year_b), last="change")


#: Map fill of a member behind its city, and of one level with or ahead of it.
BEHIND_COLOUR: Final[str] = "#d7301f"
AHEAD_COLOUR: Final[str] = "#2171b5"


@dataclass(frozen=True)
class MemberMap:
    """A set's members on the map: fill and tooltip per code, and the list beside the map.

    Attributes
    ----------
    colours : dict of str to str
        :data:`BEHIND_COLOUR` where the gap in year B is negative, else :data:`AHEAD_COLOUR`;
        members without a gap are left out (drawn as an outline).
    tooltips : dict of str to str
        Plain text per code ("Overvecht (Utrecht): achterstand 2018 -0,123"); escape it for HTML.
    members : ShownTable
        Code, name, gemeente, score and gap in year B.
    """

    colours: dict[str, str]
    tooltips: dict[str, str]
    members: ShownTable


def member_map(areas: GapTable, lang: Lang = "nl") -> MemberMap:
    """Return what the map of a set shows, from its per-area gap table (:attr:`SetGaps.areas`)."""
    check_lang(lang)
    if "code" not in areas.table:
        msg = "member_map needs the per-area gap table (SetGaps.areas), not the per-entry one"
        raise ValueError(msg)
    word = "gap" if lang == "en" else "achterstand"
    colours: dict[str, str] = {}
    tooltips: dict[str, str] = {}
    for code, name, gemeente, gap in zip(
        areas.table["code"], areas.table["name"], areas.table["gemeente"], areas.table["gap_b"], strict=True
    ):
        tooltips[str(code)] = f"{name} ({gemeente}): {word} {areas.year_b} {fmt.number(float(gap), lang, signed=True)}"
        if not math.isnan(gap):
            colours[str(code)] = BEHIND_COLOUR if gap < 0 else AHEAD_COLOUR
    columns = ["code", "name", "gemeente", "value_b", "gap_b"]
    shown = _shown(areas.table, columns, lang, (areas.year_a, areas.year_b), last="gap_b")
    return MemberMap(colours, tooltips, shown)
