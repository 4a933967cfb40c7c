"""AppTest: the programme page (shipped sets, years in the URL, own sets, corrections, indicator upload)."""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from geo import gaps, sets
from tests.conftest import ROOT, WIJK_SCORES_2022, WIJK_SCORES_2024, WIJKEN_2024, drawn_maps


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


def test_a_typed_name_that_matches_nothing_is_said_at_the_top():
    # the unmatched line was only counted ("niet gevonden: 1") far down the page
    at = _page()
    at.radio(key="prog_set").set_value("user").run()
    at.text_area(key="prog_typed").input("Rotterdam;Feijenoord\nUtrecht;Overvecht\nNergensdorp;Bestaatniet").run()
    at.button(key="prog_make").click().run()
    assert not at.exception
    (warning,) = [w.value.replace("\\", "") for w in at.warning]  # shown as Markdown-escaped text
    assert warning.startswith("1 regel is met geen enkel gebied gevonden en buiten de set gelaten:")
    assert "'Nergensdorp Bestaatniet'" in warning and "Feijenoord" not in warning
    assert "van de 2 gebieden" in _summary(at)
    shared = _page(lang="en", set="user", u=_param(at, "u"))
    assert not shared.warning  # a set from a link holds only the matched codes: nothing to say


def test_unmatched_names_are_listed_in_english_with_a_count_of_the_rest(dataset):
    typed = "\n".join(["Utrecht; Overvecht", *(f"Nergensdorp; Straat {i}" for i in range(7))])
    resolution = sets.set_from_text(dataset, typed, name="x").resolution
    text = resolution.unmatched_text("en")
    assert text.startswith("7 lines matched no area and are left out of the set: 'Nergensdorp Straat 0'")
    assert "'Nergensdorp Straat 4' and 2 more." in text and "Straat 5" not in text
    assert sets.set_from_text(dataset, "Utrecht; Overvecht", name="x").resolution.unmatched_text("en") is None


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
    tables = [d for d in at.dataframe if d.proto.editing_mode == 0]  # the gap table and the member list
    assert len(tables) == 2 and all(d.proto.placeholder == "–" for d in tables)  # a missing value reads "–"


# -- one language at a time -------------------------------------------------------------------------
# Words of one language only, written by hand. Proper names (set names, Dutch document titles) are
# taken out of the English page first: "the 40+ wijken" and "Besluit ... voor de ..." are names.
DUTCH_WORDS = (
    "de", "het", "een", "van", "en", "naar", "jaar", "achterstand", "gemeente", "gebieden", "gebied", "kies",
    "wijken", "verandering", "inwoners", "tussen", "richting", "eigen", "programmawijk", "bron", "gewogen",
    "referentie", "kaart", "naam", "tabel", "optie", "aandeel", "balken", "stad",
)  # fmt: skip
ENGLISH_WORDS = (
    "the", "and", "gap", "year", "choose", "areas", "change", "with", "your", "own", "share", "behind",
    "between", "source", "district", "districts", "municipality", "inhabitants", "reference", "name", "table",
    "option", "matched", "city", "from", "to",
)  # fmt: skip
PROPER_NAMES = (
    "the 40+ wijken",
    "Besluit Centraal Fonds voor de Volkshuisvesting",
    "Voortgangsrapportage Wijkenaanpak 2010",
    "Overzicht 40+ gemeenten",
)


def _titles(spec: object) -> list[str]:
    if isinstance(spec, dict):
        return [v for k, v in spec.items() if k == "title" and isinstance(v, str)] + [
            t for k, v in spec.items() if k != "title" for t in _titles(v)
        ]
    if isinstance(spec, list):
        return [t for v in spec for t in _titles(v)]
    return []


def _ui_texts(at: AppTest) -> list[str]:
    """Every text of the page itself (not the shared sidebar): labels, options, placeholders,
    headings, captions, notices, table headers, chart titles. Data values (area names) are left out."""
    main = at.main
    texts = [
        e.value for kind in ("markdown", "caption", "subheader", "info", "warning", "error") for e in main.get(kind)
    ]
    for w in [*main.radio, *main.selectbox]:
        texts += [w.label, *map(str, w.options)]
        if w.type == "selectbox":
            texts.append(w.proto.placeholder)
    texts += [w.label for w in [*main.toggle, *main.button, *main.text_input, *main.text_area]]
    texts += [e.proto.label for kind in ("download_button", "file_uploader", "expander") for e in main.get(kind)]
    for frame in main.dataframe:
        labels = [c.get("label") for c in json.loads(frame.proto.columns or "{}").values()]
        texts += [str(c) for c in frame.value.columns] if not any(labels) else [x for x in labels if x]
    texts += [t for chart in main.get("vega_lite_chart") for t in _titles(json.loads(chart.proto.spec))]
    return [x for x in texts if not x.startswith("<style>")]


def _foreign(texts: list[str], words: tuple[str, ...], names: tuple[str, ...] = ()) -> list[str]:
    found = []
    for text in texts:
        for name in names:
            text = text.replace(name, "")
        plain = text.replace("\\", "")
        found += [f"{w!r} in {text[:80]!r}" for w in words if re.search(rf"(?<![\w'-]){w}(?![\w'-])", plain, re.I)]
    return found


@pytest.mark.parametrize(("lang", "other", "names"), [("nl", ENGLISH_WORDS, ()), ("en", DUTCH_WORDS, PROPER_NAMES)])
def test_one_language_at_a_time(lang, other, names):
    at = _page(lang=lang)
    assert not at.exception
    texts = _ui_texts(at)
    assert len(texts) > 60  # the whole page was walked: summary, tables, charts, resolution, upload
    at.radio(key="prog_per").set_value("area").run()
    texts += _ui_texts(at)
    at.radio(key="prog_set").set_value("user").run()
    texts += _ui_texts(at)  # the form for an own set
    at.radio(key="prog_set").set_value("sel").run()
    texts += _ui_texts(at)  # an empty selection
    assert not at.exception
    assert _foreign(texts, other, names) == []
    # numbers in the reader's format: a decimal comma in Dutch, a point in English
    summary = next(t for t in texts if 'data-testid="prog-summary"' in t)
    median = re.search(r"(-?\d+[.,]\d\d) (naar|to) (-?\d+[.,]\d\d)", summary)
    assert median is not None and ("," if lang == "nl" else ".") in median.group(1)


def test_an_error_about_typed_text_shows_the_text_escaped():
    at = _page()
    at.radio(key="prog_set").set_value("user").run()
    at.text_area(key="prog_typed").input("![x](e/x.png)").run()
    at.button(key="prog_make").click().run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("De set is niet gemaakt\\:")
    assert "\\!\\[x\\]\\(e/x.png\\)" in error.value and "![x](" not in error.value


@pytest.mark.parametrize(
    ("lang", "said", "other"),
    [
        ("nl", "regel 2: code WK999999 staat niet in de dataset", "line 2"),
        ("en", "line 2: code WK999999 is not in the dataset", "regel 2"),
    ],
)
def test_an_error_about_typed_text_is_in_the_chosen_language(lang, said, other):
    at = _page(lang=lang)
    at.radio(key="prog_set").set_value("user").run()
    at.text_area(key="prog_typed").input("WK034403\nWK999999").run()
    at.button(key="prog_make").click().run()
    assert not at.exception
    (error,) = at.error
    shown = error.value.replace("\\", "")  # Markdown escapes
    assert said in shown and other not in shown


def test_the_map_outlines_every_member_and_fills_them_by_their_gap(dataset):
    at = _page()
    assert not at.exception
    drawn = drawn_maps(at)
    assert len(drawn) == 1 and drawn[0]["style"] == "overlay"
    rows = {r[0]: r for r in drawn[0]["layer"]["rows"]}
    aset = sets.load_set("40-aandachtswijken", dataset)
    assert set(rows) == {c for c in aset.members if c in dataset.display.index}
    # the fill follows the sign of the gap in the page's member table: red behind the city, blue above it
    table = next(d.value for d in at.dataframe if "achterstand 2018" in d.value.columns and "code" in d.value.columns)
    colours = drawn[0]["layer"]["colours"]
    filled = {code: colours[row[2]] for code, row in rows.items() if row[2] >= 0}
    for code, gap in zip(table["code"], table["achterstand 2018"], strict=True):
        if gap != gap:  # no gap: outline only
            assert code not in filled
        else:
            assert filled[code] == (gaps.BEHIND_COLOUR if gap < 0 else gaps.AHEAD_COLOUR)
    assert len(filled) > 30


def test_an_own_set_with_an_unmatched_name_keeps_its_download():
    at = _page()
    at.radio(key="prog_set").set_value("user").run()
    at.text_area(key="prog_typed").input("Utrecht; Overvecht\nUtrecht; Bestaatniet\nWK034401").run()
    at.button(key="prog_make").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == []  # nobody edited the table: no "correction was not taken"
    (editor,) = [d for d in at.dataframe if getattr(d, "key", None) == "prog_resolution"]
    unmatched = editor.value[editor.value["name"] == "Bestaatniet"]
    assert len(unmatched) == 1 and unmatched["category"].iloc[0] == "not_found"
    keys = {getattr(b, "key", None) for b in at.get("download_button")}
    assert "prog_dl_set" in keys
    (download,) = [b for b in at.get("download_button") if getattr(b, "key", None) == "prog_dl_set"]
    assert download.proto.label == "Download de (gecorrigeerde) set (CSV)"


# -- bad link values: a notice each, in the page's language ------------------------------------------
YEARS_WITH_DATA = "2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024"  # the source files' years


def _notice_lines(at: AppTest) -> list[str]:
    """The lines of the link's notice box, Markdown escapes removed."""
    (box,) = [w.value for w in at.warning if "link" in w.value]
    return [line[2:].replace("\\", "") for line in box.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize(
    ("lang", "lead", "expected"),
    [
        (
            "nl",
            "Niet alles uit de link kon worden gebruikt:",
            [
                "set 'nonexist' bestaat niet (kies uit 40-aandachtswijken, 40plus-wijken, sel, user); "
                "de 40 aandachtswijken getoond",
                f"jaar A 'ya=1999' is geen jaar met gegevens (wel: {YEARS_WITH_DATA}); 2008 getoond",
                f"jaar B 'yb=3000' is geen jaar met gegevens (wel: {YEARS_WITH_DATA}); 2018 getoond",
            ],
        ),
        (
            "en",
            "Not everything in the link could be used:",
            [
                "set 'nonexist' does not exist (choose from 40-aandachtswijken, 40plus-wijken, sel, user); "
                "the 40 aandachtswijken shown",
                f"year A 'ya=1999' is not a year with data (years with data: {YEARS_WITH_DATA}); 2008 shown",
                f"year B 'yb=3000' is not a year with data (years with data: {YEARS_WITH_DATA}); 2018 shown",
            ],
        ),
    ],
)
def test_bad_link_values_fall_back_with_a_notice_each(lang, lead, expected):
    at = _page(set="nonexist", ya="1999", yb="3000", lang=lang)
    assert not at.exception
    (box,) = [w.value for w in at.warning if "link" in w.value]
    assert box.startswith(lead)
    assert _notice_lines(at) == expected
    assert _param(at, "set") == "40-aandachtswijken" and _param(at, "ya") == "2008" and _param(at, "yb") == "2018"
    at.radio(key="prog_per").set_value("area").run()  # shown once: gone on the next run
    assert not [w for w in at.warning if "link" in w.value]


def test_a_year_without_data_is_named_and_a_non_ascii_year_shown_safely():
    at = _page(set="40-aandachtswijken", ya="2009")
    assert _notice_lines(at) == [f"jaar A 'ya=2009' is geen jaar met gegevens (wel: {YEARS_WITH_DATA}); 2008 getoond"]
    assert "Tussen 2008 en 2018" in _summary(at)
    odd = _page(ya="２０１２", yb="<b>2018</b>&x=" + "9" * 40, lang="en")
    assert not odd.exception
    assert _notice_lines(odd) == [
        f"year A 'ya=????' is not a year with data (years with data: {YEARS_WITH_DATA}); 2008 shown",
        f"year B 'yb=?b?2018??b??x?99' is not a year with data (years with data: {YEARS_WITH_DATA}); 2018 shown",
    ]


def test_years_in_the_wrong_order_and_a_damaged_own_set_get_a_notice():
    at = _page(ya="2018", yb="2008", set="user", u="AAAA-not-a-set")
    assert not at.exception
    assert _notice_lines(at) == [
        "de eigen set in de link (u) is ongeldig of beschadigd en is genegeerd; "
        "het formulier voor een eigen set getoond",
        "jaar A 2018 ligt niet voor jaar B 2008; 2008-2018 getoond",
    ]
    assert at.radio(key="prog_set").value == "user" and "u" not in at.query_params


def test_a_good_link_has_no_notice():
    at = _page(set="40plus-wijken", ya="2012", yb="2022")
    assert not at.exception and not at.warning


# -- the set against its cities ------------------------------------------------------------------------
def _trend_chart(at: AppTest) -> tuple[dict, pd.DataFrame]:
    """The spec and the data of the line chart of the set against its cities."""
    charts = [c for c in at.get("vega_lite_chart") if json.loads(c.proto.spec)["mark"]["type"] == "line"]
    (chart,) = charts
    (data,) = chart.proto.datasets
    return json.loads(chart.proto.spec), pa.ipc.open_stream(data.data.data).read_all().to_pandas()


def _the_61_by_hand() -> tuple[int, list[str]]:
    """The members of the 40 aandachtswijken (reviewed CSV) and those with lbm in all nine years (source files)."""
    with (ROOT / "data" / "sets" / "40-aandachtswijken.csv").open(encoding="utf-8") as fh:
        members = list(dict.fromkeys(row["code"] for row in csv.DictReader(fh) if row["code"]))
    have: dict[str, set[int]] = {}
    for path in (WIJK_SCORES_2022, WIJK_SCORES_2024):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["lbm"] != "NA":
                    have.setdefault(row["wk_code"], set()).add(int(row["jaar"]))
    years = {2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024}
    return len(members), [c for c in members if years <= have.get(c, set())]


@pytest.mark.parametrize(
    ("lang", "said", "line"),
    [
        ("nl", "Elk jaar dezelfde 61 van de 82 gebieden, die met een score in elk getoond jaar (2002-2024)", "de set"),
        ("en", "Every year the same 61 of the 82 areas, those with a score in every year shown (2002-2024)", "the set"),
    ],
)
def test_the_set_trend_averages_the_same_areas_and_labels_the_measurement_years(lang, said, line):
    n_members, complete = _the_61_by_hand()
    assert (n_members, len(complete)) == (82, 61)
    at = _page(ya="2002", yb="2024", lang=lang)
    assert not at.exception
    spec, data = _trend_chart(at)
    x = spec["encoding"]["x"]
    assert x["axis"]["values"] == [2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024]  # not every calendar year
    assert x["type"] == "quantitative" and x["scale"]["nice"] is False and x["scale"]["domain"] == [2002, 2024]
    assert sorted(set(data["year"])) == x["axis"]["values"] and len(data) == 2 * 9
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any(c.startswith(said) for c in captions)
    # the 2002 point is the population-weighted mean of the same 61 wijken, by hand from the source files
    pops = {f["properties"]["wijkcode"]: f["properties"].get("aantal_inwoners") for f in _wijk_features()}
    assert all(pops[c] and pops[c] > 0 for c in complete)  # every one has inhabitants: a weighted mean
    lbm_2002 = {}
    for path in (WIJK_SCORES_2022, WIJK_SCORES_2024):  # per (code, year) the newest measurement wins (README)
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["jaar"] == "2002" and row["wk_code"] in complete:
                    lbm_2002[row["wk_code"]] = float(row["lbm"])
    expected = sum(pops[c] * lbm_2002[c] for c in complete) / sum(pops[c] for c in complete)
    drawn = data[(data["year"] == 2002) & (data["line"] == line)]["value"]
    assert drawn.tolist() == [pytest.approx(expected, abs=1e-9)]


def _wijk_features() -> list[dict]:
    return json.loads(WIJKEN_2024.read_text(encoding="utf-8"))["features"]


def test_the_gap_table_download_is_in_dutch_in_dutch_mode(monkeypatch):
    # it had written the English codes narrowed/widened and True/False in a Dutch CSV
    import csv

    import streamlit as st

    offered: dict[str, bytes] = {}
    original = st.download_button

    def spy(label, data, file_name=None, *args, **kwargs):
        offered[str(file_name)] = data
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    _page()
    data = offered["achterstand-40-aandachtswijken-2008-2018.csv"]
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines()))
    assert {r["narrowed"] for r in rows} <= {"ja", "nee"}
    dutch = {"kleiner", "groter", "ingehaald", "achter geraakt", "voor", "gelijk", "geen gegevens"}  # by hand
    assert rows and {r["status_label"] for r in rows} <= dutch


def test_a_page_that_ends_early_keeps_its_controls_link_and_years():
    # the current selection is empty: the page says so and ends, but the sidebar controls and the
    # link still follow the user (st.stop() ended the whole run: no controls, a stale set= in the URL)
    at = _page(ya="2012", yb="2022")
    at.radio(key="prog_set").set_value("sel").run()
    assert not at.exception
    assert any("De selectie is leeg" in i.value for i in at.info)
    assert at.selectbox(key="gemeente").value and at.selectbox(key="lang").value
    assert _param(at, "set") == "sel"
    assert not any('data-testid="prog-summary"' in m.value for m in at.markdown)
    # back to a shipped set: the years are the ones chosen before, and the summary uses them
    at.radio(key="prog_set").set_value("40-aandachtswijken").run()
    assert at.selectbox(key="prog_ya").value == 2012 and at.selectbox(key="prog_yb").value == 2022
    assert "Tussen 2012 en 2022" in _summary(at)
    assert _param(at, "set") == "40-aandachtswijken" and _param(at, "ya") == "2012"
    # years in the wrong order end the page too, with the controls in place
    at.selectbox(key="prog_ya").set_value(2022).run()
    assert any("Kies een jaar A vóór jaar B" in w.value for w in at.warning)
    assert at.selectbox(key="gemeente").value


def test_the_dimension_bars_keep_their_whole_names():
    # Vega cuts axis labels at 180 px by default: "Physical environ…", "Overlast en onvei…"
    for lang in ("nl", "en"):
        at = _page(lang=lang)
        (chart,) = [c for c in at.get("vega_lite_chart") if json.loads(c.proto.spec)["mark"]["type"] == "bar"]
        spec = json.loads(chart.proto.spec)
        (data,) = chart.proto.datasets
        labels = pa.ipc.open_stream(data.data.data).read_all().to_pandas()["label"]
        longest = max(len(str(label)) for label in labels)
        limit = spec["encoding"]["y"].get("axis", {}).get("labelLimit", 180)
        # about 7 px per character at the axis's 11 px font, with room to spare
        assert longest >= 20 and limit >= 7 * longest + 60, (lang, limit, longest)


def test_an_unnamed_own_set_is_named_in_the_page_language():
    # "0 of the 3 areas of eigen set" in English: the default name was Dutch only
    at = _page(lang="en")
    at.radio(key="prog_set").set_value("user").run()
    at.text_area(key="prog_typed").input("WK034403\nZaanstad; Poelenburg").run()
    at.button(key="prog_make").click().run()
    assert not at.exception
    assert "of the 2 areas of my set" in _summary(at)
    dutch = _page(lang="nl", set="user", u=_param(at, "u"))  # the same set from its link, in Dutch
    assert "van de 2 gebieden van mijn set" in _summary(dutch)
    english = _page(lang="en", set="user", u=_param(at, "u"))
    assert "of the 2 areas of my set" in _summary(english) and "eigen set" not in _summary(english)
