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
from dataclasses import dataclass
from typing import Any, Final

import folium
import numpy as np
import shapely
from branca.element import Element
from jinja2 import Template

from geo import fmt
from geo.classify import NO_DATA_COLOUR, PALETTE, Scale, describe, scale_for
from geo.dataset import Dataset
from geo.i18n import check_lang
from geo.summary import previous_year
from geo.view import NATIONAL, View

__all__ = [
    "BASEMAP_TILES",
    "LEAFLET_CSS",
    "LEAFLET_JS",
    "ChoroplethLayer",
    "basemap_tiles",
    "build_change_map",
    "build_map",
    "change_layer",
    "change_scale_classes",
    "choropleth_layer",
    "decode_ring",
    "draw_map",
    "encode_ring",
    "fill_colours",
    "format_number",
    "legend_html",
    "map_attribution",
    "map_codes",
    "outline_group",
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


# Embed GeoJSON without spaces: about 15% less map payload. Jinja's ``tojson`` still escapes
# <, >, & and ' for safe embedding in a script.
# (folium's templates share one jinja environment; its policy sets the dumps options.)
folium.GeoJson._template.environment.policies["json.dumps_kwargs"] = {
    "sort_keys": True,
    "separators": (",", ":"),
}

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
    """Format a number for display: decimal comma in Dutch, "–" for a missing value (:func:`geo.fmt.number`)."""
    return fmt.number(value, lang, decimals, signed=signed)


def encode_ring(coords: np.ndarray, *, precision: int = 5) -> str:
    """Encode a ring of (lon, lat) coordinates with the Encoded Polyline Algorithm.

    The drawn geometry lies on a 1e-5 degree grid (:data:`geo.build.DISPLAY_PRECISION`), so
    precision 5 reproduces it exactly, at about a third of the bytes of GeoJSON text. The
    browser decodes it (see :class:`_EncodedLayer`). Latitude comes first, as in the original
    algorithm.
    """
    ints = np.rint(np.asarray(coords, dtype="float64")[:, ::-1] * 10**precision).astype(np.int64)
    deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    out: list[str] = []
    for value in deltas.tolist():
        v = ~(value << 1) if value < 0 else value << 1
        while v >= 0x20:
            out.append(chr((0x20 | (v & 0x1F)) + 63))
            v >>= 5
        out.append(chr(v + 63))
    return "".join(out)


def decode_ring(text: str, *, precision: int = 5) -> list[tuple[float, float]]:
    """Decode :func:`encode_ring` output back to (lon, lat) pairs (the inverse, for tests)."""
    values: list[int] = []
    i = 0
    while i < len(text):
        shift = result = 0
        while True:
            b = ord(text[i]) - 63
            i += 1
            result |= (b & 0x1F) << shift
            shift += 5
            if b < 0x20:
                break
        values.append(~(result >> 1) if result & 1 else result >> 1)
    lat = np.cumsum(values[0::2]) / 10**precision
    lon = np.cumsum(values[1::2]) / 10**precision
    return [(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]


def _encode_geometry(geom: shapely.Geometry) -> list[list[str]]:
    """Polygons of ``geom`` as lists of encoded rings (exterior first)."""
    if geom is None or geom.is_empty:
        return []
    polygons = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, shapely.Polygon)]
    return [
        [encode_ring(np.asarray(poly.exterior.coords)), *(encode_ring(np.asarray(r.coords)) for r in poly.interiors)]
        for poly in polygons
    ]


@dataclass(frozen=True)
class ChoroplethLayer:
    """A choropleth ready to draw: encoded geometry and display texts, immutable and cacheable.

    Build it with :func:`choropleth_layer` or :func:`change_layer`; draw it with
    :func:`draw_map`. The same inputs give the same layer, so the drawn map's script is the same
    on every rerun and the browser keeps the user's zoom and pan.

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


def _bounds(ds: Dataset, codes: Sequence[str]) -> tuple[tuple[float, float], tuple[float, float]]:
    xmin, ymin, xmax, ymax = ds.display.geometry.reindex(list(codes)).total_bounds
    return (float(ymin), float(xmin)), (float(ymax), float(xmax))


def map_attribution(ds: Dataset, codes: Sequence[str], *, lang: str = "nl") -> str:
    """Name the sources of the boundaries and scores of the areas actually drawn.

    Boundaries are credited per source file of the drawn areas (``areas.source`` where the
    dataset records it, else every area file of the drawn levels); scores per score file that
    holds a row of a drawn area.
    """
    sources = ds.manifest.get("sources", [])
    areas = ds.areas.reindex(list(codes))
    levels = set(areas["level"].dropna())

    def gives_areas(s: dict[str, Any]) -> bool:
        return "areas" in s.get("provides", [s.get("kind")])

    def credit(s: dict[str, Any]) -> str:
        return str(s.get("geometry_attribution", s["attribution"]))

    if "source" in areas:
        files = set(areas["source"].dropna())
        boundary = {credit(s) for s in sources if gives_areas(s) and s.get("file") in files}
    else:
        boundary = {credit(s) for s in sources if gives_areas(s) and s.get("level") in levels}
    score_files: set[str] = (
        set(ds.scores.loc[ds.scores["code"].isin(set(codes)), "source"]) if "source" in ds.scores else set()
    )
    score = {s["attribution"] for s in sources if s.get("kind") == "scores" and s.get("file") in score_files}
    words = ("Grenzen", "scores") if lang == "nl" else ("Boundaries", "scores")
    parts = []
    if boundary:
        parts.append(f"{words[0]}: {', '.join(sorted(boundary))}")
    if score:
        parts.append(f"{words[1]}: {', '.join(sorted(score))}")
    return "; ".join(parts)


def _layer_json(rows: list[Any]) -> str:
    # Safe inside a <script>: no "<", ">" or "&" survive as such. And folium renders each
    # element's script output once more as a Jinja template, so no "{" may survive either (the
    # rows are lists, so "{" only occurs inside strings, where the JSON escape is valid).
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("{", "\\u007b")):
        text = text.replace(char, escaped)
    return text


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
    geoms = ds.display.geometry.reindex(codes).array
    rows = []
    for i, code in enumerate(codes):
        v, b = values[i], before[i]
        missing = bool(np.isnan(v))
        change = (
            text["no_prev"] if prev is None or np.isnan(b) or missing else format_number(v - b, lang=lang, signed=True)
        )
        texts = [
            ds.name(code),
            code,
            text["no_data"] if missing else format_number(v, lang=lang),
            describe(scale, None if missing else float(v), lang=lang),
            change,
        ]
        rows.append([code, texts, int(classes[i]), _encode_geometry(geoms[i])])
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
        map_attribution(ds, codes, lang=lang),
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
    geoms = ds.display.geometry.reindex(codes).array
    rows = [
        [
            c,
            [
                ds.name(c),
                c,
                format_number(a[i], lang=lang),
                format_number(b[i], lang=lang),
                text["no_data"] if np.isnan(change[i]) else format_number(change[i], lang=lang, signed=True),
            ],
            int(classes[i]),
            _encode_geometry(geoms[i]),
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
        map_attribution(ds, codes, lang=lang),
    )


_LEGEND_NOTES: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "official": "Officiële Leefbaarometer-klassen; de grenzen zijn afgelezen uit de gepubliceerde "
        "klassen van 2024.",
        "fixed": "Vaste schaal voor alle jaren en gebieden, rond het landelijk referentieniveau. "
        "Geen officiële Leefbaarometer-klassen.",
        "change": "Vaste, symmetrische schaal van de verandering.",
    },
    "en": {
        "official": "Official Leefbaarometer classes; the cut-offs were read off the published 2024 classes.",
        "fixed": "Fixed scale for all years and areas, centred on the national reference. "
        "Not the official Leefbaarometer classes.",
        "change": "Fixed, symmetric scale of the change.",
    },
}


def legend_html(
    scale: Scale,
    *,
    title: str,
    lang: str = "nl",
    note: str | None = None,
    decimals: int = 2,
    compact: bool = False,
) -> str:
    """Return the legend of a scale as escaped HTML: swatches best first, then "no data" and a note.

    Official total-score classes show their official names next to the range; every other
    scale shows the ranges, with ``decimals`` decimals. ``title`` and ``note`` are plain text
    (escaped here). The map page and the change page both draw their legend with it.
    ``compact`` lays the swatches out in a row (for a projector: under the map), worst first,
    official class names without their ranges.
    """
    text = _TEXT[check_lang(lang)]
    names = scale.class_names(lang=lang)
    labels = scale.labels(decimals=decimals)
    if lang == "nl":
        labels = [label.replace(".", ",") for label in labels]
    entries = [f"{names[i]} ({labels[i]})" if names else labels[i] for i in range(len(labels))]
    swatch = (
        '<div><span style="display:inline-block;width:1.1em;height:1.1em;background:{colour};'
        'border:1px {line} #555;vertical-align:middle;margin-right:.4em"></span>{label}</div>'
    )
    rows = [
        swatch.format(colour=c, line="solid", label=html.escape(label))
        for c, label in reversed(list(zip(scale.colours, entries, strict=True)))
    ]
    rows.append(swatch.format(colour=NO_DATA_COLOUR, line="dashed", label=html.escape(text["no_data"])))
    kind = "change" if scale.measure == "change" else scale.kind
    note = note if note is not None else _LEGEND_NOTES[check_lang(lang)][kind]
    if compact:
        short = list(names) if names else entries
        chips = [
            f'<span style="white-space:nowrap;margin-right:.7em"><span style="display:inline-block;width:.9em;'
            f'height:.9em;background:{c};border:1px solid #555;vertical-align:middle;margin-right:.25em"></span>'
            f"{html.escape(label)}</span>"
            for c, label in zip(scale.colours, short, strict=True)
        ]
        chips.append(
            f'<span style="white-space:nowrap"><span style="display:inline-block;width:.9em;height:.9em;'
            f'background:{NO_DATA_COLOUR};border:1px dashed #555;vertical-align:middle;margin-right:.25em">'
            f"</span>{html.escape(text['no_data'])}</span>"
        )
        return (
            f'<div class="legend" style="line-height:1.4;font-size:.8em"><b>{html.escape(title)}:</b> '
            f'{"".join(chips)} <span style="color:#444">({html.escape(note)})</span></div>'
        )
    return (
        f'<div class="legend" style="line-height:1.5"><b>{html.escape(title)}</b>{"".join(rows)}'
        f'<div style="font-size:.85em;color:#444;margin-top:.3em">{html.escape(note)}</div></div>'
    )


def fill_colours(ds: Dataset, codes: Sequence[str], *, year: int, measure: str, scale: Scale) -> dict[str, str | None]:
    """Return the fill colour of each area, None for an area without a value."""
    values = ds.values(list(codes), year, measure)
    return {
        c: (None if np.isnan(v) else colour)
        for c, v, colour in zip(codes, values.to_numpy(), scale.colour(values.to_numpy()), strict=True)
    }


def _outline(colour: str, weight: float, dash: str | None = None) -> Any:
    style = {"fill": False, "color": colour, "weight": weight, "opacity": 1.0}
    if dash:
        style["dashArray"] = dash
    return lambda _feature: style


def outline_group(ds: Dataset, *, selected: Sequence[str], neighbours: Sequence[str] = ()) -> folium.FeatureGroup:
    """Return the outlines that change with a click: the selected area (thick) and its neighbours (dashed).

    Pass it to ``st_folium(..., feature_group_to_add=...)``: the component then updates only
    these outlines, and the choropleth (with the user's zoom and pan) stays as it is.
    """
    group = folium.FeatureGroup(name="selection", control=False)
    others = [c for c in neighbours if c not in selected and ds.has(c)]
    if others:
        folium.GeoJson(
            _plain(ds, others), name="neighbours", style_function=_outline("#222", 2.0, "6 4"), interactive=False
        ).add_to(group)
    chosen = [c for c in selected if ds.has(c)]
    if chosen:
        folium.GeoJson(
            _plain(ds, chosen), name="selected", style_function=_outline("#000", 4.0), interactive=False
        ).add_to(group)
    return group


def draw_map(layer: ChoroplethLayer, *, basemap: str = "pdok", lang: str = "nl") -> folium.Map:
    """Draw a choropleth layer on a new folium map with local Leaflet and the chosen base map.

    Cheap (the layer is pre-encoded), deterministic: the same layer and base map give the
    same script, which streamlit-folium then does not re-create in the browser.
    """
    (south, west), (north, east) = layer.bounds
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        tiles=None,
        zoom_start=12,
        zoom_snap=0.25,
        control_scale=True,
        prefer_canvas=False,
    )
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    tiles = basemap_tiles(basemap, lang)
    attribution = layer.attribution
    if tiles is not None:
        folium.TileLayer(tiles=tiles[0], attr=tiles[1], name=basemap, max_zoom=19).add_to(m)
    m.add_child(_EncodedLayer(layer))
    bounds = [[south, west], [north, east]]
    m.fit_bounds(bounds)
    m.options["attributionControl"] = True
    m.add_child(_Attribution(attribution, bounds))
    m.get_root().header.add_child(  # type: ignore[attr-defined]
        folium.Element("<style>.leaflet-control-attribution{font-size:11px;line-height:1.3}</style>"), name="css"
    )
    return m


def map_codes(ds: Dataset, view: View) -> list[str]:
    """Return the areas a view's map fills: the gemeente's wijken or buurten, or the whole country."""
    if view.gemeente == NATIONAL:
        return ds.codes(view.level)  # type: ignore[arg-type]
    return ds.codes(view.level, gemeente=view.gemeente)  # type: ignore[arg-type]


def build_map(
    ds: Dataset,
    view: View,
    *,
    neighbours: Sequence[str] = (),
    lang: str = "nl",
    scale_kind: str = "fixed",
) -> folium.Map:
    """Build the whole map of a view in one go: choropleth plus the selection outlines.

    The app draws the two parts separately (:func:`choropleth_layer` + :func:`draw_map`, and
    :func:`outline_group` as a dynamic layer); this is the same map for the brief, tests and
    benchmarks.
    """
    scale = scale_for(view.measure, national_reference=float(ds.national_reference().value or 0.0), kind=scale_kind)
    layer = choropleth_layer(ds, map_codes(ds, view), year=view.year, measure=view.measure, scale=scale, lang=lang)
    m = draw_map(layer, basemap=view.basemap, lang=lang)
    if view.gemeente == NATIONAL:
        selected: list[str] = []
    else:
        selected = [view.area] if view.area == view.wijk or view.level == "buurt" else [view.wijk, view.area]
    outline_group(ds, selected=selected, neighbours=neighbours).add_to(m)
    return m


def change_scale_classes(vmin: float, vmax: float) -> Scale:
    """Return a 9-class diverging scale for changes, symmetric around 0, from a fixed bound.

    Parameters
    ----------
    vmin, vmax : float
        The fixed bounds of the change scale (see :func:`geo.change.change_scale`); the outer
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
    """Build a choropleth of the change of ``measure`` between two years (see :func:`change_layer`)."""
    layer = change_layer(ds, codes, start=start, end=end, measure=measure, scale=scale, lang=lang)
    return draw_map(layer, basemap=basemap, lang=lang)


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


class _RawScript(Element):
    """A piece of finished script: rendered as it is, never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        """Return the script text."""
        return self._text


class _EncodedLayer(folium.MacroElement):
    """Leaflet script of a :class:`ChoroplethLayer`: decode the rings, style by class, tooltips as text."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function () {"
        "var rows = {{ this.layer.data }}; var colours = {{ this.colours }}; var labels = {{ this.labels }};"
        "function dec(s) { var pts = [], i = 0, lat = 0, lng = 0;"
        " while (i < s.length) { var b, sh = 0, r = 0;"
        "  do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);"
        "  lat += (r & 1) ? ~(r >> 1) : (r >> 1); sh = 0; r = 0;"
        "  do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);"
        "  lng += (r & 1) ? ~(r >> 1) : (r >> 1); pts.push([lng / 1e5, lat / 1e5]); }"
        " return pts; }"
        "var features = rows.map(function (r) { return {type: 'Feature', id: r[0],"
        " properties: {c: r[0], t: r[1], k: r[2]},"
        " geometry: {type: 'MultiPolygon', coordinates: r[3].map(function (p) { return p.map(dec); })}}; });"
        "function style(f) { var k = f.properties.k; return k < 0"
        " ? {fillColor: {{ this.no_data_colour }}, fillOpacity: 0.35, color: '#555', weight: 0.8, dashArray: '4 3'}"
        " : {fillColor: colours[k], fillOpacity: 0.8, color: '#333', weight: 0.6}; }"
        "function tip(layer) { var box = document.createElement('div'); box.style.fontSize = '15px';"
        " layer.feature.properties.t.forEach(function (value, i) {"
        "  var row = document.createElement('div'); var b = document.createElement('b');"
        "  b.textContent = labels[i] + ': '; row.appendChild(b);"
        "  row.appendChild(document.createTextNode(value)); box.appendChild(row); });"
        " return box; }"
        "var layer = L.geoJson({type: 'FeatureCollection', features: features}, {style: style,"
        " onEachFeature: function (f, l) { l.bindTooltip(tip, {sticky: false});"
        "  l.on('mouseover', function () { l.setStyle({weight: 3, color: '#000'}); });"
        "  l.on('mouseout', function () { layer.resetStyle(l); }); }});"
        "layer.addTo({{ this._parent.get_name() }});"
        "})();"
        "{% endmacro %}"
    )

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add the script to the figure as it is.

        branca's default compiles every element's script output once more as a Jinja
        template; for a layer of up to a megabyte of data that costs more than the rest of the
        map together, and the output needs no templating.
        """
        figure = self.get_root()
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_RawScript(script(self, kwargs)), name=self.get_name())  # type: ignore[attr-defined]

    def __init__(self, layer: ChoroplethLayer) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "EncodedLayer"
        self.layer = layer
        self.colours = _layer_json(list(layer.colours))
        self.labels = _layer_json(list(layer.labels))
        self.no_data_colour = json.dumps(NO_DATA_COLOUR)
