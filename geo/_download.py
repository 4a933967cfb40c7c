"""Cached, verified downloads and the archives of ``python -m geo fetch``.

:class:`_Getter` downloads a URL (through :mod:`geo._http`) or copies a file from a ``--mirror``
folder into the cache, ``downloads/<url hash>/<name>`` with a ``.json`` beside it recording the
URL, sha256 and size, and reuses a cached copy only while it still matches. :func:`_cbs_link`
reads the CBS GeoPackage's link and announced length from the PDOK Atom index.
:func:`_unpack` extracts the wanted files of a zip archive and :func:`_split_cbs` writes each
layer of the GeoPackage as its own GeoParquet file, both into the staging source folder.
A damaged download is removed from the cache, so the next run fetches it again. Every failure
is one :class:`~geo._errors.FetchError` that names the URL or file and what to do.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

from geo import _http
from geo._errors import FetchError
from geo.locate import CACHE_ENV

__all__ = ["CbsLink"]

_ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class CbsLink:
    """The GeoPackage link read from the Atom index: its URL and announced length (bytes)."""

    url: str
    length: int | None


def _under(base: str, url: str) -> str:
    """Return the file name of ``url`` under ``base``, a URL or a local folder (a ``--mirror``)."""
    name = PurePosixPath(urlsplit(url).path).name
    if _is_local(base):
        return str(Path(base.removeprefix("file://")) / name)
    return urljoin(base.rstrip("/") + "/", name)


def _is_local(location: str) -> bool:
    """Say whether ``location`` is a local path (or ``file://`` URL) rather than a web address."""
    return location.startswith("file://") or "://" not in location


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


def _cbs_link(getter: _Getter, atom_url: str, *, mirror: str | None, hint: str) -> CbsLink:
    """Read the GeoPackage link (and length) from the Atom index at ``atom_url``, one feed level deep at most."""
    if mirror and _is_local(mirror) and not Path(atom_url).is_file():
        found = sorted(Path(atom_url).parent.glob("*.gpkg"))
        cbs = [p for p in found if "wijkenbuurten" in p.name.lower()] or found
        if len(cbs) == 1:
            return CbsLink(str(cbs[0]), None)
    atom = getter.get(atom_url, hint=hint, cached=False)
    getter.atom = atom
    feeds = [(atom_url, atom.path.read_bytes())]
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
        f"{atom_url}: the Atom index links no GeoPackage (.gpkg), not even in the feeds it links to; "
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


def _split_cbs(download: _http.Download, wanted: tuple[str, ...], staging: Path, *, hint: str) -> dict[str, str]:
    """Write each ``wanted`` layer as its own GeoParquet file (the area reader takes one layer per file)."""
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
    missing = [layer for layer in wanted if layer not in layers]
    if missing:
        msg = (
            f"{download.url}: the GeoPackage lacks the layers {', '.join(missing)} (expected "
            f"{', '.join(wanted)}; it holds {', '.join(layers) or 'none'}). {hint}"
        )
        raise FetchError(msg)
    out: dict[str, str] = {}
    folder = staging / stem
    folder.mkdir(parents=True, exist_ok=True)
    for layer in wanted:
        target = folder / f"{stem}-{layer}.parquet"
        try:
            frame = pyogrio.read_dataframe(download.path, layer=layer)
        except Exception as exc:  # a damaged layer
            msg = f"{download.url}: layer {layer!r} of the GeoPackage cannot be read ({exc}). {hint}"
            raise FetchError(msg) from exc
        frame.to_parquet(target, index=False)
        out[target.relative_to(staging).as_posix()] = layer
    return out
