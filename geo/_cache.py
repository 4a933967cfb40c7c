"""The package's one cache: results computed once per dataset, forgotten with the dataset.

A :class:`~geo.dataset.Dataset` is immutable once loaded, so anything derived from it alone
(a neighbour graph, the national means, a change scale) can be kept as long as the dataset
lives. :func:`memo` keeps such results in a :class:`weakref.WeakKeyDictionary` keyed by the
dataset, with one dict of results per dataset keyed by a tuple that starts with the name of
the computation. It is safe to use from several Streamlit sessions at once (one re-entrant
lock, so a computation may itself use :func:`memo`).

Results per dataset (a graph per level, means per measure) are few. Results per area (a trend
table per area and measure) are not: a server that stays up would in time hold one for every
area of the country. Those computations pass ``max_entries``: each computation name then keeps
at most that many results, and forgets the least recently used one first.

Streamlit's own caches (``st.cache_data`` / ``st.cache_resource``) stay in ``ui.py`` and ``trends_view.py``; nothing
here imports streamlit.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from geo.dataset import Dataset

__all__ = ["clear", "memo", "memo_size"]

_T = TypeVar("_T")
_MEMO: weakref.WeakKeyDictionary[Dataset, dict[tuple[Hashable, ...], object]] = weakref.WeakKeyDictionary()
#: The bounded computations of each dataset: name -> its keys, least recently used first.
_RECENT: weakref.WeakKeyDictionary[Dataset, dict[Hashable, OrderedDict[tuple[Hashable, ...], None]]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.RLock()
#: One lock per computation in progress, so that a slow computation (a neighbour graph of every
#: buurt) holds up only the sessions that need that same result, not every lookup.
_PENDING: dict[tuple[int, tuple[Hashable, ...]], threading.RLock] = {}


def memo(ds: Dataset, key: tuple[Hashable, ...], compute: Callable[[], _T], *, max_entries: int | None = None) -> _T:
    """Return ``compute()`` for ``ds`` and ``key``, computing it only the first time.

    Parameters
    ----------
    ds : Dataset
        The dataset the result is derived from; the result is dropped when it is.
    key : tuple
        Names the computation and its arguments, e.g. ``("graph", "wijk")``; hashable.
    compute : callable
        Makes the result; called at most once per dataset and key while the result is kept.
    max_entries : int, optional
        Keep at most this many results of this computation (the keys with the same first
        element, ``key[0]``) for ``ds``, forgetting the least recently used first. Without it,
        every result is kept as long as the dataset: use that only for computations with few
        keys (per level, per measure), never per area.

    Returns
    -------
    object
        The (shared) result. Callers must not modify it.

    Raises
    ------
    ValueError
        When ``max_entries`` is not a positive integer.
    """
    if max_entries is not None and (
        isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1
    ):
        msg = f"`max_entries` was {max_entries!r} but is expected to be a positive integer or None"
        raise ValueError(msg)
    with _LOCK:
        store = _MEMO.setdefault(ds, {})
        if key in store:
            if max_entries is not None:
                _touch(ds, store, key, max_entries)
            return store[key]  # type: ignore[return-value]
        pending = _PENDING.setdefault((id(ds), key), threading.RLock())
    with pending:
        with _LOCK:
            if key in store:  # another session computed it while this one waited
                return store[key]  # type: ignore[return-value]
        value = compute()
        with _LOCK:
            store[key] = value
            _PENDING.pop((id(ds), key), None)
            if max_entries is not None:
                _touch(ds, store, key, max_entries)
    return value


def _touch(ds: Dataset, store: dict[tuple[Hashable, ...], object], key: tuple[Hashable, ...], max_entries: int) -> None:
    """Mark ``key`` as its computation's most recently used result and forget the oldest beyond ``max_entries``.

    Call with ``_LOCK`` held. ``key`` itself is the newest, so it is always kept.
    """
    recent = _RECENT.setdefault(ds, {}).setdefault(key[0], OrderedDict())
    recent[key] = None
    recent.move_to_end(key)
    while len(recent) > max_entries:
        oldest, _ = recent.popitem(last=False)
        store.pop(oldest, None)


def memo_size(ds: Dataset, name: Hashable | None = None) -> int:
    """Return how many results are kept for ``ds``: all, or those of one computation ``name`` (``key[0]``)."""
    with _LOCK:
        store = _MEMO.get(ds, {})
        return len(store) if name is None else sum(1 for k in store if k[0] == name)


def clear(ds: Dataset | None = None) -> None:
    """Forget the results of one dataset, or of all (for tests and benchmarks)."""
    with _LOCK:
        if ds is None:
            _MEMO.clear()
            _RECENT.clear()
        else:
            _MEMO.pop(ds, None)
            _RECENT.pop(ds, None)
