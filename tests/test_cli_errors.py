"""Every command-line failure exits 2 with a message naming the path or option and the fix.

One test per defect found in issue 10. Outputs appear all together or not at all: a CSV and its
sidecar, a PDF and its PNG. Disk and permission failures are injected by patching the write
(the tests run as root, where chmod does not stop a write).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import geo._cli
from geo.__main__ import main
from tests.conftest import ROOT

EXPORT = ["export", "--codes", "WK0363AA,WK0363AB"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "geo", *args]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)


def _no_raw_error(err: str) -> None:
    assert "Traceback" not in err and "[Errno" not in err, err


def _fail_open(monkeypatch, code: int, *, after: int = 0) -> None:
    """Make the (after+1)-th file opened for writing by the command line fail with ``code``."""
    real_open = os.open
    count = {"n": 0}

    def fake_open(path, flags, mode=0o777, *args, **kwargs):
        if flags & os.O_WRONLY:
            count["n"] += 1
            if count["n"] > after:
                raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(geo._cli.os, "open", fake_open)


def _fail_write(monkeypatch, code: int, *, after: int = 0) -> None:
    """Make the data write of the (after+1)-th output file fail with ``code`` (e.g. ENOSPC)."""
    real_fdopen = os.fdopen
    count = {"n": 0}

    class Failing:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[: len(data) // 2])  # part of the file reached the disk
            raise OSError(code, os.strerror(code))

    def fake_fdopen(fd, *args, **kwargs):
        fh = real_fdopen(fd, *args, **kwargs)
        count["n"] += 1
        return Failing(fh) if count["n"] > after else fh

    monkeypatch.setattr(geo._cli.os, "fdopen", fake_fdopen)


# -- --out ---------------------------------------------------------------------------------------
def test_out_pointing_at_a_folder(tmp_path):
    run = _run(*EXPORT, "--out", str(tmp_path))
    assert run.returncode == 2
    assert f"--out {tmp_path} is a folder; --out takes a file name, e.g. --out {tmp_path}/" in run.stderr
    assert "leefbaarheid-selectie-lang-nl-plain.csv" in run.stderr
    _no_raw_error(run.stderr)
    assert list(tmp_path.iterdir()) == []


def test_out_in_a_folder_that_does_not_exist(tmp_path, capsys):
    out = tmp_path / "nope" / "a.csv"
    assert main([*EXPORT, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"the folder {tmp_path / 'nope'} does not exist; create it first (mkdir -p" in err
    _no_raw_error(err)


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (
            errno.EROFS,
            "the file system is read-only; nothing was written. To fix: pass another --out on a writable disk",
        ),
        (errno.EACCES, "permission denied; nothing was written. To fix: pass another --out in a folder you may write"),
    ],
    ids=["read-only-folder", "no-permission"],
)
def test_an_unwritable_folder(tmp_path, capsys, monkeypatch, code, says):
    _fail_open(monkeypatch, code)
    out = tmp_path / "a.csv"
    assert main([*EXPORT, "--out", str(out), "--sidecar"]) == 2
    err = capsys.readouterr().err
    assert f"cannot write --out {out}: " in err and says in err
    _no_raw_error(err)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_while_writing_the_sidecar_leaves_no_csv(tmp_path, capsys, monkeypatch):
    _fail_write(monkeypatch, errno.ENOSPC, after=1)  # the CSV is written, its sidecar fails
    out = tmp_path / "a.csv"
    assert main([*EXPORT, "--out", str(out), "--sidecar"]) == 2
    err = capsys.readouterr().err
    sidecar = tmp_path / "a.metadata.json"
    assert f"cannot write --out {sidecar}: the disk is full; nothing was written. To fix: free some space" in err
    _no_raw_error(err)
    assert list(tmp_path.iterdir()) == []  # neither the CSV, nor the sidecar, nor a temporary file


def test_a_failed_write_keeps_the_previous_files(tmp_path, capsys, monkeypatch):
    out, sidecar = tmp_path / "a.csv", tmp_path / "a.metadata.json"
    out.write_bytes(b"old csv")
    sidecar.write_bytes(b"old sidecar")
    _fail_write(monkeypatch, errno.ENOSPC, after=1)
    assert main([*EXPORT, "--out", str(out), "--sidecar"]) == 2
    assert out.read_bytes() == b"old csv" and sidecar.read_bytes() == b"old sidecar"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "a.metadata.json"]


# -- --round -------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["400", "308", "16", "-1", "²", "3.5"])
def test_round_outside_0_to_15(tmp_path, capsys, value):
    out = tmp_path / "a.csv"
    with pytest.raises(SystemExit) as stop:
        main([*EXPORT, "--round", value, "--out", str(out)])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --round: {value!r} is not a whole number from 0 to 15; pass e.g. --round 4" in err
    assert not out.exists()


# -- brief ---------------------------------------------------------------------------------------
def test_brief_out_must_be_a_pdf(tmp_path, capsys):
    out = tmp_path / "b.png"
    assert main(["brief", "--code", "WK0363AA", "--year", "2022", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"brief --out {out}: the brief is a PDF with a PNG of the same name beside it" in err
    assert f"--out must end in .pdf, e.g. --out {tmp_path / 'b.pdf'}" in err
    assert list(tmp_path.iterdir()) == []


def test_brief_pdf_and_png_appear_together_or_not_at_all(tmp_path, capsys, monkeypatch):
    import geo.brief

    monkeypatch.setattr(geo.brief, "render_brief", lambda *a, **k: (b"%PDF-1.4 brief", b"\x89PNG brief"))
    _fail_write(monkeypatch, errno.ENOSPC, after=1)  # the PDF is written, the PNG fails
    out = tmp_path / "b.pdf"
    assert main(["brief", "--code", "WK0363AA", "--year", "2022", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write --out {tmp_path / 'b.png'}: the disk is full" in err
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setattr(geo.brief, "render_brief", lambda *a, **k: (b"%PDF-1.4 brief", b"\x89PNG brief"))
    assert main(["brief", "--code", "WK0363AA", "--year", "2022", "--out", str(out)]) == 0
    assert out.read_bytes() == b"%PDF-1.4 brief" and (tmp_path / "b.png").read_bytes() == b"\x89PNG brief"


# -- build ---------------------------------------------------------------------------------------
def test_build_out_inside_from_is_refused(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    assert main(["build", "--from", str(src), "--out", str(src / "data")]) == 2
    err = capsys.readouterr().err
    assert f"build --out {src / 'data'} is inside --from {src}" in err and "outside" in err
    assert list(src.iterdir()) == []


def test_build_out_that_is_a_file(tmp_path, capsys):
    src, out = tmp_path / "src", tmp_path / "data.txt"
    src.mkdir()
    out.write_text("keep me")
    assert main(["build", "--from", str(src), "--out", str(out)]) == 2
    assert f"build --out {out} is a file; --out takes the dataset folder" in capsys.readouterr().err
    assert out.read_text() == "keep me"


def test_malformed_sources_json_names_the_file(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "sources.json").write_text('{"files": {', encoding="utf-8")
    run = _run("build", "--from", str(src), "--out", str(tmp_path / "out"))
    assert run.returncode == 2
    assert f"{src / 'sources.json'}: not valid JSON" in run.stderr
    _no_raw_error(run.stderr)
    assert not (tmp_path / "out").exists()


def test_truncated_manifest_names_the_file(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    manifest = ROOT / "data" / "manifest.json"
    for name in json.loads(manifest.read_text(encoding="utf-8")).get("files", {}).values():
        file = name["file"] if isinstance(name, dict) else name
        (data / file).symlink_to(ROOT / "data" / file)
    text = manifest.read_text(encoding="utf-8")
    (data / "manifest.json").write_text(text[: len(text) // 2], encoding="utf-8")
    run = _run(*EXPORT, "--data", str(data), "--out", str(tmp_path / "a.csv"))
    assert run.returncode == 2
    assert str(data / "manifest.json") in run.stderr
    _no_raw_error(run.stderr)
    assert not (tmp_path / "a.csv").exists()


def test_a_failure_is_one_plain_line_on_stderr(tmp_path):
    run = _run(*EXPORT, "--out", str(tmp_path / "missing" / "a.csv"))
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1
    _no_raw_error(run.stderr)  # used to be "error: [Errno 2] No such file or directory: ..."


@pytest.fixture(autouse=True)
def _no_leftovers(tmp_path):
    yield
    leftovers = [p for p in Path(tmp_path).rglob(".*.part")]
    assert not leftovers, leftovers
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_out_naming_a_device_or_pipe_is_refused_and_left_alone(tmp_path, capsys):
    # `--out /dev/full` replaced the device with a CSV and said "wrote /dev/full" (exit 0)
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    assert main([*EXPORT, "--out", str(pipe)]) == 2
    err = capsys.readouterr().err
    assert f"--out {pipe} is not a regular file (a device, pipe or socket); pass the path of a file" in err
    _no_raw_error(err)
    assert pipe.is_fifo() and sorted(p.name for p in tmp_path.iterdir()) == ["pipe.csv"]


def test_a_folder_that_takes_no_new_files_is_not_called_missing(tmp_path, capsys, monkeypatch):
    # /proc exists but refuses new files with ENOENT: the message said "/proc does not exist"
    _fail_open(monkeypatch, errno.ENOENT)
    out = tmp_path / "a.csv"
    assert main([*EXPORT, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write --out {out}: the folder {tmp_path} does not accept new files; nothing was written" in err
    assert "does not exist" not in err
    _no_raw_error(err)


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("measure=afw,op=below,threshold=-0.1", "add e.g. threshold=-0.1,year=2022 to the command line's --filter"),
        (
            "measure=afw,op=below,threshold=abc,year=2022",
            "threshold='abc' is not a number with a decimal point; write e.g. threshold=-0.1",
        ),
        ("measure=afw,op=below,threshold=-0.1,year=twee", "year='twee' is not a whole year; write e.g. year=2022"),
    ],
    ids=["missing-year", "threshold-not-a-number", "year-not-a-year"],
)
def test_a_bad_filter_says_how_to_write_it_on_the_command_line(tmp_path, capsys, spec, says):
    # the message suggested Python syntax (Filter('afw', 'below', ...)) or no fix at all
    assert main(["export", "--filter", spec, "--out", str(tmp_path / "a.csv")]) == 2
    err = capsys.readouterr().err
    assert says in err and f"--filter {spec}" in err
    _no_raw_error(err)
    assert list(tmp_path.iterdir()) == []


def test_an_out_name_of_another_format_is_refused(tmp_path, capsys):
    # `--format geojson --out x.csv` wrote GeoJSON into a file named .csv
    out = tmp_path / "x.csv"
    assert main([*EXPORT, "--format", "geojson", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"--out {out}: --format geojson writes a geojson file, but the name ends in .csv; pass --format csv" in err
    assert f"e.g. --out {tmp_path / 'x.geojson'}" in err
    assert list(tmp_path.iterdir()) == []
    assert main([*EXPORT, "--format", "geojson", "--out", str(tmp_path / "x.json")]) == 0  # a GeoJSON name
    assert (tmp_path / "x.json").read_text(encoding="utf-8").lstrip().startswith("{")


@pytest.mark.parametrize("first_existed", [True, False])
def test_a_second_file_that_cannot_be_renamed_into_place_leaves_the_first_as_it_was(
    tmp_path, monkeypatch, first_existed
):
    """The CSV was renamed into place before its sidecar failed (e.g. an immutable old sidecar): the new
    CSV stayed behind, and an older CSV of the same name was lost."""
    import geo._cli

    csv, sidecar = tmp_path / "c.csv", tmp_path / "c.metadata.json"
    if first_existed:
        csv.write_bytes(b"old csv")
    sidecar.write_bytes(b"old sidecar")
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst) == sidecar:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(geo._cli.os, "replace", replace)
    with pytest.raises(geo._cli.CommandLineError, match="nothing was written"):
        geo._cli.write_files([(csv, b"new csv"), (sidecar, b"new sidecar")])
    monkeypatch.undo()
    expected = {"c.metadata.json": b"old sidecar"} | ({"c.csv": b"old csv"} if first_existed else {})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == expected  # no new, temporary or kept file
    geo._cli.write_files([(csv, b"new csv"), (sidecar, b"new sidecar")])
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "c.csv": b"new csv",
        "c.metadata.json": b"new sidecar",
    }


@pytest.mark.parametrize(
    ("option", "example"),
    [
        ("--codes", "--codes WK0363AA,BU0363AA01"),
        ("--gemeente", "--gemeente GM0363,GM0014"),
        ("--filter", "--filter measure=afw,op=below,threshold=-0.1,year=2022"),
        ("--selection", "--selection <the s= value of a shared link>"),
    ],
)
def test_an_empty_selection_option_is_exit_2_with_an_example(tmp_path, capsys, option, example):
    """``--codes ''`` raised StopIteration (an empty string counted as no option given)."""
    out = tmp_path / "x.csv"
    assert main(["export", option, "", "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == f"error: {option} is empty; pass what to export, e.g. {example}"
    assert not out.exists()


@pytest.mark.parametrize("name", ["Leefbaarometer-scores wijken 2002-2022.csv", "wijken_2024.geojson", "b.gpkg"])
def test_an_empty_source_file_stops_the_build_with_the_fix(tmp_path, capsys, name):
    """A 0-byte score CSV was left out with a warning, and the build replaced the dataset without it."""
    src, out = tmp_path / "src", tmp_path / "data"
    (src / "leefbaarometer").mkdir(parents=True)
    shutil.copy(
        ROOT / "data" / "sources" / "leefbaarometer" / "meting-2024-buurten-amsterdam.csv", src / "leefbaarometer"
    )
    (src / "leefbaarometer" / name).write_bytes(b"")
    assert main(["build", "--from", str(src), "--out", str(out)]) == 2
    empty = src / "leefbaarometer" / name
    assert capsys.readouterr().err.strip() == (
        f"error: {empty} is empty (0 bytes), perhaps an interrupted download; download it again, "
        f'or move it out of {src} (or mark it "build": false in sources.json)'
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([*EXPORT, "--out", "{tmp}/nope/"], "argument --out: '{tmp}/nope/' ends in a slash, so it names a folder"),
        ([*EXPORT, "--out", ""], "argument --out: the file name is empty; pass the path of the file to write"),
        (
            ["brief", "--code", "WK0363AA", "--year", "2022", "--out", ""],
            "argument --out: the file name is empty; pass the path of the file to write",
        ),
    ],
    ids=["export-trailing-slash", "export-empty", "brief-empty"],
)
def test_an_output_name_that_is_empty_or_a_folder_is_refused(tmp_path, capsys, argv, message):
    """``--out nope/`` wrote a file named ``nope``; ``brief --out ''`` said "PosixPath('.') has an empty name"."""
    with pytest.raises(SystemExit) as stop:
        main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    assert stop.value.code == 2
    assert message.replace("{tmp}", str(tmp_path)) in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["q7.pdf", "q7.geojson", "q7"])
def test_gaps_out_must_be_a_csv(tmp_path, capsys, name):
    out = tmp_path / name
    assert main(["gaps", "--codes", "WK034403", "--from", "2012", "--to", "2022", "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: --out {out}: gaps writes a CSV file, but the name ends in {out.suffix or '(nothing)'}; "
        f"name it .csv, e.g. --out {tmp_path / 'q7.csv'}"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--codes", "WK999999", "--from", "2012", "--to", "2022"],
            "--codes: 1 code(s) are not in the dataset: WK999999; pass the wijk or buurt codes",
        ),
        (
            ["--codes", "WK034403", "--from", "2003", "--to", "2022"],
            "--from 2003: the dataset has no lbm scores that year; choose one of 2002, 2008, 2012",
        ),
        (
            ["--codes", "WK034403", "--from", "2012", "--to", "2022", "--measure", "fys"],
            "--from 2012: the dataset has no fys scores that year; choose one of 2014, 2018",
        ),
    ],
)
def test_gaps_names_the_one_option_at_fault(tmp_path, capsys, args, message):
    """The messages ended in "(--from/--to/--codes/--measure)" whatever was wrong."""
    assert main(["gaps", *args, "--out", str(tmp_path / "g.csv")]) == 2
    err = capsys.readouterr().err
    assert message in err and "--from/--to" not in err
    assert list(tmp_path.iterdir()) == []
