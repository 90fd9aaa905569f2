"""One clear next step on the case page: the usual next step (intake.workflow) is the one
primary action, the rest fold away behind "more actions", and reject and refer are set
apart and refused until the officer ticks "confirm" (no JavaScript needed)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case, EventType, Role
from intake.workflow import Status
from tests.support.builders import complaint_form
from tests.support.filing import file_and_read_receipt
from tests.support.staff import staff_client


def _filed(app: Flask) -> str:
    reference, _code = file_and_read_receipt(app.test_client(), "/complaints/new", complaint_form())
    with app.app_context():
        return str(db.session.scalars(select(Case.id).where(Case.reference == reference)).one())


def _put(app: Flask, case_id: str, status: Status, due_in_days: float = 10) -> None:
    """Test setup only: place a case in a status with a due date, as work would have."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        case.status = status
        case.due_at = datetime.now(UTC) + timedelta(days=due_in_days)
        db.session.commit()


def _actions(client: FlaskClient, case_id: str) -> str:
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    return page[
        page.index('id="case-actions"') : page.index("</section>", page.index('id="case-actions"'))
    ]


def _primary(area: str) -> list[str]:
    return re.findall(r'id="action-([a-z_]+)" class="action-form action-primary"', area)


def test_each_status_shows_one_primary_action_the_usual_next_step(app: Flask) -> None:
    case_id = _filed(app)
    intake = staff_client(app, "intake1", Role.INTAKE)

    expected = [
        (Status.RECEIVED, 10, ["accept"]),
        (Status.SCREENING, 10, ["assign"]),
        (Status.ASSIGNED, 10, ["start"]),
        (Status.IN_PROGRESS, 10, ["resolve"]),
        # the complainant's word is due tomorrow: explaining the delay comes first
        (Status.IN_PROGRESS, 1, ["interim"]),
        (Status.IN_PROGRESS, -2, ["interim"]),
    ]
    for status, due_in, primary in expected:
        _put(app, case_id, status, due_in)
        area = _actions(intake, case_id)
        assert _primary(area) == primary, (status, due_in)
        assert area.count("button-primary") == 1, (status, due_in)
        # every other action is offered, folded away
        assert 'id="more-actions"' in area and 'id="action-note"' in area


def test_reject_and_refer_are_set_apart_and_need_a_confirmation(app: Flask) -> None:
    case_id = _filed(app)
    intake = staff_client(app, "intake1", Role.INTAKE)
    area = _actions(intake, case_id)
    closing = area[area.index('id="closing-actions"') :]
    assert 'id="action-reject"' in closing and 'id="action-refer"' in closing
    assert 'id="action-reject"' not in area[: area.index('id="closing-actions"')]
    assert closing.count("button-danger") == 2

    # When the officer gives a reason but does not tick "confirm"
    refused = intake.post(
        f"/staff/cases/{case_id}/reject", data={"reject-reason": "ZZREASON ไม่อยู่ในอำนาจ"}
    )
    page = refused.get_data(as_text=True)

    # Then nothing is closed, the box says why, and the reason typed is kept
    assert refused.status_code == 422
    assert re.search(r'id="reject-confirm-error">\s*โปรดทำเครื่องหมายยืนยันก่อน', page)
    assert "ZZREASON ไม่อยู่ในอำนาจ" in page
    assert re.search(r'<details class="closing-actions" id="closing-actions" open>', page)
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None and case.status is Status.RECEIVED

    # When they tick it, the case is rejected
    done = intake.post(
        f"/staff/cases/{case_id}/reject",
        data={"reject-reason": "ไม่อยู่ในอำนาจ", "reject-confirm": "y"},
    )
    assert done.status_code == 303
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None and case.status is Status.REJECTED
        assert case.events[-1].type is EventType.STATUS


def test_a_closed_case_has_no_primary_and_opens_what_is_left(app: Flask) -> None:
    case_id = _filed(app)
    intake = staff_client(app, "intake1", Role.INTAKE)
    _put(app, case_id, Status.RESOLVED)
    area = _actions(intake, case_id)
    assert _primary(area) == [] and "button-primary" not in area
    assert '<details class="more-actions" id="more-actions" open>' in area
    assert 'id="action-reopen"' in area and 'id="closing-actions"' not in area
