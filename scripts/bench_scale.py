"""Scale benchmark: every buurt of the country for every measurement year.

Real data: the project's source copies, including the national WFS export of meting 2024
(12,147 buurten with polygons and 2024 scores, ``data/sources/leefbaarometer/wfs-meting-2024/``).
SYNTHETIC data, made here and only in the work folder (never shipped): a buurt score file with
the years 2002-2022 for every WFS buurt outside Amsterdam (Amsterdam has its real history),
derived from each buurt's real 2024 ``afw`` plus seeded noise. It is named
``SYNTHETIC-buurt-history-bench-only.csv`` and marked so in the work folder's ``sources.json``.

Reports: build time; load time (fresh processes) and peak RSS; server time per rerun (AppTest,
buurt map of the gemeente with the most buurten, changing year and measure); the map payload of
that gemeente's buurt map and of the national view.

Budgets (issue 11): load <= 1.5 s, RSS <= 1 GB, rerun median <= 200 ms, payload <= 300 KB.

Run: python scripts/bench_scale.py [--work /tmp/bench_scale] [--fresh 3] [--no-apptest]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCES = ROOT / "data" / "sources"
SHARED_WFS = ROOT.parent / "shared" / "data" / "leefbaarometer" / "wfs-meting-2024"
SYNTHETIC = "SYNTHETIC-buurt-history-bench-only.csv"
HISTORY = (2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022)
WITH_DIMENSIONS = {2014, 2018, 2020, 2022}
REFERENCE = 4.102264851143685

CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
import geo
t1 = time.perf_counter()
ds = geo.load_dataset({data!r})
t2 = time.perf_counter()
codes = ds.codes("buurt", gemeente={gm!r})
ds.values(codes, 2024, "lbm")
ds.city_reference(codes[0], 2024)
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _wfs_buurten(wfs_dir: Path) -> pd.DataFrame:
    rows = []
    for path in sorted((wfs_dir / "buurten").glob("*.geojson")):
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
            p = f["properties"]
            raw = p["raw"]
            rows.append(
                {
                    "bu_code": p["code"],
                    "bu_naam": p["naam"],
                    **{k: float(raw[k]) for k in ("afw", "fys", "onv", "soc", "vrz", "won")},
                }
            )
    return pd.DataFrame(rows)


def make_sources(work: Path) -> Path:
    """Copy the project's sources to ``work/sources`` and add the SYNTHETIC buurt history."""
    src = work / "sources"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(SOURCES, src)
    wfs_dir = src / "leefbaarometer" / "wfs-meting-2024"
    if not wfs_dir.exists():  # before the project copy existed
        shutil.copytree(SHARED_WFS, wfs_dir)
    buurten = _wfs_buurten(wfs_dir)
    buurten = buurten[~buurten["bu_code"].str.startswith("BU0363")]  # Amsterdam: real history in its CSV
    rng = np.random.default_rng(11)
    parts = []
    for i, year in enumerate(HISTORY):
        drift = rng.normal(0.0, 0.02 * (len(HISTORY) - i) / len(HISTORY), len(buurten))
        frame = pd.DataFrame({"bu_code": buurten["bu_code"], "bu_naam": buurten["bu_naam"], "jaar": year})
        scale = 1.0 + drift
        if year in WITH_DIMENSIONS:
            for d in ("fys", "onv", "soc", "vrz", "won"):
                frame[d] = buurten[d].to_numpy() * scale
            frame["afw"] = frame[["fys", "onv", "soc", "vrz", "won"]].sum(axis=1)
        else:
            frame["afw"] = buurten["afw"].to_numpy() * scale
            for d in ("fys", "onv", "soc", "vrz", "won"):
                frame[d] = np.nan
        frame["lbm"] = frame["afw"] + REFERENCE
        parts.append(frame[["bu_code", "bu_naam", "jaar", "lbm", "afw", "fys", "onv", "soc", "vrz", "won"]])
    history = pd.concat(parts, ignore_index=True).sort_values(["bu_code", "jaar"])
    (src / "synthetic").mkdir()
    history.to_csv(src / "synthetic" / SYNTHETIC, index=False, na_rep="NA", float_format="%.9g")
    prov_path = src / "sources.json"
    prov = json.loads(prov_path.read_text(encoding="utf-8"))
    prov["files"][f"synthetic/{SYNTHETIC}"] = {
        "publisher": "SYNTHETIC (scripts/bench_scale.py): not published data, benchmark only",
        "licence": "none (synthetic)",
        "attribution": "SYNTHETIC",
        "notes": "years 2002-2022 made up from each buurt's real 2024 afw plus seeded noise; never ship",
    }
    prov_path.write_text(json.dumps(prov, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"synthetic history: {len(history):,} rows for {history['bu_code'].nunique():,} buurten (SYNTHETIC)")
    return src


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_scale"))
    parser.add_argument("--fresh", type=int, default=3, help="fresh-process loads")
    parser.add_argument("--no-apptest", action="store_true", help="skip the server time per rerun")
    args = parser.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    out = work / "dataset"

    import geo

    src = make_sources(work)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        manifest = geo.build(src, out)
    build_s = time.perf_counter() - t0
    counts = manifest["counts"]
    print(f"build: {build_s:.1f} s; areas {counts['areas']}; score rows {counts['score_rows']:,}")
    size = sum(f["bytes"] for f in manifest["files"].values())
    print(f"dataset files: {size / 2**20:.1f} MiB")

    ds = geo.load_dataset(out)
    per_gm = pd.Series([c[2:6] for c in ds.codes("buurt")]).value_counts()
    gm = "GM" + str(per_gm.index[0])
    print(f"gemeente with the most buurten: {gm} {ds.name(gm)} ({int(per_gm.iloc[0])} buurten)")

    loads, rss = [], []
    for _ in range(args.fresh):
        res = subprocess.run(
            [sys.executable, "-c", CHILD.format(root=str(ROOT), data=str(out), gm=gm)],
            capture_output=True,
            text=True,
            check=True,
        )
        imp, load, first, maxrss = res.stdout.split()
        loads.append(float(load))
        rss.append(int(maxrss) * 1024)
        print(
            f"  fresh process: import {float(imp) * 1000:.0f} ms, load {float(load) * 1000:.0f} ms, "
            f"first lookups {float(first) * 1000:.0f} ms"
        )
    if loads:
        print(
            f"load (fresh processes, n={len(loads)}): "
            f"median {statistics.median(loads) * 1000:.0f} ms (budget 1500 ms); "
            f"peak RSS {max(rss) / 2**20:.0f} MiB (budget 1024 MiB)"
        )

    from geo.map_payload import build_map
    from geo.view import parse_view

    for label, params in ((f"{gm} buurten", {"g": gm, "n": "buurt", "j": "2024"}), ("national view", {"g": "NL"})):
        view, _ = parse_view(ds, params)
        t0 = time.perf_counter()
        payload = len(build_map(ds, view))
        print(
            f"map payload, {label}: {payload:,} bytes (budget 300,000); "
            f"built in {(time.perf_counter() - t0) * 1000:.0f} ms"
        )

    if not args.no_apptest:
        rerun(out, gm)


def rerun(out: Path, gm: str) -> None:
    """Server time per rerun (AppTest) on the scale dataset: year and measure changes."""
    os.environ["LEEFBAARHEID_DATA"] = str(out)
    from streamlit.testing.v1 import AppTest

    from streamlit_compat import apptest_navigation, run_timer, shared_script_cache

    with apptest_navigation():
        shared_script_cache()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.query_params["g"] = gm
        at.query_params["n"] = "buurt"
        t0 = time.perf_counter()
        at.run()
        print(f"first run (cold caches): {time.perf_counter() - t0:.1f} s")
        times = []
        for year in (2022, 2020, 2018, 2014, 2012, 2024, 2016, 2008, 2002, 2022):
            with run_timer() as runs:
                at.select_slider(key="year").set_value(year).run()
            times.append(sum(runs()))
        for measure in ("afw", "lbm", "afw", "lbm", "afw"):
            with run_timer() as runs:
                at.selectbox(key="measure").select(measure).run()
            times.append(sum(runs()))
        assert not at.exception, at.exception
        print(
            f"server time per rerun, {gm} buurten (n={len(times)}): median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms (budget: median 200 ms)"
        )


if __name__ == "__main__":
    main()
