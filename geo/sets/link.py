"""The programme page's own link parameters: which set, years A and B, and an own set.

:func:`parse_programme_link` validates ``set``, ``ya``, ``yb`` and ``u`` from untrusted query
parameters with ASCII-only rules and never raises on any text: what it cannot use falls back to
the default with a :class:`~geo.view.Notice` (Dutch and English) that names the value, shown
safely, and what is shown instead. The rest of a link (view, language, selection) is
:func:`geo.link.parse_link`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from geo.dataset import Dataset
from geo.selection import MAX_TOKEN_LENGTH
from geo.sets.area_set import AreaSet
from geo.sets.shipped import SHIPPED_SETS
from geo.sets.user import decode_set
from geo.view import _YEAR, Notice, _shown

__all__ = ["DEFAULT_SET", "PROGRAMME_PARAMS", "SET_CHOICES", "ProgrammeLink", "parse_programme_link"]

#: The set shown when the link asks for none (or for one that does not exist).
DEFAULT_SET: Final[str] = "40-aandachtswijken"
#: What ``set`` may be: a shipped set's slug, ``sel`` (the current selection) or ``user`` (an own set).
SET_CHOICES: Final[tuple[str, ...]] = (*SHIPPED_SETS, "sel", "user")
#: The query parameters of :class:`ProgrammeLink`.
PROGRAMME_PARAMS: Final[tuple[str, ...]] = ("set", "ya", "yb", "u")
#: The default period, where those years have data.
_DEFAULT_YEARS: Final[tuple[int, int]] = (2008, 2018)
_SLUG: Final[re.Pattern[str]] = re.compile(r"[a-z0-9-]{1,40}", re.ASCII)
_TOKEN: Final[re.Pattern[str]] = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)


@dataclass(frozen=True)
class ProgrammeLink:
    """What a link asks of the programme page, validated.

    Attributes
    ----------
    set : str
        One of :data:`SET_CHOICES`; ``user`` when the link holds a valid own set (``u``).
    year_a, year_b : int
        Two measurement years with ``lbm`` scores, ``year_a < year_b``.
    user_set : AreaSet or None
        The own set of ``u``, when it was valid.
    notices : tuple of Notice
        One per parameter that was ignored, naming its value and what is shown instead.
    """

    set: str
    year_a: int
    year_b: int
    user_set: AreaSet | None
    notices: tuple[Notice, ...]


def _value(params: Mapping[str, str | list[str]], key: str) -> str | None:
    """Return one parameter as text (the last of repeated ones, spaces dropped), or None when absent."""
    raw = params.get(key)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    return None if raw is None else str(raw).strip()


def _set_title(slug: str) -> tuple[str, str]:
    """Return how the page names what it shows for ``slug``: (Dutch, English)."""
    if slug == "user":
        return "het formulier voor een eigen set", "the form for an own set"
    if slug == "sel":
        return "de huidige selectie", "the current selection"
    spec = SHIPPED_SETS[slug]
    return spec.title("nl"), spec.title("en")


def _year(
    params: Mapping[str, str | list[str]],
    key: str,
    *,
    what: tuple[str, str],
    years: list[int],
    default: int,
    notices: list[Notice],
) -> int | None:
    """Return a year parameter, or None when it is absent or cannot be used (then with a notice)."""
    value = _value(params, key)
    if value is None:
        return None
    if value.isascii() and _YEAR.fullmatch(value) and int(value) in years:
        return int(value)
    listed = ", ".join(map(str, years))
    notices.append(
        Notice(
            f"{what[0]} '{key}={_shown(value)}' is geen jaar met gegevens (wel: {listed}); {default} getoond",
            f"{what[1]} '{key}={_shown(value)}' is not a year with data (years with data: {listed}); {default} shown",
        )
    )
    return None


def parse_programme_link(ds: Dataset, params: Mapping[str, str | list[str]]) -> ProgrammeLink:
    """Validate the programme page's link parameters; fall back per parameter with a notice.

    Parameters
    ----------
    ds : Dataset
        The dataset the years and the own set's codes must exist in.
    params : mapping of str to str or list of str
        Untrusted query parameters (repeated ones use the last value): ``set`` (one of
        :data:`SET_CHOICES`), ``ya`` and ``yb`` (four ASCII digits, a year with ``lbm`` scores,
        ``ya`` before ``yb``) and ``u`` (an own set's token of :func:`geo.sets.encode_set`; when
        valid, it wins over ``set``).

    Returns
    -------
    ProgrammeLink
        Always valid. Its notices name each ignored value as plain code-like text (letters,
        digits, ``_`` and ``-``, at most 16 characters; the own set's token is never echoed)
        and say what is shown instead.

    """
    notices: list[Notice] = []
    wanted = _value(params, "set")
    set_ok = wanted is None or bool(wanted.isascii() and _SLUG.fullmatch(wanted) and wanted in SET_CHOICES)
    token = _value(params, "u")
    user_set = None
    if token is not None and len(token) <= MAX_TOKEN_LENGTH and token.isascii() and _TOKEN.fullmatch(token):
        try:
            user_set = decode_set(ds, token)
        except ValueError:
            user_set = None
    chosen = DEFAULT_SET if wanted is None or not set_ok else wanted
    if user_set is not None:
        chosen = "user"  # a valid own set wins over ``set``
    nl, en = _set_title(chosen)
    if wanted is not None and not set_ok:
        listed = ", ".join(SET_CHOICES)
        notices.append(
            Notice(
                f"set '{_shown(wanted)}' bestaat niet (kies uit {listed}); {nl} getoond",
                f"set '{_shown(wanted)}' does not exist (choose from {listed}); {en} shown",
            )
        )
    if token is not None and user_set is None:
        # a fixed text: the token is long, and its error may echo codes from the link
        notices.append(
            Notice(
                f"de eigen set in de link (u) is ongeldig of beschadigd en is genegeerd; {nl} getoond",
                f"the own set in the link (u) is invalid or damaged and was ignored; {en} shown",
            )
        )

    years = ds.years("lbm")
    default_a = _DEFAULT_YEARS[0] if _DEFAULT_YEARS[0] in years else years[0]
    default_b = _DEFAULT_YEARS[1] if _DEFAULT_YEARS[1] in years else years[-1]
    year_a = _year(params, "ya", what=("jaar A", "year A"), years=years, default=default_a, notices=notices)
    year_b = _year(params, "yb", what=("jaar B", "year B"), years=years, default=default_b, notices=notices)
    if year_a is not None or year_b is not None:
        a, b = year_a or default_a, year_b or default_b
        if a >= b:
            notices.append(
                Notice(
                    f"jaar A {a} ligt niet voor jaar B {b}; {default_a}-{default_b} getoond",
                    f"year A {a} is not before year B {b}; {default_a}-{default_b} shown",
                )
            )
            year_a = year_b = None
    return ProgrammeLink(
        set=chosen,
        year_a=year_a or default_a,
        year_b=year_b or default_b,
        user_set=user_set,
        notices=tuple(notices),
    )
