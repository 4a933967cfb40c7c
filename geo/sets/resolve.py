"""Name matching: programme entries (gemeente + name) to CBS codes, with a reason for each.

A programme names its wijken in words ("Den Haag Schilderswijk"); the data are keyed by CBS
code. :func:`resolve_names` turns (gemeente, name) entries into codes and says for every entry
how sure that is (a category of :mod:`geo.sets.resolution`); nothing is resolved silently.
A reviewer's :class:`Decision` replaces what the resolver finds for one entry.

Why members are wijken
----------------------
Only wijken have scores for every measurement year 2002-2024 in every gemeente; buurt scores
outside Amsterdam exist for 2024 only. A programme is judged over time ("between 2008 and
2018"), so the shipped sets resolve to wijken. Where the dataset holds buurten, the resolver
uses them to *find* an entry that is a buurt (Kanaleneiland) and takes its wijk
(``approximate``, the buurten named in the reason). User sets may hold buurten
(``to_wijk=False``).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

from geo.dataset import Dataset
from geo.sets.resolution import CATEGORIES, Category, Match, Resolution

__all__ = [
    "FUZZY_MIN",
    "GEMEENTE_ALIASES",
    "Decision",
    "Entry",
    "resolve_names",
]

#: Smallest difflib ratio accepted as a fuzzy match.
FUZZY_MIN: Final[float] = 0.7

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
        One of :data:`geo.sets.resolution.CATEGORIES`.
    reason : str
        Why, in English, checkable against the map.
    """

    codes: tuple[str, ...]
    category: Category
    reason: str


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
    problems = _decision_problems(d)
    if problems and d.category not in CATEGORIES:
        msg = f"override for {label!r}: {problems[0]}"
        raise ValueError(msg)
    missing = [c for c in d.codes if not ds.has(c)]
    if missing:
        msg = f"override for {label!r} names codes that are not in the dataset: {', '.join(missing)}"
        raise ValueError(msg)
    if problems:
        msg = f"override for {label!r}: {problems[0]}"
        raise ValueError(msg)


def _decision_problems(d: Decision) -> list[str]:
    """Say what is wrong with a decision on its own, without a dataset ([] when nothing is).

    Parameters
    ----------
    d : Decision
        The decision to check.

    Returns
    -------
    list of str
        An unknown category (then nothing else is checked), codes that do not go with the
        category (``not_found`` has none, every other category has some), a missing reason for
        a category other than ``exact``.
    """
    if d.category not in CATEGORIES:
        return [f"category {d.category!r} is not one of {', '.join(CATEGORIES)}"]
    problems = []
    if (d.category == "not_found") != (not d.codes):
        problems.append("'not_found' goes with no codes, every other category with codes")
    if d.category != "exact" and not d.reason.strip():
        problems.append(f"a {d.category} decision needs a reason")
    return problems
