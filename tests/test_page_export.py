"""AppTest: the export and brief download buttons deliver the library's bytes."""

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from geo import export
from geo.brief import render_brief
from geo.selection import Selection
from tests.conftest import ROOT


@pytest.fixture
def served(monkeypatch):
    """Capture every file the app hands to Streamlit's media storage, by file id."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data if isinstance(path_or_data, bytes) else path_or_data.encode()
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    return files


def _downloads(at, served) -> dict[str, bytes]:
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


def test_downloads_equal_the_library_output(dataset, served):
    at = _app(g="GM0599")
    at.button(key="sel_add_gemeente").click().run()
    assert not at.exception
    selection = Selection().add_gemeente(dataset, "GM0599")
    got = _downloads(at, served)
    assert set(got) >= {"dl_csv", "dl_meta", "dl_meta_txt", "dl_geojson", "dl_gpkg"}
    table = export.export_table(dataset, selection)
    assert got["dl_csv"] == export.to_csv_bytes(table)
    frame = export.geo_frame(dataset, selection)
    meta = export.export_metadata(dataset, selection, layout="wide", file_format="geo")
    assert got["dl_gpkg"] == export.to_gpkg_bytes(frame, metadata=meta)
    assert b"CBS / Kadaster" in got["dl_meta"]

    at.radio(key="exp_dialect").set_value("dutch").run()
    at.radio(key="exp_layout").set_value("wide").run()
    got = _downloads(at, served)
    wide = export.export_table(dataset, selection, layout="wide")
    assert got["dl_csv"] == export.to_csv_bytes(wide, dutch=True, bom=True)
    assert got["dl_csv"].startswith(b"\xef\xbb\xbf")


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
    assert got["dl_brief_pdf"] == pdf and got["dl_brief_png"] == png
