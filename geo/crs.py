"""The one CRS policy: store and measure in RD New, draw in WGS84.

Every reader converts to :data:`STORAGE_CRS` at the boundary. Only map and export code
converts to :data:`DISPLAY_CRS`, and only on a copy.
"""

from __future__ import annotations

from typing import Final

from pyproj import CRS

__all__ = ["DISPLAY_CRS", "NL_RD_BOUNDS", "NL_WGS84_BOUNDS", "STORAGE_CRS", "guess_crs"]

#: Amersfoort / RD New, the Dutch national grid (metres).
STORAGE_CRS: Final[str] = "EPSG:28992"
#: WGS84 longitude/latitude, used by Leaflet and GeoJSON.
DISPLAY_CRS: Final[str] = "EPSG:4326"

# PROJ keeps the first EPSG:4326 it builds in a process and hands out that one afterwards. When the
# first one came from identifying a CRS read from a GeoParquet file (``to_epsg()`` on a loaded
# dataset), a later build wrote its display file's CRS in another form (``datum`` instead of
# ``datum_ensemble``; the same coordinates), so the file's bytes and name depended on what the
# process had done before. Building both CRSs here, when ``geo`` is imported, fixes the form.
_FIRST_BUILT: Final[tuple[CRS, CRS]] = (CRS.from_user_input(STORAGE_CRS), CRS.from_user_input(DISPLAY_CRS))

#: Bounds (xmin, ymin, xmax, ymax) that contain the Netherlands, with a margin.
NL_RD_BOUNDS: Final[tuple[float, float, float, float]] = (-10_000, 280_000, 310_000, 640_000)
NL_WGS84_BOUNDS: Final[tuple[float, float, float, float]] = (2.8, 50.5, 7.5, 53.9)


def _within(bounds: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    return bool(bounds[0] >= box[0] and bounds[1] >= box[1] and bounds[2] <= box[2] and bounds[3] <= box[3])


def guess_crs(bounds: tuple[float, float, float, float]) -> str | None:
    """Recognise RD New or WGS84 from the coordinate ranges of Dutch data.

    Parameters
    ----------
    bounds : tuple of float
        ``(xmin, ymin, xmax, ymax)`` of the data.

    Returns
    -------
    str or None
        :data:`STORAGE_CRS` or :data:`DISPLAY_CRS`, or None when the ranges fit neither.
    """
    if _within(bounds, NL_WGS84_BOUNDS):
        return DISPLAY_CRS
    if _within(bounds, NL_RD_BOUNDS):
        return STORAGE_CRS
    return None


def is_geographic(crs: object) -> bool:
    """Tell whether ``crs`` (anything pyproj accepts) is in degrees."""
    return bool(CRS.from_user_input(crs).is_geographic)
