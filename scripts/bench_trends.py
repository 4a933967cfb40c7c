"""Neighbour-graph build time and the time of the trend and comparison functions.

Run: python scripts/bench_trends.py

The graphs are built without the per-dataset cache (``build_graph`` directly, as ``graph_for``
does on its first call); the trend functions are timed after a warm-up, median of several calls.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geo  # noqa: E402
from geo import change, city_gap, compare, trend  # noqa: E402
from geo.neighbours import TOLERANCE_BY_LEVEL, build_graph, graph_for  # noqa: E402

BUDGET_SECONDS = 2.0
REPEAT = 7


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def main() -> None:
    ds = geo.load_dataset()
    print("neighbour graph build (STRtree dwithin query; median of 3 builds, no cache)")
    for level, rook in (("wijk", False), ("buurt", False), ("wijk", True)):
        areas = ds.areas[ds.areas["level"] == level]
        tol = TOLERANCE_BY_LEVEL[level]
        med, _ = timed(lambda a=areas, t=tol, r=rook: build_graph(a, tolerance=t, rook=r), repeat=3)
        g = build_graph(areas, tolerance=tol, rook=rook)
        kind = "rook " if rook else "queen"
        verdict = "" if rook else (" OK" if med < BUDGET_SECONDS else f" OVER the {BUDGET_SECONDS:.0f} s budget")
        print(
            f"  {level:6s} {kind} tol {tol:>4.0f} m: {len(g):>5} areas, {len(g.pairs):>6} pairs, "
            f"{len(g.islands)} islands, {len(g.cross_border_pairs()):>5} cross-border: {med:.3f} s{verdict}"
        )
    t0 = time.perf_counter()
    graph_for(ds, "wijk")
    graph_for(ds, "buurt")
    first = time.perf_counter() - t0
    cached, _ = timed(lambda: graph_for(ds, "wijk"), repeat=100)
    print(f"  graph_for first call (wijk + buurt): {first:.3f} s; cached call {cached * 1e6:.1f} µs")

    print(f"\ntrend and comparison functions (median of {REPEAT} calls after a warm-up)")
    cases: list[tuple[str, Callable[[], object]]] = []
    for code in ("WK0363AA", "WK024601", "BU0363AA01"):
        cases += [
            (f"trend_table({code})", lambda c=code: trend.trend_table(ds, c)),
            (f"contributions({code})", lambda c=code: trend.contributions(ds, c)),
            (
                f"gap_change+sentence({code})",
                lambda c=code: city_gap.gap_sentence(ds, city_gap.gap_change(ds, c, 2012, 2022)),
            ),
            (f"comparison_table({code}, 2022)", lambda c=code: compare.comparison_table(ds, c, 2022, since=2012)),
        ]
    rotterdam = ds.codes("wijk", gemeente="GM0599")
    wijken = ds.codes("wijk")
    cases += [
        ("compare_table(3 areas)", lambda: compare.compare_table(ds, ["WK0363AA", "WK059901", "WK024601"], 2022)),
        (
            "change_table+movers(Rotterdam)",
            lambda: change.biggest_movers(change.change_table(ds, rotterdam, 2012, 2022)),
        ),
        ("change_table+movers(all wijken)", lambda: change.biggest_movers(change.change_table(ds, wijken, 2012, 2022))),
    ]
    t0 = time.perf_counter()
    change.change_scale(ds, "lbm")
    print(f"  change_scale(lbm), first call (then cached): {(time.perf_counter() - t0) * 1000:.0f} ms")
    for label, fn in cases:
        fn()  # warm-up: lazy tables of the dataset, memoised national means
        med, times = timed(fn)
        print(f"  {label:42s} {med * 1000:7.1f} ms  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})")


if __name__ == "__main__":
    main()
