"""One language and one number format per page: AppTest walks every page in Dutch and in English.

In Dutch, no number with a decimal point (``3.855``) in metrics, text, captions or the formatted
values of tables, and no table column that the browser would format with a point; in English no
decimal comma (``-0,238``). Widget labels, placeholders and headings hold no word of the other
language (a small glossary of words that exist in one language only).
"""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import ui
from tests.conftest import ROOT

#: Utrecht, Overvecht: a wijk with buurten, neighbours across the city border and 2024 data.
LINK = {"g": "GM0344", "a": "WK034403"}

#: A Dutch decimal in English text: "-0,238", "0,5", "3,8555" (a comma with exactly three digits
#: after a digit other than 0 may be an English thousands group: "3,475").
DUTCH_DECIMAL = re.compile(r"(?<![\d,.])-?0,\d+|(?<![\d,.])\d+,\d{1,2}(?![\d,])|(?<![\d,.])\d+,\d{4,}(?![\d,])")
#: An English decimal in Dutch text: "3.855", "-0.24" (one decimal, "3.0" in "Leefbaarometer 3.0", is a version).
ENGLISH_DECIMAL = re.compile(r"(?<![\d.])-?\d+\.\d{2,}(?![\d.])")
URL = re.compile(r"https?://\S+|`[^`]*`|WK\d{4}\w*|BU\d{6}\w*|<[^>]*>")
#: CBS area names start with "Wijk 03" or "Buurt 12" in both languages.
CBS_NAME = re.compile(r"\b(Wijk|Buurt) \d+")

#: Words of one language only; seen in the other language's labels they are a leak.
ENGLISH_WORDS = {
    "Choose",
    "option",
    "options",
    "results",
    "Select",
    "Municipality",
    "District",
    "Neighbourhood",
    "Year",
    "Change",
    "Measure",
    "Selection",
    "Map",
    "the",
    "and",
    "with",
    "from",
    "Show",
    "Download",
}
DUTCH_WORDS = {
    "Kies",
    "optie",
    "resultaten",
    "Gemeente",
    "Wijk",
    "Buurt",
    "Jaar",
    "Verandering",
    "Maat",
    "Selectie",
    "Kaart",
    "het",
    "een",
    "van",
    "met",
    "Toon",
    "Geen",
}
#: Labels that are bilingual on purpose.
BILINGUAL = {"Taal / language"}


def _page(path: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in {**LINK, "lang": lang}.items():
        at.query_params[key] = value
    if path != "pages/kaart.py":
        at.switch_page(path)
    return at.run()


def _frame_texts(at: AppTest, lang: str) -> tuple[list[str], list[str]]:
    """The formatted values of every table, and the float columns left to the browser's format."""
    texts, unformatted = [], []
    for frame in at.dataframe:
        styler = frame.proto.arrow_data.styler
        if styler.display_values:
            shown = pa.ipc.open_stream(styler.display_values).read_all().to_pandas()
            texts += [str(v) for v in shown.to_numpy().ravel()]
            continue
        data = frame.value
        for column in data.columns:
            values = data[column]
            if values.dtype.kind == "f" and ((values.dropna() % 1) != 0).any():
                unformatted.append(str(column))
    return texts, unformatted


def _texts(at: AppTest) -> list[str]:
    out = [m.value for m in at.markdown if not m.value.lstrip().startswith("<style>")]
    out += [c.value for c in at.caption] + [e.value for e in at.info] + [e.value for e in at.warning]
    out += [str(m.value) for m in at.metric] + [str(s.value) for s in at.subheader]
    return out


def _labels(at: AppTest, lang: str) -> list[str]:
    labels = []
    if lang == "nl":  # no placeholder given: the browser shows Streamlit's English default
        labels += [
            "Choose an option" for kind in ("selectbox", "multiselect") for w in at.get(kind) if not w.proto.placeholder
        ]
    for kind in ("selectbox", "multiselect", "text_input", "number_input", "button", "checkbox", "toggle", "radio"):
        for widget in at.get(kind):
            proto = widget.proto
            labels += [getattr(proto, "label", ""), getattr(proto, "placeholder", "")]
    return [x for x in labels if x and x not in BILINGUAL]


PAGES = [path for path, *_ in ui.PAGES]
#: Known and owned elsewhere; strict, so the mark must go when it is fixed.
KNOWN: dict[tuple[str, str], str] = {}  # (page, language) pairs known to fail, with the reason


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("path", PAGES, ids=[p.split("/")[-1][:-3] for p in PAGES])
def test_every_page_speaks_one_language_with_one_number_format(path, lang, request):
    if (path, lang) in KNOWN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN[(path, lang)]))
    at = _page(path, lang)
    assert not at.exception, at.exception
    frame_texts, unformatted = _frame_texts(at, lang)
    texts = [URL.sub("", t) for t in _texts(at) + frame_texts]
    wrong = ENGLISH_DECIMAL if lang == "nl" else DUTCH_DECIMAL
    problems = []
    bad_numbers = sorted({m.group(0) for t in texts for m in wrong.finditer(t)})
    if bad_numbers:
        problems.append(f"numbers in the other language's format: {bad_numbers[:10]}")
    if lang == "nl" and unformatted:
        problems.append(f"table columns shown with a decimal point: {unformatted}")
    glossary = ENGLISH_WORDS if lang == "nl" else DUTCH_WORDS
    leaks = sorted(
        {
            (w, label)
            for label in _labels(at, lang)
            for w in re.findall(r"[A-Za-z]+", CBS_NAME.sub("", label))
            if w in glossary
        }
    )
    if leaks:
        problems.append(f"words of the other language in labels: {leaks[:10]}")
    assert not problems, f"{path} ({lang}): " + "; ".join(problems)
