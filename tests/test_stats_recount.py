"""The published statistics always equal a recount from the case table.

Random histories of cases go through the real services — filings back-dated across the
fiscal-year boundary, routing, interim notices, closures of every kind, reopenings,
referrals, moves to the tip channel, survey answers — and after each history the kept
tallies must equal a recount, and every figure of ``stats.compute`` must equal a count
written here from the case rows by the design's definitions, independently of the code
under test.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from intake import suppression, tallies
from intake.extensions import db
from intake.models import (
    COMPLAINTS_ONLY,
    Case,
    CaseKind,
    Category,
    Channel,
    Department,
    ReopenRequest,
    Role,
    SatisfactionResponse,
)
from intake.services import ServiceError, case_links, reopen_requests, stats, tip_figures
from intake.services import case_actions as actions
from intake.services import satisfaction as satisfaction_service
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.workflow import CLOSED
from tests.support.builders import interim_parts
from tests.support.staff import make_staff

BANGKOK_OFFSET = timedelta(hours=7)
# From two months before FY 2569 to two months into FY 2570: both boundaries are crossed.
FIRST_DAY = datetime(2025, 8, 1, tzinfo=UTC)
SPAN_DAYS = 480
NOW = FIRST_DAY + timedelta(days=SPAN_DAYS + 30)

OPERATIONS = (
    "accept",
    "assign",
    "start",
    "interim",
    "resolve",
    "reject",
    "refer",
    "reopen",
    "to_tip",
    "rate",
    "ask_reopen",
    "grant_reopen",
    "decline_reopen",
    "link",  # to the first case of the history: it then follows that one
    "unlink",
)

history = st.lists(
    st.tuples(
        st.sampled_from(list(CaseKind)),
        st.sampled_from(list(Channel)),
        st.integers(0, SPAN_DAYS * 24),  # hours after FIRST_DAY: any hour, so month edges too
        st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 40)), max_size=6),
    ).filter(  # a tip never comes through a channel that takes complaints only
        lambda case: not (case[0] is CaseKind.TIP and case[1] in COMPLAINTS_ONLY)
    ),
    min_size=1,
    max_size=8,
)


def _legal(app: Flask) -> Any:
    from intake.models import User

    with app.app_context():
        exists = db.session.scalars(select(User.id).where(User.username == "recount-legal")).first()
    if exists is None:
        make_staff(app, "recount-legal", Role.LEGAL)
    return "recount-legal"


def _run_history(app: Flask, cases: list[tuple[Any, ...]]) -> None:
    from intake.models import User

    with app.app_context():
        keyring = current_keyring()
        uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
        actor = db.session.scalars(select(User).where(User.username == "recount-legal")).one()
        departments = list(db.session.scalars(select(Department.id)))
        first_reference = ""
        for kind, channel, hours, operations in cases:
            categories = list(db.session.scalars(select(Category.id).where(Category.kind == kind)))
            received = FIRST_DAY + timedelta(hours=hours)
            data = FilingInput(
                kind=kind,
                subject="ทดสอบ",
                details="รายละเอียด",
                channel=channel,
                category_id=categories[hours % len(categories)] if categories else None,
                received_at=received,
            )
            filed = file_case(db.session, keyring, uploads, data, NOW)
            first_reference = first_reference or filed.reference
            at = received
            for operation, days in operations:
                at = min(at + timedelta(days=days, hours=1), NOW)
                _apply(
                    keyring,
                    actor,
                    filed.case_id,
                    operation,
                    at,
                    departments,
                    uploads,
                    first_reference,
                )


def _apply(
    keyring: Any,
    actor: Any,
    case_id: str,
    operation: str,
    at: datetime,
    departments: list[int],
    uploads: Path | None = None,
    primary_reference: str = "",
) -> None:
    calls = {
        "link": lambda: case_links.link(
            db.session, keyring, actor, case_id, primary_reference, now=at
        ),
        "unlink": lambda: case_links.unlink(db.session, keyring, actor, case_id, now=at),
        "accept": lambda: actions.accept(db.session, keyring, actor, case_id, now=at),
        "assign": lambda: actions.assign(
            db.session, keyring, actor, case_id, department_id=departments[0], now=at
        ),
        "start": lambda: actions.start_work(db.session, keyring, actor, case_id, now=at),
        "interim": lambda: actions.interim_notice(
            db.session, keyring, actor, case_id, **interim_parts(at), now=at
        ),
        "resolve": lambda: actions.resolve(
            db.session, keyring, actor, case_id, message="เสร็จแล้ว", now=at
        ),
        "reject": lambda: actions.reject(
            db.session, keyring, actor, case_id, reason="ไม่อยู่ในอำนาจ", now=at
        ),
        "refer": lambda: actions.refer(
            db.session, keyring, actor, case_id, destination="nacc", now=at
        ),
        "reopen": lambda: actions.reopen(
            db.session, keyring, actor, case_id, reason="มีข้อมูลใหม่", now=at
        ),
        "to_tip": lambda: actions.move_to_tip(db.session, keyring, actor, case_id, now=at),
        "ask_reopen": lambda: reopen_requests.ask(
            db.session, keyring, uploads or Path("."), case_id, message="ยังไม่แก้", files=[], now=at
        ),
        "grant_reopen": lambda: reopen_requests.grant(
            db.session, keyring, actor, case_id, message="", now=at
        ),
        "decline_reopen": lambda: reopen_requests.decline(
            db.session, keyring, actor, case_id, message="แก้ไขแล้ว", now=at
        ),
        "rate": lambda: satisfaction_service.record_answers(
            db.session,
            keyring,
            case_id,
            satisfaction_service.SurveyAnswers(3, 3, 3, 1 + at.day % 5),
            at,
        ),
    }
    try:
        calls[operation]()
    except ServiceError:
        db.session.rollback()  # not allowed from this status: the history goes on


def _month(at: datetime) -> str:
    return (at + BANGKOK_OFFSET).strftime("%Y-%m")


def _expected(fiscal_year: int, half: int, kind: CaseKind) -> dict[str, Any]:
    """The design's definitions, counted here from the case rows."""
    months = [m.strftime("%Y-%m") for m in stats.period_months(fiscal_year, half)]
    rows = db.session.execute(select(Case).where(Case.kind == kind)).scalars().all()
    ratings: dict[str, int] = {
        case_id: overall
        for case_id, overall in db.session.execute(
            select(SatisfactionResponse.case_id, SatisfactionResponse.overall)
        )
    }
    in_period = [c for c in rows if _month(c.received_at) in months]
    per_month = {m: Counter() for m in months}
    by: dict[str, Counter[str]] = {name: Counter() for name in stats.BREAKDOWNS}
    for case in in_period:
        closed = case.status in CLOSED
        on_time = case.first_response_at is not None and case.first_response_at <= case.first_due_at
        counts = per_month[_month(case.received_at)]
        counts["received"] += 1
        counts["completed"] += closed
        counts["on_time"] += on_time
        by["category"][str(case.category_id or 0)] += 1
        by["channel"][case.channel.value] += 1
        by["department"][str(case.department_id or 0)] += 1
        by["outcome"][case.status.value if closed else "open"] += 1
    answered = [ratings[c.id] for c in in_period if c.id in ratings]
    reopen = Counter(
        request.outcome.value
        for request in db.session.scalars(select(ReopenRequest))
        if _month(request.requested_at) in months and request.case.kind is kind
    )
    return {
        "months": [
            (m, c["received"], c["completed"], c["received"] - c["completed"], c["on_time"])
            for m, c in per_month.items()
        ],
        "by": by,
        "responses": len(answered),
        "satisfied": sum(1 for r in answered if r >= 4),
        "reopen": {
            "requested": sum(reopen.values()),
            "reopened": reopen["reopened"],
            "declined": reopen["declined"],
            "pending": reopen["pending"],
        },
    }


def _check_counted(got: stats.KindStats, want: dict[str, Any]) -> None:
    """Figures as counted (complaints as published; tips on the staff side)."""
    assert [
        (r.month, r.received, r.completed, r.in_progress, r.on_time) for r in got.months
    ] == want["months"]
    for name in stats.BREAKDOWNS:
        received = {c.key: c.received for c in got.breakdowns[name] if c.received}
        assert received == dict(want["by"][name]), name
    satisfaction = got.satisfaction
    assert (satisfaction.responses, satisfaction.satisfied) == (
        want["responses"],
        want["satisfied"],
    )
    assert got.reopen_requests == want["reopen"]


def _check_published_tips(got: stats.KindStats, want: dict[str, Any]) -> None:
    """Published tips: no months; every shown line count is the count; every line of
    1–2 is hidden; and no "< 3" can be worked out from the shown lines and the total."""
    assert got.months == []
    received_total = sum(row[1] for row in want["months"])
    assert got.totals["received"] == received_total
    for name in stats.BREAKDOWNS:
        lines = got.breakdowns[name]
        shown = {c.key: c.received for c in lines}
        counted = want["by"][name]
        assert {k for k, v in shown.items() if v != 0} >= {k for k, n in counted.items() if n}
        for key, value in shown.items():
            if isinstance(value, int):
                assert value == counted.get(key, 0) and not suppression.is_small(value), name
        # the total the hidden lines are taken from: outcomes leave "still open" (the
        # in-progress total, published anyway) aside
        rows = [
            c
            for c in tip_figures.suppression_order(name, lines)
            if not (name == "outcome" and c.key == "open")
        ]
        total = sum(counted.get(c.key, 0) for c in rows)
        possible = suppression.possible_values([c.received for c in rows], total)
        for cell, values in zip(rows, possible, strict=True):
            assert counted.get(cell.key, 0) in values, name
            if cell.received == suppression.SMALL:
                assert values == {1, 2}, name


def _check_year_of_halves(year: stats.KindStats, halves: list[stats.KindStats]) -> None:
    """A published tip year shows a line only where both halves show it."""
    assert [h.received for h in year.halves] == [h.totals["received"] for h in halves]
    for name in stats.BREAKDOWNS:
        first, second = ({c.key: c.received for c in h.breakdowns[name]} for h in halves)
        for cell in year.breakdowns[name]:
            a, b = first.get(cell.key, 0), second.get(cell.key, 0)
            if isinstance(cell.received, int):
                assert isinstance(a, int) and isinstance(b, int) and cell.received == a + b


def _check_against_recount(app: Flask) -> None:
    with app.app_context():
        connection = db.session.connection()
        assert tallies.stored(connection) == tallies.recount(connection)
        for fiscal_year in (2568, 2569, 2570):
            published = {
                half: stats.compute(db.session, fiscal_year, list(CaseKind), half)
                for half in stats.HALVES
            }
            for half in stats.HALVES:
                counted = stats.compute(db.session, fiscal_year, list(CaseKind), half, public=False)
                for kind in CaseKind:
                    want = _expected(fiscal_year, half, kind)
                    _check_counted(counted[kind.value], want)
                _check_counted(
                    published[half]["complaint"], _expected(fiscal_year, half, CaseKind.COMPLAINT)
                )
                if half:
                    _check_published_tips(
                        published[half]["tip"], _expected(fiscal_year, half, CaseKind.TIP)
                    )
            _check_year_of_halves(published[0]["tip"], [published[1]["tip"], published[2]["tip"]])


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cases=history)
def test_statistics_equal_a_recount_after_any_history(app: Flask, cases: list[Any]) -> None:
    # Given the cases and the histories drawn (they pile up across examples)
    _legal(app)
    _run_history(app, cases)
    # Then the tallies and every published figure equal a recount from the case table
    _check_against_recount(app)


def test_reopen_requests_keep_the_tallies_equal_and_are_counted_by_outcome(app: Flask) -> None:
    # Given two complaints and a tip, each resolved
    _legal(app)
    day = timedelta(days=1)
    resolve_then = [("resolve", 1)]
    _run_history(
        app,
        [
            (CaseKind.COMPLAINT, Channel.WEB, 24 * 100, resolve_then),
            (CaseKind.COMPLAINT, Channel.WEB, 24 * 101, resolve_then),
            (CaseKind.TIP, Channel.WEB, 24 * 102, resolve_then),
        ],
    )
    with app.app_context():
        from intake.models import User

        keyring = current_keyring()
        actor = db.session.scalars(select(User).where(User.username == "recount-legal")).one()
        first, second, tip = (
            c.id for c in db.session.scalars(select(Case).order_by(Case.received_at))
        )
        asked = FIRST_DAY + 110 * day
        # When each complainant asks to reopen; one is reopened and closed again, one
        # refused, and the tip's request waits
        for case_id in (first, second, tip):
            _apply(keyring, actor, case_id, "ask_reopen", asked, [])
        _apply(keyring, actor, first, "grant_reopen", asked + day, [])
        _apply(keyring, actor, first, "resolve", asked + 2 * day, [])
        _apply(keyring, actor, second, "decline_reopen", asked + day, [])
        figures = stats.compute(db.session, 2569, [CaseKind.COMPLAINT])["complaint"]
        published_tips = stats.compute(db.session, 2569, [CaseKind.TIP])["tip"]
        staff_tips = stats.compute(db.session, 2569, [CaseKind.TIP], public=False)["tip"]

    # Then the figures count each request by outcome, tips only on the staff side
    want = {"requested": 2, "reopened": 1, "declined": 1, "pending": 0}
    assert figures.reopen_requests == want
    assert published_tips.reopen_requests is None
    assert staff_tips.reopen_requests == {
        "requested": 1,
        "reopened": 0,
        "declined": 0,
        "pending": 1,
    }
    # And the tallies and every figure still equal a recount
    _check_against_recount(app)


def test_a_reopened_case_moves_back_to_in_progress_and_a_move_to_tip_changes_its_kind(
    app: Flask,
) -> None:
    # Given a complaint received on the last evening of FY 2568 (Bangkok), resolved, rated
    _legal(app)
    evening = datetime(2025, 9, 30, 16, 30, tzinfo=UTC)  # 23:30 in Bangkok
    _run_history(
        app,
        [(CaseKind.COMPLAINT, Channel.PHONE, 0, [])],
    )
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        case.received_at = evening
        case_id = case.id
        db.session.commit()
    with app.app_context():
        keyring = current_keyring()
        from intake.models import User

        actor = db.session.scalars(select(User).where(User.username == "recount-legal")).one()
        at = evening + timedelta(days=2)
        actions.resolve(db.session, keyring, actor, case_id, message="ตอบแล้ว", now=at)
        answers = satisfaction_service.SurveyAnswers(5, 5, 5, 5)
        satisfaction_service.record_answers(db.session, keyring, case_id, answers, at)
        before = stats.compute(db.session, 2568, [CaseKind.COMPLAINT])["complaint"]
        # When it is reopened and then moved to the tip channel
        actions.reopen(db.session, keyring, actor, case_id, reason="มีข้อมูลใหม่", now=at)
        actions.move_to_tip(db.session, keyring, actor, case_id, now=at)
        after = stats.compute(db.session, 2568, list(CaseKind))
        staff = stats.compute(db.session, 2568, list(CaseKind), public=False)

    # Then it counted in September 2568 (BE) as completed, with its rating
    assert before.months[-1].month == "2025-09"
    assert (before.months[-1].received, before.months[-1].completed) == (1, 1)
    assert before.satisfaction.responses == 1
    # and now it is an open tip of that month for staff, its rating with it; the public
    # sees the second half's tip and its rating, hidden as "< 3", and no month
    assert after["complaint"].totals["received"] == 0
    assert staff["tip"].months[-1].received == 1 and staff["tip"].months[-1].in_progress == 1
    assert after["tip"].months == [] and after["tip"].halves[1].received == 1
    assert after["tip"].satisfaction.responses == "< 3"
    assert staff["tip"].satisfaction.responses == 1
    _check_against_recount(app)


def test_no_tip_breakdown_cell_shows_one_or_two(app: Flask) -> None:
    # Given one or two tips in several categories, channels and outcomes
    _legal(app)
    _run_history(
        app,
        [
            (CaseKind.TIP, Channel.WEB, 24 * 70, [("accept", 1), ("resolve", 2)]),
            (CaseKind.TIP, Channel.WEB, 24 * 71 + 1, [("reject", 1)]),
            (CaseKind.TIP, Channel.PHONE, 24 * 72 + 2, []),
            (CaseKind.COMPLAINT, Channel.PHONE, 24 * 72, []),
        ],
    )
    with app.app_context():
        tip = stats.compute(db.session, 2569, [CaseKind.TIP])["tip"]
    # Then the totals are exact (never hidden), and there is no month
    assert tip.totals["received"] == 3 and tip.months == []
    # and no breakdown cell anywhere holds 1 or 2
    for cells in tip.breakdowns.values():
        for cell in cells:
            for value in (cell.received, cell.completed, cell.in_progress, cell.on_time):
                assert value not in (1, 2)
    # the channels (2 and 1) have nothing to hide the small ones with: withheld whole
    assert {cell.received for cell in tip.breakdowns["channel"]} == {"x"}
    # "still open" is the in-progress total anyway; the closed outcomes (1 and 1) withheld
    outcome = {cell.key: cell.received for cell in tip.breakdowns["outcome"]}
    assert outcome == {"open": "< 3", "resolved": "x", "rejected": "x", "referred": "x"}


@pytest.mark.commits
@pytest.mark.parametrize("workers", [4])
def test_concurrent_changes_keep_the_tallies_equal_to_a_recount(app: Flask, workers: int) -> None:
    # Given open cases, several per worker, in one month, category and channel (one hot row)
    _legal(app)
    _run_history(app, [(CaseKind.COMPLAINT, Channel.WEB, 24 * 100, [])] * (workers * 3))
    with app.app_context():
        ids = list(db.session.scalars(select(Case.id)))
    errors: list[BaseException] = []

    def work(mine: list[str]) -> None:
        try:
            with app.app_context():
                from intake.models import User

                keyring = current_keyring()
                actor = db.session.scalars(
                    select(User).where(User.username == "recount-legal")
                ).one()
                for case_id in mine:
                    _apply(keyring, actor, case_id, "resolve", NOW, [])
                    _apply(keyring, actor, case_id, "reopen", NOW, [])
                    _apply(keyring, actor, case_id, "reject", NOW, [])
        except BaseException as error:  # surfaced below
            errors.append(error)

    # When workers close, reopen and close them again at the same time
    threads = [threading.Thread(target=work, args=(ids[i::workers],)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then nothing failed and the tallies still equal a recount
    assert not errors
    with app.app_context():
        assert all(c.status.value == "rejected" for c in db.session.scalars(select(Case)))
    _check_against_recount(app)


def test_month_of_uses_bangkok_time() -> None:
    assert tallies.month_of(datetime(2025, 9, 30, 17, 0, tzinfo=UTC)) == "2025-10"
    assert tallies.month_of(datetime(2025, 9, 30, 16, 59, tzinfo=UTC)) == "2025-09"
    assert stats.period_months(2569, 1)[0] == date(2025, 10, 1)
    assert stats.period_months(2569, 2)[-1] == date(2026, 9, 1)
