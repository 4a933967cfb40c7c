"""Time and measure loading the embedded dataset with ``geo.load_dataset()``.

Run: python scripts/bench_load.py [--runs N] [--fresh N] [--data DIR]

Prints
- the median (min, max) wall time of N loads in this process;
- the median load time in N fresh processes (no warm caches; ``--fresh 0`` skips this);
- the time of the first lookups, which build the dataset's cached pivot and city tables;
- memory: the Python heap one load allocates (tracemalloc peak, measured in a separate load because
  tracing slows it down; Arrow buffers are not traced), the in-memory size of the frames, and the
  process's peak resident set size.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402

import geo  # noqa: E402

CHILD = """
import sys, time
sys.path.insert(0, {root!r})
import geo
t0 = time.perf_counter()
geo.load_dataset({data!r})
print(time.perf_counter() - t0)
"""


def _mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.1f} MiB"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed loads in this process (default 5)")
    parser.add_argument("--fresh", type=int, default=5, help="timed loads in fresh processes (default 5)")
    parser.add_argument("--data", type=Path, default=geo.DEFAULT_DATA_DIR, help="dataset folder")
    args = parser.parse_args(argv)

    rss_before = _peak_rss()
    times = []
    ds = None
    for _ in range(args.runs):
        del ds
        gc.collect()
        t0 = time.perf_counter()
        ds = geo.load_dataset(args.data)
        times.append(time.perf_counter() - t0)
    assert ds is not None
    rss_after = _peak_rss()

    t0 = time.perf_counter()
    ds.value("WK0363AA", 2022)
    first_value = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds.city_reference("WK0363AA", 2022)
    first_reference = time.perf_counter() - t0

    fresh = []
    for _ in range(args.fresh):
        code = CHILD.format(root=str(ROOT), data=str(args.data))
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        fresh.append(float(run.stdout.split()[-1]))

    del ds
    gc.collect()
    tracemalloc.start()
    traced = geo.load_dataset(args.data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sizes = {
        "areas": int(traced.areas.memory_usage(deep=True).sum()),
        "display": int(traced.display.memory_usage(deep=True).sum()),
        "scores": int(traced.scores.memory_usage(deep=True).sum()),
    }

    # memory_usage counts a geometry as a pointer: give the size of the coordinates as WKB too
    wkb = sum(len(b) for b in shapely.to_wkb(traced.areas.geometry.array)) + sum(
        len(b) for b in shapely.to_wkb(traced.display.geometry.array)
    )
    counts = traced.areas["level"].value_counts().to_dict()
    print(f"dataset: {args.data} ({counts}, {len(traced.scores):,} score rows)")
    print(
        f"load_dataset() in this process: median {_ms(statistics.median(times))} over {args.runs} runs "
        f"(min {_ms(min(times))}, max {_ms(max(times))})"
    )
    if fresh:
        print(
            f"load_dataset() in a fresh process: median {_ms(statistics.median(fresh))} over {args.fresh} runs "
            f"(max {_ms(max(fresh))})"
        )
    print(f"first value(): {_ms(first_value)} (builds the pivots); first city_reference(): {_ms(first_reference)}")
    print(
        f"memory: tracemalloc peak of one load {_mib(peak)}; in-memory frames "
        f"{', '.join(f'{k} {_mib(v)}' for k, v in sizes.items())} (plus geometry, {_mib(wkb)} as WKB)"
    )
    print(f"process peak RSS: {_mib(rss_after)} (after imports, before loading: {_mib(rss_before)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
