"""The workarounds in ``streamlit_compat`` keep what the browser receives unchanged."""

from __future__ import annotations

import pyarrow as pa
from streamlit.testing.v1 import AppTest


def _two_tables() -> None:
    """A styled table shown by st.dataframe, then by streamlit_compat.dataframe."""
    import numpy as np
    import pandas as pd
    import streamlit as st

    import streamlit_compat

    frame = pd.DataFrame({"naam": ["Overvecht", "Zuid", "Noordoost"], "lbm": [3.8555, np.nan, 4.1], "rank": [3, 1, 2]})
    styler = frame.style.format(na_rep="–", decimal=",", thousands="", precision=3)
    st.dataframe(styler, hide_index=True)
    streamlit_compat.dataframe(styler, hide_index=True)


def _display_values(element: object) -> dict[str, list[object]]:
    data = element.proto.arrow_data.styler.display_values  # type: ignore[attr-defined]
    return pa.ipc.open_stream(data).read_all().to_pydict()


def test_a_styled_table_reaches_the_browser_with_the_same_formatted_cells():
    at = AppTest.from_function(_two_tables).run()
    assert not at.exception
    plain, quick = (_display_values(el) for el in at.dataframe)
    assert plain == quick
    # the cells as the Styler formats them (by hand): a decimal comma, a dash for the missing value
    assert quick["lbm"] == ["3,856", "–", "4,100"]
    assert quick["naam"] == ["Overvecht", "Zuid", "Noordoost"]
