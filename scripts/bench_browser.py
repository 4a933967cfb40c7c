"""Time from opening the page to the first drawn polygon, in headless Debian chromium.

Run: python scripts/bench_browser.py   (needs `apt-get install chromium`)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import CHROMIUM, CHROMIUM_ARGS, MAP_IFRAME, running_app  # noqa: E402

# The map is the default page, so a shared link is the root URL with the view's parameters.
CASES = [
    ("Amsterdam buurten (518)", "/?g=GM0363&n=buurt&b=none&j=2024"),
    ("Amsterdam wijken (111)", "/?g=GM0363&n=wijk&b=none&j=2024"),
    ("Amsterdam buurten, via /kaart", "/kaart?g=GM0363&n=buurt&b=none&j=2024"),
]


def main(rounds: int = 5) -> None:
    if CHROMIUM is None:
        sys.exit("chromium not found: apt-get install chromium")
    with running_app() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, path in CASES:
            times = []
            for _ in range(rounds):
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                page = context.new_page()
                t0 = time.perf_counter()
                page.goto(base + path)
                page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
                times.append(time.perf_counter() - t0)
                context.close()
            print(
                f"first drawn polygon, {label}: first (cold server for the first case) {times[0]:.2f} s, "
                f"median {statistics.median(times):.2f} s, max {max(times):.2f} s over {rounds} page loads "
                "(budget 2.5 s)"
            )
        browser.close()


if __name__ == "__main__":
    main()
