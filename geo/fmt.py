"""Numbers as text, one format per language: the decimal comma in Dutch, the decimal point in English.

Every number the app, the brief and the command line show to a reader goes through this module,
so a page never mixes ``0,013`` with ``0.013``. The locale symbols (decimal sign, group sign,
percent pattern) come from `Babel <https://babel.pocoo.org>`_ (CLDR data): ``nl`` is formatted
as ``nl_NL``, ``en`` as ``en_GB``.

- :func:`number`, :func:`plain` and :func:`percent` format one value; a missing value (``None``, NaN, inf) is
  :data:`MISSING` ("–").
- :func:`change_text` says how a value changed: a percentage with both values, or only the two
  values when the base is too close to zero for a percentage to mean anything
  (:data:`NEAR_ZERO`): "van 0,013 naar 0,044" rather than "246%".
- :func:`d3_locale`, :func:`d3_format` and :func:`altair_locale_config` make Altair/Vega-Lite
  axes, legends and tooltips use the same symbols.
- :func:`format_series` and :func:`style_frame` format pandas columns for ``st.dataframe``.

Rounding is Python's own (``f"{x:.3f}"``, the nearest binary value), so a formatted number
shows the same digits as ``round(x, 3)``; Babel only supplies the symbols. A value that rounds
to zero never shows a sign ("0,000", not "-0,000").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, Literal

from babel.numbers import format_decimal

from geo.i18n import check_lang

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

__all__ = [
    "LOCALES",
    "MISSING",
    "NEAR_ZERO",
    "NUMBER_CACHE_SIZE",
    "altair_locale_config",
    "change_text",
    "d3_format",
    "d3_locale",
    "decimal_sign",
    "format_series",
    "is_missing",
    "number",
    "parse_number",
    "percent",
    "plain",
    "style_frame",
]

Lang = Literal["nl", "en"]

#: The Babel (CLDR) locale of each app language.
LOCALES: Final[dict[str, str]] = {"nl": "nl_NL", "en": "en_GB"}
#: Shown for a missing value (None, NaN or infinite): an en dash, the same in both languages.
MISSING: Final[str] = "–"
#: A base closer to zero than this (in score units) gives no percentage change: a gap of 0.013
#: that becomes 0.044 "grew by 246%", which says more about the tiny base than about the area.
#: Leefbaarometer scores and gaps are in units of about 0.01-0.3, so 0.02 is a small gap.
NEAR_ZERO: Final[float] = 0.02

_WORDS: Final[dict[str, tuple[str, str]]] = {
    # lang: (from, to)
    "nl": ("van", "naar"),
    "en": ("from", "to"),
}


def _locale(lang: str) -> str:
    return LOCALES[check_lang(lang)]


def _check_decimals(decimals: int) -> None:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 15:
        msg = f"`decimals` was {decimals!r} but is expected to be a whole number from 0 to 15"
        raise ValueError(msg)


def is_missing(value: object) -> bool:
    """Return True for None, NaN, an infinite value, ``pd.NA`` or anything that is not a real number."""
    if value is None:
        return True
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True
    return not math.isfinite(x)


def decimal_sign(lang: str) -> str:
    """Return the decimal sign of ``lang``: ``","`` for ``nl``, ``"."`` for ``en``."""
    return str(format_decimal(Decimal("0.5"), format="0.0", locale=_locale(lang)))[1]


def number(
    value: float | int | None,
    lang: str,
    decimals: int = 3,
    *,
    signed: bool = False,
    group: bool = False,
) -> str:
    """Format a number for a reader of ``lang``.

    Parameters
    ----------
    value : float, int or None
        The number; None, NaN and infinite values give :data:`MISSING`.
    lang : {"nl", "en"}
        Dutch uses the decimal comma, English the decimal point.
    decimals : int, default 3
        Digits after the decimal sign (0 to 15), always shown.
    signed : bool, default False
        Show ``+`` before a positive number (for changes and gaps). Zero gets no sign.
    group : bool, default False
        Group thousands (``12.345`` in Dutch, ``12,345`` in English). Off by default: scores
        never reach a thousand, and a grouped Dutch ``12.345`` reads as a decimal to an English
        eye.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When ``lang`` is not ``nl`` or ``en``, or ``decimals`` is not a whole number from 0 to 15.

    Examples
    --------
    >>> number(4.12351, "nl")
    '4,124'
    >>> number(-0.0125, "en", 2, signed=True)
    '-0.01'
    >>> number(0.02, "nl", signed=True)
    '+0,020'
    >>> number(None, "nl")
    '–'
    """
    locale = _locale(lang)
    _check_decimals(decimals)
    if is_missing(value):
        return MISSING
    return _format_rounded(f"{float(value):.{decimals}f}", locale, decimals, signed, group)  # type: ignore[arg-type]


#: How many formatted numbers :func:`number` remembers. Babel's formatting takes some 25 µs a
#: number; a table of a page rerun formats the same few hundred numbers every time.
NUMBER_CACHE_SIZE: Final[int] = 8192


@lru_cache(maxsize=NUMBER_CACHE_SIZE)
def _format_rounded(text: str, locale: str, decimals: int, signed: bool, group: bool) -> str:
    """Format a number already rounded to ``decimals`` (``text`` as ``f"{x:.3f}"``) with Babel; cached."""
    rounded = Decimal(text)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,000"
    body = ("#,##0" if group else "0") + ("." + "0" * decimals if decimals else "")
    pattern = f"+{body};-{body}" if signed and rounded != 0 else body
    return str(format_decimal(rounded, format=pattern, locale=locale, group_separator=group))


def plain(value: float | int | None, lang: str) -> str:
    """Format a number as typed, with no fixed decimals (Python's ``:g``: up to 6 significant digits).

    For thresholds and settings a user entered, where ``0.1`` should read ``0,1`` and not
    ``0,100``.

    Examples
    --------
    >>> plain(0.1, "nl")
    '0,1'
    >>> plain(-4.25, "en")
    '-4.25'
    >>> plain(0.00001, "nl")
    '0,00001'
    """
    locale = _locale(lang)
    if is_missing(value):
        return MISSING
    exact = Decimal(f"{float(value):g}")  # type: ignore[arg-type]
    if exact == 0:
        exact = abs(exact)
    digits = max(0, -int(exact.as_tuple().exponent))
    body = "0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(exact, format=body, locale=locale, group_separator=False))


def percent(ratio: float | None, lang: str, decimals: int = 0, *, signed: bool = False) -> str:
    """Format a ratio as a percentage: ``0.4`` is ``"40%"``.

    Parameters
    ----------
    ratio : float or None
        The ratio (1.0 is 100 %); None, NaN and infinite values give :data:`MISSING`.
    lang : {"nl", "en"}
    decimals : int, default 0
        Digits after the decimal sign.
    signed : bool, default False
        Show ``+`` before a positive percentage.

    Returns
    -------
    str

    Examples
    --------
    >>> percent(0.125, "nl", 1)
    '12,5%'
    >>> percent(-0.4, "en", signed=True)
    '-40%'
    """
    if is_missing(ratio):
        _locale(lang)
        return MISSING
    return number(float(ratio) * 100, lang, decimals, signed=signed) + "%"  # type: ignore[arg-type]


def change_text(
    a: float | None,
    b: float | None,
    lang: str,
    *,
    decimals: int = 3,
    near_zero: float = NEAR_ZERO,
) -> str:
    """Say how a value changed from ``a`` to ``b``, with a percentage only where it means something.

    Parameters
    ----------
    a, b : float or None
        The earlier and the later value.
    lang : {"nl", "en"}
    decimals : int, default 3
        Digits of the two values.
    near_zero : float, default :data:`NEAR_ZERO`
        When ``|a|`` is below this, the text gives only the two values.

    Returns
    -------
    str
        ``"+40% (van 0,050 naar 0,070)"``; ``"van 0,013 naar 0,044"`` when ``|a| < near_zero``;
        :data:`MISSING` when either value is missing.

    Examples
    --------
    >>> change_text(0.05, 0.07, "nl")
    '+40% (van 0,050 naar 0,070)'
    >>> change_text(0.013, 0.044, "en")
    'from 0.013 to 0.044'
    """
    _locale(lang)
    src, dst = _WORDS[lang]
    if is_missing(a) or is_missing(b):
        return MISSING
    fa, fb = float(a), float(b)  # type: ignore[arg-type]
    values = f"{src} {number(fa, lang, decimals)} {dst} {number(fb, lang, decimals)}"
    if abs(fa) < near_zero:
        return values
    return f"{percent((fb - fa) / abs(fa), lang, signed=True)} ({values})"


# -- Altair / Vega-Lite -----------------------------------------------------------------------
def d3_locale(lang: str) -> dict[str, Any]:
    """Return the d3-format number locale of ``lang`` (Vega's ``config.locale.number``).

    Returns
    -------
    dict
        ``{"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€\u00a0", ""],
        "minus": "-", "percent": "%"}`` for ``nl``; the English one has ``"."`` and ``","``.
    """
    decimal = decimal_sign(lang)
    thousands = str(format_decimal(1000, format="#,##0", locale=_locale(lang)))[1]
    currency = ["€\u00a0", ""] if lang == "nl" else ["€", ""]
    return {
        "decimal": decimal,
        "thousands": thousands,
        "grouping": [3],
        "currency": currency,
        "minus": "-",
        "percent": "%",
    }


def d3_format(decimals: int = 3, *, signed: bool = False, percent: bool = False) -> str:
    """Return a d3-format specifier for an axis, legend or tooltip (the locale supplies the symbols).

    Examples
    --------
    >>> d3_format(2)
    '.2f'
    >>> d3_format(3, signed=True)
    '+.3f'
    >>> d3_format(0, percent=True)
    '.0%'

    Years on a quantitative axis need ``"d"`` without grouping (``",d"`` would give ``2.012``).
    """
    _check_decimals(decimals)
    return f"{'+' if signed else ''}.{decimals}{'%' if percent else 'f'}"


def altair_locale_config(lang: str) -> dict[str, Any]:
    """Return the Vega-Lite ``locale`` config for ``lang``: ``chart.configure(locale=...)``.

    Vega formats every number of the chart (axes with a ``format``, legends, tooltips) with
    this locale. Combine it with :func:`d3_format` on the axes, e.g.
    ``alt.Axis(format=d3_format(2))``.
    """
    return {"number": d3_locale(lang)}


# -- pandas ------------------------------------------------------------------------------------
def format_series(
    values: pd.Series[Any],
    lang: str,
    decimals: int = 3,
    *,
    signed: bool = False,
    group: bool = False,
) -> pd.Series[str]:
    """Return a column as text for display, each value through :func:`number` (same index).

    Use it where the column is only read; for a sortable ``st.dataframe`` use :func:`style_frame`.
    """
    _locale(lang)
    _check_decimals(decimals)
    return values.map(lambda v: number(v, lang, decimals, signed=signed, group=group)).astype(object)


def style_frame(
    frame: pd.DataFrame,
    lang: str,
    decimals: Mapping[str, int],
    *,
    signed: tuple[str, ...] = (),
    group: tuple[str, ...] = (),
) -> Styler:
    """Return a pandas Styler that shows the given columns through :func:`number`.

    ``st.dataframe(style_frame(...))`` shows the formatted text but keeps the numbers, so the
    columns still sort as numbers.

    Parameters
    ----------
    frame : pandas.DataFrame
    lang : {"nl", "en"}
    decimals : mapping of str to int
        Column name to number of decimals; other columns are left as they are.
    signed : tuple of str
        Columns shown with a ``+`` on positive values.
    group : tuple of str
        Columns with grouped thousands.

    Raises
    ------
    ValueError
        When a column of ``decimals``, ``signed`` or ``group`` is not in ``frame``.
    """
    _locale(lang)
    unknown = [c for c in (*decimals, *signed, *group) if c not in frame.columns]
    if unknown:
        msg = f"columns {unknown} are not in the frame (it has {list(frame.columns)}); pass existing column names"
        raise ValueError(msg)
    formatters: dict[str, Callable[[Any], str]] = {}
    for column, d in decimals.items():
        _check_decimals(d)
        formatters[column] = _formatter(lang, d, signed=column in signed, group=column in group)
    return frame.style.format(formatters)  # type: ignore[arg-type]


def _formatter(lang: str, decimals: int, *, signed: bool, group: bool) -> Callable[[Any], str]:
    def f(value: Any) -> str:
        return number(value, lang, decimals, signed=signed, group=group)

    return f


# -- reading numbers a user typed --------------------------------------------------------------
_TYPED: Final = {
    "nl": re.compile(r"[+-]?[0-9]+(,[0-9]+)?", re.ASCII),
    "en": re.compile(r"[+-]?[0-9]+(\.[0-9]+)?", re.ASCII),
}


def parse_number(text: str, lang: str) -> float:
    """Read a number a user typed, in the format of ``lang`` (the inverse of :func:`plain`).

    Dutch takes the decimal comma (``-0,1``), English the decimal point (``-0.1``); ASCII
    digits only, no thousands separators, an optional sign (``−``, the minus sign, counts as
    ``-``); surrounding spaces are ignored.

    Raises
    ------
    ValueError
        With a message in ``lang`` that shows what was typed and the expected form.

    Examples
    --------
    >>> parse_number(" -0,15 ", "nl")
    -0.15
    >>> parse_number("0.2", "en")
    0.2
    """
    lang = check_lang(lang)
    typed = str(text).strip().replace("\u2212", "-")
    if _TYPED[lang].fullmatch(typed):
        return float(typed.replace(",", "."))
    shown = typed[:20] if typed.isprintable() else "?"
    if lang == "nl":
        msg = f"'{shown}' is geen getal; typ het met een decimale komma, bijvoorbeeld -0,1"
    else:
        msg = f"'{shown}' is not a number; type it with a decimal point, for example -0.1"
    raise ValueError(msg)
