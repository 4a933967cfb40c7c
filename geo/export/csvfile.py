"""CSV: a table as bytes that are safe to open in a spreadsheet.

:func:`to_csv_bytes` writes plain CSV (comma, decimal point) or Dutch-Excel CSV (semicolon,
decimal comma), UTF-8, optionally with a byte-order mark so Excel detects the encoding. Numbers
keep full precision (the shortest text that reads back to the same float) unless ``decimals``
is given. Text cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are
prefixed with ``'`` so a spreadsheet shows them as text instead of running them as a formula
(CSV injection); numeric columns are never touched, so ``-0.12`` stays a number.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from geo.export._options import _check_decimals

__all__ = ["FORMULA_PREFIXES", "to_csv_bytes"]

#: Text cells starting with one of these are neutralised in CSV (see :func:`to_csv_bytes`).
FORMULA_PREFIXES: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")


def _is_text(series: pd.Series) -> bool:
    return bool(pd.api.types.is_string_dtype(series.dtype) or series.dtype == object)


def _neutralise(series: pd.Series) -> pd.Series:
    def fix(value: object) -> object:
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value

    return series.map(fix)


def to_csv_bytes(
    frame: pd.DataFrame,
    *,
    dutch: bool = False,
    bom: bool = False,
    decimals: int | None = None,
) -> bytes:
    """Write a table as CSV bytes, safe to open in a spreadsheet.

    Parameters
    ----------
    frame : DataFrame
        Usually from :func:`~geo.export.table.export_table`; the index is not written.
    dutch : bool, default False
        Dutch Excel: ``;`` between fields and a decimal comma. Otherwise ``,`` and a point.
    bom : bool, default False
        Start with the UTF-8 byte-order mark, so Excel reads accents correctly.
    decimals : int, optional
        Round float columns to this many decimals; by default full precision (every float
        reads back exactly).

    Returns
    -------
    bytes
        UTF-8, one header row, CRLF line ends (RFC 4180; a field holding a line break is
        quoted), empty cells for missing values. Text cells that start with ``=``, ``+``,
        ``-``, ``@``, tab or carriage return get a leading ``'``.

    Raises
    ------
    ValueError
        When ``frame`` has no rows or ``decimals`` is not an int from 0 to :data:`~geo.export.MAX_DECIMALS`.
    """
    if len(frame) == 0:
        msg = "`frame` has no rows: nothing to write. Export a non-empty selection"
        raise ValueError(msg)
    _check_decimals(decimals)
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if _is_text(s):
            out[col] = _neutralise(s)
        elif decimals is not None and pd.api.types.is_float_dtype(s.dtype):
            out[col] = s.round(decimals) + 0.0  # + 0.0: a value rounded to -0.0 is written as 0
    text = out.to_csv(
        index=False,
        sep=";" if dutch else ",",
        decimal="," if dutch else ".",
        # rounded numbers with exactly that many decimals: 4 at --round 0 (not 4.0), 4.20 at --round 2
        float_format=None if decimals is None else f"%.{decimals}f",
        lineterminator="\r\n",  # RFC 4180; also makes the writer quote fields holding CR or LF
    )
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data
