"""Column names, measures and published years of the Leefbaarometer 3.0 files."""

from __future__ import annotations

from typing import Final

from geo.codes import Level

__all__ = [
    "DIMENSIONS",
    "MEASURES",
    "MEASURE_LABELS",
    "NATIONAL_REFERENCE",
    "OFFICIAL_CLASS_COLUMNS",
    "PUBLISHED_YEARS",
    "SCORE_CODE_COLUMNS",
    "SCORE_NAME_COLUMNS",
    "TOLERANCE",
]

#: Measurement years of Leefbaarometer 3.0 (meting 2024 publishes 2002-2024).
PUBLISHED_YEARS: Final[tuple[int, ...]] = (2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024)

#: The five dimensions; each is a contribution to ``afw``, so they sum to it.
DIMENSIONS: Final[tuple[str, ...]] = ("fys", "onv", "soc", "vrz", "won")

#: Every score column, in file order.
MEASURES: Final[tuple[str, ...]] = ("lbm", "afw", *DIMENSIONS)

#: Plain-Dutch and English names of the measures.
MEASURE_LABELS: Final[dict[str, dict[str, str]]] = {
    "lbm": {"nl": "Leefbaarheid (totaalscore)", "en": "Liveability (total score)"},
    "afw": {"nl": "Afwijking van het landelijk referentieniveau", "en": "Deviation from national reference"},
    "fys": {"nl": "Fysieke omgeving", "en": "Physical environment"},
    "onv": {"nl": "Overlast en onveiligheid", "en": "Nuisance and insecurity"},
    "soc": {"nl": "Sociale samenhang", "en": "Social cohesion"},
    "vrz": {"nl": "Voorzieningen", "en": "Amenities"},
    "won": {"nl": "Woningvoorraad", "en": "Housing stock"},
}

#: Code and name columns of the published score files, per level.
SCORE_CODE_COLUMNS: Final[dict[Level, str]] = {"buurt": "bu_code", "wijk": "wk_code", "gemeente": "gm_code"}
SCORE_NAME_COLUMNS: Final[dict[Level, str]] = {"buurt": "bu_naam", "wijk": "wk_naam", "gemeente": "gm_naam"}

#: Absolute tolerance of the two arithmetic checks. Meting 2024 files carry 6 decimals, so
#: a sum of five rounded dimensions may differ from the rounded ``afw`` by up to 3e-6.
TOLERANCE: Final[float] = 1e-5

#: The national reference level of Leefbaarometer 3.0 (``lbm - afw`` on every published row of
#: meting 2022 and meting 2024). Used to derive ``lbm`` where a source gives only ``afw`` (the
#: WFS export of meting 2024); a value derived that way is flagged as derived.
NATIONAL_REFERENCE: Final[float] = 4.102264851143685

#: The official Leefbaarometer class (1-9) of each measure, as the WFS export names it: ``kscore``
#: is the class of the total score, ``kafw`` of ``afw``, ``kfys`` ... ``kwon`` of each dimension.
OFFICIAL_CLASS_COLUMNS: Final[dict[str, str]] = {
    "lbm": "kscore",
    "afw": "kafw",
    "fys": "kfys",
    "onv": "konv",
    "soc": "ksoc",
    "vrz": "kvrz",
    "won": "kwon",
}
