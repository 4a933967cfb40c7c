"""The floor the benchmarks measure the app against: a Streamlit page with only the app's map.

Not part of the app. It draws the same map as the Kaart page (the same cached choropleth and
the same inline component, ``map_view.py``) under a heading, and nothing else: no sidebar
controls, key figures or legend. Its first drawn polygon is the soonest any page of the app
could draw one, with Streamlit's own start-up (its scripts, the websocket, the first run)
included. ``scripts/bench_browser.py`` reports it beside the app and the naive page.

Run: streamlit run scripts/bare_map.py   (then open ?g=GM0363&n=buurt&b=none&j=2024)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(os.environ.get("LEEFBAARHEID_ROOT", Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(ROOT))

import map_view  # noqa: E402  (the project's root is on the path only now)
import ui  # noqa: E402

st.set_page_config(page_title="Bare map", layout="wide")
ui.init_state()
view = ui.view()
st.markdown("### Bare map")
map_view.show(map_view.map_spec(view, "nl", height=560), key="map", height=560)
