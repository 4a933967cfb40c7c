"""The table of an export: one row per area and year (long) or per area (wide).

:func:`export_table` gives one row per area and year (``layout="long"``) or one row per area
with a column per measure and year (``layout="wide"``, e.g. ``lbm_2022``). Besides the published
scores it carries the city reference of ``lbm`` (mean of the gemeente's wijken, see
:meth:`~geo.dataset.Dataset.city_reference`; not an official gemeente score), the published
national reference, the gap ``lbm - city_reference``, the area's rank in its gemeente on every
measure (``rank_<measure>`` out of ``rank_of_<measure>``: among the areas of the same level in
the same gemeente with a value that year, 1 = highest, ties share the better position; the rank
of :func:`geo.summary.rank_in_gemeente`, from the same formula :func:`geo.summary.rank_positions`)
and whether the area's scores were
excluded by the build (``excluded``, ``excluded_reason``; e.g. a reused code that names another
area). ``derived`` names the measures of a row that the build computed rather than read from a
publication (e.g. ``lbm`` of the 2024 WFS rows); how is copied from the dataset manifest into
the metadata (``derived``). A missing value is empty, never zero.

The selection and year checks here are the ones every export file goes through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from geo.dataset import Dataset
from geo.export._options import Layout, _check_layout
from geo.schema import MEASURES
from geo.selection import Selection, validate_codes
from geo.summary import rank_positions

__all__ = ["LONG_COLUMNS", "export_table"]

_AREA_COLUMNS: Final[tuple[str, ...]] = ("code", "name", "level", "gemeente_code", "gemeente_name")
_REFERENCE_COLUMNS: Final[tuple[str, ...]] = ("city_reference", "city_reference_method", "national_reference")
_FLAG_COLUMNS: Final[tuple[str, ...]] = ("excluded", "excluded_reason")
#: Rank columns of the long table: ``rank_<measure>``, ``rank_of_<measure>`` per measure.
_RANK_COLUMNS: Final[tuple[str, ...]] = tuple(c for m in MEASURES for c in (f"rank_{m}", f"rank_of_{m}"))
#: Columns of the long table, in order.
LONG_COLUMNS: Final[tuple[str, ...]] = (
    *_AREA_COLUMNS,
    "year",
    *MEASURES,
    *_REFERENCE_COLUMNS,
    "gap_to_city",
    *_RANK_COLUMNS,
    "meting",
    "derived",
    *_FLAG_COLUMNS,
)
#: Per-year columns of the wide table (``<name>_<year>``).
_WIDE_MEASURES: Final[tuple[str, ...]] = (*MEASURES, "city_reference", "gap_to_city")


def _checked_selection(ds: Dataset, selection: Selection) -> list[str]:
    if not isinstance(selection, Selection):
        msg = f"`selection` was {type(selection).__name__} but is expected to be a geo.selection.Selection"
        raise TypeError(msg)
    if not len(selection):
        msg = (
            "`selection` is empty: nothing to export. Add areas first, e.g. "
            "Selection().add_gemeente(ds, 'GM0363'), or loosen the filter"
        )
        raise ValueError(msg)
    codes = list(selection.codes)
    validate_codes(ds, codes, "selection")
    return codes


def _checked_years(ds: Dataset, codes: Sequence[str], years: Sequence[int] | None) -> list[int]:
    available = ds.years()
    if years is None:
        scored = ds.scores.loc[ds.scores["code"].isin(codes), "year"].unique()
        chosen = sorted(int(y) for y in scored)
        return chosen or list(available)
    chosen = sorted({int(y) for y in years})
    unknown = [y for y in chosen if y not in available]
    if unknown or not chosen:
        msg = (
            f"`years` was {list(years)!r} but the dataset has scores in {', '.join(map(str, available))}; "
            "pass some of those, or None for every year with data"
        )
        raise ValueError(msg)
    return chosen


def _exclusion(ds: Dataset, codes: Sequence[str]) -> pd.Series:
    """Reason per code, as :meth:`Dataset.is_excluded` gives it ("" when not excluded)."""
    ex = ds.excluded[ds.excluded["code"].isin(codes)]
    reasons = ex.groupby("code")["reason"].agg(lambda s: "; ".join(sorted(set(map(str, s)))))
    return reasons.reindex(list(codes)).fillna("").astype("str")


def _city_references(ds: Dataset, pairs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for gm, year in pairs.itertuples(index=False):
        ref = ds.city_reference(str(gm), int(year), "lbm")
        value = np.nan if ref.value is None else ref.value
        rows.append((gm, year, value, ref.method if ref.value is not None else None))
    return pd.DataFrame(rows, columns=["gemeente_code", "year", "city_reference", "city_reference_method"])


def _rank_peers(ds: Dataset, codes: list[str], years: list[int]) -> pd.DataFrame:
    """Scores of every area that shares a gemeente and level with a selected area, in ``years``."""
    areas = ds.areas[["level", "gemeente_code"]]
    chosen = areas.loc[codes]
    peers = areas[areas["gemeente_code"].isin(set(chosen["gemeente_code"])) & areas["level"].isin(set(chosen["level"]))]
    scores = ds.scores[ds.scores["code"].isin(peers.index) & ds.scores["year"].isin(years)]
    return scores[["code", "year", *MEASURES]].join(peers, on="code").reset_index(drop=True)


def _ranks(ds: Dataset, table: pd.DataFrame) -> pd.DataFrame:
    """``rank_<measure>`` and ``rank_of_<measure>`` of every row of the long table, one groupby per measure.

    The groups are (gemeente, level, year), the formula :func:`geo.summary.rank_positions`: the
    rank :func:`geo.summary.rank_in_gemeente` gives for one area. An area without a score that
    year has no rank, and ``rank_of`` is still the number of areas ranked in its group (empty when
    none has a score, e.g. the dimensions in 2002).
    """
    codes = list(dict.fromkeys(table["code"]))
    peers = _rank_peers(ds, codes, sorted(set(table["year"])))
    keys = ["gemeente_code", "level", "year"]
    ranked = peers[["code", *keys]].copy()
    for m in MEASURES:
        r = rank_positions(peers[m], [peers[k] for k in keys])
        ranked[f"rank_{m}"] = r["rank"]
        ranked[f"rank_of_{m}"] = r["rank_of"]
    rank_cols = [f"rank_{m}" for m in MEASURES]
    of_cols = [f"rank_of_{m}" for m in MEASURES]
    by_row = table[["code", "year"]].merge(ranked[["code", "year", *rank_cols]], on=["code", "year"], how="left")
    by_group = ranked.groupby(keys)[of_cols].first()
    counts = table[keys].join(by_group, on=keys)[of_cols].astype("Int64")
    counts = counts.where(counts > 0)  # nobody ranked (no scores that year): empty, not 0
    out = pd.concat([by_row[rank_cols].astype("Int64").reset_index(drop=True), counts.reset_index(drop=True)], axis=1)
    out.index = table.index
    return out[list(_RANK_COLUMNS)]


def _long(ds: Dataset, codes: list[str], years: list[int]) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([codes, years], names=["code", "year"])
    scores = ds.scores[ds.scores["code"].isin(codes)].set_index(["code", "year"])
    if "derived" not in scores.columns:  # a dataset built before derived values were flagged
        scores = scores.assign(derived="")
    table = scores.reindex(grid)[[*MEASURES, "meting", "derived"]].reset_index()
    table["year"] = table["year"].astype("int64")
    table["meting"] = table["meting"].astype("Int64")
    table["derived"] = table["derived"].fillna("").astype("str")
    attrs = ds.areas.loc[codes, list(_AREA_COLUMNS[1:])]
    table = table.join(attrs, on="code")
    pairs = table[["gemeente_code", "year"]].drop_duplicates()
    table = table.merge(_city_references(ds, pairs), on=["gemeente_code", "year"], how="left")
    national = ds.national_reference("lbm").value
    table["national_reference"] = np.nan if national is None else float(national)
    table["gap_to_city"] = table["lbm"] - table["city_reference"]
    table[list(_RANK_COLUMNS)] = _ranks(ds, table)
    reasons = _exclusion(ds, codes)
    table["excluded_reason"] = table["code"].map(reasons).astype("str")
    table["excluded"] = table["excluded_reason"] != ""
    for col in ("code", *_AREA_COLUMNS[1:], "city_reference_method"):
        table[col] = table[col].astype("str") if col != "city_reference_method" else table[col]
    return table[list(LONG_COLUMNS)].reset_index(drop=True)


def _wide(ds: Dataset, long: pd.DataFrame, codes: list[str], years: list[int]) -> pd.DataFrame:
    first = long.drop_duplicates("code").set_index("code")
    base = first.loc[codes, [*_AREA_COLUMNS[1:], "national_reference"]]
    parts = [base]
    for m in _WIDE_MEASURES:
        has = set(ds.years(m)) if m in MEASURES else set(years)
        keep = [y for y in years if y in has]
        if not keep:
            continue
        pivot = long.pivot(index="code", columns="year", values=m).reindex(index=codes, columns=keep)
        pivot.columns = [f"{m}_{y}" for y in keep]
        parts.append(pivot.astype("float64"))
    for m in MEASURES:  # rank_<m>_<year>, rank_of_<m>_<year>: the years in which m is published
        keep = [y for y in years if y in set(ds.years(m))]
        for col, dtype in ((f"rank_{m}", pd.Int64Dtype()), (f"rank_of_{m}", pd.Int64Dtype())):
            if keep:
                pivot = long.pivot(index="code", columns="year", values=col).reindex(index=codes, columns=keep)
                pivot.columns = [f"{col}_{y}" for y in keep]
                parts.append(pivot.astype(dtype))
    flagged = [y for y in years if (long.loc[long["year"] == y, "derived"] != "").any()]
    if flagged:
        pivot = long.pivot(index="code", columns="year", values="derived").reindex(index=codes, columns=flagged)
        pivot.columns = [f"derived_{y}" for y in flagged]
        parts.append(pivot.fillna("").astype("str"))
    parts.append(first.loc[codes, list(_FLAG_COLUMNS)])
    wide = pd.concat(parts, axis=1)
    wide.index.name = "code"
    return wide.reset_index()


def export_table(
    ds: Dataset,
    selection: Selection,
    *,
    years: Sequence[int] | None = None,
    layout: Layout = "long",
) -> pd.DataFrame:
    """Return the scores of a selection as a table to export.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    selection : Selection
        The areas, in the order they appear in the table.
    years : sequence of int, optional
        Measurement years; by default every year in which any selected area has a score (all
        years of the dataset when none has).
    layout : {"long", "wide"}, default "long"
        ``long``: one row per area and year, columns :data:`LONG_COLUMNS`. ``wide``: one row per
        area with ``<measure>_<year>`` columns for the measures, ``city_reference`` and
        ``gap_to_city`` (dimension columns only for years in which dimensions are published),
        ``rank_<measure>_<year>`` and ``rank_of_<measure>_<year>`` (the years the measure is published),
        plus ``national_reference``, ``excluded`` and ``excluded_reason``, and
        ``derived_<year>`` for the years in which a selected area has a derived value.

    Returns
    -------
    DataFrame
        Rows of areas without a score that year have empty (NaN) scores.

    Raises
    ------
    ValueError
        When the selection is empty, holds a code the dataset lacks, or ``years`` or ``layout``
        are not allowed.

    See Also
    --------
    geo.export.pipeline.export_files : every file of an export at once, as the app and the command line write them.

    Examples
    --------
    >>> sel = Selection().add_gemeente(ds, "GM0363")  # doctest: +SKIP
    >>> export_table(ds, sel, years=[2022]).shape  # doctest: +SKIP
    (111, 20)
    """
    _check_layout(layout)
    codes = _checked_selection(ds, selection)
    chosen = _checked_years(ds, codes, years)
    long = _long(ds, codes, chosen)
    return long if layout == "long" else _wide(ds, long, codes, chosen)
