"""PageCache on its own: a page is kept only under the version it was made from, and the cache stays
consistent when worker threads (a file or database store) use it at once."""

from __future__ import annotations

import sys
import threading

from mockserver.apis.common.pagecache import PageCache


def test_a_page_rendered_before_a_write_is_not_kept_after_it() -> None:
    cache = PageCache()
    assert cache.get(1, "k") is None  # thread A: a miss at version 1, starts rendering
    assert cache.get(2, "k") is None  # a write moved the store; thread B asks at version 2
    cache.put(1, "k", b"before the write")  # A's page lands late
    assert cache.get(2, "k") is None  # never served as version 2's page
    cache.put(2, "k", b"after the write")
    assert cache.get(2, "k") == b"after the write"
    assert cache.get(3, "k") is None  # the next write forgets it


def test_a_page_is_served_only_while_the_clock_leaves_it_true() -> None:
    cache = PageCache()
    cache.get(7, "k")
    cache.put(7, "k", b"page", 10.0, 20.0)
    assert cache.get(7, "k", 9.9) is None
    assert cache.get(7, "k", 10.0) == b"page"
    assert cache.get(7, "k", 20.0) is None


def test_capacity_and_bytes_bound_it_the_oldest_going_first() -> None:
    cache = PageCache(capacity=2, max_bytes=10)
    cache.get(0, "a")
    cache.put(0, "a", b"1234")
    cache.put(0, "b", b"1234")
    cache.put(0, "c", b"1234")  # capacity 2: "a" goes
    assert [cache.get(0, k) for k in "abc"] == [None, b"1234", b"1234"]
    cache.put(0, "d", b"12345678")  # 4 + 8 > 10 bytes: "b" and "c" go
    assert [cache.get(0, k) for k in "bcd"] == [None, None, b"12345678"]
    cache.put(0, "e", b"x" * 11)  # larger than the whole budget: never kept
    assert cache.get(0, "e") is None and cache.get(0, "d") == b"12345678"


def test_threads_evicting_at_once_never_fail() -> None:
    cache = PageCache(capacity=4, max_bytes=1 << 20)
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def hammer(n: int) -> None:
        barrier.wait(timeout=30)
        try:
            for i in range(3000):
                version = i // 500
                key = (n, i % 16)
                if cache.get(version, key) is None:
                    cache.put(version, key, b"%d" % i)
        except BaseException as exc:  # any failure is the finding
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can: races show
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        sys.setswitchinterval(interval)
    assert not errors
    assert len(cache._pages) <= 4
    assert cache._bytes == sum(len(page) for page, _, _ in cache._pages.values())
