"""One search over all areas of the country: gemeenten, wijken and buurten, by name or code."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final

import pandas as pd

from geo._cache import memo
from geo.dataset import Dataset
from geo.i18n import check_lang

__all__ = ["SearchHit", "search_areas"]

_LEVEL_WORDS: Final[dict[str, dict[str, str]]] = {
    "nl": {"gemeente": "gemeente", "wijk": "wijk", "buurt": "buurt"},
    "en": {"gemeente": "municipality", "wijk": "district", "buurt": "neighbourhood"},
}
_LEVEL_ORDER: Final[dict[str, int]] = {"gemeente": 0, "wijk": 1, "buurt": 2}
#: Everyday names of gemeenten whose CBS name differs (after folding).
_ALIASES: Final[dict[str, str]] = {"den haag": "s gravenhage", "den bosch": "s hertogenbosch"}


@dataclass(frozen=True)
class SearchHit:
    """One area found by :func:`search_areas`.

    Attributes
    ----------
    code, name, level : str
        The area.
    gemeente : str
        The name of its gemeente (its own name for a gemeente).
    label : str
        What a picker shows, e.g. ``"Kanaleneiland-Noord (buurt, Utrecht) BU03440710"``.
    """

    code: str
    name: str
    level: str
    gemeente: str
    label: str


def _fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes, and read dashes as spaces, for matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return plain.replace("-", " ").replace("'", "").replace("\u2019", "")


def _index(ds: Dataset) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        a = ds.areas
        gemeente = a["gemeente_name"].where(a["gemeente_name"].notna(), a["name"]).astype(str)
        return pd.DataFrame(
            {
                "code": a.index.astype(str),
                "name": a["name"].astype(str).to_numpy(),
                "level": a["level"].astype(str).to_numpy(),
                "gemeente": gemeente.to_numpy(),
                "key": [_fold(f"{n} {c}") for n, c in zip(a["name"].astype(str), a.index.astype(str), strict=True)],
                "gemeente_key": [_fold(g) for g in gemeente],
            }
        )

    return memo(ds, ("search_index",), compute)


def search_areas(ds: Dataset, query: str, *, limit: int = 50, lang: str = "nl") -> list[SearchHit]:
    """Find gemeenten, wijken and buurten whose name or code contains ``query``.

    Every word of the query must occur in the area's name or code, or in its gemeente's name
    ("Kanaleneiland" finds the Utrecht buurten of that name; "overvecht utrecht" the wijk).
    Matching ignores case, accents and dashes. Hits whose name starts with the query come
    first, then gemeenten before wijken before buurten, then by name.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    query : str
        Free text; at most 100 characters are used.
    limit : int, default 50
        At most this many hits.
    lang : {"nl", "en"}
        Language of the level word in the labels.

    Returns
    -------
    list of SearchHit
        Empty for an empty query.
    """
    folded = " ".join(_fold(query[:100]).split())
    for alias, name in _ALIASES.items():
        folded = folded.replace(alias, name)
    words = folded.split()
    if not words:
        return []
    index = _index(ds)
    mask = pd.Series(True, index=index.index)
    for word in words:
        mask &= index["key"].str.contains(word, regex=False) | index["gemeente_key"].str.contains(word, regex=False)
    found = index[mask].copy()
    found["starts"] = ~found["key"].str.startswith(words[0])
    found["order"] = found["level"].map(_LEVEL_ORDER)
    found = found.sort_values(["starts", "order", "name", "code"]).head(limit)
    level_words = _LEVEL_WORDS[check_lang(lang)]
    hits = []
    for row in found.itertuples():
        level_word = level_words[str(row.level)]
        where = level_word if row.level == "gemeente" else f"{level_word}, {row.gemeente}"
        code, name, gemeente = str(row.code), str(row.name), str(row.gemeente)
        hits.append(SearchHit(code, name, str(row.level), gemeente, f"{name} ({where}) {code}"))
    return hits
