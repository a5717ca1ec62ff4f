"""_cache.RecentlyUsed: bounded, least recently added or used evicted first, each value that
leaves disposed of exactly once, consistent under threads."""

from __future__ import annotations

import sys
import threading
from collections import Counter

import pytest

from requests_urllib_compat._cache import RecentlyUsed


class _Value:
    """A value that records how often it was disposed of."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.disposed = 0

    def dispose(self) -> None:
        self.disposed += 1


def _cache(maxsize: int) -> RecentlyUsed[str, _Value]:
    return RecentlyUsed(maxsize, _Value.dispose)


def test_oldest_is_evicted_and_disposed_once() -> None:
    cache = _cache(2)
    a, b, c = _Value("a"), _Value("b"), _Value("c")
    cache["a"], cache["b"] = a, b
    cache["c"] = c
    assert cache.keys() == ["b", "c"]
    assert cache.get("a") is None
    assert (a.disposed, b.disposed, c.disposed) == (1, 0, 0)
    assert len(cache) == 2


def test_get_is_a_plain_lookup_and_use_refreshes() -> None:
    cache = _cache(2)
    a, b = _Value("a"), _Value("b")
    cache["a"], cache["b"] = a, b
    assert cache.get("a") is a  # a peek: "a" stays the oldest
    assert cache.keys() == ["a", "b"]
    assert cache.use("a", lambda key: pytest.fail("made again")) is a  # now the most recent
    assert cache.keys() == ["b", "a"]
    c = cache.use("c", _Value)
    assert cache.keys() == ["a", "c"]
    assert (a.disposed, b.disposed, c.disposed) == (0, 1, 0)


def test_setting_again_refreshes_and_disposes_a_replaced_value() -> None:
    cache = _cache(2)
    a, b, newer = _Value("a"), _Value("b"), _Value("a2")
    cache["a"], cache["b"] = a, b
    cache["a"] = a  # the same value: refreshed, not disposed
    assert cache.keys() == ["b", "a"] and a.disposed == 0
    cache["a"] = newer
    assert cache.get("a") is newer and a.disposed == 1 and newer.disposed == 0


def test_clear_disposes_every_value_once() -> None:
    cache = _cache(3)
    values = [_Value(str(i)) for i in range(3)]
    for v in values:
        cache[v.name] = v
    cache.clear()
    cache.clear()
    assert len(cache) == 0 and cache.keys() == []
    assert [v.disposed for v in values] == [1, 1, 1]


def test_dispose_may_use_the_cache() -> None:
    """dispose runs outside the lock: a value that re-enters the cache does not deadlock."""
    cache: RecentlyUsed[str, str] = RecentlyUsed(1, lambda v: cache.values())
    cache["a"] = "a"
    cache["b"] = "b"
    cache.clear()
    assert len(cache) == 0


def test_without_dispose_and_bad_sizes() -> None:
    cache: RecentlyUsed[int, bool] = RecentlyUsed(1)
    cache[1] = True
    cache[2] = True
    assert cache.keys() == [2] and cache.values() == [True]
    with pytest.raises(ValueError, match="at least 1"):
        RecentlyUsed(0)
    assert repr(cache) == "<RecentlyUsed 1/1>"  # values (contexts, adapters) never shown


def test_threads_never_overfill_nor_dispose_twice() -> None:
    """Eight threads adding, using, reading and clearing overlapping keys: at the end every
    value made was either disposed of exactly once or is still in the cache, and ``use``
    made at most one value per key at a time."""
    cache = _cache(8)
    made: list[_Value] = []
    made_lock = threading.Lock()
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def make(name: str) -> _Value:
        value = _Value(name)
        with made_lock:
            made.append(value)
        return value

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(2000):
                key = str((i * 7 + n) % 24)
                if i % 3 == 0:
                    cache[key] = make(key)
                elif i % 3 == 1:
                    assert cache.use(key, make).name == key
                else:
                    value = cache.get(key)
                    assert value is None or value.name == key
                if i % 500 == 499 and n == 0:
                    cache.clear()
                assert len(cache) <= 8
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: contention
    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    try:
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(before)
    assert not errors
    kept = {id(v) for v in cache.values()}
    assert len(kept) <= 8
    assert Counter(v.disposed for v in made if id(v) not in kept) == Counter(
        {1: len(made) - len(kept)}
    )
    assert all(v.disposed == 0 for v in cache.values())
