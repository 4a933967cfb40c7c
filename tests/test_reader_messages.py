"""Reader messages name the fix (geo.scores, geo.areas, geo.validate), on broken copies of real files."""

from __future__ import annotations

import json
import re

import pytest

import geo
from geo.schema import PUBLISHED_YEARS
from tests.conftest import GEMEENTEN_2024, WIJK_SCORES_2024


def test_a_header_only_score_file_says_to_download_it_again(tmp_path):
    path = tmp_path / WIJK_SCORES_2024.name
    path.write_text(WIJK_SCORES_2024.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(geo.ValidationError) as info:
        geo.read_scores(path)
    assert info.value.problems == [
        "the file has a header but no rows (an incomplete download or export?); download it again "
        "from leefbaarometer.nl/page/open-data, or export it again with its rows"
    ]


@pytest.mark.parametrize("year", [2015, 2023, 2025])
def test_a_year_the_leefbaarometer_never_measured_says_so_and_what_to_do(tmp_path, year):
    assert year not in PUBLISHED_YEARS
    lines = WIJK_SCORES_2024.read_text(encoding="utf-8").splitlines()
    header, row = lines[0], lines[1]
    cells = row.split(",")
    cells[header.split(",").index("jaar")] = str(year)
    path = tmp_path / "scores.csv"
    path.write_text("\n".join([header, ",".join(cells), *lines[2:4]]) + "\n", encoding="utf-8")
    with pytest.raises(geo.ValidationError) as info:
        geo.read_scores(path)
    (problem,) = info.value.problems
    assert problem == (
        f"column 'jaar': 1 values ({year}) are not measurement years 2002, 2008, 2012, 2014, 2016, 2018, 2020, "
        "2022, 2024 in row 2; the Leefbaarometer measured only in those years: correct the year or remove those rows"
    )


def test_a_truncated_geojson_is_called_damaged_without_gdal_text(tmp_path):
    path = tmp_path / "gemeenten_2024.geojson"
    path.write_bytes(GEMEENTEN_2024.read_bytes()[:50_000])
    with pytest.raises(geo.DataFileError) as info:
        geo.read_areas(path)
    assert str(info.value) == (
        f"{path}: cannot be read as a geometry file (damaged or incomplete JSON: it ends in the middle of the "
        "data, 50000 bytes); download or export it again"
    )
    assert not re.search(r"GDAL|DataSourceError|Unterminated|At line", str(info.value))


def test_a_geometry_file_with_only_empty_geometries_is_not_called_a_crs_problem(tmp_path):
    data = json.loads(GEMEENTEN_2024.read_text(encoding="utf-8"))
    data["features"] = data["features"][:5]
    for f in data["features"]:
        f["geometry"] = None
    path = tmp_path / "gemeenten.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(geo.ValidationError) as info:
        geo.read_areas(path)
    assert info.value.problems == [
        "every one of the 5 features has an empty or missing geometry: the file holds codes but no polygons "
        "(a failed or attribute-only export?); export the areas again with their geometry"
    ]
    assert "CRS" not in str(info.value)
