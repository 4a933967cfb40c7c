"""Time and memory to load the embedded dataset.

Run: python scripts/bench_load.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geo  # noqa: E402

CHILD = """
import time, resource, sys
sys.path.insert(0, {root!r})
import geo
t0 = time.perf_counter()
ds = geo.load_dataset()
t1 = time.perf_counter()
ds.city_reference("WK0363AA", 2022); ds.value("WK0363AA", 2022)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main(rounds: int = 5) -> None:
    loads, firsts, rss = [], [], []
    for _ in range(rounds):  # a fresh process each time: no warm caches in Python
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(root=str(ROOT))], capture_output=True, text=True, check=True
        ).stdout.split()
        loads.append(float(out[0]))
        firsts.append(float(out[1]))
        rss.append(int(out[2]) / 1024)
    print(
        f"load_dataset() in a fresh process: median {statistics.median(loads) * 1000:.0f} ms, "
        f"max {max(loads) * 1000:.0f} ms over {rounds} runs"
    )
    print(f"first lookups (builds the city-reference table): median {statistics.median(firsts) * 1000:.0f} ms")
    print(f"peak RSS of that process (Python, pandas, geopandas and the dataset): {statistics.median(rss):.0f} MB")
    tracemalloc.start()
    ds = geo.load_dataset()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t0 = time.perf_counter()
    geo.load_dataset()
    warm = time.perf_counter() - t0
    print(
        f"Python-heap memory of load_dataset(): {current / 2**20:.1f} MB (peak {peak / 2**20:.1f} MB; Arrow buffers "
        f"are not counted, see RSS above); warm reload {warm * 1000:.0f} ms"
    )
    print(ds)


if __name__ == "__main__":
    main()
