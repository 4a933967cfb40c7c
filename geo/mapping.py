"""Build the explorer's map layers: choropleth, change and overlay layers, their colours and credits.

The map is built from the dataset's simplified WGS84 display geometry (see
:func:`geo.build.build`), keyed by CBS code: every feature has ``id`` = code, and its polygons
travel as encoded rings (:func:`geo.polyline.encode_ring`). Colours come from :mod:`geo.classify` only; this
module looks them up. What the browser's map receives (the layer, the selection's outlines, the
base map) is put together in :mod:`geo.map_payload`. The browser's map (``static/map_view.js``,
mounted by ``map_view.py``) sets names and other texts as text, never as HTML; the attribution, which Leaflet shows as
HTML, is escaped here. Leaflet itself is served by the app (``static/leaflet``), never from a
CDN, so the map works offline.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

import numpy as np

from geo import fmt
from geo._cache import memo
from geo.classify import NO_DATA_COLOUR, Scale, describe
from geo.credits import boundary_credits, credit_name
from geo.dataset import Dataset
from geo.i18n import check_lang
from geo.polyline import encode_geometry
from geo.summary import previous_year
from geo.textsafe import script_json

__all__ = [
    "BASEMAP_TILES",
    "ChoroplethLayer",
    "basemap_tiles",
    "boundary_credits",
    "change_layer",
    "choropleth_layer",
    "fill_colours",
    "map_attribution",
    "overlay_layer",
    "previous_year",
]

#: Tile URL and attribution of each base map; "none" has no tiles.
BASEMAP_TILES: Final[dict[str, tuple[str, str] | None]] = {
    "pdok": (
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/grijs/EPSG:3857/{z}/{x}/{y}.png",
        'Achtergrond: <a href="https://www.pdok.nl">PDOK BRT-Achtergrondkaart</a>, Kadaster',
    ),
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bijdragers',
    ),
    "none": None,
}
#: The base maps' attribution in English (the texts above are Dutch).
_BASEMAP_ATTRIBUTION_EN: Final[dict[str, str]] = {
    "pdok": 'Background: <a href="https://www.pdok.nl">PDOK BRT-Achtergrondkaart</a>, Kadaster',
    "osm": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
}


def basemap_tiles(basemap: str, lang: str = "nl") -> tuple[str, str] | None:
    """Return the tile URL and the attribution (in ``lang``) of a base map, None for "none"."""
    tiles = BASEMAP_TILES.get(basemap)
    if tiles is None:
        return None
    return tiles[0], _BASEMAP_ATTRIBUTION_EN[basemap] if check_lang(lang) == "en" else tiles[1]


_TEXT: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "name": "Naam",
        "code": "Code",
        "meaning": "Betekenis",
        "since": "Verandering sinds",
        "no_data": "geen gegevens",
        "change": "Verandering",
        "no_prev": "geen eerdere meting",
        "value": "Waarde",
    },
    "en": {
        "name": "Name",
        "code": "Code",
        "meaning": "Meaning",
        "since": "Change since",
        "no_data": "no data",
        "change": "Change",
        "no_prev": "no earlier measurement",
        "value": "Value",
    },
}


@dataclass(frozen=True)
class ChoroplethLayer:
    """A choropleth ready to draw: encoded geometry and display texts, immutable and cacheable.

    Build it with :func:`choropleth_layer`, :func:`change_layer` or :func:`overlay_layer`; send
    it to the browser with :func:`geo.map_payload.map_spec`. The same inputs give the same layer and the same
    :attr:`id`, so the browser redraws the areas only when they change and keeps the user's zoom
    and pan.

    Attributes
    ----------
    codes : tuple of str
        The areas, in drawing order (feature ``id`` = code).
    data : str
        JSON text: per feature its code, name, text columns, class index (-1 = no data) and
        encoded polygons. Names are plain text; the browser sets them with ``textContent``.
    labels : tuple of str
        Tooltip row labels, one per text column (name and code first).
    colours : tuple of str
        The fill colour of each class.
    no_data : str
        The text shown for an area without a value.
    bounds : tuple
        ``((south, west), (north, east))`` of the areas.
    attribution : str
        The sources of the boundaries and scores actually drawn.
    """

    codes: tuple[str, ...]
    data: str
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    no_data: str
    bounds: tuple[tuple[float, float], tuple[float, float]]
    attribution: str

    @property
    def nbytes(self) -> int:
        """Bytes of the layer's data as sent to the browser."""
        return len(self.data.encode("utf-8"))

    def features(self) -> list[dict[str, Any]]:
        """Return the layer's features as plain dicts (``id``, ``texts``, ``cls``, ``rings``), for tests."""
        rows = json.loads(self.data)
        return [{"id": r[0], "texts": r[1], "cls": r[2], "rings": r[3]} for r in rows]

    @cached_property
    def _head(self) -> str:
        return json.dumps(
            {
                "labels": list(self.labels),
                "colours": list(self.colours),
                "noData": NO_DATA_COLOUR,
                "bounds": [list(self.bounds[0]), list(self.bounds[1])],
                "attribution": html.escape(self.attribution),
            },
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )

    @cached_property
    def id(self) -> str:
        """A digest of the layer's content: the same layer always has the same id."""
        return hashlib.sha1(f"{self._head}\n{self.data}".encode(), usedforsecurity=False).hexdigest()[:16]

    @cached_property
    def spec(self) -> bytes:
        """The layer as the browser's map reads it: UTF-8 JSON, built once per layer.

        An object with ``id`` (:attr:`id`: the browser redraws only when it changes), ``rows``
        (:attr:`data`), ``labels``, ``colours``, ``noData`` (the colour of an area without a
        value), ``bounds`` and ``attribution`` (HTML-escaped).
        """
        return f'{{"id":"{self.id}","rows":{self.data},{script_json(self._head[1:])}'.encode()


#: ``((south, west), (north, east))`` of the Netherlands: the bounds of a map without areas.
NETHERLANDS_BOUNDS: Final[tuple[tuple[float, float], tuple[float, float]]] = ((50.75, 3.2), (53.7, 7.22))


#: Sets of drawn areas (a gemeente's wijken or buurten, all gemeenten, ...) whose outlines, bounds and
#: credits are kept per dataset: every year, measure and language of a map draws the same areas.
AREA_SET_MEMO_ENTRIES: Final[int] = 64


def _bounds(ds: Dataset, codes: Sequence[str]) -> tuple[tuple[float, float], tuple[float, float]]:
    return memo(
        ds, ("layer_bounds", tuple(codes)), lambda: _compute_bounds(ds, codes), max_entries=AREA_SET_MEMO_ENTRIES
    )


def _compute_bounds(ds: Dataset, codes: Sequence[str]) -> tuple[tuple[float, float], tuple[float, float]]:
    xmin, ymin, xmax, ymax = ds.display.geometry.reindex(list(codes)).total_bounds
    if not np.isfinite([xmin, ymin, xmax, ymax]).all():  # no areas, or none with geometry
        return NETHERLANDS_BOUNDS
    return (float(ymin), float(xmin)), (float(ymax), float(xmax))


def _outlines(ds: Dataset, codes: Sequence[str]) -> list[list[list[str]]]:
    """Return the encoded polygons of ``codes``, in order (kept per set of areas; callers must not change it)."""
    return memo(
        ds,
        ("layer_outlines", tuple(codes)),
        lambda: [encode_geometry(g) for g in ds.display.geometry.reindex(list(codes)).array],
        max_entries=AREA_SET_MEMO_ENTRIES,
    )


def _credits(ds: Dataset, codes: Sequence[str], lang: str) -> str:
    """:func:`map_attribution`, kept per set of areas and language."""
    return memo(
        ds,
        ("layer_credits", tuple(codes), lang),
        lambda: map_attribution(ds, codes, lang=lang),
        max_entries=AREA_SET_MEMO_ENTRIES,
    )


def map_attribution(ds: Dataset, codes: Sequence[str], *, lang: str = "nl") -> str:
    """Name the sources of the boundaries and scores of the areas actually drawn.

    Boundaries are credited per source file of the drawn areas (:func:`boundary_credits`);
    scores per score file that holds a row of a drawn area.
    """
    sources = ds.manifest.get("sources", [])
    boundary = boundary_credits(ds, codes)
    score_files: set[str] = (
        set(ds.scores.loc[ds.scores["code"].isin(set(codes)), "source"]) if "source" in ds.scores else set()
    )
    score = {s["attribution"] for s in sources if s.get("kind") == "scores" and s.get("file") in score_files}
    boundary = {credit_name(who, lang) for who in boundary}
    score = {credit_name(who, lang) for who in score}
    words = ("Grenzen", "scores") if lang == "nl" else ("Boundaries", "scores")
    parts = []
    if boundary:
        parts.append(f"{words[0]}: {', '.join(sorted(boundary))}")
    if score:
        parts.append(f"{words[1]}: {', '.join(sorted(score))}")
    return "; ".join(parts)


def _layer_json(rows: list[Any]) -> str:
    return script_json(json.dumps(rows, ensure_ascii=False, separators=(",", ":")))


def choropleth_layer(
    ds: Dataset, codes: Sequence[str], *, year: int, measure: str, scale: Scale, lang: str = "nl"
) -> ChoroplethLayer:
    """Build the choropleth layer of ``codes`` for one year and measure.

    Parameters
    ----------
    ds : Dataset
        Source of geometry (``ds.display``), names and scores.
    codes : sequence of str
        Areas to include, in this order.
    year, measure : int, str
        What to colour by.
    scale : Scale
        The colour scale of ``measure`` (official classes or fixed steps).
    lang : {"nl", "en"}
        Language of the texts.

    Returns
    -------
    ChoroplethLayer
        Tooltip columns: name, code, value, meaning (class name or words), change since the
        previous measurement with a value.

    """
    text = _TEXT[check_lang(lang)]
    codes = list(codes)
    values = ds.values(codes, year, measure).to_numpy()
    prev = previous_year(ds, year, measure)
    before = ds.values(codes, prev, measure).to_numpy() if prev is not None else values * np.nan
    classes = scale.classify(values)
    outlines = _outlines(ds, codes)
    rows = []
    for i, code in enumerate(codes):
        v, b = values[i], before[i]
        missing = bool(np.isnan(v))
        change = text["no_prev"] if prev is None or np.isnan(b) or missing else fmt.number(v - b, lang, signed=True)
        texts = [
            ds.name(code),
            code,
            text["no_data"] if missing else fmt.number(v, lang),
            describe(scale, None if missing else float(v), lang=lang),
            change,
        ]
        rows.append([code, texts, int(classes[i]), outlines[i]])
    labels = (
        text["name"],
        text["code"],
        f"{text['value']} {year}",
        text["meaning"],
        f"{text['since']} {prev}" if prev else text["since"],
    )
    return ChoroplethLayer(
        tuple(codes),
        _layer_json(rows),
        labels,
        scale.colours,
        text["no_data"],
        _bounds(ds, codes),
        _credits(ds, codes, lang),
    )


def change_layer(
    ds: Dataset, codes: Sequence[str], *, start: int, end: int, measure: str, scale: Scale, lang: str = "nl"
) -> ChoroplethLayer:
    """Build a choropleth layer of the change of ``measure`` between two years.

    Areas without a value in either year are "geen gegevens" (class -1).
    """
    text = _TEXT[check_lang(lang)]
    codes = list(codes)
    a, b = ds.values(codes, start, measure).to_numpy(), ds.values(codes, end, measure).to_numpy()
    change = b - a
    classes = scale.classify(change)
    outlines = _outlines(ds, codes)
    rows = [
        [
            c,
            [
                ds.name(c),
                c,
                fmt.number(a[i], lang),
                fmt.number(b[i], lang),
                text["no_data"] if np.isnan(change[i]) else fmt.number(change[i], lang, signed=True),
            ],
            int(classes[i]),
            outlines[i],
        ]
        for i, c in enumerate(codes)
    ]
    labels = (text["name"], text["code"], str(start), str(end), text["change"])
    return ChoroplethLayer(
        tuple(codes),
        _layer_json(rows),
        labels,
        scale.colours,
        text["no_data"],
        _bounds(ds, codes),
        _credits(ds, codes, lang),
    )


def overlay_layer(
    ds: Dataset,
    codes: Sequence[str],
    *,
    colours: Mapping[str, str | None] | None = None,
    tooltips: Mapping[str, str] | None = None,
    lang: str = "nl",
) -> ChoroplethLayer:
    """Build a layer of areas drawn as outlines, filled where a colour is given (an area set on a map).

    Parameters
    ----------
    ds : Dataset
        Source of the drawn geometry and the names.
    codes : sequence of str
        The areas; codes without geometry are left out.
    colours : mapping of code to colour, optional
        Fill colours; None or absent means outline only.
    tooltips : mapping of code to str, optional
        Plain text per area (the browser sets it as text); default ``"name (code)"``.
    lang : {"nl", "en"}
        Language of the attribution.

    Returns
    -------
    ChoroplethLayer
        One text column per area and no row labels; draw it with ``map_spec(..., style="overlay")``.
    """
    check_lang(lang)
    geoms = ds.display.geometry
    shown = [c for c in dict.fromkeys(codes) if c in geoms.index and geoms[c] is not None and not geoms[c].is_empty]
    fills = list(dict.fromkeys(f for c in shown if (f := (colours or {}).get(c)) is not None))
    rows = [
        [
            c,
            [(tooltips or {}).get(c) or f"{ds.name(c)} ({c})"],
            fills.index(f) if (f := (colours or {}).get(c)) is not None else -1,
            encode_geometry(geoms[c]),
        ]
        for c in shown
    ]
    bounds = _bounds(ds, shown)
    return ChoroplethLayer(
        tuple(shown),
        _layer_json(rows),
        ("",),
        tuple(fills),
        "",
        bounds,
        map_attribution(ds, shown, lang=lang),
    )


def fill_colours(ds: Dataset, codes: Sequence[str], *, year: int, measure: str, scale: Scale) -> dict[str, str | None]:
    """Return the fill colour of each area, None for an area without a value."""
    values = ds.values(list(codes), year, measure)
    return {
        c: (None if np.isnan(v) else colour)
        for c, v, colour in zip(codes, values.to_numpy(), scale.colour(values.to_numpy()), strict=True)
    }
