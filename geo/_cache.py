"""The package's one cache: results computed once per dataset, forgotten with the dataset.

A :class:`~geo.dataset.Dataset` is immutable once loaded, so anything derived from it alone
(a neighbour graph, the national means, a change scale) can be kept as long as the dataset
lives. :func:`memo` keeps such results in a :class:`weakref.WeakKeyDictionary` keyed by the
dataset, with one dict of results per dataset keyed by a tuple that starts with the name of
the computation. It is safe to use from several Streamlit sessions at once (one re-entrant
lock, so a computation may itself use :func:`memo`).

Streamlit's own caches (``st.cache_data`` / ``st.cache_resource``) stay in ``ui.py``; nothing
here imports streamlit.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from geo.dataset import Dataset

__all__ = ["clear", "memo"]

_T = TypeVar("_T")
_MEMO: weakref.WeakKeyDictionary[Dataset, dict[tuple[Hashable, ...], object]] = weakref.WeakKeyDictionary()
_LOCK = threading.RLock()
#: One lock per computation in progress, so that a slow computation (a neighbour graph of every
#: buurt) holds up only the sessions that need that same result, not every lookup.
_PENDING: dict[tuple[int, tuple[Hashable, ...]], threading.RLock] = {}


def memo(ds: Dataset, key: tuple[Hashable, ...], compute: Callable[[], _T]) -> _T:
    """Return ``compute()`` for ``ds`` and ``key``, computing it only the first time.

    Parameters
    ----------
    ds : Dataset
        The dataset the result is derived from; the result is dropped when it is.
    key : tuple
        Names the computation and its arguments, e.g. ``("graph", "wijk")``; hashable.
    compute : callable
        Makes the result; called at most once per dataset and key.

    Returns
    -------
    object
        The (shared) result. Callers must not modify it.
    """
    with _LOCK:
        store = _MEMO.setdefault(ds, {})
        if key in store:
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
    return value


def clear(ds: Dataset | None = None) -> None:
    """Forget the results of one dataset, or of all (for tests and benchmarks)."""
    with _LOCK:
        if ds is None:
            _MEMO.clear()
        else:
            _MEMO.pop(ds, None)
