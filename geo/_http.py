"""Network code of ``python -m geo fetch``: one synchronous download with retries and resume.

Only this module talks HTTP. :func:`download` streams a URL to a file with a progress bar
(tqdm: bytes and speed), keeps what it has in ``<name>.part``, resumes it with an HTTP
``Range`` request after an interruption, retries connection errors, timeouts and server
errors (5xx) with exponential backoff (never a 404 or another client error), and returns the
file's size and sha256. Every failure is one :class:`DownloadError` that names the URL.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import requests
from tqdm import tqdm

__all__ = ["DEFAULT_TIMEOUT", "Download", "DownloadError", "download", "sha256_of"]

#: Seconds to wait for a connection and for each read; a server that stops sending fails.
DEFAULT_TIMEOUT: Final[tuple[float, float]] = (10.0, 60.0)
#: Attempts after the first one for connection errors, timeouts and 5xx responses.
DEFAULT_RETRIES: Final[int] = 4
#: Seconds before the first retry; doubled for every next one (1, 2, 4, 8 s by default).
DEFAULT_BACKOFF: Final[float] = 1.0
_CHUNK: Final[int] = 1 << 16
_USER_AGENT: Final[str] = "leefbaarheid-verkenner (python -m geo fetch)"
_CONTENT_RANGE: Final[re.Pattern[str]] = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)", re.ASCII)


class DownloadError(Exception):
    """A download failed; ``url`` is what was asked for, ``status`` the HTTP status if any."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class _Retryable(Exception):
    """A failure worth another attempt (connection, timeout, 5xx, a body cut short)."""


@dataclass(frozen=True)
class Download:
    """A completed download.

    Attributes
    ----------
    url : str
        The URL downloaded.
    path : Path
        The complete file.
    size : int
        Its size in bytes.
    sha256 : str
        Its sha256, hex.
    attempts : int
        Requests made (more than one after a retry or a resume).
    resumed : bool
        True when part of the file came from an earlier, interrupted attempt (HTTP Range).
    """

    url: str
    path: Path
    size: int
    sha256: str
    attempts: int
    resumed: bool


def sha256_of(path: Path) -> str:
    """Return the sha256 (hex) of a file, read in chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def download(
    url: str,
    dest: str | Path,
    *,
    expected_size: int | None = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    progress: bool = True,
    session: requests.Session | None = None,
) -> Download:
    """Download ``url`` to ``dest``, resuming and retrying as needed.

    Parameters
    ----------
    url : str
        An http(s) URL.
    dest : str or Path
        The file to write. Bytes arrive in ``<dest>.part``, which is renamed to ``dest`` when
        complete; a ``.part`` left by an earlier run is resumed with ``Range: bytes=N-``.
    expected_size : int, optional
        The size the file must have (e.g. the ``length`` of an Atom link); a complete file of
        another size is deleted and reported.
    timeout : (float, float), default (10, 60)
        Connect and read timeouts in seconds.
    retries : int, default 4
        Further attempts after connection errors, timeouts, 5xx responses and bodies cut short.
    backoff : float, default 1.0
        Seconds before the first retry, doubled for each next one.
    progress : bool, default True
        Show a tqdm progress bar (bytes, speed) on stderr.
    session : requests.Session, optional
        Session to use (a new one by default).

    Returns
    -------
    Download
        URL, path, size, sha256, number of requests and whether it resumed.

    Raises
    ------
    DownloadError
        On a client error (404 ...), when every retry failed, or on a size mismatch.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    own = session is None
    http = session or requests.Session()
    if own:
        http.headers["User-Agent"] = _USER_AGENT
    attempts = 0
    resumed = False
    try:
        while True:
            attempts += 1
            try:
                resumed |= _attempt(http, url, part, timeout=timeout, progress=progress)
                break
            except _Retryable as exc:
                if attempts > retries:
                    msg = f"{exc}; gave up after {attempts} attempts"
                    raise DownloadError(url, msg) from exc
                time.sleep(backoff * 2 ** (attempts - 1))
    finally:
        if own:
            http.close()
    size = part.stat().st_size
    if expected_size is not None and size != expected_size:
        part.unlink(missing_ok=True)
        msg = f"downloaded {size:,} bytes but the index announces {expected_size:,} bytes (damaged or changed file)"
        raise DownloadError(url, msg)
    digest = sha256_of(part)
    part.replace(dest)
    return Download(url=url, path=dest, size=size, sha256=digest, attempts=attempts, resumed=resumed)


def _attempt(http: requests.Session, url: str, part: Path, *, timeout: tuple[float, float], progress: bool) -> bool:
    """Make one request, appending to ``part``; return True when it resumed earlier bytes."""
    offset = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        resp = http.get(url, stream=True, timeout=timeout, headers=headers)
    except requests.Timeout as exc:
        raise _Retryable(f"no answer within {timeout[0]:g} s (connect) / {timeout[1]:g} s (read)") from exc
    except requests.ConnectionError as exc:
        raise _Retryable(f"cannot connect ({_why(url, exc)})") from exc
    except requests.RequestException as exc:
        raise DownloadError(url, f"request failed ({_short(exc)})") from exc
    with resp:
        status = resp.status_code
        if status >= 500:
            raise _Retryable(f"server error HTTP {status} {resp.reason}")
        if status == 416 and offset:  # the .part is already complete, or larger than the file
            total = _total_from_range(resp.headers.get("Content-Range", ""))
            if total == offset:
                return True
            part.unlink(missing_ok=True)
            raise _Retryable("the partial download does not fit the file on the server; starting again")
        if status >= 400:
            hint = "the file is not there (check the URL or --mirror)" if status == 404 else resp.reason
            raise DownloadError(url, f"HTTP {status}: {hint}", status=status)
        if status == 206 and offset:
            start = _start_from_range(resp.headers.get("Content-Range", ""))
            if start != offset:
                part.unlink(missing_ok=True)
                raise _Retryable(f"the server resumed at byte {start}, not {offset}; starting again")
            mode, done = "ab", offset
        else:  # 200: the whole file (the server ignored Range, or nothing to resume)
            mode, done = "wb", 0
        length = resp.headers.get("Content-Length")
        total = done + int(length) if length and length.isdigit() else None
        name = part.name.removesuffix(".part")
        with (
            part.open(mode) as fh,
            tqdm(
                total=total,
                initial=done,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=name[:40],
                disable=not progress,
                leave=False,
            ) as bar,
        ):
            try:
                for chunk in resp.iter_content(_CHUNK):
                    fh.write(chunk)
                    bar.update(len(chunk))
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                raise _Retryable(f"the connection broke after {fh.tell():,} bytes ({_short(exc)})") from exc
        got = part.stat().st_size
        if total is not None and got != total:
            raise _Retryable(f"the body ended after {got:,} of {total:,} bytes")
        return mode == "ab"


def _start_from_range(header: str) -> int | None:
    m = _CONTENT_RANGE.fullmatch(header.strip())
    return int(m.group(1)) if m else None


def _total_from_range(header: str) -> int | None:
    m = re.fullmatch(r"bytes \*/(\d+)", header.strip(), re.ASCII)
    return int(m.group(1)) if m else None


def _why(url: str, exc: BaseException) -> str:
    """Say in words why a connection failed (urllib3's text names pools and retries)."""
    text = str(exc)
    host = urlsplit(url).hostname or url
    if "NameResolutionError" in text or "Failed to resolve" in text or "Name or service not known" in text:
        return f"the name {host} cannot be resolved: offline, or a DNS or proxy problem"
    if "Connection refused" in text:
        return f"{host} refused the connection"
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSLError" in text:
        return f"the TLS certificate of {host} cannot be verified (a proxy that intercepts HTTPS?)"
    return _short(exc)


def _short(exc: BaseException) -> str:
    text = str(exc).replace("\n", " ")
    return text if len(text) <= 160 else text[:157] + "..."
