"""Time a large CSV export: the table and the CSV bytes, plain and Dutch Excel.

Run: python scripts/bench_export.py

The selection is every wijk of the gemeenten with the most wijken, added gemeente by gemeente
until it holds more than 2,500 wijken, over all years: more than 20,000 rows. A second line
exports every wijk of the country. Each export (``export_table`` + ``to_csv_bytes``, plus the
metadata sidecar) must take under 5 seconds; the time is the median of 3 runs.
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
from geo.export import export_metadata, export_table, metadata_json, to_csv_bytes  # noqa: E402
from geo.selection import Selection, encode_selection  # noqa: E402

BUDGET_SECONDS = 5.0
REPEAT = 3


def timed(fn: Callable[[], bytes]) -> tuple[float, bytes]:
    times, out = [], b""
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> int:
    ds = geo.load_dataset()
    by_size = sorted(ds.gemeenten()["code"], key=lambda gm: (-len(ds.children(gm)), gm))
    many = Selection()
    for gm in by_size:
        many = many.add_gemeente(ds, gm)
        if len(many) > 2500:
            break
    country = Selection(tuple(ds.codes("wijk")))
    failed = False
    for label, sel in (
        (f"{len(many.criteria)} gemeenten", many),
        ("every wijk of the country", country),
    ):
        rows = len(export_table(ds, sel))
        link = len(encode_selection(sel))
        print(f"{label}: {len(sel)} wijken, {rows:,} rows (all years); selection link {link:,} chars")
        for name, kwargs in (("plain", {}), ("dutch+bom", {"dutch": True, "bom": True})):

            def run(kwargs: dict[str, bool] = kwargs, sel: Selection = sel) -> bytes:
                data = to_csv_bytes(export_table(ds, sel), **kwargs)
                metadata_json(export_metadata(ds, sel))
                return data

            seconds, data = timed(run)
            ok = seconds < BUDGET_SECONDS
            failed |= not ok
            print(
                f"  csv {name:<9} {seconds:6.2f} s (median of {REPEAT}; budget {BUDGET_SECONDS:.0f} s) "
                f"{len(data) / 1e6:6.2f} MB  {'ok' if ok else 'TOO SLOW'}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
