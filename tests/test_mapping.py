import json
import re

import pytest
from streamlit_folium import _get_map_string

import geo
from geo.classify import NO_DATA_COLOUR, scale_for
from geo.mapping import LEAFLET_CSS, LEAFLET_JS, build_map, feature_collection, fill_colours
from geo.view import parse_view


def _render(m) -> str:
    m.get_root().render()
    return _get_map_string(m)


def _features(js: str) -> list[dict]:
    """The features of the choropleth layer, parsed back from the generated JavaScript."""
    first = re.search(r"geo_json_\w+_add\((\{.*?\})\);", js, flags=re.S)
    return json.loads(first.group(1))["features"]


def test_amsterdam_wijken_feature_ids_are_the_codes(dataset):
    view, _ = parse_view(dataset, {"g": "GM0363", "j": "2022"})
    feats = _features(_render(build_map(dataset, view)))
    ids = [f["id"] for f in feats]
    assert ids == dataset.codes("wijk", gemeente="GM0363")
    assert len(ids) == 111 and "WK0363AA" in ids
    assert all(f["properties"]["c"] == f["id"] for f in feats)


def test_amsterdam_buurten_layer(dataset):
    view, _ = parse_view(dataset, {"g": "GM0363", "n": "buurt", "j": "2024"})
    feats = _features(_render(build_map(dataset, view)))
    assert len(feats) == 518
    no_data = [f for f in feats if f["properties"]["v"] == "geen gegevens"]
    # 29 polygons without any published score, plus 4 buurten that lack 2024
    assert len(no_data) == 33


def test_colours_of_known_areas_follow_the_fixed_scale(dataset):
    scale = scale_for("afw", national_reference=4.102264851143685)
    codes = ["WK0363AA", "WK036399", "WK059901"]
    colours = fill_colours(dataset, codes, year=2022, measure="afw", scale=scale)
    for code in ("WK0363AA", "WK059901"):
        value = dataset.value(code, 2022, "afw")
        assert colours[code] == scale.colour([value])[0]
    assert colours["WK036399"] is None  # unscored: drawn grey, never a value colour
    # the generated map styles the unscored wijk with the no-data fill
    view, _ = parse_view(dataset, {"g": "GM0363", "j": "2022", "m": "afw"})
    js = _render(build_map(dataset, view))
    styler = re.search(r"function geo_json_\w+_styler\(feature\) \{(.*?)\n        \}", js, re.S).group(1)
    block = styler[styler.index('"WK036399"') :]
    assert NO_DATA_COLOUR in block[: block.index("return") + 200]


def test_same_value_same_colour_across_years_and_gemeenten(dataset):
    scale = scale_for("lbm", national_reference=4.102264851143685)
    a = fill_colours(dataset, ["WK0363AA"], year=2002, measure="lbm", scale=scale)["WK0363AA"]
    value = dataset.value("WK0363AA", 2002, "lbm")
    assert scale.colour([value])[0] == a


def test_names_are_escaped_in_tooltips(dataset):
    areas = dataset.areas.copy()
    areas.loc["WK0363AA", "name"] = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    evil = geo.Dataset(areas.reset_index(drop=True), dataset.scores, display=dataset.display, manifest=dataset.manifest)
    view, _ = parse_view(evil, {"g": "GM0363"})
    js = _render(build_map(evil, view))
    assert "<script>alert" not in js and "<img" not in js
    feats = {f["id"]: f for f in _features(js)}
    assert feats["WK0363AA"]["properties"]["n"].startswith("&lt;script&gt;")


def test_tooltip_has_name_code_value_meaning_and_change(dataset):
    scale = scale_for("lbm", national_reference=4.102264851143685)
    fc = feature_collection(dataset, ["WK0363AA"], year=2022, measure="lbm", scale=scale)
    p = fc["features"][0]["properties"]
    v, prev = dataset.value("WK0363AA", 2022, "lbm"), dataset.value("WK0363AA", 2020, "lbm")
    assert p["n"] == "Haarlemmerbuurt" and p["c"] == "WK0363AA"
    assert p["v"] == f"{v:.3f}".replace(".", ",")
    assert p["d"] == f"{v - prev:+.3f}".replace(".", ",")
    assert "landelijk niveau" in p["w"]


def test_map_loads_only_local_assets(dataset):
    view, _ = parse_view(dataset, {"g": "GM0363", "b": "none"})
    m = build_map(dataset, view)
    links = [src for _, src in m.default_js] + [href for _, href in m.default_css]
    for child in m._children.values():
        links += [src for _, src in getattr(child, "default_js", [])]
        links += [href for _, href in getattr(child, "default_css", [])]
    assert links == [LEAFLET_JS, LEAFLET_CSS]
    assert "tileLayer" not in _render(m)


def test_map_is_deterministic(dataset):
    view, _ = parse_view(dataset, {"g": "GM0599", "j": "2018", "m": "onv"})
    one, two = _render(build_map(dataset, view)), _render(build_map(dataset, view))
    assert one == two


@pytest.mark.parametrize(("params", "budget"), [({"g": "GM0363"}, 120_000), ({"g": "GM0363", "n": "buurt"}, 300_000)])
def test_map_payload_stays_within_budget(dataset, params, budget):
    view, _ = parse_view(dataset, params)
    assert len(_render(build_map(dataset, view)).encode()) <= budget


def test_change_map_colours_follow_the_difference(dataset):
    from geo.mapping import build_change_map, change_scale_classes

    codes = dataset.codes("wijk", gemeente="GM0599")
    scale = change_scale_classes(-0.2, 0.2)
    js = _render(build_change_map(dataset, codes, start=2012, end=2022, measure="lbm", scale=scale))
    feats = {f["id"]: f for f in _features(js)}
    assert list(feats) == codes
    a, b = dataset.value("WK059901", 2012, "lbm"), dataset.value("WK059901", 2022, "lbm")
    assert feats["WK059901"]["properties"]["d"] == f"{b - a:+.3f}".replace(".", ",")
    # a change of +0.25 falls in the top class, one of -0.25 in the bottom class, 0 in the middle
    assert scale.classify([0.25, -0.25, 0.0]).tolist() == [8, 0, 4]
