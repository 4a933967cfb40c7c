"""Complete links, the answer first, one language: the pages' own choices in the URL, the gap
sentence without misleading percentages, honest neighbour means, numbers typed in the reader's
format, and the Trends page's brief downloads.

Expected values come from the dataset's own tables (scores, city references, the neighbour
graph) or are written out by hand; never from the function under test.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from geo.choices import CHOICE_PARAMS, MAX_COMPARE, PageChoices, choices_params, parse_choices
from geo.city_gap import gap_change, gap_sentence
from geo.fmt import parse_number
from geo.link import parse_link
from geo.neighbours import graph_for
from geo.trend import neighbour_basis, trend_table
from geo.view import Notice, default_view
from tests.conftest import ROOT

OVERVECHT = "WK034403"
WEST = "WK034401"  # Utrecht, Wijk 01 West: ahead of the city by 0.013 in 2012
ROTTERDAM_01 = "WK059901"


def _app(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    if page != "kaart":
        at.switch_page(f"pages/{page}.py")  # a deep link: the session's first run opens this page
    return at.run()


def _url(at: AppTest) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def _texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


# -- parsing the pages' choices -------------------------------------------------------------------
def test_a_valid_link_keeps_every_choice(dataset):
    params = {
        "a": OVERVECHT,
        "gv": "2012",
        "gt": "2018",
        "vv": "2014",
        "vt": "2020",
        "vn": "7",
        "c": "wk034403, WK034401,BU03440311",
        "ty": "2022",
        "ts": "2012",
    }
    link = parse_link(dataset, params)
    assert link.notices == ()
    assert link.choices == PageChoices(
        gap=(2012, 2018),
        change=(2014, 2020),
        movers=7,
        compare=(OVERVECHT, WEST, "BU03440311"),
        table_year=2022,
        since=2012,
    )
    # and back: the parameters reproduce the choices
    again = parse_link(dataset, {"a": OVERVECHT, **choices_params(link.choices)})
    assert again.choices == link.choices


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"gv": "2018", "gt": "2012"}, "period 'gv=2018, gt=2012' is not possible here: pick two years"),  # reversed
        ({"gv": "2012"}, "period 'gv=2012, gt=' is not possible here"),  # half a period
        ({"gv": "2011", "gt": "2018"}, "period 'gv=2011, gt=2018'"),  # not a measurement year
        ({"gv": "２０１２", "gt": "2018"}, "parameter 'gv' holds characters other than ASCII"),
        ({"vv": "2020", "vt": "2020"}, "change period 'vv=2020, vt=2020'"),
        ({"vn": "0"}, "count 'vn=0' must be 1 to 20"),
        ({"vn": "21"}, "count 'vn=21' must be 1 to 20"),
        ({"vn": "¹"}, "parameter 'vn' holds characters other than ASCII"),
        ({"ty": "2011"}, "year 'ty=2011' is not possible here"),
        ({"ty": "2014", "ts": "2016"}, "year 'ts=2016' is not possible here"),  # since after the table year
        ({"c": "WK034403,GM0344,<b>"}, "compare: not a district or neighbourhood in the dataset (GM0344, ?B?)"),
    ],
)
def test_invalid_choices_fall_back_with_a_notice(dataset, params, expected):
    link = parse_link(dataset, {"a": OVERVECHT, **params})
    assert [n.en for n in link.notices if expected in n.en], [n.en for n in link.notices]
    assert all(n.nl != n.en for n in link.notices)
    default = PageChoices(compare=(OVERVECHT,) if "c" in params else (), table_year=2014 if "ts" in params else None)
    assert link.choices == default


def test_a_gap_period_must_have_data_for_the_area(dataset):
    # Overvecht has a score and a city average in 2024; a wijk of Heerde has no 2024 score at all,
    # so there a period ending in 2024 falls back, and the notice lists the years that can be used
    assert parse_link(dataset, {"a": OVERVECHT, "gv": "2012", "gt": "2024"}).choices.gap == (2012, 2024)
    link = parse_link(dataset, {"a": "WK024601", "gv": "2012", "gt": "2024"})
    assert link.choices.gap is None
    assert "2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022)" in link.notices[0].en


def test_at_most_max_compare_areas(dataset):
    codes = dataset.children("GM0363")[: MAX_COMPARE + 3]
    link = parse_link(dataset, {"c": ",".join(codes)})
    assert link.choices.compare == tuple(codes[:MAX_COMPARE])


values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["2012", "2018", "2024", "5", "20", "WK034403", "BU03440311", "²", "２０１２", "1e3", ","]),
    st.lists(st.sampled_from(["WK034403", "WK0363AA", "XX", "", "BU0363AA01"]), max_size=12).map(",".join),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=st.dictionaries(st.sampled_from(CHOICE_PARAMS), st.one_of(values, st.lists(values, max_size=3))))
def test_no_choice_parameter_raises_and_every_result_is_valid(dataset, params):
    view = default_view(dataset, "GM0344")
    notices: list[Notice] = []
    choices = parse_choices(dataset, view, params, notices)
    if choices.gap is not None:
        assert choices.gap[0] < choices.gap[1]
    if choices.movers is not None:
        assert 1 <= choices.movers <= 20
    assert len(choices.compare) <= MAX_COMPARE and all(dataset.has(c) for c in choices.compare)
    for notice in notices:
        assert all(c.isascii() and c.isprintable() for c in notice.nl + notice.en)
        assert not {"<", ">", "[", "]", "`", "$", "*"} & set(notice.nl + notice.en)


# -- links in the app: made, copied, reopened ---------------------------------------------------------
def test_trends_link_round_trip_keeps_the_gap_period_and_compared_areas():
    at = _app("trends", g="GM0344", a=OVERVECHT)
    assert not at.exception
    at.selectbox(key="trend_gap_end").select(2018).run()
    at.multiselect(key="trend_compare").select(WEST).run()
    at.selectbox(key="trend_compare_gemeente").select("GM0599").run()  # and a wijk of Rotterdam
    at.multiselect(key="trend_compare").select(ROTTERDAM_01).run()
    url = _url(at)
    assert (url["gv"], url["gt"], url["c"]) == ("2012", "2018", f"{OVERVECHT},{WEST},{ROTTERDAM_01}")
    sentence = next(m.value for m in at.markdown if m.value.startswith('<p class="gap-sentence"'))
    assert "tussen 2012 en 2018" in sentence

    reopened = _app("trends", **url)
    assert not reopened.exception and not reopened.warning
    assert reopened.selectbox(key="trend_gap_start").value == 2012
    assert reopened.selectbox(key="trend_gap_end").value == 2018  # not 2024
    assert reopened.multiselect(key="trend_compare").value == [OVERVECHT, WEST, ROTTERDAM_01]
    assert reopened.selectbox(key="trend_compare_gemeente").value == "GM0344"  # the area's own gemeente
    compared = next(d.value for d in reopened.dataframe if "compared" in set(d.value["role"]))
    assert list(compared["code"][:3]) == [OVERVECHT, WEST, ROTTERDAM_01]
    assert next(m.value for m in reopened.markdown if m.value.startswith('<p class="gap-sentence"')) == sentence


def test_neighbour_table_year_and_since_round_trip(dataset):
    at = _app("trends", g="GM0344", a=OVERVECHT)
    at.selectbox(key="trend_year").select(2020).run()
    at.selectbox(key="trend_since").select(2014).run()
    url = _url(at)
    assert (url["ty"], url["ts"]) == ("2020", "2014")
    reopened = _app("trends", **url)
    assert not reopened.exception and not reopened.warning
    assert (reopened.selectbox(key="trend_year").value, reopened.selectbox(key="trend_since").value) == (2020, 2014)
    table = reopened.dataframe[0].value.set_index("code")
    change = dataset.value(OVERVECHT, 2020) - dataset.value(OVERVECHT, 2014)
    assert table.at[OVERVECHT, "change"] == pytest.approx(change, abs=1e-12)


def test_verandering_link_round_trip_and_the_sidebar_year_as_end():
    at = _app("verandering", g="GM0344", a=OVERVECHT, j="2018")
    assert not at.exception
    # no link choice: the period ends in the sidebar's year
    assert at.selectbox(key="trend_change_end").value == 2018
    at.selectbox(key="trend_change_start").select(2012).run()
    at.number_input(key="trend_movers_n").set_value(3).run()
    url = _url(at)
    assert (url["vv"], url["vt"], url["vn"]) == ("2012", "2018", "3")

    reopened = _app("verandering", **url)
    assert not reopened.exception
    assert reopened.selectbox(key="trend_change_start").value == 2012
    assert reopened.selectbox(key="trend_change_end").value == 2018
    assert reopened.number_input(key="trend_movers_n").value == 3
    # another year in the sidebar: the period follows it
    reopened.select_slider(key="year").set_value(2016).run()
    assert reopened.selectbox(key="trend_change_end").value == 2016
    assert _url(reopened)["vt"] == "2016"


def test_a_bad_period_in_a_link_gives_a_notice_in_english_and_the_default():
    at = _app("trends", g="GM0344", a=OVERVECHT, gv="2018", gt="2012", lang="en")
    assert not at.exception
    warning = next(w.value for w in at.warning if w.value.startswith("Not everything in the link"))
    assert "period 'gv=2018, gt=2012' is not possible here" in warning
    assert (at.selectbox(key="trend_gap_start").value, at.selectbox(key="trend_gap_end").value) == (2012, 2024)


def test_in_presentation_mode_a_notice_is_a_toast_not_a_box_above_the_map():
    # a warning box pushed the Kaart's map and legend below the projector's 720 pixels
    at = _app("kaart", g="GM0344", a=OVERVECHT, j="1999", p="1", lang="en")
    assert not at.exception
    assert not [w for w in at.warning if w.value.startswith("Not everything in the link")]
    (toast,) = [x for x in at.toast if x.value.startswith("Not everything in the link")]
    assert "1999" in toast.value


def test_a_period_of_another_area_leaves_the_link():
    at = _app("trends", g="GM0344", a=OVERVECHT, gv="2012", gt="2018", vv="2012", vt="2018")
    assert (_url(at)["gt"], _url(at)["vt"]) == ("2018", "2018")
    at.switch_page("pages/kaart.py").run()
    assert _url(at)["gt"] == "2018"  # another page keeps the choices in the link
    at.selectbox(key="wijk").select(WEST).run()
    assert not at.exception
    url = _url(at)
    # the gap period was chosen for Overvecht: not carried over to West; the change years are the
    # gemeente's, and stay
    assert url["a"] == WEST and "gv" not in url and "gt" not in url
    assert (url["vv"], url["vt"]) == ("2012", "2018")


# -- presentation mode: the answer first ------------------------------------------------------------
def test_trends_in_presentation_mode_starts_with_the_gap_sentence_and_chart(dataset):
    at = _app("trends", g="GM0344", a=OVERVECHT, p="1", lang="en")
    assert not at.exception
    elements = list(at.main)
    kinds = [type(e).__name__ for e in elements]
    first_subheader = kinds.index("Subheader")
    values = [str(getattr(e, "value", "")) for e in elements]
    sentence_at = next(i for i, v in enumerate(values) if v.startswith('<p class="gap-sentence"'))
    assert sentence_at < first_subheader
    assert "UnknownElement" in kinds[sentence_at:first_subheader]  # the gap chart, before the trend
    expected = gap_sentence(dataset, gap_change(dataset, OVERVECHT, 2012, 2024), lang="en")
    assert expected in values[sentence_at]


# -- the gap sentence: no percentage of a tiny gap ------------------------------------------------------
def test_a_tiny_start_gap_is_said_as_two_values_not_a_percentage(dataset):
    value_2012, value_2022 = dataset.value(WEST, 2012), dataset.value(WEST, 2022)
    city_2012 = dataset.city_reference(WEST, 2012).value
    city_2022 = dataset.city_reference(WEST, 2022).value
    gap_2012, gap_2022 = value_2012 - city_2012, value_2022 - city_2022
    assert 0 < gap_2012 < 0.02 and gap_2022 > gap_2012  # the case of the issue: a small lead that grew
    change = gap_change(dataset, WEST, 2012, 2022)
    nl, en = gap_sentence(dataset, change, lang="nl"), gap_sentence(dataset, change, lang="en")
    assert "%" not in nl and "%" not in en
    assert f"van {gap_2012:.3f} naar {gap_2022:.3f}".replace(".", ",") in nl
    assert f"from {gap_2012:.3f} to {gap_2022:.3f}" in en
    # a large start gap keeps its percentage: Overvecht 2012-2022
    assert re.search(r"met \d+% (af|toe)genomen", gap_sentence(dataset, gap_change(dataset, OVERVECHT, 2012, 2022)))


# -- honest neighbour means ------------------------------------------------------------------------
def test_neighbour_mean_is_over_the_same_neighbours_every_year(dataset):
    neighbours = graph_for(dataset, "wijk").neighbours(OVERVECHT)
    scores = dataset.scores.set_index(["code", "year"])["lbm"]
    own_years = [y for y in dataset.years("lbm") if (OVERVECHT, y) in scores.index and scores.notna()[(OVERVECHT, y)]]
    assert 2024 in own_years

    def scored(code: str, year: int) -> bool:
        return (code, year) in scores.index and bool(scores.notna()[(code, year)])

    full = sorted(n for n in neighbours if all(scored(n, y) for y in own_years))
    partial = sorted(set(neighbours) - set(full))
    # neighbours across the city border (De Bilt, Stichtse Vecht) have no 2024 score in the data
    assert partial and all(not scored(n, 2024) for n in partial)

    basis = neighbour_basis(dataset, OVERVECHT)
    assert basis.restricted and list(basis.used) == full
    assert dict(basis.left_out) == {n: (2024,) for n in partial}
    table = trend_table(dataset, OVERVECHT).set_index("year")
    for year in (2012, 2022, 2024):
        expected = sum(scores[(n, year)] for n in full) / len(full)
        assert table.at[year, "neighbours_mean"] == pytest.approx(expected, abs=1e-12)
        assert table.at[year, "neighbours_n"] == len(full)


def test_the_trends_page_names_the_neighbours_left_out(dataset):
    at = _app("trends", g="GM0344", a=OVERVECHT)
    text = _texts(at)
    assert "Weggelaten, omdat hun score ontbreekt" in text
    assert f"{dataset.name('WK190401')} (2024)" in text


# -- numbers typed in the reader's format ------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [("-0,1", "nl", -0.1), (" 0,25 ", "nl", 0.25), ("−0,15", "nl", -0.15), ("-0.1", "en", -0.1), ("3", "en", 3.0)],
)
def test_parse_number_reads_the_language_format(text, lang, expected):
    assert parse_number(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "message"),
    [
        ("-0.1", "nl", "decimale komma, bijvoorbeeld -0,1"),
        ("-0,1", "en", "decimal point, for example -0.1"),
        ("1.000,5", "nl", "is geen getal"),
        ("٣", "en", "is not a number"),
        ("", "nl", "is geen getal"),
    ],
)
def test_parse_number_refuses_the_other_format_with_the_fix(text, lang, message):
    with pytest.raises(ValueError, match=message):
        parse_number(text, lang)


def test_selection_page_threshold_in_dutch_and_the_list_box_empties():
    at = _app("selectie", g="GM0344", a=OVERVECHT)
    assert not at.exception
    threshold = at.text_input(key="sel_f_t_nl")
    assert threshold.value == "-0,100"
    threshold.set_value("-0.2").run()
    assert any("decimale komma" in e.value for e in at.error)
    at.text_input(key="sel_f_t_nl").set_value("-0,2").run()
    assert not at.error
    at.multiselect(key="sel_pick").select(OVERVECHT).select(WEST).run()
    at.button(key="sel_add_list").click().run()
    assert not at.exception
    assert at.multiselect(key="sel_pick").value == []
    assert set(at.session_state["_selection"].codes) >= {OVERVECHT, WEST}


# -- the brief from the Trends page ------------------------------------------------------------------
def test_trends_page_offers_the_brief_with_a_telling_file_name(dataset, monkeypatch):
    from streamlit.elements.widgets.button import ButtonMixin

    offered: list[tuple[str, str, bytes]] = []
    original = ButtonMixin.download_button

    def spy(self, label, data, file_name=None, *args, **kwargs):
        offered.append((label, file_name, data))
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", spy)
    at = _app("trends", g="GM0344", a=OVERVECHT, j="2022", lang="en")
    assert not at.exception and not offered  # made on request only
    at.button(key="trends_brief_make").click().run()
    assert not at.exception
    names = {label: (name, data) for label, name, data in offered}
    # the page's gap period (2012-2024) is the brief's, and its name says so
    assert names["Brief as PDF"][0] == "brief-WK034403-overvecht-2022-gap-2012-2024-en.pdf"
    assert names["Brief as PNG"][0] == "brief-WK034403-overvecht-2022-gap-2012-2024-en.png"
    assert names["Brief as PDF"][1].startswith(b"%PDF") and names["Brief as PNG"][1].startswith(b"\x89PNG")
