"""Numbers as text (geo.fmt): known answers written by hand, in both languages."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd
import pytest

from geo.fmt import (
    MISSING,
    NEAR_ZERO,
    altair_locale_config,
    change_text,
    d3_format,
    d3_locale,
    decimal_sign,
    format_series,
    number,
    percent,
    plain,
    style_frame,
)


@pytest.mark.parametrize(
    ("value", "lang", "kwargs", "expected"),
    [
        (4.12351, "nl", {}, "4,124"),
        (4.12351, "en", {}, "4.124"),
        (0.013, "nl", {}, "0,013"),
        (-0.2, "nl", {"decimals": 2}, "-0,20"),
        (-0.2, "en", {"decimals": 2}, "-0.20"),
        (0.044, "nl", {"signed": True}, "+0,044"),
        (-0.044, "en", {"signed": True}, "-0.044"),
        (0.0, "nl", {"signed": True}, "0,000"),
        (-0.0004, "nl", {"signed": True}, "0,000"),  # rounds to zero: no sign, no "-0,000"
        (-0.0004, "en", {}, "0.000"),
        (3, "nl", {"decimals": 0}, "3"),
        (7.5, "en", {"decimals": 1}, "7.5"),
        (12345.678, "nl", {"decimals": 1, "group": True}, "12.345,7"),
        (12345.678, "en", {"decimals": 1, "group": True}, "12,345.7"),
        (12345.678, "nl", {"decimals": 1}, "12345,7"),
        (1234567, "nl", {"decimals": 0, "group": True}, "1.234.567"),
        (0.1 + 0.2, "nl", {"decimals": 15}, "0,300000000000000"),
    ],
    ids=lambda v: repr(v),
)
def test_number_known_answers(value, lang, kwargs, expected):
    assert number(value, lang, **kwargs) == expected


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, math.inf, -math.inf, pd.NA, "abc"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_missing_is_a_dash(value, lang):
    assert number(value, lang) == MISSING == "–"
    assert percent(value, lang) == "–"


def test_rounding_is_pythons_own():
    # 0.0125 is stored as 0.01250000000000000069..., so it rounds up, as round() and f-strings do
    assert number(0.0125, "en") == "0.013"
    assert number(2.675, "en", 2) == "2.67"  # stored as 2.67499999...


@pytest.mark.parametrize(
    ("ratio", "lang", "kwargs", "expected"),
    [
        (0.4, "nl", {}, "40%"),
        (0.125, "nl", {"decimals": 1}, "12,5%"),
        (0.125, "en", {"decimals": 1}, "12.5%"),
        (-0.4, "en", {"signed": True}, "-40%"),
        (2.46, "nl", {"signed": True}, "+246%"),
    ],
)
def test_percent_known_answers(ratio, lang, kwargs, expected):
    assert percent(ratio, lang, **kwargs) == expected


@pytest.mark.parametrize(
    ("a", "b", "lang", "expected"),
    [
        (0.013, 0.044, "nl", "van 0,013 naar 0,044"),  # base near zero: no "246%"
        (0.013, 0.044, "en", "from 0.013 to 0.044"),
        (-0.013, -0.044, "nl", "van -0,013 naar -0,044"),
        (0.05, 0.07, "nl", "+40% (van 0,050 naar 0,070)"),
        (0.05, 0.02, "en", "-60% (from 0.050 to 0.020)"),
        (-0.10, -0.05, "nl", "+50% (van -0,100 naar -0,050)"),  # relative to the size of the base
        (4.0, 4.2, "en", "+5% (from 4.000 to 4.200)"),
        (None, 0.1, "nl", "–"),
        (0.1, float("nan"), "en", "–"),
    ],
)
def test_change_text(a, b, lang, expected):
    assert change_text(a, b, lang) == expected


def test_change_text_threshold_is_the_size_of_the_base():
    assert NEAR_ZERO == 0.02
    assert change_text(0.0199, 0.03, "en") == "from 0.020 to 0.030"
    assert change_text(0.02, 0.03, "en") == "+50% (from 0.020 to 0.030)"
    assert change_text(0.5, 1.0, "nl", decimals=1, near_zero=1.0) == "van 0,5 naar 1,0"


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: number(1.0, "de"), r"`lang` was 'de'"),
        (lambda: number(1.0, "nl", 16), r"`decimals` was 16"),
        (lambda: number(1.0, "nl", -1), r"`decimals` was -1"),
        (lambda: number(None, "fr"), r"`lang` was 'fr'"),
        (lambda: percent(None, "fr"), r"`lang` was 'fr'"),
        (lambda: change_text(None, None, "xx"), r"`lang` was 'xx'"),
        (lambda: d3_format(99), r"`decimals` was 99"),
    ],
)
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_decimal_sign_and_d3_locale():
    assert decimal_sign("nl") == ","
    assert decimal_sign("en") == "."
    nl, en = d3_locale("nl"), d3_locale("en")
    assert (nl["decimal"], nl["thousands"]) == (",", ".")
    assert (en["decimal"], en["thousands"]) == (".", ",")
    assert nl["minus"] == en["minus"] == "-"  # d3's default is U+2212; we match number()
    assert d3_format(2) == ".2f"
    assert d3_format(3, signed=True) == "+.3f"
    assert d3_format(0, percent=True) == ".0%"


def test_altair_config_is_a_valid_vega_lite_locale():
    chart = (
        alt.Chart(pd.DataFrame({"x": [0.5, 1.25]}))
        .mark_point()
        .encode(x=alt.X("x:Q", axis=alt.Axis(format=d3_format(2))))
    )
    spec = chart.configure(locale=altair_locale_config("nl")).to_dict()  # validates against the schema
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["encoding"]["x"]["axis"]["format"] == ".2f"


def test_format_series_keeps_the_index():
    s = pd.Series([1.5, np.nan, -0.25], index=["BU1", "BU2", "BU3"])
    out = format_series(s, "nl", 2, signed=True)
    assert out.to_dict() == {"BU1": "+1,50", "BU2": "–", "BU3": "-0,25"}
    assert format_series(s, "en", 1).tolist() == ["1.5", "–", "-0.2"]  # -0.25 is exact: half to even


def test_style_frame_shows_text_and_keeps_numbers():
    frame = pd.DataFrame({"score": [4.12351, np.nan], "gap": [0.05, -0.013], "name": ["A", "B"]})
    styler = style_frame(frame, "nl", {"score": 3, "gap": 2}, signed=("gap",))
    html = styler.to_html()
    for text in ("4,124", "–", "+0,05", "-0,01", ">A<"):
        assert text in html
    assert "4.124" not in html and "4.12351" not in html
    assert styler.data["score"].dtype == float  # sorting stays numeric
    with pytest.raises(ValueError, match=r"columns \['nope'\] are not in the frame"):
        style_frame(frame, "nl", {"nope": 2})


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (0.1, "nl", "0,1"),
        (0.1, "en", "0.1"),
        (-4.25, "nl", "-4,25"),
        (4.0, "nl", "4"),
        (0.00001, "en", "0.00001"),
        (-0.0, "nl", "0"),
        (0.123456789, "nl", "0,123457"),  # six significant digits, as typed thresholds never need more
        (None, "en", "–"),
    ],
)
def test_plain_known_answers(value, lang, expected):
    assert plain(value, lang) == expected
