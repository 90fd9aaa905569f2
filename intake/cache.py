"""A small per-process cache of computed values, each kept for a number of seconds.

Public statistics are read far more often than they change, and every worker process
computing them for every visitor is what would limit a national host. Each worker
keeps its own copy, so figures may lag the database by at most the configured time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


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
