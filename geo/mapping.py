"""Build the explorer's folium choropleth.

The map is built from the dataset's simplified WGS84 display geometry (see
:func:`geo.build.build`), keyed by CBS code: every GeoJSON feature has ``id`` = code. Colours
come from :mod:`geo.classify` only; this module looks them up. Names and any other text are
HTML-escaped before they enter the map, because Leaflet tooltips render HTML. Leaflet itself is
served by the app (``static/leaflet``), never from a CDN, so the map works offline.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any, Final

import folium
import numpy as np
import shapely
from jinja2 import Template

from geo.classify import NO_DATA_COLOUR, PALETTE, Scale, describe, scale_for
from geo.dataset import Dataset
from geo.view import View

__all__ = [
    "BASEMAP_TILES",
    "LEAFLET_CSS",
    "LEAFLET_JS",
    "build_change_map",
    "build_map",
    "change_scale_classes",
    "feature_collection",
    "fill_colours",
    "format_number",
    "previous_year",
]

#: Where the app serves Leaflet (Streamlit static serving of ``static/``).
LEAFLET_JS: Final[str] = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS: Final[str] = "/app/static/leaflet/leaflet.css"

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
# Embed GeoJSON without spaces: about 15% less map payload. Jinja's ``tojson`` still escapes
# <, >, & and ' for safe embedding in a script.
# (folium's templates share one jinja environment; its policy sets the dumps options.)
folium.GeoJson._template.environment.policies["json.dumps_kwargs"] = {
    "sort_keys": True,
    "separators": (",", ":"),
}

_ATTRIBUTION: Final[str] = "Grenzen: CBS / Kadaster, Gemeente Amsterdam; scores: Leefbaarometer 3.0 (BZK)"

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


def format_number(value: float | None, *, lang: str = "nl", decimals: int = 3, signed: bool = False) -> str:
    """Format a number for display: decimal comma in Dutch, "–" for a missing value."""
    if value is None or not np.isfinite(value):
        return "–"
    text = f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "nl" else text


def previous_year(ds: Dataset, year: int, measure: str) -> int | None:
    """Return the measurement year before ``year`` that has data for ``measure``."""
    earlier = [y for y in ds.years(measure) if y < year]
    return max(earlier) if earlier else None


def feature_collection(
    ds: Dataset, codes: Sequence[str], *, year: int, measure: str, scale: Scale, lang: str = "nl"
) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection of ``codes`` with escaped, display-ready properties.

    Parameters
    ----------
    ds : Dataset
        Source of geometry (``ds.display``), names and scores.
    codes : sequence of str
        Areas to include, in this order.
    year, measure : int, str
        What to colour by.
    scale : Scale
        The fixed colour scale of ``measure``.
    lang : {"nl", "en"}
        Language of the text properties.

    Returns
    -------
    dict
        Features with ``id`` = code and properties ``c`` (code), ``n`` (escaped name),
        ``v`` (formatted value), ``w`` (the value in words) and ``d`` (change since the
        previous measurement). Fill colours come from :func:`fill_colours`, not from the
        features, to keep the payload small.

    """
    text = _TEXT.get(lang, _TEXT["nl"])
    values = ds.values(list(codes), year, measure)
    prev = previous_year(ds, year, measure)
    before = ds.values(list(codes), prev, measure) if prev is not None else values * np.nan
    geojson = _geometries(ds, codes)
    features = []
    for i, code in enumerate(codes):
        v, b = values.iloc[i], before.iloc[i]
        missing = bool(np.isnan(v))
        change = (
            text["no_prev"] if prev is None or np.isnan(b) or missing else format_number(v - b, lang=lang, signed=True)
        )
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "c": code,
                    "n": html.escape(ds.name(code)),
                    "v": text["no_data"] if missing else format_number(v, lang=lang),
                    "w": html.escape(describe(scale, None if missing else float(v), lang=lang)),
                    "d": change,
                },
                "geometry": geojson[i],
            }
        )
    return {"type": "FeatureCollection", "features": features}


def fill_colours(ds: Dataset, codes: Sequence[str], *, year: int, measure: str, scale: Scale) -> dict[str, str | None]:
    """Return the fill colour of each area, None for an area without a value."""
    values = ds.values(list(codes), year, measure)
    return {
        c: (None if np.isnan(v) else colour)
        for c, v, colour in zip(codes, values.to_numpy(), scale.colour(values.to_numpy()), strict=True)
    }


def _styler(colours: dict[str, str | None]) -> Any:
    def style(feature: dict[str, Any]) -> dict[str, Any]:
        fill = colours.get(feature["id"])
        if fill is None:  # "geen gegevens": grey and dashed, never a value colour
            return {
                "fillColor": NO_DATA_COLOUR,
                "fillOpacity": 0.35,
                "color": "#555",
                "weight": 0.8,
                "dashArray": "4 3",
            }
        return {"fillColor": fill, "fillOpacity": 0.8, "color": "#333", "weight": 0.6}

    return style


def _outline(colour: str, weight: float, dash: str | None = None) -> Any:
    style = {"fill": False, "color": colour, "weight": weight, "opacity": 1.0}
    if dash:
        style["dashArray"] = dash
    return lambda _feature: style


def build_map(
    ds: Dataset,
    view: View,
    *,
    neighbours: Sequence[str] = (),
    lang: str = "nl",
) -> folium.Map:
    """Build the choropleth of a view.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    view : View
        Gemeente, selected area, year, measure, level and base map.
    neighbours : sequence of str, optional
        Codes of the areas bordering the selected one; they are outlined (dashed), also
        across the gemeente border.
    lang : {"nl", "en"}
        Language of tooltips.

    Returns
    -------
    folium.Map
        Deterministic for the same inputs; Leaflet is loaded from :data:`LEAFLET_JS`.

    """
    text = _TEXT.get(lang, _TEXT["nl"])
    scale = scale_for(view.measure, national_reference=float(ds.national_reference().value or 0.0))
    level = view.level
    codes = ds.codes(level, gemeente=view.gemeente)  # type: ignore[arg-type]
    fc = feature_collection(ds, codes, year=view.year, measure=view.measure, scale=scale, lang=lang)

    m, bounds = _base_map(ds, codes, view.basemap)
    prev = previous_year(ds, view.year, view.measure)
    tooltip = folium.GeoJsonTooltip(
        fields=["n", "c", "v", "w", "d"],
        aliases=[
            text["name"],
            text["code"],
            f"{text['value']} {view.year}",
            text["meaning"],
            f"{text['since']} {prev}" if prev else text["since"],
        ],
        sticky=False,
        style="font-size: 15px;",
    )
    folium.GeoJson(
        fc,
        name="areas",
        style_function=_styler(fill_colours(ds, codes, year=view.year, measure=view.measure, scale=scale)),
        highlight_function=lambda _f: {"weight": 3, "color": "#000"},
        tooltip=tooltip,
        zoom_on_click=False,
    ).add_to(m)
    outline_codes = [c for c in neighbours if c != view.area]
    if outline_codes:
        folium.GeoJson(
            _plain(ds, outline_codes),
            name="neighbours",
            style_function=_outline("#222", 2.0, "6 4"),
            interactive=False,
        ).add_to(m)
    selected = [view.area] if view.area == view.wijk or level == "buurt" else [view.wijk, view.area]
    folium.GeoJson(
        _plain(ds, selected), name="selected", style_function=_outline("#000", 4.0), interactive=False
    ).add_to(m)
    return _finish(m, bounds)


def _base_map(ds: Dataset, codes: Sequence[str], basemap: str) -> tuple[folium.Map, list[list[float]]]:
    """Return an empty map around ``codes`` with local Leaflet assets and the chosen base map."""
    xmin, ymin, xmax, ymax = ds.display.geometry.reindex(list(codes)).total_bounds
    m = folium.Map(
        location=[(ymin + ymax) / 2, (xmin + xmax) / 2],
        tiles=None,
        zoom_start=12,
        zoom_snap=0.25,
        control_scale=True,
        prefer_canvas=False,
    )
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    tiles = BASEMAP_TILES.get(basemap)
    if tiles is not None:
        folium.TileLayer(tiles=tiles[0], attr=tiles[1], name=basemap, max_zoom=19).add_to(m)
    return m, [[float(ymin), float(xmin)], [float(ymax), float(xmax)]]


def _finish(m: folium.Map, bounds: list[list[float]]) -> folium.Map:
    m.fit_bounds(bounds)
    m.options["attributionControl"] = True
    m.add_child(_Attribution(_ATTRIBUTION, bounds))
    m.get_root().header.add_child(  # type: ignore[attr-defined]
        folium.Element("<style>.leaflet-control-attribution{font-size:11px;line-height:1.3}</style>"), name="css"
    )
    return m


def change_scale_classes(vmin: float, vmax: float) -> Scale:
    """Return a 9-class diverging scale for changes, symmetric around 0, from a fixed bound.

    Parameters
    ----------
    vmin, vmax : float
        The fixed bounds of the change scale (see :func:`geo.trends.change_scale`); the outer
        classes are open-ended beyond them.
    """
    bound = max(abs(vmin), abs(vmax))
    edges = tuple(round(bound * k / 9, 6) for k in (-7, -5, -3, -1, 1, 3, 5, 7))
    return Scale("change", edges, PALETTE, 0.0)


def build_change_map(
    ds: Dataset,
    codes: Sequence[str],
    *,
    start: int,
    end: int,
    measure: str,
    scale: Scale,
    basemap: str = "none",
    lang: str = "nl",
) -> folium.Map:
    """Build a choropleth of the change of ``measure`` between two years.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    codes : sequence of str
        Areas to draw (e.g. the wijken of a gemeente).
    start, end : int
        The two measurement years; the change is ``end - start``.
    measure : str
        The measure.
    scale : Scale
        A fixed diverging scale (:func:`change_scale_classes`), so that maps are comparable.
    basemap : {"pdok", "osm", "none"}
        Background map.
    lang : {"nl", "en"}
        Language of tooltips.

    Returns
    -------
    folium.Map
        Areas without a value in either year are grey ("geen gegevens").
    """
    text = _TEXT.get(lang, _TEXT["nl"])
    a, b = ds.values(list(codes), start, measure), ds.values(list(codes), end, measure)
    change = b - a
    colours = dict(zip(codes, scale.colour(change.to_numpy()), strict=True))
    colour_map = {c: (None if np.isnan(v) else colours[c]) for c, v in zip(codes, change.to_numpy(), strict=True)}
    geoms = _geometries(ds, codes)
    features = [
        {
            "type": "Feature",
            "id": c,
            "properties": {
                "c": c,
                "n": html.escape(ds.name(c)),
                "a": format_number(a.iloc[i], lang=lang),
                "b": format_number(b.iloc[i], lang=lang),
                "d": text["no_data"]
                if np.isnan(change.iloc[i])
                else format_number(change.iloc[i], lang=lang, signed=True),
            },
            "geometry": geoms[i],
        }
        for i, c in enumerate(codes)
    ]
    m, bounds = _base_map(ds, codes, basemap)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="change",
        style_function=_styler(colour_map),
        highlight_function=lambda _f: {"weight": 3, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(
            fields=["n", "c", "a", "b", "d"],
            aliases=[text["name"], text["code"], str(start), str(end), text["change"]],
            sticky=False,
            style="font-size: 15px;",
        ),
        zoom_on_click=False,
    ).add_to(m)
    return _finish(m, bounds)


def _geometries(ds: Dataset, codes: Sequence[str]) -> list[dict[str, Any]]:
    """GeoJSON geometry dicts of the drawn (simplified WGS84) geometry of ``codes``, in order."""
    return [json.loads(g) for g in shapely.to_geojson(ds.display.geometry.reindex(list(codes)).array)]


def _plain(ds: Dataset, codes: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": c, "properties": {}, "geometry": g}
            for c, g in zip(codes, _geometries(ds, codes), strict=True)
        ],
    }


class _Attribution(folium.MacroElement):
    """Add a fixed, escaped attribution text to the map's attribution control."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});"
        # the component iframe is resized after the map is created: redraw at the final size
        "setTimeout(function () { {{ this._parent.get_name() }}.invalidateSize(); "
        "{{ this._parent.get_name() }}.fitBounds({{ this.bounds }}); }, 150);"
        "{% endmacro %}"
    )

    def __init__(self, text: str, bounds: list[list[float]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Attribution"
        self.text = json.dumps(html.escape(text))
        self.bounds = json.dumps(bounds)
