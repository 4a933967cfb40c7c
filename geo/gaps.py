"""Gaps to the city for a set of areas: the programme monitor's questions.

- :func:`gap_table`: per area, its gap to its city in year A and year B, the change, whether
  it narrowed, the change in %, inhabitants; with a summary sentence in Dutch and English.
- :func:`set_trend`: the set against its cities per year, population-weighted where known.
- :func:`dimension_split`: the change in ``afw`` of an area or a set split into the five
  dimensions, which add up to it.

The city reference is :meth:`geo.dataset.Dataset.city_reference`: the mean of the scored wijken
of the area's gemeente, weighted by CBS 2024 population where every one has a population
(otherwise the plain mean). It is not an official gemeente score. The gap is the area's value
minus that reference: negative means behind the city.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from geo.dataset import Dataset
from geo.fmt import number
from geo.i18n import check_lang
from geo.schema import DIMENSIONS, MEASURE_LABELS, MEASURES, TOLERANCE

__all__ = [
    "NEAR_ZERO",
    "DimensionSplit",
    "GapTable",
    "SetTrend",
    "dimension_split",
    "dimension_years",
    "entry_gap_table",
    "gap_table",
    "set_trend",
]

Lang = Literal["nl", "en"]
GapStatus = Literal["narrowed", "widened", "closed", "fell_behind", "ahead", "unchanged", "no_data"]

#: A gap smaller than this (in score points) is "near zero": no change in % is given from it.
NEAR_ZERO: Final[float] = 0.01
_REFERENCE_NL: Final[str] = (
    "stedelijk gemiddelde: gemiddelde van de wijken van de gemeente, gewogen naar inwoners (CBS 2024) "
    "waar die bekend zijn; geen officiële gemeentescore"
)
_REFERENCE_EN: Final[str] = (
    "city average: mean of the gemeente's wijken, weighted by inhabitants (CBS 2024) where known; "
    "not an official gemeente score"
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


def _status(gap_a: float | None, gap_b: float | None) -> GapStatus:
    if gap_a is None or gap_b is None:
        return "no_data"
    if gap_a < 0 and gap_b < 0:
        if gap_b == gap_a:
            return "unchanged"
        return "narrowed" if gap_b > gap_a else "widened"
    if gap_a < 0:
        return "closed"
    if gap_b < 0:
        return "fell_behind"
    return "ahead"


def _num(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _opt(value: object) -> float | None:
    v = float(value)  # type: ignore[arg-type]
    return None if math.isnan(v) else v


@dataclass(frozen=True)
class GapTable:
    """The gap table of a set of areas between two years.

    Attributes
    ----------
    table : DataFrame
        One row per area: ``code, name, gemeente_code, gemeente, population, value_a, city_a,
        gap_a, value_b, city_b, gap_b, change, status, narrowed, change_pct, note``.
        ``change = gap_b - gap_a`` (positive: the area gained on its city). ``status`` is
        ``narrowed``/``widened``/``unchanged`` (behind in both years), ``closed`` (behind,
        then level or ahead), ``fell_behind``, ``ahead`` (ahead in both) or ``no_data``.
        ``narrowed`` is True for ``narrowed`` and ``closed``. ``change_pct`` is the change of the
        gap's size, ``(|gap_b| - |gap_a|) / |gap_a| * 100``, None when ``|gap_a|`` is below
        :data:`NEAR_ZERO` (then ``note`` says "from x to y").
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
        area = ds.area(code)
        gm = str(area["gemeente_code"])
        va, vb = ds.value(code, year_a, measure), ds.value(code, year_b, measure)
        ca = ds.city_reference(code, year_a, measure).value
        cb = ds.city_reference(code, year_b, measure).value
        ga = None if va is None or ca is None else va - ca
        gb = None if vb is None or cb is None else vb - cb
        status = _status(ga, gb)
        change = None if ga is None or gb is None else gb - ga
        pct = None
        note = ""
        if ga is not None and gb is not None:
            if abs(ga) >= NEAR_ZERO:
                pct = (abs(gb) - abs(ga)) / abs(ga) * 100
            else:
                note = f"from {ga:+.3f} to {gb:+.3f}"
        pop = area.get("population")
        rows.append(
            {
                "code": code,
                "name": ds.name(code),
                "gemeente_code": gm,
                "gemeente": ds.name(gm) if ds.has(gm) else gm,
                "population": None if pop is None or pd.isna(pop) else float(pop),
                "value_a": _num(va),
                "city_a": _num(ca),
                "gap_a": _num(ga),
                "value_b": _num(vb),
                "city_b": _num(cb),
                "gap_b": _num(gb),
                "change": _num(change),
                "status": status,
                "narrowed": status in ("narrowed", "closed"),
                "change_pct": _num(pct),
                "note": note,
            }
        )
    table = pd.DataFrame(rows)
    table["population"] = table["population"].astype("Float64")
    both = table[table["status"] != "no_data"]
    behind = both[both["gap_a"] < 0]
    n_narrowed = int(both["narrowed"].sum())
    med_a = _opt(both["gap_a"].median()) if len(both) else None
    med_b = _opt(both["gap_b"].median()) if len(both) else None
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
        value_b, city_b, gap_b, change, status, narrowed, change_pct, note, weighting``.

    Raises
    ------
    ValueError
        As :func:`gap_table`, or when no entry has members.
    """
    groups = {k: list(v) for k, v in groups.items() if len(v)}
    if not groups:
        msg = "no entry has members; resolve the set first"
        raise ValueError(msg)
    codes = list(dict.fromkeys(c for v in groups.values() for c in v))
    per_area = gap_table(ds, codes, year_a, year_b, measure=measure).table.set_index("code")
    rows = []
    for entry, members in groups.items():
        part = per_area[per_area.index.isin(members)]
        rows.append({"entry": entry, **_aggregate(part, "a"), **_aggregate(part, "b", with_pop=False)})
        row = rows[-1]
        row["n_members"] = len(members)
        ga, gb = _opt(row["gap_a"]), _opt(row["gap_b"])
        row["status"] = _status(ga, gb)
        row["narrowed"] = row["status"] in ("narrowed", "closed")
        row["change"] = _num(None if ga is None or gb is None else gb - ga)
        row["change_pct"] = _num(
            (abs(gb) - abs(ga)) / abs(ga) * 100 if ga is not None and gb is not None and abs(ga) >= NEAR_ZERO else None
        )
        row["note"] = (
            f"from {ga:+.3f} to {gb:+.3f}" if ga is not None and gb is not None and abs(ga) < NEAR_ZERO else ""
        )
    columns = [
        "entry", "n_members", "population", "value_a", "city_a", "gap_a", "value_b", "city_b", "gap_b",
        "change", "status", "narrowed", "change_pct", "note", "weighting",
    ]  # fmt: skip
    table = pd.DataFrame(rows)[columns]
    both = table[table["status"] != "no_data"]
    behind = both[both["gap_a"] < 0]
    med_a = _opt(both["gap_a"].median()) if len(both) else None
    med_b = _opt(both["gap_b"].median()) if len(both) else None
    nl_name = set_name or f"de {len(table)} gebieden"
    en_name = set_name_en or set_name or f"the {len(table)} areas"
    n_narrowed = int(both["narrowed"].sum())
    nl, en = _summary(
        year_a, year_b, n_narrowed, len(both), len(behind), len(table), med_a, med_b, nl_name, en_name, measure
    )
    return GapTable(table, year_a, year_b, measure, nl_name, n_narrowed, len(behind), len(both), med_a, med_b, nl, en)


def _aggregate(part: pd.DataFrame, year: str, *, with_pop: bool = True) -> dict[str, object]:
    """Weighted means of ``value_<year>`` and ``city_<year>`` over members with both values."""
    ok = part.dropna(subset=[f"value_{year}", f"city_{year}"])
    out: dict[str, object] = {}
    pop = part["population"].astype("float64")
    if with_pop:
        out["population"] = float(pop.sum()) if pop.notna().all() else float("nan")
    if ok.empty:
        out.update({f"value_{year}": math.nan, f"city_{year}": math.nan, f"gap_{year}": math.nan})
        return out
    w = ok["population"].astype("float64").to_numpy()
    weighted = bool(np.all(~np.isnan(w)) and np.all(w > 0))
    wts = w if weighted else np.ones(len(ok))
    value = float(np.average(ok[f"value_{year}"], weights=wts))
    city = float(np.average(ok[f"city_{year}"], weights=wts))
    out.update({f"value_{year}": value, f"city_{year}": city, f"gap_{year}": value - city})
    if with_pop:
        out["weighting"] = "population-weighted" if weighted else "unweighted"
    return out


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
