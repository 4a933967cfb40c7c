"""Bring your own indicator: read an uploaded CSV of numbers per area, checked at the boundary.

A researcher uploads a table with a code column (CBS codes, e.g. ``WK034403``) and one or more
numeric columns (CBS kerncijfers, own survey results). :func:`read_indicators` checks it and
returns one :class:`Indicator` per numeric column, each with its own scale (quantile classes of
its own values, labelled), to map and chart like the Leefbaarometer measures.

Checks
------
- size: at most :data:`MAX_UPLOAD_BYTES` (5 MB), refused before any parsing;
- encoding: UTF-8 with or without BOM, else cp1252 (Excel on Windows);
- separator (``,``, ``;`` or tab) and decimal comma, detected from the header and the data;
- every problem at once, with row numbers, in one :class:`geo.ValidationError`: unknown codes,
  malformed codes, duplicates, text in a numeric column, a missing code column.

Nothing is written anywhere: the bytes stay in the caller's memory (the app's session).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo import fmt
from geo._errors import ValidationError
from geo.codes import is_valid_code
from geo.dataset import Dataset
from geo.i18n import Lang, check_lang

__all__ = ["MAX_UPLOAD_BYTES", "PALETTE", "Indicator", "IndicatorMap", "indicator_map", "read_indicators", "read_table"]

#: Largest upload accepted (bytes): 5 MB, far above a table of every buurt of the country.
MAX_UPLOAD_BYTES: Final[int] = 5 * 1024 * 1024
_MAX_PROBLEMS: Final[int] = 25
_SOURCE: Final[str] = "the uploaded CSV"
_SOURCE_NL: Final[str] = "het geüploade CSV-bestand"
_CODE_COLUMNS: Final[tuple[str, ...]] = ("code", "gwb_code", "gwb_code_10", "wk_code", "bu_code", "gm_code")
#: Number of classes of an indicator's own scale.
N_CLASSES: Final[int] = 5
#: The colours of an indicator's own scale, low to high (ColorBrewer Blues, colour-blind safe);
#: not the Leefbaarometer's colours, so an own indicator is never read as a liveability class.
PALETTE: Final[tuple[str, ...]] = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
#: The chart of an indicator shows at most this many areas (the highest values).
CHART_AREAS: Final[int] = 40


def _refuse(problems: list[tuple[str, str]]) -> ValidationError:
    """Make the upload's error from (English, Dutch) problems, at most :data:`_MAX_PROBLEMS` of them."""
    head = problems[:_MAX_PROBLEMS]
    if len(problems) > _MAX_PROBLEMS:
        more = len(problems) - _MAX_PROBLEMS
        head.append(
            (f"... and {more} more; fix these and upload again", f"... en nog {more}; herstel deze en upload opnieuw")
        )
    return ValidationError(_SOURCE, [en for en, _ in head], (_SOURCE_NL, [nl for _, nl in head]))


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def read_table(data: bytes) -> pd.DataFrame:
    """Read uploaded CSV bytes into a table of strings (size, encoding and separator checked).

    Raises
    ------
    ValidationError
        When the upload is too large (checked before anything else), empty, or has no header.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        size, limit = f"{len(data) / 1024 / 1024:.1f}", MAX_UPLOAD_BYTES // (1024 * 1024)
        en = (
            f"the file is {size} MB; at most {limit} MB is accepted. Keep only the code column and the columns you need"
        )
        nl = (
            f"het bestand is {size.replace('.', ',')} MB; hooguit {limit} MB wordt aangenomen. Houd alleen de "
            "codekolom en de kolommen die u nodig hebt"
        )
        raise _refuse([(en, nl)])
    if not data.strip():
        raise _refuse(
            [
                (
                    "the file is empty; upload a CSV with a header row, e.g. code,inwoners",
                    "het bestand is leeg; upload een CSV met een kopregel, bijvoorbeeld code,inwoners",
                )
            ]
        )
    text, _encoding = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sep = _separator(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise _refuse(
            [
                (
                    "the file has a header but no data rows; add one row per area",
                    "het bestand heeft een kopregel maar geen gegevens; voeg een regel per gebied toe",
                )
            ]
        )
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header, dtype="object")
    frame.attrs["separator"] = sep
    return frame


def _parse_number(text: str, decimal_comma: bool) -> float | None:
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if t == "" or t.upper() in ("NA", "NAN", "-", "."):
        return math.nan
    if decimal_comma:
        t = t.replace(".", "").replace(",", ".") if "," in t else t
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _decimal_comma(columns: list[list[str]], sep: str) -> bool:
    if sep != ";":
        return False
    comma = sum(1 for col in columns for v in col if "," in v and "." not in v)
    point = sum(1 for col in columns for v in col if "." in v and "," not in v)
    return comma >= point


@dataclass(frozen=True)
class Indicator:
    """One uploaded numeric column, keyed by CBS code, with its own scale.

    Attributes
    ----------
    name : str
        The column name as uploaded (escape it wherever it is shown).
    values : dict of str to float
        Value per code; missing cells are left out.
    bins : tuple of float
        Class edges from the indicator's own quantiles (``N_CLASSES + 1`` edges, the first the
        minimum, the last the maximum; fewer when values repeat).
    """

    name: str
    values: dict[str, float]
    bins: tuple[float, ...]

    def labels(self, lang: Lang = "nl") -> tuple[str, ...]:
        """Return one label per class, "from – to", with four significant digits in ``lang``'s format."""
        check_lang(lang)
        b = self.bins
        return tuple(f"{_short(b[i], lang)} – {_short(b[i + 1], lang)}" for i in range(len(b) - 1))

    @property
    def decimals(self) -> int:
        """Decimals that show four significant digits of the largest value (0 to 6), for charts."""
        top = max(abs(v) for v in self.values.values())
        if top == 0:
            return 0
        return min(6, max(0, 3 - math.floor(math.log10(top))))

    def classify(self, value: float) -> int:
        """Return the class (0-based) of a value on this indicator's own scale."""
        for i in range(len(self.bins) - 2, -1, -1):
            if value >= self.bins[i]:
                return i
        return 0

    def series(self) -> pd.Series:
        """Return the values as a Series indexed by code."""
        return pd.Series(self.values, name=self.name, dtype="float64")


def _short(value: float, lang: Lang) -> str:
    """Four significant digits, never in exponent notation (``22800``, ``0,1235`` in Dutch)."""
    text = str(np.format_float_positional(value, precision=4, unique=True, fractional=False, trim="-"))
    return fmt.plain(float(text), lang)


def _scale(values: list[float]) -> tuple[float, ...]:
    arr = np.asarray(values, dtype="float64")
    qs = np.unique(np.quantile(arr, np.linspace(0, 1, N_CLASSES + 1)))
    if len(qs) == 1:
        qs = np.array([qs[0], qs[0]])
    return tuple(float(q) for q in qs)


def read_indicators(ds: Dataset, data: bytes) -> tuple[Indicator, ...]:
    r"""Check an uploaded CSV and return one :class:`Indicator` per numeric column.

    Parameters
    ----------
    ds : Dataset
        Codes must be areas of it.
    data : bytes
        The upload, at most :data:`MAX_UPLOAD_BYTES`.

    Returns
    -------
    tuple of Indicator

    Raises
    ------
    ValidationError
        One error that lists every problem with its row number (the header is row 1): no code
        column, malformed or unknown codes, duplicate codes, text in a numeric column.

    Examples
    --------
    >>> read_indicators(ds, b"code,inwoners\nWK034403,34000\n")[0].values  # doctest: +SKIP
    {'WK034403': 34000.0}
    """
    table = read_table(data)
    lower = {c.strip().lower(): c for c in table.columns}
    code_col = next((lower[k] for k in _CODE_COLUMNS if k in lower), None)
    if code_col is None:
        shown = ", ".join(repr(c[:30]) for c in list(table.columns)[:10])
        raise _refuse(
            [
                (
                    f"no code column: the columns are {shown}; name the column with CBS codes 'code'",
                    f"geen codekolom: de kolommen zijn {shown}; noem de kolom met CBS-codes 'code'",
                )
            ]
        )
    problems: list[tuple[str, str]] = []
    codes = [str(c).strip().upper() for c in table[code_col]]
    for i, code in enumerate(codes, start=2):
        if not is_valid_code(code):
            problems.append(
                (
                    f"row {i}: {code[:20]!r} is not a CBS code (WK034403, BU0363AA01)",
                    f"regel {i}: {code[:20]!r} is geen CBS-code (WK034403, BU0363AA01)",
                )
            )
        elif not ds.has(code):
            problems.append(
                (
                    f"row {i}: code {code} is not in the dataset (unknown or outdated)",
                    f"regel {i}: code {code} staat niet in de dataset (onbekend of verouderd)",
                )
            )
    seen: dict[str, int] = {}
    for i, code in enumerate(codes, start=2):
        if code in seen:
            problems.append(
                (
                    f"row {i}: code {code} appears again (first in row {seen[code]})",
                    f"regel {i}: code {code} komt nog eens voor (eerst in regel {seen[code]})",
                )
            )
        else:
            seen[code] = i
    value_cols = [c for c in table.columns if c != code_col and str(c).strip().lower() not in ("naam", "name")]
    value_cols = [c for c in value_cols if str(c).strip()]
    if not value_cols:
        raise _refuse(
            [
                (
                    "no value column: add at least one numeric column next to the codes",
                    "geen waardekolom: zet minstens één kolom met getallen naast de codes",
                )
            ]
        )
    raw = [[str(v) for v in table[c]] for c in value_cols]
    comma = _decimal_comma(raw, str(table.attrs.get("separator", ",")))
    parsed: dict[str, list[float]] = {}
    for col, cells in zip(value_cols, raw, strict=True):
        numbers: list[float] = []
        for i, cell in enumerate(cells, start=2):
            v = _parse_number(cell, comma)
            if v is None:
                where, what = (
                    f"{i}, column {col[:30]!r}: {cell.strip()[:20]!r}",
                    f"{i}, kolom {col[:30]!r}: {cell.strip()[:20]!r}",
                )
                problems.append((f"row {where} is not a number", f"regel {what} is geen getal"))
                numbers.append(math.nan)
            else:
                numbers.append(v)
        parsed[col] = numbers
    if problems:
        raise _refuse(problems)
    out = []
    for col, numbers in parsed.items():
        values = {c: v for c, v in zip(codes, numbers, strict=True) if not math.isnan(v)}
        if not values:
            continue
        out.append(Indicator(str(col).strip(), values, _scale(list(values.values()))))
    if not out:
        raise _refuse(
            [
                (
                    "every value cell is empty; fill in at least one number",
                    "alle waardecellen zijn leeg; vul minstens één getal in",
                )
            ]
        )
    return tuple(out)


@dataclass(frozen=True)
class IndicatorMap:
    """What the app shows of one indicator: map fills, tooltips, legend and chart data.

    Attributes
    ----------
    colours, tooltips : dict of str to str
        Per code: the class colour of :data:`PALETTE`; plain text "name (code) · column: value"
        (escape it for HTML: the column name is the uploader's text).
    legend : tuple of (str, str)
        (colour, label) per class.
    chart : DataFrame
        ``code, name, value`` of the :data:`CHART_AREAS` highest values, highest first.
    n_areas : int
        Areas with a value (the chart shows at most :data:`CHART_AREAS`).
    """

    colours: dict[str, str]
    tooltips: dict[str, str]
    legend: tuple[tuple[str, str], ...]
    chart: pd.DataFrame
    n_areas: int


def indicator_map(ds: Dataset, indicator: Indicator, lang: Lang = "nl") -> IndicatorMap:
    """Return the map fills, tooltips, legend and chart data of an uploaded indicator, in ``lang``."""
    check_lang(lang)
    top = len(PALETTE) - 1
    colours = {c: PALETTE[min(indicator.classify(v), top)] for c, v in indicator.values.items()}
    tooltips = {c: f"{ds.name(c)} ({c}) · {indicator.name}: {fmt.plain(v, lang)}" for c, v in indicator.values.items()}
    legend = tuple((PALETTE[min(i, top)], label) for i, label in enumerate(indicator.labels(lang)))
    codes = list(indicator.values)
    chart = pd.DataFrame(
        {"code": codes, "name": [ds.name(c) for c in codes], "value": [indicator.values[c] for c in codes]}
    )
    chart = chart.sort_values("value", ascending=False, kind="stable").head(CHART_AREAS).reset_index(drop=True)
    return IndicatorMap(colours, tooltips, legend, chart, len(codes))
