"""Download the full official data and build the dataset: ``python -m geo fetch``.

Three downloads per boundary year (:data:`OFFICIAL_SOURCES`, the only place the URLs live):

- the Leefbaarometer 3.0 open data (scores per buurt, and per wijk and gemeente when present);
- the Leefbaarometer geometry (``buurt 2024.gpkg`` ...); checked and recorded, not built: the
  CBS wijk- en buurtkaart has the same 2024 buurten and also their inhabitants;
- the CBS wijk- en buurtkaart GeoPackage (layers ``gemeenten``, ``wijken``, ``buurten`` with
  ``aantal_inwoners``), whose current link and length are read from the PDOK Atom index.

Downloads are cached (:func:`geo.locate.default_cache_dir`), verified (zip checksums, the
Atom length), unpacked into a staging source folder with a ``sources.json`` that records each
file's URL, sha256 and size, and built with :func:`geo.build.build` into ``--out``. The build
replaces ``manifest.json`` in one atomic step, so a failure leaves the previous dataset usable.
Every failure is one :class:`FetchError` that names the URL or file and what to do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import hashlib
import json
import shutil
import sys
import warnings
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

from geo import _http
from geo._errors import DataFileError, ValidationError
from geo.locate import CACHE_ENV, DATA_ENV, default_cache_dir, fetched_data_dir, resolve_data_dir

__all__ = [
    "OFFICIAL_SOURCES",
    "CbsLink",
    "FetchError",
    "FetchResult",
    "OfficialSources",
    "add_parser",
    "fetch",
    "run",
]


class FetchError(Exception):
    """Fetching or building the official data failed; the message says what to do."""


@dataclass(frozen=True)
class OfficialSources:
    """The official download locations for one boundary year.

    Attributes
    ----------
    year : int
        The boundary year (Leefbaarometer meting and CBS wijk- en buurtkaart).
    lbm_scores : str
        The Leefbaarometer open-data zip (scores).
    lbm_geometry : str
        The Leefbaarometer geometry zip.
    cbs_atom : str
        The PDOK Atom index that links the CBS wijk- en buurtkaart GeoPackage.
    """

    year: int
    lbm_scores: str
    lbm_geometry: str
    cbs_atom: str

    def mirrored(self, base: str) -> OfficialSources:
        """Return the same file names under ``base`` (a URL or a local folder)."""
        return replace(
            self,
            lbm_scores=_under(base, self.lbm_scores),
            lbm_geometry=_under(base, self.lbm_geometry),
            cbs_atom=_under(base, self.cbs_atom),
        )


#: The official locations, per boundary year. Public users of each exist in open-source tools.
OFFICIAL_SOURCES: Final[Mapping[int, OfficialSources]] = MappingProxyType(
    {
        2024: OfficialSources(
            year=2024,
            lbm_scores="https://www.leefbaarometer.nl/resources/open-data-leefbaarometer-meting-2024.zip",
            lbm_geometry="https://www.leefbaarometer.nl/resources/geometrie-lbm3-2024.zip",
            cbs_atom="https://service.pdok.nl/cbs/wijkenbuurten/2024/atom/index.xml",
        )
    }
)

#: Inner files of the score archive: (role, pattern on the file name, required).
SCORE_FILES: Final[tuple[tuple[str, str, bool], ...]] = (
    ("buurt scores", "*scores buurten*.csv", True),
    ("wijk scores", "*scores wijken*.csv", False),
    ("gemeente scores", "*scores gemeente*.csv", False),
)
#: Inner files of the geometry archive.
GEOMETRY_FILES: Final[tuple[tuple[str, str, bool], ...]] = (
    ("buurt geometry", "buurt*.gpkg", True),
    ("gemeente geometry", "gemeente*.gpkg", False),
)
#: Layers of the CBS GeoPackage, each staged as its own GeoParquet file.
CBS_LAYERS: Final[tuple[str, ...]] = ("gemeenten", "wijken", "buurten")

_LBM = {
    "publisher": "Ministerie van BZK, Leefbaarometer 3.0 (leefbaarometer.nl, open data)",
    "licence": "CC0 1.0",
    "attribution": "Leefbaarometer 3.0, Ministerie van BZK",
}
_CBS = {
    "publisher": "CBS / Kadaster, Wijk- en buurtkaart (via PDOK)",
    "licence": "CC BY 4.0",
    "attribution": "CBS / Kadaster",
}
_ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class CbsLink:
    """The GeoPackage link read from the Atom index: its URL and announced length (bytes)."""

    url: str
    length: int | None


@dataclass(frozen=True)
class FetchResult:
    """What a fetch did.

    Attributes
    ----------
    out : Path
        The dataset folder built.
    staging : Path
        The source folder built from (it can be rebuilt with ``python -m geo build --from``).
    downloads : tuple of Download
        Every file downloaded or taken from the cache, with URL, size and sha256.
    build_id : str
        The new dataset's build id.
    warnings : tuple of str
        Warnings of the build (files left out, repairs).
    """

    out: Path
    staging: Path
    downloads: tuple[_http.Download, ...]
    build_id: str
    warnings: tuple[str, ...]


def _under(base: str, url: str) -> str:
    name = PurePosixPath(urlsplit(url).path).name
    if _is_local(base):
        return str(Path(base.removeprefix("file://")) / name)
    return urljoin(base.rstrip("/") + "/", name)


def _is_local(location: str) -> bool:
    return location.startswith("file://") or "://" not in location


def _manual_hint(sources: OfficialSources, out: Path) -> str:
    return (
        "To work around it, download the files by hand in a browser: "
        f"{sources.lbm_scores}, {sources.lbm_geometry} and the GeoPackage linked from {sources.cbs_atom}; "
        "put them in one folder (unchanged) and run `python -m geo fetch --mirror FOLDER` (the same checks, "
        "no network). Or unpack the score CSVs (buurten, wijken, gemeenten) and single-layer area files "
        f"into a folder and run `python -m geo build --from FOLDER --out {out}`"
    )


def fetch(
    *,
    year: int = 2024,
    mirror: str | None = None,
    out: str | Path | None = None,
    cache: str | Path | None = None,
    refresh: bool = False,
    progress: bool = True,
    timeout: tuple[float, float] = _http.DEFAULT_TIMEOUT,
    retries: int = _http.DEFAULT_RETRIES,
    backoff: float = _http.DEFAULT_BACKOFF,
    log: Callable[[str], None] | None = None,
) -> FetchResult:
    """Download the official data of a boundary year, verify it and build the dataset.

    Parameters
    ----------
    year : int, default 2024
        The boundary year; a key of :data:`OFFICIAL_SOURCES`.
    mirror : str, optional
        A base URL (or local folder) that serves the same file names as the official
        locations: the two zips, ``index.xml`` and the GeoPackage it links.
    out : str or Path, optional
        The dataset folder; by default :func:`geo.locate.fetched_data_dir`, the folder the
        app looks in first.
    cache : str or Path, optional
        Download cache; by default ``$LEEFBAARHEID_CACHE`` or the platform's user cache folder.
    refresh : bool, default False
        Download again even when the cache has the file.
    progress : bool, default True
        Show progress bars.
    timeout : (float, float)
        Connect and read timeouts in seconds.
    retries : int
        Retries of a download after a connection error, timeout or server error.
    backoff : float
        Seconds before the first retry, doubled for each next one.
    log : callable, optional
        Receives one line per step (default: print to stderr).

    Returns
    -------
    FetchResult
        The dataset folder, the staging source folder, the downloads and the build id.

    Raises
    ------
    FetchError
        Naming the URL or file, what went wrong, and what to do; the previous dataset in
        ``out`` is left as it was.
    """
    if year not in OFFICIAL_SOURCES:
        known = ", ".join(map(str, sorted(OFFICIAL_SOURCES)))
        msg = f"--year {year}: no official download locations known for that year; choose one of {known}"
        raise FetchError(msg)
    say = log or (lambda line: print(line, file=sys.stderr))
    sources = OFFICIAL_SOURCES[year]
    if mirror:
        sources = sources.mirrored(mirror)
    out_dir = Path(out) if out is not None else fetched_data_dir()
    if out_dir.exists() and not out_dir.is_dir():
        msg = f"--out {out_dir} is a file; --out takes the dataset folder to write"
        raise FetchError(msg)
    cache_dir = Path(cache) if cache is not None else default_cache_dir()
    hint = _manual_hint(sources, out_dir)
    getter = _Getter(cache_dir, refresh=refresh, progress=progress, timeout=timeout, retries=retries, backoff=backoff)

    say(f"downloading Leefbaarometer scores: {sources.lbm_scores}")
    scores_zip = getter.get(sources.lbm_scores, hint=hint)
    say(f"downloading Leefbaarometer geometry: {sources.lbm_geometry}")
    geometry_zip = getter.get(sources.lbm_geometry, hint=hint)
    say(f"reading the CBS download index: {sources.cbs_atom}")
    link = _cbs_link(getter, sources, mirror=mirror, hint=hint)
    say(f"downloading CBS wijk- en buurtkaart {year}: {link.url}")
    cbs_gpkg = getter.get(link.url, expected_size=link.length, hint=hint)

    staging = cache_dir / f"sources-{year}"
    if out_dir.resolve().is_relative_to(staging.resolve()):
        msg = f"--out {out_dir} lies inside the staging folder {staging}; choose another --out"
        raise FetchError(msg)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    fetched_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    provenance: dict[str, dict[str, Any]] = {}

    def record(download: _http.Download, **extra: Any) -> dict[str, Any]:
        return {
            "url": download.url,
            "download_sha256": download.sha256,
            "download_bytes": download.size,
            "downloaded": fetched_at,
            **extra,
        }

    for rel, member in _unpack(scores_zip, SCORE_FILES, staging, hint=hint).items():
        provenance[rel] = {**_LBM, **record(scores_zip, archive_member=member)}
    for rel, member in _unpack(geometry_zip, GEOMETRY_FILES, staging, hint=hint).items():
        provenance[rel] = {
            **_LBM,
            **record(geometry_zip, archive_member=member),
            "build": False,
            "notes": (
                f"Leefbaarometer geometry, downloaded from {geometry_zip.url} (sha256 {geometry_zip.sha256}, "
                f"{geometry_zip.size} bytes); not built: the CBS wijk- en buurtkaart gives the same {year} "
                "areas with their inhabitants"
            ),
        }
    for rel, layer in _split_cbs(cbs_gpkg, staging, hint=hint).items():
        index = {"atom_index": sources.cbs_atom, "announced_bytes": link.length}
        if getter.atom is not None:
            index.update(atom_index_sha256=getter.atom.sha256, atom_index_bytes=getter.atom.size)
        provenance[rel] = {**_CBS, **record(cbs_gpkg, layer=layer, **index), "vintage": year}
    (staging / "sources.json").write_text(
        json.dumps({"files": provenance}, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )

    say(f"building the dataset into {out_dir}")
    manifest, caught = _build(staging, out_dir, hint)
    downloads = (
        (scores_zip, geometry_zip, getter.atom, cbs_gpkg) if getter.atom else (scores_zip, geometry_zip, cbs_gpkg)
    )
    return FetchResult(
        out=out_dir,
        staging=staging,
        downloads=tuple(d for d in downloads if d is not None),
        build_id=str(manifest.get("build_id", "")),
        warnings=caught,
    )


class _Getter:
    """Downloads into the cache (``downloads/<url hash>/<name>``), or reuses a verified copy."""

    def __init__(
        self,
        cache: Path,
        *,
        refresh: bool,
        progress: bool,
        timeout: tuple[float, float],
        retries: int,
        backoff: float,
    ) -> None:
        self.cache = cache
        self.refresh = refresh
        self.progress = progress
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.atom: _http.Download | None = None

    def _dest(self, url: str) -> Path:
        name = PurePosixPath(urlsplit(url).path).name or "download"
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        return self.cache / "downloads" / key / name

    def get(self, url: str, *, expected_size: int | None = None, hint: str, cached: bool = True) -> _http.Download:
        """Return the file at ``url``, from the cache when it is there and intact."""
        dest = self._dest(url)
        meta = dest.with_name(dest.name + ".json")
        if cached and not self.refresh and dest.is_file() and meta.is_file():
            reused = self._reuse(url, dest, meta, expected_size)
            if reused is not None:
                return reused
        try:
            if _is_local(url):
                got = self._copy(url, dest, expected_size)
            else:
                got = _http.download(
                    url,
                    dest,
                    expected_size=expected_size,
                    timeout=self.timeout,
                    retries=self.retries,
                    backoff=self.backoff,
                    progress=self.progress,
                )
        except _http.DownloadError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                todo = "The publisher may have moved the file: check the address (or the --mirror), then run again."
            else:
                todo = "Check the network connection (or proxy) and run the command again; finished parts are kept."
            msg = f"download failed: {exc}. {todo} {hint}"
            raise FetchError(msg) from exc
        except OSError as exc:
            why = exc.strerror or exc
            msg = f"cannot write the download of {url} to {dest} ({why}); free disk space or set {CACHE_ENV}"
            raise FetchError(msg) from exc
        meta.write_text(json.dumps({"url": url, "sha256": got.sha256, "size": got.size}) + "\n", encoding="utf-8")
        return got

    @staticmethod
    def _reuse(url: str, dest: Path, meta: Path, expected_size: int | None) -> _http.Download | None:
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        size = dest.stat().st_size
        if info.get("url") != url or info.get("size") != size or expected_size not in (None, size):
            return None
        if _http.sha256_of(dest) != info.get("sha256"):
            return None
        return _http.Download(url=url, path=dest, size=size, sha256=info["sha256"], attempts=0, resumed=False)

    @staticmethod
    def _copy(location: str, dest: Path, expected_size: int | None) -> _http.Download:
        src = Path(location.removeprefix("file://"))
        if not src.is_file():
            raise _http.DownloadError(str(src), "file not found in the --mirror folder")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        size = dest.stat().st_size
        if expected_size is not None and size != expected_size:
            dest.unlink()
            msg = f"{size:,} bytes but the index announces {expected_size:,} bytes (damaged or changed file)"
            raise _http.DownloadError(str(src), msg)
        return _http.Download(str(src), dest, size, _http.sha256_of(dest), attempts=1, resumed=False)


def _cbs_link(getter: _Getter, sources: OfficialSources, *, mirror: str | None, hint: str) -> CbsLink:
    """Read the GeoPackage link (and length) from the Atom index, one feed level deep at most."""
    if mirror and _is_local(mirror) and not Path(sources.cbs_atom).is_file():
        found = sorted(Path(sources.cbs_atom).parent.glob("*.gpkg"))
        cbs = [p for p in found if "wijkenbuurten" in p.name.lower()] or found
        if len(cbs) == 1:
            return CbsLink(str(cbs[0]), None)
    atom = getter.get(sources.cbs_atom, hint=hint, cached=False)
    getter.atom = atom
    feeds = [(sources.cbs_atom, atom.path.read_bytes())]
    seen: set[str] = set()
    for depth in range(2):
        next_feeds: list[tuple[str, bytes]] = []
        for feed_url, body in feeds:
            links = _atom_links(feed_url, body, hint=hint)
            gpkg = [(h, n) for h, t, n in links if h.lower().endswith(".gpkg") or "geopackage" in t]
            if gpkg:
                href, length = gpkg[0]
                if mirror:
                    href = _under(mirror, href)
                return CbsLink(href, length)
            if depth == 0:
                for h, t, _ in links:
                    if ("atom" in t or h.lower().endswith(".xml")) and h not in seen and h != feed_url:
                        seen.add(h)
                        url = _under(mirror, h) if mirror else h
                        sub = getter.get(url, hint=hint, cached=False)
                        next_feeds.append((url, sub.path.read_bytes()))
        feeds = next_feeds
    msg = (
        f"{sources.cbs_atom}: the Atom index links no GeoPackage (.gpkg), not even in the feeds it links to; "
        f"PDOK may have changed the index. {hint}"
    )
    raise FetchError(msg)


def _atom_links(url: str, body: bytes, *, hint: str) -> list[tuple[str, str, int | None]]:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        msg = f"{url}: not a readable Atom index ({exc}); is the address right? {hint}"
        raise FetchError(msg) from exc
    links: list[tuple[str, str, int | None]] = []
    for el in root.iter():
        if el.tag not in (f"{_ATOM}link", "link") or not el.get("href"):
            continue
        length = el.get("length", "")
        links.append(
            (urljoin(url, el.get("href", "")), el.get("type", "").lower(), int(length) if length.isdigit() else None)
        )
    return links


def _open_zip(download: _http.Download, hint: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(download.path)
    except (zipfile.BadZipFile, OSError) as exc:
        download.path.unlink(missing_ok=True)  # the next run downloads it again
        msg = (
            f"{download.url}: the downloaded file ({download.size:,} bytes, sha256 {download.sha256[:12]}...) "
            f"is not a readable zip archive ({exc}); it was removed from the cache, run the command again. {hint}"
        )
        raise FetchError(msg) from exc


def _unpack(
    download: _http.Download, wanted: tuple[tuple[str, str, bool], ...], staging: Path, *, hint: str
) -> dict[str, str]:
    """Extract the files matching ``wanted`` into ``staging/<archive stem>/``; return rel path -> member."""
    stem = download.path.name.removesuffix(".zip")
    found: dict[str, str] = {}
    with _open_zip(download, hint) as zf:
        members = [m for m in zf.infolist() if not m.is_dir() and not PurePosixPath(m.filename).name.startswith(".")]
        names = [m.filename for m in members]
        for role, pattern, required in wanted:
            hits = [m for m in members if fnmatch.fnmatch(PurePosixPath(m.filename).name.lower(), pattern.lower())]
            listing = ", ".join(names[:30]) + (" ..." if len(names) > 30 else "")
            if len(hits) > 1:
                msg = (
                    f"{download.url}: {len(hits)} files match the {role} pattern {pattern!r} "
                    f"({', '.join(m.filename for m in hits)}); expected one. {hint}"
                )
                raise FetchError(msg)
            if not hits:
                if required:
                    msg = (
                        f"{download.url}: the archive has no {role} file: expected a file matching {pattern!r}; "
                        f"the archive holds: {listing or '(nothing)'}. The publisher may have changed the layout. "
                        f"{hint}"
                    )
                    raise FetchError(msg)
                continue
            member = hits[0]
            parts = PurePosixPath(member.filename).parts
            if any(p in ("..", "") for p in parts) or PurePosixPath(member.filename).is_absolute():
                msg = f"{download.url}: unsafe file name {member.filename!r} in the archive; download it again"
                raise FetchError(msg)
            target = staging.joinpath(stem, *parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(member) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                download.path.unlink(missing_ok=True)
                msg = (
                    f"{download.url}: {member.filename} in the archive is damaged ({exc}: the checksum does not "
                    f"match); it was removed from the cache, run the command again. {hint}"
                )
                raise FetchError(msg) from exc
            found[target.relative_to(staging).as_posix()] = member.filename
    return found


def _split_cbs(download: _http.Download, staging: Path, *, hint: str) -> dict[str, str]:
    """Write each CBS layer as its own GeoParquet file (the area reader takes one layer per file)."""
    import pyogrio

    stem = download.path.stem
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(download.path)]
    except Exception as exc:  # pyogrio raises several types for a damaged file
        download.path.unlink(missing_ok=True)
        msg = (
            f"{download.url}: the downloaded file ({download.size:,} bytes) is not a readable GeoPackage; "
            f"it was removed from the cache, run the command again. {hint}"
        )
        raise FetchError(msg) from exc
    missing = [layer for layer in CBS_LAYERS if layer not in layers]
    if missing:
        msg = (
            f"{download.url}: the GeoPackage lacks the layers {', '.join(missing)} (expected "
            f"{', '.join(CBS_LAYERS)}; it holds {', '.join(layers) or 'none'}). {hint}"
        )
        raise FetchError(msg)
    out: dict[str, str] = {}
    folder = staging / stem
    folder.mkdir(parents=True, exist_ok=True)
    for layer in CBS_LAYERS:
        target = folder / f"{stem}-{layer}.parquet"
        try:
            frame = pyogrio.read_dataframe(download.path, layer=layer)
        except Exception as exc:  # a damaged layer
            msg = f"{download.url}: layer {layer!r} of the GeoPackage cannot be read ({exc}). {hint}"
            raise FetchError(msg) from exc
        frame.to_parquet(target, index=False)
        out[target.relative_to(staging).as_posix()] = layer
    return out


def _build(staging: Path, out: Path, hint: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    from geo.build import build

    again = (
        f"The downloaded sources are in {staging}: after fixing them, build with "
        f"`python -m geo build --from {staging} --out {out}`. The previous dataset in {out} is unchanged"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            manifest = build(staging, out)
        except (DataFileError, ValidationError) as exc:
            msg = f"the downloaded files do not build: {exc}\n{again}. {hint}"
            raise FetchError(msg) from exc
        except OSError as exc:
            why = exc.strerror or exc
            msg = f"cannot write the dataset to {out} ({why}); free disk space or pass another --out. {again}"
            raise FetchError(msg) from exc
    return manifest, tuple(str(w.message) for w in caught)


def add_parser(sub: Any) -> None:
    """Add the ``fetch`` subcommand to the subparsers of ``python -m geo``."""
    p = sub.add_parser(
        "fetch",
        help="download the full official data, verify it and build the dataset",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--year", type=int, default=2024, help=f"boundary year ({', '.join(map(str, OFFICIAL_SOURCES))})")
    p.add_argument("--mirror", default=None, help="base URL or folder serving the same file names (index.xml too)")
    p.add_argument(
        "--out", type=Path, default=None, help=f"dataset folder (default {fetched_data_dir()}: the app uses it)"
    )
    p.add_argument(
        "--cache", type=Path, default=None, help=f"download cache (default ${CACHE_ENV} or {default_cache_dir()})"
    )
    p.add_argument("--refresh", action="store_true", help="download again even when the cache has the files")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``python -m geo fetch``; print ``error: ...`` and return 2 on failure."""
    try:
        result = fetch(
            year=args.year,
            mirror=args.mirror,
            out=args.out,
            cache=args.cache,
            refresh=args.refresh,
            progress=not args.quiet,
        )
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for d in result.downloads:
        print(f"  {d.url}: {d.size:,} bytes, sha256 {d.sha256}")
    print(f"built {result.out} (build {result.build_id}) from {result.staging}")
    choice = resolve_data_dir()
    if choice.path.resolve() != result.out.resolve():
        print(f"note: the app uses the {choice.label}; run it with {DATA_ENV}={result.out} to show this dataset")
    return 0
