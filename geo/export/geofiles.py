"""Geo files of an export: the wide table with each area's polygon, as GeoJSON or GeoPackage.

:func:`geo_frame` is the wide table plus each area's polygon (EPSG:28992): one feature per
area, the years as columns, so every file holds the same attributes whatever the GIS.
:func:`to_geojson_bytes` writes it as RFC 7946 GeoJSON in EPSG:4326 (``id`` = code, coordinates
rounded to 7 decimals, about 1 cm); :func:`to_gpkg_bytes` as a GeoPackage in EPSG:28992 via
pyogrio, with the metadata in the layer's metadata.
"""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.crs import DISPLAY_CRS, STORAGE_CRS
from geo.dataset import Dataset
from geo.export.table import export_table
from geo.selection import Selection

__all__ = ["geo_frame", "to_geojson_bytes", "to_gpkg_bytes"]


def geo_frame(ds: Dataset, selection: Selection, *, years: Sequence[int] | None = None) -> gpd.GeoDataFrame:
    """Return the wide table of a selection with each area's polygon, in EPSG:28992.

    One feature per area (the years are columns), so a GIS joins nothing. Columns as
    :func:`~geo.export.table.export_table` with ``layout="wide"``, plus ``geometry``.

    Raises
    ------
    ValueError
        As :func:`~geo.export.table.export_table`.
    """
    return _geo(ds, export_table(ds, selection, years=years, layout="wide"))


def _geo(ds: Dataset, wide: pd.DataFrame) -> gpd.GeoDataFrame:
    geometry = ds.areas.loc[list(wide["code"]), "geometry"].to_numpy()
    return gpd.GeoDataFrame(wide, geometry=geometry, crs=ds.areas.crs or STORAGE_CRS)


def _json_value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return str(value)


def to_geojson_bytes(frame: gpd.GeoDataFrame, *, metadata: dict[str, Any] | None = None) -> bytes:
    """Write a frame from :func:`geo_frame` as RFC 7946 GeoJSON (EPSG:4326).

    Parameters
    ----------
    frame : GeoDataFrame
        With a ``code`` column and a CRS.
    metadata : dict, optional
        From :func:`~geo.export.metadata.export_metadata`; written as the top-level member ``metadata``.

    Returns
    -------
    bytes
        UTF-8 JSON. Feature ``id`` is the CBS code; exterior rings counter-clockwise;
        coordinates rounded to 7 decimals; missing values are ``null``.

    Raises
    ------
    ValueError
        When ``frame`` is empty or has no CRS.
    """
    _check_geo(frame)
    wgs = frame.to_crs(DISPLAY_CRS)
    geoms = shapely.orient_polygons(shapely.transform(wgs.geometry.to_numpy(), lambda xy: np.round(xy, 7)))
    attrs = pd.DataFrame(wgs.drop(columns=wgs.geometry.name))
    columns = list(attrs.columns)
    features = []
    for row, geom in zip(attrs.itertuples(index=False, name=None), geoms, strict=True):
        props = {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
        features.append(
            {"type": "Feature", "id": props["code"], "properties": props, "geometry": shapely.geometry.mapping(geom)}
        )
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if metadata is not None:
        doc["metadata"] = metadata
    return json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _check_geo(frame: gpd.GeoDataFrame) -> None:
    if len(frame) == 0:
        msg = "`frame` has no rows: nothing to write. Export a non-empty selection"
        raise ValueError(msg)
    if frame.crs is None:
        msg = "`frame` has no CRS; set it with frame.set_crs('EPSG:28992') (areas are stored in RD New)"
        raise ValueError(msg)


@contextlib.contextmanager
def _gdal_date(stamp: str) -> Iterator[None]:
    """Fix the timestamp GDAL writes into a GeoPackage (``OGR_CURRENT_DATE``), then restore it."""
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def to_gpkg_bytes(
    frame: gpd.GeoDataFrame,
    *,
    metadata: dict[str, Any] | None = None,
    layer: str = "selectie",
) -> bytes:
    """Write a frame from :func:`geo_frame` as a GeoPackage in EPSG:28992 (RD New).

    Parameters
    ----------
    frame : GeoDataFrame
        With a CRS; reprojected to EPSG:28992 if needed.
    metadata : dict, optional
        From :func:`~geo.export.metadata.export_metadata`; stored as layer metadata (``DESCRIPTION`` = the
        criteria, ``export_metadata`` = the JSON).
    layer : str, default "selectie"
        Layer name.

    Returns
    -------
    bytes
        The GeoPackage file. Its ``last_change`` timestamp is the export date (or 2000-01-01),
        so the same export gives the same bytes.

    Raises
    ------
    ValueError
        When ``frame`` is empty or has no CRS.
    """
    _check_geo(frame)
    rd = frame.to_crs(STORAGE_CRS)
    layer_metadata = None
    stamp = "2000-01-01T00:00:00Z"
    if metadata is not None:
        layer_metadata = {
            "DESCRIPTION": str(metadata["selection"]["criteria"]["nl"]),
            "export_metadata": json.dumps(metadata, ensure_ascii=False),
        }
        stamp = f"{metadata['export_date']}T00:00:00Z"
    with tempfile.TemporaryDirectory(prefix="geo-export-") as tmp:
        path = Path(tmp) / "export.gpkg"
        with _gdal_date(stamp):
            pyogrio.write_dataframe(
                rd,
                path,
                layer=layer,
                driver="GPKG",
                layer_metadata=layer_metadata,
                promote_to_multi=True,
            )
        return path.read_bytes()
