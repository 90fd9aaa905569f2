"""The host benchmark's verdicts (`python -m bench.host`), from figures alone: the host
pages against 50 ms, the per-organisation pages within 1.5× of one organisation alone,
and a host statistics page that does not exist yet counted as not met, with its reason."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from bench.drive import Result
from bench.host import (
    DIRECTORY,
    HOST_STATS,
    QUERIES,
    HostRun,
    computed_endpoints,
    directory_endpoint,
    judge,
)
from bench.report import HEALTH, LANDING, TARGET_CONNECTIONS, SizeRun
from intake.host.page_cache import MAX_PAGES
from tests.support.organisations import add_organisation

C = TARGET_CONNECTIONS


def _result(label: str, rps: float, p50_ms: float, errors: int = 0) -> Result:
    return Result(
        label=label,
        connections=C,
        seconds=10.0,
        requests=int(rps * 10),
        expected=int(rps * 10) - errors,
        unexpected=errors,
        socket_errors=0,
        non_2xx_3xx=errors,
        first_unexpected=302 if errors else 0,
        p50_ms=p50_ms,
        p90_ms=p50_ms * 2,
        p99_ms=p50_ms * 3,
        max_ms=p50_ms * 4,
    )


def _run() -> HostRun:
    run = HostRun(8000, 1_000_000, slug="bkk", biggest=60_000)
    run.organisation, run.single = SizeRun("postgresql", 60_000), SizeRun("postgresql", 60_000)
    run.single.results[(HEALTH, C)] = _result(HEALTH, 900, 17.0)
    run.organisation.results[(HEALTH, C)] = _result(HEALTH, 800, 20.0)  # 1.18× slower
    run.single.results[(LANDING, C)] = _result(LANDING, 340, 50.0)
    run.organisation.results[(LANDING, C)] = _result(LANDING, 200, 80.0)  # 1.7× slower
    return run


def test_the_host_pages_are_judged_against_50_ms() -> None:
    run = _run()
    run.results[(DIRECTORY, C)] = _result(DIRECTORY, 400, 38.0)
    run.results[(HOST_STATS, C)] = _result(HOST_STATS, 250, 61.0)
    lines = "\n".join(judge(run))
    assert f"- {DIRECTORY} p50 < 50 ms at {C}: met" in lines
    assert f"- {HOST_STATS} p50 < 50 ms at {C}: **not met** (p50 61.0 ms" in lines


def test_a_missing_host_statistics_page_is_not_met_and_says_why() -> None:
    run = _run()
    run.results[(DIRECTORY, C)] = _result(DIRECTORY, 400, 38.0)
    run.host_stats_missing = "GET /stats at the host's root answered 302 /"
    lines = "\n".join(judge(run))
    assert f"{HOST_STATS} p50 < 50 ms at {C}: **not met** (GET /stats at the host" in lines


def test_each_organisation_page_is_judged_by_its_worse_ratio() -> None:
    lines = "\n".join(judge(_run()))
    assert f"- {HEALTH} within 1.5× at {C}: met (1.18×)" in lines
    assert f"- {LANDING} within 1.5× at {C}: **not met** (1.70×)" in lines


def test_the_directory_is_searched_with_every_query_in_turn() -> None:
    endpoint = directory_endpoint()
    assert [unquote(path.removeprefix("/?q=")) for path in endpoint.paths] == list(QUERIES)
    assert all(path.isascii() for path in endpoint.paths)  # wrk sends them as they are


def test_a_page_that_answered_nothing_is_said_so_not_divided_by() -> None:
    run = _run()
    assert run.single is not None
    run.single.results[(HEALTH, C)] = _result(HEALTH, 0, 0.0)
    lines = "\n".join(judge(run))
    assert f"- {HEALTH}: no answer within the run at {C} connections" in lines


def test_every_answer_is_computed_when_more_questions_are_asked_than_a_worker_keeps(
    make_app: Any,
) -> None:
    # Given the questions of the "every answer computed" rows
    searches, stats = computed_endpoints()
    for endpoint in (searches, stats):
        assert len(set(endpoint.paths)) == len(endpoint.paths) > 2 * MAX_PAGES
        assert all(path.isascii() for path in endpoint.paths)
    # Then each is a page the host answers as it answers the question without the extra
    app = make_app()
    add_organisation(app, "second", "เทศบาลตำบลหนองเรือ", province="ขอนแก่น")
    client = app.test_client()
    for path in (searches.paths[-1], stats.paths[-1]):
        plain = path.rsplit("v=", 1)[0].rstrip("?&")
        asked, expected = client.get(path), client.get(plain)
        assert asked.status_code == expected.status_code == 200
        assert asked.get_data() == expected.get_data()
