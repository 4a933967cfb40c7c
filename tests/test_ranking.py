"""Rankings with context, against ranks computed by hand from the source files."""

import csv
import json

import pytest

from geo.ranking import RANKING_COLUMNS, ranking
from geo.search import search_areas
from tests.conftest import WIJK_SCORES_2022, WIJKEN_2024


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
