"""The pages' own choices, beyond the shared view: what a link keeps for the Trends and Verandering pages.

The gap period, the change years and count, the compared areas, the neighbour table's year and
its "change since" year. :func:`parse_choices` reads them from untrusted query parameters (with
a notice for whatever was ignored); :func:`choices_params` writes them back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from geo.codes import is_valid_code, level_of
from geo.dataset import Dataset
from geo.view import _YEAR, Notice, View, _shown, read_param

__all__ = [
    "CHOICE_PARAMS",
    "MAX_COMPARE",
    "MAX_MOVERS",
    "PageChoices",
    "change_options",
    "choices_params",
    "parse_choices",
]

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
    years: Callable[[], list[int]],
    notices: list[Notice],
    what: tuple[str, str],
) -> tuple[int, int] | None:
    start, end = (read_param(params, key, notices) for key in keys)
    if start is None and end is None:
        return None
    options = years()  # only when the link has a period: the years cost a lookup per year
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
    shown = f"{keys[0]}={_shown(start or '')}, {keys[1]}={_shown(end or '')}"
    listed = ", ".join(map(str, options)) or "-"
    if len(options) < 2:  # no period is possible: there is no default period to show either
        notices.append(
            Notice(
                f"{what[0]} '{shown}' kan hier niet: de gegevens hebben hier te weinig jaren ({listed}) voor "
                "een periode",
                f"{what[1]} '{shown}' is not possible here: the data have too few years here ({listed}) for a period",
            )
        )
        return None
    notices.append(
        Notice(
            f"{what[0]} '{shown}' kan hier niet: kies twee jaren met gegevens voor dit gebied ({listed}), het "
            "eerste voor het tweede; standaardperiode getoond",
            f"{what[1]} '{shown}' is not possible here: pick two years with data for this area ({listed}), the "
            "first before the second; default period shown",
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
    gap = _period(params, ("gv", "gt"), lambda: _gap_options(ds, view), notices, ("periode", "period"))
    change = _period(
        params, ("vv", "vt"), lambda: change_options(ds, view), notices, ("veranderperiode", "change period")
    )
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
