"""Bring your own indicator: uploads checked at the boundary, all problems at once."""

from __future__ import annotations

import re
import time

import pytest

from geo import ValidationError, explain
from geo.indicator import MAX_UPLOAD_BYTES, read_indicators


def test_good_csv(dataset):
    data = b"code,inwoners,aandeel_huur\nWK034403,35255,0.61\nWK047912,13000,0.7\nWK036103,8210,\n"
    inwoners, huur = read_indicators(dataset, data)
    assert inwoners.name == "inwoners"
    assert inwoners.values == {"WK034403": 35255.0, "WK047912": 13000.0, "WK036103": 8210.0}
    assert huur.values == {"WK034403": 0.61, "WK047912": 0.7}  # an empty cell is missing, not zero
    assert inwoners.bins[0] == 8210.0 and inwoners.bins[-1] == 35255.0
    assert len(inwoners.labels()) == len(inwoners.bins) - 1
    assert inwoners.classify(8210.0) == 0 and inwoners.classify(35255.0) == len(inwoners.labels()) - 1
    assert "e+" not in " ".join(inwoners.labels())  # labels readable, no exponent notation
    # the class edges of 0.61 and 0.7 (quantiles 0.61, 0.628, 0.646, ...) in each language's format
    assert huur.labels("nl")[0] == "0,61 – 0,628" and huur.labels("en")[0] == "0.61 – 0.628"


def test_dutch_excel_csv_with_bom_semicolon_and_decimal_comma(dataset):
    data = "\ufeffcode;inkomen;score\r\nWK034403;1.234,5;0,25\r\nWK047912;987,25;-0,5\r\n".encode()
    inkomen, score = read_indicators(dataset, data)
    assert inkomen.values == {"WK034403": 1234.5, "WK047912": 987.25}
    assert score.values == {"WK034403": 0.25, "WK047912": -0.5}


def test_cp1252_header_is_read(dataset):
    data = "code;gemiddelde woningwaarde (\u20ac)\nWK034403;250\n".encode("cp1252")
    (ind,) = read_indicators(dataset, data)
    assert ind.name == "gemiddelde woningwaarde (\u20ac)"


def test_unknown_codes_duplicates_and_text_are_all_reported_with_rows(dataset):
    data = b"code,v\nWK999999,1\nWK034403,abc\nWK034403,2\nhallo,3\n"
    with pytest.raises(ValidationError) as info:
        read_indicators(dataset, data)
    message = str(info.value)
    assert "4 problems" in message
    assert "row 2: code WK999999 is not in the dataset" in message
    assert "row 3, column 'v': 'abc' is not a number" in message
    assert "row 4: code WK034403 appears again (first in row 3)" in message
    assert "row 5: 'HALLO' is not a CBS code" in message
    dutch = info.value.text("nl")  # what the app shows in Dutch
    assert dutch.startswith("het geüploade CSV-bestand: 4 problemen gevonden; er is niets ingelezen.")
    assert "regel 2: code WK999999 staat niet in de dataset" in dutch
    assert "regel 3, kolom 'v': 'abc' is geen getal" in dutch
    assert "regel 4: code WK034403 komt nog eens voor (eerst in regel 3)" in dutch
    assert "regel 5: 'HALLO' is geen CBS-code" in dutch
    assert not re.search(r"\b(row|problems|found|loaded|is not|appears)\b", dutch)
    assert explain(info.value, "nl") == dutch and explain(info.value, "en") == message


def test_missing_code_column_names_the_columns(dataset):
    with pytest.raises(ValidationError, match=r"no code column: the columns are 'wijk', 'v'"):
        read_indicators(dataset, b"wijk,v\nWK034403,1\n")


def test_far_over_the_size_limit_is_rejected_quickly(dataset):
    data = b"code,v\n" + b"WK034403,1\n" * (MAX_UPLOAD_BYTES // 5)  # about 11 MB
    start = time.perf_counter()
    with pytest.raises(ValidationError, match=r"at most 5 MB"):
        read_indicators(dataset, data)
    assert time.perf_counter() - start < 0.5


def test_html_in_a_header_and_a_value_is_kept_as_text_and_refused_as_number(dataset):
    header = b'code,<img src=x onerror="alert(1)">\nWK034403,5\n'
    (ind,) = read_indicators(dataset, header)
    assert ind.name == '<img src=x onerror="alert(1)">'  # the page escapes it wherever it is shown
    with pytest.raises(ValidationError, match=r"'<script>alert\(1\)</sc' is not a number"):
        read_indicators(dataset, b"code,v\nWK034403,<script>alert(1)</script>\n")  # echoed cut to 20 characters


def test_empty_upload(dataset):
    with pytest.raises(ValidationError, match="empty"):
        read_indicators(dataset, b"  \n")
    with pytest.raises(ValidationError, match="no data rows") as info:
        read_indicators(dataset, b"code,v\n")
    assert "1 probleem gevonden" in info.value.text("nl") and "geen gegevens" in info.value.text("nl")


def test_indicator_map_in_each_language(dataset):
    from geo.indicator import CHART_AREAS, PALETTE, indicator_map

    codes = dataset.codes("wijk", gemeente="GM0363")[: CHART_AREAS + 5]
    rows = "\n".join(f"{c},{i + 0.5}" for i, c in enumerate(codes))
    (ind,) = read_indicators(dataset, f"code,aandeel\n{rows}\n".encode())
    nl, en = indicator_map(dataset, ind, "nl"), indicator_map(dataset, ind, "en")
    first = codes[0]
    assert nl.tooltips[first] == f"{dataset.name(first)} ({first}) · aandeel: 0,5"
    assert en.tooltips[first] == f"{dataset.name(first)} ({first}) · aandeel: 0.5"
    assert nl.colours[first] == PALETTE[0] and nl.colours[codes[-1]] == PALETTE[-1]
    # 45 values 0.5 ... 44.5: the 20% quantile lies 0.2 * 44 = 8.8 steps above the lowest, at 9.3
    assert len(codes) == 45 and nl.legend[0][1] == "0,5 – 9,3"
    assert nl.n_areas == len(codes) and len(nl.chart) == CHART_AREAS
    assert list(nl.chart["value"]) == sorted((i + 0.5 for i in range(len(codes))), reverse=True)[:CHART_AREAS]
    assert ind.decimals == 2  # four significant digits of 44.5
