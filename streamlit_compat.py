"""Workarounds that touch Streamlit's private internals, in one place.

The app, the tests and the benchmarks import these helpers; nothing else in the project may
reach into ``streamlit.runtime``. Every helper here was checked against the Streamlit versions
that ``pyproject.toml`` allows (``streamlit>=1.51,<1.68``); when you widen that range, run
``python -m pytest tests/test_page_kaart.py tests/test_page_trends.py`` and check these first.

Why they are needed
-------------------
The project keeps its pages in a ``pages/`` folder (the layout the product design fixes).
Streamlit then starts each server process in its *legacy* multipage mode: a deep link such as
``/kaart?g=...`` runs ``pages/kaart.py`` on its own, without ``app.py`` (no state, no
controls). ``st.navigation`` in ``app.py`` ends that mode for the process, but only once
``app.py`` has run, and AppTest builds a fresh ``PagesManager`` (which switches the mode back
on) for every run.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

__all__ = [
    "apptest_navigation",
    "dataframe",
    "end_legacy_pages_mode",
    "picker_options",
    "run_timer",
    "shared_script_cache",
]


@functools.cache
def picker_options() -> dict[str, Any]:
    """Return the options that make ``st.multiselect`` an area picker: no "Select all", literal search.

    Recent Streamlit versions offer an English "Select all" / "Select N matches" entry that
    Enter picks, so typing "Bijlmer" and Enter chose every fuzzy match (industrial estates
    included). ``select_all=False`` drops the entry and ``filter_mode="contains"`` lists only
    names that contain what was typed. Versions without these parameters have neither
    behaviour, so they get neither option. Worked out once per process, not on every rerun;
    callers must not change the returned dict.
    """
    import inspect

    import streamlit as st

    wanted = {"select_all": False, "filter_mode": "contains"}
    accepted = inspect.signature(st.multiselect).parameters
    return {k: v for k, v in wanted.items() if k in accepted}


def end_legacy_pages_mode() -> bool:
    """End Streamlit's legacy ``pages/`` mode for this process; tell whether it was on.

    A page calls this first (through ``ui.page_guard``) and reruns when it returns True: the
    rerun then goes through ``app.py``.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        return True
    return False


@contextmanager
def apptest_navigation() -> Iterator[None]:
    """Keep AppTest reruns on the ``st.navigation`` path while the context is open.

    AppTest builds a new ``PagesManager`` per run, which sets the class flag
    ``uses_pages_directory`` to True because the project has a ``pages/`` folder; reruns would
    then execute the page file without ``app.py`` around it. ``streamlit run`` is not
    affected: there ``st.navigation`` clears the flag for the whole process on the first run.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        PagesManager.__init__ = original  # type: ignore[method-assign]


def dataframe(data: Any, **kwargs: Any) -> None:
    """Show a table with ``st.dataframe``; a pandas Styler's formatted cells are handed over quickly.

    For a Styler, Streamlit copies the frame with ``astype(str)`` and writes the formatted cells
    (a decimal comma, "–" for missing) into that copy column by column. With pandas 3 the copy's
    strings are Arrow-backed and each write rebuilds a column: about 8 ms of every Trends rerun.
    :func:`_display_frame` builds the same texts as plain Python strings in one go, and the
    browser receives the same cells (``tests/test_streamlit_compat.py``). A Styler that only
    formats also skips pandas' HTML-shaped rendering of every cell (:func:`_quicken`): the
    Trends page's table went from about 9 to 4 ms a run.

    An earlier version switched pandas' ``future.infer_string`` off during this call. Options
    are global to the process: two sessions showing tables at the same moment could leave the
    option off for every session of the server, and one saw an Arrow error under load
    (``scripts/bench_load_server.py``). Replacing Streamlit's helper with a pure function that
    gives the same result is safe across threads.
    """
    import streamlit as st

    if _install_display_frame():
        _quicken(data)
    st.dataframe(data, **kwargs)


def _quicken(data: Any) -> None:
    """Give a Styler that only formats (no CSS, nothing hidden) a quick ``_translate``, on this object only.

    Streamlit asks the Styler for its rendered table (``_translate``: an HTML-shaped description of
    every cell, some 6 ms for the Trends page's table) and reads only each cell's display text from
    it. For a Styler made by ``Styler.format`` alone, those texts are the Styler's own display
    function applied to each value; they are computed here, and handed to :func:`_display_frame`
    directly. Any other Styler is left as it is. ``tests/test_streamlit_compat.py`` checks that the
    browser receives the same cells and styles either way.
    """
    from pandas.io.formats.style import Styler

    if type(data) is not Styler or not _only_formats(data):
        return
    styler: Any = data  # pandas' private members below are not in its type hints
    funcs = styler._display_funcs
    columns: list[list[Any]] = [[] for _ in range(styler.data.shape[1])]
    for r, row in enumerate(styler.data.itertuples()):  # the values as the Styler itself reads them
        for c, value in enumerate(row[1:]):
            columns[c].append(funcs[(r, c)](value))
    quick = {"table_styles": [], "cellstyle": [], "body": [], _DISPLAY_COLUMNS: columns}
    styler._translate = lambda *args, **kwargs: quick


_DISPLAY_COLUMNS = "lv_display_columns"  # the display texts per column, from :func:`_quicken`


def _only_formats(styler: Any) -> bool:
    """Whether rendering ``styler`` would give every cell its display text and nothing else."""
    import pandas as pd

    return bool(
        not styler._todo  # no styling functions (apply, map, highlight_...)
        and not styler.table_styles
        and not styler.cell_context
        and styler.tooltips is None
        and not styler.hidden_rows
        and not styler.hidden_columns
        and styler.cell_ids
        and not styler.hide_index_names
        and pd.get_option("styler.render.max_rows") is None
        and pd.get_option("styler.render.max_columns") is None
    )


@functools.cache
def _install_display_frame() -> bool:
    """Put :func:`_display_frame` in place of Streamlit's ``_use_display_values`` (once per process).

    Returns False, and changes nothing, when this Streamlit has no such helper.
    """
    try:
        from streamlit.elements.lib import pandas_styler_utils
    except ImportError:
        return False
    original = getattr(pandas_styler_utils, "_use_display_values", None)
    if not callable(original):
        return False
    _replaced.append(original)
    pandas_styler_utils._use_display_values = _display_frame
    return True


_replaced: list[Callable[..., Any]] = []  # Streamlit's own helper, once replaced (for the tests)


def _display_frame(df: Any, styles: Mapping[str, Any]) -> Any:
    """Return ``df`` as text, with the Styler's formatted cells in place of the values.

    The same result as Streamlit's ``_use_display_values`` (every cell ``str()``-ed, then each
    cell the Styler rendered replaced by its display value, an Enum by its ``value``), built
    as Python lists instead of written into Arrow-backed columns cell by cell.
    """
    import re

    import pandas as pd

    quick = styles.get(_DISPLAY_COLUMNS)
    if quick is not None:
        columns = [[_text(v) for v in col] for col in quick]
    else:
        columns = [[str(v) for v in df.iloc[:, i].tolist()] for i in range(df.shape[1])]
        cell_id = re.compile(r"row(\d+)_col(\d+)")
        for row in styles.get("body", []):
            for cell in row:
                match = cell_id.match(cell.get("id") or "")
                if match is not None:
                    r, c = map(int, match.groups())
                    columns[c][r] = _text(cell.get("display_value"))
    frame = pd.DataFrame(dict(enumerate(columns)), index=df.index, dtype=object)
    frame.columns = df.columns
    return frame


def _text(display_value: Any) -> str:
    """Return a display value as Streamlit sends it: an Enum by its ``value``, anything else by ``str``."""
    from enum import Enum

    return str(display_value.value if isinstance(display_value, Enum) else display_value)


def arrow_bytes(frame: Any) -> bytes:
    """Return a data frame as the Arrow IPC bytes Streamlit sends the browser for a chart's dataset.

    Used by ``trends_view`` to put cached chart data in a Vega-Lite spec exactly as
    ``st.vega_lite_chart`` would (``streamlit.dataframe_util`` is not public API).
    """
    from streamlit import dataframe_util

    return dataframe_util.convert_anything_to_arrow_bytes(frame)


def shared_script_cache() -> None:
    """Let AppTest reuse compiled page code across runs, as ``streamlit run`` does (tests and benchmarks).

    AppTest builds a new ScriptCache for every run, so each rerun recompiles ``app.py`` and the
    page (10-40 ms for a large page); a real server compiles them once.
    """
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[attr-defined,assignment]


@contextmanager
def run_timer() -> Iterator[Callable[[], list[float]]]:
    """Measure the server time of every script run from outside the app (benchmarks only).

    Wraps Streamlit's ``ScriptRunner._run_script`` (one call per run: ``app.py`` and its page,
    without AppTest's polling) while the context is open, so ``app.py`` carries no timing code.

    Yields
    ------
    callable
        Returns the seconds of each run so far, in order.

    Examples
    --------
    >>> with run_timer() as runs:  # doctest: +SKIP
    ...     at.run()
    ...     print(runs()[-1])
    """
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    original = ScriptRunner._run_script
    seconds: list[float] = []
    lock = threading.Lock()

    def timed(self: ScriptRunner, *args: Any, **kwargs: Any) -> None:
        start = time.perf_counter()
        try:
            original(self, *args, **kwargs)
        finally:
            with lock:
                seconds.append(time.perf_counter() - start)

    ScriptRunner._run_script = timed  # type: ignore[method-assign]
    try:
        yield lambda: list(seconds)
    finally:
        ScriptRunner._run_script = original  # type: ignore[method-assign]
