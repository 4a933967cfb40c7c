"""Names are text everywhere (geo.textsafe), and the app shows a hostile name as text.

Markdown is checked with a CommonMark parser (markdown-it-py): an escaped name must render as
exactly its own characters, with no image, link, emphasis or code. Matplotlib text is checked
with matplotlib's own math-text detection.
"""

from __future__ import annotations

import html
import re
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from matplotlib.text import Text

from geo.textsafe import html_text, markdown_text, mathtext

HOSTILE = r"![x](http://127.0.0.1:9/x.png) $\alpha$ <b>"
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# printable text on one line (names are shown inline; line breaks become spaces, tested apart)
names = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=60)


def _rendered_text(markdown: str) -> str:
    """The HTML of one paragraph, reduced to its text; fails on any other markup."""
    out = MD.render(markdown)
    match = re.fullmatch(r"<p>(.*)</p>\n", out, re.DOTALL)
    assert match, out
    assert "<" not in match.group(1), out  # no <img>, <a>, <em>, <code>, <del>, raw HTML
    return html.unescape(match.group(1))


# -- markdown_text ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        HOSTILE,
        "[link](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "**bold** _it_ `code` ~~del~~",
        "a | b | c",
        "&amp; &#60; &lt;",
        r"back\slash \* \\",
        "# not a heading",
        ":red[kleur] :smile:",
        "'s-Gravenhage",
    ],
)
def test_markdown_text_renders_as_the_name_itself(name):
    assert _rendered_text(f"Naam: {markdown_text(name)} (GM0606)") == f"Naam: {name} (GM0606)"


@settings(max_examples=300, deadline=None)
@given(name=names)
def test_any_name_renders_as_itself_in_markdown(name):
    assert _rendered_text(f"x {markdown_text(name)} y") == f"x {name} y"


def test_markdown_text_puts_a_name_on_one_line():
    assert markdown_text("a\nb\r\nc") == "a b c"


def test_the_hostile_name_keeps_no_markdown_syntax():
    assert markdown_text(HOSTILE) == r"\!\[x\]\(http\://127.0.0.1\:9/x.png\) \$\\alpha\$ \<b\>"


# -- html_text ----------------------------------------------------------------------------------------
def test_html_text_escapes_markup_and_quotes():
    assert html_text("<b>\"x\" & 'y'</b>") == "&lt;b&gt;&quot;x&quot; &amp; &#x27;y&#x27;&lt;/b&gt;"
    assert html_text(HOSTILE) == r"![x](http://127.0.0.1:9/x.png) $\alpha$ &lt;b&gt;"


# -- mathtext -----------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=40) | st.sampled_from([HOSTILE, "$", "$$", r"\$", r"a\$b$", "$x$ $y$", "\\"]))
def test_mathtext_is_shown_by_matplotlib_as_typed(name):
    assert Text()._preprocess_math(mathtext(name)) == (name, False)


def test_mathtext_of_the_hostile_name():
    assert mathtext(HOSTILE) == r"![x](http://127.0.0.1:9/x.png) \$\alpha\$ <b>"


# -- the app, on a real dataset rebuilt with a hostile gemeente name -------------------------------------
@pytest.fixture(scope="module")
def hostile_dataset(tmp_path_factory):
    from geo.build import build
    from tests.small_sources import write_small_sources

    root = tmp_path_factory.mktemp("hostile")
    src = write_small_sources(root / "src", gemeenten=("GM0606",), names={"GM0606": HOSTILE})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build(src, root / "data")
    return root / "data"


def _markdown_of(at) -> list[str]:
    """Every text of the run that Streamlit renders as Markdown."""
    kinds = ("markdown", "caption", "title", "header", "subheader", "warning", "info", "error", "success")
    texts = [e.value for kind in kinds for e in getattr(at, kind)]
    texts += [e.label for e in at.metric] + [e.label for e in at.button]
    return texts


def test_the_map_page_shows_a_hostile_gemeente_name_as_text(hostile_dataset, monkeypatch):
    import streamlit
    from streamlit.testing.v1 import AppTest

    import geo
    import ui
    from tests.conftest import ROOT

    ds = geo.load_dataset(hostile_dataset)
    assert ds.name("GM0606") == HOSTILE
    monkeypatch.setattr(ui, "DATA_DIR", hostile_dataset)
    monkeypatch.setattr(ui, "dataset", streamlit.cache_resource(lambda path=str(hostile_dataset): ds))
    streamlit.cache_resource.clear()
    streamlit.cache_data.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.query_params["g"] = "GM0606"
        at.run()
        assert not at.exception
        texts = _markdown_of(at)
        assert any(markdown_text(HOSTILE) in t for t in texts), texts  # the name is shown, escaped
        for t in texts:
            rendered = MD.render(t)
            assert "<img" not in rendered and "<a " not in rendered, t
            assert HOSTILE not in t, t  # never the raw name: its <b> would be HTML, its $..$ math
        for page in ("trends", "verandering", "selectie", "data"):
            at.switch_page(f"pages/{page}.py").run()
            assert not at.exception, page
            for t in _markdown_of(at):
                rendered = MD.render(t)
                assert "<img" not in rendered and "<a " not in rendered, (page, t)
                assert HOSTILE not in t, (page, t)
    finally:
        streamlit.cache_resource.clear()
        streamlit.cache_data.clear()


def test_json_for_a_page_has_no_markup_characters_and_reads_back_the_same():
    import json

    from geo.textsafe import script_json

    data = {"name": "</script><img src=x onerror=alert(1)> & co"}
    text = script_json(json.dumps(data))
    assert not set("<>&") & set(text)
    assert json.loads(text) == data
