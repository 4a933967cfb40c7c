"""The resolution report: how the entries of a set were matched to CBS codes.

One :class:`Match` per entry and member code, each with its category (:data:`CATEGORIES`),
score and reason; :class:`Resolution` holds them in entry order and gives the counts per
category and the table (:meth:`Resolution.frame`) that the reviewed files in ``data/sets/`` and
the app's editor hold. :func:`resolution_from_frame` reads such a table back and names every
bad row. How names are matched is :mod:`geo.sets.resolve`.

Categories (one per entry)
--------------------------
``exact``
    The name equals the CBS name of one wijk (ignoring case, the ``"Wijk 29 "`` prefix and
    ``/``, ``&``, ``-`` versus ``en``/space).
``fuzzy``
    One wijk's name is close (difflib ratio at least :data:`geo.sets.resolve.FUZZY_MIN`; the
    score is kept): "De Kruiskamp" is CBS "Kruiskamp".
``multiple``
    One name covers several CBS wijken, all taken: a stadsdeel ("Amsterdam Noord"), two names
    joined ("Wielwijk/Crabbehof"), or wijken that share the name ("Presikhaaf-West/-Oost").
``approximate``
    The name is smaller than any CBS wijk (a buurt, or part of a wijk) or has no CBS name of
    its own, and the wijk(en) that contain it are taken. The members are bigger than the entry.
``not_found``
    Nothing could be matched with confidence; the entry has no members and the reason says why.

How they combine: the category describes the *name match* of an entry. That the official
definition of the 40 aandachtswijken is a list of 4-digit postcode areas is a property of the
*set* (:attr:`geo.sets.AreaSet.caveat`): every member of such a set is an approximation of the
PC4 areas, whatever its category, and the page and the files say so once per set, not per row.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Final, Literal

import pandas as pd

from geo._errors import InputError
from geo.codes import is_valid_code
from geo.fmt import MISSING, number
from geo.i18n import check_lang

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "RESOLUTION_HEADERS",
    "Category",
    "Match",
    "Resolution",
    "resolution_from_frame",
]

Category = Literal["exact", "fuzzy", "multiple", "approximate", "not_found"]
#: The categories of a name match, from most to least certain.
CATEGORIES: Final[tuple[Category, ...]] = ("exact", "fuzzy", "multiple", "approximate", "not_found")
#: How a category reads in the app: (Dutch, English).
CATEGORY_LABELS: Final[dict[Category, tuple[str, str]]] = {
    "exact": ("exact", "exact"),
    "fuzzy": ("bij benadering gespeld", "fuzzy"),
    "multiple": ("meerdere gebieden", "several areas"),
    "approximate": ("benaderd", "approximate"),
    "not_found": ("niet gevonden", "not found"),
}
#: Headers of the resolution report's columns in the app: (Dutch, English).
RESOLUTION_HEADERS: Final[dict[str, tuple[str, str]]] = {
    "entry": ("programmawijk", "programme area"),
    "gemeente": ("gemeente", "municipality"),
    "name": ("genoemde naam", "name as published"),
    "code": ("CBS-code", "CBS code"),
    "area_name": ("CBS-naam", "CBS name"),
    "category": ("soort match", "match"),
    "score": ("score", "score"),
    "reason": ("reden (Engels)", "reason"),
    "decided": ("besloten door", "decided by"),
}


@dataclass(frozen=True)
class Match:
    """One row of a resolution: an entry and one member code (or none).

    Attributes
    ----------
    entry : str
        The entry's label.
    gemeente, name : str
        The entry as written.
    code : str or None
        A member code; None when the entry was not found.
    area_name : str
        The CBS name of ``code`` ("" when not found).
    category : str
        The entry's category (the same on every row of the entry).
    score : float or None
        difflib ratio of the entry name and the CBS name (1.0 for exact); None when not
        meaningful (a stadsdeel, a hand decision without a name match).
    reason : str
        Why, for every non-exact match ("" for an exact one).
    decided : {"resolver", "hand"}
        Whether the resolver found it or a reviewer decided.
    """

    entry: str
    gemeente: str
    name: str
    code: str | None
    area_name: str
    category: Category
    score: float | None
    reason: str
    decided: Literal["resolver", "hand"] = "resolver"


_COLUMNS: Final[tuple[str, ...]] = (
    "entry",
    "gemeente",
    "name",
    "code",
    "area_name",
    "category",
    "score",
    "reason",
    "decided",
)


@dataclass(frozen=True)
class Resolution:
    """How the entries of a set were matched to CBS codes: the resolution report.

    Attributes
    ----------
    matches : tuple of Match
        One per entry and member code, in entry order.
    """

    matches: tuple[Match, ...]

    @property
    def entries(self) -> tuple[str, ...]:
        """The entry labels, in order."""
        return tuple(dict.fromkeys(m.entry for m in self.matches))

    @property
    def codes(self) -> tuple[str, ...]:
        """The member codes, in order, without duplicates (two entries may share a wijk)."""
        return tuple(dict.fromkeys(m.code for m in self.matches if m.code))

    def category_of(self, entry: str) -> Category:
        """Return the category of one entry."""
        for m in self.matches:
            if m.entry == entry:
                return m.category
        msg = f"no entry {entry!r} in this resolution; entries are e.g. {', '.join(self.entries[:3])}"
        raise KeyError(msg)

    def codes_of(self, entry: str) -> tuple[str, ...]:
        """Return the member codes of one entry."""
        self.category_of(entry)
        return tuple(m.code for m in self.matches if m.entry == entry and m.code)

    def counts(self) -> dict[str, int]:
        """Return how many *entries* fall in each category (every category present, 0 if none)."""
        per_entry = Counter(self.category_of(e) for e in self.entries)
        return {c: per_entry.get(c, 0) for c in CATEGORIES}

    def counts_text(self, lang: str = "nl") -> str:
        """Say how many entries fall in each category, in ``lang`` ("exact: 30 · benaderd: 4 · ...")."""
        i = 1 if check_lang(lang) == "en" else 0
        counts = self.counts()
        return " · ".join(f"{CATEGORY_LABELS[c][i]}: {counts[c]}" for c in CATEGORIES)

    def unmatched_text(self, lang: str = "nl", *, most: int = 5) -> str | None:
        """Say which entries matched no area, and what to do; None when every entry matched.

        The entries are quoted as typed (plain text: escape it for where it is shown), at most
        ``most`` of them, then how many more.

        Examples
        --------
        A set typed as "Utrecht; Overvecht" and "Nergensdorp; Bestaatniet" says, in English:
        ``1 line matched no area and is left out of the set: 'Nergensdorp Bestaatniet'. ...``
        """
        missing = [e for e in self.entries if self.category_of(e) == "not_found"]
        if not missing:
            return None
        shown = ", ".join(f"'{e}'" for e in missing[:most])
        more = len(missing) - most
        n = len(missing)
        if check_lang(lang) == "en":
            extra = f" and {more} more" if more > 0 else ""
            lines = "1 line matched" if n == 1 else f"{n} lines matched"
            return (
                f"{lines} no area and {'is' if n == 1 else 'are'} left out of the set: {shown}{extra}. "
                "Check the spelling ('municipality; name'), use a CBS code, or fill in the code in the table "
                "'How the names were matched' below."
            )
        extra = f" en nog {more}" if more > 0 else ""
        lines = "1 regel is" if n == 1 else f"{n} regels zijn"
        return (
            f"{lines} met geen enkel gebied gevonden en buiten de set gelaten: {shown}{extra}. "
            "Controleer de spelling ('gemeente; naam'), gebruik een CBS-code, of vul de code in in de tabel "
            "'Hoe de namen zijn gevonden' hieronder."
        )

    def frame(self) -> pd.DataFrame:
        """Return the report as a table with the columns of the reviewed CSV files."""
        rows = [{c: getattr(m, c) for c in _COLUMNS} for m in self.matches]
        return pd.DataFrame(rows, columns=list(_COLUMNS))

    def editor_frame(self, lang: str = "nl") -> pd.DataFrame:
        """Return :meth:`frame` for the app's editor: the score as text in ``lang``'s format ("–" if none).

        :func:`resolution_from_frame` reads it back.
        """
        frame = self.frame()
        frame["score"] = [number(v, check_lang(lang)) for v in frame["score"]]
        return frame


#: How an empty cell reads once a table went through pandas, a CSV or the app's editor: NaN, None
#: and pd.NA as text, and the "–" the editor shows for a missing value.
_EMPTY_TEXTS: Final[frozenset[str]] = frozenset({"", "nan", "none", "<na>", "nat", MISSING})


def _cell(value: object) -> str:
    """Return a table cell as stripped text; "" for an empty one (NaN, None, pd.NA, "nan", "<NA>", "–").

    ``str(value or "")`` is not enough: NaN is truthy and becomes "nan", and ``pd.NA or ""`` raises.
    """
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    return "" if text.casefold() in _EMPTY_TEXTS else text


def resolution_from_frame(frame: pd.DataFrame, *, source: str = "the table") -> Resolution:
    """Read a resolution table (the reviewed CSV, or the table a user corrected in the app).

    Parameters
    ----------
    frame : DataFrame
        Columns ``entry, gemeente, name, code, area_name, category, score, reason, decided``;
        ``code`` empty for an entry without members. A cell counts as empty when it is NaN, None,
        ``pd.NA``, blank, or the text ``"nan"``, ``"None"``, ``"<NA>"`` or ``"–"`` (how a missing
        value reads after pandas, a CSV or the app's editor).
    source : str
        Named in error messages.

    Raises
    ------
    ValueError
        Listing every row (1-based, after the header) whose code is malformed, whose category
        is unknown, or which is non-exact without a reason.
    """
    problems: list[tuple[str, str]] = []
    matches: list[Match] = []
    for i, row in enumerate(frame.to_dict("records"), start=2):
        code = _cell(row.get("code")).upper() or None
        category = _cell(row.get("category"))
        reason = _cell(row.get("reason"))
        if code is not None and not is_valid_code(code):
            problems.append(
                (
                    f"row {i}: code {code[:20]!r} is not a CBS code (WK0363AA, BU0363AA01)",
                    f"rij {i}: code {code[:20]!r} is geen CBS-code (WK0363AA, BU0363AA01)",
                )
            )
        if category not in CATEGORIES:
            allowed = ", ".join(CATEGORIES)
            problems.append(
                (
                    f"row {i}: category {category[:20]!r} is not one of {allowed}",
                    f"rij {i}: categorie {category[:20]!r} is niet een van {allowed}",
                )
            )
        elif category != "exact" and not reason:
            problems.append(
                (
                    f"row {i}: a {category} match needs a reason",
                    f"rij {i}: een {category}-koppeling heeft een reden nodig",
                )
            )
        raw_score = _cell(row.get("score"))
        try:
            score = float(raw_score.replace(",", ".")) if raw_score else None  # "0,857" from the Dutch editor
        except ValueError:
            problems.append(
                (
                    f"row {i}: score {raw_score[:20]!r} is not a number",
                    f"rij {i}: score {raw_score[:20]!r} is geen getal",
                )
            )
            score = None
        decided = "hand" if _cell(row.get("decided")) == "hand" else "resolver"
        matches.append(
            Match(
                _cell(row.get("entry")),
                _cell(row.get("gemeente")),
                _cell(row.get("name")),
                code,
                _cell(row.get("area_name")),
                category,  # type: ignore[arg-type]
                score,
                reason,
                decided,  # type: ignore[arg-type]
            )
        )
    if problems:
        n = len(problems)
        raise InputError(
            f"{source}: {n} {'problem' if n == 1 else 'problems'}: " + "; ".join(en for en, _ in problems[:20]),
            f"{source}: {n} {'probleem' if n == 1 else 'problemen'}: " + "; ".join(nl for _, nl in problems[:20]),
        )
    return Resolution(tuple(matches))
