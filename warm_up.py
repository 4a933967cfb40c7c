"""Warm a freshly started server: one session opens the map, then the Trends page, and leaves.

A Streamlit server imports the app's libraries and loads the dataset on its first script run, and
builds the Trends page's charts on the first visit to it (some 1.5-3 s together on two cores). Every
visitor who arrives before that is done waits for it: in the load test a cold server's first round
took 1.55 s at p95 to open the map, a warm one 0.2-0.3 s. A deploy runs this right after starting
the server (the Dockerfile does), so that the first visitors meet a warm server.

It talks to the server as a browser would, over Streamlit's websocket (``/_stcore/stream``), and
reports what each page showed. Exit status: 0 when both pages ran without an error; 1 when a page
raised an exception or showed an error (e.g. a damaged dataset: the message is printed); 2 when
the server did not answer within ``--timeout`` or the URL is not an http(s) URL.

Run: python warm_up.py [URL] [--query Q] [--timeout S]    (URL default http://127.0.0.1:8501)
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

#: The page a visitor opens second, after the map (its url path in the app's navigation).
SECOND_PAGE = "trends"


class WrongPathError(Exception):
    """A server answered, but not at the app's path (it runs under another base path)."""


@dataclass
class PageRun:
    """What one script run of a page sent: its element count, and its exceptions and error alerts."""

    page: str
    seconds: float
    elements: int = 0
    problems: list[str] = field(default_factory=list)


def _endpoints(url: str) -> tuple[str, str]:
    """Return the health-check and websocket URLs of the server at ``url`` (with its base path, if any)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) URL; give the server's address, e.g. http://127.0.0.1:8501")
    path = parts.path.rstrip("/")
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    health = urlunsplit((parts.scheme, parts.netloc, f"{path}/_stcore/health", "", ""))
    return health, urlunsplit((ws_scheme, parts.netloc, f"{path}/_stcore/stream", "", ""))


def wait_healthy(health: str, timeout: float) -> None:
    """Poll the server's health check until it answers ``ok``.

    Raises ``TimeoutError`` after ``timeout`` seconds, and ``WrongPathError`` when a server answers
    that the path is not found (the app is served under a base path the URL does not give).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(health, timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code == 404:  # a server, but not this path: the app is served under a base path
                msg = (
                    f"the server answered 'not found' for {health}; if it runs with --server.baseUrlPath, "
                    "give that path in the URL, e.g. http://127.0.0.1:8501/lv"
                )
                raise WrongPathError(msg) from None
        except OSError:  # URLError too: no server (yet)
            pass
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"no server answered at {health} within {timeout:g} s; start it first "
                "(streamlit run app.py) or give its address and a longer --timeout"
            )
        time.sleep(0.5)


async def script_run(
    ws: websockets.ClientConnection, state: ClientState, timeout: float, read: Callable[[ForwardMsg], None]
) -> tuple[float, bool]:
    """Ask the server for one script run over Streamlit's websocket and read it to its end.

    Every message of the run but its end goes to ``read``; a run the app ends early to rerun
    itself (``st.rerun``) is followed into the run that completes. Also used by the load test
    (``scripts/bench_load_server.py``).

    Returns
    -------
    tuple of (float, bool)
        The seconds from the request to the run's end, and whether the page's script compiled.
    """
    msg = BackMsg()
    msg.rerun_script.CopyFrom(state)
    t0 = time.perf_counter()
    await ws.send(msg.SerializeToString())
    while True:
        fwd = ForwardMsg()
        fwd.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
        if fwd.WhichOneof("type") != "script_finished":
            read(fwd)
        elif fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return time.perf_counter() - t0, fwd.script_finished != ForwardMsg.FINISHED_WITH_COMPILE_ERROR


async def _run(
    ws: websockets.ClientConnection, page: str, query: str, page_hash: str, seconds: float, pages: dict[str, str]
) -> PageRun:
    """Run one page and note what it showed; the app's pages go into ``pages``."""
    run = PageRun(page, 0.0)

    def read(fwd: ForwardMsg) -> None:
        kind = fwd.WhichOneof("type")
        if kind == "navigation":
            pages.update({p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages})
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            element = fwd.delta.new_element
            run.elements += 1
            if element.WhichOneof("type") == "exception":
                run.problems.append(f"exception {element.exception.type}: {element.exception.message}")
            elif element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
                run.problems.append("error shown: " + re.sub(r"\\(.)", r"\1", element.alert.body))  # Markdown escapes

    state = ClientState(query_string=query, page_script_hash=page_hash)
    run.seconds, compiled = await script_run(ws, state, seconds, read)
    if not compiled:
        run.problems.append("the page's script did not compile")
    return run


async def warm(url: str, query: str = "", timeout: float = 120.0) -> list[PageRun]:
    """Open the map (with ``query``) and then the Trends page in one session of the server at ``url``.

    Parameters
    ----------
    url
        The server's address, with its base path if it has one (``http://127.0.0.1:8501/lv``).
    query
        The map's query string, e.g. ``g=GM0363`` (default: the app's landing view).
    timeout
        Seconds to wait for each page's run.

    Returns
    -------
    list of PageRun
        One per page, in order; a page whose run failed lists its problems.
    """
    _health, stream = _endpoints(url)
    pages: dict[str, str] = {}
    async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None, open_timeout=timeout) as ws:  # type: ignore[list-item]
        runs = [await _run(ws, "map", query, "", timeout, pages)]
        if SECOND_PAGE not in pages:
            runs[0].problems.append(f"no {SECOND_PAGE!r} page in the app's navigation ({sorted(pages)})")
            return runs
        runs.append(await _run(ws, SECOND_PAGE, query, pages[SECOND_PAGE], timeout, pages))
        return runs


def main(argv: list[str] | None = None) -> int:
    """Warm the server named on the command line; return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url", nargs="?", default="http://127.0.0.1:8501", help="the server's address")
    ap.add_argument("--query", default="", help="the map's query string, e.g. g=GM0363 (default: the landing view)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the server and each page")
    args = ap.parse_args(argv)
    if not args.timeout > 0:
        ap.error(f"--timeout {args.timeout:g}: give the seconds to wait, more than 0 (e.g. --timeout 120)")
    try:
        health, _stream = _endpoints(args.url)
        wait_healthy(health, args.timeout)
        t0 = time.perf_counter()
        runs = asyncio.run(warm(args.url, args.query, args.timeout))
    except (ValueError, TimeoutError, WrongPathError) as exc:
        print(f"warm_up: {exc}", file=sys.stderr)
        return 2
    except (OSError, websockets.WebSocketException) as exc:
        print(f"warm_up: the session at {args.url} failed ({exc}); is it this app's server?", file=sys.stderr)
        return 2
    for run in runs:
        status = "ok" if not run.problems else "; ".join(run.problems)
        print(f"warm_up: {run.page} page ran in {run.seconds:.1f} s, {run.elements} elements: {status}")
    if any(run.problems for run in runs):
        print(f"warm_up: the server at {args.url} answered, but a page failed (above); fix that first", file=sys.stderr)
        return 1
    print(f"warm_up: the server at {args.url} is warm ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
