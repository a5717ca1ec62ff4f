"""The one bounded cache of the package: at most ``maxsize`` entries, the least recently added
or used evicted first, and an optional ``dispose`` called once on every value that leaves.

Like urllib3's ``RecentlyUsedContainer`` (what its pool managers keep pools in), with one
difference the request path needs: a hit through :meth:`RecentlyUsed.get` is the underlying
dict's own ``get``, one lookup without a lock, so memos consulted several times per request
(checked headers, pools by origin, handler tables) cost what a plain dict costs.  Such a hit
does not reorder entries: for those memos a value is a pure function of its key, so evicting one
that is still in use costs only its recomputation.  :meth:`RecentlyUsed.use` does reorder, under
the lock, for values worth keeping longest (a shared adapter holds open connections).

Every change takes the lock, so no value is evicted twice; ``dispose`` is called after the
value has left the cache and outside the lock, so a ``dispose`` that uses the cache cannot
deadlock.  Reads need no lock: each is a single dict operation (atomic under the GIL, and
under the per-object locks of a free-threaded build).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Callable, Generic, TypeVar

__all__ = ["RecentlyUsed"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentlyUsed(Generic[K, V]):
    """A bounded mapping from ``K`` to ``V`` (see the module docstring)."""

    __slots__ = ("_data", "_dispose", "_lock", "get", "maxsize")

    #: The value for a key, or ``None``: a plain dict lookup, no lock, no reordering.
    get: Callable[[K], V | None]

    def __init__(self, maxsize: int, dispose: Callable[[V], object] | None = None) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()
        self._dispose = dispose
        self._lock = threading.Lock()
        self.get = self._data.get

    def __setitem__(self, key: K, value: V) -> None:
        """Add or replace ``value`` as the most recently used; a replaced value (another
        object) and the least recently used beyond ``maxsize`` are disposed of."""
        with self._lock:
            old = self._data.get(key)
            gone = self._make_room(key)
            self._data[key] = value
            self._data.move_to_end(key)
        if old is not None and old is not value:
            gone.append(old)
        self._dispose_all(gone)

    def use(self, key: K, make: Callable[[K], V]) -> V:
        """The value for ``key``, made by ``make(key)`` (under the lock: one value per key) and
        added if missing; either way it is now the most recently used."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
                return value
            value = make(key)
            gone = self._make_room(key)
            self._data[key] = value
        self._dispose_all(gone)
        return value

    def clear(self) -> None:
        """Empty the cache, disposing of every value."""
        with self._lock:
            gone = list(self._data.values())
            self._data.clear()
        self._dispose_all(gone)

    def keys(self) -> list[K]:
        """The keys, least recently used first (a snapshot)."""
        with self._lock:
            return list(self._data)

    def values(self) -> list[V]:
        """The values, least recently used first (a snapshot)."""
        with self._lock:
            return list(self._data.values())

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:  # (a method call: the hot path uses get)
        return key in self._data

    def __repr__(self) -> str:  # the values may hold secrets (a context, credentials)
        return f"<{type(self).__name__} {len(self)}/{self.maxsize}>"

    def _make_room(self, key: K) -> list[V]:
        """Remove the least recently used so that ``key`` fits (the lock is held).  Before the
        key is added, so that a reader without the lock never sees more than ``maxsize``."""
        data = self._data
        if key in data:
            return []
        return [data.popitem(last=False)[1] for _ in range(len(data) - self.maxsize + 1)]

    def _dispose_all(self, values: list[V]) -> None:
        if self._dispose is not None:
            for value in values:
                self._dispose(value)
