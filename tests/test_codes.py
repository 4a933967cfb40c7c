"""CBS area codes: patterns, levels, parents (geo.codes)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import geo
from geo.codes import CODE_PATTERNS

# Codes as CBS writes them: digits for the gemeente, then digits or (Amsterdam, since 2023) capitals.
_GM = st.from_regex(r"\AGM[0-9]{4}\Z")
_WK = st.from_regex(r"\AWK[0-9]{4}[0-9A-Z]{2}\Z")
_BU = st.from_regex(r"\ABU[0-9]{4}[0-9A-Z]{4}\Z")
_ANY_CODE = st.one_of(_GM, _WK, _BU)


@pytest.mark.parametrize(
    ("code", "level", "parent", "gemeente"),
    [
        ("GM0363", "gemeente", None, "GM0363"),
        ("WK0363AA", "wijk", "GM0363", "GM0363"),
        ("BU0363AA01", "buurt", "WK0363AA", "GM0363"),
        ("WK059901", "wijk", "GM0599", "GM0599"),
        ("BU05990110", "buurt", "WK059901", "GM0599"),
        ("WK022502", "wijk", "GM0225", "GM0225"),
    ],
    ids=["gemeente", "amsterdam-wijk", "amsterdam-buurt", "numeric-wijk", "numeric-buurt", "druten"],
)
def test_known_codes(code, level, parent, gemeente):
    assert geo.is_valid_code(code)
    assert geo.is_valid_code(code, level)
    assert geo.level_of(code) == level
    assert geo.parent_of(code) == parent
    assert geo.gemeente_of(code) == gemeente


@pytest.mark.parametrize(
    "bad",
    [
        "WK036",  # too short
        "BU0363AA1",  # buurt one character short
        "GM363",
        "wk0363aa",  # lower case
        "WK0363aa",
        "",
        "XX000000",  # unknown prefix
        " GM0363",
        "GM0363 ",
        "GM0363\n",  # `$` would accept this trailing newline
        "GM\u0660\u0663\u0666\u0663",  # Arabic-Indic digits: `\d` would accept them
        "WK0363AAB",
    ],
    ids=repr,
)
def test_malformed_codes_are_refused(bad):
    assert not geo.is_valid_code(bad)
    with pytest.raises(ValueError, match=r"is not a CBS area code; expected GM plus 4 digits \(GM0363\)"):
        geo.level_of(bad)
    with pytest.raises(ValueError, match="is not a CBS area code"):
        geo.parent_of(bad)
    with pytest.raises(ValueError, match="is not a CBS area code"):
        geo.gemeente_of(bad)


@pytest.mark.parametrize("value", [None, 363, 3.0, b"GM0363", ["GM0363"]], ids=repr)
def test_non_strings_are_not_codes(value):
    assert not geo.is_valid_code(value)
    with pytest.raises(ValueError, match="is not a CBS area code"):
        geo.level_of(value)


def test_a_code_of_another_level_is_not_valid_for_that_level():
    assert not geo.is_valid_code("WK0363AA", "buurt")
    assert not geo.is_valid_code("BU0363AA01", "wijk")
    assert not geo.is_valid_code("GM0363", "wijk")


def test_a_level_typo_is_refused():
    with pytest.raises(ValueError, match="`level` was 'wijken' but is expected to be one of gemeente, wijk, buurt"):
        geo.is_valid_code("WK0363AA", "wijken")  # type: ignore[arg-type]


def test_the_patterns_work_in_pandas_str_match_too():
    # validate.py and areas.py use the pattern text with Series.str.match
    s = pd.Series(["WK0363AA", "WK0363AA\n", "WK036", "BU0363AA01"])
    assert s.str.match(CODE_PATTERNS["wijk"].pattern).tolist() == [True, False, False, False]


def test_every_real_code_has_the_level_and_parent_the_dataset_gives_it(dataset):
    areas = dataset.areas
    assert len(areas) == 343 + 3475 + 12_224
    for code, level, parent in zip(areas["code"], areas["level"], areas["parent_code"], strict=True):
        assert geo.level_of(code) == level
        assert geo.parent_of(code) == (None if pd.isna(parent) else parent)
        assert geo.gemeente_of(code) == "GM" + code[2:6]


# -- properties --------------------------------------------------------------------------------
@given(_ANY_CODE)
def test_parent_of_is_a_prefix_relation(code):
    parent = geo.parent_of(code)
    if geo.level_of(code) == "gemeente":
        assert parent is None
        return
    assert parent is not None
    # the parent's digits/letters are the start of the child's
    assert code[2:].startswith(parent[2:])
    assert len(parent) < len(code)
    assert geo.level_of(parent) == {"buurt": "wijk", "wijk": "gemeente"}[geo.level_of(code)]
    assert geo.gemeente_of(parent) == geo.gemeente_of(code)


@given(_ANY_CODE)
def test_following_parents_ends_at_the_gemeente(code):
    chain = [code]
    while (up := geo.parent_of(chain[-1])) is not None:
        chain.append(up)
    assert chain[-1] == geo.gemeente_of(code)
    assert len(chain) == {"gemeente": 1, "wijk": 2, "buurt": 3}[geo.level_of(code)]


@given(st.one_of(st.text(max_size=12), _ANY_CODE))
def test_is_valid_code_agrees_with_level_of(text):
    try:
        level = geo.level_of(text)
    except ValueError:
        assert not geo.is_valid_code(text)
    else:
        assert geo.is_valid_code(text) and geo.is_valid_code(text, level)
        assert text.isascii() and text == text.strip()
