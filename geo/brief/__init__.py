"""A one-page brief of one area for a meeting: the gap answer, map, trend, summary and sources.

:func:`render_brief` draws one A4 landscape page with matplotlib (Agg, no browser) and returns
it as PDF and PNG bytes; :func:`brief_figure` returns the page as a matplotlib Figure (for
tests and other outputs), and :func:`brief_filename` names the files. The page holds:

- the gap answer: one sentence on how the area's gap to the city changed
  (:func:`geo.city_gap.gap_sentence`) and a small chart of that gap in every year with data;
- a static map of the area and its neighbours (those of :func:`geo.neighbours.graph_for`, the
  same as in the app) in RD New (EPSG:28992, metres), coloured by ``lbm`` on the fixed scale of
  :func:`geo.classify.scale_for` (ColorBrewer RdYlBu, colour-blind safe, centred on the national
  reference; *not* the official Leefbaarometer classes), with legend, north arrow, scale bar and
  the attribution "CBS / Kadaster, Leefbaarometer 3.0 (BZK)". The areas carry numbers, explained
  in a key beside the map, so long names never overlap; a number that would overlap another
  label is moved aside with a leader line;
- the trend of ``lbm`` over every year with data, at true year spacing, with the city reference
  (mean of the gemeente's wijken, not an official score) and the national reference;
- a summary table from :func:`geo.summary.area_summary` (the Kaart page's figures): score,
  difference from the national reference, gap to the city, rank within the gemeente and the
  change since the previous measurement;
- the sources and licences of what is drawn.

It is legible printed on A4 and on a projector (no text under :data:`MIN_FONT_SIZE` points), is
written entirely in the chosen language, shows every number through :mod:`geo.fmt` (decimal
comma in Dutch), and escapes area names for matplotlib math text (:func:`geo.textsafe.mathtext`).

The public names of the modules below are re-exported here, so ``from geo.brief import
render_brief`` works; each module holds one concern:

- :mod:`geo.brief.page`: the page itself: its size and resolution, where each part sits, the
  fonts and its words in Dutch and English;
- :mod:`geo.brief.area_map`: the map with its legend, north arrow and scale bar, the numbers on
  it placed without overlap, and the key that explains them;
- :mod:`geo.brief.render`: the file names, the gap answer, the trend, the summary, the header
  and the sources, and the page drawn and saved as PDF and PNG.
"""

from __future__ import annotations

from geo.brief.area_map import MAP_LABEL_GID
from geo.brief.page import A4_LANDSCAPE_INCHES, ATTRIBUTION, MIN_FONT_SIZE, PNG_DPI, PNG_SIZE
from geo.brief.render import brief_figure, brief_filename, gap_text, render_brief, summary_rows

__all__ = [
    "A4_LANDSCAPE_INCHES",
    "ATTRIBUTION",
    "MAP_LABEL_GID",
    "MIN_FONT_SIZE",
    "PNG_DPI",
    "PNG_SIZE",
    "brief_figure",
    "brief_filename",
    "gap_text",
    "render_brief",
    "summary_rows",
]
