"""One area in one year, in figures: the answer to "how does this area score?".

:func:`area_summary` is the one place that computes an area's value, its references, its gap
to the city, its rank in the gemeente, its previous measurement and the change since then.
The map page, the trends page, the meeting brief and the command line all show these figures
from it, so they cannot drift apart.

The rank
--------
An area is ranked **on the selected measure**, among the areas of the **same level** (wijken
with wijken, buurten with buurten) of **its own gemeente** that have a value of that measure in
that year; 1 is the highest value, ties share the better position (``1 + number of areas with
a higher value``), and ``rank_of`` is the number of areas ranked. :meth:`AreaSummary.rank_label`
says the basis in words ("positie op Overlast en onveiligheid"). :func:`rank_in_gemeente` is
the same rank for tables that need only that. :func:`rank_positions` is the formula itself,
vectorised over groups; the one area of :func:`rank_in_gemeente` and the many rows of the
export (:func:`geo.export.export_table`, columns ``rank_<measure>``) both use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import pandas as pd

from geo._cache import memo
from geo._checks import check_measure
from geo.dataset import Dataset, ReferenceMethod
from geo.i18n import Lang, check_lang
from geo.schema import MEASURE_LABELS

__all__ = [
    "CITY_BASIS",
    "RANK_MEMO_ENTRIES",
    "AreaSummary",
    "CityBasis",
    "area_summary",
    "previous_year",
    "rank_in_gemeente",
    "rank_label",
    "rank_positions",
]

#: What the city reference of a summary is: the gemeente's own published score, or the mean of
#: its wijken computed here (:meth:`~geo.dataset.Dataset.city_reference`).
CityBasis = Literal["official gemeente score", "computed mean of wijken"]

#: The city basis of each reference method, and how to say it.
CITY_BASIS: Final[dict[CityBasis, dict[Lang, str]]] = {
    "official gemeente score": {"nl": "officiële gemeentescore", "en": "official municipal score"},
    "computed mean of wijken": {
        "nl": "berekend gemiddelde van de wijken",
        "en": "computed mean of the districts",
    },
}

#: Rankings of a gemeente's areas kept per dataset (one per level, gemeente, year and measure
#: asked for; the least recently used forgotten first).
RANK_MEMO_ENTRIES: Final[int] = 512

_RANK_WORDS: Final[dict[Lang, str]] = {"nl": "positie op {measure}", "en": "rank on {measure}"}


def rank_label(measure: str, lang: Lang = "nl") -> str:
    """Name the basis of a rank: ``"positie op Overlast en onveiligheid"`` / ``"rank on Nuisance and insecurity"``.

    Raises
    ------
    ValueError
        When ``measure`` or ``lang`` is unknown.
    """
    check_measure(measure)
    lang = check_lang(lang)
    return _RANK_WORDS[lang].format(measure=MEASURE_LABELS[measure][lang])


def rank_positions(values: pd.Series, groups: list[pd.Series] | None = None) -> pd.DataFrame:
    """Rank values within groups: 1 + the number of higher values in the same group.

    The one rank formula of the package (see the module docstring): ties share the better
    position, and a missing value is not ranked and does not count.

    Parameters
    ----------
    values : Series of float
        The values to rank (NaN where missing).
    groups : list of Series, optional
        Group keys aligned with ``values`` (e.g. gemeente code, level and year); rows rank only
        against rows with the same keys. By default all rows are one group.

    Returns
    -------
    DataFrame
        Indexed like ``values``, with ``rank`` (nullable Int64: 1 = highest, ``<NA>`` without a
        value) and ``rank_of`` (int64: the number of values in the row's group).

    Examples
    --------
    >>> rank_positions(pd.Series([3.0, 5.0, 3.0, None]))["rank"].tolist()
    [2, 1, 2, <NA>]
    """
    keys = [pd.Series(0, index=values.index)] if groups is None else groups
    grouped = values.astype("float64").groupby(keys, sort=False, dropna=False)
    rank = grouped.rank(method="min", ascending=False).astype("Int64")
    rank_of = grouped.transform("count").astype("int64")
    return pd.DataFrame({"rank": rank, "rank_of": rank_of}, index=values.index)


def rank_in_gemeente(ds: Dataset, code: str, year: int, measure: str) -> tuple[int | None, int]:
    """Rank an area on ``measure`` among the same-level areas of its gemeente (see the module docstring).

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        A wijk or buurt (or gemeente: then among all gemeenten with the same GM code, i.e. itself).
    year : int
        Measurement year.
    measure : str
        One of ``lbm, afw, fys, onv, soc, vrz, won``: the basis of the rank.

    Returns
    -------
    tuple of (int or None, int)
        The position (1 = highest; None when the area has no value that year) and the number of
        same-level areas of the gemeente with a value.

    Raises
    ------
    KeyError
        When ``code`` is not in the dataset.
    ValueError
        When ``measure`` is unknown.
    """
    check_measure(measure)
    gm, _ = ds.gemeente(code)
    ranks, rank_of = _gemeente_ranks(ds, ds.level(code), gm, year, measure)
    return ranks.get(code), rank_of


def _gemeente_ranks(ds: Dataset, level: str, gemeente: str, year: int, measure: str) -> tuple[dict[str, int], int]:
    """Rank every area of a level in a gemeente at once (:func:`rank_positions`), memoised per dataset.

    Returns the positions of the areas with a value, by code, and the number of areas ranked.
    """

    def compute() -> tuple[dict[str, int], int]:
        peers = ds.values(ds.codes(level, gemeente=gemeente), year, measure)  # type: ignore[arg-type]
        ranked = rank_positions(peers)
        rank_of = int(ranked["rank_of"].iloc[0]) if len(ranked) else 0  # one group: the same for every row
        positions = {str(c): int(r) for c, r in ranked["rank"].dropna().items()}
        return positions, rank_of

    return memo(ds, ("gemeente_ranks", level, gemeente, int(year), measure), compute, max_entries=RANK_MEMO_ENTRIES)


def previous_year(ds: Dataset, year: int, measure: str, *, code: str | None = None) -> int | None:
    """Return the measurement year before ``year`` with a value of ``measure``.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    year : int
        The year to look back from.
    measure : str
        The measure.
    code : str, optional
        An area: its own previous measurement. Without it, the previous year with data anywhere
        in the dataset (the map's tooltip column, one year for all areas).

    Returns
    -------
    int or None
        None when there is no earlier year with a value.
    """
    check_measure(measure)
    earlier = [y for y in ds.years(measure, code=code) if y < year]
    return max(earlier) if earlier else None


@dataclass(frozen=True)
class AreaSummary:
    """The figures of one area in one year for one measure (see :func:`area_summary`).

    Attributes
    ----------
    code, measure : str
        The area and the measure.
    year : int
        The measurement year.
    level : {"wijk", "buurt", "gemeente"}
        The area's level; the rank is among areas of this level.
    gemeente_code, gemeente_name : str
        The area's gemeente; the rank is within it.
    value : float or None
        The area's score; None when it has none that year.
    national : float or None
        The published national reference level (4.1023 for ``lbm``, 0 for ``afw`` and the
        dimensions).
    vs_national : float or None
        ``value - national``.
    city : float or None
        The city reference of that year; None when no wijk of the gemeente has a value.
    city_method : {"population-weighted", "unweighted", "official"}
        How ``city`` was obtained (:class:`~geo.dataset.Reference`).
    city_basis : {"official gemeente score", "computed mean of wijken"}
        Whether ``city`` is the gemeente's own published score or a mean computed here.
    gap : float or None
        ``value - city``: negative means behind the city.
    rank : int or None
        Position on ``measure`` among the same-level areas of the gemeente with a value
        (1 = highest, ties share the better position); None without a value.
    rank_of : int
        The number of areas ranked.
    previous_year : int or None
        The area's previous measurement year with a value of ``measure``.
    previous_value : float or None
        Its value then.
    change : float or None
        ``value - previous_value``.
    """

    code: str
    year: int
    measure: str
    level: str
    gemeente_code: str
    gemeente_name: str
    value: float | None
    national: float | None
    vs_national: float | None
    city: float | None
    city_method: ReferenceMethod
    city_basis: CityBasis
    gap: float | None
    rank: int | None
    rank_of: int
    previous_year: int | None
    previous_value: float | None
    change: float | None

    def rank_label(self, lang: Lang = "nl") -> str:
        """Name the rank's basis, e.g. ``"positie op Overlast en onveiligheid"``."""
        return rank_label(self.measure, lang)

    def rank_text(self, lang: Lang = "nl") -> str:
        """Return the rank as text: ``"47 / 110"``, or ``"– / 110"`` without a value."""
        check_lang(lang)
        return f"{'–' if self.rank is None else self.rank} / {self.rank_of}"

    @property
    def official_city(self) -> bool:
        """True when the city reference is the gemeente's official score (no wijk means that year)."""
        return self.city_basis == "official gemeente score"

    def city_basis_text(self, lang: Lang = "nl") -> str:
        """Say what the city reference is, e.g. ``"berekend gemiddelde van de wijken"``."""
        return CITY_BASIS[self.city_basis][check_lang(lang)]


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def area_summary(ds: Dataset, code: str, year: int, measure: str = "lbm") -> AreaSummary:
    """Summarise one area in one year: value, references, gap, rank and change.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        A wijk or buurt code (a gemeente works too).
    year : int
        Measurement year; a year without a value gives a summary with None figures.
    measure : str, default "lbm"
        One of ``lbm, afw, fys, onv, soc, vrz, won``. Every figure, the rank included, is of
        this measure.

    Returns
    -------
    AreaSummary

    Raises
    ------
    KeyError
        When ``code`` is not in the dataset.
    ValueError
        When ``measure`` is unknown.

    Examples
    --------
    >>> s = area_summary(load_dataset(), "WK0363AA", 2022, "onv")  # doctest: +SKIP
    >>> s.rank_label("nl"), s.rank_text()  # doctest: +SKIP
    ('positie op Overlast en onveiligheid', '47 / 110')
    """
    check_measure(measure)
    # one area's figures are asked for by the map page, the Trends page and three parts of the brief
    return memo(
        ds, ("area_summary", code, int(year), measure), lambda: _area_summary(ds, code, year, measure), max_entries=4096
    )


def _area_summary(ds: Dataset, code: str, year: int, measure: str) -> AreaSummary:
    area = ds.area(code)
    value = ds.value(code, year, measure)
    national = ds.national_reference(measure).value
    city = ds.city_reference(code, year, measure)
    if city.value is None and ds.level(code) != "gemeente":
        # no wijk means that year (2024 outside the few cities with wijk scores): the official
        # gemeente score, named as such
        official = ds.official_reference(code, year, measure)
        if official.value is not None:
            city = official
    basis: CityBasis = "official gemeente score" if city.method == "official" else "computed mean of wijken"
    rank, rank_of = rank_in_gemeente(ds, code, year, measure)
    prev = previous_year(ds, year, measure, code=code)
    before = ds.value(code, prev, measure) if prev is not None else None
    return AreaSummary(
        code=code,
        year=int(year),
        measure=measure,
        level=ds.level(code),
        gemeente_code=str(area["gemeente_code"]),
        gemeente_name=str(area["gemeente_name"]),
        value=value,
        national=national,
        vs_national=_minus(value, national),
        city=city.value,
        city_method=city.method,
        city_basis=basis,
        gap=_minus(value, city.value),
        rank=rank,
        rank_of=rank_of,
        previous_year=prev,
        previous_value=before,
        change=_minus(value, before),
    )
