"""The area set: a named list of CBS codes, with how its names were matched, and its CSV."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from geo.codes import level_of
from geo.dataset import Dataset
from geo.i18n import check_lang
from geo.sets.resolution import Resolution

__all__ = ["AreaSet", "levels_of", "set_to_csv"]


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


def levels_of(aset: AreaSet) -> dict[str, int]:
    """Return how many members the set has per level (``{"wijk": 58}``)."""
    return dict(Counter(level_of(c) for c in aset.members))


def set_to_csv(ds: Dataset, aset: AreaSet, *, dutch: bool = False, bom: bool = False) -> bytes:
    """Write a set as CSV: one row per entry and member with the resolution, or one row per code.

    Text is made formula-safe by :func:`geo.export.to_csv_bytes`.
    """
    from geo.export.csvfile import to_csv_bytes

    if aset.resolution is not None and aset.resolution.matches:
        frame = aset.resolution.frame()
    else:
        frame = pd.DataFrame({"code": list(aset.members), "area_name": [ds.name(c) for c in aset.members]})
    frame.insert(0, "set", aset.name)
    return to_csv_bytes(frame, dutch=dutch, bom=bom)
