"""AppTest: building a selection, sharing it through the URL, clearing it."""

from streamlit.testing.v1 import AppTest

from geo.selection import decode_selection
from tests.conftest import ROOT


def _page(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    return at.switch_page("pages/selectie.py").run()


def _token(at) -> str | None:
    value = at.query_params.get("s")
    return value[-1] if isinstance(value, list) else value


def test_smoke_empty_selection_says_so():
    at = _page()
    assert not at.exception
    assert "De selectie is leeg" in at.info[0].value
    assert _token(at) is None


def test_add_a_gemeente_a_wijk_with_buurten_and_a_filter(dataset):
    at = _page(g="GM0599")
    at.button(key="sel_add_gemeente").click().run()
    assert at.session_state["_selection"].codes == tuple(dataset.children("GM0599"))
    at.selectbox(key="gemeente").select("GM0363").run()
    at.button(key="sel_add_wijk").click().run()
    codes = at.session_state["_selection"].codes
    assert "WK0363AA" in codes and set(dataset.children("WK0363AA")) <= set(codes)
    # the default filter: afw below -0.1 in the latest year, in the current gemeente
    at.button(key="sel_add_filter").click().run()
    assert not at.exception
    picked = {c for c in dataset.codes("wijk", gemeente="GM0363") if (dataset.value(c, 2024, "afw") or 0) < -0.1}
    assert picked <= set(at.session_state["_selection"].codes)
    assert "afw onder -0,1 in 2024" in at.session_state["_selection"].describe("nl")


def test_the_selection_travels_in_the_url_and_survives_a_page_switch(dataset):
    at = _page(g="GM0599")
    at.button(key="sel_add_gemeente").click().run()
    token = _token(at)
    assert token and len(token) < 2000
    assert decode_selection(dataset, token).codes == at.session_state["_selection"].codes
    at.switch_page("pages/kaart.py").run()
    assert len(at.session_state["_selection"]) == len(dataset.children("GM0599"))
    again = _page(s=token)
    assert again.session_state["_selection"].codes == at.session_state["_selection"].codes


def test_a_broken_selection_link_gives_a_notice_not_an_error():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["s"] = "1not-a-real-token"
    at.run()
    assert not at.exception
    assert "selectie in de link is ongeldig" in at.warning[0].value
    assert len(at.session_state["_selection"]) == 0


def test_clear():
    at = _page(g="GM0599")
    at.button(key="sel_add_gemeente").click().run()
    at.button(key="sel_clear").click().run()
    assert len(at.session_state["_selection"]) == 0
    assert _token(at) is None


def test_criteria_from_a_link_are_shown_as_plain_text(dataset):
    from geo.selection import Criterion, Selection, encode_selection

    evil = "![x](https://attacker.example/p.png) [klik](https://attacker.example) **BELANGRIJK**"
    token = encode_selection(Selection(("WK059901",), (Criterion(evil, evil),)))
    at = _page(s=token)
    assert not at.exception
    assert not any("attacker" in m.value for m in at.markdown)
    assert any(evil in t.value for t in at.text)


def test_a_link_with_oversized_criteria_is_refused(dataset):
    from geo.selection import Criterion, Selection, encode_selection

    token = encode_selection(Selection(("WK059901",), (Criterion("x" * 400, "y"),)))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["s"] = token
    at.run()
    assert len(at.session_state["_selection"]) == 0
    assert "ongeldig of beschadigd" in at.warning[0].value


def test_a_malformed_code_in_a_link_is_not_echoed_into_the_notice():
    from geo.selection import Criterion, Selection, encode_selection

    token = encode_selection(Selection(("WK059901",), (Criterion("a", "b"),))).replace("x", "x")
    import base64
    import json
    import zlib

    raw = json.dumps({"c": "[Klik hier](//evil.example/x)", "q": []}).encode()
    token = token[0] + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["s"] = token
    at.run()
    assert not at.exception
    assert "evil" not in at.warning[0].value


def test_presentation_mode_links_to_every_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["p"] = "1"
    at.run()
    assert not at.exception
    import ui

    links = at.get("page_link")
    assert len(links) == len(ui.PAGES) == 6


def test_list_picker_offers_one_gemeente_at_a_time_and_keeps_earlier_picks(dataset):
    at = _page(g="GM0344", a="WK034403")
    assert at.selectbox(key="sel_pick_gemeente").value == "GM0344"
    utrecht = {c for c in dataset.areas.index if c[:2] in ("WK", "BU") and c[2:6] == "0344"}
    assert len(at.multiselect(key="sel_pick").options) == len(utrecht)
    at.multiselect(key="sel_pick").select("WK034403").run()
    at.selectbox(key="sel_pick_gemeente").select("GM0599").run()
    at.multiselect(key="sel_pick").select("BU05990110").run()
    assert at.multiselect(key="sel_pick").value == ["WK034403", "BU05990110"]
    at.button(key="sel_add_list").click().run()
    assert not at.exception
    assert at.session_state["_selection"].codes == ("WK034403", "BU05990110")
    assert at.multiselect(key="sel_pick").value == []
    assert at.selectbox(key="sel_pick_gemeente").value == "GM0599"  # the picker stays where the user was


def test_one_exported_row_is_counted_in_the_singular_in_both_languages(dataset):
    from geo.selection import Selection, encode_selection

    one = encode_selection(Selection(("BU03440343",)))  # a buurt with one scored year (2024): one long row
    assert [y for y in dataset.years("lbm", code="BU03440343")] == [2024]
    at = _page(s=one, lang="en")
    assert any(c.value.startswith("1 row. Text starting") for c in at.caption)
    dutch = _page(s=one)
    assert any(c.value.startswith("1 rij. Tekst") for c in dutch.caption)
