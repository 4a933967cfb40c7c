"""CBS area codes: levels, patterns and parents.

Codes are the stable keys of everything in this package. A gemeente code is ``GM`` plus four
digits, a wijk code ``WK`` plus the gemeente's four digits plus two characters, a buurt code
``BU`` plus the wijk's six characters plus two more. Amsterdam uses letters since 2023
(``WK0363AA``, ``BU0363AA01``).
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = [
    "CODE_PATTERNS",
    "LEVELS",
    "Level",
    "gemeente_of",
    "is_valid_code",
    "level_of",
    "parent_of",
]

Level = Literal["gemeente", "wijk", "buurt"]
LEVELS: tuple[Level, ...] = ("gemeente", "wijk", "buurt")

#: ASCII digits only (``\d`` would accept other scripts' digits) and ``\Z``, not ``$`` (which
#: accepts a trailing newline), so the patterns also hold in ``Series.str.match``.
CODE_PATTERNS: dict[Level, re.Pattern[str]] = {
    "gemeente": re.compile(r"^GM[0-9]{4}\Z"),
    "wijk": re.compile(r"^WK[0-9]{4}[0-9A-Z]{2}\Z"),
    "buurt": re.compile(r"^BU[0-9]{4}[0-9A-Z]{2}[0-9A-Z]{2}\Z"),
}
_PREFIX: dict[str, Level] = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}


def is_valid_code(code: object, level: Level | None = None) -> bool:
    """Tell whether ``code`` is a well-formed CBS code (of ``level``, when given).

    Parameters
    ----------
    code : object
        The value to check; anything that is not a string is invalid.
    level : {"gemeente", "wijk", "buurt"}, optional
        Require this level.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        If ``level`` is not one of ``gemeente, wijk, buurt``.
    """
    if level is not None and level not in CODE_PATTERNS:
        msg = f"`level` was {level!r} but is expected to be one of {', '.join(LEVELS)}"
        raise ValueError(msg)
    if not isinstance(code, str):
        return False
    levels = [level] if level else list(LEVELS)
    return any(CODE_PATTERNS[lv].match(code) for lv in levels)


def level_of(code: str) -> Level:
    """Return the level of a CBS code.

    Raises
    ------
    ValueError
        If ``code`` is not a well-formed gemeente, wijk or buurt code.
    """
    level = _PREFIX.get(code[:2]) if isinstance(code, str) else None
    if level is None or not CODE_PATTERNS[level].match(code):
        msg = (
            f"{code!r} is not a CBS area code; expected GM plus 4 digits (GM0363), "
            "WK plus 6 (WK0363AA) or BU plus 8 (BU0363AA01)"
        )
        raise ValueError(msg)
    return level


def parent_of(code: str) -> str | None:
    """Return the code of the area that contains ``code`` (None for a gemeente).

    Examples
    --------
    >>> parent_of("BU0363AA01")
    'WK0363AA'
    >>> parent_of("WK0363AA")
    'GM0363'
    """
    level = level_of(code)
    if level == "buurt":
        return "WK" + code[2:8]
    if level == "wijk":
        return "GM" + code[2:6]
    return None


def gemeente_of(code: str) -> str:
    """Return the gemeente code of any area code.

    Examples
    --------
    >>> gemeente_of("BU0363AA01")
    'GM0363'
    """
    level_of(code)
    return "GM" + code[2:6]
