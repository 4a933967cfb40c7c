"""The dataset on disk is all-or-nothing (geo.store): interrupted builds, mixed and damaged folders.

Builds run on small real source folders (tests/small_sources.py): build A has Schiedam only,
build B Schiedam and Utrecht, so the two have different files and build ids, and the number of
gemeenten loaded tells which one ``load_dataset`` sees.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from pathlib import Path

import pytest

import geo
from geo import store
from geo.build import build
from tests.small_sources import write_small_sources

REBUILD = "rebuild it with `python -m geo build --out {}`"


def _build(src: Path, out: Path) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build(src, out)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sources")
    return {
        "A": write_small_sources(root / "A", gemeenten=("GM0606",)),
        "B": write_small_sources(root / "B", gemeenten=("GM0606", "GM0344")),
    }


@pytest.fixture(scope="module")
def built(sources, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("built")
    return {k: (_build(src, root / k), root / k)[1] for k, src in sources.items()}


def _listing(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _gemeenten(folder: Path) -> list[str]:
    return geo.load_dataset(folder).codes("gemeente")


# -- the layout -----------------------------------------------------------------------------------
def test_files_are_named_after_their_sha256_and_listed_in_the_manifest(built):
    folder = built["B"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([*(e["file"] for e in manifest["files"].values()), "manifest.json"])
    for table, entry in manifest["files"].items():
        data = (folder / entry["file"]).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        assert entry == {"file": f"{table}-{digest[:12]}.parquet", "bytes": len(data), "sha256": digest}
    assert geo.load_dataset(folder).manifest["build_id"] == manifest["build_id"]
    assert _gemeenten(folder) == ["GM0344", "GM0606"]
    assert _gemeenten(built["A"]) == ["GM0606"]


def test_a_rebuild_is_byte_identical_and_removes_only_the_old_data_files(sources, built, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(built["A"], out)
    # files of the old fixed-name layout, a stray temp folder's sibling and unrelated files
    (out / "areas.parquet").write_bytes(b"old layout")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "sources").mkdir()
    (out / "sources" / "scores-0123456789ab.parquet").write_bytes(b"a source, not the dataset")
    _build(sources["B"], out)
    first = _listing(out)
    assert first == {**_listing(built["B"]), "notes.txt": first["notes.txt"]}
    assert (out / "sources" / "scores-0123456789ab.parquet").exists()
    _build(sources["B"], out)
    assert _listing(out) == first


# -- interrupted builds ---------------------------------------------------------------------------
def _failing_at(n: int, real):
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError(28, "No space left on device (injected)")
        return real(*args, **kwargs)

    return wrapper


# the final steps of a build: four data files moved in (os.replace), the manifest renamed onto
# manifest.json (os.replace, the commit), then the files of the old build deleted (Path.unlink:
# three, as A and B have the same, empty, excluded table)
STEPS = [("replace", n, "A") for n in range(1, 6)] + [("unlink", n, "B") for n in range(1, 4)]


@pytest.mark.parametrize(("call", "n", "expected"), STEPS, ids=[f"{c}{n}-leaves-{e}" for c, n, e in STEPS])
def test_an_interrupted_build_leaves_the_old_or_the_new_dataset(
    sources, built, tmp_path, monkeypatch, call, n, expected
):
    out = tmp_path / "data"
    shutil.copytree(built["A"], out)
    if call == "replace":
        monkeypatch.setattr(store.os, "replace", _failing_at(n, os.replace))
    else:
        monkeypatch.setattr(Path, "unlink", _failing_at(n, Path.unlink))
    assert len(set(_listing(built["A"])) - set(_listing(built["B"]))) == 3  # the old data files to delete
    with pytest.raises(OSError, match="injected"):
        _build(sources["B"], out)
    monkeypatch.undo()
    ds = geo.load_dataset(out)
    want = json.loads((built[expected] / "manifest.json").read_text(encoding="utf-8"))["build_id"]
    assert ds.manifest["build_id"] == want
    assert ds.codes("gemeente") == (["GM0606"] if expected == "A" else ["GM0344", "GM0606"])
    assert not [p for p in out.iterdir() if p.name.startswith(".build-")], "the temp folder is left behind"
    # the next build completes and leaves exactly build B
    _build(sources["B"], out)
    assert _listing(out) == _listing(built["B"])


# -- mixed, damaged, missing ----------------------------------------------------------------------
def _entry(folder: Path, table: str) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"][table]


def test_a_file_swapped_for_an_older_builds_copy_is_refused(built, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(built["B"], out)
    new, old = _entry(built["B"], "scores"), _entry(built["A"], "scores")
    shutil.copy(built["A"] / old["file"], out / new["file"])
    with pytest.raises(geo.DataFileError) as info:
        geo.load_dataset(out)
    assert str(info.value).startswith(f"{out / new['file']}: ")
    assert "from another build" in str(info.value)
    assert str(info.value).endswith(REBUILD.format(out))


def test_an_older_manifest_beside_newer_files_is_refused(built, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(built["B"], out)
    shutil.copy(built["A"] / "manifest.json", out / "manifest.json")
    with pytest.raises(geo.DataFileError, match=r"areas-[0-9a-f]{12}\.parquet: missing, although .* lists it") as info:
        geo.load_dataset(out)
    assert str(info.value).endswith(REBUILD.format(out))


def test_a_damaged_file_of_the_same_size_is_refused(built, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(built["B"], out)
    path = out / _entry(out, "areas")["file"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(geo.DataFileError, match=rf"^{path}: content differs from the sha256 in manifest\.json"):
        geo.load_dataset(out)


def test_a_truncated_data_file_is_refused(built, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(built["B"], out)
    entry = _entry(out, "display")
    path = out / entry["file"]
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(geo.DataFileError, match=rf"^{path}: 100 bytes, but manifest\.json lists {entry['bytes']}"):
        geo.load_dataset(out)


def test_a_truncated_manifest_is_named(built, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(built["B"], out)
    text = (out / "manifest.json").read_bytes()
    (out / "manifest.json").write_bytes(text[: len(text) // 2])
    with pytest.raises(geo.DataFileError) as info:
        geo.load_dataset(out)
    msg = str(info.value)
    assert msg.startswith(f"{out / 'manifest.json'}: damaged or incomplete (not valid JSON")
    assert msg.endswith(REBUILD.format(out))


def test_a_manifest_of_the_old_layout_says_to_rebuild(built, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(built["B"], out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(geo.DataFileError, match=r"lists no data files \(made by an older version of the build\)"):
        geo.load_dataset(out)


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_dataset_path_that_is_no_folder_is_named(tmp_path, kind):
    path = tmp_path / "data"
    if kind == "file":
        path.write_text("x", encoding="utf-8")
    what = "does not exist" if kind == "missing" else "is a file, not a folder"
    with pytest.raises(geo.DataFileError, match=rf"^dataset folder {path} {what}; rebuild it with"):
        geo.load_dataset(path)


def test_display_is_parsed_from_the_verified_bytes_even_after_a_rebuild(sources, built, tmp_path):
    out = tmp_path / "data"
    shutil.copytree(built["A"], out)
    ds = geo.load_dataset(out)
    _build(sources["B"], out)  # deletes the display file ds was loaded from
    assert sorted(ds.display.index) == sorted(ds.areas.index)
    assert ds.display.crs.to_epsg() == 4326


# -- the app --------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_app_shows_a_damaged_dataset_as_a_page_with_the_fix(built, tmp_path, monkeypatch, lang):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import ui
    from geo.textsafe import markdown_text
    from tests.conftest import ROOT

    out = tmp_path / "data"
    shutil.copytree(built["B"], out)
    text = (out / "manifest.json").read_bytes()
    (out / "manifest.json").write_bytes(text[:200])
    monkeypatch.setattr(ui, "DATA_DIR", out)
    monkeypatch.setattr(ui, "dataset", st.cache_resource(lambda path=str(out): geo.load_dataset(path)))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    (error,) = at.error
    message = f"{out / 'manifest.json'}: damaged or incomplete (not valid JSON, 200 bytes); {REBUILD.format(out)}"
    assert error.value == markdown_text(message)  # shown as text: paths may hold Markdown specials
    assert at.code[0].value == f"python -m geo build --out {out}"
    title = "The data cannot be loaded" if lang == "en" else "De gegevens kunnen niet worden geladen"
    assert at.title[0].value == title
