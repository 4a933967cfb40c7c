"""Polygons as Encoded Polyline text: the compact form the browser's map decodes.

The drawn geometry lies on a 1e-5 degree grid (:data:`geo.build.DISPLAY_PRECISION`), so the
Encoded Polyline Algorithm at precision 5 reproduces it exactly, at about a third of the bytes
of GeoJSON text. ``static/map_view.js`` decodes it; :func:`decode_ring` is the inverse here.
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["decode_ring", "encode_geometry", "encode_ring"]


def encode_ring(coords: np.ndarray, *, precision: int = 5) -> str:
    """Encode a ring of (lon, lat) coordinates with the Encoded Polyline Algorithm.

    The drawn geometry lies on a 1e-5 degree grid (:data:`geo.build.DISPLAY_PRECISION`), so
    precision 5 reproduces it exactly, at about a third of the bytes of GeoJSON text. The
    browser decodes it (``static/map_view.js``). Latitude comes first, as in the original
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


def encode_geometry(geom: shapely.Geometry) -> list[list[str]]:
    """Polygons of ``geom`` as lists of encoded rings (exterior first)."""
    if geom is None or geom.is_empty:
        return []
    polygons = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, shapely.Polygon)]
    return [
        [encode_ring(np.asarray(poly.exterior.coords)), *(encode_ring(np.asarray(r.coords)) for r in poly.interiors)]
        for poly in polygons
    ]
