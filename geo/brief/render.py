"""The brief drawn and saved: file names, the gap answer, trend, summary, header and sources.

:func:`brief_figure` checks its input, draws every part of the page into one matplotlib Figure
(the map and its key through :mod:`geo.brief.area_map`) and :func:`render_brief` saves it as PDF
and PNG; :func:`brief_filename` names the files. :func:`gap_text` and :func:`summary_rows` are
the texts of the gap answer and the summary table.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, Final, Literal, cast

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import FixedLocator, FuncFormatter

from geo import fmt
from geo._checks import check_measure
from geo.brief.area_map import _draw_key, _draw_map
from geo.brief.page import (
    _GAP_BOX,
    _RC,
    _RIGHT_X,
    _TABLE_BOX,
    _TEXT,
    _TEXT_COLOUR,
    _TREND_BOX,
    A4_LANDSCAPE_INCHES,
    ATTRIBUTION,
    MIN_FONT_SIZE,
    PNG_DPI,
)
from geo.city_gap import gap_change, gap_period_problem, gap_sentence, gap_table, gap_years
from geo.credits import boundary_sources, credit_name, source_text
from geo.dataset import Dataset
from geo.i18n import check_lang
from geo.neighbours import graph_for
from geo.schema import MEASURE_LABELS
from geo.selection import validate_codes
from geo.summary import area_summary
from geo.textsafe import mathtext

__all__ = ["GAP_START", "brief_figure", "brief_filename", "gap_text", "render_brief", "summary_rows"]

#: The first year of the gap sentence when the area has data then (as on the Trends page).
GAP_START: Final[int] = 2012

Lang = Literal["nl", "en"]

_EN_LEVEL: Final[dict[str, str]] = {"wijk": "district", "buurt": "neighbourhood", "gemeente": "municipality"}

_AREA_COLOUR: Final[str] = "#1b4f9c"
_CITY_COLOUR: Final[str] = "#d95f02"
_BELOW_COLOUR: Final[str] = "#d95f02"
_ABOVE_COLOUR: Final[str] = "#1b4f9c"


# -- file name ---------------------------------------------------------------------------------
def _slug(text: str, *, limit: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:limit].rstrip("-")


def brief_filename(
    ds: Dataset,
    code: str,
    year: int,
    lang: str,
    ext: str = "pdf",
    *,
    measure: str = "lbm",
    period: tuple[int, int] | None = None,
) -> str:
    """Return the file name of a brief: area code and name, year, gap measure and period, language; ASCII only.

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
    measure : str, default "lbm"
        The gap section's measure; named in the file name (after "gap") when it is not ``lbm``.
    period : (int, int), optional
        The gap sentence's two years; named in the file name (after "gap") when given.

    Returns
    -------
    str
        e.g. ``brief-WK034403-overvecht-2022-nl.pdf``, or
        ``brief-WK034403-overvecht-2022-gap-onv-2014-2024-nl.pdf`` with a measure and a period.

    Raises
    ------
    ValueError
        When ``code`` is not an area of the dataset, or ``lang``, ``ext`` or ``measure`` is unknown.
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
    check_measure(measure)
    gap = [] if measure == "lbm" else [measure]
    if period is not None:
        gap += [str(int(period[0])), str(int(period[1]))]
    gap = ["gap", *gap] if gap else []
    parts = ["brief", code, slug, str(int(year)), *gap, lang]
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


# -- the gap answer and the trend --------------------------------------------------------------
def _gap_start(years: list[int], year: int) -> int | None:
    earlier = [y for y in years if y < year]
    if not earlier:
        return None
    return GAP_START if GAP_START in earlier else earlier[0]


def _check_gap(ds: Dataset, code: str, measure: str, period: tuple[int, int] | None) -> None:
    check_measure(measure)
    if period is None:
        return
    problem = gap_period_problem(ds, code, period, measure)
    if problem is not None:
        msg = f"`period` was {period!r} but {problem}, the earlier first"
        raise ValueError(msg)


def gap_text(
    ds: Dataset, code: str, year: int, *, lang: Lang = "nl", measure: str = "lbm", period: tuple[int, int] | None = None
) -> str:
    """Return the brief's gap sentence: how the gap to the city changed.

    Over ``period`` when given (the Trends page's Van/Tot, so that the brief says what the page
    says); else from 2012 (as on the Trends page), or the area's first year with a gap when it
    has none in 2012, to ``year``. :func:`geo.city_gap.gap_sentence` says it; a measure other
    than ``lbm`` is named in front of it.
    """
    _check(ds, code, year, None, lang)
    _check_gap(ds, code, measure, period)
    if period is None:
        years = gap_years(ds, code, measure)
        first = _gap_start(years, year) if year in years else None
        if first is None:
            now = area_summary(ds, code, year, measure)
            if now.gap is not None and now.official_city:  # the summary table's figure
                return _TEXT[lang]["gap_one_year"].format(year=year, gap=fmt.number(now.gap, lang, signed=True))
            return _TEXT[lang]["gap_none"]
        period = (first, year)
    sentence = gap_sentence(ds, gap_change(ds, code, *period, measure=measure), lang=lang)
    return sentence if measure == "lbm" else f"{MEASURE_LABELS[measure][lang]} ({measure}): {sentence}"


def _draw_gap(
    fig: Figure, ds: Dataset, code: str, year: int, lang: Lang, measure: str, period: tuple[int, int] | None
) -> None:
    t = _TEXT[lang]
    fig.text(_RIGHT_X, 0.845, t["gap_title"], fontsize=13, fontweight="bold", va="top")
    fig.text(
        _RIGHT_X,
        0.80,
        _wrap(mathtext(gap_text(ds, code, year, lang=lang, measure=measure, period=period)), 47),
        fontsize=11.5,
        va="top",
        linespacing=1.35,
        color=_TEXT_COLOUR,
    )
    table = gap_table(ds, code, measure).dropna(subset=["gap"])
    ax = fig.add_axes(_GAP_BOX)
    ax.set_title(t["gap_chart"].format(measure=measure), loc="left", fontsize=10.5, pad=6)
    years = [int(y) for y in table["year"]]
    gaps = table["gap"].to_numpy(dtype=float)
    colours = [_BELOW_COLOUR if g < 0 else _ABOVE_COLOUR for g in gaps]
    marked = set(period) if period is not None else {year}  # outlined: the years the sentence compares
    ax.bar(years, gaps, width=1.2, color=colours, edgecolor=["black" if y in marked else "none" for y in years])
    ax.axhline(0, color="black", lw=1.0)
    lo = float(min(0.0, np.nanmin(gaps))) if len(gaps) else 0.0
    hi = float(max(0.0, np.nanmax(gaps))) if len(gaps) else 0.0
    pad = 0.15 * max(hi - lo, 0.02)
    ax.set_ylim(lo - pad, hi + pad)
    _year_axis(ax, ds.years("lbm", code=code))
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, lang, 2, signed=True)))
    ax.tick_params(labelsize=8.5)
    ax.grid(axis="y", color="#e5e5e5")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    if not len(gaps):  # e.g. an area measured once, in a year without a city reference
        ax.yaxis.set_major_locator(mpl.ticker.NullLocator())
        ax.text(0.5, 0.62, t["no_data"], transform=ax.transAxes, ha="center", va="center", fontsize=9, color="#555")


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
    official = s.official_city
    return [
        (t["score"], fmt.number(s.value, lang)),
        (t["afw"], fmt.number(s.vs_national, lang, signed=True)),
        # 2024 outside the cities with wijk scores: the gemeente's official score, named as such
        (t["gap_official" if official else "gap"], fmt.number(s.gap, lang, signed=True)),
        (t["city_official" if official else "city_value"], fmt.number(s.city, lang)),
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
    size, widths = _table_fit(fig, rows)
    table = ax.table(cellText=[list(r) for r in rows], colWidths=widths, loc="upper left", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(size)
    table.scale(1.0, 1.45)
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("#cccccc")
        cell.set_linewidth(0.5)
        if c == 1:
            cell.get_text().set_horizontalalignment("right")
            cell.get_text().set_fontweight("bold" if r == 0 else "normal")
        if r % 2 == 0:
            cell.set_facecolor("#f4f4f4")


def _table_fit(fig: Figure, rows: list[tuple[str, str]]) -> tuple[float, list[float]]:
    """Return the largest font size (9.5 down to 7 pt) and column widths at which every cell's text fits.

    A table cell keeps 10% of its width free on each side (matplotlib's ``Cell.PAD``), so a
    text of width w needs a cell of w / 0.8. The label column gets whatever width is left.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    available = _TABLE_BOX[2] * fig.get_figwidth() * fig.dpi
    size, label_w, value_w = MIN_FONT_SIZE, 0.0, 0.0
    for size in (9.5, 9.0, 8.5, 8.0, 7.5, MIN_FONT_SIZE):
        prop = FontProperties(family="DejaVu Sans", size=size)

        def width(text: str, prop: FontProperties = prop) -> float:
            return float(renderer.get_text_width_height_descent(text, prop, ismath=False)[0]) / 0.8

        label_w, value_w = max(width(a) for a, _ in rows), max(width(b) for _, b in rows)
        if label_w + value_w <= available:
            break
    value_share = min(max(value_w / available, 0.2), 0.5)
    return size, [1.0 - value_share, value_share]


# -- header and footer ---------------------------------------------------------------------------
def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False))


def _source_lines(ds: Dataset, codes: list[str], lang: str) -> list[str]:
    """One line per source drawn: boundaries per level, scores per level (releases merged)."""
    t = _TEXT[lang]
    area_files = {b.file for b in boundary_sources(ds, codes)}  # an Amsterdam buurt's outline is the city's
    files = set(ds.scores.loc[ds.scores["code"].isin(codes), "source"])
    merged: dict[tuple[str, str, str, str], list[str]] = {}
    for src in ds.manifest.get("sources", []):
        kind, level = str(src.get("kind")), str(src.get("level", ""))
        used = (kind == "scores" and src.get("file") in files) or (kind == "areas" and src.get("file") in area_files)
        if not used:
            continue
        who = credit_name(str(src.get("attribution") or src.get("publisher", "")), lang)
        licence = source_text(src, "licence", lang) or ""
        metings = merged.setdefault((kind, level, who, licence), [])
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
    notes = t["notes"]
    if area_summary(ds, code, year, "lbm").official_city:  # as the summary table
        notes += " " + t["official_note"].format(year=year, gemeente=area["gemeente_name"])
    text = _wrap(mathtext(sources), 175) + "\n" + _wrap(mathtext(notes), 175)
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
    measure: str = "lbm",
    period: tuple[int, int] | None = None,
) -> Figure:
    """Draw the brief of an area as a matplotlib Figure (one A4 landscape page).

    Parameters and errors as in :func:`render_brief`, which saves this figure. Tests walk its
    text (sizes, label extents) after ``fig.canvas.draw()``.
    """
    _check(ds, code, year, neighbours, lang)
    _check_gap(ds, code, measure, period)
    around = _neighbours_of(ds, code) if neighbours is None else list(neighbours)
    codes = _ordered(ds, code, around)
    with mpl.rc_context(cast(Any, _RC)):
        fig = Figure(figsize=A4_LANDSCAPE_INCHES, dpi=PNG_DPI)
        FigureCanvasAgg(fig)
        _draw_text(fig, ds, code, year, codes, lang)
        _draw_map(fig, ds, code, year, codes, lang)
        _draw_key(fig, ds, code, codes, lang)
        _draw_gap(fig, ds, code, year, lang, measure, period)
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
    measure: str = "lbm",
    period: tuple[int, int] | None = None,
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
    measure : str, default "lbm"
        The measure of the gap section (sentence and chart), e.g. the Trends page's; the map,
        the trend and the summary are always on ``lbm``.
    period : (int, int), optional
        The two years the gap sentence compares (the Trends page's Van/Tot); both must have a
        gap of ``measure``. By default 2012 (or the first year with a gap) to ``year``.

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
    fig = brief_figure(ds, code, year, neighbours=neighbours, lang=lang, measure=measure, period=period)
    with mpl.rc_context(cast(Any, _RC)):
        pdf, png = io.BytesIO(), io.BytesIO()
        fig.savefig(pdf, format="pdf", metadata={"CreationDate": None, "Title": f"{ds.name(code)} ({code})"})
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return pdf.getvalue(), png.getvalue()
