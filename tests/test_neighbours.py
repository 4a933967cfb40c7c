"""Neighbour graph: tiny known-answer grids, then the real 2024 wijken and Amsterdam buurten."""

from __future__ import annotations

import gc

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely import box

import geo
from geo._cache import _MEMO
from geo.neighbours import DEFAULT_TOLERANCE, NeighbourGraph, build_graph, graph_for

# -- tiny grids ----------------------------------------------------------------------------------


def grid(n: int = 3, size: float = 100.0, *, ids: list[str] | None = None, crs: str | None = "EPSG:28992"):
    """An n x n grid of touching boxes; ids row by row (default "r0c0", ...)."""
    cells = [(r, c) for r in range(n) for c in range(n)]
    codes = ids or [f"r{r}c{c}" for r, c in cells]
    geoms = [box(c * size, r * size, (c + 1) * size, (r + 1) * size) for r, c in cells]
    return gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs=crs)


def test_corner_boxes_are_queen_but_not_rook_neighbours():
    two = gpd.GeoDataFrame({"code": ["a", "b"]}, geometry=[box(0, 0, 100, 100), box(100, 100, 200, 200)])
    assert build_graph(two, tolerance=0).pairs == [("a", "b")]
    assert build_graph(two, tolerance=0, rook=True).pairs == []
    assert build_graph(two, tolerance=0, rook=True).islands == ["a", "b"]


@pytest.mark.parametrize("tolerance", [0.0, 10.0], ids=["strict", "tolerance-10m"])
def test_three_by_three_grid_queen_and_rook(tolerance):
    g = grid(3)
    queen = build_graph(g, tolerance=tolerance)
    rook = build_graph(g, tolerance=tolerance, rook=True)
    assert queen.neighbours("r1c1") == sorted(c for c in g["code"] if c != "r1c1")
    assert rook.neighbours("r1c1") == ["r0c1", "r1c0", "r1c2", "r2c1"]
    assert queen.neighbours("r0c0") == ["r0c1", "r1c0", "r1c1"]
    assert rook.neighbours("r0c0") == ["r0c1", "r1c0"]
    assert len(queen.pairs) == 20  # 12 edges + 8 diagonals
    assert len(rook.pairs) == 12
    assert set(rook.pairs) <= set(queen.pairs)


def test_island_is_kept_explicitly():
    g = grid(2)
    far = gpd.GeoDataFrame({"code": ["far"]}, geometry=[box(5_000, 5_000, 5_100, 5_100)], crs=g.crs)
    graph = build_graph(gpd.pd.concat([g, far]), tolerance=DEFAULT_TOLERANCE)
    assert graph.islands == ["far"]
    assert graph.neighbours("far") == []
    assert "far" in graph
    assert len(graph) == 5


def test_missing_and_empty_geometry_become_islands():
    g = gpd.GeoDataFrame(
        {"code": ["a", "b", "none", "empty"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), None, shapely.Polygon()],
    )
    graph = build_graph(g, tolerance=0)
    assert graph.pairs == [("a", "b")]
    assert graph.islands == ["empty", "none"]


def test_sliver_gap_is_bridged_by_the_tolerance_only():
    # two wijken simplified apart: a 12 m gap along a 500 m edge
    g = gpd.GeoDataFrame({"code": ["a", "b"]}, geometry=[box(0, 0, 500, 500), box(512, 0, 1000, 500)])
    assert build_graph(g, tolerance=0).pairs == []
    assert build_graph(g, tolerance=DEFAULT_TOLERANCE).pairs == [("a", "b")]
    assert build_graph(g, tolerance=DEFAULT_TOLERANCE, rook=True).pairs == [("a", "b")]
    assert build_graph(g, tolerance=10).pairs == []


def test_near_miss_at_a_corner_is_queen_but_not_rook_within_tolerance():
    g = gpd.GeoDataFrame({"code": ["a", "b"]}, geometry=[box(0, 0, 500, 500), box(520, 520, 1000, 1000)])
    assert build_graph(g).pairs == [("a", "b")]
    assert build_graph(g, rook=True).pairs == []


def test_shuffled_rows_and_string_ids_give_the_same_graph():
    ids = ["Noord", "Oost", "Zuid", "West", "Centrum", "Haven", "Dorp", "Polder", "Strand"]
    g = grid(3, ids=ids)
    reference = build_graph(g, tolerance=0)
    shuffled = g.sample(frac=1, random_state=7)
    assert list(shuffled["code"]) != ids
    assert build_graph(shuffled, tolerance=0).adjacency == reference.adjacency
    # codes taken from the index when there is no code column, whatever the row order
    by_index = shuffled.set_index("code")
    assert build_graph(by_index, tolerance=0).adjacency == reference.adjacency
    assert reference.neighbours("Centrum") == sorted(c for c in ids if c != "Centrum")


def test_graph_is_keyed_by_code_not_row_position():
    g = grid(2)
    reversed_rows = g.iloc[::-1].reset_index(drop=True)
    assert build_graph(reversed_rows, tolerance=0).adjacency == build_graph(g, tolerance=0).adjacency


def test_cross_border_from_gemeente_column_and_from_cbs_codes():
    g = grid(2, ids=["WK000101", "WK000102", "WK000201", "WK000202"])
    graph = build_graph(g, tolerance=0)  # no gemeente column: derived from the codes
    assert graph.is_cross_border("WK000101", "WK000201")
    assert not graph.is_cross_border("WK000101", "WK000102")
    assert graph.cross_border_pairs() == [
        ("WK000101", "WK000201"),
        ("WK000101", "WK000202"),
        ("WK000102", "WK000201"),
        ("WK000102", "WK000202"),
    ]
    g["gemeente_code"] = ["GM0001"] * 4
    assert build_graph(g, tolerance=0).cross_border_pairs() == []
    frame = graph.to_frame()
    assert len(frame) == 2 * len(graph.pairs)
    assert frame["cross_border"].sum() == 2 * 4


def test_from_pairs_is_symmetric_and_ignores_self_pairs():
    graph = NeighbourGraph.from_pairs(["a", "b", "c"], [("b", "a"), ("c", "c")])
    assert graph.neighbours("a") == ["b"]
    assert graph.neighbours("b") == ["a"]
    assert graph.islands == ["c"]


# -- errors ----------------------------------------------------------------------------------------


def test_geographic_crs_is_refused():
    with pytest.raises(ValueError, match=r"geographic CRS .*to_crs\('EPSG:28992'\)"):
        build_graph(grid(2, crs="EPSG:4326"))


@pytest.mark.parametrize("tolerance", [-1.0, float("nan"), float("inf")], ids=["negative", "nan", "inf"])
def test_bad_tolerance_is_refused(tolerance):
    with pytest.raises(ValueError, match=r"`tolerance` was .* finite distance >= 0"):
        build_graph(grid(2), tolerance=tolerance)


def test_min_edge_must_exceed_twice_the_tolerance():
    with pytest.raises(ValueError, match=r"`min_edge` was 50.0 but must exceed 2 \* tolerance = 80 m"):
        build_graph(grid(2), tolerance=40, rook=True, min_edge=50.0)


def test_duplicate_and_missing_codes_are_refused():
    with pytest.raises(ValueError, match="r0c0 occur more than once"):
        build_graph(grid(2, ids=["r0c0", "r0c0", "x", "y"]))
    g = grid(2)
    g.loc[1, "code"] = None
    with pytest.raises(ValueError, match=r"non-empty strings; got (None|nan)"):
        build_graph(g)


def test_not_a_geodataframe_is_refused():
    with pytest.raises(TypeError, match="`areas` was a DataFrame but is expected to be a GeoDataFrame"):
        build_graph(gpd.pd.DataFrame({"code": ["a"]}))


def test_unknown_code_and_unknown_gemeente():
    graph = build_graph(grid(2), tolerance=0)
    with pytest.raises(KeyError, match="'WK9999XX' is not an area of this neighbour graph"):
        graph.neighbours("WK9999XX")
    with pytest.raises(ValueError, match="the gemeente of 'r0c0' is unknown"):
        graph.is_cross_border("r0c0", "r0c1")
    with pytest.raises(ValueError, match="`pairs` names 'z', which is not in `codes`"):
        NeighbourGraph.from_pairs(["a"], [("a", "z")])


def test_graph_for_refuses_an_unknown_level(dataset):
    with pytest.raises(ValueError, match="`level` was 'pc4' but is expected to be one of gemeente, wijk, buurt"):
        graph_for(dataset, "pc4")


# -- real data -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wijken(dataset) -> NeighbourGraph:
    return graph_for(dataset, "wijk")


def test_graph_for_covers_every_wijk_and_is_cached(dataset, wijken):
    assert wijken.codes == dataset.codes("wijk")
    assert len(wijken) == 3475
    assert graph_for(dataset, "wijk") is wijken
    assert wijken.tolerance == DEFAULT_TOLERANCE


def test_real_wijk_graph_is_symmetric_for_every_pair(wijken):
    for a, ns in wijken.adjacency.items():
        assert a not in ns
        assert list(ns) == sorted(ns)
        for b in ns:
            assert a in wijken.adjacency[b], (a, b)


# Pairs any resident would confirm; each shares well over 500 m of border (checked below).
OBVIOUS_PAIRS = [
    ("WK0363AA", "WK0363AB"),  # Amsterdam: Haarlemmerbuurt - Jordaan
    ("WK0363AB", "WK0363AC"),  # Amsterdam: Jordaan - Grachtengordel-West
    ("WK034405", "WK034406"),  # Utrecht: Oost - Binnenstad
    ("WK034409", "WK034410"),  # Utrecht: Leidsche Rijn - Vleuten-De Meern
    ("WK059901", "WK059908"),  # Rotterdam: Centrum - Kralingen-Crooswijk
    ("WK051802", "WK051807"),  # 's-Gravenhage: Belgisch Park - Scheveningen
]


@pytest.mark.parametrize(("a", "b"), OBVIOUS_PAIRS, ids=[f"{a}-{b}" for a, b in OBVIOUS_PAIRS])
def test_obvious_real_pairs_are_neighbours(dataset, wijken, a, b):
    geom = dataset.areas.geometry
    shared = shapely.intersection(geom[a].boundary, geom[b].buffer(DEFAULT_TOLERANCE)).length
    assert shared > 500, f"{a} and {b} share only {shared:.0f} m of border; not an obvious pair"
    assert b in wijken.neighbours(a)
    assert a in wijken.neighbours(b)
    assert not wijken.is_cross_border(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("WK0363AA", "WK0363TB"), ("WK034401", "WK034405"), ("WK059901", "WK059916")],
    ids=["Haarlemmerbuurt-Venserpolder", "Utrecht-West-Oost", "Rotterdam-Centrum-Hoogvliet"],
)
def test_distant_wijken_are_not_neighbours(wijken, a, b):
    assert b not in wijken.neighbours(a)


def test_haarlemmerbuurt_has_its_known_neighbours(dataset, wijken):
    names = {dataset.name(c) for c in wijken.neighbours("WK0363AA")}
    assert {"Jordaan", "Grachtengordel-West", "Spaarndammerbuurt/Zeeheldenbuurt", "Staatsliedenbuurt"} <= names


@pytest.mark.parametrize("gemeente", ["GM0363", "GM0599", "GM0518", "GM0344"])
def test_no_wijk_of_a_large_city_without_neighbours_in_its_city(dataset, wijken, gemeente):
    codes = dataset.codes("wijk", gemeente=gemeente)
    assert len(codes) > 9
    lonely = [c for c in codes if not any(not wijken.is_cross_border(c, n) for n in wijken.neighbours(c))]
    assert lonely == []


def test_no_absurd_neighbours(dataset, wijken):
    # every pair lies within the tolerance, and no wijk borders an implausible number of others
    geom = dataset.areas.geometry
    a, b = zip(*wijken.pairs, strict=True)
    dist = shapely.distance(np.asarray(geom[list(a)].array), np.asarray(geom[list(b)].array))
    assert dist.max() <= DEFAULT_TOLERANCE + 1e-6
    assert max(len(n) for n in wijken.adjacency.values()) < 40
    assert wijken.islands == []


@pytest.mark.parametrize(
    ("amsterdam", "other"),
    [("WK0363KQ", "WK036201"), ("WK0363MN", "WK038402")],
    ids=["Buitenveldert-West-Randwijck(Amstelveen)", "Middenmeer-Diemen-Centrum"],
)
def test_cross_border_neighbours_exist_and_are_marked(wijken, amsterdam, other):
    assert other in wijken.neighbours(amsterdam)
    assert wijken.is_cross_border(amsterdam, other)
    assert (min(amsterdam, other), max(amsterdam, other)) in wijken.cross_border_pairs()


def test_cross_border_pairs_are_common_nationally(wijken):
    assert len(wijken.cross_border_pairs()) > 2000


def test_amsterdam_buurten_graph(dataset):
    buurten = graph_for(dataset, "buurt")
    assert buurten.codes == dataset.codes("buurt")
    amsterdam = dataset.codes("buurt", gemeente="GM0363")
    assert len(amsterdam) == 518
    assert not set(buurten.islands) & set(amsterdam)
    # a buurt borders buurten of its own wijk
    assert any(n.startswith("BU0363AA") for n in buurten.neighbours("BU0363AA01"))
    # Amsterdam's full-precision buurten: the 1 m buurt tolerance changes nothing against strict intersection
    own = set(amsterdam)
    strict = build_graph(dataset.areas.loc[amsterdam], tolerance=0)
    assert {p for p in buurten.pairs if set(p) <= own} == set(strict.pairs)


@pytest.mark.parametrize("level", ["wijk", "buurt", "gemeente"])
def test_graph_for_equals_an_independent_dwithin_join(dataset, level):
    """Every neighbour pair of the app's graph, checked against geopandas' own spatial join.

    The rule: two areas of a level are neighbours when their outlines come within the level's
    tolerance (wijken and gemeenten 40 m, buurten 1 m), ends included.
    libpysal's fuzzy contiguity (each outline buffered by half the tolerance) gives the same
    10,557 wijk and 887 gemeente pairs, but misses 14 of the 29,960 buurt pairs: buurten whose
    outlines are exactly 1.000 m apart, where two approximated half-metre buffers do not
    meet. So the graph is not built with libpysal (see geo/neighbours.py).
    """
    tolerance = {"wijk": 40.0, "gemeente": 40.0, "buurt": 1.0}[level]
    areas = dataset.areas.loc[dataset.areas["level"] == level, ["code", "geometry"]].reset_index(drop=True)
    joined = gpd.sjoin(areas, areas, predicate="dwithin", distance=tolerance)
    expected = {tuple(sorted(p)) for p in zip(joined["code_left"], joined["code_right"], strict=True) if p[0] != p[1]}
    graph = graph_for(dataset, level)
    assert set(graph.pairs) == expected
    assert graph.codes == sorted(areas["code"])
    assert set(graph.islands) == set(areas["code"]) - {c for p in expected for c in p}


def test_cache_lives_as_long_as_the_dataset(dataset):
    small_areas = dataset.areas[dataset.areas["gemeente_code"] == "GM0344"]
    small = geo.Dataset(small_areas, dataset.scores.iloc[0:0])
    before = len(_MEMO)
    graph = graph_for(small, "wijk")
    assert len(graph) == len(dataset.codes("wijk", gemeente="GM0344"))
    assert len(_MEMO) == before + 1
    del small
    gc.collect()
    assert len(_MEMO) == before


# -- properties ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def randstad_wijken(dataset):
    """Wijken of a block of neighbouring gemeenten (Amsterdam, Amstelveen, Diemen, Ouder-Amstel)."""
    a = dataset.areas
    return a[(a["level"] == "wijk") & a["gemeente_code"].isin(["GM0363", "GM0362", "GM0384", "GM0437"])]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_subset_graph_is_the_restriction_of_the_full_graph(wijken, randstad_wijken, data):
    codes = sorted(randstad_wijken.index)
    subset = data.draw(st.lists(st.sampled_from(codes), min_size=1, max_size=60, unique=True))
    graph = build_graph(randstad_wijken.loc[subset])
    for a in subset:
        assert graph.neighbours(a) == sorted(set(wijken.neighbours(a)) & set(subset))
        for b in graph.neighbours(a):
            assert a in graph.neighbours(b)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 5),
    jitter=st.lists(st.floats(-30, 30), min_size=50, max_size=50),
    tolerance=st.sampled_from([0.0, 5.0, 40.0]),
)
def test_random_grids_are_symmetric_and_rook_within_queen(n, jitter, tolerance):
    cells = [(r, c) for r in range(n) for c in range(n)]
    geoms = [
        box(c * 200 + jitter[2 * k], r * 200 + jitter[2 * k + 1], (c + 1) * 200, (r + 1) * 200)
        for k, (r, c) in enumerate(cells)
    ]
    g = gpd.GeoDataFrame({"code": [f"x{k:02d}" for k in range(len(cells))]}, geometry=geoms)
    queen = build_graph(g, tolerance=tolerance)
    rook = build_graph(g, tolerance=tolerance, rook=True)
    for graph in (queen, rook):
        for a, ns in graph.adjacency.items():
            assert all(a in graph.adjacency[b] for b in ns)
    assert set(rook.pairs) <= set(queen.pairs)
    # horizontally adjacent cells face each other along >= 170 m: rook neighbours unless the gap is too wide
    for r in range(n):
        for c in range(n - 1):
            left, right = r * n + c, r * n + c + 1
            gap = max(jitter[2 * right], 0.0)
            if gap < tolerance - 1e-6 or gap == 0:
                assert f"x{right:02d}" in rook.neighbours(f"x{left:02d}")
            elif gap > tolerance + 1e-6:
                assert f"x{right:02d}" not in queen.neighbours(f"x{left:02d}")
