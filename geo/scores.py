"""Read Leefbaarometer 3.0 score files (CSV or XLSX) as published.

The official open-data files have one row per area and measurement year:
``wk_code, wk_naam, jaar, lbm, afw, fys, onv, soc, vrz, won`` (``bu_`` for buurten,
``gm_`` for gemeenten), with ``NA`` for a missing value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo._errors import DataFileError, RepairReport, ValidationError
from geo.codes import Level
from geo.schema import MEASURES, SCORE_CODE_COLUMNS, SCORE_NAME_COLUMNS
from geo.validate import missing_column_problems, score_problems

__all__ = ["ScoreFile", "read_scores"]

_NA = ("NA", "")


@dataclass
class ScoreFile:
    """A validated score file.

    Attributes
    ----------
    path : Path
        The file read.
    level : {"gemeente", "wijk", "buurt"}
        The level of its codes.
    meting : int
        The measurement (vintage) the scores come from: the latest year in the file.
    frame : DataFrame
        Columns ``code, name, year, lbm, afw, fys, onv, soc, vrz, won``; floats with NaN for NA.
    report : RepairReport
        Rows left out (rows with neither ``lbm`` nor ``afw``), counted.
    """

    path: Path
    level: Level
    meting: int
    frame: pd.DataFrame
    report: RepairReport


def _read_text_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xls"):
            try:
                frame = pd.read_excel(path, dtype=str, keep_default_na=False)
            except (FileNotFoundError, ValueError):
                raise
            except Exception as exc:  # a damaged workbook: zipfile/openpyxl raise many types
                msg = f"{path}: cannot be read as a workbook ({type(exc).__name__}: {exc}); is it an XLSX file?"
                raise DataFileError(msg) from exc
        elif suffix in (".csv", ".txt"):
            with path.open(encoding="utf-8-sig") as fh:
                header = fh.readline()
            dutch = header.count(";") > header.count(",")
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                sep=";" if dutch else ",",
                encoding="utf-8-sig",
            )
            if dutch:  # semicolon files from Dutch Excel use a decimal comma, in the numbers only
                numeric = [c for c in frame.columns if str(c).strip().lower() in ("jaar", *MEASURES)]
                frame[numeric] = frame[numeric].apply(lambda s: s.str.replace(",", ".", regex=False))
        else:
            msg = (
                f"{path}: unsupported score file type {suffix!r}; "
                "give a .csv or .xlsx file as published by leefbaarometer.nl"
            )
            raise DataFileError(msg)
    except FileNotFoundError as exc:
        msg = f"{path}: file not found; check the path"
        raise DataFileError(msg) from exc
    except UnicodeDecodeError as exc:
        msg = f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8"
        raise DataFileError(msg) from exc
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        if isinstance(exc, DataFileError):
            raise
        msg = f"{path}: cannot be read as a table ({exc}); is it a Leefbaarometer CSV or XLSX?"
        raise DataFileError(msg) from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame = frame.apply(lambda s: s.str.strip())
    out: pd.DataFrame = frame.mask(frame.isin(_NA))
    return out


def _detect_level(path: Path, columns: list[str]) -> tuple[Level, str]:
    for level, col in SCORE_CODE_COLUMNS.items():
        if col in columns:
            return level, col
    msg = (
        f"{path}: no code column; expected one of "
        f"{', '.join(SCORE_CODE_COLUMNS.values())} (found {', '.join(map(repr, columns))}). "
        "Rename the area code column, e.g. to 'wk_code' for wijken"
    )
    raise ValidationError(str(path), [msg])


def read_scores(path: str | Path) -> ScoreFile:
    """Read and validate one Leefbaarometer 3.0 score file.

    Parameters
    ----------
    path : str or Path
        A CSV (comma- or semicolon-separated) or XLSX file with the published columns.

    Returns
    -------
    ScoreFile
        The validated table with its level, measurement and repair report.

    Raises
    ------
    DataFileError
        When the file is missing, not a table or not UTF-8.
    ValidationError
        Listing every problem found: missing columns, non-numeric scores, duplicate
        (code, year) rows, malformed codes, unknown years, ``lbm - afw`` not constant and
        dimensions that do not add up to ``afw``.

    Examples
    --------
    >>> sf = read_scores("data/sources/leefbaarometer/meting-2024-wijken-subset.csv")
    >>> sf.level, sf.meting
    ('wijk', 2024)
    """
    path = Path(path)
    raw = _read_text_table(path)
    columns = list(raw.columns)
    level, code_col = _detect_level(path, columns)
    header_problems = missing_column_problems(columns, [code_col, "jaar", *MEASURES])
    if header_problems:
        raise ValidationError(str(path), header_problems)
    if raw.empty:
        msg = (
            "the file has a header but no rows (an incomplete download or export?); download it again "
            "from leefbaarometer.nl/page/open-data, or export it again with its rows"
        )
        raise ValidationError(str(path), [msg])

    numeric = raw[["jaar", *MEASURES]].apply(pd.to_numeric, errors="coerce")
    problems = score_problems(raw, numeric, level=level, code_col=code_col)
    if problems:
        raise ValidationError(str(path), problems)

    name_col = SCORE_NAME_COLUMNS[level]
    frame = pd.DataFrame(
        {
            "code": raw[code_col].astype(str),
            "name": raw[name_col].astype(str) if name_col in raw else pd.NA,
            "year": numeric["jaar"].astype("int64"),
        }
    )
    for col in MEASURES:
        frame[col] = numeric[col].astype("float64")

    report = RepairReport(str(path))
    unscored = frame["lbm"].isna() & frame["afw"].isna()
    if unscored.all():
        msg = "no row has a score: lbm and afw are NA on every row; is this the right file?"
        raise ValidationError(str(path), [msg])
    report.add(
        "rows without lbm and afw left out",
        [f"{c} {y}" for c, y in frame.loc[unscored, ["code", "year"]].itertuples(index=False)],
    )
    frame = frame[~unscored].sort_values(["code", "year"], kind="stable").reset_index(drop=True)
    meting = int(frame["year"].max())
    return ScoreFile(path=path, level=level, meting=meting, frame=frame, report=report)
