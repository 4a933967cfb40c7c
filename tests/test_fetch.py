"""``python -m geo fetch`` end to end without internet: a local HTTP server serves archives laid out
like the official downloads, made at test time from the project's real source copies.

Fixture archives (session-scoped, in a temporary folder; nothing is committed):

- ``open-data-leefbaarometer-meting-2024.zip``: folder ``Leefbaarometer 3.0 - Meting 2024 - open data/``
  with ``Leefbaarometer-scores buurten 2002-2024.csv`` (the real Amsterdam buurt rows, bytes unchanged),
  ``Leefbaarometer-scores wijken 2002-2024.csv`` (the real meting-2024 wijk rows of Amsterdam) and a
  PC4 file (SYNTHETIC: one made-up row, only to check that PC4 files are not built);
- ``geometrie-lbm3-2024.zip``: folder ``geometrie-lbm3-2024/`` with ``buurt 2024.gpkg`` (the real
  Amsterdam buurt polygons, ``bu_code``/``bu_naam``, EPSG:28992) and ``gemeente 2024.gpkg``;
- ``wijkenbuurten_2024_v1.gpkg`` (CBS layout: layers ``gemeenten``, ``wijken``, ``buurten``, CBS column
  names, EPSG:28992): real CBS Amsterdam wijken with their real ``aantal_inwoners``; the Amsterdam
  buurten with SYNTHETIC ``aantal_inwoners`` (1000 + row number; -99997 and -99995 on two buurten,
  the CBS codes for "suppressed" and "not published");
- ``index.xml``: an Atom feed in the PDOK layout that links the GeoPackage with its length.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import geo
from geo import _http
from geo.fetch import OFFICIAL_SOURCES, FetchError, fetch
from geo.locate import dataset_vintage, resolve_data_dir
from tests.conftest import AMSTERDAM_BUURTEN, BUURT_SCORES_2024, GEMEENTEN_2024, WIJK_SCORES_2024, WIJKEN_2024

SCORES_ZIP = "open-data-leefbaarometer-meting-2024.zip"
GEOMETRY_ZIP = "geometrie-lbm3-2024.zip"
GPKG = "wijkenbuurten_2024_v1.gpkg"
LBM_FOLDER = "Leefbaarometer 3.0 - Meting 2024 - open data/"
BUURT_CSV = "Leefbaarometer-scores buurten 2002-2024.csv"
WIJK_CSV = "Leefbaarometer-scores wijken 2002-2024.csv"
SUPPRESSED = "BU0363AA01"  # synthetic -99997
NOT_PUBLISHED = "BU0363AA02"  # synthetic -99995


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _gpkg(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> bytes:
    for layer, frame in layers.items():
        frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    return path.read_bytes()


def _atom(gpkg_length: int) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="nl">
  <id>https://service.pdok.nl/cbs/wijkenbuurten/2024/atom/index.xml</id>
  <title>CBS Wijken en Buurten 2024</title>
  <link href="https://service.pdok.nl/cbs/wijkenbuurten/2024/atom/index.xml" rel="self"/>
  <entry>
    <id>https://service.pdok.nl/cbs/wijkenbuurten/2024/atom/wijkenbuurten_2024.xml</id>
    <title>Wijken en Buurten 2024 GeoPackage</title>
    <link href="https://service.pdok.nl/cbs/wijkenbuurten/2024/atom/downloads/{GPKG}" rel="alternate"
          type="application/geopackage+sqlite3" length="{gpkg_length}" title="{GPKG}"/>
  </entry>
</feed>
""".encode()


@dataclass
class Official:
    """The fixture downloads by file name, as the official servers would serve them."""

    files: dict[str, bytes]


@pytest.fixture(scope="session")
def official(tmp_path_factory: pytest.TempPathFactory) -> Official:
    tmp = tmp_path_factory.mktemp("official")
    wijk_lines = WIJK_SCORES_2024.read_bytes().splitlines(keepends=True)
    wijk_csv = b"".join([wijk_lines[0], *(ln for ln in wijk_lines[1:] if ln.startswith(b"WK0363"))])
    pc4 = b'"pc4","jaar","lbm","afw"\n"1011",2024,4.2,0.1\n'  # SYNTHETIC: layout check only
    scores = _zip(
        {
            LBM_FOLDER + BUURT_CSV: BUURT_SCORES_2024.read_bytes(),
            LBM_FOLDER + WIJK_CSV: wijk_csv,
            LBM_FOLDER + "Leefbaarometer-scores PC4 2002-2024.csv": pc4,
        }
    )
    buurten = gpd.read_file(AMSTERDAM_BUURTEN).to_crs("EPSG:28992")
    gemeenten = gpd.read_file(GEMEENTEN_2024)
    gemeenten = gemeenten[gemeenten["gm_code"] == "GM0363"].to_crs("EPSG:28992")
    lbm_buurt = _gpkg(tmp / "buurt 2024.gpkg", {"buurt 2024": buurten[["bu_code", "bu_naam", "geometry"]]})
    lbm_gm = _gpkg(tmp / "gemeente 2024.gpkg", {"gemeente 2024": gemeenten[["gm_code", "gm_naam", "geometry"]]})
    geometry = _zip(
        {"geometrie-lbm3-2024/buurt 2024.gpkg": lbm_buurt, "geometrie-lbm3-2024/gemeente 2024.gpkg": lbm_gm}
    )

    wijken = gpd.read_file(WIJKEN_2024)
    wijken = wijken[wijken["gemeentecode"] == "GM0363"].to_crs("EPSG:28992")
    wijken = wijken[["wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "aantal_inwoners", "geometry"]]
    cbs_buurten = buurten.rename(
        columns={"bu_code": "buurtcode", "bu_naam": "buurtnaam", "wk_code": "wijkcode", "gm_code": "gemeentecode"}
    )[["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "geometry"]].reset_index(drop=True)
    # SYNTHETIC inhabitants: the CBS buurt kerncijfers are not in the project's copies
    cbs_buurten.insert(4, "aantal_inwoners", [1000 + i for i in range(len(cbs_buurten))])
    cbs_buurten.loc[cbs_buurten["buurtcode"] == SUPPRESSED, "aantal_inwoners"] = -99997
    cbs_buurten.loc[cbs_buurten["buurtcode"] == NOT_PUBLISHED, "aantal_inwoners"] = -99995
    cbs_gemeenten = gemeenten.rename(columns={"gm_code": "gemeentecode", "gm_naam": "gemeentenaam"})[
        ["gemeentecode", "gemeentenaam", "geometry"]
    ]
    gpkg = _gpkg(tmp / GPKG, {"gemeenten": cbs_gemeenten, "wijken": wijken, "buurten": cbs_buurten})
    return Official({SCORES_ZIP: scores, GEOMETRY_ZIP: geometry, GPKG: gpkg, "index.xml": _atom(len(gpkg))})


@dataclass
class Server:
    """A local HTTP server; ``plan[name]`` lists what to do on the next requests of that file."""

    base: str
    files: dict[str, bytes]
    plan: dict[str, list[str]] = field(default_factory=dict)
    log: list[tuple[str, str | None]] = field(default_factory=list)

    def requests_for(self, name: str) -> list[str | None]:
        return [rng for path, rng in self.log if path == name]


def _handler(server: Server) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            name = self.path.rsplit("/", 1)[-1].replace("%20", " ")
            rng = self.headers.get("Range")
            server.log.append((name, rng))
            steps = server.plan.get(name) or []
            action = steps.pop(0) if steps else "ok"
            if action == "hang":
                time.sleep(4)
                return
            if action == "503":
                self.send_error(503, "Service Unavailable")
                return
            data = server.files.get(name)
            if data is None or action == "404":
                self.send_error(404, "Not Found")
                return
            start = int(rng.removeprefix("bytes=").split("-")[0]) if rng else 0
            if start:
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            body = data[start:]
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if action == "truncate":  # half the body, then the connection drops
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler


@pytest.fixture
def server(official: Official) -> Iterator[Server]:
    srv = Server(base="", files=dict(official.files))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(srv))
    httpd.daemon_threads = True
    srv.base = f"http://127.0.0.1:{httpd.server_address[1]}/mirror"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield srv
    httpd.shutdown()
    httpd.server_close()


FAST = {"progress": False, "timeout": (2.0, 2.0), "retries": 2, "backoff": 0.01, "log": lambda _line: None}


@pytest.fixture(scope="session")
def fetched(official: Official, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One normal fetch from the local server; returns the dataset folder (do not modify it)."""
    srv = Server(base="", files=dict(official.files))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(srv))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    tmp = tmp_path_factory.mktemp("fetched")
    try:
        result = fetch(
            mirror=f"http://127.0.0.1:{httpd.server_address[1]}/m", out=tmp / "out", cache=tmp / "cache", **FAST
        )
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.out == tmp / "out"
    return result.out


def _old_dataset(fetched: Path, tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "previous"
    shutil.copytree(fetched, out)
    return out, json.loads((out / "manifest.json").read_text())["build_id"]


def _still_loads(out: Path, build_id: str) -> None:
    assert json.loads((out / "manifest.json").read_text())["build_id"] == build_id
    ds = geo.load_dataset(out)
    assert ds.value("BU0363AA01", 2024, "afw") is not None


# --------------------------------------------------------------------------- normal fetch


def test_normal_fetch_builds_a_dataset_that_loads(fetched: Path, official: Official) -> None:
    ds = geo.load_dataset(fetched)
    # expected values read straight from the source CSV
    src = pd.read_csv(BUURT_SCORES_2024)
    row = src[(src["bu_code"] == "BU0363AA03") & (src["jaar"] == 2012)].iloc[0]
    assert ds.value("BU0363AA03", 2012, "lbm") == pytest.approx(row["lbm"], abs=1e-12)
    assert len(ds.codes("buurt", gemeente="GM0363")) == len(gpd.read_file(AMSTERDAM_BUURTEN))
    wijk_src = pd.read_csv(WIJK_SCORES_2024)
    wrow = wijk_src[(wijk_src["wk_code"] == "WK0363AA") & (wijk_src["jaar"] == 2024)].iloc[0]
    assert ds.value("WK0363AA", 2024, "afw") == pytest.approx(wrow["afw"], abs=1e-12)

    manifest = json.loads((fetched / "manifest.json").read_text())
    by_file = {s["file"]: s for s in manifest["sources"]}
    buurt = by_file[f"open-data-leefbaarometer-meting-2024/{LBM_FOLDER}{BUURT_CSV}"]
    assert buurt["url"].endswith("/m/" + SCORES_ZIP)
    assert buurt["download_sha256"] == hashlib.sha256(official.files[SCORES_ZIP]).hexdigest()
    assert buurt["download_bytes"] == len(official.files[SCORES_ZIP])
    assert buurt["sha256"] == hashlib.sha256(BUURT_SCORES_2024.read_bytes()).hexdigest()  # unpacked unchanged
    cbs = [s for s in manifest["sources"] if s.get("layer") == "buurten"]
    assert len(cbs) == 1
    assert cbs[0]["download_sha256"] == hashlib.sha256(official.files[GPKG]).hexdigest()
    assert cbs[0]["url"].endswith("/m/" + GPKG)
    assert cbs[0]["atom_index_sha256"] == hashlib.sha256(official.files["index.xml"]).hexdigest()
    assert cbs[0]["announced_bytes"] == len(official.files[GPKG])
    # the PC4 file is not staged; the Leefbaarometer geometry is recorded, not built
    assert not any("PC4" in s["file"] for s in manifest["sources"])
    ignored = {i["file"]: i["reason"] for i in manifest["ignored_files"]}
    lbm_geo = ignored["geometrie-lbm3-2024/geometrie-lbm3-2024/buurt 2024.gpkg"]
    assert hashlib.sha256(official.files[GEOMETRY_ZIP]).hexdigest() in lbm_geo


def test_cbs_missing_codes_become_unknown_inhabitants(fetched: Path) -> None:
    ds = geo.load_dataset(fetched)
    areas = ds.areas.set_index("code")
    assert pd.isna(areas.loc[SUPPRESSED, "population"])  # -99997 in the GeoPackage
    assert pd.isna(areas.loc[NOT_PUBLISHED, "population"])  # -99995
    assert areas.loc["BU0363AA03", "population"] == 1002  # synthetic value of the third buurt, kept
    wijken = gpd.read_file(WIJKEN_2024).set_index("wijkcode")
    assert areas.loc["WK0363AA", "population"] == wijken.loc["WK0363AA", "aantal_inwoners"]


def test_fetched_dataset_is_found_and_its_vintage_read(
    fetched: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve_data_dir({}).kind == "embedded"
    assert resolve_data_dir({}).path == geo.DEFAULT_DATA_DIR
    shutil.copytree(fetched, tmp_path / "xdg" / "leefbaarheid" / "dataset")
    choice = resolve_data_dir({})
    assert (choice.kind, choice.path) == ("fetched", tmp_path / "xdg" / "leefbaarheid" / "dataset")
    assert resolve_data_dir({"LEEFBAARHEID_DATA": str(tmp_path / "x")}).kind == "env"
    vintage = dataset_vintage(choice.path)
    assert vintage.years == (2002, 2008, 2012, 2014, 2016, 2018, 2020, 2022, 2024)
    assert vintage.metings == (2024,)
    assert vintage.boundaries == (2024,)


def test_mirror_keeps_the_official_file_names() -> None:
    m = OFFICIAL_SOURCES[2024].mirrored("https://intranet.example/lbm/")
    assert m.lbm_scores == "https://intranet.example/lbm/" + SCORES_ZIP
    assert m.lbm_geometry == "https://intranet.example/lbm/" + GEOMETRY_ZIP
    assert m.cbs_atom == "https://intranet.example/lbm/index.xml"


# --------------------------------------------------------------------------- download behaviour


def test_interrupted_download_resumes_with_range(server: Server, official: Official, tmp_path: Path) -> None:
    server.plan[GPKG] = ["truncate"]
    got = _http.download(f"{server.base}/{GPKG}", tmp_path / GPKG, progress=False, backoff=0.01)
    data = official.files[GPKG]
    first, second = server.requests_for(GPKG)
    assert first is None
    # resumed from what arrived (up to the half the server sent; the last partial chunk may be lost)
    resumed_at = int(second.removeprefix("bytes=").removesuffix("-"))
    assert 0 < resumed_at <= len(data) // 2
    assert got.resumed and got.attempts == 2
    assert got.sha256 == hashlib.sha256(data).hexdigest()
    assert (tmp_path / GPKG).read_bytes() == data
    assert not (tmp_path / (GPKG + ".part")).exists()


def test_partial_file_from_an_earlier_run_is_resumed(server: Server, official: Official, tmp_path: Path) -> None:
    data = official.files[SCORES_ZIP]
    (tmp_path / (SCORES_ZIP + ".part")).write_bytes(data[:1000])
    got = _http.download(f"{server.base}/{SCORES_ZIP}", tmp_path / SCORES_ZIP, progress=False)
    assert server.requests_for(SCORES_ZIP) == ["bytes=1000-"]
    assert got.resumed and got.size == len(data)
    assert got.sha256 == hashlib.sha256(data).hexdigest()


def test_503_succeeds_on_retry(server: Server, official: Official, tmp_path: Path) -> None:
    server.plan[SCORES_ZIP] = ["503", "503"]
    got = _http.download(f"{server.base}/{SCORES_ZIP}", tmp_path / "a.zip", progress=False, backoff=0.01, retries=2)
    assert len(server.requests_for(SCORES_ZIP)) == 3
    assert got.sha256 == hashlib.sha256(official.files[SCORES_ZIP]).hexdigest()


def test_503_every_time_gives_up(server: Server, tmp_path: Path) -> None:
    server.plan[SCORES_ZIP] = ["503"] * 5
    with pytest.raises(_http.DownloadError, match=r"HTTP 503.*gave up after 3 attempts"):
        _http.download(f"{server.base}/{SCORES_ZIP}", tmp_path / "a.zip", progress=False, backoff=0.01, retries=2)


def test_hanging_server_is_bounded_by_the_timeout(server: Server, tmp_path: Path) -> None:
    server.plan[SCORES_ZIP] = ["hang"]
    t0 = time.perf_counter()
    with pytest.raises(FetchError, match=r"/mirror/open-data-leefbaarometer-meting-2024.zip: no answer within"):
        fetch(
            mirror=server.base,
            out=tmp_path / "out",
            cache=tmp_path / "c",
            **{**FAST, "timeout": (1.0, 0.5), "retries": 0},
        )
    assert time.perf_counter() - t0 < 3
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- failures leave the old dataset


def test_404_names_the_url_and_the_manual_way(server: Server, fetched: Path, tmp_path: Path) -> None:
    out, build_id = _old_dataset(fetched, tmp_path)
    del server.files[GEOMETRY_ZIP]
    with pytest.raises(FetchError) as err:
        fetch(mirror=server.base, out=out, cache=tmp_path / "c", **FAST)
    msg = str(err.value)
    assert f"{server.base}/{GEOMETRY_ZIP}: HTTP 404" in msg
    assert "python -m geo build --from FOLDER --out" in msg
    assert "python -m geo fetch --mirror FOLDER" in msg
    assert len(server.requests_for(GEOMETRY_ZIP)) == 1  # a 404 is not retried
    _still_loads(out, build_id)


def test_offline_names_the_url(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"http://127\.0\.0\.1:9/x/open-data.*cannot connect.*gave up after 2"):
        fetch(mirror="http://127.0.0.1:9/x", out=tmp_path / "out", cache=tmp_path / "c", **{**FAST, "retries": 1})


def test_corrupt_archive(server: Server, fetched: Path, tmp_path: Path) -> None:
    out, build_id = _old_dataset(fetched, tmp_path)
    server.files[SCORES_ZIP] = server.files[SCORES_ZIP][: len(server.files[SCORES_ZIP]) // 3]  # cut short
    with pytest.raises(
        FetchError, match=r"open-data-leefbaarometer-meting-2024\.zip: the downloaded file .* is not a readable zip"
    ):
        fetch(mirror=server.base, out=out, cache=tmp_path / "c", **FAST)
    _still_loads(out, build_id)
    assert not list((tmp_path / "c" / "downloads").rglob(SCORES_ZIP))  # removed, so a rerun downloads again


def test_checksum_mismatch_inside_the_archive(server: Server, fetched: Path, tmp_path: Path) -> None:
    out, build_id = _old_dataset(fetched, tmp_path)
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(LBM_FOLDER + BUURT_CSV, BUURT_SCORES_2024.read_bytes())
    data = bytearray(stored.getvalue())
    at = data.index(b"Planciusbuurt-Noord")
    data[at] = ord("X")  # one byte changed: the zip's CRC-32 no longer matches
    server.files[SCORES_ZIP] = bytes(data)
    with pytest.raises(FetchError, match=r"Leefbaarometer-scores buurten 2002-2024\.csv in the archive is damaged"):
        fetch(mirror=server.base, out=out, cache=tmp_path / "c", **FAST)
    _still_loads(out, build_id)


def test_size_mismatch_against_the_atom_length(
    server: Server, official: Official, fetched: Path, tmp_path: Path
) -> None:
    out, build_id = _old_dataset(fetched, tmp_path)
    server.files["index.xml"] = _atom(len(official.files[GPKG]) + 1)
    with pytest.raises(
        FetchError, match=r"wijkenbuurten_2024_v1\.gpkg: downloaded [\d,]+ bytes but the index announces"
    ):
        fetch(mirror=server.base, out=out, cache=tmp_path / "c", **FAST)
    _still_loads(out, build_id)


def test_unexpected_layout_names_the_expected_file(server: Server, fetched: Path, tmp_path: Path) -> None:
    out, build_id = _old_dataset(fetched, tmp_path)
    server.files[SCORES_ZIP] = _zip({"open data/scores_per_buurt.csv": BUURT_SCORES_2024.read_bytes()})
    with pytest.raises(FetchError) as err:
        fetch(mirror=server.base, out=out, cache=tmp_path / "c", **FAST)
    msg = str(err.value)
    assert "no buurt scores file: expected a file matching '*scores buurten*.csv'" in msg
    assert "the archive holds: open data/scores_per_buurt.csv" in msg
    assert SCORES_ZIP in msg
    _still_loads(out, build_id)


def test_a_file_that_does_not_build_leaves_the_old_dataset(server: Server, fetched: Path, tmp_path: Path) -> None:
    out, build_id = _old_dataset(fetched, tmp_path)
    header_only = BUURT_SCORES_2024.read_bytes().splitlines(keepends=True)[0]
    server.files[SCORES_ZIP] = _zip({LBM_FOLDER + BUURT_CSV: header_only})
    with pytest.raises(FetchError) as err:
        fetch(mirror=server.base, out=out, cache=tmp_path / "c", **FAST)
    msg = str(err.value)
    assert "the downloaded files do not build" in msg
    assert f"python -m geo build --from {tmp_path / 'c' / 'sources-2024'} --out {out}" in msg
    _still_loads(out, build_id)


def test_cli_exits_2_with_one_message(server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geo.__main__ import main

    del server.files[SCORES_ZIP]
    code = main(
        ["fetch", "--mirror", server.base, "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "c"), "--quiet"]
    )
    err = capsys.readouterr().err
    assert code == 2
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"error: download failed: {server.base}/{SCORES_ZIP}: HTTP 404")
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_cache_is_reused(server: Server, official: Official, tmp_path: Path) -> None:
    """A file in the cache (with its recorded sha256) is not downloaded again."""
    from geo import _download

    getter = _download._Getter(tmp_path / "c", refresh=False, progress=False, timeout=(2, 2), retries=0, backoff=0)
    first = getter.get(f"{server.base}/{SCORES_ZIP}", hint="")
    again = getter.get(f"{server.base}/{SCORES_ZIP}", hint="")
    assert len(server.requests_for(SCORES_ZIP)) == 1
    assert (first.sha256, again.sha256, again.attempts) == (first.sha256, first.sha256, 0)


def test_manual_downloads_in_a_folder(official: Official, tmp_path: Path) -> None:
    """Files downloaded by hand (no index.xml) in one folder: `--mirror FOLDER` builds them without network."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    for name in (SCORES_ZIP, GEOMETRY_ZIP, GPKG):
        (folder / name).write_bytes(official.files[name])
    result = fetch(mirror=str(folder), out=tmp_path / "out", cache=tmp_path / "c", **FAST)
    ds = geo.load_dataset(result.out)
    assert len(ds.codes("buurt", gemeente="GM0363")) == len(gpd.read_file(AMSTERDAM_BUURTEN))
    manifest = json.loads((result.out / "manifest.json").read_text())
    cbs = next(s for s in manifest["sources"] if s.get("layer") == "wijken")
    assert cbs["url"] == str(folder / GPKG)
    assert cbs["download_sha256"] == hashlib.sha256(official.files[GPKG]).hexdigest()


def test_atom_index_that_links_a_dataset_feed(server: Server, official: Official, tmp_path: Path) -> None:
    """PDOK service feeds may link a dataset feed that links the GeoPackage: followed one level deep."""
    from geo import _download

    dataset_feed = _atom(4242)
    server.files["wijkenbuurten_2024.xml"] = dataset_feed
    server.files["index.xml"] = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>https://service.pdok.nl/cbs/wijkenbuurten/2024/atom/index.xml</id>
  <link href="https://service.pdok.nl/cbs/wijkenbuurten/2024/atom/index.xml" rel="self"/>
  <entry>
    <link href="https://service.pdok.nl/cbs/wijkenbuurten/2024/atom/wijkenbuurten_2024.xml"
          rel="alternate" type="application/atom+xml"/>
  </entry>
</feed>
"""
    getter = _download._Getter(tmp_path, refresh=False, progress=False, timeout=(2, 2), retries=0, backoff=0)
    sources = OFFICIAL_SOURCES[2024].mirrored(server.base)
    link = _download._cbs_link(getter, sources.cbs_atom, mirror=server.base, hint="")
    assert link == _download.CbsLink(f"{server.base}/{GPKG}", 4242)
    assert len(server.requests_for("wijkenbuurten_2024.xml")) == 1


def test_atom_index_without_a_geopackage(server: Server, tmp_path: Path) -> None:
    from geo import _download

    server.files["index.xml"] = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><link href="a.zip" type="application/zip"/></feed>'
    )
    getter = _download._Getter(tmp_path, refresh=False, progress=False, timeout=(2, 2), retries=0, backoff=0)
    with pytest.raises(FetchError, match=r"index\.xml: the Atom index links no GeoPackage"):
        _download._cbs_link(getter, OFFICIAL_SOURCES[2024].mirrored(server.base).cbs_atom, mirror=server.base, hint="")


def test_cli_success_lists_every_download(
    server: Server, official: Official, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from geo.__main__ import main

    out = tmp_path / "out"
    code = main(["fetch", "--mirror", server.base, "--out", str(out), "--cache", str(tmp_path / "c"), "--quiet"])
    stdout = capsys.readouterr().out
    assert code == 0
    for name in (SCORES_ZIP, GEOMETRY_ZIP, "index.xml", GPKG):
        sha = hashlib.sha256(official.files[name]).hexdigest()
        assert f"{server.base}/{name}: {len(official.files[name]):,} bytes, sha256 {sha}" in stdout
    assert f"note: the app uses the embedded data (data/); run it with LEEFBAARHEID_DATA={out}" in stdout
    geo.load_dataset(out)
