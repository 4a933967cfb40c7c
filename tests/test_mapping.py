import json
import re

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from streamlit_folium import _get_map_string

import geo
from geo.classify import NO_DATA_COLOUR, scale_for
from geo.mapping import (
    LEAFLET_CSS,
    LEAFLET_JS,
    build_map,
    choropleth_layer,
    decode_ring,
    draw_map,
    encode_ring,
    fill_colours,
    legend_html,
    map_attribution,
    outline_group,
)
from geo.view import parse_view

REF = 4.102264851143685


def _render(m) -> str:
    m.get_root().render()
    return _get_map_string(m)


def _layer(ds, gemeente="GM0363", level="wijk", year=2022, measure="lbm", kind="fixed", lang="nl"):
    codes = ds.codes(level) if gemeente is None else ds.codes(level, gemeente=gemeente)
    scale = scale_for(measure, national_reference=REF, kind=kind)
    return choropleth_layer(ds, codes, year=year, measure=measure, scale=scale, lang=lang)


def test_encoded_polyline_known_answer():
    # the worked example of the Encoded Polyline Algorithm: (38.5,-120.2), (40.7,-120.95), (43.252,-126.453)
    coords = np.array([[-120.2, 38.5], [-120.95, 40.7], [-126.453, 43.252]])
    assert encode_ring(coords) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert decode_ring("_p~iF~ps|U_ulLnnqC_mqNvxq`@") == [(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)]


@given(st.lists(st.tuples(st.integers(300_000, 800_000), st.integers(5_000_000, 5_400_000)), min_size=1, max_size=30))
def test_encoding_round_trips_on_the_display_grid(points):
    coords = np.array(points, dtype="float64") / 1e5
    assert np.allclose(decode_ring(encode_ring(coords)), coords, atol=1e-9)


def test_layer_geometry_is_the_display_geometry(dataset):
    layer = _layer(dataset)
    feats = {f["id"]: f for f in layer.features()}
    assert list(feats) == dataset.codes("wijk", gemeente="GM0363")
    assert len(feats) == 111 and "WK0363AA" in feats
    rings = feats["WK0363AA"]["rings"]
    decoded = shapely.MultiPolygon([shapely.Polygon(decode_ring(p[0]), [decode_ring(r) for r in p[1:]]) for p in rings])
    drawn = dataset.display.geometry.loc["WK0363AA"]
    assert decoded.symmetric_difference(drawn).area < 1e-12


def test_amsterdam_buurten_layer_marks_areas_without_a_score(dataset):
    feats = _layer(dataset, level="buurt", year=2024).features()
    assert len(feats) == 518
    no_data = [f for f in feats if f["cls"] == -1]
    # 29 polygons without any published score, plus 4 buurten that lack 2024
    assert len(no_data) == 33
    assert all(f["texts"][2] == "geen gegevens" for f in no_data)


def test_classes_of_known_areas_follow_the_scale(dataset):
    for kind in ("fixed", "official"):
        scale = scale_for("afw", national_reference=REF, kind=kind)
        feats = {f["id"]: f for f in _layer(dataset, measure="afw", kind=kind).features()}
        value = dataset.value("WK0363AA", 2022, "afw")
        assert feats["WK0363AA"]["cls"] == int(scale.classify([value])[0])
        assert feats["WK036399"]["cls"] == -1  # unscored: grey, never a value colour
    colours = fill_colours(dataset, ["WK0363AA", "WK036399"], year=2022, measure="afw", scale=scale)
    assert colours["WK036399"] is None and colours["WK0363AA"] in scale.colours


def test_the_script_styles_no_data_grey(dataset):
    js = _render(draw_map(_layer(dataset), basemap="none"))
    assert json.dumps(NO_DATA_COLOUR) in js and "dashArray: '4 3'" in js


def test_tooltip_texts_name_code_value_meaning_and_change(dataset):
    layer = _layer(dataset, kind="official")
    texts = {f["id"]: f["texts"] for f in layer.features()}["WK0363AA"]
    v, prev = dataset.value("WK0363AA", 2022, "lbm"), dataset.value("WK0363AA", 2020, "lbm")
    assert texts[0] == "Haarlemmerbuurt" and texts[1] == "WK0363AA"
    assert texts[2] == f"{v:.3f}".replace(".", ",")
    assert texts[4] == f"{v - prev:+.3f}".replace(".", ",")
    assert texts[3] in geo.classify.OFFICIAL_NAMES["nl"]
    assert layer.labels[4] == "Verandering sinds 2020"


def test_names_are_plain_text_and_cannot_break_the_script(dataset):
    areas = dataset.areas.copy()
    evil_name = '</script><script>alert("x")</script><img src=x onerror=alert(1)> {{ 7*7 }} {% x %}'
    areas.loc["WK0363AA", "name"] = evil_name
    evil = geo.Dataset(areas.reset_index(drop=True), dataset.scores, display=dataset.display, manifest=dataset.manifest)
    js = _render(draw_map(_layer(evil), basemap="none"))
    assert "</script>" not in js and "<img" not in js and "{{" not in js
    # the browser sets names with textContent; the data still holds the name as typed
    assert {f["id"]: f for f in _layer(evil).features()}["WK0363AA"]["texts"][0] == evil_name
    assert "textContent" in js and "innerHTML" not in js


def test_map_loads_only_local_assets(dataset):
    view, _ = parse_view(dataset, {"g": "GM0363", "b": "none"})
    m = build_map(dataset, view)
    links = [src for _, src in m.default_js] + [href for _, href in m.default_css]
    for child in m._children.values():
        links += [src for _, src in getattr(child, "default_js", [])]
        links += [href for _, href in getattr(child, "default_css", [])]
    assert links == [LEAFLET_JS, LEAFLET_CSS]
    assert "tileLayer" not in _render(m)


def test_map_is_deterministic_and_the_selection_is_not_part_of_it(dataset):
    layer = _layer(dataset, gemeente="GM0599", year=2018, measure="onv")
    one, two = _render(draw_map(layer, basemap="pdok")), _render(draw_map(layer, basemap="pdok"))
    strip = re.compile(r"_[0-9a-f]{32}")  # folium's random element ids (streamlit-folium ignores them too)
    assert strip.sub("", one) == strip.sub("", two)
    # the outlines that follow a click live in a separate feature group
    first, second = dataset.codes("wijk", gemeente="GM0599")[:2]
    group = outline_group(dataset, selected=[first], neighbours=[first, second])
    assert len(group._children) == 2  # the neighbours (without the selected area) and the selection


@pytest.mark.parametrize(
    ("gemeente", "level", "budget"),
    [("GM0363", "wijk", 120_000), ("GM0363", "buurt", 300_000), (None, "gemeente", 400_000), (None, "wijk", 1_500_000)],
)
def test_map_payload_stays_within_budget(dataset, gemeente, level, budget):
    year = 2022 if level != "gemeente" else 2024
    js = _render(draw_map(_layer(dataset, gemeente=gemeente, level=level, year=year), basemap="none"))
    assert len(js.encode()) <= budget


def test_attribution_names_only_the_sources_drawn(dataset):
    rotterdam = map_attribution(dataset, dataset.codes("wijk", gemeente="GM0599"))
    assert "Gemeente Amsterdam" not in rotterdam and "CBS / Kadaster" in rotterdam
    amsterdam = map_attribution(dataset, dataset.codes("buurt", gemeente="GM0363"))
    assert "Gemeente Amsterdam" in amsterdam
    assert "Boundaries" in map_attribution(dataset, ["WK059901"], lang="en")


def test_legend_lists_the_official_names_best_first_and_escapes_the_title():
    html = legend_html(scale_for("lbm", national_reference=REF, kind="official"), title="<b>x</b>", lang="nl")
    assert html.index("uitstekend") < html.index("zeer onvoldoende") < html.index("geen gegevens")
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "afgelezen" in html
    fixed = legend_html(scale_for("afw", national_reference=REF), title="afw", lang="en")
    assert "Not the official" in fixed and "uitstekend" not in fixed


def test_change_map_colours_follow_the_difference(dataset):
    from geo.mapping import change_layer, change_scale_classes

    codes = dataset.codes("wijk", gemeente="GM0599")
    scale = change_scale_classes(-0.2, 0.2)
    feats = {
        f["id"]: f for f in change_layer(dataset, codes, start=2012, end=2022, measure="lbm", scale=scale).features()
    }
    assert list(feats) == codes
    a, b = dataset.value("WK059901", 2012, "lbm"), dataset.value("WK059901", 2022, "lbm")
    assert feats["WK059901"]["texts"][4] == f"{b - a:+.3f}".replace(".", ",")
    assert feats["WK059901"]["cls"] == int(scale.classify([b - a])[0])
    # a change of +0.25 falls in the top class, one of -0.25 in the bottom class, 0 in the middle
    assert scale.classify([0.25, -0.25, 0.0]).tolist() == [8, 0, 4]
