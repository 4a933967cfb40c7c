"""A gap table as a CSV file for people in one language.

:func:`gap_csv` writes :attr:`GapTable.table <geo.gaps.GapTable>` through
:func:`geo.export.to_csv_bytes`. Column names are the table's own (``code``, ``gap_a``,
``status``, ...), the same in both languages, so a script reads either file.

Per column, in a Dutch file:

- ``status`` and ``weighting`` are codes (``narrowed``, ``widened``, ``no_data``;
  ``population-weighted``, ``unweighted``) that :func:`geo.city_gap.gap_change` documents and
  researchers filter on; they stay as they are, and a Dutch label follows each
  (``status_label``: ``kleiner``, ``groter``, ``geen gegevens``, as the programme page shows them;
  ``weighting_label``: ``gewogen naar inwoners``, ``ongewogen``);
- ``narrowed`` is a yes/no for a reader (a script has ``status``): ``ja``/``nee``.

In both languages ``population`` (a count of inhabitants) is a whole number.

An English file is the table as it is (``True``/``False`` and the English codes).
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from geo.export.csvfile import to_csv_bytes
from geo.gaps.table import GapTable
from geo.gaps.view import STATUS_LABELS
from geo.i18n import Lang, check_lang

__all__ = ["WEIGHTING_LABELS", "gap_csv", "gap_csv_frame"]

#: How a programme entry's weighting reads in a Dutch file.
WEIGHTING_LABELS: Final[dict[str, str]] = {
    "population-weighted": "gewogen naar inwoners",
    "unweighted": "ongewogen",
}


def _label(codes: pd.Series, labels: dict[str, str], column: str) -> pd.Series:
    unknown = sorted(set(codes.dropna()) - set(labels))
    if unknown:
        msg = f"column {column!r} holds {unknown} but has Dutch labels for {sorted(labels)} only; add them"
        raise ValueError(msg)
    return codes.map(labels)


def gap_csv_frame(result: GapTable, lang: Lang = "nl") -> pd.DataFrame:
    """Return the gap table as :func:`gap_csv` writes it in ``lang`` (see the module docstring)."""
    check_lang(lang)
    table = result.table.copy()
    if "population" in table:  # a count of inhabitants: "8210", not "8210,0" (empty where unknown)
        table["population"] = table["population"].round().astype("Int64")
    if lang == "en":
        return table
    out = table.copy()
    out["narrowed"] = table["narrowed"].map({True: "ja", False: "nee"})
    status: dict[str, str] = {code: nl for code, (nl, _) in STATUS_LABELS.items()}
    labels: tuple[tuple[str, dict[str, str]], ...] = (("status", status), ("weighting", WEIGHTING_LABELS))
    for column, dutch in labels:
        if column in out:
            at = list(out.columns).index(column) + 1
            out.insert(at, f"{column}_label", _label(table[column], dutch, column))
    return out


def gap_csv(
    result: GapTable,
    lang: Lang = "nl",
    *,
    dutch: bool = False,
    bom: bool = False,
    decimals: int | None = None,
) -> bytes:
    """Write a gap table as CSV for readers of ``lang``.

    Parameters
    ----------
    result : GapTable
        From :func:`~geo.gaps.gap_table`, :func:`~geo.gaps.entry_gap_table` or :func:`~geo.gaps.set_gaps`.
    lang : {"nl", "en"}, default "nl"
        Dutch: ``status_label`` (and ``weighting_label``) beside the codes, ``narrowed`` as
        ``ja``/``nee``. English: the table as it is.
    dutch, bom, decimals
        The CSV options of :func:`geo.export.to_csv_bytes` (``dutch`` is the Excel format:
        ``;`` and a decimal comma; it does not choose the language).

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        When ``lang`` is not ``nl`` or ``en``, or as :func:`geo.export.to_csv_bytes`.

    Examples
    --------
    >>> gap_csv(gap_table(ds, ["WK034403"], 2008, 2018), "nl", dutch=True)  # doctest: +SKIP
    b'code;name;...;status;status_label;narrowed;change_pct...WK034403;Wijk 03 Overvecht;...;widened;groter;nee;...'
    """
    return to_csv_bytes(gap_csv_frame(result, lang), dutch=dutch, bom=bom, decimals=decimals)
