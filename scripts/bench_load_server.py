"""Server-side load test: one Streamlit server, 20 concurrent sessions, 3 rounds.

Run: python scripts/bench_load_server.py [--sessions 20] [--rounds 3] [--think S] [--warm | --deploy-warm-up]
     [--timeout 420] [--data DIR]

How it drives the app: it starts ``streamlit run app.py`` on 127.0.0.1 at a random free port and
talks to it over Streamlit's own websocket protocol (``/_stcore/stream``, protobuf ``BackMsg`` /
``ForwardMsg``), as a browser would, without a browser. So it measures the server: script runs,
caches and memory, not rendering (on 2 shared cores a browser would measure itself).

In each round, every session opens a new connection and, one after the other:

1. **map**: opens the map (``/?g=GM0363``);
2. **year**: moves the year slider to another year (widget state ``year``);
3. **area**: picks another wijk (widget state ``wijk``);
4. **page**: switches to the trends page.

The time of an interaction is from sending the rerun request to receiving the server's
``script_finished`` message (over loopback, so it is the server's run time plus local transfer).
The script prints p50 and p95 per interaction, the server's resident set size (RSS, from
/proc) after each round, and checks the budgets: p95 at most 1 s, RSS growth after the first
round at most 50 MB. It stops by itself: every interaction has a deadline and the whole run has
``--timeout``; the server is always terminated. Exit status 1 when a budget is missed or a run
failed, else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from warm_up import script_run  # noqa: E402  (the project's websocket client: one script run)

INTERACTIONS = ("map", "year", "area", "page")
P95_BUDGET_S = 1.0
RSS_GROWTH_BUDGET_MB = 50.0
STEP_DEADLINE_S = 90.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_s(pid: int) -> float:
    """The server's CPU seconds so far (user + system, all threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Widget:
    id: str
    options: list[str]
    value: list[str]


@dataclass
class Session:
    """One browser-less client: the widgets and pages the server told it about."""

    ws: websockets.ClientConnection
    widgets: dict[str, Widget] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # url path -> page_script_hash
    page_hash: str = ""
    query: str = ""
    errors: list[str] = field(default_factory=list)

    async def run(self, widget_states: list[WidgetState] | None = None) -> float:
        """Send one rerun request and wait for the run to finish; return the seconds."""
        state = ClientState(query_string=self.query, page_script_hash=self.page_hash)
        state.widget_states.CopyFrom(WidgetStates(widgets=widget_states or []))
        seconds, compiled = await script_run(self.ws, state, STEP_DEADLINE_S, self._read)
        if not compiled:
            self.errors.append("compile error")
        return seconds

    def _read(self, fwd: ForwardMsg) -> None:
        kind = fwd.WhichOneof("type")
        if kind == "delta":
            self._read_delta(fwd)
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in fwd.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query = fwd.page_info_changed.query_string

    def _read_delta(self, fwd: ForwardMsg) -> None:
        if fwd.delta.WhichOneof("type") != "new_element":
            return
        el = fwd.delta.new_element
        kind = el.WhichOneof("type")
        if kind == "exception":
            self.errors.append(f"{el.exception.type}: {el.exception.message}"[:200])
            return
        proto = getattr(el, kind, None)
        wid = getattr(proto, "id", "")
        if not isinstance(wid, str) or not wid:
            return
        key = wid.rsplit("-", 1)[-1]
        options = list(getattr(proto, "options", []))
        if kind == "selectbox":
            current = [proto.raw_value] if proto.raw_value else options[proto.default : proto.default + 1]
            self.widgets[key] = Widget(wid, options, current)
        elif kind == "slider" and options:  # a select_slider: options are the labels
            current = list(proto.raw_value) or [options[int(v)] for v in proto.default if int(v) < len(options)]
            self.widgets[key] = Widget(wid, options, current)


def _other(widget: Widget, step: int) -> str:
    choices = [o for o in widget.options if o not in widget.value] or widget.options
    return choices[step % len(choices)]


async def _session(
    url: str, round_no: int, n: int, times: dict[str, list[float]], errors: list[str], think: float = 0.0
) -> None:
    rng = random.Random(round_no * 1000 + n)  # the same pauses in every run

    async def pause() -> None:
        # a person reads the page before the next click: think * U(0.5, 1.5) seconds (0: a burst)
        if think > 0:
            await asyncio.sleep(think * (0.5 + rng.random()))

    await pause()  # sessions arrive spread out, not all in the same millisecond
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=60) as ws:  # type: ignore[list-item]
        s = Session(ws)
        s.query = "g=GM0363"
        times["map"].append(await s.run())
        await pause()
        year = s.widgets.get("year")
        if year is None:
            errors.append("no year widget on the map page")
            return
        value = _other(year, n + round_no)
        times["year"].append(await s.run([WidgetState(id=year.id, string_array_value={"data": [value]})]))
        await pause()
        if f"j={value[:4]}" not in s.query:  # the app mirrors its state in the URL
            errors.append(f"the year change to {value!r} did not reach the URL ({s.query})")
        wijk = s.widgets.get("wijk")
        if wijk is None:
            errors.append("no wijk widget on the map page")
            return
        value = _other(wijk, n + round_no)
        times["area"].append(await s.run([WidgetState(id=wijk.id, string_value=value)]))
        await pause()
        if f"a={value.rsplit('(', 1)[-1].rstrip(')')}" not in s.query:
            errors.append(f"the area change to {value!r} did not reach the URL ({s.query})")
        s.page_hash = s.pages.get("trends", "")
        if not s.page_hash:
            errors.append(f"no trends page in the navigation ({sorted(s.pages)})")
            return
        times["page"].append(await s.run())
        errors.extend(s.errors)


def _quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


async def _warm_up(url: str) -> float:
    """One session runs the whole sequence once (as a deploy's warm-up request would); its seconds."""
    times: dict[str, list[float]] = {k: [] for k in INTERACTIONS}
    errors: list[str] = []
    t0 = time.perf_counter()
    await _session(url, 0, 0, times, errors)
    if errors:
        raise RuntimeError(f"the warm-up session failed: {errors[0]}")
    return time.perf_counter() - t0


async def _rounds(
    url: str, pid: int, sessions: int, rounds: int, think: float = 0.0, warm: bool = False
) -> tuple[bool, list[str]]:
    ok, lines, rss = True, [], []
    if warm:
        seconds = await _warm_up(url)
        print(f"warm-up: one session ran the sequence in {seconds:.1f} s (not counted)", flush=True)
    for r in range(1, rounds + 1):
        times: dict[str, list[float]] = {k: [] for k in INTERACTIONS}
        errors: list[str] = []
        t0, cpu0 = time.perf_counter(), _cpu_s(pid)
        results = await asyncio.gather(
            *(_session(url, r, n, times, errors, think) for n in range(sessions)), return_exceptions=True
        )
        errors += [f"{type(e).__name__}: {e}" for e in results if isinstance(e, BaseException)]
        wall, cpu = time.perf_counter() - t0, _cpu_s(pid) - cpu0
        await asyncio.sleep(2)  # let the server drop the closed sessions
        rss.append(_rss_mb(pid))
        lines.append(
            f"round {r}: {sessions} sessions in {wall:.1f} s, server CPU {cpu:.1f} s "
            f"({cpu / max(len(times['map']), 1) * 1000:.0f} ms a session), server RSS {rss[-1]:.0f} MB"
        )
        for k in INTERACTIONS:
            v = times[k]
            p50, p95 = _quantile(v, 0.50), _quantile(v, 0.95)
            flag = "" if p95 <= P95_BUDGET_S else "  OVER BUDGET"
            ok &= p95 <= P95_BUDGET_S and len(v) == sessions
            lines.append(f"  {k:<5} n={len(v):>2}  p50 {p50 * 1000:7.0f} ms  p95 {p95 * 1000:7.0f} ms{flag}")
        if errors:
            ok = False
            lines.append(f"  {len(errors)} errors, e.g. {errors[0]}")
        print("\n".join(lines[-(len(INTERACTIONS) + 1 + bool(errors)) :]), flush=True)
    growth = rss[-1] - rss[0]
    flag = "" if growth <= RSS_GROWTH_BUDGET_MB else "  OVER BUDGET"
    ok &= growth <= RSS_GROWTH_BUDGET_MB
    lines.append(
        f"RSS after each round: {', '.join(f'{m:.0f}' for m in rss)} MB; growth after round 1 {growth:+.0f} MB{flag}"
    )
    return ok, lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds a session pauses before each interaction, times U(0.5, 1.5), as a person reading the page "
        "(default 0: every session fires at once, a burst)",
    )
    ap.add_argument(
        "--warm",
        action="store_true",
        help="one session runs the sequence before the measured rounds, so round 1 meets a warm server "
        "(imports done, dataset loaded); default: round 1 meets a cold server",
    )
    ap.add_argument(
        "--deploy-warm-up",
        action="store_true",
        help="run warm_up.py (map, then Trends, in one session) before the measured rounds, as the Dockerfile "
        "does after starting the server",
    )
    ap.add_argument("--timeout", type=float, default=420.0, help="seconds for the whole run (default 420)")
    ap.add_argument("--data", type=Path, default=None, help="dataset folder (default: the app's)")
    args = ap.parse_args()

    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if args.data:
        env["LEEFBAARHEID_DATA"] = str(args.data.resolve())
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                print("the server did not start:", (server.stderr.read() if server.stderr else b"").decode()[-2000:])
                return 1
            time.sleep(0.5)
        print(
            f"server pid {server.pid} on 127.0.0.1:{port}, RSS {_rss_mb(server.pid):.0f} MB before any session; "
            f"{args.sessions} concurrent sessions x {args.rounds} rounds of: {', '.join(INTERACTIONS)}",
            flush=True,
        )
        if args.deploy_warm_up:
            warm = subprocess.run(
                [sys.executable, "warm_up.py", f"http://127.0.0.1:{port}"], cwd=ROOT, capture_output=True, text=True
            )
            print(warm.stdout + warm.stderr, end="", flush=True)
            if warm.returncode:
                return 1
        url = f"ws://127.0.0.1:{port}/_stcore/stream"
        try:
            rounds = _rounds(url, server.pid, args.sessions, args.rounds, args.think, args.warm)
            ok, lines = asyncio.run(asyncio.wait_for(rounds, args.timeout))
        except TimeoutError:
            print(f"stopped after {args.timeout:.0f} s (--timeout)")
            return 1
        print(lines[-1])
        print(
            f"budgets (p95 <= {P95_BUDGET_S:.1f} s, RSS growth <= {RSS_GROWTH_BUDGET_MB:.0f} MB):",
            "met" if ok else "MISSED",
        )
        return 0 if ok else 1
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    sys.exit(main())
