"""A shared link, read whole: the view, the language, presentation mode, the selection and the pages' choices.

:func:`parse_link` validates every parameter of a link and never raises on any text: what it
cannot use becomes a :class:`~geo.view.Notice`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from geo.choices import PageChoices, parse_choices
from geo.dataset import Dataset
from geo.selection import MAX_TOKEN_LENGTH, Selection, decode_selection
from geo.view import Notice, View, _shown, parse_view, read_param

__all__ = ["LANGS", "Link", "parse_link"]

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
