"""Small per-process caches: computed values kept for a number of seconds (TimedCache),
and expensive documents kept by key and computed once (RenderOnce).

Public statistics are read far more often than they change, and every worker process
computing them for every visitor is what would limit a national host. Each worker
keeps its own copy, so figures may lag the database by at most the configured time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app

T = TypeVar("T")


def remembered(key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """A host-wide read (the same for every visitor) kept for INTAKE_STATS_CACHE_SECONDS
    in this worker, like the organisations' own statistics."""
    cache = current_app.extensions.setdefault("intake_remembered", TimedCache())
    return cache.get(key, current_app.config["INTAKE_STATS_CACHE_SECONDS"], compute)


class TimedCache:
    def __init__(self, max_entries: int = 256, clock: Callable[[], float] = time.monotonic):
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._max_entries = max_entries
        self._clock = clock

    def get(self, key: Hashable, seconds: float, compute: Callable[[], T]) -> T:
        """The value under ``key`` if computed less than ``seconds`` ago, else a fresh one.
        With ``seconds`` 0 nothing is kept (tests and development see every change)."""
        if seconds <= 0:
            return compute()
        now = self._clock()
        found = self._entries.get(key)
        if found is not None and found[0] > now:
            return found[1]
        value = compute()
        with self._lock:
            if len(self._entries) >= self._max_entries:
                # Many distinct queries (e.g. every fiscal year asked once): drop the
                # expired ones, and if none has expired, start again.
                live = {k: v for k, v in self._entries.items() if v[0] > now}
                self._entries = live if len(live) < self._max_entries else {}
            self._entries[key] = (now + seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries = {}


class RenderOnce:
    """A few expensive values (e.g. PDFs) by key, least recently used dropped first, each
    computed at most once however many requests ask at the same moment: computing holds
    one lock, so a burst of requests keeps one core busy, not all of them.

    ``renders`` and ``hits`` count what happened (tests and operators read them)."""

    def __init__(self, max_entries: int = 8) -> None:
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._compute_lock = threading.Lock()
        self._max_entries = max_entries
        self.renders = 0
        self.hits = 0

    def _cached(self, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return True, self._entries[key]
        return False, None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        found, value = self._cached(key)
        if found:
            return value
        with self._compute_lock:
            found, value = self._cached(key)  # computed while this request waited
            if found:
                return value
            value = compute()
            with self._lock:
                self.renders += 1
                self._entries[key] = value
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.renders = self.hits = 0
