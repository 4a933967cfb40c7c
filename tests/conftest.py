"""Shared fixtures: the project's own copy of the real source files and the embedded dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

import geo

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "data" / "sources"
WIJK_SCORES_2022 = SOURCES / "leefbaarometer" / "Leefbaarometer-scores wijken 2002-2022.csv"
WIJK_SCORES_2024 = SOURCES / "leefbaarometer" / "meting-2024-wijken-subset.csv"
BUURT_SCORES_2024 = SOURCES / "leefbaarometer" / "meting-2024-buurten-amsterdam.csv"
WIJKEN_2024 = SOURCES / "cbs" / "wijken_2024.geojson"
GEMEENTEN_2024 = SOURCES / "cbs" / "gemeenten_2024.geojson"
AMSTERDAM_BUURTEN = SOURCES / "amsterdam" / "buurten.geojson"
ARTIFACTS = ROOT / "tests" / "artifacts"


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
    """Keep AppTest reruns on the st.navigation path.

    AppTest builds a new PagesManager per run, which sets the class flag
    ``uses_pages_directory`` to True because the project has a ``pages/`` folder (the layout
    the product design fixes). Reruns then take Streamlit's legacy multipage path and execute
    the page file without ``app.py`` around it. ``streamlit run`` is not affected: there
    ``st.navigation`` clears the flag for the whole process on the first run.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    yield
    PagesManager.__init__ = original
