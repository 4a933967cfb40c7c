"""The shipped sets: the wijkenaanpak's programme areas with their reviewed resolution.

The programme lists are copied in ``data/sources/programmes/`` (:func:`load_entries`). Their
resolution to CBS wijken was reviewed by hand; it lives in ``data/sets/<slug>.csv`` (one row
per entry and member code) and :func:`load_set` reads it. How that file was made, and the
reviewer's decisions behind it, is :mod:`geo.sets.decisions`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from geo.dataset import Dataset
from geo.i18n import check_lang
from geo.sets.area_set import AreaSet
from geo.sets.resolution import _COLUMNS, Resolution, resolution_from_frame
from geo.sets.resolve import Entry

__all__ = [
    "SETS_DIR",
    "SHIPPED_SETS",
    "load_entries",
    "load_set",
    "shipped_titles",
    "write_reviewed",
]

_ROOT: Final[Path] = Path(__file__).resolve().parents[2]
#: Where the reviewed resolutions of the shipped sets live.
SETS_DIR: Final[Path] = _ROOT / "data" / "sets"
_PROGRAMMES_DIR: Final[Path] = _ROOT / "data" / "sources" / "programmes"

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


def _read_reviewed(path: Path) -> Resolution:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        msg = f"{path}: lacks the column(s) {', '.join(missing)}; expected {', '.join(_COLUMNS)}"
        raise ValueError(msg)
    return resolution_from_frame(frame, source=str(path))


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
