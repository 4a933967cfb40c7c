"""Shared fixtures: the project's own copy of the real source files and the embedded dataset."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import pytest

import geo
from streamlit_compat import apptest_navigation, shared_script_cache

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
WIJK_SCORES_2022 = SOURCES / "leefbaarometer" / "Leefbaarometer-scores wijken 2002-2022.csv"
WIJK_SCORES_2024 = SOURCES / "leefbaarometer" / "meting-2024-wijken-subset.csv"
BUURT_SCORES_2024 = SOURCES / "leefbaarometer" / "meting-2024-buurten-amsterdam.csv"
WIJKEN_2024 = SOURCES / "cbs" / "wijken_2024.geojson"
GEMEENTEN_2024 = SOURCES / "cbs" / "gemeenten_2024.geojson"
AMSTERDAM_BUURTEN = SOURCES / "amsterdam" / "buurten.geojson"
ARTIFACTS = ROOT / "tests" / "artifacts"

# The app picks the dataset with geo.locate: a dataset built by `python -m geo fetch` in the user
# data folder would win over the embedded one. Tests use the embedded data: point the user data
# folder (XDG_DATA_HOME, Linux) at a folder that holds no dataset.
os.environ["XDG_DATA_HOME"] = str(ARTIFACTS / "no-user-data")


def published_wijk_score(code: str, year: int, measure: str = "lbm") -> float:
    """One wijk's score as the source CSV publishes it (NaN for ``NA``), read with the csv module."""
    with WIJK_SCORES_2022.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["wk_code"] == code and row["jaar"] == str(year):
                return math.nan if row[measure] == "NA" else float(row[measure])
    raise AssertionError(f"{code} {year} is not in the source file")


@pytest.fixture(scope="session")
def dataset() -> geo.Dataset:
    """The embedded default dataset, as the app loads it."""
    return geo.load_dataset()


@pytest.fixture(scope="session")
def wijk_scores_2022() -> geo.ScoreFile:
    return geo.read_scores(WIJK_SCORES_2022)


@pytest.fixture(scope="session")
def wijken_2024() -> geo.AreaFile:
    with pytest.warns(UserWarning, match="invalid geometry made valid"):
        return geo.read_areas(WIJKEN_2024)


@pytest.fixture(scope="session")
def amsterdam_buurten() -> geo.AreaFile:
    return geo.read_areas(AMSTERDAM_BUURTEN)


@pytest.fixture(autouse=True, scope="session")
def _navigation_not_mpa_v1():
    """Keep AppTest reruns on the st.navigation path (see :func:`streamlit_compat.apptest_navigation`)."""
    with apptest_navigation():
        yield


@pytest.fixture(autouse=True, scope="session")
def _compile_pages_once():
    """Let AppTest compile ``app.py`` and each page once, as a server does (:func:`streamlit_compat.shared_script_cache`)."""
    shared_script_cache()


# -- browser tests: one app server and one chromium for the whole run --------------------------
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the ``page`` fixture can see a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def app_url():
    """The app, started once with ``streamlit run`` on a free port on 127.0.0.1."""
    from tests.browser import running_app

    with running_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright (skipped locally, failing in CI, when missing)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, require_chromium

    chromium = require_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    """A fresh 1280x720 context per test; a failing test leaves a screenshot in tests/artifacts."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pg = context.new_page()
    yield pg
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    context.close()


def drawn_maps(at) -> list[dict]:
    """The specs an AppTest page sent to its map components (``map_view``), in page order."""
    import json

    return [json.loads(e.proto.bytes) for e in at.get("bidi_component") if e.proto.component_name == "leefbaarheid_map"]
