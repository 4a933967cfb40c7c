"""The workarounds in ``streamlit_compat`` keep what the browser receives unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import streamlit_compat


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


FRAMES = {
    "numbers and text": pd.DataFrame({"naam": ["a", "b"], "lbm": [3.8555, np.nan], "rank": [3, 1]}),
    "nullable and bool": pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "ok": [True, False]}),
    "repeated column names": pd.DataFrame([[1.5, 2.25], [np.nan, 4.0]], columns=["x", "x"]),
    "a text index": pd.DataFrame({"v": [0.1, 0.2, 0.3]}, index=["p", "q", "r"]),
    "no rows": pd.DataFrame({"v": pd.Series([], dtype=float)}),
}


@pytest.mark.parametrize("name", FRAMES)
@pytest.mark.parametrize("hidden", [False, True])
def test_the_display_frame_equals_streamlits_own(name, hidden):
    assert streamlit_compat._install_display_frame()
    original = streamlit_compat._replaced[0]
    frame = FRAMES[name]
    styler = frame.style.format(na_rep="–", decimal=",", thousands="", precision=2)
    if hidden and frame.shape[1] > 1:
        styler = styler.hide(subset=[frame.columns[-1]], axis="columns")  # a cell the Styler does not render
    styler._compute()
    styles = styler._translate(False, False)
    expected, got = original(frame, styles), streamlit_compat._display_frame(frame, styles)
    assert list(got.columns) == list(expected.columns)
    assert list(got.index) == list(expected.index)
    assert got.to_numpy().tolist() == expected.to_numpy().tolist()


def _table_that_watches_the_option() -> None:
    """A Styler whose formatter notes how pandas builds a text column while Streamlit renders the cells."""
    import pandas as pd
    import streamlit as st

    import streamlit_compat

    seen: list[object] = []

    def fmt(value: object) -> str:
        seen.append(str(pd.Series(["a"]).dtype))
        return str(value)

    streamlit_compat.dataframe(pd.DataFrame({"v": [1.0, 2.0]}).style.format(fmt))
    st.text(repr([*sorted(set(seen)), str(pd.Series(["a"]).dtype)]))


def test_showing_a_table_leaves_pandas_global_options_alone():
    # pandas' options belong to the whole server process: a table shown in one session must not
    # change how another session's frames are built while it renders (a race seen under load)
    before = str(pd.Series(["a"]).dtype)
    at = AppTest.from_function(_table_that_watches_the_option).run()
    assert not at.exception
    assert at.text[0].value == repr([before, before])


def _styled_pairs() -> None:
    """Each case's Styler built twice: one shown by st.dataframe (pandas renders it), one by streamlit_compat."""
    import numpy as np
    import pandas as pd
    import streamlit as st

    import streamlit_compat
    import ui
    from geo.compare import comparison_table
    from geo.fmt import style_frame

    ds = ui.dataset()
    table = comparison_table(ds, "WK034403", 2022, since=2012)  # Overvecht: neighbours, NaN, Int64 ranks
    signed = ("afw", "fys", "onv", "soc", "vrz", "won", "change")
    decimals = {c: 3 for c in ("lbm", *signed)} | {"rank": 0, "rank_of": 0}
    mixed = pd.DataFrame(
        {
            "text": ["a", None, "c"],
            "flag": pd.array([True, None, False], dtype="boolean"),
            "count": pd.array([1, None, 3], dtype="Int64"),
            "plain": [0.1234567, np.nan, -2.0],
            "shown": [1234.5, np.nan, -0.0004],
        }
    )
    cases = {
        "neighbours nl": lambda: style_frame(table, "nl", decimals, signed=signed),
        "neighbours en": lambda: style_frame(table, "en", decimals, signed=signed),
        "mixed columns": lambda: style_frame(mixed, "nl", {"shown": 1}, signed=("shown",), group=("shown",)),
        "with a colour": lambda: mixed.style.format(precision=2).highlight_max(subset=["plain"]),
        "with tooltips": lambda: mixed.style.format(precision=2).set_tooltips(mixed[["text"]].fillna("-")),
    }
    taken = []
    for name, make in cases.items():
        st.dataframe(make(), key=f"pandas {name}")
        quick = make()
        streamlit_compat.dataframe(quick, key=f"compat {name}")
        taken.append(f"{name}: {'_translate' in vars(quick)}")
    st.text("; ".join(taken))


def _styles(element: object) -> str:
    """The element's CSS with its own table id (a uuid per element) replaced by a fixed one."""
    styler = element.proto.arrow_data.styler  # type: ignore[attr-defined]
    return styler.styles.replace(f"#T_{styler.uuid}", "#T_table")


def test_a_format_only_table_is_rendered_quickly_with_the_same_cells_and_styles():
    at = AppTest.from_function(_styled_pairs, default_timeout=60).run()
    assert not at.exception
    elements = list(at.dataframe)
    assert len(elements) == 10
    for pandas_el, compat_el in zip(elements[::2], elements[1::2], strict=True):
        assert _display_values(compat_el) == _display_values(pandas_el)
        assert _styles(compat_el) == _styles(pandas_el)
        assert compat_el.proto.arrow_data.data == pandas_el.proto.arrow_data.data
    # the quick path is taken only where pandas' rendering adds nothing but the texts
    assert at.text[0].value == (
        "neighbours nl: True; neighbours en: True; mixed columns: True; with a colour: False; with tooltips: False"
    )
    # and what the cells say, by hand: the first row is Overvecht itself, the colour case has CSS
    neighbours = _display_values(elements[1])
    assert neighbours["name"][0] == "Wijk 03 Overvecht" and "," in neighbours["lbm"][0]
    assert "." in _display_values(elements[3])["lbm"][0]
    assert elements[7].proto.arrow_data.styler.styles  # highlight_max's CSS reached the browser
    assert _display_values(elements[5])["shown"] == ["+1.234,5", "–", "0,0"]  # rounds to zero: no sign
