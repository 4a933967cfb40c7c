"""Exceptions and the repair report shared by the readers, the build and the fetch."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

__all__ = ["DataFileError", "FetchError", "InputError", "RepairReport", "ValidationError", "explain"]


class DataFileError(ValueError):
    """A source file cannot be read at all (missing, unreadable, unknown format)."""


class FetchError(Exception):
    """Fetching or building the official data failed; the message says what to do."""


class InputError(ValueError):
    """What a user typed or uploaded cannot be used; said in English and in Dutch.

    ``str(error)`` is the English text (the command line and logs); the app shows
    :meth:`text` in the user's language, through :func:`explain`.

    Parameters
    ----------
    en, nl : str
        The same message in English and in Dutch, each naming the problem and the fix.
    """

    def __init__(self, en: str, nl: str) -> None:
        super().__init__(en)
        self.en = en
        self.nl = nl

    def text(self, lang: str) -> str:
        """Return the message in ``lang`` ("nl" or "en")."""
        return self.nl if lang == "nl" else self.en


def explain(error: Exception, lang: str) -> str:
    """Return an error's message in ``lang`` when it has one, else its own (English) text.

    :class:`InputError` and the :class:`ValidationError` of an upload have both languages.
    """
    text = getattr(error, "text", None)
    return str(text(lang)) if callable(text) else str(error)


class ValidationError(ValueError):
    """A source file was read but breaks one or more rules.

    Every problem of the file is collected first and listed in one message, so a user can
    fix them all in one pass.

    Parameters
    ----------
    source : str
        The file (or table) the problems were found in.
    problems : list of str
        One sentence per problem, naming column and rows and the fix.
    dutch : tuple of (str, list of str), optional
        The source and the problems in Dutch, for files a user uploads in the app
        (:meth:`text`); without it the message is English only.
    """

    def __init__(self, source: str, problems: list[str], dutch: tuple[str, list[str]] | None = None) -> None:
        self.source = source
        self.problems = list(problems)
        self.dutch = dutch
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """Return the message in ``lang``: Dutch when asked for and given, else English."""
        if lang == "nl" and self.dutch is not None:
            source, problems = self.dutch
            n = len(problems)
            head = f"{source}: {n} {'probleem' if n == 1 else 'problemen'} gevonden; er is niets ingelezen."
        else:
            source, problems = self.source, self.problems
            n = len(problems)
            head = f"{source}: {n} {'problem' if n == 1 else 'problems'} found; nothing was loaded."
        return head + "\n" + "\n".join(f"  - {p}" for p in problems)


@dataclass
class RepairReport:
    """What a reader repaired or excluded, counted, so nothing happens silently.

    Attributes
    ----------
    source : str
        The file the report is about.
    counts : dict of str to int
        Number of items per kind of repair, e.g. ``{"invalid geometry made valid": 17}``.
    details : dict of str to list of str
        The area codes (or rows) behind each count.
    """

    source: str
    counts: dict[str, int] = field(default_factory=dict)
    details: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, items: list[str], *, warn: bool = True) -> None:
        """Record ``items`` under ``kind`` and, by default, emit a warning.

        Parameters
        ----------
        kind : str
            What was done, e.g. ``"empty geometry dropped"``.
        items : list of str
            The codes or rows concerned; nothing is recorded when empty.
        warn : bool, default True
            Emit a :class:`UserWarning` naming the file, the count and a few items.
        """
        if not items:
            return
        self.counts[kind] = self.counts.get(kind, 0) + len(items)
        self.details.setdefault(kind, []).extend(items)
        if warn:
            shown = ", ".join(items[:5]) + (" ..." if len(items) > 5 else "")
            warnings.warn(f"{self.source}: {kind}: {len(items)} ({shown})", UserWarning, stacklevel=3)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready summary (counts and sorted details)."""
        return {
            "source": self.source,
            "counts": dict(sorted(self.counts.items())),
            "details": {k: sorted(v) for k, v in sorted(self.details.items())},
        }
