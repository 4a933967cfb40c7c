"""AppTest: the map page, driven by widget keys."""

import json

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from geo import fmt
from geo.polyline import decode_ring
from tests.conftest import ROOT, drawn_maps


def format_number(value: float | None, *, signed: bool = False) -> str:
    """A figure as the Dutch map page shows it (3 decimals, decimal comma)."""
    return fmt.number(value, "nl", signed=signed)


def _app(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _heading(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("### "))


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_smoke_default_view():
    at = _app()
    assert not at.exception
    assert at.session_state["_view"].gemeente == "GM0363"
    assert _heading(at).startswith("### Haarlemmerbuurt")


def test_summary_numbers_match_the_dataset(dataset):
    at = _app(g="GM0599", a="WK059901", j="2022", m="lbm")
    assert not at.exception
    value = dataset.value("WK059901", 2022, "lbm")
    city = dataset.city_reference("WK059901", 2022, "lbm").value
    peers = dataset.values(dataset.codes("wijk", gemeente="GM0599"), 2022, "lbm").dropna()
    metrics = _metrics(at)
    assert metrics["Leefbaarheid (totaalscore) 2022"] == format_number(value)
    assert metrics["Verschil met landelijk referentieniveau"] == format_number(value - 4.102264851143685, signed=True)
    assert metrics["Verschil met stedelijk gemiddelde"] == format_number(value - city, signed=True)
    assert (
        metrics["Positie op Leefbaarheid (totaalscore) in de gemeente"]
        == f"{int((peers > value).sum()) + 1} / {len(peers)}"
    )
    change = value - dataset.value("WK059901", 2020, "lbm")
    assert metrics["Verandering sinds 2020"] == format_number(change, signed=True)


def test_every_control_drives_the_view_and_the_url():
    at = _app()
    at.selectbox(key="gemeente").select("GM0599").run()
    assert at.session_state["_view"].gemeente == "GM0599"
    assert at.session_state["_view"].wijk == "WK059901"
    at.selectbox(key="wijk").select("WK059903").run()
    at.selectbox(key="measure").select("onv").run()
    at.select_slider(key="year").set_value(2018).run()
    at.radio(key="basemap").set_value("none").run()
    assert not at.exception
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params == {
        "g": "GM0599",
        "a": "WK059903",
        "j": "2018",
        "m": "onv",
        "n": "wijk",
        "b": "none",
        "k": "official",
        "lang": "nl",
    }
    view = at.session_state["_view"]
    assert (view.wijk, view.measure, view.year, view.basemap) == ("WK059903", "onv", 2018, "none")


def test_buurt_level_and_buurt_selection_in_amsterdam():
    at = _app(g="GM0363")
    at.radio(key="level").set_value("buurt").run()
    at.selectbox(key="buurt").select("BU0363AA01").run()
    assert not at.exception
    view = at.session_state["_view"]
    assert (view.level, view.wijk, view.area) == ("buurt", "WK0363AA", "BU0363AA01")
    assert _heading(at).startswith("### Planciusbuurt-Noord")


def test_url_round_trip_restores_the_same_view():
    first = _app(g="GM0344", j="2020", m="soc")
    first.selectbox(key="wijk").select(first.selectbox(key="wijk").options[3]).run()
    params = {k: (v[-1] if isinstance(v, list) else v) for k, v in first.query_params.items()}
    second = _app(**params)
    assert second.session_state["_view"] == first.session_state["_view"]
    assert _metrics(second) == _metrics(first)


@pytest.mark.parametrize(
    "params",
    [
        {"g": "GM9999"},
        {"a": "<script>"},
        {"j": "1999"},
        {"m": "nonsense"},
        {"a": "WK036300"},
        {"g": "GM0599", "n": "gemeente"},
        {"lang": "fr"},
    ],
)
def test_bad_parameters_fall_back_with_a_visible_notice(params):
    at = _app(**params)
    assert not at.exception
    assert at.warning and "Niet alles uit de link" in at.warning[0].value
    assert at.metric  # a sensible default is shown


def test_year_without_dimensions_says_so_instead_of_an_empty_map():
    at = _app(g="GM0363", m="fys", j="2022")
    at.select_slider(key="year").set_value(2016).run()
    assert not at.exception
    assert at.info and "2016" in at.info[0].value and "2014, 2018" in at.info[0].value


def test_english_and_presentation_mode():
    at = _app(lang="en", p="1")
    assert not at.exception
    assert "Difference from city average" in _metrics(at)
    assert any("font-size: 21px" in m.value for m in at.markdown)
    assert len(at.sidebar) <= 1  # controls moved out of the sidebar


def _drawn_map(at) -> dict:
    """The spec the page sent to its map component (``map_view``), read back from the element."""
    maps = drawn_maps(at)
    assert len(maps) == 1
    return maps[0]


def _map_codes(at) -> list[str]:
    """The codes of the choropleth the page drew, in drawing order."""
    return [row[0] for row in _drawn_map(at)["layer"]["rows"]]


def test_the_map_outlines_the_selection_and_its_neighbours(dataset):
    at = _app(g="GM0599", a="WK059901", b="none")
    assert not at.exception
    spec = _drawn_map(at)
    assert _map_codes(at) == dataset.codes("wijk", gemeente="GM0599")
    assert spec["view"] == "GM0599|wijk" and spec["tiles"] is None
    assert spec["clickable"] is True  # a click selects (ui.on_map_change)
    drawn = spec["outlines"]["selected"][0]
    outline = shapely.MultiPolygon([shapely.Polygon(decode_ring(p[0])) for p in drawn])
    assert outline.symmetric_difference(dataset.display.geometry["WK059901"]).area < 1e-9
    # the dashed neighbours: every wijk whose drawn shape touches it (shapely, independent of the graph code)
    shape = dataset.display.geometry
    touching = [c for c in dataset.codes("wijk") if c != "WK059901" and shape[c].distance(shape["WK059901"]) < 1e-4]
    assert len(spec["outlines"]["neighbours"]) == len(touching) > 0


def test_national_overview_draws_all_gemeenten(dataset):
    at = _app(g="NL")
    assert not at.exception
    view = at.session_state["_view"]
    assert (view.gemeente, view.level) == ("NL", "gemeente")
    assert _heading(at).startswith("### Nederland · gemeenten")
    assert _map_codes(at) == dataset.codes("gemeente")
    assert at.dataframe  # the national ranked table, shown at once


def test_national_wijk_level_draws_every_wijk_of_the_country(dataset):
    at = _app(g="NL", n="wijk", j="2022")
    assert not at.exception
    assert len(_map_codes(at)) == len(dataset.codes("wijk")) > 3000
    assert "3475" in _metrics(at)["Wijken met een score"]


def test_a_gemeente_without_2024_wijk_scores_opens_on_a_year_with_values(dataset):
    at = _app(g="GM0014")
    assert not at.exception
    view = at.session_state["_view"]
    assert view.year == 2022 and dataset.value(view.area, view.year, "lbm") is not None
    assert not at.info  # nothing to explain: the map has values


def test_a_year_without_data_says_so_and_what_to_do():
    at = _app(g="GM0014", j="2024")
    assert not at.exception
    text = at.info[0].value
    assert "2024" in text and "geen scores" in text and "python -m geo fetch" in text


def test_search_finds_and_selects_an_area():
    at = _app()
    at.text_input(key="search_text").input("Oosterparkwijk").run()
    results = at.selectbox(key="search_pick")
    assert "WK001404" in results.options or any("WK001404" in o for o in results.options)
    results.select("WK001404").run()
    assert not at.exception
    view = at.session_state["_view"]
    assert (view.gemeente, view.area) == ("GM0014", "WK001404")


def test_the_gemeente_ranking_is_shown_on_request_with_inhabitants(dataset):
    at = _app(g="GM0014", j="2022")
    assert not at.dataframe  # not built until asked for
    at.toggle(key="show_ranking").set_value(True).run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert "Inwoners" in frame.columns and len(frame) == 20
    assert any("minder dan 100 inwoners" in c.value for c in at.caption)


def test_the_ranking_says_why_its_place_differs_from_the_key_figures_rank():
    # Feijenoord 2020: rank 15 of 20 in the key figures, place 13 in the list (5 small wijken left out)
    at = _app(g="GM0599", a="WK059910", j="2020")
    at.toggle(key="show_ranking").set_value(True).run()
    at.number_input(key="rank_n").set_value(50).run()
    assert not at.exception
    frame = at.dataframe[0].value
    rank_metric = next(m.value for m in at.metric if "/" in str(m.value))
    place = int(frame.loc[frame["Code"] == "WK059910", "Plaats in de lijst"].iloc[0])
    assert rank_metric.split(" / ")[0] != str(place)  # two different counts ...
    captions = " ".join(c.value for c in at.caption)
    assert "5 gebieden met minder dan 100 inwoners" in captions
    assert "de positie bij de kerncijfers telt alle gebieden met een score" in captions  # ... and why


def test_rotterdam_buurten_are_drawn_in_2024(dataset):

    from tests.conftest import SOURCES

    at = _app(g="GM0599", n="buurt")
    assert not at.exception
    view = at.session_state["_view"]
    assert (view.level, view.year) == ("buurt", 2024)
    codes = _map_codes(at)
    # every Rotterdam buurt of the WFS export (read with json) is on the map with its 2024 score
    features = json.loads((SOURCES / "leefbaarometer" / "wfs-meting-2024" / "buurten" / "28.geojson").read_text())
    rotterdam = {f["properties"]["code"] for f in features["features"] if f["properties"]["code"].startswith("BU0599")}
    assert rotterdam and rotterdam <= set(codes)
    assert dataset.values(sorted(rotterdam), 2024, "lbm").notna().all()


def test_a_change_without_an_earlier_measurement_says_why():
    """The change figure showed a bare "–": BU03440342's overlast scores start in 2024 (the WFS release)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in {"g": "GM0344", "a": "BU03440342", "m": "onv", "lang": "en"}.items():
        at.query_params[k] = v
    at.run()
    change = next(m for m in at.metric if m.label.startswith("Change"))
    assert (change.label, change.value) == ("Change", "–")
    assert change.help == "No earlier measurement of this measure for this area before 2024: no change yet."
