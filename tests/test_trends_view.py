"""The trends page's cached parts (trends_view): right numbers in both languages, computed once, bounded.

Expected values are read from the published CSV and GeoJSON here, or written out by hand.
"""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pytest

import trends_view
from tests.conftest import WIJKEN_2024, published_wijk_score

HEERDE = ("WK024600", "WK024601")  # Heerde and Wapenveld, the two wijken of Heerde


def _population(code: str) -> int:
    features = json.loads(WIJKEN_2024.read_text(encoding="utf-8"))["features"]
    return next(f["properties"]["aantal_inwoners"] for f in features if f["properties"]["wijkcode"] == code)


def _data(spec: dict, layer: int | None = None) -> list[dict]:
    """The rows behind a chart (or one layer of it), decoded from the Arrow bytes sent to the browser."""
    node = spec if layer is None else spec["layer"][layer]
    payload = spec["datasets"][node["data"]["name"]]
    return pa.ipc.open_stream(io.BytesIO(payload)).read_all().to_pylist()


@pytest.fixture(autouse=True)
def _fresh_caches():
    for part in (
        trends_view.gap_chart,
        trends_view.trend_chart,
        trends_view.dimension_chart,
        trends_view.compare_chart,
        trends_view.neighbour_table,
        trends_view.compared_table,
    ):
        part.clear()
    yield


def test_trend_chart_in_dutch_and_english():
    nl = trends_view.trend_chart("WK024601", "lbm", "nl")
    en = trends_view.trend_chart("WK024601", "lbm", "en")
    assert nl["config"]["locale"]["number"]["decimal"] == ","
    assert en["config"]["locale"]["number"]["decimal"] == "."
    assert nl["encoding"]["y"]["axis"]["title"] == "Leefbaarheid (totaalscore)"
    assert en["encoding"]["tooltip"][1]["title"] == "Year"
    assert {r["label"] for r in _data(nl)} >= {"Wijk 01 Wapenveld", "Stedelijk gemiddelde", "Gemiddelde van de buren"}
    assert {r["label"] for r in _data(en)} >= {"Wijk 01 Wapenveld", "City average", "Neighbours' average"}
    for rows in (_data(nl), _data(en)):
        area = {r["year"]: r["value"] for r in rows if r["series"] == "area"}
        for year in (2002, 2012, 2022):
            assert area[year] == pytest.approx(published_wijk_score("WK024601", year), abs=1e-12)


def test_a_single_measurement_is_labelled_with_three_decimals_on_the_years_axis():
    # BU03440111 (Welgelegen, Den Hommel, Utrecht) has one score: 2024 in the WFS export (4.168...)
    spec = trends_view.compare_chart(("BU03440111",), "lbm", "nl")
    assert [(r["year"], round(r["value"], 3)) for r in _data(spec)] == [(2024, 4.168)]
    y, x = spec["encoding"]["y"], spec["encoding"]["x"]
    assert y["axis"]["format"] == ".3f" and y["axis"]["tickMinStep"] == 0.001  # "4,168", not "4,168064"
    assert x["scale"]["domain"] == [2002, 2024]  # every year label at its own place, not all on 2024
    single = trends_view._years_and_values((2024,), "x")["x"].to_dict()
    assert single["scale"]["domain"] == [2023, 2025]


def test_gap_chart_values_and_period():
    spec = trends_view.gap_chart("WK024601", "lbm", 2012, 2022, "nl", False)
    rows = {r["year"]: r for r in _data(spec)}
    # the city reference of Heerde by hand: the mean of its two wijken weighted by inhabitants
    weights = {c: _population(c) for c in HEERDE}
    city = sum(weights[c] * published_wijk_score(c, 2022) for c in HEERDE) / sum(weights.values())
    assert rows[2022]["gap"] == pytest.approx(published_wijk_score("WK024601", 2022) - city, abs=1e-12)
    assert [y for y, r in rows.items() if r["period"]] == [2012, 2022]
    assert spec["encoding"]["x"]["axis"]["values"] == list(rows)
    assert spec["mark"]["size"] == 14
    assert trends_view.gap_chart("WK024601", "lbm", 2012, 2022, "nl", True)["mark"]["size"] == 18


def test_dimension_chart_bars_add_up_to_the_tick():
    spec = trends_view.dimension_chart("WK024601", "en")
    bars, ticks = _data(spec, 0), _data(spec, 1)
    assert {r["label"] for r in bars} == {
        "Physical environment",
        "Nuisance and insecurity",
        "Social cohesion",
        "Amenities",
        "Housing stock",
    }
    for tick in ticks:
        total = sum(r["value"] for r in bars if r["year"] == tick["year"])
        assert total == pytest.approx(published_wijk_score("WK024601", tick["year"], "afw"), abs=1e-3)
    assert trends_view.dimension_chart("WK0363AA", "nl") is not None


def test_each_part_is_computed_once_and_handed_out_as_a_copy(monkeypatch):
    calls = []
    real = trends_view.trend_long

    def counted(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(trends_view, "trend_long", counted)
    first = trends_view.trend_chart("WK024600", "lbm", "nl")
    first["encoding"]["y"]["axis"]["title"] = "changed by one session"
    second = trends_view.trend_chart("WK024600", "lbm", "nl")
    assert len(calls) == 1
    assert second["encoding"]["y"]["axis"]["title"] == "Leefbaarheid (totaalscore)"
    trends_view.trend_chart("WK024600", "lbm", "en")  # another language is another part
    assert len(calls) == 2


def test_tables_follow_language_and_years():
    nl = trends_view.neighbour_table("WK024601", 2022, 2012, "lbm", "nl")
    en = trends_view.neighbour_table("WK024601", 2022, 2012, "lbm", "en")
    assert nl.loc[0, "label"] == "Geselecteerd gebied"
    assert en.loc[0, "label"] == "Selected area"
    assert nl.loc[0, "lbm"] == pytest.approx(published_wijk_score("WK024601", 2022), abs=1e-12)
    expected_change = published_wijk_score("WK024601", 2022) - published_wijk_score("WK024601", 2012)
    assert nl.loc[0, "change"] == pytest.approx(expected_change, abs=1e-12)
    # Heerde has two wijken; Wapenveld scored below Heerde in 2022 on lbm
    assert published_wijk_score("WK024601", 2022) < published_wijk_score("WK024600", 2022)
    assert (nl.loc[0, "rank"], nl.loc[0, "rank_of"]) == (2, 2)
    compared = trends_view.compared_table(("WK024601", "WK024600"), 2012, None, "lbm", "en")
    assert list(compared["code"][:2]) == ["WK024601", "WK024600"]
    assert compared.loc[1, "lbm"] == pytest.approx(published_wijk_score("WK024600", 2012), abs=1e-12)


def test_cached_tables_are_bounded(monkeypatch):
    calls = []
    real = trends_view.comparison_table

    def counted(ds, code, year, **kwargs):
        calls.append((code, year, kwargs["since"], kwargs["measure"], kwargs["lang"]))
        return real(ds, code, year, **kwargs)

    monkeypatch.setattr(trends_view, "comparison_table", counted)
    keys = [
        (code, year, None, measure, lang)
        for code in (*HEERDE, "WK021600")
        for year in (2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022)
        for measure in ("lbm", "afw", "fys", "onv", "soc", "vrz", "won")
        for lang in ("nl", "en")
    ]
    assert len(keys) > trends_view.CACHE_ENTRIES
    trends_view.neighbour_table(*keys[0])
    trends_view.neighbour_table(*keys[0])
    assert calls.count(keys[0]) == 1  # kept
    for key in keys[1:]:
        trends_view.neighbour_table(*key)
    trends_view.neighbour_table(*keys[0])
    assert calls.count(keys[0]) == 2  # forgotten once more than CACHE_ENTRIES others were asked for


def test_chart_templates_are_bounded():
    info = trends_view._gap_template.cache_info()
    assert info.maxsize == trends_view.TEMPLATE_ENTRIES
    for n in range(trends_view.TEMPLATE_ENTRIES + 5):
        trends_view._gap_template("lbm", "nl", (2000 + n,), False)
    assert trends_view._gap_template.cache_info().currsize <= trends_view.TEMPLATE_ENTRIES
