"""The explorer's view: what a user picked, validated, and shareable as URL parameters.

A view is the gemeente, the selected area (a wijk, or a buurt where buurt data exist), the
year, the measure, the map level and the base map. :func:`parse_view` turns untrusted query
parameters into a valid view plus notices for whatever was ignored; :func:`view_params`
turns a view back into parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final

from geo._cache import memo
from geo.codes import gemeente_of, is_valid_code, level_of
from geo.dataset import Dataset
from geo.i18n import check_lang
from geo.schema import MEASURES
from geo.selection import MAX_TOKEN_LENGTH, Selection, decode_selection

__all__ = [
    "BASEMAPS",
    "CHOICE_PARAMS",
    "DEFAULT_GEMEENTE",
    "LANGS",
    "MAX_COMPARE",
    "MAX_MOVERS",
    "NATIONAL",
    "SCALES",
    "Link",
    "Notice",
    "PageChoices",
    "View",
    "change_options",
    "choices_params",
    "default_view",
    "drill_down",
    "map_years",
    "national_view",
    "parse_choices",
    "parse_link",
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
            fallback_en = "municipalities" if national else "districts"
            notices.append(
                Notice(
                    f"niveau '{_shown(n)}' is hier niet beschikbaar; {fallback}en getoond",
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


#: Languages of the app (``lang`` in a link).
LANGS: Final[tuple[str, ...]] = ("nl", "en")


@dataclass(frozen=True)
class Link:
    """Everything a shared link asks for, validated.

    Attributes
    ----------
    view : View
        The view (:func:`parse_view`).
    lang : {"nl", "en"}
        The language (``lang``; Dutch when absent or unknown).
    presentation : bool
        Presentation mode (``p=1``).
    selection : Selection
        The researcher's selection (``s``; empty when absent or invalid).
    notices : tuple of Notice
        What was ignored, one notice per parameter.
    choices : PageChoices
        The pages' own choices (gap period, change years and count, compared areas).
    """

    view: View
    lang: str
    presentation: bool
    selection: Selection
    notices: tuple[Notice, ...]
    choices: PageChoices = field(default_factory=lambda: PageChoices())


def parse_link(ds: Dataset, params: Mapping[str, str | list[str]]) -> Link:
    """Validate every parameter of a link; never raises on any text.

    Parameters
    ----------
    ds : Dataset
        The dataset the codes and years must exist in.
    params : mapping of str to str or list of str
        Untrusted query parameters: those of :func:`parse_view`, plus ``lang`` (``nl`` or
        ``en``), ``p`` (``1`` for presentation mode, ``0`` for not) and ``s`` (a selection
        token of :func:`geo.selection.encode_selection`) and the pages' own choices of
        :func:`parse_choices`.

    Returns
    -------
    Link
    """
    view, notices = parse_view(ds, params)
    lang = read_param(params, "lang", notices)
    if lang is not None and lang.lower() not in LANGS:
        notices.append(Notice(f"taal '{_shown(lang)}' onbekend; Nederlands getoond", "language unknown; Dutch shown"))
    lang = lang.lower() if lang is not None and lang.lower() in LANGS else "nl"
    presentation = read_param(params, "p", notices)
    if presentation not in (None, "0", "1"):
        notices.append(
            Notice(
                f"presentatie 'p={_shown(presentation)}' onbekend (gebruik p=1 of p=0); genegeerd",
                f"presentation 'p={_shown(presentation)}' unknown (use p=1 or p=0); ignored",
            )
        )
    token = read_param(params, "s", notices, max_length=MAX_TOKEN_LENGTH)
    selection = Selection()
    if token:
        try:
            selection = decode_selection(ds, token)
        except ValueError:
            # the detail may echo text from the link; a fixed notice only
            notices.append(
                Notice(
                    "de selectie in de link is ongeldig of beschadigd en is genegeerd",
                    "the selection in the link is invalid or damaged and was ignored",
                )
            )
    choices = parse_choices(ds, view, params, notices)
    return Link(view, lang, presentation == "1", selection, tuple(notices), choices)


# -- the pages' own choices ---------------------------------------------------------------------
#: At most this many areas in the free comparison (``c``).
MAX_COMPARE: Final[int] = 8
#: The change page lists at most this many risers and fallers (``vn``).
MAX_MOVERS: Final[int] = 20
#: Query parameters of :class:`PageChoices`: gap from/to (Trends), change from/to and count
#: (Verandering), compared areas, neighbour table year and "change since" year (Trends).
CHOICE_PARAMS: Final[tuple[str, ...]] = ("gv", "gt", "vv", "vt", "vn", "c", "ty", "ts")
_COUNT: Final[re.Pattern[str]] = re.compile(r"[0-9]{1,2}", re.ASCII)


@dataclass(frozen=True)
class PageChoices:
    """What a user chose on the Trends and Verandering pages, beyond the shared view.

    None (or empty) means "not chosen": the page shows its default.

    Attributes
    ----------
    gap : tuple of (int, int) or None
        The gap period on the Trends page, ``start < end``, both years with a score and a city
        average for the view's area (``gv``, ``gt``).
    change : tuple of (int, int) or None
        The two years of the Verandering page, ``start < end``, both with data in the gemeente
        (``vv``, ``vt``).
    movers : int or None
        How many risers and fallers the Verandering page lists, 1 to :data:`MAX_MOVERS` (``vn``).
    compare : tuple of str
        The areas of the free comparison on the Trends page, wijk or buurt codes, at most
        :data:`MAX_COMPARE` (``c``, comma-separated).
    table_year, since : int or None
        The year of the neighbour table on the Trends page (``ty``, a measurement year) and the
        year its change is measured from (``ts``, earlier than the table year).
    """

    gap: tuple[int, int] | None = None
    change: tuple[int, int] | None = None
    movers: int | None = None
    compare: tuple[str, ...] = ()
    table_year: int | None = None
    since: int | None = None


def _gap_options(ds: Dataset, view: View) -> list[int]:
    from geo.city_gap import gap_years

    if view.national:
        return []
    return gap_years(ds, view.area, view.measure)


def change_options(ds: Dataset, view: View) -> list[int]:
    """Return the years the Verandering page offers for a view: years with data at the area's level."""
    from geo.change import years_with_data

    if view.national:
        return []
    scope = ds.codes(level_of(view.area), gemeente=view.gemeente)
    return years_with_data(ds, scope, view.measure)


def _period(
    params: Mapping[str, str | list[str]],
    keys: tuple[str, str],
    options: list[int],
    notices: list[Notice],
    what: tuple[str, str],
) -> tuple[int, int] | None:
    start, end = (read_param(params, key, notices) for key in keys)
    if start is None and end is None:
        return None
    ok = (
        start is not None
        and end is not None
        and _YEAR.fullmatch(start) is not None
        and _YEAR.fullmatch(end) is not None
        and int(start) in options
        and int(end) in options
        and int(start) < int(end)
    )
    if ok:
        return int(start), int(end)  # type: ignore[arg-type]
    shown = f"{_shown(start or '')}-{_shown(end or '')}"
    listed = ", ".join(map(str, options)) or "-"
    notices.append(
        Notice(
            f"{what[0]} '{shown}' kan hier niet (jaren: {listed}; Van ligt voor Tot); standaardperiode getoond",
            f"{what[1]} '{shown}' is not possible here (years: {listed}; From comes before To); default period shown",
        )
    )
    return None


def parse_choices(ds: Dataset, view: View, params: Mapping[str, str | list[str]], notices: list[Notice]) -> PageChoices:
    """Validate the pages' own link parameters for a (valid) view; fall back per parameter with a notice.

    Parameters
    ----------
    ds : Dataset
    view : View
        The view of the same link (:func:`parse_view`); the years must have data for its area.
    params : mapping of str to str or list of str
        Untrusted parameters (ASCII-only rules of :func:`read_param`): ``gv``/``gt`` (gap period,
        both four-digit years), ``vv``/``vt`` (change years), ``vn`` (a whole number from 1 to
        :data:`MAX_MOVERS`), ``c`` (comma-separated wijk or buurt codes), ``ty`` and ``ts``
        (neighbour table year and the earlier year its change is measured from).
    notices : list of Notice
        Appended to: one notice per ignored parameter or period, in Dutch and English.

    Returns
    -------
    PageChoices
        Only valid choices; the rest is None or empty (the page's default).
    """
    gap = _period(params, ("gv", "gt"), _gap_options(ds, view), notices, ("periode", "period"))
    change = _period(params, ("vv", "vt"), change_options(ds, view), notices, ("veranderperiode", "change period"))
    movers = None
    n = read_param(params, "vn", notices)
    if n is not None:
        if _COUNT.fullmatch(n) and 1 <= int(n) <= MAX_MOVERS:
            movers = int(n)
        else:
            notices.append(
                Notice(
                    f"aantal 'vn={_shown(n)}' moet 1 tot {MAX_MOVERS} zijn; standaard getoond",
                    f"count 'vn={_shown(n)}' must be 1 to {MAX_MOVERS}; the default is shown",
                )
            )
    compare: list[str] = []
    c = read_param(params, "c", notices, max_length=2 * MAX_COMPARE * 11)
    if c:
        bad = []
        for part in c.upper().split(","):
            code = part.strip()
            if not code:
                continue
            valid = (is_valid_code(code, "wijk") or is_valid_code(code, "buurt")) and ds.has(code)
            if valid and code not in compare and len(compare) < MAX_COMPARE:
                compare.append(code)
            elif not valid:
                bad.append(_shown(code))
        if bad:
            shown = ", ".join(bad[:3]) + (", ..." if len(bad) > 3 else "")
            notices.append(
                Notice(
                    f"vergelijken: geen wijk of buurt in de dataset ({shown}); weggelaten",
                    f"compare: not a district or neighbourhood in the dataset ({shown}); left out",
                )
            )
    table_year = _one_year(params, "ty", ds.years("lbm"), notices)
    since_options = [y for y in ds.years(view.measure) if y < (table_year or view.year)]
    since = _one_year(params, "ts", since_options, notices)
    return PageChoices(
        gap=gap, change=change, movers=movers, compare=tuple(compare), table_year=table_year, since=since
    )


def _one_year(params: Mapping[str, str | list[str]], key: str, options: list[int], notices: list[Notice]) -> int | None:
    value = read_param(params, key, notices)
    if value is None:
        return None
    if _YEAR.fullmatch(value) and int(value) in options:
        return int(value)
    listed = ", ".join(map(str, options)) or "-"
    notices.append(
        Notice(
            f"jaar '{key}={_shown(value)}' kan hier niet (wel: {listed}); standaard getoond",
            f"year '{key}={_shown(value)}' is not possible here (years: {listed}); the default is shown",
        )
    )
    return None


def choices_params(choices: PageChoices) -> dict[str, str]:
    """Return the query parameters that reproduce ``choices`` (the inverse of :func:`parse_choices`)."""
    params: dict[str, str] = {}
    if choices.gap is not None:
        params["gv"], params["gt"] = map(str, choices.gap)
    if choices.change is not None:
        params["vv"], params["vt"] = map(str, choices.change)
    if choices.movers is not None:
        params["vn"] = str(choices.movers)
    if choices.compare:
        params["c"] = ",".join(choices.compare)
    if choices.table_year is not None:
        params["ty"] = str(choices.table_year)
    if choices.since is not None:
        params["ts"] = str(choices.since)
    return params


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
