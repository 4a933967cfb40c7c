"""Reading and validating Leefbaarometer score files (geo.scores, geo.validate).

The real facts are asserted on the project's copy of the official files. Every error path is fed
a broken copy of the first 200 data rows of the official meting-2022 wijk file, so the reader
sees the real format (column order, ``NA``, full-precision floats) with one thing changed.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

import geo
from geo.validate import describe_rows, missing_column_problems
from tests.conftest import BUURT_SCORES_2024, WIJK_SCORES_2022, WIJK_SCORES_2024

REFERENCE = 4.102264851143685  # lbm - afw on every row of the published files
NUMBER_COLUMNS = ["jaar", "lbm", "afw", "fys", "onv", "soc", "vrz", "won"]


# -- the real files ----------------------------------------------------------------------------
def test_meting_2022_has_3310_wijken_and_26366_rows(wijk_scores_2022):
    f = wijk_scores_2022.frame
    assert wijk_scores_2022.level == "wijk" and wijk_scores_2022.meting == 2022
    assert len(f) == 26366 and f["code"].nunique() == 3310
    assert sorted(f["year"].unique()) == [2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022]
    assert wijk_scores_2022.report.counts == {}  # every row has lbm and afw: nothing left out
    assert list(f.columns) == ["code", "name", "year", "lbm", "afw", "fys", "onv", "soc", "vrz", "won"]


def test_meting_2022_every_row_passes_both_checks(wijk_scores_2022):
    f = wijk_scores_2022.frame
    assert ((f["lbm"] - f["afw"]) - REFERENCE).abs().max() < 1e-5
    full = f[list(geo.DIMENSIONS)].notna().all(axis=1)
    assert full.sum() == 13202  # the rows of 2014, 2018, 2020 and 2022 have all five dimensions ...
    assert (f.loc[full, list(geo.DIMENSIONS)].sum(axis=1) - f.loc[full, "afw"]).abs().max() < 1e-5
    assert f[list(geo.DIMENSIONS)].isna().all(axis=1).sum() == len(f) - full.sum()  # ... the others none
    assert set(f.loc[full, "year"]) == {2014, 2018, 2020, 2022}


def test_the_reader_keeps_every_value_of_the_file(wijk_scores_2022):
    # an independent read with pandas' own NA handling gives the same numbers, row for row
    plain = pd.read_csv(WIJK_SCORES_2022, na_values=["NA"], keep_default_na=False)
    plain = plain.sort_values(["wk_code", "jaar"], kind="stable").reset_index(drop=True)
    f = wijk_scores_2022.frame
    assert f["code"].tolist() == plain["wk_code"].tolist()
    assert f["name"].tolist() == plain["wk_naam"].tolist()
    assert f["year"].tolist() == plain["jaar"].tolist()
    for m in geo.MEASURES:
        np.testing.assert_array_equal(f[m].to_numpy(), plain[m].to_numpy())


@pytest.mark.parametrize(
    ("path", "level", "rows", "areas"),
    [(WIJK_SCORES_2024, "wijk", 1213, 219), (BUURT_SCORES_2024, "buurt", 4316, 489)],
    ids=["wijken-2024", "buurten-amsterdam-2024"],
)
def test_meting_2024_files(path, level, rows, areas):
    sf = geo.read_scores(path)
    assert sf.level == level and sf.meting == 2024
    assert len(sf.frame) == rows and sf.frame["code"].nunique() == areas
    f = sf.frame
    assert ((f["lbm"] - f["afw"]) - REFERENCE).abs().max() < 1e-5
    full = f[list(geo.DIMENSIONS)].notna().all(axis=1)
    assert set(f.loc[full, "year"]) == {2014, 2018, 2020, 2022, 2024}
    assert (f.loc[full, list(geo.DIMENSIONS)].sum(axis=1) - f.loc[full, "afw"]).abs().max() < 1e-5


# -- broken copies of the real file -------------------------------------------------------------
@pytest.fixture(scope="module")
def real_rows() -> list[list[str]]:
    """The header and the first 200 data rows of the official meting-2022 wijk file, as cells."""
    with WIJK_SCORES_2022.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        return [next(reader) for _ in range(201)]


def _write(tmp_path, rows, name="scores.csv", *, encoding="utf-8", sep=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\n").writerows(rows)
    path = tmp_path / name
    path.write_text(buf.getvalue(), encoding=encoding)
    return path


def _edit(rows, row, column, value):
    """Copy of ``rows`` with ``rows[row][column] = value``; ``rows[row]`` is spreadsheet row ``row + 1``."""
    out = [list(r) for r in rows]
    out[row][out[0].index(column)] = value
    return out


def _first_row_of_year(rows, year):
    return next(i for i, r in enumerate(rows) if i and r[2] == str(year))


def test_the_untouched_copy_reads(tmp_path, real_rows):
    sf = geo.read_scores(_write(tmp_path, real_rows))
    assert len(sf.frame) == 200 and sf.level == "wijk" and sf.meting == 2022
    assert sf.frame.loc[0, "code"] == "WK001400" and sf.frame.loc[0, "lbm"] == 4.131519995884998


def test_missing_column(tmp_path, real_rows):
    rows = [r[:5] + r[6:] for r in real_rows]  # no 'fys'
    with pytest.raises(geo.ValidationError, match=r"column 'fys' is missing; the file has 'wk_code', .*Add the column"):
        geo.read_scores(_write(tmp_path, rows))


def test_misspelt_column_suggests_renaming(tmp_path, real_rows):
    rows = _edit(real_rows, 0, "lbm", "lmb")
    with pytest.raises(
        geo.ValidationError, match=r"column 'lbm' is missing; found 'lmb', which looks misspelt: rename it to 'lbm'"
    ):
        geo.read_scores(_write(tmp_path, rows))


def test_no_code_column(tmp_path, real_rows):
    rows = _edit(real_rows, 0, "wk_code", "wijk")
    with pytest.raises(geo.ValidationError, match="no code column; expected one of bu_code, wk_code, gm_code"):
        geo.read_scores(_write(tmp_path, rows))


@pytest.mark.parametrize(("row", "column"), [(5, "lbm"), (120, "afw"), (200, "jaar")])
def test_non_numeric_value_names_column_and_spreadsheet_row(tmp_path, real_rows, row, column):
    rows = _edit(real_rows, row, column, "hoog")
    path = _write(tmp_path, rows)
    # the row number a spreadsheet shows: the header is row 1
    shown = path.read_text(encoding="utf-8").splitlines().index(",".join(rows[row])) + 1
    assert shown == row + 1
    with pytest.raises(
        geo.ValidationError, match=rf"column '{column}': 1 non-numeric values \('hoog'\) in row {shown};"
    ) as err:
        geo.read_scores(path)
    assert str(path) in str(err.value) and "nothing was loaded" in str(err.value)


def test_non_numeric_values_in_many_rows_are_summarised(tmp_path, real_rows):
    rows = [list(r) for r in real_rows]
    for i in range(1, 21):
        rows[i][3] = "x"
    with pytest.raises(
        geo.ValidationError,
        match=r"column 'lbm': 20 non-numeric values \('x'\) in rows 2, 3, 4, 5, 6, 7, 8, 9 and 12 more \(20 in all\)",
    ):
        geo.read_scores(_write(tmp_path, rows))


def test_duplicate_code_and_year(tmp_path, real_rows):
    rows = [*real_rows, real_rows[3]]
    with pytest.raises(
        geo.ValidationError,
        match=r"duplicate \(wk_code, jaar\) rows: WK001400 2012 in rows 4, 202; keep one row per area and year",
    ):
        geo.read_scores(_write(tmp_path, rows))


def test_duplicate_year_written_as_a_float_is_still_a_duplicate(tmp_path, real_rows):
    twin = list(real_rows[3])
    twin[2] = "2012.0"  # what a spreadsheet with a float year column writes
    with pytest.raises(geo.ValidationError, match=r"duplicate \(wk_code, jaar\) rows: WK001400 2012 in rows 4, 202"):
        geo.read_scores(_write(tmp_path, [*real_rows, twin]))


def test_a_fractional_year_is_refused_as_a_year_not_reported_as_a_duplicate(tmp_path, real_rows):
    twin = list(real_rows[3])
    twin[2] = "2012.001"
    with pytest.raises(geo.ValidationError, match=r"1 problem found") as err:
        geo.read_scores(_write(tmp_path, [*real_rows, twin]))
    assert "2012.001" in err.value.problems[0] and "not measurement years" in err.value.problems[0]


@pytest.mark.parametrize("bad", ["W001400", "WK01400", "wk001400", "GM0014"])
def test_code_not_matching_the_cbs_pattern(tmp_path, real_rows, bad):
    rows = _edit(real_rows, 2, "wk_code", bad)
    with pytest.raises(
        geo.ValidationError,
        match=rf"column 'wk_code': 1 values are not wijk codes \('{bad}'\) in row 3; a wijk code looks like WK0363AA",
    ):
        geo.read_scores(_write(tmp_path, rows))


@pytest.mark.parametrize("year", ["2010", "2023", "1999"])
def test_year_outside_the_published_set(tmp_path, real_rows, year):
    rows = _edit(real_rows, 1, "jaar", year)
    with pytest.raises(
        geo.ValidationError,
        match=rf"column 'jaar': 1 values \({year}\) are not measurement years 2002, 2008, .*, 2024 in row 2",
    ):
        geo.read_scores(_write(tmp_path, rows))


def test_empty_year(tmp_path, real_rows):
    rows = _edit(real_rows, 9, "jaar", "")
    with pytest.raises(geo.ValidationError, match=r"column 'jaar': empty in row 10"):
        geo.read_scores(_write(tmp_path, rows))


def test_lbm_minus_afw_not_constant(tmp_path, real_rows):
    rows = _edit(real_rows, 7, "lbm", repr(float(real_rows[7][3]) + 0.01))
    with pytest.raises(
        geo.ValidationError,
        match=r"lbm - afw should be the national reference 4\.102265 on every row .* in row 8; check that the rows come from one measurement",
    ):
        geo.read_scores(_write(tmp_path, rows))


def test_lbm_minus_afw_within_the_tolerance_is_accepted(tmp_path, real_rows):
    # meting 2024 rounds to 6 decimals: a difference of 1e-6 is no error
    rows = _edit(real_rows, 7, "lbm", repr(float(real_rows[7][3]) + 1e-6))
    assert len(geo.read_scores(_write(tmp_path, rows)).frame) == 200


def test_lbm_without_afw(tmp_path, real_rows):
    rows = _edit(real_rows, 4, "afw", "NA")
    with pytest.raises(
        geo.ValidationError,
        match=r"columns 'lbm'/'afw': one is given without the other in row 5; give both or NA for both",
    ):
        geo.read_scores(_write(tmp_path, rows))


def test_dimensions_not_summing_to_afw(tmp_path, real_rows):
    row = _first_row_of_year(real_rows, 2022)
    rows = _edit(real_rows, row, "soc", repr(float(real_rows[row][7]) + 0.05))
    with pytest.raises(
        geo.ValidationError,
        match=rf"the five dimensions should add up to 'afw' \(within 1e-05\) but do not in row {row + 1}; check for a shifted or edited column",
    ):
        geo.read_scores(_write(tmp_path, rows))


def test_swapped_dimension_columns_still_sum(tmp_path, real_rows):
    # the check is on the sum: swapping two dimension headers is not detectable, and not refused
    rows = [list(r) for r in real_rows]
    rows[0][5], rows[0][6] = rows[0][6], rows[0][5]
    assert len(geo.read_scores(_write(tmp_path, rows)).frame) == 200


def test_partial_dimensions(tmp_path, real_rows):
    row = _first_row_of_year(real_rows, 2018)
    rows = _edit(real_rows, row, "won", "NA")
    with pytest.raises(
        geo.ValidationError,
        match=rf"columns fys, onv, soc, vrz, won: some dimensions are given and others are NA in row {row + 1}; give all five or none",
    ):
        geo.read_scores(_write(tmp_path, rows))


def test_every_problem_is_listed_in_one_error(tmp_path, real_rows):
    rows = _edit(_edit(_edit(real_rows, 5, "lbm", "hoog"), 1, "jaar", "2010"), 2, "wk_code", "W001400")
    with pytest.raises(geo.ValidationError, match="3 problems found; nothing was loaded") as err:
        geo.read_scores(_write(tmp_path, rows))
    problems = err.value.problems
    assert len(problems) == 3
    assert any("'wk_code'" in p for p in problems) and any("'jaar'" in p for p in problems)
    assert any("'lbm'" in p for p in problems)


def test_rows_without_lbm_and_afw_are_left_out_and_counted(tmp_path, real_rows):
    rows = _edit(_edit(real_rows, 5, "lbm", "NA"), 5, "afw", "NA")
    assert rows[5][:3] == ["WK001400", "Centrum", "2016"]
    with pytest.warns(UserWarning, match=r"rows without lbm and afw left out: 1 \(WK001400 2016\)"):
        sf = geo.read_scores(_write(tmp_path, rows))
    assert len(sf.frame) == 199
    assert sf.report.counts == {"rows without lbm and afw left out": 1}
    assert sf.report.details["rows without lbm and afw left out"] == ["WK001400 2016"]
    assert 2016 not in set(sf.frame.loc[sf.frame["code"] == "WK001400", "year"])


def test_a_file_without_any_score_is_refused(tmp_path, real_rows):
    rows = [real_rows[0], *([*r[:3], *["NA"] * 7] for r in real_rows[1:])]
    with pytest.raises(geo.ValidationError, match="no row has a score: lbm and afw are NA on every row"):
        geo.read_scores(_write(tmp_path, rows))


def test_file_not_found(tmp_path):
    with pytest.raises(geo.DataFileError, match=r"nope\.csv: file not found; check the path"):
        geo.read_scores(tmp_path / "nope.csv")


def test_xlsx_not_found(tmp_path):
    with pytest.raises(geo.DataFileError, match=r"nope\.xlsx: file not found"):
        geo.read_scores(tmp_path / "nope.xlsx")


def test_not_utf8(tmp_path, real_rows):
    rows = _edit(real_rows, 1, "wk_naam", "Café")
    with pytest.raises(geo.DataFileError, match=r"not UTF-8 text \(invalid .* at byte \d+\); save the file as UTF-8"):
        geo.read_scores(_write(tmp_path, rows, encoding="cp1252"))


def test_binary_file_with_a_csv_name(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    with pytest.raises(geo.DataFileError, match="not UTF-8 text"):
        geo.read_scores(path)


@pytest.mark.parametrize("suffix", [".json", ".parquet", ".ods", ""])
def test_unsupported_suffix(tmp_path, real_rows, suffix):
    with pytest.raises(
        geo.DataFileError, match=rf"unsupported score file type '{suffix}'; give a \.csv or \.xlsx file"
    ):
        geo.read_scores(_write(tmp_path, real_rows, name=f"scores{suffix}"))


def test_empty_file(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_bytes(b"")
    with pytest.raises(geo.DataFileError, match=r"cannot be read as a table \(No columns to parse from file\)"):
        geo.read_scores(path)


def test_header_only(tmp_path, real_rows):
    with pytest.raises(geo.ValidationError, match="the file has a header but no rows"):
        geo.read_scores(_write(tmp_path, real_rows[:1]))


def test_ragged_rows(tmp_path, real_rows):
    rows = [list(r) for r in real_rows]
    rows[50] = [*rows[50], "extra", "cells"]
    with pytest.raises(geo.DataFileError, match="cannot be read as a table"):
        geo.read_scores(_write(tmp_path, rows))


# -- other published forms ---------------------------------------------------------------------
def test_xlsx_copy_reads_to_the_same_frame(tmp_path, real_rows):
    csv_path = _write(tmp_path, real_rows)
    # as Excel holds it: numbers as number cells, NA as empty cells
    pd.read_csv(csv_path, na_values=["NA"], keep_default_na=False).to_excel(tmp_path / "scores.xlsx", index=False)
    from_csv, from_xlsx = geo.read_scores(csv_path), geo.read_scores(tmp_path / "scores.xlsx")
    pd.testing.assert_frame_equal(from_xlsx.frame, from_csv.frame)
    assert (from_xlsx.level, from_xlsx.meting) == (from_csv.level, from_csv.meting)


def test_xlsx_with_text_cells_reads_to_the_same_frame(tmp_path):
    # every cell text, NA written out, as a CSV opened and saved in Excel without conversion
    raw = pd.read_csv(WIJK_SCORES_2024, dtype=str, keep_default_na=False)
    raw.to_excel(tmp_path / "scores.xlsx", index=False)
    pd.testing.assert_frame_equal(
        geo.read_scores(tmp_path / "scores.xlsx").frame, geo.read_scores(WIJK_SCORES_2024).frame
    )


@pytest.mark.parametrize("damage", ["truncated", "zip-without-workbook", "garbage"])
def test_damaged_xlsx_is_a_data_file_error(tmp_path, real_rows, damage):
    good = tmp_path / "good.xlsx"
    pd.read_csv(_write(tmp_path, real_rows), na_values=["NA"], keep_default_na=False).to_excel(good, index=False)
    bad = tmp_path / "scores.xlsx"
    if damage == "truncated":
        data = good.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "zip-without-workbook":
        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("readme.txt", "not a workbook")
    else:
        bad.write_bytes(b"wk_code,wk_naam\n")
    with pytest.raises(geo.DataFileError, match=r"scores\.xlsx: cannot be read as a (workbook|table)"):
        geo.read_scores(bad)


def test_dutch_excel_csv_reads_to_the_same_values(tmp_path):
    # semicolon separator and decimal comma, as Dutch Excel saves "CSV (puntkomma)"; names keep their commas
    raw = pd.read_csv(WIJK_SCORES_2024, dtype=str, keep_default_na=False)
    dutch = raw.copy()
    dutch[NUMBER_COLUMNS] = dutch[NUMBER_COLUMNS].apply(lambda s: s.str.replace(".", ",", regex=False))
    assert dutch["wk_naam"].str.contains(",").any()
    assert dutch["lbm"].str.contains(",").all()
    dutch.to_csv(tmp_path / "dutch.csv", sep=";", index=False, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(
        geo.read_scores(tmp_path / "dutch.csv").frame, geo.read_scores(WIJK_SCORES_2024).frame
    )


def test_dutch_csv_from_the_real_rows(tmp_path, real_rows):
    rows = [real_rows[0]] + [[*r[:3], *(c.replace(".", ",") for c in r[3:])] for r in real_rows[1:]]
    dutch = geo.read_scores(_write(tmp_path, rows, name="dutch.csv", sep=";"))
    pd.testing.assert_frame_equal(dutch.frame, geo.read_scores(_write(tmp_path, real_rows)).frame)


def test_excel_csv_with_bom_and_upper_case_headers(tmp_path, real_rows):
    rows = [[c.upper() for c in real_rows[0]], *real_rows[1:]]
    sf = geo.read_scores(_write(tmp_path, rows, encoding="utf-8-sig"))
    pd.testing.assert_frame_equal(sf.frame, geo.read_scores(_write(tmp_path, real_rows, name="plain.csv")).frame)


def test_whitespace_around_cells_is_ignored(tmp_path, real_rows):
    rows = [[f" {c} " for c in r] for r in real_rows]
    sf = geo.read_scores(_write(tmp_path, rows))
    pd.testing.assert_frame_equal(sf.frame, geo.read_scores(_write(tmp_path, real_rows, name="plain.csv")).frame)


# -- helpers of the validator ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([7], "row 7"),
        ([5, 2, 7], "rows 2, 5, 7"),
        (range(2, 12), "rows 2, 3, 4, 5, 6, 7, 8, 9 and 2 more (10 in all)"),
    ],
)
def test_describe_rows(rows, expected):
    assert describe_rows(rows) == expected


def test_missing_column_problems_is_empty_when_all_present():
    assert missing_column_problems(["wk_code", "jaar", "lbm"], ["jaar", "lbm"]) == []


def test_a_misspelling_is_only_suggested_from_unused_columns():
    # 'afw' is itself required, so it is not offered as the misspelling of 'lbm'
    problems = missing_column_problems(["afw", "jaar"], ["lbm", "afw", "jaar"])
    assert problems == [
        "column 'lbm' is missing; the file has 'afw', 'jaar'. "
        "Add the column (a Leefbaarometer 3.0 score file has lbm, afw, jaar)"
    ]


def test_warnings_name_the_file(tmp_path, real_rows):
    rows = _edit(_edit(real_rows, 4, "lbm", "NA"), 4, "afw", "NA")
    path = _write(tmp_path, rows)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        geo.read_scores(path)
    assert len(caught) == 1 and str(path) in str(caught[0].message)
