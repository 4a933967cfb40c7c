"""The languages of the package's texts, checked in one place.

Every function of :mod:`geo` that takes ``lang`` accepts exactly :data:`LANGS` and raises
:class:`ValueError` for anything else, through :func:`check_lang`. There is no silent fallback
to Dutch: a typo is an error, not a Dutch text.
"""

from __future__ import annotations

from typing import Final, Literal

__all__ = ["LANGS", "Lang", "check_lang"]

#: A language of the app's texts: Dutch or English.
Lang = Literal["nl", "en"]
#: The accepted values of ``lang``, the default first.
LANGS: Final[tuple[Lang, ...]] = ("nl", "en")


def check_lang(lang: object) -> Lang:
    """Return ``lang`` when it is a known language, else raise.

    Parameters
    ----------
    lang : object
        The value given for ``lang``.

    Returns
    -------
    {"nl", "en"}
        The same value, typed as :data:`Lang`.

    Raises
    ------
    ValueError
        When ``lang`` is not one of :data:`LANGS`.

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if lang not in LANGS:
        allowed = ", ".join(repr(x) for x in LANGS)
        msg = f"`lang` was {lang!r} but is expected to be one of {allowed}"
        raise ValueError(msg)
    return lang
