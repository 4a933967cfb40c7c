"""AppTest: the programme page (shipped sets, years in the URL, own sets, corrections, indicator upload)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from geo import gaps, sets
from tests.conftest import ROOT


def _page(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    return at.switch_page("pages/programma.py").run()


def _param(at, key):
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def _summary(at) -> str:
    return next(m.value for m in at.markdown if 'data-testid="prog-summary"' in m.value)


def test_default_shows_the_40_aandachtswijken_2008_2018(dataset):
    at = _page()
    assert not at.exception
    aset = sets.load_set("40-aandachtswijken", dataset)
    groups = {e: aset.resolution.codes_of(e) for e in aset.resolution.entries}
    expected = gaps.entry_gap_table(dataset, groups, 2008, 2018, set_name="de 40 aandachtswijken").summary("nl")
    assert expected.startswith("Tussen 2008 en 2018 verkleinden ") and " van de 40 aandachtswijken " in expected
    assert expected in _summary(at)
    assert _param(at, "set") == "40-aandachtswijken" and _param(at, "ya") == "2008" and _param(at, "yb") == "2018"
    at.radio(key="prog_per").set_value("area").run()
    per_area = gaps.gap_table(
        dataset, aset.members, 2008, 2018, set_name=f"de {len(aset)} wijken van de 40 aandachtswijken"
    ).summary("nl")
    assert per_area in _summary(at)


def test_years_and_set_from_the_url_and_invalid_values_fall_back():
    at = _page(set="40plus-wijken", ya="2012", yb="2022", lang="en")
    assert not at.exception
    assert _summary(at).startswith('<p data-testid="prog-summary"') and "Between 2012 and 2022" in _summary(at)
    bad = _page(set="<script>", ya="２０１２", yb="abcd")
    assert not bad.exception
    assert _param(bad, "set") == "40-aandachtswijken" and _param(bad, "ya") == "2008"


def test_typed_user_set_is_shareable_by_url(dataset):
    at = _page()
    at.radio(key="prog_set").set_value("user").run()
    at.text_area(key="prog_typed").input("WK034403\nZaanstad; Poelenburg").run()
    at.button(key="prog_make").click().run()
    assert not at.exception
    token = _param(at, "u")
    assert token and sets.decode_set(dataset, token).members == ("WK034403", "WK047912")
    shared = _page(set="user", u=token)
    assert not shared.exception
    assert "van de 2 gebieden" in _summary(shared)


def test_html_in_a_typed_set_name_is_escaped():
    at = _page()
    at.radio(key="prog_set").set_value("user").run()
    at.text_input(key="prog_name").input("<img src=x onerror=alert(1)>").run()
    at.text_area(key="prog_typed").input("WK034403").run()
    at.button(key="prog_make").click().run()
    assert not at.exception
    summary = _summary(at)
    assert "<img" not in summary.split(">", 1)[1] and "&lt;img" in summary


def test_selection_as_set(dataset):
    at = _page(s=__import__("geo").encode_selection(__import__("geo").Selection(("WK034403", "WK034408"))))
    at.radio(key="prog_set").set_value("sel").run()
    assert not at.exception
    assert "van de 2 gebieden" in _summary(at)


def test_resolution_editor_and_downloads_are_there():
    at = _page()
    assert not at.exception
    keys = {getattr(b, "key", None) for b in at.get("download_button")}
    assert {"prog_dl_gaps", "prog_dl_set"} <= keys
    editors = [d for d in at.dataframe if getattr(d, "key", None) == "prog_resolution"]
    assert len(editors) == 1 and editors[0].proto.editing_mode != 0  # an editable table (data_editor)
