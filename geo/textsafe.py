"""Names and user text are text everywhere: one escaping helper per target.

- :func:`html_text` for HTML (map tooltips, legends, ``unsafe_allow_html`` blocks);
- :func:`markdown_text` for Markdown (Streamlit headings, captions, notices);
- :func:`mathtext` for matplotlib text (the brief), where ``$`` starts math mode;
- :func:`script_json` for JSON text that goes into a page (the map's spec).
"""

from __future__ import annotations

import html
import re
from typing import Final

__all__ = ["html_text", "markdown_text", "mathtext", "script_json"]

#: Characters with an inline meaning in (Streamlit's) Markdown, escaped with a backslash. ("-",
#: "+" and "." only matter at the start of a line, and names are always shown inline.)
_MARKDOWN_SPECIALS: Final[re.Pattern[str]] = re.compile(r"([\\`*_{}\[\]()#!|~<>$:&])")


def html_text(text: object) -> str:
    """Escape text for HTML: ``<``, ``>``, ``&`` and both quotes."""
    return html.escape(str(text), quote=True)


def markdown_text(text: object) -> str:
    r"""Escape text for Markdown so that it shows as typed.

    Every character that Markdown (or Streamlit's extensions: ``$`` math, ``:emoji:``,
    ``:color[...]``) could read as syntax gets a backslash, so a name holding an image link
    ``![x](http://...)`` is shown as text and never fetched. Line breaks become spaces.

    Examples
    --------
    >>> markdown_text("![x](http://e/x.png)")
    '\\!\\[x\\]\\(http\\://e/x.png\\)'
    """
    flat = " ".join(str(text).splitlines())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", flat)


def mathtext(text: object) -> str:
    r"""Escape text for matplotlib, where ``$...$`` is math text: ``$`` becomes ``\$``."""
    return str(text).replace("$", r"\$")


def script_json(text: str) -> str:
    r"""Escape JSON text so that no ``<``, ``>`` or ``&`` is left as such: safe wherever it is embedded.

    Inside JSON strings the ``\u`` escapes read back as the same characters.
    """
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text
