"""Rankings with context, against ranks computed by hand from the source files."""

import csv
import json

import pandas as pd
import pytest

from geo.ranking import RANKING_COLUMNS, Ranking, ranking
from geo.search import search_areas
from tests.conftest import GEMEENTEN_2024, SOURCES, WIJK_SCORES_2022, WIJKEN_2024


def _source_scores(gemeente_prefix: str, year: int, measure: str) -> dict[str, float]:
    with WIJK_SCORES_2022.open(encoding="utf-8") as fh:
        return {
            r["wk_code"]: float(r[measure])
            for r in csv.DictReader(fh)
            if r["wk_code"].startswith(gemeente_prefix) and r["jaar"] == str(year) and r[measure] != "NA"
        }


def _inhabitants() -> dict[str, float]:
    features = json.loads(WIJKEN_2024.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["wijkcode"]: f["properties"].get("aantal_inwoners") for f in features}


@pytest.mark.parametrize("measure", ["lbm", "onv"])
def test_groningen_ranking_matches_the_source_csv(dataset, measure):
    scores = _source_scores("WK0014", 2022, measure)
    expected = sorted(scores, key=lambda c: -scores[c])
    r = ranking(dataset, "wijk", 2022, measure, gemeente="GM0014", min_population=0)
    assert list(r.table["code"]) == expected
    assert list(r.table["rank"]) == list(range(1, len(expected) + 1))
    assert tuple(r.table.columns) == RANKING_COLUMNS
    assert r.table["value"].tolist() == pytest.approx([scores[c] for c in expected])


def test_small_areas_are_left_out_by_default_and_counted(dataset):
    pop = _inhabitants()
    everyone = ranking(dataset, "wijk", 2022, "lbm", min_population=0)
    default = ranking(dataset, "wijk", 2022, "lbm")
    small = {c for c in everyone.table["code"] if pop.get(c) is not None and pop[c] < 100}
    assert "WK059923" in small  # Botlek-Europoort-Maasvlakte, 15 inhabitants
    assert default.n_small == len(small) > 0
    assert set(default.table["code"]) == set(everyone.table["code"]) - small
    assert default.bottom(5)["population"].min() >= 100


def test_change_is_since_the_previous_measurement(dataset):
    r = ranking(dataset, "wijk", 2022, "lbm", gemeente="GM0014", min_population=0)
    row = r.table.set_index("code").loc["WK001400"]
    scores_2020 = _source_scores("WK0014", 2020, "lbm")
    scores_2022 = _source_scores("WK0014", 2022, "lbm")
    assert row["previous_year"] == 2020
    assert row["change"] == pytest.approx(scores_2022["WK001400"] - scores_2020["WK001400"])


def test_official_class_names_are_given_for_the_total_score_only(dataset):
    lbm = ranking(dataset, "wijk", 2022, "lbm", gemeente="GM0014")
    assert lbm.table["class_name"].notna().all()
    onv = ranking(dataset, "wijk", 2022, "onv", gemeente="GM0014")
    assert onv.table["class_name"].isna().all() and onv.table["class"].between(1, 9).all()


def test_bad_arguments_are_refused(dataset):
    with pytest.raises(ValueError, match="`level` was 'wijken'"):
        ranking(dataset, "wijken", 2022)
    with pytest.raises(ValueError, match="`min_population` was -1"):
        ranking(dataset, "wijk", 2022, min_population=-1)


@pytest.mark.parametrize(
    ("query", "code"),
    [("overvecht", "WK034403"), ("Den Haag", "GM0518"), ("'s-Gravenhage", "GM0518"), ("wk001400", "WK001400")],
)
def test_search_finds_areas_by_name_or_code(dataset, query, code):
    hits = search_areas(dataset, query)
    assert code in [h.code for h in hits]


def test_search_labels_name_the_level_and_gemeente(dataset):
    hit = next(h for h in search_areas(dataset, "Oosterparkwijk") if h.code == "WK001404")
    assert hit.label == "Oosterparkwijk (wijk, Groningen) WK001404"
    assert search_areas(dataset, "   ") == []
    assert len(search_areas(dataset, "a", limit=7)) == 7


def _hand_built(*, n_small: int, n_unknown: int, n_without: int) -> Ranking:
    return Ranking("wijk", "lbm", 2024, None, pd.DataFrame(columns=RANKING_COLUMNS), 100, n_small, n_unknown, n_without)


@pytest.mark.parametrize(
    ("counts", "nl", "en"),
    [
        (
            (1, 1, 1),
            [
                "1 gebied met minder dan 100 inwoners (CBS 2024) is weggelaten.",
                "Van 1 gebied is het aantal inwoners niet bekend; het staat er wel in.",
                "1 gebied zonder score in 2024.",
            ],
            [
                "1 area with fewer than 100 inhabitants (CBS 2024) is left out.",
                "1 area has no known number of inhabitants; it is included.",
                "1 area without a score in 2024.",
            ],
        ),
        (
            (2, 0, 2),
            ["2 gebieden met minder dan 100 inwoners (CBS 2024) zijn weggelaten.", "2 gebieden zonder score in 2024."],
            ["2 areas with fewer than 100 inhabitants (CBS 2024) are left out.", "2 areas without a score in 2024."],
        ),
        (
            (0, 1500, 0),
            [
                "0 gebieden met minder dan 100 inwoners (CBS 2024) zijn weggelaten.",
                "Van 1.500 gebieden is het aantal inwoners niet bekend; zij staan er wel in.",
            ],
            [
                "0 areas with fewer than 100 inhabitants (CBS 2024) are left out.",
                "1,500 areas have no known number of inhabitants; they are included.",
            ],
        ),
    ],
    ids=["one-each", "two-none-unknown", "zero-and-thousands"],
)
def test_notes_say_one_area_in_the_singular(counts, nl, en):
    r = _hand_built(n_small=counts[0], n_unknown=counts[1], n_without=counts[2])
    assert r.notes("nl") == nl
    assert r.notes("en") == en


def test_national_gemeente_ranking_2024_has_one_gemeente_without_a_score(dataset):
    """CBS has 343 gemeente polygons (GM0998 Buitenland included); the WFS scores 342: one without."""
    cbs = {f["properties"]["gm_code"] for f in json.loads(GEMEENTEN_2024.read_text(encoding="utf-8"))["features"]}
    wfs = json.loads((SOURCES / "leefbaarometer/wfs-meting-2024/gemeenten.geojson").read_text(encoding="utf-8"))
    scored = {f["properties"]["code"] for f in wfs["features"] if f["properties"]["raw"].get("afw") is not None}
    assert len(cbs - scored) == 1
    notes = ranking(dataset, "gemeente", 2024).notes("nl")
    assert "1 gebied zonder score in 2024." in notes
    assert not any("1 gebieden" in n for n in notes)
    assert "1 area without a score in 2024." in ranking(dataset, "gemeente", 2024).notes("en")
