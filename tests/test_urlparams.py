"""No exception from any link: every URL parameter is read with ASCII-only rules (geo.link.parse_link).

A hypothesis property throws arbitrary text, unicode digits, huge values and repeated
parameters at every parameter the app reads; AppTest opens three pages with bad parameters
and checks that the notice shows, in the chosen language, on the page that was opened.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import ui
from geo.link import LANGS, Link, parse_link
from geo.view import Notice, View, read_param
from tests.conftest import ROOT

#: Every parameter the app reads from a link.
PARAMS = ("g", "a", "j", "m", "n", "b", "k", "lang", "p", "s")

#: Digits, letters and signs that str.isdigit()/isalnum() accept but int() or the codes do not.
UNICODE_TRAPS = [
    "²",
    "²⁰²²",
    "２０２２",
    "٢٠٢٢",
    "۲۰۲۴",
    "𝟐𝟎𝟐𝟐",
    "ⅫⅠ",
    "GM０３６３",
    "WK0363АА",
    "ß",
    "ﬁ",
    "İ",
    "\x00",
    "\ufeff2022",
]
HUGE = ["9" * 5000, "2" * 65, "GM" + "0" * 10_000, "1e308", "-0", "+2022", " 2022 ", "2022\n"]

values = st.one_of(
    st.text(max_size=80),
    st.sampled_from(UNICODE_TRAPS + HUGE),
    st.sampled_from(["GM0363", "WK0363AA", "BU0363AA01", "NL", "2022", "lbm", "buurt", "osm", "fixed", "en", "1", ""]),
    st.from_regex(r"[A-Z]{2}[0-9]{2,10}", fullmatch=True),
)
param_values = st.one_of(values, st.lists(values, max_size=4))  # a list: the parameter repeated
links = st.dictionaries(st.sampled_from(PARAMS), param_values, max_size=len(PARAMS))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=links)
def test_no_link_raises_and_every_result_is_valid(dataset, params):
    link = parse_link(dataset, params)
    assert isinstance(link, Link) and isinstance(link.view, View)
    v = link.view
    assert v.year in dataset.years(v.measure)
    assert v.national or (dataset.has(v.gemeente) and v.wijk in dataset.children(v.gemeente))
    assert link.lang in LANGS
    for notice in link.notices:
        assert isinstance(notice, Notice) and notice.nl and notice.en and notice.nl != notice.en
        # untrusted text is echoed only as plain code-like text: no markup, no control characters
        assert all(c.isascii() and c.isprintable() for c in notice.nl + notice.en)
        assert not {"<", ">", "[", "]", "`", "$", "*"} & set(notice.nl + notice.en)


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(PARAMS), value=st.sampled_from(UNICODE_TRAPS + HUGE[:3]))
def test_non_ascii_or_huge_values_are_ignored_with_a_notice(dataset, key, value):
    link = parse_link(dataset, {key: value})
    default = parse_link(dataset, {})
    assert link.notices, (key, value)
    if key not in ("lang", "p", "s"):
        assert link.view.gemeente == default.view.gemeente


@pytest.mark.parametrize("value", ["²", "２０２２", "٢٠٢٢", "𝟐𝟎𝟐𝟐"])
def test_read_param_refuses_unicode_digits(value):
    notices: list[Notice] = []
    assert read_param({"j": value}, "j", notices) is None
    assert notices == [
        Notice(
            "parameter 'j' bevat andere tekens dan ASCII en is genegeerd",
            "parameter 'j' holds characters other than ASCII and was ignored",
        )
    ]


def test_repeated_parameters_use_the_last_value(dataset):
    link = parse_link(dataset, {"m": ["bogus", "onv"], "lang": ["nl", "en"], "p": ["0", "1"]})
    assert (link.view.measure, link.lang, link.presentation, link.notices) == ("onv", "en", True, ())


@pytest.mark.parametrize("p", ["garbage", "2", "true", "¹"])
def test_an_unknown_presentation_flag_gets_a_notice(dataset, p):
    link = parse_link(dataset, {"p": p})
    assert link.presentation is False
    assert len(link.notices) == 1 and "'p" in link.notices[0].en


# -- in the app: the notice on whichever page was opened, in the chosen language ---------------------
@pytest.mark.parametrize(
    ("page", "params", "expected"),
    [
        ("kaart", {"j": "²", "p": "garbage"}, ["parameter 'j' holds characters other than ASCII", "presentation 'p"]),
        ("trends", {"m": "２", "g": "GM9999"}, ["parameter 'm' holds characters", "municipality 'GM9999' is not in"]),
        ("data", {"s": "x" * 50, "k": "rainbow"}, ["the selection in the link is invalid", "colour scale"]),
    ],
)
def test_bad_links_give_an_english_notice_on_the_page_that_was_opened(page, params, expected):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in {**params, "lang": "en"}.items():
        at.query_params[k] = v
    if page != "kaart":
        at.switch_page(f"pages/{page}.py")  # a deep link: the session's first run opens this page
    at.run()
    assert not at.exception
    notices = [w.value for w in at.warning if w.value.startswith("Not everything in the link could be used:")]
    assert len(notices) == 1, [w.value for w in at.warning]
    for text in expected:
        assert text in notices[0].replace("\\", ""), (text, notices[0])
    assert at.session_state["lang"] == "en"


def test_every_page_file_is_named_as_its_url_path():
    """A fresh server knows the pages/ files by name until app.py has run once (its legacy mode): a deep
    link to a path that is no file name got Streamlit's "Page not found" (the first page is the root)."""
    for path, _nl, _en, url, _icon in ui.PAGES[1:]:
        assert Path(path).stem == url, f"{path} is served at /{url}: name the file pages/{url}.py"
    assert {Path(p).stem for p, *_ in ui.PAGES} == {f.stem for f in (ROOT / "pages").glob("*.py")}


# -- the national overview's link on every page -------------------------------------------------
@pytest.mark.parametrize("deep", [True, False], ids=["deep-link", "after-the-map"])
@pytest.mark.parametrize("page", ["trends", "verandering", "selectie", "programma", "data"])
def test_a_national_link_opens_every_page_on_the_chosen_areas_gemeente(page, deep):
    """``g=NL`` crashed Trends, Verandering and Selectie (the national map has no gemeente of its own)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in {"g": "NL", "n": "wijk", "a": "WK034403", "lang": "en"}.items():
        at.query_params[k] = v
    if deep:
        at.switch_page(f"pages/{page}.py")
        at.run()
    else:
        at.run()
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    headings = [m.value for m in at.markdown if m.value.startswith("### ")]
    if page in ("trends", "verandering"):
        # Overvecht (WK034403) lies in Utrecht: the page says so, and why it is not about the country
        assert [i.value for i in at.info if "The map shows the whole country" in i.value] == [
            "The map shows the whole country; this page shows Wijk 03 Overvecht in Utrecht, the area chosen last. "
            "Pick a municipality in the sidebar for another area."
        ]
        assert "Utrecht" in headings[0], headings
    if page == "selectie":
        labels = [b.label for b in at.button]
        assert (
            "Add all districts of Utrecht" in labels
            and "Add district Wijk 03 Overvecht with its neighbourhoods" in labels
        )


# -- every parameter of every page, in the app ----------------------------------------------------
PAGES = ("kaart", "trends", "verandering", "selectie", "programma", "data")
#: Every parameter a page reads: the shared view and language, the pages' own choices (geo.choices),
#: and the Programma's page's set (``set``, ``u``).
ALL_PARAMS = (*PARAMS, "gv", "gt", "vv", "vt", "vn", "c", "ty", "ts", "set", "u")
#: Values that mean something to some parameter (another level's code, the national "NL", a year
#: another measure lacks), drawn as often as all the others together: they reach deeper into the pages.
MEANINGFUL = ["NL", "GM0344", "WK034403", "BU03440342", "BU0363AA01", "2002", "2024", "buurt", "gemeente", "1", "fys"]
app_links = st.dictionaries(
    st.sampled_from(ALL_PARAMS), st.one_of(st.sampled_from(MEANINGFUL), values), min_size=1, max_size=4
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=st.sampled_from(PAGES), params=app_links, lang=st.sampled_from(["nl", "en"]))
def test_no_link_raises_on_any_page_and_its_notices_are_in_the_chosen_language(page, params, lang):
    """A deep link with arbitrary values (unicode digits, huge values, codes of other levels, "NL") opened
    on each page: no exception, and any notice comes in the language of the link's ``lang``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in {**params, "lang": lang}.items():
        at.query_params[k] = v
    if page != "kaart":
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, (page, params, [e.value for e in at.exception])
    other = "Not everything in the link could be used:" if lang == "nl" else "Niet alles uit de link kon worden"
    assert not [w.value for w in at.warning if w.value.startswith(other)], (page, params)
    assert not [t.body for t in getattr(at, "toast", []) if str(t.body).startswith(other)], (page, params)
