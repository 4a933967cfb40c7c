"""Reconciling score vintages with polygon vintages (geo.reconcile).

The real facts come from reconciling the project's copy of the official files directly, as the
build does; tiny hand-made tables pin the rules one at a time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import geo
from geo.reconcile import _tokens
from tests.conftest import WIJK_SCORES_2022, WIJK_SCORES_2024

BIG_FOUR = ["GM0363", "GM0599", "GM0518", "GM0344"]  # Amsterdam, Rotterdam, 's-Gravenhage, Utrecht


@pytest.fixture(scope="module")
def wijk_long(wijk_scores_2022) -> pd.DataFrame:
    """Both wijk score files as one long table, as the build hands it to reconcile."""
    meting_2024 = geo.read_scores(WIJK_SCORES_2024)
    return pd.concat(
        [
            wijk_scores_2022.frame.assign(meting=2022, source=WIJK_SCORES_2022.name),
            meting_2024.frame.assign(meting=2024, source=WIJK_SCORES_2024.name),
        ],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def rec(wijk_long, wijken_2024):
    return geo.reconcile(wijk_long, wijken_2024.frame)


@pytest.fixture(scope="module")
def names(rec) -> pd.DataFrame:
    return rec.names.set_index("code")


# -- the real reconciliation ---------------------------------------------------------------------
def test_99_percent_of_scored_wijk_codes_join(rec):
    totals = rec.join_report.sum()
    assert totals["matched"] / totals["scored"] >= 0.99
    assert (totals["scored"], totals["matched"], totals["unmatched"]) == (3323, 3290, 33)


@pytest.mark.parametrize("gm", BIG_FOUR)
def test_every_scored_wijk_of_the_big_four_joins(rec, gm):
    row = rec.join_report.loc[gm]
    assert row["scored"] > 0 and row["matched"] == row["scored"] and row["unmatched"] == 0
    assert row["substantive"] == 0


def test_every_scored_wijk_of_the_19_largest_gemeenten_joins(rec, wijken_2024):
    population = wijken_2024.frame.groupby("gemeente_code")["population"].sum()
    largest = population.sort_values(ascending=False).index[:19]
    assert set(BIG_FOUR) <= set(largest)
    assert (rec.join_report.loc[largest, "unmatched"] == 0).all()


def test_about_40_substantive_name_mismatches_are_flagged(rec, names):
    substantive = names[names["match"] == "substantive"]
    assert 35 <= len(substantive) <= 45
    assert rec.join_report["substantive"].sum() == len(substantive)
    assert names.loc["WK022502", ["score_name", "area_name", "match"]].tolist() == [
        "Afferden",
        "Druten Zuid",
        "substantive",
    ]
    assert set(substantive.index.str.slice(0, 6)) >= {"WK0225", "WK0762", "WK0824"}  # Druten, Deurne, Oisterwijk


def test_about_80_cosmetic_name_differences_are_kept(rec, names):
    cosmetic = names[names["match"] == "cosmetic"]
    assert 60 <= len(cosmetic) <= 100
    assert names.loc["WK047911", ["score_name", "area_name", "match"]].tolist() == [
        "Wijk 11 Zaandam Zuid",
        "Zaandam Zuid",
        "cosmetic",
    ]
    assert "WK047911" in set(rec.scores["code"])
    assert (names["match"] != "same").all()


def test_substantive_rows_are_excluded_not_shown(rec, names, wijk_long):
    substantive = set(names.index[names["match"] == "substantive"])
    assert not substantive & set(rec.scores["code"])
    excluded = rec.excluded[rec.excluded["code"].isin(substantive)]
    assert set(excluded["reason"]) == {"name mismatch"}
    # every year of the mismatched measurement is excluded, not only one
    expected = wijk_long[wijk_long["code"].isin(substantive) & (wijk_long["meting"] == 2022)]
    assert len(excluded) == len(expected)
    afferden = rec.excluded[rec.excluded["code"] == "WK022502"]
    assert sorted(afferden["year"]) == [2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022]


def test_amsterdams_old_numeric_codes_are_superseded(rec, wijk_long):
    old = wijk_long.loc[wijk_long["code"].str.match(r"^WK0363\d\d$"), "code"].unique()
    assert len(old) == 99
    excluded = rec.excluded[rec.excluded["code"].isin(old)]
    assert set(excluded["code"]) == set(old)
    assert excluded["reason"].str.startswith("superseded").all()
    assert rec.join_report.loc["GM0363", "superseded"] == 99
    # Amsterdam is shown from meting 2024 only, under its 2023 codes
    amsterdam = rec.scores[rec.scores["code"].str.startswith("WK0363")]
    assert set(amsterdam["meting"]) == {2024} and amsterdam["code"].str.match(r"^WK0363[A-Z]{2}$").all()
    assert amsterdam["code"].nunique() == 110


def test_schiedam_comes_from_meting_2024(rec):
    schiedam = rec.scores[rec.scores["code"].str.startswith("WK0606")]
    assert set(schiedam["meting"]) == {2024} and schiedam["code"].nunique() == 12
    assert rec.join_report.loc["GM0606", "unmatched"] == 0


def test_codes_without_a_polygon_are_excluded_with_that_reason(rec, wijken_2024):
    no_polygon = rec.excluded[rec.excluded["reason"] == "no polygon"]
    assert len(no_polygon) > 0
    assert not set(no_polygon["code"]) & set(wijken_2024.frame["code"])
    assert no_polygon["code"].nunique() == rec.join_report["unmatched"].sum()


def test_the_newest_measurement_wins_and_older_ones_fill_the_gaps(rec):
    utrecht_west = rec.scores[rec.scores["code"] == "WK034401"].set_index("year")["meting"]
    assert utrecht_west.loc[2024] == 2024 and utrecht_west.loc[2016] == 2024  # in both files
    assert utrecht_west.loc[2022] == 2022 and utrecht_west.loc[2002] == 2022  # only in meting 2022
    assert not rec.scores.duplicated(["code", "year"]).any()
    assert not rec.excluded.duplicated(["code", "year"]).any()


def test_every_code_year_is_either_shown_or_excluded(rec, wijk_long):
    pairs = wijk_long[["code", "year"]].drop_duplicates()
    assert len(rec.scores) + len(rec.excluded) == len(pairs)
    assert not set(map(tuple, rec.scores[["code", "year"]].to_numpy())) & set(
        map(tuple, rec.excluded[["code", "year"]].to_numpy())
    )


def test_measurements_2022_and_2024_agree_where_both_publish(wijk_long):
    both = wijk_long[~wijk_long["code"].str.startswith(("WK0363", "WK0606"))]
    wide = both.pivot_table(index=["code", "year"], columns="meting", values="lbm")
    wide = wide.dropna()
    assert len(wide) >= 20
    assert (wide[2022] - wide[2024]).abs().max() < 5e-4  # revisions up to about 2e-4


def test_the_output_has_no_name_column_and_keeps_the_measures(rec):
    assert "name" not in rec.scores and "name" not in rec.excluded
    for col in ("code", "year", *geo.MEASURES, "meting", "source"):
        assert col in rec.scores
    assert list(rec.names.columns) == ["code", "meting", "score_name", "area_name", "match"]


# -- the rules, one at a time, on tiny tables -------------------------------------------------------
def _scores(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["code", "name", "year", "meting", "lbm"])
    frame["afw"] = frame["lbm"] - 4.1
    for dim in geo.DIMENSIONS:
        frame[dim] = np.nan
    frame["source"] = "m" + frame["meting"].astype(str)
    return frame


def _areas(pairs) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["code", "name"])


def test_unit_newest_measurement_wins():
    scores = _scores(
        [
            ("WK000101", "Noord", 2020, 2022, 4.0),
            ("WK000101", "Noord", 2022, 2022, 4.1),
            ("WK000101", "Noord", 2022, 2024, 4.2),
            ("WK000101", "Noord", 2024, 2024, 4.3),
        ]
    )
    rec = geo.reconcile(scores, _areas([("WK000101", "Noord")]))
    got = rec.scores.set_index("year")
    assert got["lbm"].to_dict() == {2020: 4.0, 2022: 4.2, 2024: 4.3}
    assert got["meting"].to_dict() == {2020: 2022, 2022: 2024, 2024: 2024}
    assert rec.excluded.empty and rec.names.empty


def test_unit_a_reused_code_is_excluded_only_for_the_measurement_that_names_another_area():
    scores = _scores(
        [
            ("WK000102", "Afferden", 2020, 2022, 4.0),
            ("WK000102", "Druten Zuid", 2024, 2024, 4.3),
        ]
    )
    rec = geo.reconcile(scores, _areas([("WK000102", "Druten Zuid")]))
    assert rec.scores["year"].tolist() == [2024]
    assert rec.excluded[["year", "meting", "reason"]].values.tolist() == [[2020, 2022, "name mismatch"]]
    assert rec.join_report.loc["GM0001", "substantive"] == 1


def test_unit_code_without_polygon():
    scores = _scores([("WK000103", "Haven", 2022, 2022, 4.0), ("WK000101", "Noord", 2022, 2022, 4.1)])
    rec = geo.reconcile(scores, _areas([("WK000101", "Noord")]))
    assert rec.excluded[["code", "reason"]].values.tolist() == [["WK000103", "no polygon"]]
    assert rec.join_report.loc["GM0001"].to_dict() == {
        "scored": 2,
        "matched": 1,
        "unmatched": 1,
        "substantive": 0,
        "superseded": 0,
    }


def test_unit_a_renumbered_gemeente_supersedes_its_old_codes():
    scores = _scores(
        [
            ("WK000200", "Centrum", 2020, 2022, 4.0),  # old numbering
            ("WK0002AA", "Centrum", 2020, 2024, 4.0),  # history republished under the new code
            ("WK0002AA", "Centrum", 2024, 2024, 4.1),
        ]
    )
    rec = geo.reconcile(scores, _areas([("WK0002AA", "Centrum")]))
    assert rec.excluded["reason"].tolist() == ["superseded: code renumbered in a newer measurement"]
    assert rec.join_report.loc["GM0002"].to_dict() == {
        "scored": 1,
        "matched": 1,
        "unmatched": 0,
        "substantive": 0,
        "superseded": 1,
    }


def test_unit_a_code_missing_from_a_newer_measurement_without_renumbering_is_not_superseded():
    # the newer measurement publishes only the latest year for this gemeente: no history, no renumbering
    scores = _scores(
        [
            ("WK000300", "Centrum", 2020, 2022, 4.0),
            ("WK000301", "Oost", 2020, 2022, 4.0),
            ("WK000300", "Centrum", 2024, 2024, 4.1),
        ]
    )
    rec = geo.reconcile(scores, _areas([("WK000300", "Centrum")]))
    assert rec.excluded[["code", "reason"]].values.tolist() == [["WK000301", "no polygon"]]


# -- classify_names -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("score_name", "area_name", "expected"),
    [
        ("Centrum", "Centrum", "same"),
        ("Wijk 11 Zaandam Zuid", "Zaandam Zuid", "cosmetic"),
        ("Verspr.h. Nieuw- en Sint Joosland", "Verspreide huizen Nieuw- en Sint Joosland", "cosmetic"),
        ("BurgemeesterTellegenbuurt-West", "Burgemeester Tellegenbuurt-West", "cosmetic"),
        ("Wijk 06 Van Stolkpark en Scheveningse Bo", "Wijk 06 Van Stolkpark en Scheveningse Bosjes", "cosmetic"),
        ("Wijk 62 Industrie- en verspr. gebieden", "Wijk 62 Industrie- en verspreide gebieden", "cosmetic"),
        ("Afferden", "Druten Zuid", "substantive"),
        ("Wijk 02", "Overstegen", "substantive"),  # only a number: cannot be confirmed
        ("Wijk 06 Broekhuizen", "Wijk 06 Broekhuizenvorst", "substantive"),  # another village
        ("Wijk 01 Vlierden", "Deurne", "substantive"),
        (None, "Centrum", "substantive"),
        (None, None, "same"),
    ],
)
def test_classify_names_known_answers(score_name, area_name, expected):
    assert geo.classify_names(score_name, area_name) == expected
    assert geo.classify_names(area_name, score_name) == expected


def test_every_real_name_with_a_wijk_number_prefix_is_cosmetic(wijken_2024):
    names = [n for n in wijken_2024.frame["name"] if _tokens(n)]
    assert len(names) > 3000
    assert [n for n in names if geo.classify_names(f"Wijk 11 {n}", n) != "cosmetic"] == []


def test_every_real_name_cut_at_40_characters_is_cosmetic(wijken_2024):
    long = [n for n in wijken_2024.frame["name"] if len(n) > 40]
    assert len(long) >= 5
    assert [n for n in long if geo.classify_names(n[:40], n) != "cosmetic"] == []


_TEXT = st.text(alphabet=st.characters(codec="ascii", categories=["L", "N", "P", "Zs"]), max_size=40)
# words of real wijk names with their abbreviations and cut-off forms, where the rules interact
_WORDS = [
    "Wijk", "11", "Zaandam", "Zaand.", "Zuid", "Verspr.h.", "Verspreide", "huizen", "en", "Broek", "Broekh.",
    "Broekhuizen", "Broekhuizenvorst", "Sint", "St.", "Bo", "Bosjes", "Industrieterr.", "Industrieterrein",
    "Kerckhoven", "Kerkhoven", "Afferden", "Druten",
]  # fmt: skip
_WORDY = st.lists(st.sampled_from(_WORDS), max_size=6).map(" ".join)
_NAME = st.one_of(_TEXT, _WORDY)


@given(_NAME, _NAME)
def test_same_is_symmetric(a, b):
    assert (geo.classify_names(a, b) == "same") == (geo.classify_names(b, a) == "same")


@given(_NAME, _NAME)
def test_classify_names_does_not_depend_on_the_order(a, b):
    # the score file's name may be the shortened one or the polygon's: the order must not matter
    assert geo.classify_names(a, b) == geo.classify_names(b, a)


@given(_NAME)
def test_a_name_is_the_same_as_itself(name):
    assert geo.classify_names(name, name) == "same"


@given(_TEXT)
def test_case_and_spacing_are_cosmetic(name):
    variant = " ".join(name.upper().split())
    assert geo.classify_names(name, variant) in ({"same"} if variant == name else {"cosmetic"})
