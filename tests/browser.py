"""Helpers for the Playwright tests: start the app on a free port and drive Debian's chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

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


def require_chromium() -> str:
    """Return the chromium path; skip locally, fail in CI, when it is missing."""
    if CHROMIUM is None:
        msg = "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(timeout: float = 60.0, *, base_path: str = "", env: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``streamlit run app.py`` on a free port; yield its base URL; stop it afterwards.

    ``base_path`` serves the app under that path (``server.baseUrlPath``), as behind a proxy;
    ``env`` adds environment variables (e.g. ``LEEFBAARHEID_DATA``).
    """
    port = _free_port()
    log = ROOT / "tests" / "artifacts"
    log.mkdir(parents=True, exist_ok=True)
    out = (log / f"streamlit-{port}.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.baseUrlPath",
            base_path,
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {out.name}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        out.close()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the Streamlit app has finished its run (no 'running' status widget)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout,
    )


def wait_drawn(page, timeout: float = 30_000) -> None:
    """Wait until every element is drawn: no skeleton left where an element's code is still loading.

    For the README's screenshots: a page that has finished its run can still show grey placeholders
    for a few hundred milliseconds.
    """
    wait_idle(page, timeout)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]\')',
        timeout=timeout,
    )


#: The map (Leaflet mounted in the page by map_view.py; no iframe).
MAP = ".lv-map"


def map_element(page, timeout: float = 30_000):
    """The page's (first) map, once it is in the page."""
    page.locator(MAP).first.wait_for(timeout=timeout)
    return page.locator(MAP).first
