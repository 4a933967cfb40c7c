"""What the browser's map receives: a layer, the selection's outlines and the base map, as one spec.

The layers themselves (and their cached text) come from :mod:`geo.mapping`; this module adds what
changes with a click or a setting, so the browser (``static/map_view.js``) redraws only that and
keeps the user's zoom and pan.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from geo._cache import memo
from geo.classify import Scale, scale_for
from geo.dataset import Dataset
from geo.mapping import ChoroplethLayer, basemap_tiles, choropleth_layer
from geo.polyline import encode_geometry
from geo.textsafe import script_json
from geo.view import NATIONAL, View

__all__ = ["build_map", "map_codes", "map_scale", "map_spec", "outline_rings", "view_layer", "view_spec"]


def outline_rings(ds: Dataset, *, selected: Sequence[str], neighbours: Sequence[str] = ()) -> dict[str, Any]:
    """Return the outlines that change with a click, encoded for the browser's map.

    ``{"selected": [...], "neighbours": [...]}``, each a list of areas, each a list of polygons
    as encoded rings (:func:`geo.polyline.encode_ring`). The map draws the selection with a thick line and
    its neighbours dashed, as a layer of its own: a click changes only these, and the
    choropleth (with the user's zoom and pan) stays as it is. Codes without geometry are left out.
    """
    chosen = [c for c in dict.fromkeys(selected) if ds.has(c)]
    others = [c for c in dict.fromkeys(neighbours) if c not in chosen and ds.has(c)]
    return {
        "selected": [_encoded_outline(ds, c) for c in chosen],
        "neighbours": [_encoded_outline(ds, c) for c in others],
    }


#: Encoded outlines kept per dataset (each a few kB): a map run outlines the selection and its
#: neighbours, the same areas run after run.
OUTLINE_MEMO_ENTRIES: Final[int] = 4096


def _encoded_outline(ds: Dataset, code: str) -> list[list[str]]:
    """One area's polygons as encoded rings (memoised per dataset; callers must not change it)."""
    return memo(
        ds,
        ("outline", code),
        lambda: encode_geometry(ds.display.geometry.get(code)),
        max_entries=OUTLINE_MEMO_ENTRIES,
    )


def map_spec(
    layer: ChoroplethLayer,
    *,
    view: str,
    basemap: str = "pdok",
    lang: str = "nl",
    outlines: dict[str, Any] | None = None,
    height: int = 560,
    style: str = "choropleth",
    clickable: bool = False,
) -> bytes:
    """Return everything the browser's map draws, as UTF-8 JSON (see ``static/map_view.js``).

    Parameters
    ----------
    layer : ChoroplethLayer
        The areas; its part of the text (:attr:`ChoroplethLayer.spec`) is built once per layer.
    view : str
        What the map shows, e.g. ``"GM0363|buurt"``. The browser fits the map to the layer when
        this changes, and otherwise keeps the user's zoom and pan (also across page switches).
    basemap : {"pdok", "osm", "none"}
        The background map; its attribution is in ``lang``.
    outlines : dict, optional
        The selection and its neighbours (:func:`outline_rings`).
    height : int
        The map's height in CSS pixels.
    style : {"choropleth", "overlay"}
        Fill every area by its class with thin borders, or draw outlines with a fill only
        where a class is given (an area set on a map).
    clickable : bool
        Whether a click on an area reports its code (``map_view.show(..., on_click=...)``); a map
        without it does not rerun the page on a click.
    """
    if style not in ("choropleth", "overlay"):
        raise ValueError(f"style must be 'choropleth' or 'overlay', not {style!r}")
    tiles = basemap_tiles(basemap, lang)
    rest = json.dumps(
        {
            "view": view,
            "tiles": None if tiles is None else {"url": tiles[0], "attribution": tiles[1]},
            "outlines": outlines or {"selected": [], "neighbours": []},
            "height": int(height),
            "style": style,
            "clickable": bool(clickable),
        },
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )
    return b'{"layer":' + layer.spec + b"," + script_json(rest[1:]).encode()


def map_codes(ds: Dataset, view: View) -> list[str]:
    """Return the areas a view's map fills: the gemeente's wijken or buurten, or the whole country."""
    if view.gemeente == NATIONAL:
        return ds.codes(view.level)  # type: ignore[arg-type]
    return ds.codes(view.level, gemeente=view.gemeente)  # type: ignore[arg-type]


def view_spec(
    ds: Dataset,
    view: View,
    layer: ChoroplethLayer,
    *,
    neighbours: Sequence[str] = (),
    lang: str = "nl",
    height: int = 560,
    clickable: bool = False,
) -> bytes:
    """Return the map spec of a view: its choropleth ``layer`` and the outlines of its selection.

    The selected area is outlined (with its wijk when it is a buurt on a wijk map), and
    ``neighbours`` dashed; the national map outlines nothing. The view key is
    ``"gemeente|level"``, so the browser keeps the zoom while only the year, measure or
    selection changes.
    """
    if view.gemeente == NATIONAL:
        outlines = outline_rings(ds, selected=[])
    else:
        selected = [view.area] if view.area == view.wijk or view.level == "buurt" else [view.wijk, view.area]
        outlines = outline_rings(ds, selected=selected, neighbours=neighbours)
    return map_spec(
        layer,
        view=f"{view.gemeente}|{view.level}",
        basemap=view.basemap,
        lang=lang,
        outlines=outlines,
        height=height,
        clickable=clickable,
    )


def map_scale(ds: Dataset, measure: str, kind: str = "fixed") -> Scale:
    """Return the colour scale of a measure's map: the official classes or the fixed steps."""
    return scale_for(measure, national_reference=float(ds.national_reference().value or 0.0), kind=kind)


def view_layer(ds: Dataset, view: View, *, lang: str = "nl", scale_kind: str = "fixed") -> ChoroplethLayer:
    """Return the choropleth layer of a view's map: its areas (:func:`map_codes`) in its year and measure."""
    scale = map_scale(ds, view.measure, scale_kind)
    return choropleth_layer(ds, map_codes(ds, view), year=view.year, measure=view.measure, scale=scale, lang=lang)


def build_map(
    ds: Dataset,
    view: View,
    *,
    neighbours: Sequence[str] = (),
    lang: str = "nl",
    scale_kind: str = "fixed",
) -> bytes:
    """Build the whole map spec of a view in one go: choropleth plus the selection outlines.

    The app caches the choropleth layer (and passes it to :func:`view_spec`); this is the
    same map, uncached, for tests and benchmarks.
    """
    layer = view_layer(ds, view, lang=lang, scale_kind=scale_kind)
    return view_spec(ds, view, layer, neighbours=neighbours, lang=lang)
