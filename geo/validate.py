"""Checks of a score table: every problem is collected, then raised once.

The checks follow the published Leefbaarometer 3.0 rules: scores are numeric, one row per
(code, year), codes follow the CBS patterns, years are measurement years, ``lbm - afw`` is the
same national reference on every row of a measurement, and the five dimensions add up to
``afw``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from geo.codes import CODE_PATTERNS, Level
from geo.schema import DIMENSIONS, MEASURES, PUBLISHED_YEARS, TOLERANCE

__all__ = ["describe_rows", "missing_column_problems", "score_problems"]


def describe_rows(rows: Iterable[int], *, limit: int = 8) -> str:
    """Format file row numbers as ``"rows 2, 5 and 7"`` (at most ``limit`` shown).

    Parameters
    ----------
    rows : iterable of int
        Row numbers as a spreadsheet shows them (the header is row 1).
    limit : int, default 8
        How many to list before summarising the rest as a count.

    Returns
    -------
    str
    """
    rows = sorted(int(r) for r in rows)
    head = ", ".join(str(r) for r in rows[:limit])
    if len(rows) == 1:
        return f"row {head}"
    if len(rows) > limit:
        return f"rows {head} and {len(rows) - limit} more ({len(rows)} in all)"
    return f"rows {head}"


def missing_column_problems(found: Sequence[str], required: Sequence[str]) -> list[str]:
    """List the required columns that are absent, suggesting a near match for misspellings.

    Parameters
    ----------
    found : sequence of str
        The columns the file has (already lower-cased).
    required : sequence of str
        The columns it must have.

    Returns
    -------
    list of str
        One problem sentence per missing column; empty when all are present.
    """
    problems = []
    for col in required:
        if col in found:
            continue
        unused = [f for f in found if f not in required]
        close = difflib.get_close_matches(col, unused, n=1, cutoff=0.6)
        if close:
            problems.append(
                f"column {col!r} is missing; found {close[0]!r}, which looks misspelt: rename it to {col!r}"
            )
        else:
            problems.append(
                f"column {col!r} is missing; the file has {', '.join(map(repr, found))}. "
                f"Add the column (a Leefbaarometer 3.0 score file has {', '.join(required)})"
            )
    return problems


def _row_numbers(mask: pd.Series) -> list[int]:
    # Frame index is the 0-based data row; a spreadsheet shows it as index + 2.
    return [int(i) + 2 for i in mask.index[mask.to_numpy()]]


def score_problems(raw: pd.DataFrame, numeric: pd.DataFrame, *, level: Level, code_col: str) -> list[str]:
    """Run every check on a score table and return all problems found.

    Parameters
    ----------
    raw : DataFrame
        The file as text (lower-case column names, ``NA`` as missing), index = data row.
    numeric : DataFrame
        ``jaar`` and the score columns converted with ``pd.to_numeric(errors="coerce")``.
    level : {"gemeente", "wijk", "buurt"}
        The level the file's code column announces.
    code_col : str
        The name of that code column.

    Returns
    -------
    list of str
        Problem sentences naming column, rows and the fix; empty when the table is clean.
    """
    problems: list[str] = []

    codes = raw[code_col].fillna("")
    bad_code = ~codes.str.match(CODE_PATTERNS[level].pattern)
    if bad_code.any():
        examples = ", ".join(repr(c) for c in codes[bad_code].unique()[:3])
        problems.append(
            f"column {code_col!r}: {bad_code.sum()} values are not {level} codes "
            f"({examples}) in {describe_rows(_row_numbers(bad_code))}; "
            f"a {level} code looks like {_EXAMPLES[level]}"
        )

    for col in ("jaar", *MEASURES):
        text = raw[col]
        not_numeric = text.notna() & numeric[col].isna()
        if not_numeric.any():
            examples = ", ".join(repr(v) for v in text[not_numeric].unique()[:3])
            problems.append(
                f"column {col!r}: {not_numeric.sum()} non-numeric values ({examples}) in "
                f"{describe_rows(_row_numbers(not_numeric))}; write numbers with a decimal "
                "point, and NA for a missing value"
            )

    year = numeric["jaar"]
    missing_year = raw["jaar"].isna()
    if missing_year.any():
        problems.append(f"column 'jaar': empty in {describe_rows(_row_numbers(missing_year))}")
    bad_year = year.notna() & ~year.isin(PUBLISHED_YEARS)
    if bad_year.any():
        examples = ", ".join(str(v) for v in sorted(year[bad_year].unique())[:3])
        problems.append(
            f"column 'jaar': {bad_year.sum()} values ({examples}) are not measurement years "
            f"{', '.join(map(str, PUBLISHED_YEARS))} in {describe_rows(_row_numbers(bad_year))}; "
            "the Leefbaarometer measured only in those years: correct the year or remove those rows"
        )

    # compare years as numbers where they are numbers ("2022" and "2022.0" are one year)
    same_year = year.map(lambda v: str(int(v)) if float(v).is_integer() else repr(float(v)), na_action="ignore")
    key = pd.DataFrame({"code": codes, "jaar": same_year.where(year.notna(), raw["jaar"])})
    dup = key.duplicated(keep=False) & (codes != "")
    if dup.any():
        pairs = key[dup].drop_duplicates().head(3)
        examples = ", ".join(f"{c} {j}" for c, j in pairs.itertuples(index=False))
        problems.append(
            f"duplicate ({code_col}, jaar) rows: {examples} in {describe_rows(_row_numbers(dup))}; "
            "keep one row per area and year"
        )

    lbm, afw = numeric["lbm"], numeric["afw"]
    half = lbm.isna() ^ afw.isna()
    half &= raw["lbm"].isna() ^ raw["afw"].isna()  # not already reported as non-numeric
    if half.any():
        problems.append(
            f"columns 'lbm'/'afw': one is given without the other in "
            f"{describe_rows(_row_numbers(half))}; give both or NA for both"
        )

    ref = (lbm - afw).dropna()
    if len(ref):
        centre = float(np.median(ref))
        off = ((lbm - afw) - centre).abs() > TOLERANCE
        if off.any():
            problems.append(
                f"columns 'lbm'/'afw': lbm - afw should be the national reference "
                f"{centre:.6f} on every row of a measurement, but differs by more than "
                f"{TOLERANCE:g} in {describe_rows(_row_numbers(off))}; check that the rows "
                "come from one measurement (meting) and were not edited"
            )

    dims = numeric[list(DIMENSIONS)]
    dims_raw = raw[list(DIMENSIONS)]
    given = dims_raw.notna().sum(axis=1)
    partial = (given > 0) & (given < len(DIMENSIONS))
    if partial.any():
        problems.append(
            f"columns {', '.join(DIMENSIONS)}: some dimensions are given and others are NA in "
            f"{describe_rows(_row_numbers(partial))}; give all five or none"
        )
    full = dims.notna().all(axis=1) & afw.notna()
    off_sum = full & ((dims.sum(axis=1) - afw).abs() > TOLERANCE)
    if off_sum.any():
        problems.append(
            f"columns {', '.join(DIMENSIONS)}: the five dimensions should add up to 'afw' "
            f"(within {TOLERANCE:g}) but do not in {describe_rows(_row_numbers(off_sum))}; "
            "check for a shifted or edited column"
        )
    return problems


_EXAMPLES: dict[Level, str] = {"gemeente": "GM0363", "wijk": "WK0363AA", "buurt": "BU0363AA01"}
