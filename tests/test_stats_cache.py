"""Public statistics are computed at most once per INTAKE_STATS_CACHE_SECONDS per worker
(intake/cache.py): a national host answers /stats.json from memory, not the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from config import ConfigError, load_config
from intake.cache import TimedCache
from intake.models import CaseKind
from tests.support.stats import NOW, Filing, file_cases


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_kept_for_its_seconds_then_computed_again() -> None:
    # Given a cache on a clock we move by hand, and a computation that counts its calls
    clock = Clock()
    cache = TimedCache(clock=clock)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    # When asked three times within 60 seconds, then once after
    first = cache.get("k", 60, compute)
    clock.now += 59.9
    second = cache.get("k", 60, compute)
    clock.now += 0.2
    third = cache.get("k", 60, compute)

    # Then the value was computed once for the first minute and again after it
    assert (first, second, third) == (1, 1, 2)


def test_zero_seconds_keeps_nothing_and_keys_are_separate() -> None:
    cache = TimedCache(clock=Clock())
    values = iter(range(10))
    assert [cache.get("a", 0, lambda: next(values)) for _ in range(3)] == [0, 1, 2]
    assert cache.get("a", 60, lambda: next(values)) == 3
    assert cache.get("b", 60, lambda: next(values)) == 4
    assert cache.get("a", 60, lambda: next(values)) == 3


def test_a_full_cache_drops_expired_entries_first() -> None:
    # Given a cache of three entries, one of them expired
    clock = Clock()
    cache = TimedCache(max_entries=3, clock=clock)
    cache.get("old", 1, lambda: "old")
    clock.now += 5
    cache.get("a", 60, lambda: "a")
    cache.get("b", 60, lambda: "b")
    # When a fourth key comes
    cache.get("c", 60, lambda: "c")
    # Then the live ones are still served from memory, the expired one is recomputed
    assert cache.get("a", 60, lambda: "recomputed") == "a"
    assert cache.get("old", 60, lambda: "recomputed") == "recomputed"


def _received(app: Flask, kind: str = "tip") -> Any:
    body = app.test_client().get("/stats.json?fy=2569").get_json()
    return body["kinds"][kind]["totals"]["received"]


def test_stats_json_is_served_from_the_cache_until_it_expires(make_app: Any) -> None:
    # Given an instance that keeps statistics for a minute, with one tip on record
    app = make_app(INTAKE_STATS_CACHE_SECONDS=60)
    file_cases(app, Filing(CaseKind.TIP, NOW))
    assert _received(app) == 1
    # When another tip is filed
    file_cases(app, Filing(CaseKind.TIP, NOW))
    # Then the figures stay as computed until the cache is emptied, then show it
    assert _received(app) == 1
    app.extensions["intake_stats_cache"].clear()
    assert _received(app) == 2


def test_testing_and_development_compute_every_time(app: Flask) -> None:
    file_cases(app, Filing(CaseKind.TIP, NOW))
    assert _received(app) == 1
    file_cases(app, Filing(CaseKind.TIP, NOW))
    assert _received(app) == 2


@pytest.mark.parametrize(
    ("value", "expected"), [("0", 0), (" 300 ", 300), ("", 0)], ids=["zero", "padded", "empty"]
)
def test_cache_seconds_from_environment(tmp_path: Path, value: str, expected: int) -> None:
    settings = load_config(
        {"INTAKE_STATS_CACHE_SECONDS": value}, {"INTAKE_INSTANCE_PATH": str(tmp_path)}
    )
    assert settings["INTAKE_STATS_CACHE_SECONDS"] == expected


def test_production_caches_for_a_minute_by_default(tmp_path: Path) -> None:
    settings = load_config(
        {"INTAKE_ENV": "production", "SECRET_KEY": "x" * 40},
        {"INTAKE_INSTANCE_PATH": str(tmp_path)},
    )
    assert settings["INTAKE_STATS_CACHE_SECONDS"] == 60


@pytest.mark.parametrize("value", ["a minute", "-5", "1.5"])
def test_cache_seconds_that_are_not_whole_seconds_are_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="INTAKE_STATS_CACHE_SECONDS"):
        load_config({"INTAKE_STATS_CACHE_SECONDS": value}, {"INTAKE_INSTANCE_PATH": str(tmp_path)})


def test_the_page_says_how_fresh_its_figures_are(make_app: Any, app: Flask) -> None:
    cached = make_app(INTAKE_STATS_CACHE_SECONDS=60).test_client().get("/stats?fy=2569")
    assert "ตัวเลขอาจช้ากว่าข้อมูลจริงไม่เกิน 60 วินาที" in cached.get_data(as_text=True)
    fresh = app.test_client().get("/stats?fy=2569").get_data(as_text=True)
    assert "ตัวเลขเป็นข้อมูล ณ เวลาที่เปิดหน้านี้" in fresh and "ไม่เกิน" not in fresh
