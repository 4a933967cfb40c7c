"""The explorer's view: what a user picked, validated, and shareable as URL parameters.

A view is the gemeente, the selected area (a wijk, or a buurt where buurt data exist), the
year, the measure, the map level and the base map. :func:`parse_view` turns untrusted query
parameters into a valid view plus notices for whatever was ignored; :func:`view_params`
turns a view back into parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

from geo.codes import gemeente_of, is_valid_code, level_of
from geo.dataset import Dataset
from geo.schema import MEASURES

__all__ = [
    "BASEMAPS",
    "DEFAULT_GEMEENTE",
    "NATIONAL",
    "SCALES",
    "View",
    "default_view",
    "drill_down",
    "map_years",
    "national_view",
    "parse_view",
    "summary",
    "view_params",
]

#: Base maps a user can choose. "none" works fully offline.
BASEMAPS: Final[tuple[str, ...]] = ("pdok", "osm", "none")
#: The gemeente shown when nothing (valid) is asked for.
DEFAULT_GEMEENTE: Final[str] = "GM0363"
_LEVELS: Final[tuple[str, ...]] = ("wijk", "buurt")
#: The pseudo gemeente code of the national overview (``?g=NL``).
NATIONAL: Final[str] = "NL"
#: Map levels of the national overview: all gemeenten, or all wijken of the country.
_NATIONAL_LEVELS: Final[tuple[str, ...]] = ("gemeente", "wijk")
#: Colour scales: the official Leefbaarometer classes (default) or our fixed steps.
SCALES: Final[tuple[str, ...]] = ("official", "fixed")
_MAX_PARAM_LENGTH: Final[int] = 64
#: A year in a link: four ASCII digits (``"²".isdigit()`` is true, but ``int("²")`` fails).
_YEAR: Final[re.Pattern[str]] = re.compile(r"[0-9]{4}", re.ASCII)


@dataclass(frozen=True)
class View:
    """A complete, valid view of the explorer.

    Attributes
    ----------
    gemeente : str
        GM code, or :data:`NATIONAL` ("NL") for the national overview; there ``wijk`` and
        ``area`` keep the last area chosen, for the other pages.
    wijk : str
        WK code of a wijk in ``gemeente``.
    area : str
        The selected area: ``wijk`` itself or one of its buurten.
    year : int
        A measurement year with data for ``measure``.
    measure : str
        One of ``lbm, afw, fys, onv, soc, vrz, won``.
    level : {"wijk", "buurt", "gemeente"}
        Which areas the map fills; "buurt" only where the gemeente has buurten; "gemeente"
        only in the national overview.
    basemap : {"pdok", "osm", "none"}
        Background map.
    scale : {"official", "fixed"}
        The official Leefbaarometer classes, or the fixed steps of :mod:`geo.classify`.

    """

    gemeente: str
    wijk: str
    area: str
    year: int
    measure: str = "lbm"
    level: str = "wijk"
    basemap: str = "pdok"
    scale: str = "official"

    @property
    def national(self) -> bool:
        """Tell whether this is the national overview."""
        return self.gemeente == NATIONAL


def _shown(value: str) -> str:
    # echo untrusted input only as plain code-like text
    return re.sub(r"[^0-9A-Za-z_\-]", "?", value)[:16]


def _default_wijk(ds: Dataset, gemeente: str, year: int | None = None) -> str:
    """Return the first wijk with a score in ``year`` (or in any year), else the first wijk."""
    wijken = ds.children(gemeente)
    if not wijken:
        msg = f"gemeente {gemeente} has no wijken in the dataset"
        raise ValueError(msg)
    if year is not None:
        in_year = ds.values(wijken, year, "lbm").dropna()
        if len(in_year):
            return str(in_year.index[0])
    scored = [c for c in wijken if ds.years(code=c)]
    return (scored or wijken)[0]


def map_years(ds: Dataset, gemeente: str, level: str, measure: str = "lbm") -> list[int]:
    """Return the years in which the map of (gemeente, level) has at least one value of ``measure``.

    ``gemeente`` may be :data:`NATIONAL` for the whole country.
    """
    codes = ds.codes(level) if gemeente == NATIONAL else ds.codes(level, gemeente=gemeente)  # type: ignore[arg-type]
    wide = ds.scores.loc[ds.scores["code"].isin(set(codes)), ["year", measure]].dropna()
    return sorted(int(y) for y in wide["year"].unique())


def _latest_year(ds: Dataset, gemeente: str, level: str, measure: str) -> int:
    years = map_years(ds, gemeente, level, measure) or ds.years(measure)
    return max(years)


def default_view(ds: Dataset, gemeente: str | None = None) -> View:
    """Return the view shown when nothing valid was asked for.

    The gemeente's wijken, in the most recent year with wijk scores for that gemeente, with a
    wijk selected that has a score in that year.
    """
    gm = gemeente if gemeente and ds.has(gemeente) and ds.children(gemeente) else DEFAULT_GEMEENTE
    if not ds.has(gm) or not ds.children(gm):
        gm = str(ds.gemeenten()["code"].iloc[0])
    year = _latest_year(ds, gm, "wijk", "lbm")
    wijk = _default_wijk(ds, gm, year)
    return View(gemeente=gm, wijk=wijk, area=wijk, year=year)


def drill_down(ds: Dataset, view: View, gemeente: str) -> View:
    """Return the map of one gemeente, e.g. after a click on it in the national overview.

    Measure, base map and scale are kept. So are the year and level when that map has data;
    otherwise the other level in that year (2024 has buurt scores where wijk scores are
    missing); otherwise the most recent year with wijk scores. The selected wijk has a score.
    """
    gm = default_view(ds, gemeente).gemeente
    levels = [view.level] if view.level in _LEVELS else []
    levels += [lv for lv in _LEVELS if lv not in levels]
    found = [(lv, view.year) for lv in levels if view.year in map_years(ds, gm, lv, view.measure)]
    level, year = found[0] if found else ("wijk", _latest_year(ds, gm, "wijk", view.measure))
    wijk = _default_wijk(ds, gm, year)
    return replace(view, gemeente=gm, wijk=wijk, area=wijk, level=level, year=year)


def national_view(ds: Dataset, view: View) -> View:
    """Return the national overview of a view: all gemeenten, or all wijken, of the country.

    The year is kept when that map has data, else the most recent year that has.
    """
    level = "wijk" if view.level == "wijk" else "gemeente"
    years = map_years(ds, NATIONAL, level, view.measure)
    year = view.year if view.year in years else max(years or ds.years(view.measure))
    return replace(view, gemeente=NATIONAL, level=level, year=year)


def _has_buurten(ds: Dataset, gemeente: str) -> bool:
    return any(ds.children(w) for w in ds.children(gemeente))


def parse_view(ds: Dataset, params: Mapping[str, str | list[str]]) -> tuple[View, list[str]]:
    """Validate query parameters into a view; fall back per parameter with a notice.

    Parameters
    ----------
    ds : Dataset
        The dataset the codes and years must exist in.
    params : mapping of str to str
        Untrusted parameters: ``g`` (gemeente, or ``NL`` for the national overview), ``a``
        (area), ``j`` (year; without it, the most recent year with data for the gemeente and
        level), ``m`` (measure), ``n`` (level), ``b`` (base map), ``k`` (colour scale). Lists
        (repeated parameters) use the last value.

    Returns
    -------
    View
        Always valid.
    list of str
        One notice (Dutch) per parameter that was ignored, naming value and fallback.

    """
    notices: list[str] = []

    def get(key: str) -> str | None:
        raw = params.get(key)
        if isinstance(raw, list):
            raw = raw[-1] if raw else None
        if raw is None:
            return None
        value = str(raw).strip()
        if len(value) > _MAX_PARAM_LENGTH:
            notices.append(f"parameter '{key}' is te lang en genegeerd")
            return None
        return value.upper() if key in ("g", "a") else value

    g, a = get("g"), get("a")
    gemeente = None
    national = g == NATIONAL
    if g is not None and not national:
        if is_valid_code(g, "gemeente") and ds.has(g) and ds.children(g):
            gemeente = g
        else:
            notices.append(f"gemeente '{_shown(g)}' bestaat niet in de dataset; standaardweergave getoond")
    if a is not None and not (is_valid_code(a, "wijk") or is_valid_code(a, "buurt")):
        notices.append(f"gebied '{_shown(a)}' is geen wijk- of buurtcode; genegeerd")
        a = None
    elif a is not None and not ds.has(a):
        notices.append(f"gebied '{_shown(a)}' bestaat niet (meer) in de dataset; genegeerd")
        a = None
    if a is not None:
        gm_of_a = gemeente_of(a)
        if gemeente is not None and gm_of_a != gemeente:
            notices.append(f"gebied '{_shown(a)}' ligt niet in gemeente '{gemeente}'; genegeerd")
            a = None
        else:
            gemeente = gm_of_a
    view = default_view(ds, gemeente)
    if a is not None:
        wijk = a if level_of(a) == "wijk" else str(ds.parent(a))
        view = replace(view, wijk=wijk, area=a, level="buurt" if level_of(a) == "buurt" else "wijk")
    if national:
        view = replace(view, gemeente=NATIONAL, level="gemeente")

    m = get("m")
    if m is not None:
        if m.lower() in MEASURES:
            view = replace(view, measure=m.lower())
        else:
            notices.append(f"maat '{_shown(m)}' bestaat niet (kies uit {', '.join(MEASURES)}); 'lbm' getoond")
    n = get("n")
    if n is not None:
        allowed = _NATIONAL_LEVELS if national else _LEVELS
        if n in allowed and (national or n == "wijk" or _has_buurten(ds, view.gemeente)):
            view = replace(view, level=n)
        else:
            fallback = "gemeente" if national else "wijk"
            notices.append(f"niveau '{_shown(n)}' is hier niet beschikbaar; {fallback}en getoond")
            view = replace(view, level=fallback)
    if view.level == "buurt" and not _has_buurten(ds, view.gemeente):
        view = replace(view, level="wijk")
    years = ds.years(view.measure)
    j = get("j")
    if j is not None:
        if _YEAR.fullmatch(j) and int(j) in years:
            view = replace(view, year=int(j))
        else:
            latest = _latest_year(ds, view.gemeente, view.level, view.measure)
            notices.append(
                f"jaar '{_shown(j)}' heeft geen gegevens voor deze maat (wel: {', '.join(map(str, years))}); "
                f"{latest} getoond"
            )
            view = replace(view, year=latest)
    else:
        # no year asked for: the most recent year with data for this gemeente and level
        view = replace(view, year=_latest_year(ds, view.gemeente, view.level, view.measure))
    if not national and a is None:
        wijk = _default_wijk(ds, view.gemeente, view.year)
        view = replace(view, wijk=wijk, area=wijk)
    b = get("b")
    if b is not None:
        if b.lower() in BASEMAPS:
            view = replace(view, basemap=b.lower())
        else:
            notices.append(f"achtergrondkaart '{_shown(b)}' bestaat niet (kies uit {', '.join(BASEMAPS)}); genegeerd")
    k = get("k")
    if k is not None:
        if k.lower() in SCALES:
            view = replace(view, scale=k.lower())
        else:
            notices.append(f"kleurschaal '{_shown(k)}' bestaat niet (kies uit {', '.join(SCALES)}); officieel getoond")
    return view, notices


def view_params(view: View) -> dict[str, str]:
    """Return the query parameters that reproduce ``view`` (the inverse of :func:`parse_view`)."""
    return {
        "g": view.gemeente,
        "a": view.area,
        "j": str(view.year),
        "m": view.measure,
        "n": view.level,
        "b": view.basemap,
        "k": view.scale,
    }


def summary(ds: Dataset, code: str, year: int, measure: str) -> dict[str, float | int | str | None]:
    """Summarise one area in one year: the figures shown next to the map.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        The area (wijk or buurt).
    year : int
        Measurement year.
    measure : str
        The measure.

    Returns
    -------
    dict
        ``value``; ``national`` and ``vs_national`` (value minus the published national
        reference); ``city``, ``city_method`` and ``vs_city`` (value minus the city reference);
        ``rank`` and ``rank_of`` among the same-level areas of the gemeente with a value
        (1 = highest); ``previous_year`` and ``change`` since the previous measurement with a
        value. Missing figures are None.

    """
    value = ds.value(code, year, measure)
    national = ds.national_reference(measure).value
    city = ds.city_reference(code, year, measure)
    gm = str(ds.area(code)["gemeente_code"])
    peers = ds.values(ds.codes(ds.level(code), gemeente=gm), year, measure).dropna()
    rank = int((peers > value).sum()) + 1 if value is not None and code in peers.index else None
    earlier = [y for y in ds.years(measure, code=code) if y < year]
    previous_year = max(earlier) if earlier else None
    previous = ds.value(code, previous_year, measure) if previous_year is not None else None
    return {
        "value": value,
        "national": national,
        "vs_national": None if value is None or national is None else value - national,
        "city": city.value,
        "city_method": city.method,
        "vs_city": None if value is None or city.value is None else value - city.value,
        "rank": rank,
        "rank_of": len(peers),
        "previous_year": previous_year,
        "change": None if value is None or previous is None else value - previous,
    }
