"""AppTest: the selection page's downloads are the command line's files, byte for byte.

The app and ``python -m geo export`` share one pipeline (:func:`geo.export.export_files`); these
tests compare what each of them hands out for the same request, without rebuilding either.
"""

import json

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from geo.__main__ import main, sidecar_path
from geo.brief import render_brief
from tests.conftest import ROOT


@pytest.fixture
def served(monkeypatch):
    """Capture every file the app hands to Streamlit's media storage: file id -> (bytes, file name)."""
    files: dict[str, tuple[bytes, str | None]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        data = path_or_data if isinstance(path_or_data, bytes) else path_or_data.encode()
        files[file_id] = (data, filename)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    return files


def _downloads(at, served) -> dict[str, tuple[bytes, str | None]]:
    out = {}
    for button in at.get("download_button"):
        file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
        out[button.key] = served[file_id]
    return out


def _app(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    return at.switch_page("pages/selectie.py").run()


def _cli(tmp_path, name: str, *flags: str) -> tuple[bytes, bytes]:
    """Run ``python -m geo export`` for Rotterdam's wijken; return the file and its sidecar."""
    out = tmp_path / name
    assert main(["export", "--gemeente", "GM0599", *flags, "--sidecar", "--out", str(out)]) == 0
    return out.read_bytes(), sidecar_path(out).read_bytes()


def test_app_downloads_are_the_command_lines_files(served, tmp_path):
    at = _app(g="GM0599")
    at.button(key="sel_add_gemeente").click().run()
    assert not at.exception
    got = _downloads(at, served)
    assert set(got) >= {"dl_csv", "dl_meta", "dl_meta_txt", "dl_geojson", "dl_gpkg"}

    csv, sidecar = _cli(tmp_path, "plain.csv")
    assert got["dl_csv"][0] == csv
    assert got["dl_meta"][0] == sidecar
    geojson, geojson_meta = _cli(tmp_path, "s.geojson", "--format", "geojson")
    assert got["dl_geojson"][0] == geojson
    gpkg, gpkg_meta = _cli(tmp_path, "s.gpkg", "--format", "gpkg")
    assert got["dl_gpkg"][0] == gpkg

    # each file's metadata names its own format, the same in the app and on the command line
    assert json.loads(sidecar)["format"] == "csv"
    assert json.loads(geojson)["metadata"] == json.loads(geojson_meta)
    assert json.loads(geojson_meta)["format"] == "geojson" and json.loads(gpkg_meta)["format"] == "gpkg"
    assert b'"format": "gpkg"' in gpkg  # the layer metadata inside the GeoPackage
    text = got["dl_meta_txt"][0].decode("utf-8")
    assert "alle wijken van Rotterdam (GM0599)" in text and "CC BY 4.0" in text

    at.radio(key="exp_dialect").set_value("dutch").run()
    at.radio(key="exp_layout").set_value("wide").run()
    at.selectbox(key="exp_round").set_value(4).run()
    excel = _downloads(at, served)
    csv, sidecar = _cli(tmp_path, "excel.csv", "--dutch", "--bom", "--layout", "wide", "--round", "4")
    assert excel["dl_csv"][0] == csv and csv.startswith(b"\xef\xbb\xbf")
    assert excel["dl_meta"][0] == sidecar
    assert json.loads(sidecar)["csv"] == {
        "separator": ";",
        "decimal": ",",
        "encoding": "UTF-8",
        "byte_order_mark": True,
        "decimals": 4,
    }

    # every CSV variant downloads under its own name, saying layout, language and variant
    assert got["dl_csv"][1] == "leefbaarheid-selectie-lang-nl-plain.csv"
    assert excel["dl_csv"][1] == "leefbaarheid-selectie-breed-nl-excel-r4.csv"
    assert excel["dl_meta"][1] == "leefbaarheid-selectie-breed-nl-excel-r4.metadata.json"
    assert got["dl_geojson"][1].endswith(".geojson") and got["dl_gpkg"][1].endswith(".gpkg")


def test_empty_selection_offers_no_file():
    at = _app()
    assert not at.exception
    assert not [b for b in at.get("download_button") if b.key.startswith("dl_csv")]
    assert any("lege selectie levert geen bestand" in c.value for c in at.caption)


def test_brief_download_is_the_rendered_brief(dataset, served):
    at = _app(g="GM0599", a="WK059903", j="2022")
    at.button(key="brief_make").click().run()
    assert not at.exception
    got = _downloads(at, served)
    pdf, png = render_brief(dataset, "WK059903", 2022)
    assert got["dl_brief_pdf"][0] == pdf and got["dl_brief_png"][0] == png
