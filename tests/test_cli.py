"""The command line: ``python -m geo export`` writes export_files' bytes; --data and LEEFBAARHEID_DATA."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys

import pytest

import geo
from geo.__main__ import main, sidecar_path
from geo.export import ExportOptions, export_files, export_table, to_csv_bytes
from geo.selection import Filter, Selection
from tests.conftest import ROOT

DAY = dt.date(2025, 3, 14)


@pytest.mark.parametrize(
    ("flags", "options"),
    [
        ([], ExportOptions(formats=("csv",), export_date=DAY)),
        (
            ["--dutch", "--bom", "--layout", "wide", "--round", "4", "--years", "2012,2022"],
            ExportOptions(
                layout="wide",
                dutch=True,
                bom=True,
                decimals=4,
                years=(2012, 2022),
                formats=("csv",),
                export_date=DAY,
            ),
        ),
        (["--format", "geojson"], ExportOptions(formats=("geojson",), export_date=DAY)),
        (["--format", "gpkg"], ExportOptions(formats=("gpkg",), export_date=DAY)),
    ],
    ids=["csv", "csv-dutch-wide-round", "geojson", "gpkg"],
)
def test_cli_writes_the_export_files(dataset, tmp_path, capsys, flags, options):
    out = tmp_path / "export.out"
    args = ["export", "--gemeente", "GM0014,GM0820", "--out", str(out), "--export-date", "2025-03-14", "--sidecar"]
    assert main([*args, *flags]) == 0
    sel = Selection().add_gemeente(dataset, "GM0014").add_gemeente(dataset, "GM0820")
    files = export_files(dataset, sel, options)
    fmt = options.formats[0]
    assert out.read_bytes() == files.data(fmt)
    assert sidecar_path(out).read_bytes() == files.sidecar(fmt)
    meta = json.loads(sidecar_path(out).read_bytes())
    assert meta["format"] == fmt and meta["export_date"] == "2025-03-14"
    assert meta["layout"] == ("wide" if fmt != "csv" or "wide" in flags else "long")
    assert sorted({p.name for p in tmp_path.iterdir()}) == ["export.metadata.json", "export.out"]  # no temp files
    assert "wrote" in capsys.readouterr().out


def test_cli_sidecar_credits_the_outlines_of_the_exported_areas(tmp_path):
    """Two Utrecht wijken and a Utrecht buurt (Kanaleneiland-Noord, outline from the WFS file of
    province 26): the sidecar credits CBS / Kadaster, never the City of Amsterdam."""
    out = tmp_path / "utrecht.geojson"
    codes = "WK034403,BU03440832,WK034406"
    assert main(["export", "--codes", codes, "--format", "geojson", "--out", str(out), "--sidecar"]) == 0
    meta = json.loads(sidecar_path(out).read_bytes())
    outlines = {s["file"]: s["boundaries_exported"] for s in meta["sources"] if "boundaries_exported" in s}
    assert outlines == {"cbs/wijken_2024.geojson": 2, "leefbaarometer/wfs-meting-2024/buurten/26.geojson": 1}
    assert "Amsterdam" not in json.dumps(meta["sources"]) and "Amsterdam" not in meta["attribution"]


def test_cli_csv_is_the_table_written_as_csv(dataset, tmp_path):
    out = tmp_path / "f.csv"
    assert main(["export", "--filter", "measure=afw,op=below,threshold=-0.1,year=2022", "--out", str(out)]) == 0
    sel = Selection().add_filter(dataset, Filter("afw", "below", -0.1, year=2022))
    assert out.read_bytes() == to_csv_bytes(export_table(dataset, sel))
    assert main(["export", "--codes", "WK0363AA,BU0363AA01", "--out", str(out)]) == 0
    assert out.read_bytes() == to_csv_bytes(export_table(dataset, Selection(("WK0363AA", "BU0363AA01"))))


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--codes", "WK999901"], "--codes WK999901: `codes` holds 1 code(s) that are not areas of the dataset"),
        (["--codes", " , "], "--codes ' , ' names no area; pass codes separated by commas, e.g. --codes WK0363AA"),
        (["--gemeente", ","], "--gemeente ',' names no area; pass codes separated by commas, e.g. --gemeente GM0363"),
        (
            ["--filter", "measure=afw,op=below,threshold=-9,year=2022"],
            "--filter measure=afw,op=below,threshold=-9,year=2022: no area matches, so there is nothing to export",
        ),
        (["--filter", "colour=red"], "--filter colour=red: filter key 'colour' is unknown"),
        (["--selection", "1abcd"], "--selection 1abcd: `token` is not a valid selection link"),
        (
            ["--gemeente", "GM0014", "--years", "1999,2022"],
            "--years 1999,2022: the dataset has scores in 2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024; "
            "pass some of those, or leave --years out",
        ),
        (["--gemeente", "GM0014", "--format", "gpkg", "--dutch"], "--dutch: only for --format csv"),
        (["--gemeente", "GM0014", "--years", "2012,x"], "--years was '2012,x'"),
        (["--gemeente", "GM0014", "--export-date", "14-03-2025"], "expected YYYY-MM-DD"),
    ],
    ids=[
        "unknown-code",
        "no-codes",
        "no-gemeente",
        "empty",
        "bad-filter",
        "bad-token",
        "unknown-year",
        "csv-flag-on-gpkg",
        "years",
        "date",
    ],
)
def test_cli_errors_exit_2(tmp_path, capsys, argv, match):
    out = tmp_path / "x.csv"
    assert main(["export", *argv, "--out", str(out)]) == 2
    assert match in capsys.readouterr().err
    assert not out.exists()


def test_python_dash_m_geo_export(tmp_path):
    out = tmp_path / "a.csv"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "geo", "export", *args]
        return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)

    ok = run("--codes", "WK0363AA", "--dutch", "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    ds = geo.load_dataset()
    assert out.read_bytes() == to_csv_bytes(export_table(ds, Selection(("WK0363AA",))), dutch=True)
    bad = run("--codes", "WK0363ZZ", "--out", str(out))
    assert bad.returncode == 2
    assert "error: --codes WK0363ZZ: `codes` holds 1 code(s) that are not areas of the dataset: WK0363ZZ" in bad.stderr


def test_leefbaarheid_data_is_the_default_dataset_folder(tmp_path, monkeypatch, capsys):
    out = tmp_path / "a.csv"
    elsewhere = tmp_path / "other-dataset"
    monkeypatch.setenv("LEEFBAARHEID_DATA", str(elsewhere))
    for command in (["export", "--codes", "WK0363AA"], ["brief", "--code", "WK0363AA", "--year", "2022"]):
        argv = [*command, "--out", str(tmp_path / ("b.pdf" if command[0] == "brief" else "a.csv"))]
        assert main(argv) == 2
        assert str(elsewhere) in capsys.readouterr().err  # the folder the variable names was the one read
    assert main(["export", "--codes", "WK0363AA", "--data", str(ROOT / "data"), "--out", str(out)]) == 0  # --data wins
    monkeypatch.setenv("LEEFBAARHEID_DATA", str(ROOT / "data"))
    assert main(["export", "--codes", "WK0363AA", "--out", str(out), "--sidecar"]) == 0
    manifest_sha = json.loads(sidecar_path(out).read_bytes())["dataset"]["manifest_sha256"]
    assert manifest_sha == hashlib.sha256((ROOT / "data" / "manifest.json").read_bytes()).hexdigest()


def test_gaps_is_a_subcommand_with_the_shared_csv_options(tmp_path, capsys):
    out = tmp_path / "g.csv"
    with pytest.raises(SystemExit) as stop:
        main(["gaps", "--codes", "WK036394", "--from", "2008", "--to", "2018", "--round", "400", "--out", str(out)])
    assert stop.value.code == 2
    assert "argument --round: '400' is not a whole number from 0 to 15" in capsys.readouterr().err
    assert main(["gaps", "--codes", "WK036394", "--from", "2008", "--to", "2018", "--out", str(tmp_path)]) == 2
    assert f"--out {tmp_path} is a folder" in capsys.readouterr().err


def test_build_prints_the_csv_wfs_agreement_in_one_line(tmp_path, monkeypatch, capsys):
    """The build's report ends with how far the score files and the WFS export agree (manifest "precedence")."""
    import importlib

    build_module = importlib.import_module("geo.build")  # `geo.build` is also the function, re-exported by geo
    manifest = json.loads((ROOT / "data" / "manifest.json").read_text(encoding="utf-8"))
    monkeypatch.setattr(build_module, "build", lambda src, out: manifest)  # the real build's manifest, not rebuilt
    assert main(["build", "--from", str(ROOT / "data" / "sources"), "--out", str(tmp_path / "out")]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "agree" in line]
    # by hand: 441 Amsterdam buurten in 2024 are in both; the largest difference is vrz's 5.18e-7
    assert lines == [
        "  CSV/WFS agreement: buurt 441 scores in both, largest difference 5.2e-07 (vrz); "
        "the score file (CSV/XLSX, full precision) wins; the WFS classes are kept on its row"
    ]
    del manifest["precedence"]  # a manifest from before the WFS export: no line, no error
    assert main(["build", "--from", str(ROOT / "data" / "sources"), "--out", str(tmp_path / "out")]) == 0
    assert "agreement" not in capsys.readouterr().out


def test_help_reads_well(capsys):
    for argv in ([], ["build"], ["export"], ["brief"]):
        with pytest.raises(SystemExit) as stop:
            main([*argv, "--help"])
        assert stop.value.code == 0
        text = capsys.readouterr().out
        assert ":mod:" not in text and "``" not in text  # plain text, not the API docs' markup
        assert text.startswith(f"usage: python -m geo {' '.join(argv)}".rstrip())
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = capsys.readouterr().out
    assert "--filter SPEC" in text and "rank_<measure>" in text and "--data DIR" in text
