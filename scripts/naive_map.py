"""The naive map page the benchmarks compare against (not part of the app).

What a first version of such a page does: read the source GeoJSON and the score CSV on every
run, draw the full geometry with folium's GeoJson and a style function, and call st_folium with
its defaults (every interaction reruns the app). Leaflet is served locally, as in the app, so
that only the page itself differs. Query parameter ``what``: ``amsterdam-buurten`` (the
full-precision Amsterdam buurten) or ``wijken`` (all CBS wijken of the country).

Run: streamlit run scripts/naive_map.py
"""

from __future__ import annotations

import os
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

SOURCES = Path(__file__).resolve().parent.parent / "data" / "sources"
if not SOURCES.exists():  # run from a copy (scripts/bench_browser.py): the project is in LEEFBAARHEID_ROOT
    SOURCES = Path(os.environ["LEEFBAARHEID_ROOT"]) / "data" / "sources"
what = st.query_params.get("what", "amsterdam-buurten")
if what == "wijken":
    areas = gpd.read_file(SOURCES / "cbs" / "wijken_2024.geojson").rename(columns={"wijkcode": "code"})
    scores = pd.read_csv(SOURCES / "leefbaarometer" / "Leefbaarometer-scores wijken 2002-2022.csv", na_values="NA")
    scores = scores[scores["jaar"] == 2022].rename(columns={"wk_code": "code"})
else:
    areas = gpd.read_file(SOURCES / "amsterdam" / "buurten.geojson").rename(columns={"bu_code": "code"})
    scores = pd.read_csv(SOURCES / "leefbaarometer" / "meting-2024-buurten-amsterdam.csv", na_values="NA")
    scores = scores[scores["jaar"] == 2024].rename(columns={"bu_code": "code"})
areas = areas[["code", "geometry"]].merge(scores[["code", "lbm"]], on="code", how="left")

m = folium.Map(location=[52.37, 4.9], zoom_start=11 if what != "wijken" else 7, tiles=None)
m.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", "/app/static/leaflet/leaflet.css")]


def style(feature: dict) -> dict:
    value = feature["properties"]["lbm"]
    colour = "#bdbdbd" if value is None else ("#4575b4" if value > 4.1 else "#d73027")
    return {"fillColor": colour, "fillOpacity": 0.7, "color": "#333", "weight": 0.5}


folium.GeoJson(areas.to_json(), style_function=style, tooltip=folium.GeoJsonTooltip(["code", "lbm"])).add_to(m)
st.title("Naive map")
st_folium(m, width=900, height=560)
