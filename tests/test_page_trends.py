"""AppTest: the trends page, driven by widget keys, through the app's router."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from geo import change, city_gap, compare
from tests.conftest import ROOT, drawn_maps


def _page(page: str = "trends", **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    return at.switch_page(f"pages/{page}.py").run()


def _texts(at) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n" + "\n".join(c.value for c in at.caption)


def _frames(at):
    return [d.value for d in at.dataframe]


def test_smoke_default_selection():
    at = _page()
    assert not at.exception
    assert at.session_state["_view"].area == "WK0363AA"
    text = _texts(at)
    assert "### Haarlemmerbuurt · Amsterdam" in text
    # default gap years: 2012 to the last year with data
    assert at.selectbox(key="trend_gap_start").value == 2012
    assert at.selectbox(key="trend_gap_end").value == 2024
    assert "boven het stedelijk gemiddelde; de voorsprong is met 12% afgenomen" in text
    neighbours = _frames(at)[0]
    assert list(neighbours["code"][:2]) == ["WK0363AA", "WK0363AB"]
    assert list(neighbours["role"][-3:]) == ["city", "country", "reference"]


def test_gap_controls_sentence_and_projection(dataset):
    at = _page(g="GM0246", a="WK024601", m="lbm")
    assert not at.exception
    at.selectbox(key="trend_gap_start").select(2012).run()
    at.selectbox(key="trend_gap_end").select(2022).run()
    assert "De achterstand op het stedelijk gemiddelde is tussen 2012 en 2022 met 40% afgenomen" in _texts(at)
    assert "ingehaald" not in _texts(at)
    at.checkbox(key="trend_projection").check().run()
    assert not at.exception
    change = city_gap.gap_change(dataset, "WK024601", 2012, 2022)
    expected = city_gap.projection_text(dataset, change, city_gap.project_gap_close(change))
    assert expected in _texts(at)
    assert "rond 2038 zijn ingehaald" in expected
    assert city_gap.PROJECTION_CAVEAT["nl"] in _texts(at)
    # an end year before the start year is never offered
    at.selectbox(key="trend_gap_start").select(2020).run()
    assert at.selectbox(key="trend_gap_end").options == ["2022"]


def test_neighbours_table_follows_year_and_since(dataset):
    at = _page(g="GM0246", a="WK024601")
    at.selectbox(key="trend_year").select(2022).run()
    at.selectbox(key="trend_since").select(2012).run()
    assert not at.exception
    table = _frames(at)[0]
    expected = compare.comparison_table(dataset, "WK024601", 2022, since=2012)
    assert list(table["code"]) == list(expected["code"])
    assert table["change"].iloc[0] == pytest.approx(expected["change"].iloc[0])
    assert table["cross_border"].fillna(False).astype(bool).sum() >= 1


def _in_gemeente(dataset, digits: str) -> set[str]:
    """The wijk and buurt codes of a gemeente, read off the codes themselves (WK0363.., BU0363....)."""
    return {c for c in dataset.areas.index if c[:2] in ("WK", "BU") and c[2:6] == digits}


def test_the_free_comparison_waits_for_a_second_area(dataset):
    # the area alone would repeat the trend chart and the first row of the table above it
    at = _page()
    assert at.multiselect(key="trend_compare").value == ["WK0363AA"]
    assert "Kies gebieden om Haarlemmerbuurt mee te vergelijken." in _texts(at)
    assert not any("compared" in set(f["role"]) for f in _frames(at))
    at.multiselect(key="trend_compare").select("WK0363AB").run()
    compared = next(f for f in _frames(at) if "compared" in set(f["role"]))
    assert list(compared["code"][:2]) == ["WK0363AA", "WK0363AB"]
    assert "Kies gebieden om" not in _texts(at)
    # one other area alone is a comparison: it is drawn
    at.multiselect(key="trend_compare").set_value(["WK0363AB"]).run()
    assert any("compared" in set(f["role"]) for f in _frames(at))


def test_free_comparison_across_gemeenten(dataset):
    at = _page()
    # the picker opens on the area's own gemeente and offers its wijken and buurten, not the whole country
    assert at.selectbox(key="trend_compare_gemeente").value == "GM0363"
    picker = at.multiselect(key="trend_compare")
    assert set(picker.options) == {compare.area_options(dataset)[c] for c in _in_gemeente(dataset, "0363")}
    assert "Haarlemmerbuurt (Amsterdam, WK0363AA)" in picker.options
    assert len(picker.options) < 1_000 < len(compare.area_options(dataset))
    # areas of other gemeenten: pick the gemeente, then the area; earlier choices stay chosen and offered
    at.selectbox(key="trend_compare_gemeente").select("GM0599").run()
    at.multiselect(key="trend_compare").select("WK059901").run()
    at.selectbox(key="trend_compare_gemeente").select("GM0246").run()
    at.multiselect(key="trend_compare").select("WK024601").run()
    assert not at.exception
    picker = at.multiselect(key="trend_compare")
    assert picker.value == ["WK0363AA", "WK059901", "WK024601"]
    in_0246 = _in_gemeente(dataset, "0246")
    assert len(picker.options) == len(in_0246) + 2  # the Amsterdam and Rotterdam wijken stay offered
    compared = next(f for f in _frames(at) if "compared" in set(f["role"]))
    assert list(compared["code"][:3]) == ["WK0363AA", "WK059901", "WK024601"]
    assert at.query_params["c"] == "WK0363AA,WK059901,WK024601"
    at.multiselect(key="trend_compare").set_value([]).run()
    assert not at.exception
    assert "Kies een of meer gebieden." in _texts(at)


def test_compare_picker_in_english_follows_the_sidebar_gemeente():
    at = _page(g="GM0363", a="WK0363AA", lang="en")
    assert at.selectbox(key="trend_compare_gemeente").label == "Compare with areas in"
    assert at.multiselect(key="trend_compare").label == "Areas"
    at.selectbox(key="trend_compare_gemeente").select("GM0599").run()
    assert at.selectbox(key="trend_compare_gemeente").value == "GM0599"  # the user's choice holds on a rerun
    at.selectbox(key="trend_gap_end").select(2022).run()
    assert at.selectbox(key="trend_compare_gemeente").value == "GM0599"
    at.selectbox(key="gemeente").select("GM0344").run()  # another area in the sidebar: the picker follows
    assert not at.exception
    assert at.selectbox(key="trend_compare_gemeente").value == "GM0344"
    assert at.multiselect(key="trend_compare").value == [at.session_state["_view"].area]


def test_english_buurt_and_dimension_measure():
    at = _page(g="GM0363", a="BU0363AA01", m="fys", lang="en")
    assert not at.exception
    assert at.session_state["_view"].area == "BU0363AA01"
    text = _texts(at)
    assert "### Planciusbuurt-Noord" in text
    assert "the city average" in text
    # dimensions exist from 2014 only: the gap pickers offer those years
    assert at.selectbox(key="trend_gap_start").options[0] == "2014"
    assert "stedelijk gemiddelde" not in text


def test_switching_area_keeps_the_pickers_valid():
    at = _page(g="GM0363", a="WK0363AA")
    at.selectbox(key="trend_gap_end").select(2024).run()
    at.select_slider(key="year").set_value(2022).run()
    at.selectbox(key="gemeente").select("GM0047").run()  # Veendam: no 2024 wijk scores
    assert not at.exception
    assert at.selectbox(key="trend_gap_end").value == 2022


# -- the change page (moved out of the trends page) --
def test_movers_controls(dataset):
    at = _page("verandering", g="GM0599", a="WK059901")
    at.selectbox(key="trend_change_start").select(2012).run()
    at.selectbox(key="trend_change_end").select(2022).run()
    at.number_input(key="trend_movers_n").set_value(3).run()
    assert not at.exception
    table = change.change_table(dataset, dataset.codes("wijk", gemeente="GM0599"), 2012, 2022)
    movers = change.biggest_movers(table, n=3)
    frames = _frames(at)
    up = next(f for f in frames if list(f["code"]) == list(movers.up["code"]))
    assert len(up) == 3
    assert any(list(f["code"]) == list(movers.down["code"]) for f in frames)
    assert "Kleurschaal voor kaarten van de verandering: vast van -0,180 tot +0,180" in _texts(at)
    # the change map (geo.mapping) is drawn for the gemeente's wijken, with every wijk as a feature
    maps = drawn_maps(at)
    assert len(maps) == 1
    assert maps[0]["clickable"] is False  # a click on the change map does not rerun the page
    rows = {row[0]: row for row in maps[0]["layer"]["rows"]}
    assert list(rows) == dataset.codes("wijk", gemeente="GM0599")
    a, b = dataset.value("WK059901", 2012, "lbm"), dataset.value("WK059901", 2022, "lbm")
    assert rows["WK059901"][1][2:] == [
        f"{a:.3f}".replace(".", ","),
        f"{b:.3f}".replace(".", ","),
        f"{b - a:+.3f}".replace(".", ","),
    ]


def test_change_page_smoke():
    at = _page("verandering")
    assert not at.exception
    assert any(m.value.startswith("### Amsterdam") for m in at.markdown)


def test_the_page_follows_the_shared_year_and_area():
    at = _page(g="GM0363", a="WK0363AA", j="2024")
    at.select_slider(key="year").set_value(2012).run()
    assert at.selectbox(key="trend_year").value == 2012
    at.selectbox(key="wijk").select("WK0363AB").run()
    assert at.multiselect(key="trend_compare").value == ["WK0363AB"]


def test_the_brief_made_here_answers_with_the_pages_measure_and_period():
    # the page said "narrowed 2014-2024" on onv while the brief said "widened 2012-2022" on lbm
    at = _page(g="GM0344", a="WK034403", j="2022", m="onv", gv="2014", gt="2024")
    assert not at.exception
    sentence = next(m.value for m in at.markdown if 'data-testid="gap-sentence"' in m.value)
    assert "tussen 2014 en 2024" in sentence
    at.button(key="trends_brief_make").click().run()
    assert not at.exception
    assert at.session_state["_brief_trends"] == ("WK034403", 2022, "nl", "onv", (2014, 2024))
    assert [b.proto.label for b in at.get("download_button")][:2] == ["Brief als PDF", "Brief als PNG"]


def test_the_change_page_follows_the_maps_level():
    # with the map on buurten (n=buurt) the change map and tables are Amsterdam's buurten, not its wijken
    with (ROOT / "data" / "sources" / "amsterdam" / "buurten.geojson").open(encoding="utf-8") as f:
        buurten = len(json.load(f)["features"])
    assert buurten == 518
    at = _page("verandering", g="GM0363", n="buurt", j="2024")
    assert not at.exception
    every = next(d.value for d in at.dataframe if len(d.value) > 100)
    assert len(every) == buurten and all(str(c).startswith("BU0363") for c in every.index)
    (spec,) = drawn_maps(at)
    assert len(spec["layer"]["rows"]) == buurten
    wijken = _page("verandering", g="GM0363", n="wijk", j="2024")
    assert all(len(d.value) < 200 for d in wijken.dataframe)


def test_the_area_picker_has_no_select_all_and_searches_literally():
    # "Bijlmer" + Enter had picked every fuzzy match (industrial estates included) via an English
    # "Select N matches" entry; the picker now has no bulk entry and lists names containing the text
    from streamlit.proto.SelectWidgetFilterMode_pb2 import SelectWidgetFilterMode

    at = _page(g="GM0363", n="buurt", j="2024")
    picker = at.multiselect(key="trend_compare").proto
    assert picker.select_all == 0
    assert picker.filter_mode == SelectWidgetFilterMode.Value("FILTER_MODE_CONTAINS")


def test_the_compared_table_says_its_years():
    at = _page(g="GM0344", a="WK034403", j="2022")
    at.multiselect(key="trend_compare").select("WK034401").run()  # a second area: the comparison is drawn
    at.selectbox(key="trend_since").set_value(2012).run()
    assert "Waarden van 2022; verandering sinds 2012 (zoals in de tabel hierboven)." in [c.value for c in at.caption]


def test_a_change_page_without_two_years_says_which_years_and_where_to_look(dataset):
    # Groningen's buurten have scores only in 2024 (the WFS meting); its wijken have 2002-2022
    at = _page("verandering", g="GM0014", n="buurt", lang="en")
    assert not at.exception
    (info,) = [i.value.replace("\\", "") for i in at.info]
    assert "A change needs two measurement years; the data hold only 2024 for the neighbourhoods of Groningen" in info
    wijk_years = sorted(dataset.scores.loc[dataset.scores["code"].str.startswith("WK0014"), "year"].unique())
    assert f"The districts have {len(wijk_years)} measurement years: pick 'districts' under 'Map shows'" in info
    assert len(wijk_years) >= 2


def test_a_link_period_where_no_period_exists_says_so():
    from geo import load_dataset
    from geo.link import parse_link

    notices = parse_link(load_dataset(), {"g": "GM0014", "n": "buurt", "vv": "2002", "vt": "2024"}).notices
    (notice,) = notices
    assert notice.text("nl").endswith("de gegevens hebben hier te weinig jaren (2024) voor een periode")
    assert "default period shown" not in notice.text("en")  # there is none to show


def test_a_buurt_measured_once_gets_its_one_year_gap_as_on_the_map():
    # BU00140000 has a score only in 2024, beside the official gemeente score (the key figures say
    # +0,162); the Trends page said only "too few years"
    kaart = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in {"g": "GM0014", "n": "buurt", "a": "BU00140000", "lang": "en"}.items():
        kaart.query_params[k] = v
    kaart.run()
    shown = next(m.value for m in kaart.metric if m.label.startswith("Difference from the official"))
    at = _page("trends", g="GM0014", n="buurt", a="BU00140000", lang="en")
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    assert "A trend of the gap needs two years with both a score and a city average; here: none." in info
    assert f"In 2024 the difference from the official municipal score is {shown} (as beside the map)" in info
