"""Map payload bytes and server time per rerun (AppTest) on the embedded data.

Server time is the time Streamlit spends running app.py and its page, measured from outside
the app (:func:`streamlit_compat.run_timer`), for the map page (changing year or measure) and for
the trends page (switching the selected wijk).

Run: python scripts/bench_map.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

import geo  # noqa: E402
from geo.map_payload import build_map  # noqa: E402
from geo.view import parse_view  # noqa: E402
from streamlit_compat import apptest_navigation, run_timer, shared_script_cache  # noqa: E402


def payload(ds: geo.Dataset, params: dict[str, str]) -> tuple[int, float]:
    view, _ = parse_view(ds, params)
    t0 = time.perf_counter()
    size = len(build_map(ds, view))
    return size, time.perf_counter() - t0


def main() -> None:
    ds = geo.load_dataset()
    print("map payload (bytes of the spec sent to the map component, map_view.py), built uncached")
    most = ds.areas[ds.areas["level"] == "buurt"]["gemeente_code"].value_counts()
    gm_most = str(most.index[0])
    for label, params, budget in [
        ("all gemeenten (343)", {"g": "NL", "n": "gemeente", "j": "2024"}, 400_000),
        ("all wijken of the country (3,475)", {"g": "NL", "n": "wijk", "j": "2022"}, 1_500_000),
        (f"buurten of {ds.name(gm_most)} ({most.iloc[0]}, the most)", {"g": gm_most, "n": "buurt"}, 300_000),
        ("Amsterdam wijken (111)", {"g": "GM0363"}, 120_000),
        ("Rotterdam buurten", {"g": "GM0599", "n": "buurt"}, None),
        ("'s-Gravenhage wijken", {"g": "GM0518"}, None),
    ]:
        size, secs = payload(ds, params)
        note = f" (budget {budget:,})" if budget else ""
        print(f"  {label:28s} {size:>9,} bytes{note}; built in {secs * 1000:.0f} ms")

    # AppTest reruns: the same path as `streamlit run` minus the browser.
    shared_script_cache()
    for gm, n, years, budget in (
        ("GM0363", "wijk", (2022, 2020, 2018, 2014, 2012, 2024, 2016, 2008, 2002, 2022), 150),
        ("GM0363", "buurt", (2022, 2020, 2018, 2014, 2012, 2024, 2016, 2008, 2002, 2022), 150),
        ("GM0599", "buurt", (2024, 2022, 2024, 2022, 2024, 2022), 150),
        ("NL", "wijk", (2022, 2020, 2018, 2014, 2012, 2016, 2008, 2002, 2022), 300),
    ):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["g"] = gm
        at.query_params["n"] = n
        at.run()
        for year in years:  # warm the shared caches once, as a server that has seen these maps
            at.select_slider(key="year").set_value(year).run()
        times, walls = [], []
        for year in years:
            t0 = time.perf_counter()
            with run_timer() as runs:
                at.select_slider(key="year").set_value(year).run()
            walls.append(time.perf_counter() - t0)
            times.append(sum(runs()))
        for measure in ("afw", "lbm", "afw", "lbm", "afw"):
            t0 = time.perf_counter()
            with run_timer() as runs:
                at.selectbox(key="measure").select(measure).run()
            walls.append(time.perf_counter() - t0)
            times.append(sum(runs()))
        assert not at.exception, at.exception
        print(
            f"server time per rerun, {gm} {n} (year/measure changes, n={len(times)}): "
            f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
            f"(budget: median {budget} ms); "
            f"AppTest wall time incl. its polling: median {statistics.median(walls) * 1000:.0f} ms"
        )


def trends_page() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["g"] = "GM0599"
    at.run()
    at.switch_page(str(ROOT / "pages" / "trends.py")).run()
    wijken = at.selectbox(key="wijk").options
    times = []
    for code in [w for w in wijken][:12] * 2:
        with run_timer() as runs:
            at.selectbox(key="wijk").select(code).run()
        times.append(sum(runs()))
    assert not at.exception, at.exception
    print(
        f"server time per rerun, trends page, switching wijk in Rotterdam (n={len(times)}): "
        f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms (budget: median 200 ms)"
    )


if __name__ == "__main__":
    with apptest_navigation():
        main()
        trends_page()
