"""The explorer's view: what a user picked, validated, and shareable as URL parameters.

A view is the gemeente, the selected area (a wijk, or a buurt where buurt data exist), the
year, the measure, the map level and the base map. :func:`parse_view` turns untrusted query
parameters into a valid view plus notices for whatever was ignored; :func:`view_params`
turns a view back into parameters. The pages' own choices are in :mod:`geo.choices`, and a
whole link (view, language, selection, choices) is read by :func:`geo.link.parse_link`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Final

from geo._cache import memo
from geo.codes import gemeente_of, is_valid_code, level_of
from geo.dataset import Dataset
from geo.i18n import check_lang
from geo.schema import MEASURES

__all__ = [
    "BASEMAPS",
    "DEFAULT_GEMEENTE",
    "NATIONAL",
    "SCALES",
    "Notice",
    "View",
    "default_view",
    "drill_down",
    "map_years",
    "national_view",
    "parse_view",
    "read_param",
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
    """Return the first wijk with a score in ``year`` (or in any year), else the first wijk.

    Kept per dataset, gemeente and year: every new session of a link without an area asks.
    """
    return memo(ds, ("default_wijk", gemeente, year), lambda: _first_scored_wijk(ds, gemeente, year), max_entries=1024)


def _first_scored_wijk(ds: Dataset, gemeente: str, year: int | None) -> str:
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


def _years_index(ds: Dataset) -> dict[tuple[str, str, str], dict[int, int]]:
    """Per (gemeente or NL, level, measure): for each year with a value, how many areas have one.

    One grouped count per measure (a loop over the some 4,800 groups took seconds, and the first
    page of a fresh server waited for it).
    """
    areas = ds.areas[["level", "gemeente_code"]]
    long = ds.scores[["code", "year", *MEASURES]].merge(areas, left_on="code", right_index=True)
    index: dict[tuple[str, str, str], dict[int, int]] = {}
    for measure in MEASURES:
        rows = long.loc[long[measure].notna(), ["gemeente_code", "level", "year"]]
        by_gemeente = rows.groupby(["gemeente_code", "level", "year"]).size()
        for (gm, level, year), n in zip(by_gemeente.index.tolist(), by_gemeente.tolist(), strict=True):
            index.setdefault((str(gm), str(level), measure), {})[int(year)] = int(n)
        by_level = rows.groupby(["level", "year"]).size()
        for (level, year), n in zip(by_level.index.tolist(), by_level.tolist(), strict=True):
            index.setdefault((NATIONAL, str(level), measure), {})[int(year)] = int(n)
    return index


def _counts(ds: Dataset, gemeente: str, level: str, measure: str) -> dict[int, int]:
    return memo(ds, ("map_years",), lambda: _years_index(ds)).get((gemeente, level, measure), {})


def map_years(ds: Dataset, gemeente: str, level: str, measure: str = "lbm") -> list[int]:
    """Return the years in which the map of (gemeente, level) has at least one value of ``measure``.

    ``gemeente`` may be :data:`NATIONAL` for the whole country.
    """
    return sorted(_counts(ds, gemeente, level, measure))


def _well_covered(ds: Dataset, gemeente: str, level: str, measure: str) -> list[int]:
    """Years in which at least half as many areas have a value as in the best-covered year.

    In the embedded data, 2024 has wijk scores for only a few cities: the national wijk map of
    2024 is mostly grey, so a map opens on 2022 there (2024 stays one click away).
    """
    counts = _counts(ds, gemeente, level, measure)
    most = max(counts.values(), default=0)
    return sorted(y for y, n in counts.items() if n * 2 >= most)


def _latest_year(ds: Dataset, gemeente: str, level: str, measure: str) -> int:
    years = _well_covered(ds, gemeente, level, measure) or ds.years(measure)
    return max(years)


def _default_area(ds: Dataset, gemeente: str, level: str, year: int) -> tuple[str, str]:
    """Return the (wijk, area) a map opens on.

    A wijk with a score that year; on a buurt map without wijk scores that year, a buurt with a
    score (and its wijk).
    """
    wijk = _default_wijk(ds, gemeente, year)
    if level != "buurt" or ds.value(wijk, year, "lbm") is not None:
        return wijk, wijk
    scored = ds.values(ds.codes("buurt", gemeente=gemeente), year, "lbm").dropna()
    if scored.empty:
        return wijk, wijk
    buurt = str(scored.index[0])
    return str(ds.parent(buurt)), buurt


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
    wijk, area = _default_area(ds, gm, level, year)
    return replace(view, gemeente=gm, wijk=wijk, area=area, level=level, year=year)


def national_view(ds: Dataset, view: View) -> View:
    """Return the national overview of a view: all gemeenten, or all wijken, of the country.

    The year is kept when that map is well covered (at least half as many areas with a value as
    in its best year), else the most recent year that is.
    """
    level = "wijk" if view.level == "wijk" else "gemeente"
    years = _well_covered(ds, NATIONAL, level, view.measure)
    year = view.year if view.year in years else max(years or ds.years(view.measure))
    return replace(view, gemeente=NATIONAL, level=level, year=year)


def area_view(view: View) -> View:
    """Return the view of the selected area in its own gemeente: what a page about one area shows.

    The national overview keeps the area chosen last (or the default one) beside ``NL``; the pages
    about one area (Trends, Verandering, Selectie) show that area in its gemeente, at the area's
    level. A gemeente's view is returned as it is.

    Examples
    --------
    >>> v = View("NL", "WK036305", "WK036305", 2022, "lbm", "gemeente")
    >>> area_view(v).gemeente, area_view(v).level
    ('GM0363', 'wijk')
    """
    if not view.national:
        return view
    level = "buurt" if level_of(view.area) == "buurt" else "wijk"
    return replace(view, gemeente=gemeente_of(view.area), level=level)


def _has_buurten(ds: Dataset, gemeente: str) -> bool:
    return any(ds.children(w) for w in ds.children(gemeente))


@dataclass(frozen=True)
class Notice:
    """What was ignored from a link, in both languages of the app.

    Attributes
    ----------
    nl, en : str
        The notice in Dutch and in English. Untrusted values are echoed only as plain
        code-like text (letters, digits, ``_`` and ``-``; anything else becomes ``?``).
    """

    nl: str
    en: str

    def text(self, lang: str) -> str:
        """Return the notice in ``lang`` ("nl" or "en")."""
        return self.en if check_lang(lang) == "en" else self.nl


def read_param(
    params: Mapping[str, str | list[str]], key: str, notices: list[Notice], *, max_length: int = _MAX_PARAM_LENGTH
) -> str | None:
    """Read one untrusted query parameter with ASCII-only rules.

    Repeated parameters (lists) use the last value; surrounding spaces are dropped. A value
    that is longer than ``max_length`` or holds a non-ASCII character (``"²"``, ``"２"``) is
    ignored with a notice, so no later step sees anything but short ASCII text.

    Returns
    -------
    str or None
        The value, or None when it is absent or was ignored.
    """
    raw = params.get(key)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    if raw is None:
        return None
    value = str(raw).strip()
    if len(value) > max_length:
        notices.append(
            Notice(f"parameter '{key}' is te lang en genegeerd", f"parameter '{key}' is too long and was ignored")
        )
        return None
    if not value.isascii():
        notices.append(
            Notice(
                f"parameter '{key}' bevat andere tekens dan ASCII en is genegeerd",
                f"parameter '{key}' holds characters other than ASCII and was ignored",
            )
        )
        return None
    return value


def parse_view(ds: Dataset, params: Mapping[str, str | list[str]]) -> tuple[View, list[Notice]]:
    """Validate query parameters into a view; fall back per parameter with a notice.

    Parameters
    ----------
    ds : Dataset
        The dataset the codes and years must exist in.
    params : mapping of str to str
        Untrusted parameters: ``g`` (gemeente, or ``NL`` for the national overview), ``a``
        (area), ``j`` (year; without it, the most recent year with data for the gemeente and
        level), ``m`` (measure), ``n`` (level), ``b`` (base map), ``k`` (colour scale). Lists
        (repeated parameters) use the last value. Values are read with ASCII-only rules
        (:func:`read_param`).

    Returns
    -------
    View
        Always valid.
    list of Notice
        One notice (Dutch and English) per parameter that was ignored, naming value and fallback.

    """
    notices: list[Notice] = []

    def get(key: str) -> str | None:
        value = read_param(params, key, notices)
        return value.upper() if value is not None and key in ("g", "a") else value

    g, a = get("g"), get("a")
    gemeente = None
    national = g == NATIONAL
    if g is not None and not national:
        if is_valid_code(g, "gemeente") and ds.has(g) and ds.children(g):
            gemeente = g
        else:
            notices.append(
                Notice(
                    f"gemeente '{_shown(g)}' bestaat niet in de dataset; standaardweergave getoond",
                    f"municipality '{_shown(g)}' is not in the dataset; the default view is shown",
                )
            )
    if a is not None and not (is_valid_code(a, "wijk") or is_valid_code(a, "buurt")):
        notices.append(
            Notice(
                f"gebied '{_shown(a)}' is geen wijk- of buurtcode; genegeerd",
                f"area '{_shown(a)}' is not a district or neighbourhood code; ignored",
            )
        )
        a = None
    elif a is not None and not ds.has(a):
        notices.append(
            Notice(
                f"gebied '{_shown(a)}' bestaat niet (meer) in de dataset; genegeerd",
                f"area '{_shown(a)}' is not (or no longer) in the dataset; ignored",
            )
        )
        a = None
    if a is not None:
        gm_of_a = gemeente_of(a)
        if gemeente is not None and gm_of_a != gemeente:
            notices.append(
                Notice(
                    f"gebied '{_shown(a)}' ligt niet in gemeente '{gemeente}'; genegeerd",
                    f"area '{_shown(a)}' is not in municipality '{gemeente}'; ignored",
                )
            )
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
            choices = ", ".join(MEASURES)
            notices.append(
                Notice(
                    f"maat '{_shown(m)}' bestaat niet (kies uit {choices}); 'lbm' getoond",
                    f"measure '{_shown(m)}' does not exist (choose from {choices}); 'lbm' shown",
                )
            )
    n = get("n")
    if n is not None:
        allowed = _NATIONAL_LEVELS if national else _LEVELS
        if n in allowed and (national or n == "wijk" or _has_buurten(ds, view.gemeente)):
            view = replace(view, level=n)
        else:
            fallback = "gemeente" if national else "wijk"
            fallback_nl = "gemeenten" if national else "wijken"
            fallback_en = "municipalities" if national else "districts"
            notices.append(
                Notice(
                    f"niveau '{_shown(n)}' is hier niet beschikbaar; {fallback_nl} getoond",
                    f"level '{_shown(n)}' is not available here; {fallback_en} shown",
                )
            )
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
            listed = ", ".join(map(str, years))
            notices.append(
                Notice(
                    f"jaar '{_shown(j)}' heeft geen gegevens voor deze maat (wel: {listed}); {latest} getoond",
                    f"year '{_shown(j)}' has no data for this measure (years with data: {listed}); {latest} shown",
                )
            )
            view = replace(view, year=latest)
    else:
        # no year asked for: the most recent year with data for this gemeente and level
        view = replace(view, year=_latest_year(ds, view.gemeente, view.level, view.measure))
    if not national and a is None:
        wijk, area = _default_area(ds, view.gemeente, view.level, view.year)
        view = replace(view, wijk=wijk, area=area)
    b = get("b")
    if b is not None:
        if b.lower() in BASEMAPS:
            view = replace(view, basemap=b.lower())
        else:
            choices = ", ".join(BASEMAPS)
            notices.append(
                Notice(
                    f"achtergrondkaart '{_shown(b)}' bestaat niet (kies uit {choices}); genegeerd",
                    f"base map '{_shown(b)}' does not exist (choose from {choices}); ignored",
                )
            )
    k = get("k")
    if k is not None:
        if k.lower() in SCALES:
            view = replace(view, scale=k.lower())
        else:
            choices = ", ".join(SCALES)
            notices.append(
                Notice(
                    f"kleurschaal '{_shown(k)}' bestaat niet (kies uit {choices}); officieel getoond",
                    f"colour scale '{_shown(k)}' does not exist (choose from {choices}); official classes shown",
                )
            )
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
