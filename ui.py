"""Streamlit glue shared by the pages: cached loaders, language and session state.

Pages stay thin: they read state from here, call ``geo`` and draw. Nothing in ``geo``
imports streamlit.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

import geo

#: Folder of the dataset the app shows; override with LEEFBAARHEID_DATA for another build.
DATA_DIR = Path(os.environ.get("LEEFBAARHEID_DATA", geo.DEFAULT_DATA_DIR))


@st.cache_resource(show_spinner=False)
def dataset(path: str = str(DATA_DIR)) -> geo.Dataset:
    """Load the dataset once per server process; nobody modifies it."""
    return geo.load_dataset(path)


def lang() -> str:
    return st.session_state.get("lang", "nl")


def t(nl: str, en: str) -> str:
    """Pick the Dutch or English text for the current language."""
    return en if lang() == "en" else nl
