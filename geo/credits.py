"""Who made the outlines: the source files behind a set of areas' boundaries.

One place answers "which file drew this area's outline, and whom does it credit?", so the web
map (:func:`geo.mapping.map_attribution`), the brief and the export metadata
(:func:`geo.export.export_metadata`) always credit the same sources. An area's file is the
dataset's ``areas["source"]`` (an Amsterdam buurt comes from the City of Amsterdam's file, any
other buurt from the Leefbaarometer WFS with CBS / Kadaster geometry); a dataset built before
that column existed falls back to every area file of the areas' levels. The manifest names
publishers in Dutch; :func:`credit_name` gives the names an English reader knows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from geo.dataset import Dataset
from geo.i18n import check_lang

__all__ = [
    "BoundarySource",
    "boundary_credits",
    "boundary_sources",
    "credit_name",
    "source_in",
    "source_text",
    "source_title",
    "sources_in",
]

#: Names of publishers as an English reader knows them (Dutch text uses the manifest's own).
_EN_NAMES: Final[dict[str, str]] = {
    "Leefbaarometer 3.0, Ministerie van BZK": "Leefbaarometer 3.0, Ministry of the Interior (BZK)",
    "Gemeente Amsterdam": "City of Amsterdam",
}


def credit_name(who: str, lang: str = "nl") -> str:
    """Return a credited publisher's name in the language: the manifest's name, or its English name.

    Examples
    --------
    >>> credit_name("Gemeente Amsterdam", "en")
    'City of Amsterdam'
    >>> credit_name("Gemeente Amsterdam", "nl")
    'Gemeente Amsterdam'
    """
    return _EN_NAMES.get(who, who) if check_lang(lang) == "en" else who


def source_text(source: Mapping[str, Any], key: str, lang: str = "nl") -> str | None:
    """Return a text of a source file's entry in the language: ``key`` (Dutch) or ``key + "_en"``.

    ``sources.json`` gives each file Dutch texts (``title``, ``licence``) and may give English ones
    (``title_en``, ``licence_en``); English falls back to the Dutch text where there is none.
    """
    english = source.get(f"{key}_en") if check_lang(lang) == "en" else None
    value = english or source.get(key)
    return None if value is None else str(value)


def source_title(source: Mapping[str, Any], lang: str = "nl") -> str:
    """Return a source file's title in the language (:func:`source_text`), or its path without one.

    Examples
    --------
    >>> entry = {"file": "cbs/gemeenten_2024.geojson", "title": "CBS gemeenten 2024 (vereenvoudigd)",
    ...          "title_en": "CBS municipalities 2024 (simplified)"}
    >>> source_title(entry, "en")
    'CBS municipalities 2024 (simplified)'
    >>> source_title({"file": "own/file.csv"}, "nl")
    'own/file.csv'
    """
    return source_text(source, "title", lang) or str(source["file"])


def source_in(source: Mapping[str, Any], lang: str = "nl") -> dict[str, Any]:
    """Return a source file's entry with its texts in the language.

    ``title`` through :func:`source_title` (the file's path when it has none), ``publisher`` and
    ``licence`` through :func:`source_text`, ``attribution`` through :func:`credit_name`; the
    language-specific keys (``title_en``, ...) are dropped.
    """
    entry = {k: v for k, v in source.items() if not k.endswith("_en")}
    entry["title"] = source_title(source, lang)
    for key in ("publisher", "licence"):
        if key in source:
            entry[key] = source_text(source, key, lang)
    if "attribution" in source:
        entry["attribution"] = credit_name(str(source["attribution"]), lang)
    return entry


def sources_in(ds: Dataset, lang: str = "nl") -> list[dict[str, Any]]:
    """Return the dataset's source files (the manifest's ``sources``), each through :func:`source_in`."""
    return [source_in(src, lang) for src in ds.manifest.get("sources", [])]


@dataclass(frozen=True)
class BoundarySource:
    """One source file that gives the outlines of some of the areas asked about.

    Attributes
    ----------
    source : mapping
        The file's entry in the dataset manifest's ``sources``.
    n_areas : int
        How many of the areas asked about have their outline from this file.
    """

    source: Mapping[str, Any]
    n_areas: int

    @property
    def file(self) -> str:
        """The file, relative to the source folder (``"cbs/wijken_2024.geojson"``)."""
        return str(self.source["file"])

    @property
    def credit(self) -> str:
        """Whom to credit for the outlines: ``geometry_attribution`` where the file has one, else ``attribution``."""
        return str(self.source.get("geometry_attribution", self.source["attribution"]))


def _gives_areas(src: Mapping[str, Any]) -> bool:
    return "areas" in src.get("provides", [src.get("kind")])


def boundary_sources(ds: Dataset, codes: Sequence[str]) -> list[BoundarySource]:
    """Return the source files of the given areas' outlines, in manifest order.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    codes : sequence of str
        CBS codes; codes the dataset does not have are ignored.

    Returns
    -------
    list of BoundarySource
        One per file that gives at least one of the areas, with how many. Per ``areas["source"]``
        where the dataset records it; else every area file of the areas' levels, each counting
        all areas of its level.
    """
    areas = ds.areas.reindex(list(dict.fromkeys(codes)))
    if "source" in areas:
        counts = areas["source"].dropna().value_counts()
        key = "file"
    else:
        counts = areas["level"].dropna().value_counts()
        key = "level"
    return [
        BoundarySource(src, int(counts[src.get(key)]))
        for src in ds.manifest.get("sources", [])
        if _gives_areas(src) and src.get(key) in counts.index
    ]


def boundary_credits(ds: Dataset, codes: Sequence[str]) -> set[str]:
    """Return who is credited for the boundaries of the given areas (the map's, brief's and export's credit).

    The credits of :func:`boundary_sources`: an Amsterdam buurt is the City of Amsterdam's, a buurt
    from the Leefbaarometer WFS has CBS / Kadaster geometry.
    """
    return {b.credit for b in boundary_sources(ds, codes)}
