"""Selections: builders, score filters and the shareable URL token, on the embedded real dataset."""

from __future__ import annotations

import base64
import json
import zlib

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo.selection import (
    MAX_TOKEN_LENGTH,
    Criterion,
    Filter,
    Selection,
    decode_selection,
    encode_selection,
    filter_codes,
    parse_filter,
    validate_codes,
)


def _token(payload: object, version: str = "1") -> str:
    raw = json.dumps(payload).encode()
    return version + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def wide_scores(dataset: geo.Dataset) -> dict[str, pd.DataFrame]:
    """Independent pivot of the displayable scores per measure: code x year."""
    return {m: dataset.scores.pivot(index="code", columns="year", values=m) for m in geo.MEASURES}


# -- the Selection object ------------------------------------------------------------------------
def test_selection_is_an_ordered_set():
    sel = Selection(("WK0363AB", "WK0363AA", "WK0363AB", "GM0363"))
    assert sel.codes == ("WK0363AB", "WK0363AA", "GM0363")
    assert len(sel) == 3
    assert "WK0363AA" in sel
    assert list(sel) == ["WK0363AB", "WK0363AA", "GM0363"]


@pytest.mark.parametrize("bad", ["WK0363A", "wk0363aa", "XX0363AA", "BU0363AA1", ""], ids=repr)
def test_selection_rejects_malformed_codes(bad):
    with pytest.raises(ValueError, match="not CBS area codes"):
        Selection(("WK0363AA", bad))


def test_add_gemeente_adds_its_wijken(dataset):
    sel = Selection().add_gemeente(dataset, "GM0363")
    assert list(sel.codes) == dataset.children("GM0363")
    assert all(dataset.level(c) == "wijk" and dataset.parent(c) == "GM0363" for c in sel)
    assert sel.describe("nl") == f"alle wijken van Amsterdam (GM0363): {len(sel)} gebieden"
    assert sel.describe("en") == f"all districts of Amsterdam (GM0363): {len(sel)} areas"


def test_add_wijk_with_and_without_buurten(dataset):
    buurten = dataset.children("WK0363AA")
    assert buurten, "Amsterdam wijken have buurten in the embedded dataset"
    sel = Selection().add_wijk(dataset, "WK0363AA")
    assert sel.codes == ("WK0363AA", *buurten)
    assert f"{len(buurten)} buurten" in sel.describe("nl")
    alone = Selection().add_wijk(dataset, "WK0363AA", buurten=False)
    assert alone.codes == ("WK0363AA",)
    # a wijk without buurten in the dataset (the WFS layer has only buurten with a 2024 score)
    assert not dataset.children("WK003414")
    assert Selection().add_wijk(dataset, "WK003414").codes == ("WK003414",)


def test_builders_chain_keep_order_and_criteria(dataset):
    sel = (
        Selection()
        .add_codes(dataset, ["WK001400", "BU0363AA01"])
        .add_gemeente(dataset, "GM0014")
        .add_wijk(dataset, "WK0363AA")
    )
    assert sel.codes[:2] == ("WK001400", "BU0363AA01")
    assert sel.codes.count("WK001400") == 1  # already there: keeps its first position
    assert len(sel.criteria) == 3
    assert sel.describe("en").startswith("chosen by hand: 2 area(s); all districts of Groningen (GM0014)")
    assert sel.remove(["WK001400"]).codes[0] == "BU0363AA01"
    assert sel.remove(["WK999999"]) is sel


def test_add_codes_names_every_unknown_code(dataset):
    with pytest.raises(ValueError, match=r"2 code\(s\) that are not areas of the dataset: WK999901, BU0363ZZ99"):
        Selection().add_codes(dataset, ["WK0363AA", "WK999901", "BU0363ZZ99"])
    with pytest.raises(ValueError, match="not CBS area codes: 'nonsense'"):
        Selection().add_codes(dataset, ["nonsense"])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda ds: Selection().add_gemeente(ds, "WK0363AA"),
            "`gemeente` was 'WK0363AA' but is expected to be a gemeente",
        ),
        (lambda ds: Selection().add_gemeente(ds, "GM9999"), "not areas of the dataset: GM9999"),
        (lambda ds: Selection().add_wijk(ds, "GM0363"), "`wijk` was 'GM0363' but is expected to be a wijk code"),
    ],
    ids=["gemeente-not-gm", "gemeente-unknown", "wijk-not-wk"],
)
def test_builder_errors(dataset, call, match):
    with pytest.raises(ValueError, match=match):
        call(dataset)


def test_validate_codes_passes_real_codes(dataset):
    validate_codes(dataset, ["GM0363", "WK0363AA", "BU0363AA01"])


# -- filters -------------------------------------------------------------------------------------
def test_filter_below_picks_exactly_the_matching_wijken(dataset, wide_scores):
    result = filter_codes(dataset, Filter("afw", "below", -0.1, year=2022))
    wijken = set(dataset.codes("wijk"))
    col = wide_scores["afw"][2022].dropna()
    expected = sorted(c for c, v in col.items() if c in wijken and v < -0.1)
    assert list(result.codes) == expected
    assert len(expected) > 50
    assert result.criterion.nl == (
        f"wijken met afw onder -0,1 in 2022: {len(expected)} gebieden (gebieden zonder afw in 2022 vallen af)"
    )
    assert result.criterion.en.startswith(f"districts with afw below -0.1 in 2022: {len(expected)} areas")


def test_filter_declined_within_a_gemeente(dataset, wide_scores):
    spec = Filter("lbm", "declined", year_from=2012, year_to=2022, gemeente="GM0363")
    result = filter_codes(dataset, spec)
    lbm = wide_scores["lbm"]
    amsterdam = dataset.codes("wijk", gemeente="GM0363")
    change = (lbm[2022] - lbm[2012]).reindex(amsterdam).dropna()
    assert list(result.codes) == sorted(change.index[change < 0])
    assert 0 < len(result.codes) < len(change)
    assert "waar lbm tussen 2012 en 2022 daalde" in result.criterion.nl
    assert result.criterion.en.startswith("districts in Amsterdam (GM0363) where lbm declined between 2012 and 2022")


def test_filter_improved_by_more_than_a_threshold_on_buurten(dataset, wide_scores):
    spec = Filter("lbm", "improved", 0.1, year_from=2002, year_to=2024, level="buurt")
    result = filter_codes(dataset, spec)
    lbm = wide_scores["lbm"]
    change = (lbm[2024] - lbm[2002]).reindex(dataset.codes("buurt")).dropna()
    assert list(result.codes) == sorted(change.index[change > 0.1])
    assert result.codes and all(c.startswith("BU0363") for c in result.codes)
    assert "met meer dan 0,1 steeg" in result.criterion.nl


def test_filter_never_picks_excluded_or_unscored_areas(dataset):
    excluded = set(dataset.excluded["code"]) & set(dataset.codes("wijk"))
    assert excluded
    picked = set(filter_codes(dataset, Filter("lbm", "above", -100.0, year=2022)).codes)
    assert not picked & excluded
    assert picked == set(dataset.values(dataset.codes("wijk"), 2022).dropna().index)


def test_add_filter_adds_codes_and_criterion(dataset):
    spec = Filter("afw", "below", -0.1, year=2022, gemeente="GM0599")
    sel = Selection().add_filter(dataset, spec)
    assert sel.codes == filter_codes(dataset, spec).codes
    assert sel.criteria == (filter_codes(dataset, spec).criterion,)
    assert "Rotterdam (GM0599)" in sel.describe("nl")


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        (Filter("xyz", "below", 0.0, year=2022), "`measure` was 'xyz'"),
        (Filter("afw", "between", 0.0, year=2022), "`op` was 'between'"),  # type: ignore[arg-type]
        (Filter("afw", "below", year=2022), "needs `threshold` and `year`"),
        (Filter("afw", "below", 0.0, year=2022, year_to=2024), "takes `year`, not"),
        (Filter("fys", "below", 0.0, year=2012), "`year` was 2012 but fys has data only in 2014"),
        (Filter("afw", "below", 0.0, year=2021), "`year` was 2021"),
        (Filter("lbm", "declined", year_from=2022, year_to=2012), "must be before"),
        (Filter("lbm", "declined", year_from=2012), "needs `year_from` and `year_to`"),
        (Filter("lbm", "declined", -0.1, year_from=2012, year_to=2022), "must be >= 0"),
        (Filter("lbm", "below", float("nan"), year=2022), "finite"),
        (Filter("lbm", "below", 4.0, year=2022, gemeente="GM9999"), "GM9999"),
        (Filter("lbm", "below", 4.0, year=2022, level="provincie"), "`level` was 'provincie'"),  # type: ignore[arg-type]
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_filter_errors(dataset, spec, match):
    with pytest.raises(ValueError, match=match):
        filter_codes(dataset, spec)


def test_parse_filter():
    spec = parse_filter("measure=afw, op=below, threshold=-0.1, year=2022, gemeente=GM0363")
    assert spec == Filter("afw", "below", -0.1, year=2022, gemeente="GM0363")
    assert parse_filter("op=declined,year_from=2012,year_to=2022") == Filter(
        op="declined", year_from=2012, year_to=2022
    )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "the filter is empty"),
        ("measure", "is not key=value"),
        ("colour=red", "filter key 'colour' is unknown"),
        ("year=2022,year=2020", "given twice"),
        ("year=twenty", "not a whole year"),
        ("threshold=-0,1", "not key=value"),  # the comma splits: '1' is not key=value
        ("threshold=abc", "not a number"),
    ],
)
def test_parse_filter_errors(text, match):
    with pytest.raises(ValueError, match=match):
        parse_filter(text)


# -- the URL token -------------------------------------------------------------------------------
def test_token_round_trip_with_criteria(dataset):
    sel = (
        Selection()
        .add_gemeente(dataset, "GM0363")
        .add_wijk(dataset, "WK0363AA")
        .add_filter(dataset, Filter("afw", "below", -0.1, year=2022))
        .add_codes(dataset, ["GM0014"], criterion=Criterion("met de hand: Groningen", "by hand: Groningen"))
    )
    token = encode_selection(sel)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode_selection(dataset, token) == sel


def test_empty_selection_round_trips(dataset):
    assert decode_selection(dataset, encode_selection(Selection())) == Selection()


def test_500_wijken_encode_under_2000_characters(dataset):
    codes: list[str] = []
    for gm in dataset.gemeenten()["code"]:
        codes += dataset.children(gm)
        if len(codes) >= 500:
            break
    sel = Selection(tuple(codes[:500]), (Criterion("500 wijken", "500 districts"),))
    token = encode_selection(sel)
    assert len(token) < 2000
    assert decode_selection(dataset, token) == sel
    # a real filter over the whole country (hundreds of wijken in many gemeenten)
    big = Selection().add_filter(dataset, Filter("afw", "below", -0.04, year=2022))
    assert len(big) >= 500
    assert len(encode_selection(Selection(big.codes[:500], big.criteria))) < 2000


def test_decode_names_codes_the_dataset_lacks(dataset):
    token = encode_selection(Selection(("WK0363AA", "WK999901", "BU0363ZZ99")))
    with pytest.raises(ValueError, match=r"2 code\(s\) that are not areas of this dataset: WK999901, BU0363ZZ99"):
        decode_selection(dataset, token)


@pytest.mark.parametrize(
    ("token", "match"),
    [
        ("", "expected a non-empty string"),
        ("2abc", "format version '2'"),
        ("1abc$", "characters other than"),
        ("1" + "A" * (MAX_TOKEN_LENGTH + 1), "at most"),
        ("1abcd", "does not unpack"),
        (_token({"c": "WK0363:AA"})[:-6], "does not unpack|truncated"),
        (_token([1, 2]), "unknown layout"),
        (_token({"c": "WK0363AA", "q": []}), "has no ':'"),
        (_token({"c": "WK0363:AA,A", "q": []}), r"not CBS area codes: 'WK0363A'"),
        (_token({"c": "XX0363:AA", "q": []}), "not CBS area codes: 'XX0363AA'"),
        (_token({"c": "WK0363:AA,AB;WK0363:AA", "q": []}), r"lists 1 code\(s\) twice: WK0363AA"),
        (_token({"c": "WK0363:AA", "q": [["only one"]]}), "not a pair of texts"),
    ],
    ids=[
        "empty",
        "version",
        "alphabet",
        "too-long",
        "not-zlib",
        "truncated",
        "layout",
        "run",
        "short-code",
        "prefix",
        "twice",
        "criterion",
    ],
)
def test_decode_rejects_invalid_tokens(dataset, token, match):
    with pytest.raises(ValueError, match=match):
        decode_selection(dataset, token)


def test_decode_refuses_a_decompression_bomb(dataset):
    bomb = "1" + base64.urlsafe_b64encode(zlib.compress(b" " * 5_000_000, 9)).rstrip(b"=").decode()
    assert len(bomb) < MAX_TOKEN_LENGTH
    with pytest.raises(ValueError, match="unpacks to more than"):
        decode_selection(dataset, bomb)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), words=st.text(max_size=30))
def test_any_subset_of_real_codes_round_trips(dataset, data, words):
    every_code = sorted(dataset.areas.index)
    codes = data.draw(st.lists(st.sampled_from(every_code), unique=True, max_size=120), label="codes")
    sel = Selection(tuple(codes), (Criterion(words, words[::-1]),))
    assert decode_selection(dataset, encode_selection(sel)) == sel
