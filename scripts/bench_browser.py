"""The map in headless Debian chromium, side by side with the naive page, in one run.

Figures (all on warm servers unless said otherwise; medians over ``--rounds`` page loads in
fresh browser contexts, the two pages alternating so that machine noise hits both alike):

1. time from opening the link to the first drawn polygon: Amsterdam buurten, and all wijken of
   the country, for the app and for the naive page (``scripts/naive_map.py``: source GeoJSON
   read on every run, full-geometry folium, st_folium defaults, Leaflet served locally), and for
   the floor: a bare Streamlit page with only the app's map (``scripts/bare_map.py``), the
   soonest any Streamlit page of the app could draw it;
   the same for a returning visitor, whose browser has the page's files cached;
2. map click to the updated heading and selection outline, with the zoom level before and after;
3. a cold server: how many times the first session receives the map's areas.

Run: python scripts/bench_browser.py [--rounds 5]   (needs `apt-get install chromium`)
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The naive page's map (streamlit-folium's iframe) and the app's map (inline, map_view.py).
NAIVE_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
APP_MAP = ".lv-map"
CASES = [
    ("Amsterdam buurten (518)", "/?g=GM0363&n=buurt&b=none&j=2024", "/?what=amsterdam-buurten"),
    ("all wijken of the country (3,475)", "/?g=NL&n=wijk&b=none&j=2022", "/?what=wijken"),
]


@contextmanager
def server(script: str, flags: Sequence[str] = ()) -> Iterator[str]:
    """Run ``streamlit run script [flags]`` on a free port on 127.0.0.1 until the block ends.

    A script outside the project root runs from a temporary folder that links the project's
    ``static/`` (Leaflet) and ``.streamlit/`` config, so that it serves Leaflet as the app does.
    """
    with tempfile.TemporaryDirectory() as tmp:
        cwd = ROOT
        if Path(script).parent != Path("."):
            cwd = Path(tmp)
            (cwd / "static").symlink_to(ROOT / "static")
            (cwd / ".streamlit").symlink_to(ROOT / ".streamlit")
            shutil.copy(ROOT / script, cwd / Path(script).name)
            script = Path(script).name
        with _server(script, cwd, flags) as base:
            yield base


@contextmanager
def _server(script: str, cwd: Path, flags: Sequence[str]) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port)]
    cmd += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", *flags]
    env = {**os.environ, "LEEFBAARHEID_ROOT": str(ROOT)}
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{script} did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def first_polygon(browser: Browser, url: str, *, naive: bool = False) -> float:
    """Seconds from navigation to the first drawn polygon, in a fresh context."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    seconds = revisit(context, url, naive=naive)
    context.close()
    return seconds


def revisit(context: BrowserContext, url: str, *, naive: bool = False) -> float:
    """Seconds from navigation to the first drawn polygon in a new tab of ``context`` (and its cache)."""
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    where = page.frame_locator(NAIVE_IFRAME) if naive else page.locator(APP_MAP)
    where.locator("path.leaflet-interactive").first.wait_for(timeout=120_000)
    seconds = time.perf_counter() - t0
    page.close()
    return seconds


def wait_idle(page: Page) -> None:
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def click_to_outline(browser: Browser, base: str) -> tuple[float, float, float]:
    """Zoom in twice, click an area: seconds to the new heading and outline, zoom before and after."""
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(f"{base}/?g=GM0363&b=none&j=2022")
    wait_idle(page)
    frame = page.locator(APP_MAP)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(400)
    frame.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(800)
    zoom = f"() => document.querySelector('{APP_MAP}').leafletMap.getZoom()"
    outlines = f"() => Number(document.querySelector('{APP_MAP}').dataset.outlineVersion || 0)"
    zoom_before = float(page.evaluate(zoom))
    drawn = int(page.evaluate(outlines))
    heading = page.locator("h3").first.inner_text()
    box = page.locator(APP_MAP).bounding_box()
    assert box is not None
    t0 = time.perf_counter()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_function(
        "(old) => { const h = document.querySelector('h3'); return h && h.innerText !== old; }",
        arg=heading,
        timeout=30_000,
    )
    page.wait_for_function(f"(n) => ({outlines})() > n", arg=drawn, timeout=30_000)
    seconds = time.perf_counter() - t0
    zoom_after = float(page.evaluate(zoom))
    page.context.close()
    return seconds, zoom_before, zoom_after


def maps_sent_on_cold_start(browser: Browser) -> int:
    """Open the map on a fresh server; count websocket messages that carry the map's areas."""
    with server("app.py") as base:
        page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        carried: list[int] = []

        def on_ws(ws: object) -> None:
            ws.on("framereceived", lambda payload: carried.append(int(b'"rows":[["BU0363' in _bytes(payload))))  # type: ignore[attr-defined]

        page.on("websocket", on_ws)
        page.goto(f"{base}/?g=GM0363&n=buurt&b=none&j=2024")
        page.locator(APP_MAP).locator("path.leaflet-interactive").first.wait_for(timeout=120_000)
        wait_idle(page)
        page.wait_for_timeout(2000)
        page.context.close()
        return sum(carried)


def _bytes(payload: object) -> bytes:
    return payload if isinstance(payload, bytes) else str(payload).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--variant",
        default="",
        help="Streamlit flags for a second app server timed in the same loop, e.g. "
        "'--server.fileWatcherType auto' to compare with and without a setting",
    )
    parser.add_argument(
        "--naive-flags",
        default="",
        help="Streamlit flags for the naive page's server (by default it runs with the project's config)",
    )
    args = parser.parse_args()
    rounds, variant = args.rounds, shlex.split(args.variant)
    if CHROMIUM is None:
        sys.exit("chromium not found: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"cold server: the first session received the map's areas {maps_sent_on_cold_start(browser)} time(s)")
        with (
            server("app.py") as app,
            server("scripts/naive_map.py", shlex.split(args.naive_flags)) as naive,
            server("scripts/bare_map.py") as bare,
            server("app.py", variant) if variant else nullcontext("") as other,
        ):
            pages = [(app, False), (naive, True), (bare, False)] + ([(other, False)] if other else [])
            print("naive page's server flags:", args.naive_flags or "(the project's config)")
            for _label, ours, theirs in CASES:  # warm the servers and their caches
                for base, is_naive in pages:
                    first_polygon(browser, base + (theirs if is_naive else ours), naive=is_naive)
            print("first drawn polygon, warm servers (median of", rounds, "page loads each):")
            for label, ours, theirs in CASES:
                times: list[list[float]] = [[] for _ in pages]
                for _ in range(rounds):
                    for k, (base, is_naive) in enumerate(pages):
                        times[k].append(first_polygon(browser, base + (theirs if is_naive else ours), naive=is_naive))
                ma, mb, mc, *md = [statistics.median(t) for t in times]
                print(
                    f"  {label:36s} app {ma:5.2f} s   naive {mb:5.2f} s   naive/app {mb / ma:4.1f}x"
                    f"   (bare map page {mc:5.2f} s, naive/bare {mb / mc:4.1f}x)"
                )
                if md:
                    print(f"  {'':36s} app with {args.variant}: {md[0]:5.2f} s, naive/that {mb / md[0]:4.1f}x")
            print("the same for a returning visitor (one browser profile per page; its first visit filled the cache):")
            for label, ours, theirs in CASES:
                mine = browser.new_context(viewport={"width": 1280, "height": 720})
                other = browser.new_context(viewport={"width": 1280, "height": 720})
                revisit(mine, app + ours)
                revisit(other, naive + theirs, naive=True)
                a, b = [], []
                for _ in range(rounds):
                    a.append(revisit(mine, app + ours))
                    b.append(revisit(other, naive + theirs, naive=True))
                mine.close()
                other.close()
                ma, mb = statistics.median(a), statistics.median(b)
                print(f"  {label:36s} app {ma:5.2f} s   naive {mb:5.2f} s   naive/app {mb / ma:4.1f}x")
            seconds, z0, z1 = click_to_outline(browser, app)
            print(f"map click to new heading and outline: {seconds:.2f} s; zoom before {z0:g}, after {z1:g}")
        browser.close()


if __name__ == "__main__":
    main()
