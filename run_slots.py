"""Admission control: at most :data:`SLOTS` script runs execute at once; the others queue briefly.

Every session's script run is a thread of the one server process, and Python runs one thread at
a time. When twenty sessions click at once, twenty runs share that one interpreter lock: each
waits for every other, the lock changes hands thousands of times, and the server spends about a
third more CPU on the same work (``scripts/bench_load_server.py`` prints the CPU per round). A run
that waits for a slot first lets the runs before it finish; the same work then takes less CPU,
and a run's time is its place in the queue plus its own work.

A run never waits longer than :data:`MAX_WAIT_S` seconds: after that it runs alongside the others,
so one long run (a brief, a large export) holds the rest up by at most that much.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

__all__ = ["MAX_WAIT_S", "SLOTS", "slot"]


def _slots_from_env() -> int:
    """Read ``LEEFBAARHEID_RUN_SLOTS`` (a whole number of at least 1; default 1)."""
    text = os.environ.get("LEEFBAARHEID_RUN_SLOTS", "1").strip()
    if not (text.isascii() and text.isdigit() and int(text) >= 1):
        msg = f"LEEFBAARHEID_RUN_SLOTS={text!r}: give a whole number of at least 1 (default 1), or unset it"
        raise ValueError(msg)
    return int(text)


#: Script runs that execute at once (``LEEFBAARHEID_RUN_SLOTS``, default 1).
SLOTS: Final[int] = _slots_from_env()
#: The longest a run waits for a slot before it runs anyway, in seconds.
MAX_WAIT_S: Final[float] = 2.0

_free = threading.BoundedSemaphore(SLOTS)


@contextmanager
def slot(max_wait: float = MAX_WAIT_S, *, slots: threading.BoundedSemaphore | None = None) -> Iterator[bool]:
    """Hold a run slot for the block; wait at most ``max_wait`` seconds for one.

    Parameters
    ----------
    max_wait : float, default MAX_WAIT_S
        Seconds to wait for a free slot; after that the block runs without one.
    slots : threading.BoundedSemaphore, optional
        The slots to take from (the server's own by default; tests pass their own).

    Yields
    ------
    bool
        True when the block holds a slot, False when it waited ``max_wait`` and runs without.
        The slot is given back however the block ends (a rerun, ``st.stop``, an error).
    """
    pool = _free if slots is None else slots
    held = pool.acquire(timeout=max_wait)
    try:
        yield held
    finally:
        if held:
            pool.release()
