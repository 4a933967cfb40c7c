"""The brief's page: its size and resolution, where each part sits, the fonts and the words.

Everything here is shared by the map (:mod:`geo.brief.area_map`) and the rest of the page
(:mod:`geo.brief.render`): one A4 landscape page, the boxes of its parts in figure fractions,
the matplotlib settings, the smallest font size, the attribution and every word of the page in
Dutch and English.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["A4_LANDSCAPE_INCHES", "ATTRIBUTION", "MIN_FONT_SIZE", "PNG_DPI", "PNG_SIZE"]

#: Attribution printed on the map.
ATTRIBUTION: Final[str] = "CBS / Kadaster, Leefbaarometer 3.0 (BZK)"
#: Resolution of the PNG, sharp on a projector and on paper.
PNG_DPI: Final[int] = 150
#: Size of the PNG in pixels: A4 (297 x 210 mm) at :data:`PNG_DPI`.
PNG_SIZE: Final[tuple[int, int]] = (1754, 1240)
#: Page size in inches: A4 landscape (297 x 210 mm, rounded to whole pixels of the PNG).
A4_LANDSCAPE_INCHES: Final[tuple[float, float]] = (PNG_SIZE[0] / PNG_DPI, PNG_SIZE[1] / PNG_DPI)
#: No text on the page is smaller than this (points): legible on A4 and on a projector.
MIN_FONT_SIZE: Final[float] = 7.0

#: Where things sit on the page (figure fraction: left, bottom, width, height).
_MAP_BOX: Final[tuple[float, float, float, float]] = (0.025, 0.385, 0.375, 0.445)
_LEGEND_BOX: Final[tuple[float, float, float, float]] = (0.415, 0.555, 0.16, 0.275)
_KEY_BOX: Final[tuple[float, float, float, float]] = (0.415, 0.13, 0.18, 0.40)
_TABLE_BOX: Final[tuple[float, float, float, float]] = (0.025, 0.13, 0.375, 0.20)
_GAP_BOX: Final[tuple[float, float, float, float]] = (0.645, 0.50, 0.335, 0.155)
_TREND_BOX: Final[tuple[float, float, float, float]] = (0.645, 0.16, 0.335, 0.225)
_RIGHT_X: Final[float] = 0.60

_TEXT: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "subtitle": "Leefbaarheid van een {level} in {gemeente}, meetjaar {year}",
        "wijk": "wijk",
        "buurt": "buurt",
        "gemeente": "gemeente",
        "gap_title": "Verschil met het stedelijk gemiddelde",
        "gap_chart": "Verschil met de stad per jaar ({measure} − stad)",
        "gap_none": (
            "Er is geen eerder meetjaar met zowel een score als een stedelijk gemiddelde, "
            "dus de verandering van het verschil is niet te geven."
        ),
        "gap_one_year": (
            "In {year} is het verschil met de officiële gemeentescore {gap} (zie de tabel); zonder eerder jaar "
            "met een stedelijk gemiddelde is de verandering niet te geven."
        ),
        "map": "Het gebied en zijn buren, lbm {year}",
        "legend": "Kleuren: lbm {year}, officiële\nLeefbaarometer-klassen (grenzen\nafgelezen uit de klassen van 2024)",
        "no_data": "geen gegevens",
        "key": "Nummers op de kaart",
        "key_more": "en nog {n}",
        "trend": "Leefbaarheid (lbm) door de jaren",
        "area": "dit gebied",
        "city": "stedelijk gemiddelde",
        "national": "landelijk niveau",
        "summary": "Samenvatting {year}",
        "score": "Score (lbm)",
        "afw": "Verschil met landelijk referentieniveau",
        "gap": "Verschil met de stad (lbm − stad)",
        "city_value": "Stedelijk gemiddelde",
        "gap_official": "Verschil met de gemeentescore",
        "city_official": "Gemeentescore (officieel)",
        "rank": "Rang in {gemeente} (1 = hoogst)",
        "rank_value": "{rank} van {n} {level_plural}",
        "change": "Verandering sinds {prev}",
        "change_none": "Verandering sinds vorige meting",
        "no_prev": "geen eerdere meting",
        "sources": "Bronnen",
        "src_areas": "grenzen van {level_plural}",
        "src_scores": "scores van {level_plural}, meting {meting}",
        "src_scores_many": "scores van {level_plural}, metingen {meting}",
        "and": "en",
        "map_credit": "kaart",
        "notes": (
            "Stedelijk gemiddelde: gemiddelde van de wijken van de gemeente (naar inwonertal gewogen waar dat "
            "van elke wijk bekend is), geen officiële gemeentescore. Scores van meting 2022 zijn berekend op de "
            "grenzen van 2022; de kaart toont de grenzen van 2024."
        ),
        "official_note": (
            "In {year} heeft {gemeente} geen wijkscores; de samenvatting vergelijkt daarom met de officiële "
            "gemeentescore van de Leefbaarometer."
        ),
        "wijk_plural": "wijken",
        "buurt_plural": "buurten",
        "gemeente_plural": "gemeenten",
        "km": "km",
    },
    "en": {
        "subtitle": "Liveability of a {level} in {gemeente}, measurement year {year}",
        "wijk": "district (wijk)",
        "buurt": "neighbourhood (buurt)",
        "gemeente": "municipality",
        "gap_title": "Gap to the city average",
        "gap_chart": "Gap to the city per year ({measure} − city)",
        "gap_none": (
            "There is no earlier measurement year with both a score and a city average, "
            "so the change of the gap cannot be given."
        ),
        "gap_one_year": (
            "In {year} the difference from the official municipal score is {gap} (see the table); with no "
            "earlier year with a city average, its change cannot be given."
        ),
        "map": "The area and its neighbours, lbm {year}",
        "legend": ("Colours: lbm {year}, official\nLeefbaarometer classes (cut-offs\nread off the 2024 classes)"),
        "no_data": "no data",
        "key": "Numbers on the map",
        "key_more": "and {n} more",
        "trend": "Liveability (lbm) over the years",
        "area": "this area",
        "city": "city average",
        "national": "national level",
        "summary": "Summary {year}",
        "score": "Score (lbm)",
        "afw": "Difference from national reference",
        "gap": "Gap to the city (lbm − city)",
        "city_value": "City average",
        "gap_official": "Gap to the municipal score",
        "city_official": "Municipal score (official)",
        "rank": "Rank in {gemeente} (1 = highest)",
        "rank_value": "{rank} of {n} {level_plural}",
        "change": "Change since {prev}",
        "change_none": "Change since previous measurement",
        "no_prev": "no earlier measurement",
        "sources": "Sources",
        "src_areas": "{level} boundaries",
        "src_scores": "{level} scores of the {meting} release",
        "src_scores_many": "{level} scores of the {meting} releases",
        "and": "and",
        "map_credit": "map",
        "notes": (
            "City average: mean of the municipality's districts (weighted by population where every district's "
            "population is known), not an official municipal score. Scores of the 2022 release were computed on "
            "the 2022 boundaries; the map shows the 2024 boundaries."
        ),
        "official_note": (
            "In {year} {gemeente} has no district scores, so the summary compares with the Leefbaarometer's "
            "official municipal score."
        ),
        "wijk_plural": "districts",
        "buurt_plural": "neighbourhoods",
        "gemeente_plural": "municipalities",
        "km": "km",
    },
}

_RC: Final[dict[str, Any]] = {
    "pdf.fonttype": 42,  # embed TrueType, so the PDF text can be searched and copied
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "svg.hashsalt": "brief",
}

_TEXT_COLOUR: Final[str] = "#222222"
