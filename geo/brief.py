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
"""

from __future__ import annotations

import io
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, Final, Literal, cast

import geopandas as gpd
import matplotlib as mpl
import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter
from matplotlib.transforms import Bbox

from geo import fmt
from geo.city_gap import gap_change, gap_sentence, gap_table, gap_years
from geo.classify import NO_DATA_COLOUR, scale_for
from geo.dataset import Dataset
from geo.i18n import check_lang
from geo.neighbours import graph_for
from geo.selection import validate_codes
from geo.summary import area_summary
from geo.textsafe import mathtext

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

#: Attribution printed on the map.
ATTRIBUTION: Final[str] = "CBS / Kadaster, Leefbaarometer 3.0 (BZK)"
#: Resolution of the PNG, sharp on a projector and on paper.
PNG_DPI: Final[int] = 150
#: Size of the PNG in pixels: A4 (297 x 210 mm) at :data:`PNG_DPI`.
PNG_SIZE: Final[tuple[int, int]] = (1754, 1240)
#: Page size in inches: A4 landscape (297 x 210 mm, rounded to whole pixels of the PNG).
A4_LANDSCAPE_INCHES: Final[tuple[float, float]] = (PNG_SIZE[0] / PNG_DPI, PNG_SIZE[1] / PNG_DPI)
#: No text on the page is smaller than this (points): legible on A4 and on a projector.
MIN_FONT_SIZE: Final[float] = 7.0
#: The ``gid`` of the number labels on the map (tests find them by it).
MAP_LABEL_GID: Final[str] = "brief-map-label"
#: The first year of the gap sentence when the area has data then (as on the Trends page).
GAP_START: Final[int] = 2012

#: Where things sit on the page (figure fraction: left, bottom, width, height).
_MAP_BOX: Final[tuple[float, float, float, float]] = (0.025, 0.385, 0.375, 0.445)
_LEGEND_BOX: Final[tuple[float, float, float, float]] = (0.415, 0.555, 0.16, 0.275)
_KEY_BOX: Final[tuple[float, float, float, float]] = (0.415, 0.13, 0.18, 0.40)
_TABLE_BOX: Final[tuple[float, float, float, float]] = (0.025, 0.13, 0.375, 0.20)
_GAP_BOX: Final[tuple[float, float, float, float]] = (0.645, 0.50, 0.335, 0.155)
_TREND_BOX: Final[tuple[float, float, float, float]] = (0.645, 0.16, 0.335, 0.225)
_RIGHT_X: Final[float] = 0.60

Lang = Literal["nl", "en"]

_TEXT: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "subtitle": "Leefbaarheid van een {level} in {gemeente}, meetjaar {year}",
        "wijk": "wijk",
        "buurt": "buurt",
        "gemeente": "gemeente",
        "gap_title": "Verschil met het stedelijk gemiddelde",
        "gap_chart": "Verschil met de stad per jaar (lbm − stad)",
        "gap_none": (
            "Er is geen eerder meetjaar met zowel een score als een stedelijk gemiddelde, "
            "dus de verandering van het verschil is niet te geven."
        ),
        "map": "Het gebied en zijn buren, lbm {year}",
        "legend": "Kleuren: lbm {year}, officiële\nLeefbaarometer-klassen (grenzen\nafgelezen uit de klassen van 2024)",
        "no_data": "geen gegevens",
        "key": "Nummers op de kaart",
        "key_more": "en nog {n}",
        "trend": "Leefbaarheid (lbm) door de jaren",
        "area": "dit gebied",
        "city": "stedelijk gemiddelde",
        "national": "landelijk niveau",
        "summary": "Samenvatting {year}",
        "score": "Score (lbm)",
        "afw": "Verschil met landelijk referentieniveau",
        "gap": "Verschil met de stad (lbm − stad)",
        "city_value": "Stedelijk gemiddelde",
        "rank": "Rang in {gemeente} (1 = hoogst)",
        "rank_value": "{rank} van {n} {level_plural}",
        "change": "Verandering sinds {prev}",
        "change_none": "Verandering sinds vorige meting",
        "no_prev": "geen eerdere meting",
        "sources": "Bronnen",
        "src_areas": "grenzen van {level_plural}",
        "src_scores": "scores van {level_plural}, meting {meting}",
        "src_scores_many": "scores van {level_plural}, metingen {meting}",
        "and": "en",
        "map_credit": "kaart",
        "notes": (
            "Stedelijk gemiddelde: gemiddelde van de wijken van de gemeente (naar inwonertal gewogen waar dat "
            "van elke wijk bekend is), geen officiële gemeentescore. Scores van meting 2022 zijn berekend op de "
            "grenzen van 2022; de kaart toont de grenzen van 2024."
        ),
        "wijk_plural": "wijken",
        "buurt_plural": "buurten",
        "gemeente_plural": "gemeenten",
        "km": "km",
    },
    "en": {
        "subtitle": "Liveability of a {level} in {gemeente}, measurement year {year}",
        "wijk": "district (wijk)",
        "buurt": "neighbourhood (buurt)",
        "gemeente": "municipality",
        "gap_title": "Gap to the city average",
        "gap_chart": "Gap to the city per year (lbm − city)",
        "gap_none": (
            "There is no earlier measurement year with both a score and a city average, "
            "so the change of the gap cannot be given."
        ),
        "map": "The area and its neighbours, lbm {year}",
        "legend": ("Colours: lbm {year}, official\nLeefbaarometer classes (cut-offs\nread off the 2024 classes)"),
        "no_data": "no data",
        "key": "Numbers on the map",
        "key_more": "and {n} more",
        "trend": "Liveability (lbm) over the years",
        "area": "this area",
        "city": "city average",
        "national": "national level",
        "summary": "Summary {year}",
        "score": "Score (lbm)",
        "afw": "Difference from national reference",
        "gap": "Gap to the city (lbm − city)",
        "city_value": "City average",
        "rank": "Rank in {gemeente} (1 = highest)",
        "rank_value": "{rank} of {n} {level_plural}",
        "change": "Change since {prev}",
        "change_none": "Change since previous measurement",
        "no_prev": "no earlier measurement",
        "sources": "Sources",
        "src_areas": "{level} boundaries",
        "src_scores": "{level} scores of the {meting} release",
        "src_scores_many": "{level} scores of the {meting} releases",
        "and": "and",
        "map_credit": "map",
        "notes": (
            "City average: mean of the municipality's districts (weighted by population where every district's "
            "population is known), not an official municipal score. Scores of the 2022 release were computed on "
            "the 2022 boundaries; the map shows the 2024 boundaries."
        ),
        "wijk_plural": "districts",
        "buurt_plural": "neighbourhoods",
        "gemeente_plural": "municipalities",
        "km": "km",
    },
}

#: Names of publishers as an English reader knows them (the Dutch text uses the manifest's).
_EN_NAMES: Final[dict[str, str]] = {
    "Leefbaarometer 3.0, Ministerie van BZK": "Leefbaarometer 3.0, Ministry of the Interior (BZK)",
    "Gemeente Amsterdam": "City of Amsterdam",
}
_EN_LEVEL: Final[dict[str, str]] = {"wijk": "district", "buurt": "neighbourhood", "gemeente": "municipality"}

_RC: Final[dict[str, Any]] = {
    "pdf.fonttype": 42,  # embed TrueType, so the PDF text can be searched and copied
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "svg.hashsalt": "brief",
}

_AREA_COLOUR: Final[str] = "#1b4f9c"
_CITY_COLOUR: Final[str] = "#d95f02"
_BELOW_COLOUR: Final[str] = "#d95f02"
_ABOVE_COLOUR: Final[str] = "#1b4f9c"
_TEXT_COLOUR: Final[str] = "#222222"
#: Where a map number may go when its own spot is taken (offsets in points), nearest first.
_OFFSETS: Final[tuple[tuple[float, float], ...]] = (
    (0, 0),
    *(
        (r * math.cos(a), r * math.sin(a))
        for r in (13, 20, 28, 38, 50, 64)
        for a in np.linspace(0, 2 * math.pi, 12, False)
    ),
)


# -- file name ---------------------------------------------------------------------------------
def _slug(text: str, *, limit: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:limit].rstrip("-")


def brief_filename(ds: Dataset, code: str, year: int, lang: str, ext: str = "pdf") -> str:
    """Return the file name of a brief: area code and name, year and language, ASCII only.

    The CBS prefix "Wijk 03" / "Buurt 12" is left out of the name part when more follows.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        The area.
    year : int
        The measurement year of the brief.
    lang : {"nl", "en"}
        The language of the brief.
    ext : {"pdf", "png"}, default "pdf"
        The file type (with or without the dot).

    Returns
    -------
    str
        e.g. ``brief-WK034403-overvecht-2022-nl.pdf``.

    Raises
    ------
    ValueError
        When ``code`` is not an area of the dataset, or ``lang`` or ``ext`` is unknown.
    """
    validate_codes(ds, [code], "code")
    check_lang(lang)
    suffix = ext.lower().lstrip(".")
    if suffix not in ("pdf", "png"):
        msg = f"`ext` was {ext!r} but is expected to be 'pdf' or 'png'"
        raise ValueError(msg)
    name = str(ds.name(code))
    short = re.sub(r"^\s*(wijk|buurt)\s+\d+\s+", "", name, flags=re.IGNORECASE)
    slug = _slug(short) or _slug(name)
    parts = ["brief", code, slug, str(int(year)), lang]
    return "-".join(p for p in parts if p) + "." + suffix


# -- checks ------------------------------------------------------------------------------------
def _check(ds: Dataset, code: str, year: int, neighbours: Sequence[str] | None, lang: str) -> None:
    check_lang(lang)
    validate_codes(ds, [code], "code")
    years = ds.years("lbm", code=code)
    if not years:
        reason = ds.is_excluded(code)
        why = f" (its scores are excluded: {reason})" if reason else ""
        msg = f"`code` {code!r} has no lbm score in any year{why}; pick a scored wijk or buurt"
        raise ValueError(msg)
    if year not in years:
        msg = f"`year` was {year!r} but {code} has lbm scores in {', '.join(map(str, years))}; pick one of those"
        raise ValueError(msg)
    if neighbours is not None:
        validate_codes(ds, list(neighbours), "neighbours")


# -- the map -----------------------------------------------------------------------------------
def _nice_length(span: float) -> float:
    """Return a 1-2-5 length (metres) of about a fifth of ``span``."""
    target = span / 5
    base = 10 ** math.floor(math.log10(target))
    return float(max(m * base for m in (1, 2, 5) if m * base <= target))


def _scale_bar(ax: Any, lang: str) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    left, bottom = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    height = 0.012 * (y1 - y0)
    half = length / 2
    for i, colour in enumerate(("black", "white")):
        ax.add_patch(
            Rectangle((left + i * half, bottom), half, height, facecolor=colour, edgecolor="black", lw=0.8, zorder=5)
        )
    km = length / 1000
    if length >= 1000:
        label = f"{fmt.number(km, lang, 0 if km == int(km) else 1)} km"
    else:
        label = f"{fmt.number(length, lang, 0)} m"
    ax.text(left + length / 2, bottom + 1.8 * height, label, ha="center", va="bottom", fontsize=9, zorder=5)


def _haloed(ax: Any, x: float, y: float, text: str, **kwargs: Any) -> Text:
    """Draw text with a white halo that stays searchable text in the PDF.

    A stroke path effect turns text into outlines, so the halo is a separate outline drawn
    underneath and the text itself is plain. Returns the plain text.
    """
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    ax.text(x, y, text, color="white", path_effects=halo, **kwargs)
    return cast(Text, ax.text(x, y, text, **kwargs))


def _fit(ax: Any, fig: Figure, bounds: np.ndarray, box: tuple[float, float, float, float]) -> None:
    """Set limits around ``bounds`` (metres) with a margin, at true scale, filling the whole frame."""
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    pad = 0.06 * max(xmax - xmin, ymax - ymin, 1.0)
    xmin, ymin, xmax, ymax = xmin - pad, ymin - pad, xmax + pad, ymax + pad
    width_in, height_in = box[2] * fig.get_figwidth(), box[3] * fig.get_figheight()
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    metres_per_inch = max((xmax - xmin) / width_in, (ymax - ymin) / height_in)
    half_w, half_h = metres_per_inch * width_in / 2, metres_per_inch * height_in / 2
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.set_aspect("equal")


def _north_arrow(ax: Any) -> Any:
    return ax.annotate(
        "N",
        xy=(0.94, 0.96),
        xytext=(0.94, 0.84),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=12,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 4, "headwidth": 12, "headlength": 10},
        zorder=6,
    )


def _place_labels(fig: Figure, ax: Any, points: list[tuple[float, float]], obstacles: list[Bbox]) -> None:
    """Put numbers on the areas at ``points`` (data coordinates), 1 first and bold, without overlap.

    Each number goes to the first spot of :data:`_OFFSETS` where its box overlaps no earlier
    number and no obstacle and stays inside the map; a moved number gets a leader line.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    taken = list(obstacles)
    for i, (x, y) in enumerate(points):
        main = i == 0
        style = {
            "boxstyle": "round,pad=0.25",
            "facecolor": "white" if not main else "#fff3b0",
            "edgecolor": "black",
            "linewidth": 1.2 if main else 0.7,
        }
        best = None
        for dx, dy in _OFFSETS:
            label = ax.annotate(
                str(i + 1),
                xy=(x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=10 if main else 8.5,
                fontweight="bold" if main else "normal",
                bbox=style,
                zorder=7,
                gid=MAP_LABEL_GID,
                annotation_clip=False,
            )
            box = _label_box(label, renderer)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in taken):
                best = (label, box, (dx, dy))
                break
            label.remove()
        if best is None:  # nowhere free: keep it on its own spot (never seen on real data)
            label = ax.annotate(
                str(i + 1),
                xy=(x, y),
                ha="center",
                va="center",
                fontsize=10 if main else 8.5,
                fontweight="bold" if main else "normal",
                bbox=style,
                zorder=7,
                gid=MAP_LABEL_GID,
            )
            best = (label, _label_box(label, renderer), (0.0, 0.0))
        label, box, offset = best
        if offset != (0, 0):
            ax.annotate(
                "",
                xy=(x, y),
                xytext=offset,
                textcoords="offset points",
                arrowprops={"arrowstyle": "-", "color": "black", "lw": 0.7, "shrinkA": 6, "shrinkB": 0},
                zorder=6,
            )
            ax.plot([x], [y], "o", color="black", ms=2.2, zorder=6)
        taken.append(box)


def _label_box(label: Any, renderer: Any) -> Bbox:
    """Return the window extent of a label with its rounded box, plus a one-pixel margin."""
    label.update_positions(renderer)
    label.update_bbox_position_size(renderer)
    patch = label.get_bbox_patch()
    box = patch.get_window_extent(renderer) if patch is not None else label.get_window_extent(renderer)
    return cast(Bbox, box.expanded(1.0, 1.0).padded(1.0))


def _legend_labels(edges: Sequence[float], centre: float, lang: str) -> list[str]:
    signed = centre == 0

    def f(x: float) -> str:
        return fmt.number(x, lang, 2, signed=signed)

    out = [f"< {f(edges[0])}"]
    out += [f"{f(a)} – {f(b)}" for a, b in itertools.pairwise(edges)]
    out.append(f"≥ {f(edges[-1])}")
    return out


def _draw_map(fig: Figure, ds: Dataset, code: str, year: int, codes: list[str], lang: str) -> None:
    t = _TEXT[lang]
    ref = float(ds.national_reference("lbm").value or 0.0)
    scale = scale_for("lbm", national_reference=ref, kind="official")  # the app's default colours
    frame = gpd.GeoDataFrame(ds.areas.loc[codes, ["name", "geometry"]], crs=ds.areas.crs)
    values = ds.values(codes, year, "lbm")
    frame["colour"] = scale.colour(values.to_numpy())
    ax = fig.add_axes(_MAP_BOX)
    ax.set_title(t["map"].format(year=year), loc="left")
    others = frame.drop(index=code)
    if len(others):
        others.plot(ax=ax, color=list(others["colour"]), edgecolor="white", linewidth=1.0)
    focal = frame.loc[[code]]
    focal.plot(ax=ax, color=list(focal["colour"]), edgecolor="black", linewidth=3.0, zorder=3)
    _fit(ax, fig, frame.total_bounds, _MAP_BOX)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for side in ax.spines.values():
        side.set_linewidth(0.6)
        side.set_color("#555555")
    arrow = _north_arrow(ax)
    _scale_bar(ax, lang)
    attribution = ATTRIBUTION
    if ds.level(code) == "buurt":
        attribution += "; buurtgrenzen: Gemeente Amsterdam" if lang == "nl" else "; buurt outlines: City of Amsterdam"
    credit = _haloed(ax, 0.99, 0.01, attribution, transform=ax.transAxes, ha="right", va="bottom", fontsize=8)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    obstacles = [credit.get_window_extent(renderer), arrow.get_window_extent(renderer)]
    obstacles += [t.get_window_extent(renderer) for t in ax.texts if t is not credit]
    points = [(p.x, p.y) for p in (frame.at[c, "geometry"].representative_point() for c in codes)]
    _place_labels(fig, ax, points, obstacles)
    # colour legend in its own axes beside the map
    lax = fig.add_axes(_LEGEND_BOX)
    lax.set_axis_off()
    names = scale.class_names(lang=lang) or []
    labels = [
        f"{n} {r}" if names else r
        for n, r in zip(names or [""] * 9, _legend_labels(scale.edges, scale.centre, lang), strict=True)
    ]
    handles = [Patch(facecolor=c, edgecolor="#555555", label=lab) for c, lab in zip(scale.colours, labels, strict=True)]
    handles = [*handles[::-1], Patch(facecolor=NO_DATA_COLOUR, edgecolor="#555555", label=t["no_data"])]
    lax.legend(
        handles=handles,
        loc="upper left",
        title=t["legend"].format(year=year, ref=fmt.number(ref, lang)),
        fontsize=8.5,
        title_fontsize=8.5,
        frameon=False,
        alignment="left",
        borderaxespad=0.0,
        labelspacing=0.35,
    )


def _fit_lines(text: str, width: float, measure: Callable[[str], float], max_lines: int) -> list[str]:
    """Break ``text`` into at most ``max_lines`` lines of at most ``width``; cut the last with "…"."""
    lines: list[str] = []
    glue = ""
    for word in re.findall(r"[^\s/-]+[/-]?|[/-]", text):  # break after spaces, "/" and "-"
        if lines and measure(f"{lines[-1]}{glue}{word}") <= width:
            lines[-1] = f"{lines[-1]}{glue}{word}"
        else:
            lines.append(word)
        glue = "" if word.endswith(("/", "-")) else " "
    if len(lines) > max_lines:
        rest = lines[max_lines - 1 :]
        tail = rest[0]
        for piece in rest[1:]:
            tail += piece if tail.endswith(("/", "-")) else " " + piece
        lines = [*lines[: max_lines - 1], tail]
    last = lines[-1]
    if measure(last) > width:
        while len(last) > 1 and measure(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def _draw_key(fig: Figure, ds: Dataset, code: str, codes: list[str], lang: str) -> None:
    """Explain the map numbers: the selected area first (bold), then its neighbours by name.

    The largest font size from 8.5 down to :data:`MIN_FONT_SIZE` points at which every name
    fits (wrapped onto two lines where needed) is used; when even that is too long, two
    columns, and names cut with "…"; when still too long, the last line says how many more.
    """
    t = _TEXT[lang]
    ax = fig.add_axes(_KEY_BOX)
    ax.set_axis_off()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    width_in = _KEY_BOX[2] * fig.get_figwidth()
    height_in = _KEY_BOX[3] * fig.get_figheight()
    head = 0.28  # inches for the heading
    ax.text(0, 1, t["key"], transform=ax.transAxes, fontsize=8.5, fontweight="bold", va="top")
    names = [str(ds.name(c)) for c in codes]
    number_w = 0.22  # inches for the number column

    def measure_at(size: float, bold: bool) -> Callable[[str], float]:
        prop = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")

        def measure(text: str) -> float:
            w, _h, _d = renderer.get_text_width_height_descent(text, prop, ismath=False)
            return float(w) / fig.dpi

        return measure

    layout: tuple[float, int, int, list[list[str]]] | None = None
    truncated = False
    for ncols, max_lines in ((1, 2), (2, 2), (2, 1)):
        for size in (8.5, 8.0, 7.5, MIN_FONT_SIZE):
            rows = int((height_in - head) * 72 / (size * 1.3))
            col_w = width_in / ncols - number_w - 0.05
            entries = [
                _fit_lines(n, col_w, measure_at(size, c == code), max_lines) for n, c in zip(names, codes, strict=True)
            ]
            if sum(len(e) for e in entries) <= rows * ncols and all(len(e) <= rows for e in entries):
                layout = (size, ncols, rows, entries)
                break
        if layout is not None:
            break
    if layout is None:  # more areas than fit: show what fits, then "and N more"
        size, ncols = MIN_FONT_SIZE, 2
        rows = int((height_in - head) * 72 / (size * 1.3))
        col_w = width_in / ncols - number_w - 0.05
        keep = rows * ncols - 1
        entries = [_fit_lines(n, col_w, measure_at(size, c == code), 1) for n, c in zip(names, codes, strict=True)]
        entries = [*entries[:keep], [t["key_more"].format(n=len(codes) - keep)]]
        truncated = True
        layout = (size, ncols, rows, entries)
    size, ncols, rows, entries = layout
    line_in = size * 1.3 / 72
    col, row = 0, 0
    for i, lines in enumerate(entries):
        if row + len(lines) > rows:
            col, row = col + 1, 0
        x0 = col * width_in / ncols
        weight = "bold" if i == 0 else "normal"
        style: dict[str, Any] = {"transform": ax.transAxes, "fontsize": size, "fontweight": weight}
        style["color"] = _TEXT_COLOUR
        for j, line in enumerate(lines):  # one Text per line, all on a common baseline grid
            baseline = 1 - (head + (row + j) * line_in + size * 0.95 / 72) / height_in
            if j == 0 and not (truncated and i == len(entries) - 1):
                ax.text((x0 + number_w - 0.06) / width_in, baseline, str(i + 1), ha="right", va="baseline", **style)
            ax.text((x0 + number_w) / width_in, baseline, mathtext(line), va="baseline", **style)
        row += len(lines)


# -- the gap answer and the trend --------------------------------------------------------------
def _gap_start(years: list[int], year: int) -> int | None:
    earlier = [y for y in years if y < year]
    if not earlier:
        return None
    return GAP_START if GAP_START in earlier else earlier[0]


def gap_text(ds: Dataset, code: str, year: int, *, lang: Lang = "nl") -> str:
    """Return the brief's gap sentence: how the gap to the city changed up to ``year``.

    The period runs from 2012 (as on the Trends page), or the area's first year with a gap
    when it has none in 2012, to ``year``; :func:`geo.city_gap.gap_sentence` says it.
    """
    _check(ds, code, year, None, lang)
    years = gap_years(ds, code, "lbm")
    start = _gap_start(years, year) if year in years else None
    if start is None:
        return _TEXT[lang]["gap_none"]
    return gap_sentence(ds, gap_change(ds, code, start, year, measure="lbm"), lang=lang)


def _draw_gap(fig: Figure, ds: Dataset, code: str, year: int, lang: Lang) -> None:
    t = _TEXT[lang]
    fig.text(_RIGHT_X, 0.845, t["gap_title"], fontsize=13, fontweight="bold", va="top")
    fig.text(
        _RIGHT_X,
        0.80,
        _wrap(mathtext(gap_text(ds, code, year, lang=lang)), 47),
        fontsize=11.5,
        va="top",
        linespacing=1.35,
        color=_TEXT_COLOUR,
    )
    table = gap_table(ds, code, "lbm").dropna(subset=["gap"])
    ax = fig.add_axes(_GAP_BOX)
    ax.set_title(t["gap_chart"], loc="left", fontsize=10.5, pad=6)
    years = [int(y) for y in table["year"]]
    gaps = table["gap"].to_numpy(dtype=float)
    colours = [_BELOW_COLOUR if g < 0 else _ABOVE_COLOUR for g in gaps]
    ax.bar(years, gaps, width=1.2, color=colours, edgecolor=["black" if y == year else "none" for y in years])
    ax.axhline(0, color="black", lw=1.0)
    lo, hi = float(min(0.0, np.nanmin(gaps) if len(gaps) else 0.0)), float(max(0.0, *gaps))
    pad = 0.15 * max(hi - lo, 0.02)
    ax.set_ylim(lo - pad, hi + pad)
    _year_axis(ax, ds.years("lbm", code=code))
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, lang, 2, signed=True)))
    ax.tick_params(labelsize=8.5)
    ax.grid(axis="y", color="#e5e5e5")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)


def _year_axis(ax: Any, years: list[int]) -> None:
    ax.set_xlim(min(years) - 1.2, max(years) + 1.2)
    ax.xaxis.set_major_locator(FixedLocator(years))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{round(v)}"))


def _draw_trend(fig: Figure, ds: Dataset, code: str, year: int, lang: str) -> None:
    t = _TEXT[lang]
    series = ds.series(code, "lbm")
    years = [int(y) for y in series.index]
    city = [ds.city_reference(code, y, "lbm").value for y in years]
    ax = fig.add_axes(_TREND_BOX)
    ax.set_title(t["trend"], loc="left", pad=22, fontsize=10.5)
    ref = ds.national_reference("lbm").value
    if ref is not None:
        ax.axhline(ref, color="#777777", linestyle=":", linewidth=1.5, label=t["national"])
    ax.plot(years, [np.nan if v is None else v for v in city], "--", color=_CITY_COLOUR, lw=1.8, label=t["city"])
    ax.plot(years, series.to_numpy(), "-o", color=_AREA_COLOUR, lw=2.4, ms=5, label=t["area"])
    ax.axvline(year, color="#bbbbbb", lw=6, alpha=0.5, zorder=0)
    _year_axis(ax, years)
    ax.tick_params(labelsize=8.5)
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, lang, 2)))
    ax.grid(axis="y", color="#e5e5e5")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        fontsize=8.5,
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(-0.02, 1.0),
        ncols=3,
        borderaxespad=0.2,
        handlelength=1.8,
        columnspacing=0.9,
        handletextpad=0.4,
    )


# -- the summary ---------------------------------------------------------------------------------
def summary_rows(ds: Dataset, code: str, year: int, *, lang: Lang = "nl") -> list[tuple[str, str]]:
    """Return the summary table of the brief as ``(label, value)`` text pairs.

    The figures are those of :func:`geo.summary.area_summary` (as on the Kaart page), formatted
    by :mod:`geo.fmt`.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        The area.
    year : int
        A year in which the area has an ``lbm`` score.
    lang : {"nl", "en"}, default "nl"

    Returns
    -------
    list of (str, str)
        Score, difference from the national reference, gap to the city, the city reference,
        rank within the gemeente (on lbm) and the change since the area's previous measurement.
    """
    _check(ds, code, year, None, lang)
    t = _TEXT[lang]
    s = area_summary(ds, code, year, "lbm")
    prev = s.previous_year
    rank = "–" if s.rank is None else s.rank
    return [
        (t["score"], fmt.number(s.value, lang)),
        (t["afw"], fmt.number(s.vs_national, lang, signed=True)),
        (t["gap"], fmt.number(s.gap, lang, signed=True)),
        (t["city_value"], fmt.number(s.city, lang)),
        (
            t["rank"].format(gemeente=s.gemeente_name),
            t["rank_value"].format(rank=rank, n=s.rank_of, level_plural=t[f"{s.level}_plural"]),
        ),
        (
            t["change"].format(prev=prev) if prev is not None else t["change_none"],
            fmt.number(s.change, lang, signed=True) if prev is not None else t["no_prev"],
        ),
    ]


def _draw_summary(fig: Figure, ds: Dataset, code: str, year: int, lang: Lang) -> None:
    t = _TEXT[lang]
    rows = [(mathtext(a), mathtext(b)) for a, b in summary_rows(ds, code, year, lang=lang)]
    ax = fig.add_axes(_TABLE_BOX)
    ax.set_axis_off()
    ax.set_title(t["summary"].format(year=year), loc="left", fontsize=11)
    table = ax.table(cellText=[list(r) for r in rows], colWidths=[0.68, 0.32], loc="upper left", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(9.5)
    table.scale(1.0, 1.45)
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("#cccccc")
        cell.set_linewidth(0.5)
        if c == 1:
            cell.get_text().set_horizontalalignment("right")
            cell.get_text().set_fontweight("bold" if r == 0 else "normal")
        if r % 2 == 0:
            cell.set_facecolor("#f4f4f4")


# -- header and footer ---------------------------------------------------------------------------
def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False))


def _source_lines(ds: Dataset, codes: list[str], lang: str) -> list[str]:
    """One line per source drawn: boundaries per level, scores per level (releases merged)."""
    t = _TEXT[lang]
    levels = set(ds.areas.loc[codes, "level"])
    files = set(ds.scores.loc[ds.scores["code"].isin(codes), "source"])
    merged: dict[tuple[str, str, str, str], list[str]] = {}
    for src in ds.manifest.get("sources", []):
        kind, level = str(src.get("kind")), str(src.get("level", ""))
        used = (kind == "scores" and src.get("file") in files) or (kind == "areas" and level in levels)
        if not used:
            continue
        who = str(src.get("attribution") or src.get("publisher", ""))
        if lang == "en":
            who = _EN_NAMES.get(who, who)
        metings = merged.setdefault((kind, level, who, str(src.get("licence", ""))), [])
        if src.get("meting") is not None and str(src["meting"]) not in metings:
            metings.append(str(src["meting"]))
    out = []
    for (kind, level, who, licence), metings in merged.items():
        plural = t.get(f"{level}_plural", level) if lang == "nl" else _EN_LEVEL.get(level, level)
        joined = f" {t['and']} ".join(sorted(metings))
        key = "src_areas" if kind != "scores" else "src_scores_many" if len(metings) > 1 else "src_scores"
        what = t[key].format(level_plural=plural, level=plural.capitalize(), meting=joined)
        out.append(f"{what}: {who} ({licence})")
    return out


def _draw_text(fig: Figure, ds: Dataset, code: str, year: int, codes: list[str], lang: Lang) -> None:
    t = _TEXT[lang]
    area = ds.area(code)
    level = ds.level(code)
    fig.text(0.025, 0.955, mathtext(f"{area['name']} ({code})"), fontsize=20, fontweight="bold", va="top")
    subtitle = t["subtitle"].format(level=t[level], gemeente=area["gemeente_name"], year=year)
    fig.text(0.025, 0.905, mathtext(subtitle), fontsize=12, va="top", color="#333333")
    sources = f"{t['sources']}: " + "; ".join([*_source_lines(ds, codes, lang), f"{t['map_credit']}: {ATTRIBUTION}"])
    text = _wrap(mathtext(sources), 175) + "\n" + _wrap(t["notes"], 175)
    fig.text(0.025, 0.095, text, fontsize=8, va="top", color="black", linespacing=1.3)


def _neighbours_of(ds: Dataset, code: str) -> list[str]:
    return graph_for(ds, ds.level(code)).neighbours(code)


def _ordered(ds: Dataset, code: str, around: Sequence[str]) -> list[str]:
    """Return the selected area first, then its neighbours by name (the order of the map numbers)."""
    rest = sorted({c for c in around if c != code}, key=lambda c: (str(ds.name(c)).casefold(), c))
    return [code, *rest]


def brief_figure(
    ds: Dataset,
    code: str,
    year: int,
    *,
    neighbours: list[str] | None = None,
    lang: Lang = "nl",
) -> Figure:
    """Draw the brief of an area as a matplotlib Figure (one A4 landscape page).

    Parameters and errors as in :func:`render_brief`, which saves this figure. Tests walk its
    text (sizes, label extents) after ``fig.canvas.draw()``.
    """
    _check(ds, code, year, neighbours, lang)
    around = _neighbours_of(ds, code) if neighbours is None else list(neighbours)
    codes = _ordered(ds, code, around)
    with mpl.rc_context(cast(Any, _RC)):
        fig = Figure(figsize=A4_LANDSCAPE_INCHES, dpi=PNG_DPI)
        FigureCanvasAgg(fig)
        _draw_text(fig, ds, code, year, codes, lang)
        _draw_map(fig, ds, code, year, codes, lang)
        _draw_key(fig, ds, code, codes, lang)
        _draw_gap(fig, ds, code, year, lang)
        _draw_trend(fig, ds, code, year, lang)
        _draw_summary(fig, ds, code, year, lang)
    return fig


def render_brief(
    ds: Dataset,
    code: str,
    year: int,
    *,
    neighbours: list[str] | None = None,
    lang: Lang = "nl",
) -> tuple[bytes, bytes]:
    """Render the one-page brief of an area as PDF and PNG.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        A wijk or buurt with an ``lbm`` score in ``year``.
    year : int
        The measurement year of the map, the summary and the end of the gap sentence.
    neighbours : list of str, optional
        Areas to draw around it; by default its neighbours in the app,
        ``geo.neighbours.graph_for(ds, level).neighbours(code)``.
    lang : {"nl", "en"}, default "nl"

    Returns
    -------
    (bytes, bytes)
        One A4 landscape page as PDF (searchable text, no creation date, so the same input
        gives the same bytes), and as PNG of 1754 x 1240 pixels (:data:`PNG_DPI`).

    Raises
    ------
    ValueError
        When ``code`` or a neighbour is not an area of the dataset, ``code`` has no score in
        ``year`` (the message lists its years), or ``lang`` is unknown.

    See Also
    --------
    brief_filename : the file names of the two outputs.
    """
    fig = brief_figure(ds, code, year, neighbours=neighbours, lang=lang)
    with mpl.rc_context(cast(Any, _RC)):
        pdf, png = io.BytesIO(), io.BytesIO()
        fig.savefig(pdf, format="pdf", metadata={"CreationDate": None, "Title": f"{ds.name(code)} ({code})"})
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return pdf.getvalue(), png.getvalue()
