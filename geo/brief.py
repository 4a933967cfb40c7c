"""A one-page brief of one area for a meeting: map, trend, summary table and sources.

:func:`render_brief` draws one A4 landscape page with matplotlib (Agg, no browser) and returns
it as PDF and PNG bytes. The page holds:

- a static map of the area and its neighbours in RD New (EPSG:28992, metres), coloured by
  ``lbm`` on the fixed scale of :func:`geo.classify.scale_for` (ColorBrewer RdYlBu, colour-blind
  safe, centred on the national reference; *not* the official Leefbaarometer classes, whose
  cut-offs are not published in the open data), with legend, north arrow, scale bar and the
  attribution "CBS / Kadaster, Leefbaarometer 3.0 (BZK)";
- the trend of ``lbm`` over every year with data, at true year spacing, with the city reference
  (mean of the gemeente's wijken, not an official score) and the national reference;
- a summary table: score, ``afw``, gap to the city, rank within the gemeente and the change since
  the previous measurement;
- the sources and licences of what is drawn.

Neighbours come from :func:`geo.neighbours.graph_for` when that module is available, else from
a spatial-index query: areas of the same level whose outline lies within 50 m.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any, Final, Literal, cast

import geopandas as gpd
import matplotlib as mpl
import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from geo.classify import NO_DATA_COLOUR, scale_for
from geo.dataset import Dataset
from geo.selection import validate_codes

__all__ = [
    "A4_LANDSCAPE_INCHES",
    "ATTRIBUTION",
    "FALLBACK_DISTANCE",
    "PNG_DPI",
    "PNG_SIZE",
    "render_brief",
    "summary_rows",
    "touching_areas",
]

#: Attribution printed on the map.
ATTRIBUTION: Final[str] = "CBS / Kadaster, Leefbaarometer 3.0 (BZK)"
#: Resolution of the PNG, sharp on a projector and on paper.
PNG_DPI: Final[int] = 150
#: Size of the PNG in pixels: A4 (297 x 210 mm) at :data:`PNG_DPI`.
PNG_SIZE: Final[tuple[int, int]] = (1754, 1240)
#: Page size in inches: A4 landscape (297 x 210 mm, rounded to whole pixels of the PNG).
A4_LANDSCAPE_INCHES: Final[tuple[float, float]] = (PNG_SIZE[0] / PNG_DPI, PNG_SIZE[1] / PNG_DPI)
#: Where the map sits on the page (figure fraction: left, bottom, width, height).
_MAP_BOX: Final[tuple[float, float, float, float]] = (0.02, 0.15, 0.40, 0.70)
#: Distance (m) within which the fallback neighbour query counts two outlines as touching.
FALLBACK_DISTANCE: Final[float] = 50.0

Lang = Literal["nl", "en"]

_TEXT: Final[dict[str, dict[str, str]]] = {
    "nl": {
        "title": "Leefbaarheid in de wijk",
        "wijk": "wijk",
        "buurt": "buurt",
        "gemeente": "gemeente",
        "in": "in",
        "meting": "meetjaar",
        "map": "Het gebied en zijn buren, lbm {year}",
        "legend": (
            "lbm {year}\nvaste klassen rond het\nlandelijk referentieniveau\n({ref}); geen officiële\n"
            "Leefbaarometer-klassen"
        ),
        "no_data": "geen gegevens",
        "trend": "Leefbaarheid (lbm) door de jaren",
        "area": "dit gebied",
        "city": "stad (gemiddelde)",
        "national": "landelijke referentie",
        "year": "jaar",
        "summary": "Samenvatting {year}",
        "score": "Score (lbm)",
        "afw": "Afwijking landelijk niveau (afw)",
        "gap": "Verschil met stad (lbm − stad)",
        "city_value": "Stedelijk gemiddelde",
        "rank": "Rang in {gemeente} (1 = hoogst)",
        "rank_value": "{rank} van {n} {level_plural}",
        "change": "Verandering sinds {prev}",
        "change_none": "Verandering sinds vorige meting",
        "no_prev": "geen eerdere meting",
        "sources": "Bronnen",
        "notes": (
            "Stedelijk gemiddelde: gemiddelde van de wijken van de gemeente (bevolkingsgewogen waar het inwonertal "
            "van elke wijk bekend is), geen officiële gemeentescore. "
            "Scores van meting 2022 zijn berekend op de grenzen van 2022; de kaart toont grenzen van 2024."
        ),
        "wijk_plural": "wijken",
        "buurt_plural": "buurten",
        "gemeente_plural": "gemeenten",
    },
    "en": {
        "title": "Liveability in the neighbourhood",
        "wijk": "district (wijk)",
        "buurt": "neighbourhood (buurt)",
        "gemeente": "municipality",
        "in": "in",
        "meting": "measurement year",
        "map": "The area and its neighbours, lbm {year}",
        "legend": (
            "lbm {year}\nfixed classes around the\nnational reference ({ref});\nnot the official\n"
            "Leefbaarometer classes"
        ),
        "no_data": "no data",
        "trend": "Liveability (lbm) over the years",
        "area": "this area",
        "city": "city average",
        "national": "national reference",
        "year": "year",
        "summary": "Summary {year}",
        "score": "Score (lbm)",
        "afw": "Deviation from national level (afw)",
        "gap": "Gap to city (lbm − city)",
        "city_value": "City average",
        "rank": "Rank in {gemeente} (1 = highest)",
        "rank_value": "{rank} of {n} {level_plural}",
        "change": "Change since {prev}",
        "change_none": "Change since previous measurement",
        "no_prev": "no earlier measurement",
        "sources": "Sources",
        "notes": (
            "City average: mean of the municipality's districts (population-weighted where every district's "
            "population is known), not an official municipal score. "
            "Meting-2022 scores were computed on the 2022 boundaries; the map shows 2024 boundaries."
        ),
        "wijk_plural": "districts",
        "buurt_plural": "neighbourhoods",
        "gemeente_plural": "municipalities",
    },
}

_RC: Final[dict[str, Any]] = {
    "pdf.fonttype": 42,  # embed TrueType, so the PDF text can be searched and copied
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "svg.hashsalt": "brief",
}


def _num(value: float | None, lang: str, *, decimals: int = 3, signed: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"
    text = text.replace("-", "−")
    return text.replace(".", ",") if lang == "nl" else text


# -- neighbours --------------------------------------------------------------------------------
def touching_areas(ds: Dataset, code: str, *, distance: float = FALLBACK_DISTANCE) -> list[str]:
    """Return the areas of the same level whose outline lies within ``distance`` metres of ``code``.

    A spatial-index query (``dwithin``) on the RD New geometry; the fallback when
    :mod:`geo.neighbours` is not available.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    code : str
        The area.
    distance : float, default 50.0
        Metres.

    Returns
    -------
    list of str
        Sorted codes, without ``code`` itself.
    """
    validate_codes(ds, [code], "code")
    level = ds.level(code)
    peers = ds.areas[ds.areas["level"] == level]
    geom = ds.areas.at[code, "geometry"]
    hits = peers.sindex.query(geom, predicate="dwithin", distance=distance)
    return sorted(str(c) for c in peers.index[hits] if c != code)


def _neighbours_of(ds: Dataset, code: str) -> list[str]:
    try:
        from geo.neighbours import graph_for
    except ImportError:  # pragma: no cover - the module exists in this project
        return touching_areas(ds, code)
    return graph_for(ds, ds.level(code)).neighbours(code)


# -- checks ------------------------------------------------------------------------------------
def _check(ds: Dataset, code: str, year: int, neighbours: Sequence[str] | None, lang: str) -> None:
    if lang not in _TEXT:
        msg = f"`lang` was {lang!r} but is expected to be 'nl' or 'en'"
        raise ValueError(msg)
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


# -- the page ----------------------------------------------------------------------------------
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
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    if lang == "nl":
        label = label.replace(".", ",")
    ax.text(left + length / 2, bottom + 1.8 * height, label, ha="center", va="bottom", fontsize=9, zorder=5)


def _haloed(ax: Any, x: float, y: float, text: str, **kwargs: Any) -> None:
    """Draw text with a white halo that stays searchable text in the PDF.

    A stroke path effect turns text into outlines, so the halo is a separate outline drawn
    underneath and the text itself is plain.
    """
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    ax.text(x, y, text, color="white", path_effects=halo, **kwargs)
    ax.text(x, y, text, **kwargs)


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


def _north_arrow(ax: Any) -> None:
    ax.annotate(
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


def _draw_map(fig: Figure, ds: Dataset, code: str, year: int, codes: list[str], lang: str) -> None:
    t = _TEXT[lang]
    ref = float(ds.national_reference("lbm").value or 0.0)
    scale = scale_for("lbm", national_reference=ref)
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
    for c, row in frame.iterrows():
        p = row["geometry"].representative_point()
        main = c == code
        _haloed(
            ax,
            p.x,
            p.y,
            str(row["name"]),
            ha="center",
            va="center",
            fontsize=10 if main else 7.5,
            fontweight="bold" if main else "normal",
            zorder=4,
        )
    _fit(ax, fig, frame.total_bounds, _MAP_BOX)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for side in ax.spines.values():
        side.set_linewidth(0.6)
        side.set_color("#555555")
    _north_arrow(ax)
    _scale_bar(ax, lang)
    attribution = ATTRIBUTION
    if ds.level(code) == "buurt":
        attribution += "; buurtgrenzen: Gemeente Amsterdam" if lang == "nl" else "; buurt outlines: Gemeente Amsterdam"
    _haloed(ax, 0.99, 0.01, attribution, transform=ax.transAxes, ha="right", va="bottom", fontsize=7.5, zorder=6)
    # legend in its own axes beside the map
    lax = fig.add_axes((0.425, 0.15, 0.12, 0.70))
    lax.set_axis_off()
    labels = [lab.replace(".", ",") if lang == "nl" else lab for lab in scale.labels(decimals=2)]
    handles = [Patch(facecolor=c, edgecolor="#555555", label=lab) for c, lab in zip(scale.colours, labels, strict=True)]
    handles = [*handles[::-1], Patch(facecolor=NO_DATA_COLOUR, edgecolor="#555555", label=t["no_data"])]
    lax.legend(
        handles=handles,
        loc="upper left",
        title=t["legend"].format(year=year, ref=_num(ref, lang)),
        fontsize=8.5,
        title_fontsize=8,
        frameon=False,
        alignment="left",
    )


def _draw_trend(fig: Figure, ds: Dataset, code: str, year: int, lang: str) -> None:
    t = _TEXT[lang]
    series = ds.series(code, "lbm")
    years = [int(y) for y in series.index]
    city = [ds.city_reference(code, y, "lbm").value for y in years]
    ax = fig.add_axes((0.625, 0.55, 0.355, 0.28))
    ax.set_title(t["trend"], loc="left", pad=24)
    ref = ds.national_reference("lbm").value
    if ref is not None:
        ax.axhline(ref, color="#777777", linestyle=":", linewidth=1.5, label=t["national"])
    ax.plot(years, [np.nan if v is None else v for v in city], "--", color="#d95f02", lw=1.8, label=t["city"])
    ax.plot(years, series.to_numpy(), "-o", color="#1b4f9c", lw=2.4, ms=5, label=t["area"])
    ax.axvline(year, color="#bbbbbb", lw=6, alpha=0.5, zorder=0)
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) if i % 2 == 0 or len(years) < 7 else f"\n{y}" for i, y in enumerate(years)])
    ax.tick_params(labelsize=9)
    if lang == "nl":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.2f}".replace(".", ",")))
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


def _rank(ds: Dataset, code: str, year: int) -> tuple[int | None, int]:
    gm = str(ds.area(code)["gemeente_code"])
    peers = ds.values(ds.codes(ds.level(code), gemeente=gm), year, "lbm").dropna()
    value = ds.value(code, year, "lbm")
    if value is None:
        return None, len(peers)
    return int((peers > value).sum()) + 1, len(peers)


def summary_rows(ds: Dataset, code: str, year: int, *, lang: Lang = "nl") -> list[tuple[str, str]]:
    """Return the summary table of the brief as ``(label, value)`` text pairs.

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
        Score, afw, gap to the city, the city reference, rank within the gemeente and the
        change since the previous measurement, formatted for ``lang``.
    """
    _check(ds, code, year, None, lang)
    t = _TEXT[lang]
    lbm = ds.value(code, year, "lbm")
    city = ds.city_reference(code, year, "lbm")
    gap = None if lbm is None or city.value is None else lbm - city.value
    rank, n = _rank(ds, code, year)
    level = ds.level(code)
    earlier = [y for y in ds.years("lbm", code=code) if y < year]
    prev = max(earlier) if earlier else None
    before = ds.value(code, prev, "lbm") if prev is not None else None
    change = None if lbm is None or before is None else lbm - before
    gemeente = str(ds.area(code)["gemeente_name"])
    return [
        (t["score"], _num(lbm, lang)),
        (t["afw"], _num(ds.value(code, year, "afw"), lang, signed=True)),
        (t["gap"], _num(gap, lang, signed=True)),
        (t["city_value"], _num(city.value, lang)),
        (
            t["rank"].format(gemeente=gemeente),
            t["rank_value"].format(rank=rank if rank is not None else "–", n=n, level_plural=t[f"{level}_plural"]),
        ),
        (
            t["change"].format(prev=prev) if prev is not None else t["change_none"],
            _num(change, lang, signed=True) if prev is not None else t["no_prev"],
        ),
    ]


def _draw_summary(fig: Figure, ds: Dataset, code: str, year: int, lang: Lang) -> None:
    t = _TEXT[lang]
    rows = summary_rows(ds, code, year, lang=lang)
    ax = fig.add_axes((0.58, 0.17, 0.40, 0.28))
    ax.set_axis_off()
    ax.set_title(t["summary"].format(year=year), loc="left")
    table = ax.table(cellText=[list(r) for r in rows], colWidths=[0.66, 0.34], loc="upper left", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    table.scale(1.0, 1.55)
    for (r, c), cell in table.get_celld().items():
        cell.set_edgecolor("#cccccc")
        cell.set_linewidth(0.5)
        if c == 1:
            cell.get_text().set_horizontalalignment("right")
            cell.get_text().set_fontweight("bold" if r == 0 else "normal")
        if r % 2 == 0:
            cell.set_facecolor("#f4f4f4")


def _source_lines(ds: Dataset, codes: list[str]) -> list[str]:
    levels = set(ds.areas.loc[codes, "level"])
    rows = ds.scores[ds.scores["code"].isin(codes)]
    files = set(rows["source"])
    out = []
    for src in ds.manifest.get("sources", []):
        used = (src.get("kind") == "scores" and src.get("file") in files) or (
            src.get("kind") == "areas" and src.get("level") in levels
        )
        if used:
            out.append(f"{src.get('title', src['file'])}; {src.get('publisher', '')}; {src.get('licence', '')}")
    return out


def _draw_text(fig: Figure, ds: Dataset, code: str, year: int, codes: list[str], lang: Lang) -> None:
    t = _TEXT[lang]
    area = ds.area(code)
    level = ds.level(code)
    fig.text(0.02, 0.955, f"{area['name']} ({code})", fontsize=20, fontweight="bold", va="top")
    fig.text(
        0.02,
        0.905,
        f"{t['title']}: {t[level]} {t['in']} {area['gemeente_name']}, {t['meting']} {year}",
        fontsize=11.5,
        va="top",
        color="#333333",
    )
    lines = _source_lines(ds, codes)
    text = f"{t['sources']}: " + " | ".join(lines) + "\n" + t["notes"]
    fig.text(0.02, 0.105, text, fontsize=7.5, va="top", wrap=True, color="#333333")


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
        The measurement year of the map and the summary.
    neighbours : list of str, optional
        Areas to draw around it; by default its neighbours from
        :func:`geo.neighbours.graph_for` (or :func:`touching_areas` without that module).
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
    """
    _check(ds, code, year, neighbours, lang)
    around = _neighbours_of(ds, code) if neighbours is None else list(neighbours)
    codes = [code, *[c for c in dict.fromkeys(around) if c != code]]
    with mpl.rc_context(cast(Any, _RC)):
        fig = Figure(figsize=A4_LANDSCAPE_INCHES, dpi=PNG_DPI)
        FigureCanvasAgg(fig)
        _draw_text(fig, ds, code, year, codes, lang)
        _draw_map(fig, ds, code, year, codes, lang)
        _draw_trend(fig, ds, code, year, lang)
        _draw_summary(fig, ds, code, year, lang)
        pdf, png = io.BytesIO(), io.BytesIO()
        fig.savefig(pdf, format="pdf", metadata={"CreationDate": None, "Title": f"{ds.name(code)} ({code})"})
        fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return pdf.getvalue(), png.getvalue()
