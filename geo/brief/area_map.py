"""The brief's map: the area and its neighbours coloured by ``lbm``, with numbers and their key.

:func:`_draw_map` draws the areas in RD New (EPSG:28992, metres) at true scale on the fixed
colour scale of :func:`geo.classify.scale_for`, with legend, north arrow, scale bar and
attribution, and puts a number on every area: a number that would overlap another label moves
to the nearest free spot with a leader line (``_place_labels``). :func:`_draw_key` explains the
numbers beside the map, names wrapped and cut to fit. Both are called by
:func:`geo.brief.render.brief_figure`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from typing import Any, Final, cast

import geopandas as gpd
import numpy as np
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from geo import fmt
from geo.brief.page import (
    _KEY_BOX,
    _LEGEND_BOX,
    _MAP_BOX,
    _RIGHT_X,
    _TEXT,
    _TEXT_COLOUR,
    ATTRIBUTION,
    MIN_FONT_SIZE,
)
from geo.classify import NO_DATA_COLOUR, scale_for
from geo.credits import boundary_credits, credit_name
from geo.dataset import Dataset
from geo.textsafe import mathtext

__all__ = ["MAP_LABEL_GID"]

#: The ``gid`` of the number labels on the map (tests find them by it).
MAP_LABEL_GID: Final[str] = "brief-map-label"
#: Where a map number may go when its own spot is taken (offsets in points), nearest first.
_OFFSETS: Final[tuple[tuple[float, float], ...]] = (
    (0, 0),
    *(
        (r * math.cos(a), r * math.sin(a))
        for r in (13, 20, 28, 38, 50, 64)
        for a in np.linspace(0, 2 * math.pi, 12, False)
    ),
)


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
        look: dict[str, Any] = {
            "ha": "center",
            "va": "center",
            "fontsize": 10 if main else 8.5,
            "fontweight": "bold" if main else "normal",
            "bbox": style,
            "zorder": 7,
            "gid": MAP_LABEL_GID,
        }
        best = None
        for dx, dy in _OFFSETS:
            label = ax.annotate(
                str(i + 1), xy=(x, y), xytext=(dx, dy), textcoords="offset points", annotation_clip=False, **look
            )
            box = _label_box(label, renderer)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in taken):
                best = (label, box, (dx, dy))
                break
            label.remove()
        if best is None:  # nowhere free: keep it on its own spot (never seen on real data)
            label = ax.annotate(str(i + 1), xy=(x, y), **look)
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
    parts = [ATTRIBUTION]  # and whoever else drew the outlines (the City of Amsterdam its buurten)
    for who in sorted(boundary_credits(ds, codes) - {"CBS / Kadaster"}):
        level = ds.level(code)
        parts.append(f"{level}grenzen: {who}" if lang == "nl" else f"{level} outlines: {credit_name(who, lang)}")
    credit = _haloed(ax, 0.99, 0.01, "; ".join(parts), transform=ax.transAxes, ha="right", va="bottom", fontsize=8)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    if credit.get_window_extent(renderer).width > 0.98 * ax.get_window_extent(renderer).width:
        credit.set_text("\n".join(parts))  # one source per line rather than past the map's edge
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
    legend = lax.legend(
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
    # long class names ("more than sufficient 4.00 – 4.11") must stay left of the gap column
    limit = fig.transFigure.transform((_RIGHT_X - 0.01, 0.0))[0]
    size = 8.5
    while legend.get_window_extent(renderer).x1 > limit and size > MIN_FONT_SIZE:
        size = max(MIN_FONT_SIZE, size - 0.25)
        for text in [*legend.get_texts(), legend.get_title()]:
            text.set_fontsize(size)


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
