"""The per-dataset memo (geo._cache) and the caches built on it: results stay right, memory stays bounded.

Expected values come from the published source files (read here with the csv module) or are
written out by hand, never from the cached code's own formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest

import geo
from geo import _cache, compare, fmt, summary, trend
from geo._cache import memo, memo_size
from tests.conftest import WIJK_SCORES_2022, published_wijk_score

HEERDE = ("WK024600", "WK024601")  # Heerde, Wapenveld: the two wijken of Heerde
ZWOLLE = "GM0193"


@pytest.fixture
def small(dataset) -> Iterator[geo.Dataset]:
    """A throwaway dataset (Utrecht's areas, no scores): its memo starts empty and dies with it."""
    ds = geo.Dataset(dataset.areas[dataset.areas["gemeente_code"] == "GM0344"], dataset.scores.iloc[0:0])
    yield ds
    _cache.clear(ds)


def _published_gemeente(gemeente: str, year: int, measure: str) -> dict[str, float]:
    """The published values of one measure for every wijk of a gemeente in a year (meting 2022 file)."""
    out = {}
    with WIJK_SCORES_2022.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["wk_code"][2:6] == gemeente[2:6] and row["jaar"] == str(year) and row[measure] not in ("", "NA"):
                out[row["wk_code"]] = float(row[measure])
    return out


# -- the memo itself -------------------------------------------------------------------------------


def test_memo_computes_once_and_returns_the_same_object(small):
    calls = []
    first = memo(small, ("thing", 1), lambda: calls.append(1) or [1, 2, 3])
    second = memo(small, ("thing", 1), lambda: calls.append(1) or [9])
    assert first is second
    assert first == [1, 2, 3]
    assert calls == [1]


def test_bounded_memo_forgets_the_least_recently_used(small):
    calls: list[str] = []

    def ask(key: str) -> str:
        return memo(small, ("bounded", key), lambda: calls.append(key) or key.upper(), max_entries=2)

    assert [ask("a"), ask("b")] == ["A", "B"]
    assert ask("a") == "A"  # a is now the most recently used
    assert ask("c") == "C"  # b is forgotten, not a
    assert memo_size(small, "bounded") == 2
    assert calls == ["a", "b", "c"]
    assert ask("a") == "A"
    assert calls == ["a", "b", "c"]  # a was kept
    assert ask("b") == "B"
    assert calls == ["a", "b", "c", "b"]  # b was computed again
    assert memo_size(small, "bounded") == 2


def test_bounded_families_are_counted_apart(small):
    for i in range(5):
        memo(small, ("many", i), lambda i=i: i, max_entries=3)
        memo(small, ("unbounded", i), lambda i=i: i)
    assert memo_size(small, "many") == 3
    assert memo_size(small, "unbounded") == 5
    assert memo_size(small) == 8


def test_a_smaller_limit_trims_even_on_a_hit(small):
    for i in range(4):
        memo(small, ("shrinking", i), lambda i=i: i, max_entries=10)
    assert memo(small, ("shrinking", 3), lambda: -1, max_entries=2) == 3  # a hit, computed before
    assert memo_size(small, "shrinking") == 2
    assert memo(small, ("shrinking", 2), lambda: -1, max_entries=2) == 2  # the other one kept
    assert memo(small, ("shrinking", 0), lambda: -1, max_entries=2) == -1  # forgotten, computed again


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "3"])
def test_memo_refuses_a_bad_limit(small, bad):
    with pytest.raises(ValueError, match="`max_entries` was .* positive integer"):
        memo(small, ("x",), lambda: 1, max_entries=bad)


# -- per-area results are bounded -------------------------------------------------------------------


def test_trend_tables_are_bounded_and_stay_right(dataset, monkeypatch):
    monkeypatch.setattr(trend, "AREA_MEMO_ENTRIES", 3)
    codes = ["WK024601", "WK024600", "WK021600", "WK021601", "WK014801", "WK014802"]
    for code in codes:
        trend.trend_table(dataset, code)
        trend.neighbour_basis(dataset, code)
        assert memo_size(dataset, "trend_table") <= 3
        assert memo_size(dataset, "neighbour_basis") <= 3
    # the first area was forgotten; asked again it is computed again, with the published values
    table = trend.trend_table(dataset, "WK024601").set_index("year")
    for year in (2002, 2012, 2022):
        assert table.at[year, "value"] == pytest.approx(published_wijk_score("WK024601", year), abs=1e-12)
    # a caller that changes its copy does not change the memo
    table.loc[2022, "value"] = -99.0
    assert trend.trend_table(dataset, "WK024601").set_index("year").at[2022, "value"] == pytest.approx(
        published_wijk_score("WK024601", 2022), abs=1e-12
    )


def test_contributions_are_bounded_and_handed_out_as_copies(dataset, monkeypatch):
    monkeypatch.setattr(trend, "AREA_MEMO_ENTRIES", 2)
    for code in ("WK019310", "WK019311", "WK019312"):  # Zwolle: asked for nowhere else, so each is new
        trend.contributions(dataset, code)
        assert memo_size(dataset, "contributions") <= 2
    first = trend.contributions(dataset, "WK024601").set_index("year")
    for measure in ("fys", "onv", "afw"):
        assert first.at[2022, measure] == pytest.approx(published_wijk_score("WK024601", 2022, measure), abs=1e-12)
    first.loc[2022, "fys"] = 99.0
    again = trend.contributions(dataset, "WK024601").set_index("year")
    assert again.at[2022, "fys"] == pytest.approx(published_wijk_score("WK024601", 2022, "fys"), abs=1e-12)
    assert again.index[0] == 2014  # the dimensions are published from 2014 on


def test_years_per_measure_are_a_fresh_list_each_time(dataset):
    years = dataset.years("lbm")
    assert years[:4] == [2002, 2008, 2012, 2014]
    assert dataset.years("fys")[0] == 2014  # the dimensions start in 2014
    years.append(1900)
    assert 1900 not in dataset.years("lbm")


@pytest.mark.parametrize(("year", "measure"), [(2022, "lbm"), (2022, "onv"), (2012, "lbm"), (2020, "won")])
def test_rank_in_gemeente_matches_ranks_by_hand_when_cached(dataset, year, measure):
    values = _published_gemeente(ZWOLLE, year, measure)
    assert len(values) > 10
    # by hand: 1 + the number of wijken of the gemeente with a higher published value
    expected = {c: 1 + sum(v > mine for v in values.values()) for c, mine in values.items()}
    for _ in range(2):  # the second time from the memo
        for code, rank in expected.items():
            assert summary.rank_in_gemeente(dataset, code, year, measure) == (rank, len(values))


def test_rank_memo_is_bounded(dataset, monkeypatch):
    monkeypatch.setattr(summary, "RANK_MEMO_ENTRIES", 2)
    for year in (2012, 2014, 2016, 2018):
        summary.rank_in_gemeente(dataset, "WK024601", year, "lbm")
        assert memo_size(dataset, "gemeente_ranks") <= 2
    # Heerde has two wijken: Wapenveld (WK024601) scored below Heerde (WK024600) in 2012
    assert published_wijk_score("WK024601", 2012) < published_wijk_score("WK024600", 2012)
    assert summary.rank_in_gemeente(dataset, "WK024601", 2012, "lbm") == (2, 2)
    assert summary.rank_in_gemeente(dataset, "WK024600", 2012, "lbm") == (1, 2)


def test_area_options_are_shared_and_read_only(dataset):
    first = compare.area_options(dataset)
    assert compare.area_options(dataset) is first
    with pytest.raises(TypeError):
        first["WK0363AA"] = "changed"  # type: ignore[index]
    assert first["WK0363AA"] == "Haarlemmerbuurt (Amsterdam, WK0363AA)"
    by_gemeente = compare.area_options_by_gemeente(dataset)
    assert compare.area_options_by_gemeente(dataset) is by_gemeente
    with pytest.raises(TypeError):
        by_gemeente["GM0363"] = ()  # type: ignore[index]


# -- formatted numbers ------------------------------------------------------------------------------


def test_cached_numbers_follow_the_language():
    for _ in range(2):  # the second round from the cache
        assert fmt.number(0.1234, "nl") == "0,123"
        assert fmt.number(0.1234, "en") == "0.123"
        assert fmt.number(0.0456, "nl", signed=True) == "+0,046"
        assert fmt.number(0.0456, "en", signed=True) == "+0.046"
        assert fmt.number(-0.0004, "nl", signed=True) == "0,000"
        assert fmt.number(1234.5, "nl", 1, group=True) == "1.234,5"
        assert fmt.number(1234.5, "en", 1, group=True) == "1,234.5"
        assert fmt.number(1234.5, "nl", 1) == "1234,5"


def test_number_cache_is_bounded():
    for i in range(fmt.NUMBER_CACHE_SIZE + 500):
        fmt.number(i / 1000, "nl")
    assert fmt._format_rounded.cache_info().currsize <= fmt.NUMBER_CACHE_SIZE
    assert fmt.number(8.5, "nl") == "8,500"
