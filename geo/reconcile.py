"""Reconcile score vintages with polygon vintages.

Scores of a measurement (meting) are computed on that year's boundaries; the polygons may be
of a later year. CBS reuses codes, so a join on code alone can draw old scores on new shapes.
Here the names are compared as well:

- *same*: identical names;
- *cosmetic*: the same place written differently ("Wijk 11 Zaandam Zuid" / "Zaandam Zuid",
  "Verspr.h." / "Verspreide huizen", a name cut off at 40 characters);
- *substantive*: the names point at a different area ("Afferden" / "Druten Zuid"), or the
  score file gives only a number ("Wijk 02") so the match cannot be confirmed.

Rows with a substantive mismatch are excluded from display and reported.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import pandas as pd

__all__ = ["NameMatch", "Reconciled", "classify_names", "reconcile"]

NameMatch = Literal["same", "cosmetic", "substantive"]

_ABBREVIATIONS = (
    (r"\bverspr\.\s*h\.", "verspreide huizen"),
    (r"\be\.o\.", "en omgeving"),
    (r"\ba/d\b", "aan de"),
)
_STOPWORDS = frozenset({"wijk", "en", "de", "het", "t", "van", "der", "den", "aan", "e", "o", "omgeving"})
_TRUNCATED_AT = 40  # the older score files cut names at 40 characters


def _tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    for pattern, repl in _ABBREVIATIONS:
        text = re.sub(pattern, repl, text)
    words = re.findall(r"[a-z0-9]+\.?", text)
    return [w for w in words if w.rstrip(".") not in _STOPWORDS and not w.rstrip(".").isdigit()]


def _squeeze(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _token_matches(short: str, long_tokens: list[str], *, may_be_cut: bool) -> bool:
    word = short.rstrip(".")
    for other in long_tokens:
        other = other.rstrip(".")
        if word == other:
            return True
        if (short.endswith(".") or may_be_cut) and other.startswith(word):
            return True
        if len(word) >= 5 and difflib.SequenceMatcher(None, word, other).ratio() >= 0.85:
            return True
    return False


def classify_names(score_name: str | None, area_name: str | None) -> NameMatch:
    """Classify how the name in a score file relates to the name of the polygon.

    Parameters
    ----------
    score_name : str or None
        The name in the score file (older vintage).
    area_name : str or None
        The name of the polygon with the same code.

    Returns
    -------
    {"same", "cosmetic", "substantive"}
        ``cosmetic`` when every meaningful word of the shorter name is found in the longer one
        (allowing abbreviations, truncation at 40 characters and small spelling changes).

    Examples
    --------
    >>> classify_names("Wijk 11 Zaandam Zuid", "Zaandam Zuid")
    'cosmetic'
    >>> classify_names("Afferden", "Druten Zuid")
    'substantive'
    """
    if score_name is None or area_name is None or pd.isna(score_name) or pd.isna(area_name):
        return "same" if score_name == area_name else "substantive"
    if score_name == area_name:
        return "same"
    if _squeeze(score_name) == _squeeze(area_name):
        return "cosmetic"  # only spacing, case or punctuation differ
    a, b = _tokens(score_name), _tokens(area_name)
    if not a or not b:
        return "substantive"  # only a number: the match cannot be confirmed
    a_cut, b_cut = len(score_name) >= _TRUNCATED_AT, len(area_name) >= _TRUNCATED_AT
    if len(a) < len(b):
        ok = _covered(a, b, cut=a_cut)
    elif len(b) < len(a):
        ok = _covered(b, a, cut=b_cut)
    else:  # as many words on both sides: either may be the shortened one, so the order does not matter
        ok = _covered(a, b, cut=a_cut) or _covered(b, a, cut=b_cut)
    return "cosmetic" if ok else "substantive"


def _covered(short: list[str], long_: list[str], *, cut: bool) -> bool:
    """Tell whether every word of ``short`` is found in ``long_`` (the last may be cut off)."""
    return all(_token_matches(tok, long_, may_be_cut=cut and i == len(short) - 1) for i, tok in enumerate(short))


@dataclass
class Reconciled:
    """Scores joined to polygons, with what was excluded and why.

    Attributes
    ----------
    scores : DataFrame
        Displayable rows: code, year, scores, ``meting`` and ``source``.
    names : DataFrame
        One row per (code, meting) whose name differs from the polygon's: ``code, meting,
        score_name, area_name, match``.
    excluded : DataFrame
        Rows not shown, with ``reason`` (``"name mismatch"`` or ``"no polygon"``).
    join_report : DataFrame
        Per gemeente code: ``scored`` (codes of the current division), ``matched`` (a polygon
        has the code), ``unmatched``, ``substantive`` (name mismatch, excluded) and
        ``superseded`` (old codes of a gemeente that a newer measurement renumbered).
    """

    scores: pd.DataFrame
    names: pd.DataFrame
    excluded: pd.DataFrame
    join_report: pd.DataFrame


def _renumbered(scores: pd.DataFrame) -> set[str]:
    """Codes of an older measurement that a newer one replaced by renumbering the gemeente.

    A newer measurement renumbered a gemeente when it publishes, for that gemeente, the
    history (years up to the older measurement) under codes the older one does not have.
    The older codes of that gemeente that the newer one lacks are then superseded.
    """
    out: set[str] = set()
    by_meting: dict[int, pd.DataFrame] = {int(m): g for m, g in scores.groupby("meting")}  # type: ignore[arg-type]
    for older, old in by_meting.items():
        old_codes = set(old["code"])
        for newer, new in by_meting.items():
            if newer <= older:
                continue
            history = new[(new["year"] <= older) & ~new["code"].isin(old_codes)]
            gemeenten = set(history["code"].str.slice(2, 6))
            new_codes = set(new["code"])
            out |= {c for c in old_codes if c[2:6] in gemeenten and c not in new_codes}
    return out


def reconcile(scores: pd.DataFrame, areas: pd.DataFrame) -> Reconciled:
    """Join score rows to polygons on code, newest measurement first, and check the names.

    For every (code, year) the row of the newest measurement is kept; older measurements
    fill the years the newer one does not publish.

    Parameters
    ----------
    scores : DataFrame
        Score rows of one level with ``code, name, year, meting, source`` and the measures.
    areas : DataFrame
        Polygons of the same level with ``code, name``.

    Returns
    -------
    Reconciled
    """
    ordered = scores.sort_values(["code", "year", "meting"], ascending=[True, True, False], kind="stable")
    newest = ordered.drop_duplicates(["code", "year"], keep="first")

    area_names = areas.set_index("code")["name"]
    per_meting = newest.drop_duplicates(["code", "meting"])[["code", "meting", "name"]]
    has_polygon = per_meting["code"].isin(area_names.index)
    pm = per_meting[has_polygon].copy()
    pm["area_name"] = pm["code"].map(area_names)
    pm["match"] = [classify_names(s, a) for s, a in zip(pm["name"], pm["area_name"], strict=True)]
    names = (
        pm[pm["match"] != "same"]
        .rename(columns={"name": "score_name"})[["code", "meting", "score_name", "area_name", "match"]]
        .sort_values(["code", "meting"])
        .reset_index(drop=True)
    )

    bad = names.loc[names["match"] == "substantive", ["code", "meting"]]
    key = pd.MultiIndex.from_frame(newest[["code", "meting"]])
    mismatch = key.isin(pd.MultiIndex.from_frame(bad))
    no_polygon = ~newest["code"].isin(area_names.index).to_numpy()
    superseded = no_polygon & newest["code"].isin(_renumbered(scores)).to_numpy()
    reason = pd.Series(None, index=newest.index, dtype="object")
    reason[no_polygon] = "no polygon"
    reason[superseded] = "superseded: code renumbered in a newer measurement"
    reason[mismatch] = "name mismatch"
    out = reason.notna().to_numpy()
    excluded = newest[out].assign(reason=reason[out])
    kept = newest[~out]

    codes = newest.drop_duplicates("code")["code"]
    status = pd.DataFrame(
        {
            "gemeente_code": codes.str.slice(2, 6).radd("GM"),
            "scored": ~codes.isin(_renumbered(scores)),
            "matched": codes.isin(area_names.index),
            "substantive": codes.isin(bad["code"]),
            "superseded": codes.isin(_renumbered(scores)) & ~codes.isin(area_names.index),
        }
    )
    join_report = status.groupby("gemeente_code").sum().astype("int64")
    join_report.insert(2, "unmatched", join_report["scored"] - join_report["matched"])
    return Reconciled(
        scores=kept.drop(columns=["name"]).reset_index(drop=True),
        names=names,
        excluded=excluded.drop(columns=["name"]).reset_index(drop=True),
        join_report=join_report,
    )
