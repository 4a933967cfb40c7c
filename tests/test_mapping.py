import json
import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

import geo
from geo.classify import NO_DATA_COLOUR, scale_for
from geo.legend import legend_html
from geo.map_payload import map_spec, outline_rings
from geo.mapping import (
    choropleth_layer,
    fill_colours,
    map_attribution,
    overlay_layer,
)
from geo.polyline import decode_ring, encode_ring

REF = 4.102264851143685
MAP_JS = (Path(__file__).resolve().parent.parent / "static" / "map_view.js").read_text(encoding="utf-8")


def _shape(polygons) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.Polygon(decode_ring(p[0]), [decode_ring(r) for r in p[1:]]) for p in polygons])


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
    decoded = _shape(feats["WK0363AA"]["rings"])
    drawn = dataset.display.geometry.loc["WK0363AA"]
    assert decoded.symmetric_difference(drawn).area < 1e-12


def test_layers_kept_per_set_of_areas_differ_where_their_areas_or_language_do(dataset):
    # outlines, bounds and credits are kept per set of areas: another year reuses them, other areas
    # or another language must not
    wijken_2014 = {f["id"]: f for f in _layer(dataset, year=2014).features()}
    wijken_2022 = {f["id"]: f for f in _layer(dataset, year=2022).features()}
    assert wijken_2014["WK0363AA"]["rings"] == wijken_2022["WK0363AA"]["rings"]
    rotterdam = _layer(dataset, gemeente="GM0599", year=2014)
    assert set(f["id"] for f in rotterdam.features()).isdisjoint(wijken_2014)
    (south, west), (north, east) = rotterdam.bounds
    assert 51.8 < south < north < 52.1 and 3.8 < west < east < 4.7  # Rotterdam, Maasvlakte included
    dutch, english = _layer(dataset, year=2014).attribution, _layer(dataset, year=2014, lang="en").attribution
    assert dutch.startswith("Grenzen") and english.startswith("Boundaries")
    assert "Gemeente Amsterdam" in _layer(dataset, level="buurt", year=2014).attribution  # its buurt outlines
    assert "Gemeente Amsterdam" not in _layer(dataset, level="wijk", year=2016).attribution


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


def test_the_map_styles_no_data_grey_and_dashed(dataset):
    spec = json.loads(map_spec(_layer(dataset), view="GM0363|wijk", basemap="none"))
    assert spec["layer"]["noData"] == NO_DATA_COLOUR
    assert 'dashArray: "4 3"' in MAP_JS and "data.noData" in MAP_JS


def test_tooltip_texts_name_code_value_meaning_and_change(dataset):
    layer = _layer(dataset, kind="official")
    texts = {f["id"]: f["texts"] for f in layer.features()}["WK0363AA"]
    v, prev = dataset.value("WK0363AA", 2022, "lbm"), dataset.value("WK0363AA", 2020, "lbm")
    assert texts[0] == "Haarlemmerbuurt" and texts[1] == "WK0363AA"
    assert texts[2] == f"{v:.3f}".replace(".", ",")
    assert texts[4] == f"{v - prev:+.3f}".replace(".", ",")
    assert texts[3] in geo.classify.OFFICIAL_NAMES["nl"]
    assert layer.labels[4] == "Verandering sinds 2020"


def test_names_are_plain_text_and_cannot_break_the_page(dataset):
    areas = dataset.areas.copy()
    evil_name = '</script><script>alert("x")</script><img src=x onerror=alert(1)> {{ 7*7 }} {% x %}'
    areas.loc["WK0363AA", "name"] = evil_name
    evil = geo.Dataset(areas.reset_index(drop=True), dataset.scores, display=dataset.display, manifest=dataset.manifest)
    raw = map_spec(_layer(evil), view="GM0363|wijk", basemap="none")
    assert b"</script>" not in raw and b"<img" not in raw and b"<script" not in raw
    # the browser sets names with textContent; the data still hold the name as typed
    assert {r[0]: r for r in json.loads(raw)["layer"]["rows"]}["WK0363AA"][1][0] == evil_name
    assert {f["id"]: f for f in _layer(evil).features()}["WK0363AA"]["texts"][0] == evil_name
    assert "textContent" in MAP_JS and "createTextNode" in MAP_JS and "innerHTML" not in MAP_JS


def test_the_map_loads_only_local_assets(dataset):
    assert re.findall(r"https?://", MAP_JS) == []
    # the app's own copy, relative to the page (also right under server.baseUrlPath)
    assert '"app/static/leaflet/leaflet.js"' in MAP_JS and '"app/static/leaflet/leaflet.css"' in MAP_JS
    spec = json.loads(map_spec(_layer(dataset), view="GM0363|wijk", basemap="none"))
    assert spec["tiles"] is None
    pdok = json.loads(map_spec(_layer(dataset), view="GM0363|wijk", basemap="pdok", lang="en"))
    assert pdok["tiles"]["url"].startswith("https://service.pdok.nl/") and "Background" in pdok["tiles"]["attribution"]


def test_the_layer_is_deterministic_and_the_selection_is_not_part_of_it(dataset):
    layer = _layer(dataset, gemeente="GM0599", year=2018, measure="onv")
    assert layer.spec == _layer(dataset, gemeente="GM0599", year=2018, measure="onv").spec
    first, second = dataset.codes("wijk", gemeente="GM0599")[:2]
    one = json.loads(map_spec(layer, view="GM0599|wijk", outlines=outline_rings(dataset, selected=[first])))
    two = json.loads(
        map_spec(layer, view="GM0599|wijk", outlines=outline_rings(dataset, selected=[second], neighbours=[first]))
    )
    assert one["layer"] == two["layer"]  # a click changes only the outlines: the choropleth (and the zoom) stay
    assert len(one["outlines"]["selected"]) == 1 and one["outlines"]["neighbours"] == []
    assert len(two["outlines"]["neighbours"]) == 1
    # the outlines are the drawn geometry of those areas
    assert _shape(two["outlines"]["selected"][0]).symmetric_difference(dataset.display.geometry[second]).area < 1e-12
    # another year is another layer, with another id
    assert _layer(dataset, gemeente="GM0599", year=2020, measure="onv").id != layer.id


def test_outlines_leave_out_unknown_codes_and_the_selection_among_the_neighbours(dataset):
    rings = outline_rings(dataset, selected=["WK059901", "XX999"], neighbours=["WK059901", "WK059903", "nope"])
    assert len(rings["selected"]) == 1 and len(rings["neighbours"]) == 1


def test_overlay_layer_outlines_members_and_fills_only_the_coloured(dataset):
    codes = ["WK059901", "WK059903", "WK059904", "XX999"]
    layer = overlay_layer(dataset, codes, colours={"WK059901": "#b2182b", "WK059903": None}, tooltips={"WK059903": "a"})
    feats = {f["id"]: f for f in layer.features()}
    assert list(feats) == ["WK059901", "WK059903", "WK059904"]  # no geometry, not drawn
    assert layer.colours == ("#b2182b",)
    assert [feats[c]["cls"] for c in feats] == [0, -1, -1]
    assert feats["WK059903"]["texts"] == ["a"]
    assert feats["WK059904"]["texts"] == [f"{dataset.name('WK059904')} (WK059904)"]
    spec = json.loads(map_spec(layer, view="x", style="overlay"))
    assert spec["style"] == "overlay"
    with pytest.raises(ValueError, match="style"):
        map_spec(layer, view="x", style="heat")


@pytest.mark.parametrize(
    ("gemeente", "level", "budget"),
    [("GM0363", "wijk", 120_000), ("GM0363", "buurt", 300_000), (None, "gemeente", 400_000), (None, "wijk", 1_500_000)],
)
def test_map_payload_stays_within_budget(dataset, gemeente, level, budget):
    year = 2022 if level != "gemeente" else 2024
    assert len(map_spec(_layer(dataset, gemeente=gemeente, level=level, year=year), view="v", basemap="none")) <= budget


def test_attribution_names_only_the_sources_drawn(dataset):
    rotterdam = map_attribution(dataset, dataset.codes("wijk", gemeente="GM0599"))
    assert "Gemeente Amsterdam" not in rotterdam and "CBS / Kadaster" in rotterdam
    amsterdam = map_attribution(dataset, dataset.codes("buurt", gemeente="GM0363"))
    assert "Gemeente Amsterdam" in amsterdam
    assert "Boundaries" in map_attribution(dataset, ["WK059901"], lang="en")
    # in English the publishers have the names the brief gives them
    english = map_attribution(dataset, dataset.codes("buurt", gemeente="GM0363"), lang="en")
    assert "City of Amsterdam" in english and "Gemeente" not in english and "Ministerie" not in english
    assert "Ministry of the Interior" in english


def test_legend_lists_the_official_names_best_first_and_escapes_the_title():
    html = legend_html(scale_for("lbm", national_reference=REF, kind="official"), title="<b>x</b>", lang="nl")
    assert html.index("uitstekend") < html.index("zeer onvoldoende") < html.index("geen gegevens")
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "afgelezen" in html
    fixed = legend_html(scale_for("afw", national_reference=REF), title="afw", lang="en")
    assert "Not the official" in fixed and "uitstekend" not in fixed


def test_change_map_colours_follow_the_difference(dataset):
    from geo.classify import change_scale_classes
    from geo.mapping import change_layer

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


def test_build_map_of_a_view_outlines_its_area(dataset):
    from geo.map_payload import build_map
    from geo.view import parse_view

    view, _ = parse_view(dataset, {"g": "GM0599", "a": "WK059901", "b": "none"})
    spec = json.loads(build_map(dataset, view, neighbours=["WK059903"]))
    assert spec["view"] == "GM0599|wijk" and spec["tiles"] is None
    assert [r[0] for r in spec["layer"]["rows"]] == dataset.codes("wijk", gemeente="GM0599")
    assert len(spec["outlines"]["selected"]) == 1 and len(spec["outlines"]["neighbours"]) == 1


def test_a_map_without_areas_is_valid_json_and_shows_the_netherlands(dataset):
    from geo.mapping import NETHERLANDS_BOUNDS

    assert dataset.codes("buurt", gemeente="GM0998") == []  # Buitenland has no buurten
    scale = scale_for("lbm", national_reference=REF)
    layer = choropleth_layer(dataset, [], year=2024, measure="lbm", scale=scale)
    raw = map_spec(layer, view="GM0998|buurt")
    assert b"NaN" not in raw  # the browser's JSON.parse refuses NaN (Python's json.loads would not)
    spec = json.loads(raw)
    assert spec["layer"]["rows"] == []
    assert spec["layer"]["bounds"] == [list(NETHERLANDS_BOUNDS[0]), list(NETHERLANDS_BOUNDS[1])]


def test_only_a_map_given_a_click_callback_reports_clicks(dataset):
    layer = _layer(dataset)
    assert json.loads(map_spec(layer, view="v"))["clickable"] is False
    assert json.loads(map_spec(layer, view="v", clickable=True))["clickable"] is True
    assert "if (onClick)" in MAP_JS and "spec.clickable" in MAP_JS
