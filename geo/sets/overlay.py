"""Drawing a set: its members as outlined, optionally filled, shapes on a folium map."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from geo.dataset import Dataset

if TYPE_CHECKING:
    import folium

__all__ = ["overlay_map"]


def overlay_map(
    ds: Dataset,
    codes: Sequence[str],
    *,
    colours: Mapping[str, str | None] | None = None,
    tooltips: Mapping[str, str] | None = None,
    basemap: str = "pdok",
    lang: str = "nl",
) -> folium.Map:
    """Draw the members of a set (or any areas) as outlined, optionally filled, shapes on a folium map.

    Parameters
    ----------
    ds : Dataset
        Its WGS84 display geometry is drawn (one CRS policy: stored in RD New, drawn in WGS84).
    codes : sequence of str
        The areas; codes without geometry are skipped.
    colours : mapping of code to colour, optional
        Fill colours; None or absent means outline only (hatched grey "no data" is not used here).
    tooltips : mapping of code to str, optional
        Plain text per area; it is HTML-escaped here.
    basemap : {"pdok", "osm", "none"}
        Background map.

    Returns
    -------
    folium.Map
    """
    import html as _html

    import folium  # imported here: folium is only needed when a map is drawn
    import shapely

    from geo.mapping import LEAFLET_CSS, LEAFLET_JS, basemap_tiles

    shown = [c for c in dict.fromkeys(codes) if c in ds.display.index]
    features = []
    for c in shown:
        geom = ds.display.loc[c, "geometry"]
        if geom is None or geom.is_empty:
            continue
        fill = (colours or {}).get(c)
        tip = (tooltips or {}).get(c) or f"{ds.name(c)} ({c})"
        features.append(
            {
                "type": "Feature",
                "id": c,
                "properties": {"tip": _html.escape(tip), "fill": fill or "", "filled": fill is not None},
                "geometry": shapely.geometry.mapping(geom),
            }
        )
    fmap = folium.Map(tiles=None, zoom_start=8, location=[52.2, 5.3], control_scale=True)
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    tiles = basemap_tiles(basemap, lang)
    if tiles is not None:
        folium.TileLayer(tiles=tiles[0], attr=tiles[1], name=basemap, max_zoom=19).add_to(fmap)
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name="set",
            style_function=lambda f: {
                "color": "#111",
                "weight": 2.0,
                "fillColor": f["properties"]["fill"] or "#000",
                "fillOpacity": 0.75 if f["properties"]["filled"] else 0.0,
            },
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        ).add_to(fmap)
        minx, miny, maxx, maxy = ds.display.loc[[f["id"] for f in features]].total_bounds
        fmap.fit_bounds([[float(miny), float(minx)], [float(maxy), float(maxx)]])
    return fmap
