"""Area sets: named lists of areas, such as the 40 aandachtswijken, resolved to CBS codes.

A programme names its wijken in words ("Den Haag Schilderswijk"); the data are keyed by CBS
code. :func:`resolve_names` turns (gemeente, name) entries into codes and says for every entry
how sure that is; nothing is resolved silently.

Categories (one per entry)
--------------------------
``exact``
    The name equals the CBS name of one wijk (ignoring case, the ``"Wijk 29 "`` prefix and
    ``/``, ``&``, ``-`` versus ``en``/space).
``fuzzy``
    One wijk's name is close (difflib ratio at least :data:`FUZZY_MIN`; the score is kept):
    "De Kruiskamp" is CBS "Kruiskamp".
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
*set* (:attr:`AreaSet.caveat`): every member of such a set is an approximation of the PC4
areas, whatever its category, and the page and the files say so once per set, not per row.

Why members are wijken
----------------------
Only wijken have scores for every measurement year 2002-2024 in every gemeente; buurt scores
outside Amsterdam exist for 2024 only. A programme is judged over time ("between 2008 and
2018"), so the shipped sets resolve to wijken. Where the dataset holds buurten, the resolver
uses them to *find* an entry that is a buurt (Kanaleneiland) and takes its wijk
(``approximate``, the buurten named in the reason). User sets may hold buurten.

The shipped resolution was reviewed by hand; it lives in ``data/sets/<slug>.csv`` (one row
per entry and member code) and :func:`load_set` reads it. The hand decisions that differ from
what the resolver finds on its own are listed in :data:`HAND_DECISIONS`, each with its reason;
``resolve_names(ds, entries, overrides=HAND_DECISIONS[slug])`` reproduces the reviewed file.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import pandas as pd

from geo.codes import is_valid_code, level_of
from geo.dataset import Dataset
from geo.fmt import MISSING, number
from geo.i18n import check_lang
from geo.selection import Criterion, Selection, decode_selection, encode_selection

if TYPE_CHECKING:
    import folium

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "FUZZY_MIN",
    "GEMEENTE_ALIASES",
    "HAND_DECISIONS",
    "MAX_USER_MEMBERS",
    "RESOLUTION_HEADERS",
    "SETS_DIR",
    "SHIPPED_SETS",
    "AreaSet",
    "Decision",
    "Entry",
    "Match",
    "Resolution",
    "decode_set",
    "encode_set",
    "levels_of",
    "load_entries",
    "load_set",
    "overlay_map",
    "resolution_from_frame",
    "resolve_names",
    "set_from_codes",
    "set_from_csv",
    "set_from_text",
    "set_to_csv",
    "shipped_resolution",
    "shipped_titles",
    "write_reviewed",
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
#: Smallest difflib ratio accepted as a fuzzy match.
FUZZY_MIN: Final[float] = 0.7

_ROOT: Final[Path] = Path(__file__).resolve().parent.parent
#: Where the reviewed resolutions of the shipped sets live.
SETS_DIR: Final[Path] = _ROOT / "data" / "sets"
_PROGRAMMES_DIR: Final[Path] = _ROOT / "data" / "sources" / "programmes"

#: Gemeente names as programmes wrote them -> CBS 2024 name, with why.
GEMEENTE_ALIASES: Final[dict[str, tuple[str, str]]] = {
    "Den Haag": ("'s-Gravenhage", "Den Haag is 's-Gravenhage in CBS names"),
    "Den Bosch": ("'s-Hertogenbosch", "Den Bosch is 's-Hertogenbosch in CBS names"),
    "Hoogezand-Sappemeer": ("Midden-Groningen", "Hoogezand-Sappemeer is part of Midden-Groningen since 2018"),
    "Delfzijl": ("Eemsdelta", "Delfzijl is part of Eemsdelta since 2021"),
    "Leerdam": ("Vijfheerenlanden", "Leerdam is part of Vijfheerenlanden since 2019"),
    "Hengelo": ("Hengelo (O.)", "Hengelo is 'Hengelo (O.)' in CBS names"),
}

_WIJK_PREFIX: Final[re.Pattern[str]] = re.compile(r"^wijk \d+ ")


@dataclass(frozen=True)
class Entry:
    """One named area of a programme, as published.

    Attributes
    ----------
    gemeente : str
        The gemeente as written ("Den Haag").
    name : str
        The wijk as written ("Schilderswijk").
    label : str
        How the programme names it ("Den Haag Schilderswijk"); unique within a set.
    """

    gemeente: str
    name: str
    label: str


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision for one entry, replacing what the resolver found.

    Attributes
    ----------
    codes : tuple of str
        The member codes (empty for ``not_found``).
    category : str
        One of :data:`CATEGORIES`.
    reason : str
        Why, in English, checkable against the map.
    """

    codes: tuple[str, ...]
    category: Category
    reason: str


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


@dataclass(frozen=True)
class AreaSet:
    """A named list of areas.

    Attributes
    ----------
    slug : str
        Short ASCII id ("40-aandachtswijken"; "user" for a user's own set).
    name : str
        Display name ("de 40 aandachtswijken").
    description : str
        What the set is.
    source : str
        Where the list comes from.
    members : tuple of str
        CBS codes, in order, no duplicates.
    resolution : Resolution or None
        How names were matched; None for a set made of codes.
    caveat : str
        What holds for every member (e.g. the official definition is PC4 areas), or "".
    name_en, description_en, source_en, caveat_en : str
        The same in English ("" for a user's set: its name is the user's own text).
    """

    slug: str
    name: str
    description: str
    source: str
    members: tuple[str, ...]
    resolution: Resolution | None = None
    caveat: str = ""
    name_en: str = field(default="")
    description_en: str = ""
    source_en: str = ""
    caveat_en: str = ""

    def __len__(self) -> int:
        return len(self.members)

    def title(self, lang: str = "nl") -> str:
        """Return the name in ``lang`` (the Dutch name when there is no English one)."""
        return self.name_en if check_lang(lang) == "en" and self.name_en else self.name

    def about(self, lang: str = "nl") -> str:
        """Return what the set is and where it comes from, in ``lang`` (plain text: escape it to show it)."""
        en = check_lang(lang) == "en"
        description = (self.description_en if en else self.description) or self.description
        source = (self.source_en if en else self.source) or self.source
        if not source:
            return description or self.title(lang)
        return f"{description} {'Source' if en else 'Bron'}: {source}".strip()

    def caveat_text(self, lang: str = "nl") -> str:
        """Return the caveat in ``lang`` ("" when there is none)."""
        return (self.caveat_en if check_lang(lang) == "en" else self.caveat) or self.caveat


# -- names ------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    """Normalise a name for comparison: case, accents, CBS prefixes and separators."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower().strip()
    t = _WIJK_PREFIX.sub("", t)
    t = re.sub(r"\s*[/&+]\s*", " en ", t)
    t = re.sub(r"[-,.()']", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def _parts(text: str) -> list[str]:
    """Split a joined name ("Wielwijk/Crabbehof", "A & B", "A, B en C") into its parts."""
    pieces = re.split(r"\s*(?:/|&|,|\ben\b)\s*", text)
    return [p.strip(" -") for p in pieces if p.strip(" -")]


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b)).ratio()


def _gemeente(ds: Dataset, written: str) -> tuple[str | None, str]:
    """Return the GM code of a gemeente as written, and a reason when it was not literal."""
    target, why = GEMEENTE_ALIASES.get(written.strip(), (written.strip(), ""))
    gm = ds.gemeenten()
    exact = [c for c, n in zip(gm["code"], gm["name"], strict=True) if _norm(n) == _norm(target)]
    if exact:
        return str(exact[0]), why
    return None, f"no gemeente named {written!r} in the dataset"


@dataclass(frozen=True)
class _Candidate:
    codes: tuple[str, ...]
    category: Category
    score: float | None
    reason: str


def _match_level(ds: Dataset, gm: str, name: str, codes: Sequence[str]) -> _Candidate | None:
    names = {c: ds.name(c) for c in codes}
    key = _norm(name)
    exact = [c for c, n in names.items() if _norm(n) == key]
    if len(exact) == 1:
        return _Candidate((exact[0],), "exact", 1.0, "")
    if len(exact) > 1:
        return _Candidate(tuple(exact), "multiple", 1.0, f"{len(exact)} areas are named {name!r}")
    parts = _parts(name)
    if len(parts) > 1:
        found = [[c for c, n in names.items() if _norm(n) == _norm(p)] for p in parts]
        if all(len(f) == 1 for f in found):
            codes_ = tuple(dict.fromkeys(f[0] for f in found))
            listed = ", ".join(f"{ds.name(c)} ({c})" for c in codes_)
            return _Candidate(codes_, "multiple", None, f"the name joins {len(parts)} areas: {listed}")
    prefixed = [c for c, n in names.items() if _norm(n).startswith(key + " ")]
    if len(prefixed) > 1:
        listed = ", ".join(f"{ds.name(c)} ({c})" for c in prefixed)
        return _Candidate(tuple(prefixed), "multiple", None, f"{len(prefixed)} areas share the name: {listed}")
    if len(prefixed) == 1:
        c = prefixed[0]
        return _Candidate(
            (c,), "approximate", round(_ratio(name, names[c]), 3), f"part of {names[c]} ({c}), which also covers more"
        )
    scored = sorted(((_ratio(name, n), c) for c, n in names.items()), reverse=True)
    if scored and scored[0][0] >= FUZZY_MIN and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        score, c = scored[0]
        return _Candidate((c,), "fuzzy", round(score, 3), f"closest name: {names[c]} ({c}), score {score:.2f}")
    return None


def _match_buurten(ds: Dataset, gm: str, name: str, *, to_wijk: bool) -> _Candidate | None:
    buurten = [c for c in ds.codes("buurt") if c[2:6] == gm[2:6]]
    if not buurten:
        return None
    found = _match_level(ds, gm, name, buurten)
    if found is None or found.category == "fuzzy":
        return None  # a fuzzy buurt name is too weak to pick a wijk on
    listed = ", ".join(f"{ds.name(c)} ({c})" for c in found.codes)
    if not to_wijk:
        return found
    wijken = tuple(dict.fromkeys(str(ds.parent(c)) for c in found.codes))
    wijk_names = ", ".join(f"{ds.name(w)} ({w})" for w in wijken)
    return _Candidate(wijken, "approximate", found.score, f"buurt(en) {listed} of wijk {wijk_names}; the whole wijk")


def _resolve_one(ds: Dataset, entry: Entry, *, to_wijk: bool) -> _Candidate:
    gm, gm_reason = _gemeente(ds, entry.gemeente)
    if gm is None:
        return _Candidate((), "not_found", None, gm_reason)
    wijken = ds.codes("wijk", gemeente=gm)
    found = _match_level(ds, gm, entry.name, wijken)
    if found is None and entry.gemeente in GEMEENTE_ALIASES:
        # a merged gemeente: its wijken may carry the old name ("Leerdam-West")
        found = _match_level(ds, gm, f"{entry.gemeente} {entry.name}", wijken)
    if found is None or found.category == "fuzzy":
        in_buurten = _match_buurten(ds, gm, entry.name, to_wijk=to_wijk)
        if in_buurten is not None and in_buurten.category != "fuzzy":
            found = in_buurten
    if found is None:
        return _Candidate((), "not_found", None, "; ".join(filter(None, [gm_reason, "no wijk or buurt matches"])))
    reason = "; ".join(filter(None, [gm_reason, found.reason]))
    return replace(found, reason=reason)


def resolve_names(
    ds: Dataset,
    entries: Iterable[Entry],
    *,
    overrides: Mapping[str, Decision] | None = None,
    to_wijk: bool = True,
) -> Resolution:
    """Match programme entries (gemeente + name) to CBS codes, with a report per entry.

    Parameters
    ----------
    ds : Dataset
        The dataset whose wijken (and buurten, where present) are searched.
    entries : iterable of Entry
        The named areas.
    overrides : mapping of str to Decision, optional
        Reviewed decisions by entry label; they replace what the resolver finds and are
        marked ``decided="hand"``.
    to_wijk : bool, default True
        Take the wijk of an entry found among buurten (shipped sets: wijken have every year).

    Returns
    -------
    Resolution

    Raises
    ------
    ValueError
        When an override names a code that is not in the dataset or a category that does not
        exist, or two entries share a label.
    """
    entries = list(entries)
    labels = [e.label for e in entries]
    dupes = sorted(k for k, v in Counter(labels).items() if v > 1)
    if dupes:
        msg = f"entries must have unique labels; repeated: {', '.join(dupes)}"
        raise ValueError(msg)
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(labels))
    if unknown:
        msg = f"overrides name entries that are not in the set: {', '.join(unknown)}"
        raise ValueError(msg)
    matches: list[Match] = []
    for e in entries:
        decided: Literal["resolver", "hand"] = "resolver"
        if e.label in overrides:
            d = overrides[e.label]
            _check_decision(ds, e.label, d)
            score = max((_ratio(e.name, ds.name(c)) for c in d.codes), default=None)
            cand = _Candidate(d.codes, d.category, None if score is None else round(score, 3), d.reason)
            decided = "hand"
        else:
            cand = _resolve_one(ds, e, to_wijk=to_wijk)
        if not cand.codes:
            matches.append(Match(e.label, e.gemeente, e.name, None, "", "not_found", None, cand.reason, decided))
        for code in cand.codes:
            matches.append(
                Match(e.label, e.gemeente, e.name, code, ds.name(code), cand.category, cand.score, cand.reason, decided)
            )
    return Resolution(tuple(matches))


def _check_decision(ds: Dataset, label: str, d: Decision) -> None:
    if d.category not in CATEGORIES:
        msg = f"override for {label!r}: category {d.category!r} is not one of {', '.join(CATEGORIES)}"
        raise ValueError(msg)
    missing = [c for c in d.codes if not ds.has(c)]
    if missing:
        msg = f"override for {label!r} names codes that are not in the dataset: {', '.join(missing)}"
        raise ValueError(msg)
    if (d.category == "not_found") != (not d.codes):
        msg = f"override for {label!r}: 'not_found' goes with no codes, every other category with codes"
        raise ValueError(msg)
    if d.category != "exact" and not d.reason.strip():
        msg = f"override for {label!r}: a {d.category} decision needs a reason"
        raise ValueError(msg)


# -- the shipped sets -----------------------------------------------------------------------------
_PC4: Final[str] = (
    "De officiële afbakening van elke aandachtswijk is een lijst van postcodegebieden (PC4; 83 in totaal, "
    "Kamerstuk 30995 nr. 66); hier benaderd met hele CBS-wijken, die groter kunnen zijn."
)
_PC4_EN: Final[str] = (
    "The official definition of each aandachtswijk is a list of 4-digit postcode areas (83 in all, Kamerstuk "
    "30995 nr. 66); approximated here with whole CBS districts, which may be larger."
)


@dataclass(frozen=True)
class _Shipped:
    file: str
    name: str
    name_en: str
    description: str
    source: str
    caveat: str
    description_en: str
    source_en: str
    caveat_en: str

    def title(self, lang: str = "nl") -> str:
        return self.name_en if check_lang(lang) == "en" else self.name


#: The sets the project ships, by slug.
SHIPPED_SETS: Final[dict[str, _Shipped]] = {
    "40-aandachtswijken": _Shipped(
        "40-aandachtswijken.csv",
        "de 40 aandachtswijken",
        "the 40 aandachtswijken",
        "De 40 aandachtswijken (krachtwijken, 'Vogelaarwijken') van de wijkenaanpak 2007, in 18 gemeenten.",
        "Bijlage bij het Besluit Centraal Fonds voor de Volkshuisvesting (BWBR0004418), ingevoegd bij Besluit van "
        "23 juni 2008; data/sources/programmes/40-aandachtswijken.csv",
        _PC4,
        "The 40 aandachtswijken (krachtwijken, 'Vogelaarwijken') of the 2007 neighbourhood programme, in 18 "
        "municipalities.",
        "Annex to the Besluit Centraal Fonds voor de Volkshuisvesting (BWBR0004418), inserted by the decree of "
        "23 June 2008; data/sources/programmes/40-aandachtswijken.csv",
        _PC4_EN,
    ),
    "40plus-wijken": _Shipped(
        "40plus-wijken.csv",
        "de 40+ wijken",
        "the 40+ wijken",
        "De 37 '40+ wijken': verdere wijken met ernstige leefbaarheidsproblemen, in twee tranches.",
        "Voortgangsrapportage Wijkenaanpak 2010, 'Overzicht 40+ gemeenten'; data/sources/programmes/40plus-wijken.csv",
        "Gemeenten kozen de afbakening zelf; hier benaderd met hele CBS-wijken.",
        "The 37 '40+ wijken': further areas with serious liveability problems, in two rounds.",
        "Voortgangsrapportage Wijkenaanpak 2010 (progress report), 'Overzicht 40+ gemeenten'; "
        "data/sources/programmes/40plus-wijken.csv",
        "The municipalities drew the boundaries; approximated here with whole CBS districts.",
    ),
}


def load_entries(slug: str, *, folder: Path = _PROGRAMMES_DIR) -> list[Entry]:
    """Read the entries of a shipped set from its source CSV in ``data/sources/programmes``.

    Raises
    ------
    KeyError
        When ``slug`` is not a shipped set.
    """
    spec = _shipped(slug)
    with (folder / spec.file).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [Entry(r["gemeente"], r["wijk"], r.get("as_published") or f"{r['gemeente']} {r['wijk']}") for r in rows]


def _shipped(slug: str) -> _Shipped:
    try:
        return SHIPPED_SETS[slug]
    except KeyError:
        msg = f"no shipped set {slug!r}; choose one of {', '.join(SHIPPED_SETS)}"
        raise KeyError(msg) from None


def _d(codes: str, category: Category, reason: str) -> Decision:
    return Decision(tuple(codes.split()), category, reason)


_AMS_N = " ".join(f"WK0363N{x}" for x in "ABCDEFGHJKLMNPQ")
_AMS_F = " ".join(f"WK0363F{x}" for x in "ABCDEFGHJKLMNPQ")

#: Reviewed decisions that replace the resolver's own result, per set and entry label. Every
#: one was checked against the CBS wijk and buurt names and the map; entries not listed here
#: are taken as the resolver finds them (and were reviewed too).
HAND_DECISIONS: Final[dict[str, dict[str, Decision]]] = {
    "40-aandachtswijken": {
        "Amsterdam Noord": _d(
            _AMS_N, "multiple", "stadsdeel Noord: all its 15 wijken (codes WK0363N*); the PC4 definition covers parts"
        ),
        "Amsterdam Oost": _d(
            "WK0363MC WK0363MD WK0363ME WK0363MF WK0363MG",
            "multiple",
            "the pre-war neighbourhoods of Oost that the programme meant: Oosterparkbuurt, Transvaalbuurt, "
            "Dapperbuurt, Indische Buurt-West and -Oost; the rest of stadsdeel Oost (Watergraafsmeer, the "
            "Oostelijk Havengebied, IJburg: newer and better-off) left out (reviewer's reading)",
        ),
        "Amsterdam Nieuw-West": _d(
            _AMS_F,
            "multiple",
            "stadsdeel Nieuw-West: all its 15 wijken (codes WK0363F*); the PC4 definition covers parts",
        ),
        "Amsterdam Bijlmer": _d(
            "WK0363TC WK0363TD WK0363TE WK0363TF WK0363TG WK0363TH",
            "multiple",
            "Bijlmer-Centrum and Bijlmer-Oost (stadsdeel Zuidoost): Amsterdamse Poort, H-buurt, Ganzenhoef, "
            "Geerdinkhof/Kantershof, Bijlmermuseum, K-buurt; offices (Amstel III) and Gaasperdam left out",
        ),
        "Amsterdam Bos en Lommer": _d(
            "WK0363EA WK0363ED WK0363EE WK0363EF",
            "multiple",
            "the former stadsdeel Bos en Lommer: Sloterdijk-West, De Kolenkit, Landlust, Erasmuspark",
        ),
        "Arnhem Malburgen/Immerloo": _d(
            "WK020216 WK020217 WK020218",
            "multiple",
            "Malburgen-West, Malburgen-Oost (Noord) and Malburgen-Oost (Zuid); Immerloo I/II are buurten of "
            "Malburgen-Oost (Zuid)",
        ),
        "Den Haag Zuid-West": _d(
            "WK051833 WK051834 WK051836",
            "multiple",
            "Den Haag Zuidwest = Bouwlust/Vrederust, Morgenstond and Moerwijk (stadsdeel Escamp); the park "
            "Zuiderpark and the rest of Escamp left out",
        ),
        "Den Haag Schilderswijk": _d("WK051829", "fuzzy", "CBS calls the wijk 'Schildersbuurt' (wijk 29)"),
        "Den Haag Transvaal": _d("WK051830", "fuzzy", "CBS calls the wijk 'Transvaalkwartier' (wijk 30)"),
        "Dordrecht Wielwijk/Crabbehof": _d(
            "WK050507 WK050508",
            "multiple",
            "wijk 07 Wielwijk and wijk 08 Crabbehof/Zuidhoven (which also holds Zuidhoven)",
        ),
        "Eindhoven Bennekel": _d(
            "WK077272",
            "approximate",
            "buurten Bennekel-Oost and Bennekel-West (BU07727240, BU07727250) of wijk Oud-Gestel",
        ),
        "Eindhoven Woensel West": _d("WK077242", "approximate", "buurt Woensel-West (BU07724210) of wijk Erp"),
        "Enschede Velve-Lindenhof": _d(
            "WK015301", "approximate", "buurt Velve-Lindenhof (BU01530100) of wijk 01 Hogeland - Velve"
        ),
        "Groningen De Hoogte": _d("WK001403", "approximate", "buurt De Hoogte (BU00140300) of wijk Oud-Noord"),
        "Groningen Korrewegwijk": _d(
            "WK001403",
            "approximate",
            "the Korrewegwijk (Indische buurt, around the Korreweg) has no CBS name; it lies in wijk Oud-Noord",
        ),
        "Maastricht Noordoost": _d(
            "WK093505", "fuzzy", "CBS calls it 'Wijk 05 Buitenwijk Noordoost' (Nazareth, Limmel, Wittevrouwenveld ...)"
        ),
        "Nijmegen Hatert": _d("WK026806", "approximate", "buurt Hatert (BU02680616) of wijk Nijmegen-Zuid"),
        "Rotterdam Bergpolder": _d("WK059905", "approximate", "buurt Bergpolder (BU05990531) of wijk Noord"),
        "Rotterdam Oud Zuid": _d(
            "WK059910 WK059915",
            "multiple",
            "Oud Zuid = Feijenoord, Afrikaanderwijk, Bloemhof, Hillesluis (wijk Feijenoord) and Tarwewijk, "
            "Carnisse, Oud-Charlois (wijk Charlois); both CBS wijken are much larger",
        ),
        "Rotterdam West": _d("WK059903", "approximate", "Rotterdam West is the former deelgemeente Delfshaven"),
        "Rotterdam Vreewijk": _d("WK059910", "approximate", "buurt Vreewijk (BU05991080) of wijk Feijenoord"),
        "Rotterdam Zuidelijke Tuinsteden": _d(
            "WK059915",
            "approximate",
            "Pendrecht and Zuidwijk (BU05991577, BU05991573) of wijk Charlois; Lombardijen and Groot-IJsselmonde "
            "(wijk IJsselmonde), sometimes counted in, are left out",
        ),
        "Utrecht Kanaleneiland": _d(
            "WK034408", "approximate", "buurten Kanaleneiland-Noord and -Zuid (BU03440832, BU03440831) of wijk Zuidwest"
        ),
        "Utrecht Ondiep": _d("WK034402", "approximate", "buurt Ondiep (BU03440222) of wijk Noordwest"),
        "Utrecht Zuilen Oost": _d(
            "WK034402",
            "approximate",
            "Zuilen-Oost (Elinkwijk, Prins Bernhardplein, BU03440232/33) has no CBS name; it lies in wijk Noordwest",
        ),
    },
    "40plus-wijken": {
        "Breda Haagse Beemden": _d(
            "WK075806",
            "approximate",
            "the Haagse Beemden (Gageldonk, Kesteren, Heksenwiel, Hagebeemd ...) is CBS wijk 'Breda noord-west'",
        ),
        "Den Bosch Boschveld": _d("WK079611", "approximate", "buurt Boschveld (BU07961101) of wijk 11"),
        "Haarlem Zomerzone": _d(
            "WK039208 WK039209",
            "multiple",
            "the Zomerzone (Haarlem-Oost) has no CBS name: Slachthuiswijk and Parkwijk (reviewer's reading)",
        ),
        "Heerlen Passart": _d("WK091721", "approximate", "buurt Passart (BU09172100) of wijk 21 Heerlerheide-Passart"),
        "Leiden Slaaghwijk": _d("WK054608", "approximate", "buurt Slaaghwijk (BU05460800) of wijk Merenwijkdistrict"),
        "Lelystad Boswijk Zuid": _d("WK099503", "approximate", "the southern part of wijk Boswijk"),
        "Sittard-Geleen TAS": _d("", "not_found", "'TAS' is an abbreviation without a CBS name; not resolved"),
        "Tilburg Kruidenbuurt": _d(
            "WK085539", "approximate", "buurten Kruidenbuurt West, Oost and Zuid (BU08553902-04) of wijk 39"
        ),
        "Venlo Leutherberg en Vogelhut": _d(
            "",
            "not_found",
            "no CBS wijk or buurt of either name; probably in Venlo-Oost, not confirmed",
        ),
        "Almere Steden-, Staatslieden-, Kruidenwijk, centrum": _d(
            "WK003427 WK003425 WK003426 WK003417",
            "multiple",
            "Stedenwijk, Staatsliedenwijk, Kruidenwijk and Centrum Almere Stad",
        ),
        "Bergen op Zoom Gageldonk-West": _d(
            "WK074802", "approximate", "buurt Gageldonk-West (BU07480200) of wijk 02 Bergen op Zoom-Oost"
        ),
        "Capelle aan den IJssel De Hoeken en de Hoven/Wiekslag": _d(
            "WK050203",
            "approximate",
            "Hovenbuurt and Koperwiek (BU05020332, BU05020333) of wijk Middelwatering Oost",
        ),
        "Culemborg Terweijde": _d(
            "WK021600",
            "approximate",
            "buurten Ter Weijde Componistenbuurt and Statenliedenbuurt (BU02160004/05) of wijk Culemborg Oost",
        ),
        "Ede Veldhuizen-A": _d("WK022803", "approximate", "part A of wijk Ede-Veldhuizen"),
        "Gouda Oost": _d(
            "WK051306", "approximate", "Gouda-Oost (Oosterwei, Kort Haarlem, Vreewijk) is CBS wijk 'Kort Haarlem'"
        ),
        "Hoogezand-Sappemeer Gorecht-West": _d(
            "WK195202",
            "approximate",
            "Hoogezand-Sappemeer is part of Midden-Groningen since 2018; buurt Gorecht-West (BU19520205) of wijk 02",
        ),
        "IJsselstein IJsselveld-Oost": _d(
            "WK035300", "approximate", "buurt IJsselveld-Oost (BU03530007) of the only wijk, IJsselstein"
        ),
        "Roosendaal Kalsdonk": _d("WK167402", "approximate", "buurt Kalsdonk (BU16740202) of wijk 02"),
        "Veenendaal JES": _d(
            "",
            "not_found",
            "'JES' is an abbreviation without a CBS name; not resolved",
        ),
        "Vlaardingen Babberspolder-Oost": _d(
            "WK062205", "approximate", "buurt Babberspolder Oost (BU06220504) of wijk 05"
        ),
        "Zoetermeer Palenstein": _d("WK063700", "approximate", "buurt Palenstein (BU06370003) of wijk Centrum"),
        "Amsterdam Holendrecht-West & Venserpolder": _d(
            "WK0363TJ WK0363TB",
            "multiple",
            "buurt Holendrecht-West of wijk Holendrecht, and wijk Venserpolder",
        ),
        "Den Bosch Hambaken": _d("WK079609", "approximate", "buurt De Hambaken (BU07960909) of wijk 09"),
        "Enschede Wesselerbrink-Noord": _d(
            "WK015306",
            "approximate",
            "buurten Wesselerbrink Noord-Oost and Noord-West (BU01530603, BU01530606) of wijk 06 Enschede-Zuid",
        ),
    },
}


def shipped_resolution(ds: Dataset, slug: str) -> Resolution:
    """Re-run the resolver on a shipped set with its reviewed :data:`HAND_DECISIONS`.

    This is how ``data/sets/<slug>.csv`` was made; :func:`load_set` reads that file instead.
    """
    return resolve_names(ds, load_entries(slug), overrides=HAND_DECISIONS[slug])


def _read_reviewed(path: Path) -> Resolution:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        msg = f"{path}: lacks the column(s) {', '.join(missing)}; expected {', '.join(_COLUMNS)}"
        raise ValueError(msg)
    return resolution_from_frame(frame, source=str(path))


def resolution_from_frame(frame: pd.DataFrame, *, source: str = "the table") -> Resolution:
    """Read a resolution table (the reviewed CSV, or the table a user corrected in the app).

    Parameters
    ----------
    frame : DataFrame
        Columns ``entry, gemeente, name, code, area_name, category, score, reason, decided``;
        ``code`` empty for an entry without members.
    source : str
        Named in error messages.

    Raises
    ------
    ValueError
        Listing every row (1-based, after the header) whose code is malformed, whose category
        is unknown, or which is non-exact without a reason.
    """
    problems: list[str] = []
    matches: list[Match] = []
    for i, row in enumerate(frame.to_dict("records"), start=2):
        code = str(row.get("code") or "").strip().upper() or None
        category = str(row.get("category") or "").strip()
        reason = str(row.get("reason") or "").strip()
        if code is not None and not is_valid_code(code):
            problems.append(f"row {i}: code {code[:20]!r} is not a CBS code (WK0363AA, BU0363AA01)")
        if category not in CATEGORIES:
            problems.append(f"row {i}: category {category[:20]!r} is not one of {', '.join(CATEGORIES)}")
        elif category != "exact" and not reason:
            problems.append(f"row {i}: a {category} match needs a reason")
        raw_score = str(row.get("score") or "").strip()
        try:
            missing = raw_score in ("", "nan", "None", "<NA>", MISSING)
            score = None if missing else float(raw_score.replace(",", "."))  # "0,857" from the Dutch editor
        except ValueError:
            problems.append(f"row {i}: score {raw_score[:20]!r} is not a number")
            score = None
        decided = "hand" if str(row.get("decided")) == "hand" else "resolver"
        matches.append(
            Match(
                str(row.get("entry") or ""),
                str(row.get("gemeente") or ""),
                str(row.get("name") or ""),
                code,
                str(row.get("area_name") or ""),
                category,  # type: ignore[arg-type]
                score,
                reason,
                decided,  # type: ignore[arg-type]
            )
        )
    if problems:
        msg = f"{source}: {len(problems)} problem(s): " + "; ".join(problems[:20])
        raise ValueError(msg)
    return Resolution(tuple(matches))


def load_set(slug: str, ds: Dataset | None = None, *, folder: Path = SETS_DIR) -> AreaSet:
    """Load a shipped set with its reviewed resolution from ``data/sets/<slug>.csv``.

    Parameters
    ----------
    slug : {"40-aandachtswijken", "40plus-wijken"}
        The set.
    ds : Dataset, optional
        When given, every member must be an area of it.
    folder : Path
        Folder of the reviewed files.

    Raises
    ------
    KeyError
        When ``slug`` is not a shipped set (the message lists them).
    ValueError
        When the file is damaged, or a member is missing from ``ds``.
    """
    spec = _shipped(slug)
    resolution = _read_reviewed(folder / spec.file)
    if ds is not None:
        missing = [c for c in resolution.codes if not ds.has(c)]
        if missing:
            msg = (
                f"set {slug}: {len(missing)} member(s) are not in the dataset ({', '.join(missing[:10])}); "
                "the dataset is older or newer than the reviewed set: rebuild it with `python -m geo build`"
            )
            raise ValueError(msg)
    return AreaSet(
        slug,
        spec.name,
        spec.description,
        spec.source,
        resolution.codes,
        resolution,
        spec.caveat,
        spec.name_en,
        spec.description_en,
        spec.source_en,
        spec.caveat_en,
    )


def shipped_titles(lang: str = "nl") -> dict[str, str]:
    """Return the name of every shipped set in ``lang``, by slug (for a set picker)."""
    return {slug: spec.title(lang) for slug, spec in SHIPPED_SETS.items()}


def write_reviewed(resolution: Resolution, path: Path) -> None:
    """Write a resolution as a reviewed CSV (UTF-8, comma, one row per entry and member)."""
    frame = resolution.frame()
    frame["score"] = frame["score"].map(lambda v: "" if v is None or pd.isna(v) else f"{v:.3f}")
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


# -- user sets --------------------------------------------------------------------------------------
#: Most members a user set may have (a shared link must stay short enough).
MAX_USER_MEMBERS: Final[int] = 2000


def set_from_codes(
    ds: Dataset,
    codes: Iterable[str],
    *,
    name: str = "eigen set",
    description: str = "",
    source: str = "",
    resolution: Resolution | None = None,
) -> AreaSet:
    """Make a user set from codes (the current selection, a corrected resolution).

    Raises
    ------
    ValueError
        When a code is malformed or not in the dataset (all such codes are named), when there
        are none, or more than :data:`MAX_USER_MEMBERS`.
    """
    members = tuple(dict.fromkeys(str(c).strip().upper() for c in codes if str(c).strip()))
    if not members:
        msg = "the set has no members; add codes (WK0344 03 is written WK034403) or names"
        raise ValueError(msg)
    if len(members) > MAX_USER_MEMBERS:
        msg = f"the set has {len(members)} members; at most {MAX_USER_MEMBERS} are allowed"
        raise ValueError(msg)
    Selection().add_codes(ds, members)  # validates every code, naming the bad ones
    return AreaSet("user", name.strip()[:80] or "eigen set", description, source, members, resolution)


def set_from_text(ds: Dataset, text: str, *, name: str = "eigen set") -> AreaSet:
    """Make a user set from typed lines: a CBS code, or ``gemeente; name`` / ``gemeente, name``.

    Codes are taken as they are; names go through :func:`resolve_names` (buurten are kept as
    buurten) and the set's resolution says how each was matched.

    Raises
    ------
    ValueError
        Naming every line that is neither a known code nor ``gemeente; name``.
    """
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    return _set_from_rows(ds, [(i, ln) for i, ln in enumerate(lines, start=1) if ln], name=name, what="line")


def _set_from_rows(ds: Dataset, rows: Sequence[tuple[int, str]], *, name: str, what: str) -> AreaSet:
    codes: list[str] = []
    entries: list[Entry] = []
    problems: list[str] = []
    for n, raw in rows:
        item = raw.strip().strip('"').strip()
        upper = item.upper()
        if is_valid_code(upper):
            if ds.has(upper):
                codes.append(upper)
                entries.append(Entry(ds.name(f"GM{upper[2:6]}") if ds.has(f"GM{upper[2:6]}") else "", upper, upper))
            else:
                problems.append(f"{what} {n}: code {upper} is not in the dataset")
            continue
        parts = re.split(r"\s*[;:\t]\s*|\s*,\s*", item, maxsplit=1)
        if len(parts) != 2 or not parts[0] or not parts[1]:
            problems.append(f"{what} {n}: {item[:40]!r} is neither a code nor 'gemeente; naam'")
            continue
        entries.append(Entry(parts[0], parts[1], f"{parts[0]} {parts[1]}"))
    if problems:
        msg = f"{len(problems)} problem(s): " + "; ".join(problems[:20]) + (" ..." if len(problems) > 20 else "")
        raise ValueError(msg)
    unique = list({e.label: e for e in entries}.values())
    code_entries = {e.label for e in unique if is_valid_code(e.label)}
    named = [e for e in unique if e.label not in code_entries]
    resolution = resolve_names(ds, named, to_wijk=False) if named else Resolution(())
    code_matches = tuple(
        Match(
            c, ds.name(f"GM{c[2:6]}") if ds.has(f"GM{c[2:6]}") else "", c, c, ds.name(c), "exact", 1.0, "", "resolver"
        )
        for c in dict.fromkeys(codes)
    )
    merged = Resolution(code_matches + resolution.matches)
    if not merged.codes:
        msg = "none of the names could be matched to an area; check the spelling or use codes"
        raise ValueError(msg)
    return set_from_codes(ds, merged.codes, name=name, resolution=merged)


def set_from_csv(ds: Dataset, data: bytes, *, name: str = "eigen set") -> AreaSet:
    """Make a user set from an uploaded CSV with a ``code`` column, or ``gemeente`` and ``naam``/``wijk``.

    The bytes are checked like an indicator upload (size, encoding, separator); see
    :func:`geo.indicator.read_table`.

    Raises
    ------
    ValueError
        With every problem and its row number.
    """
    from geo.indicator import read_table

    table = read_table(data)
    cols = {c.strip().lower(): c for c in table.columns}
    code_col = next((cols[k] for k in ("code", "gwb_code", "wk_code", "bu_code") if k in cols), None)
    rows: list[tuple[int, str]] = []
    if code_col is not None:
        rows = [(i + 2, str(v)) for i, v in enumerate(table[code_col]) if str(v).strip()]
    else:
        gm_col = cols.get("gemeente")
        nm_col = next((cols[k] for k in ("naam", "name", "wijk", "buurt") if k in cols), None)
        if gm_col is None or nm_col is None:
            msg = (
                f"the file has columns {', '.join(map(repr, list(table.columns)[:10]))}; it needs a column 'code' "
                "(WK034403), or the columns 'gemeente' and 'naam'"
            )
            raise ValueError(msg)
        rows = [
            (i + 2, f"{g}; {n}")
            for i, (g, n) in enumerate(zip(table[gm_col], table[nm_col], strict=True))
            if str(n).strip()
        ]
    return _set_from_rows(ds, rows, name=name, what="row")


def set_to_csv(ds: Dataset, aset: AreaSet, *, dutch: bool = False, bom: bool = False) -> bytes:
    """Write a set as CSV: one row per entry and member with the resolution, or one row per code.

    Text is made formula-safe by :func:`geo.export.to_csv_bytes`.
    """
    from geo.export import to_csv_bytes

    if aset.resolution is not None and aset.resolution.matches:
        frame = aset.resolution.frame()
    else:
        frame = pd.DataFrame({"code": list(aset.members), "area_name": [ds.name(c) for c in aset.members]})
    frame.insert(0, "set", aset.name)
    return to_csv_bytes(frame, dutch=dutch, bom=bom)


def encode_set(aset: AreaSet) -> str:
    """Return a URL-safe token for a set: the selection token of :mod:`geo.selection` with its name."""
    crit = Criterion(f"set: {aset.name}", f"set: {aset.title('en')}")
    return encode_selection(Selection(aset.members, (crit,)))


def decode_set(ds: Dataset, token: str) -> AreaSet:
    """Turn a token from :func:`encode_set` back into a user set (codes validated).

    Raises
    ------
    ValueError
        When the token is damaged or names codes that are not in the dataset.
    """
    sel = decode_selection(ds, token)
    name = "eigen set"
    if sel.criteria and sel.criteria[0].nl.startswith("set: "):
        name = sel.criteria[0].nl[5:][:80]
    return set_from_codes(ds, sel.codes, name=name)


def levels_of(aset: AreaSet) -> dict[str, int]:
    """Return how many members the set has per level (``{"wijk": 58}``)."""
    return dict(Counter(level_of(c) for c in aset.members))


def overlay_map(
    ds: Dataset,
    codes: Sequence[str],
    *,
    colours: Mapping[str, str | None] | None = None,
    tooltips: Mapping[str, str] | None = None,
    basemap: str = "pdok",
    lang: str = "nl",
) -> folium.Map:
    """Draw the members of a set (or any areas) as outlined, optionally filled, shapes on a folium map.

    Parameters
    ----------
    ds : Dataset
        Its WGS84 display geometry is drawn (one CRS policy: stored in RD New, drawn in WGS84).
    codes : sequence of str
        The areas; codes without geometry are skipped.
    colours : mapping of code to colour, optional
        Fill colours; None or absent means outline only (hatched grey "no data" is not used here).
    tooltips : mapping of code to str, optional
        Plain text per area; it is HTML-escaped here.
    basemap : {"pdok", "osm", "none"}
        Background map.

    Returns
    -------
    folium.Map
    """
    import html as _html

    import folium  # imported here: folium is only needed when a map is drawn
    import shapely

    from geo.mapping import LEAFLET_CSS, LEAFLET_JS, basemap_tiles

    shown = [c for c in dict.fromkeys(codes) if c in ds.display.index]
    features = []
    for c in shown:
        geom = ds.display.loc[c, "geometry"]
        if geom is None or geom.is_empty:
            continue
        fill = (colours or {}).get(c)
        tip = (tooltips or {}).get(c) or f"{ds.name(c)} ({c})"
        features.append(
            {
                "type": "Feature",
                "id": c,
                "properties": {"tip": _html.escape(tip), "fill": fill or "", "filled": fill is not None},
                "geometry": shapely.geometry.mapping(geom),
            }
        )
    fmap = folium.Map(tiles=None, zoom_start=8, location=[52.2, 5.3], control_scale=True)
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    tiles = basemap_tiles(basemap, lang)
    if tiles is not None:
        folium.TileLayer(tiles=tiles[0], attr=tiles[1], name=basemap, max_zoom=19).add_to(fmap)
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name="set",
            style_function=lambda f: {
                "color": "#111",
                "weight": 2.0,
                "fillColor": f["properties"]["fill"] or "#000",
                "fillOpacity": 0.75 if f["properties"]["filled"] else 0.0,
            },
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        ).add_to(fmap)
        minx, miny, maxx, maxy = ds.display.loc[[f["id"] for f in features]].total_bounds
        fmap.fit_bounds([[float(miny), float(minx)], [float(maxy), float(maxx)]])
    return fmap
