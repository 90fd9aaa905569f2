"""The one-time satisfaction survey of a closed case, and its share in the statistics
(measure 44: at least 80% of those who answer rate the service 4–5 of 5)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake import thaidate
from intake.crypto import decrypt_text
from intake.extensions import db
from intake.models import AuditEntry, Case, CaseKind, Role, SatisfactionResponse, User
from intake.services import ServiceError, case_actions, stats_open_data
from intake.services import satisfaction as satisfaction_service
from intake.services import stats as stats_service
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.workflow import Status
from tests.support.builders import complaint_form, tip_form
from tests.support.filing import file_and_read_receipt
from tests.support.staff import make_staff

ANSWERS = {"speed": "4", "fairness": "5", "clarity": "3", "overall": "4"}
COMMENT = "ZZCOMMENTMARKER ตอบเร็วดี แต่คำชี้แจงควรละเอียดกว่านี้"
ONCE_ONLY = "ตอบได้เรื่องละหนึ่งครั้ง"
NOT_YET = "จะเปิดให้ตอบเมื่อเรื่องนี้ปิดแล้ว"
CHOOSE = "โปรดเลือกระดับความพึงพอใจ"


def _case_id(app: Flask, reference: str) -> str:
    with app.app_context():
        return db.session.scalars(select(Case.id).where(Case.reference == reference)).one()


def _close(app: Flask, reference: str) -> None:
    """A staff member accepts the case and answers it, through the real actions."""
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        username = "legal1" if case.kind is CaseKind.TIP else "noi"
        case_id, kind = case.id, case.kind
    role = Role.LEGAL if kind is CaseKind.TIP else Role.INTAKE
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        make_staff(app, username, role)
    now = datetime.now(UTC)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        keyring = current_keyring()
        case_actions.accept(db.session, keyring, user, case_id, note="", now=now)
        case_actions.resolve(db.session, keyring, user, case_id, message="แก้ไขแล้ว", now=now)


def _followed_closed_complaint(app: Flask) -> tuple[FlaskClient, str]:
    """A complainant whose case is closed, following it in their browser."""
    client = app.test_client()
    reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    _close(app, reference)
    assert client.post("/track", data={"code": code}).status_code == 200
    return client, reference


def test_the_survey_appears_only_once_the_case_is_closed(app: Flask) -> None:
    # Given a complainant following their open case
    client = app.test_client()
    reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    open_page = client.post("/track", data={"code": code}).get_data(as_text=True)

    # Then no survey is offered yet
    assert 'id="case-status"' in open_page
    assert 'id="survey"' not in open_page and 'action="/track/survey#survey"' not in open_page

    # When the case is answered and closed, and they look again
    _close(app, reference)
    page = client.get("/track").get_data(as_text=True)

    # Then the survey is there: four 1–5 scales with Thai labels and an optional comment
    assert 'action="/track/survey#survey"' in page
    for name in satisfaction_service.SCORES:
        assert f'<fieldset id="{name}"' in page
        for score in range(1, 6):
            assert f'name="{name}" type="radio" value="{score}"' in page
    assert "พอใจมากที่สุด" in page and "พอใจน้อยที่สุด" in page
    assert 'name="comment"' in page
    # and the page carries neither the case id nor the code
    assert _case_id(app, reference) not in page
    assert code not in page and code.replace(" ", "") not in page


def test_answers_are_stored_once_with_the_comment_encrypted(app: Flask) -> None:
    # Given a complainant following their closed case
    client, reference = _followed_closed_complaint(app)
    case_id = _case_id(app, reference)

    # When they answer the survey
    response = client.post("/track/survey", data={**ANSWERS, "comment": COMMENT})

    # Then they are sent back to their status page, which thanks them instead of asking again
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/track#survey")
    page = client.get("/track").get_data(as_text=True)
    assert 'id="survey-answered"' in page and 'action="/track/survey#survey"' not in page
    # and the scores are stored, the comment only encrypted, and the audit names no one
    with app.app_context():
        row = db.session.get(SatisfactionResponse, case_id)
        assert row is not None
        assert (row.speed, row.fairness, row.clarity, row.overall) == (4, 5, 3, 4)
        assert row.comment_enc is not None and b"ZZCOMMENTMARKER" not in row.comment_enc
        comment = decrypt_text(
            current_keyring(),
            row.comment_enc,
            table="satisfaction",
            column="comment",
            row_id=case_id,
        )
        assert comment == COMMENT
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id, AuditEntry.detail == "survey")
        ).one()
        assert (entry.action, entry.actor) == ("case.updated", "public")

    # When the same answers are sent a second time (another tab, a double click)
    again = client.post("/track/survey", data={**ANSWERS, "overall": "1"})

    # Then they are told it counts once, and the first answer stands
    assert again.status_code == 303
    assert ONCE_ONLY in client.get("/track").get_data(as_text=True)
    with app.app_context():
        rows = db.session.scalars(select(SatisfactionResponse)).all()
        assert [r.overall for r in rows] == [4]


def test_a_missing_score_and_a_long_comment_are_shown_beside_their_fields(app: Flask) -> None:
    # Given a complainant following their closed case
    client, _reference = _followed_closed_complaint(app)

    # When they leave "fairness" unanswered and write more than 1,000 characters
    answers = {**ANSWERS, "comment": "ก" * (satisfaction_service.COMMENT_MAX + 1)}
    del answers["fairness"]
    response = client.post("/track/survey", data=answers)

    # Then the status page comes back with the errors beside those fields
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="case-status"' in html
    assert 'id="fairness-error"' in html and CHOOSE in html
    assert 'aria-describedby="fairness-error"' in html
    assert 'id="comment-error"' in html and "1000" in html
    assert 'id="speed-error"' not in html
    # and what they chose is still chosen, and nothing was stored
    assert 'checked id="speed-1" name="speed" type="radio" value="4"' in html
    with app.app_context():
        assert db.session.scalars(select(SatisfactionResponse)).all() == []


def test_a_score_outside_one_to_five_is_refused(app: Flask) -> None:
    client, _reference = _followed_closed_complaint(app)
    response = client.post("/track/survey", data={**ANSWERS, "overall": "6"})
    assert response.status_code == 422
    assert 'id="overall-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(SatisfactionResponse)).all() == []


def test_an_open_case_cannot_be_rated(app: Flask) -> None:
    # Given a complainant following a case that is still open
    client = app.test_client()
    _reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    client.post("/track", data={"code": code})

    # When they send survey answers anyway
    response = client.post("/track/survey", data=ANSWERS)

    # Then nothing is stored and they are told why
    assert response.status_code == 303
    assert NOT_YET in client.get("/track").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(SatisfactionResponse)).all() == []


def test_without_a_followed_case_the_survey_goes_back_to_the_code_form(app: Flask) -> None:
    # Given a closed case, and a browser that has not entered its code
    reference, _code = file_and_read_receipt(app.test_client(), "/complaints/new", complaint_form())
    _close(app, reference)
    stranger = app.test_client()

    # When it posts survey answers
    response = stranger.post("/track/survey", data=ANSWERS)

    # Then it is sent to the code form and nothing is stored
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/track")
    assert 'id="code"' in stranger.get("/track").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(SatisfactionResponse)).all() == []


def test_the_service_refuses_a_second_answer(app: Flask) -> None:
    client, reference = _followed_closed_complaint(app)
    case_id = _case_id(app, reference)
    answers = satisfaction_service.SurveyAnswers(5, 5, 5, 5)
    now = datetime.now(UTC)
    with app.app_context():
        keyring = current_keyring()
        satisfaction_service.record_answers(db.session, keyring, case_id, answers, now)
        with pytest.raises(ServiceError) as refused:
            satisfaction_service.record_answers(db.session, keyring, case_id, answers, now)
        assert refused.value.code == "already_answered"


# ------------------------------------------------------------------------- statistics

# Instants inside fiscal years 2568 (Oct 2024 – Sep 2025) and 2569 (Oct 2025 – Sep 2026).
FY2568_LAST_DAY = datetime(2025, 9, 30, 10, 0, tzinfo=UTC)  # 17:00 in Bangkok
FY2569_FIRST_DAY = datetime(2025, 10, 1, 10, 0, tzinfo=UTC)


def _rated_cases(app: Flask, kind: CaseKind, overall: list[int], received_at: datetime) -> None:
    """Closed cases of ``kind`` received at ``received_at``, one per overall rating."""
    now = datetime.now(UTC)
    with app.app_context():
        keyring = current_keyring()
        for score in overall:
            data = FilingInput(kind=kind, subject="ก", details="ข", received_at=received_at)
            filed = file_case(
                db.session, keyring, Path(app.config["INTAKE_UPLOADS_PATH"]), data, now
            )
            case = db.session.get(Case, filed.case_id)
            assert case is not None
            case.status, case.closed_at = Status.RESOLVED, now
            db.session.commit()
            answers = satisfaction_service.SurveyAnswers(3, 3, 3, score)
            satisfaction_service.record_answers(db.session, keyring, case.id, answers, now)


def test_statistics_give_the_share_of_four_and_five_and_whether_80_percent_is_met(
    app: Flask, client: FlaskClient
) -> None:
    # Given complaints of FY 2569 rated 5, 4, 4, 4, 2 overall (4 of 5 satisfied = 80%)
    _rated_cases(app, CaseKind.COMPLAINT, [5, 4, 4, 4, 2], FY2569_FIRST_DAY)
    # and one of FY 2568 rated 1, which belongs to that year
    _rated_cases(app, CaseKind.COMPLAINT, [1], FY2568_LAST_DAY)

    # When the statistics of FY 2569 are read as open data
    data = client.get("/stats.json?fy=2569").get_json()

    # Then the complaint satisfaction is 4 of 5, exactly the target, so met
    assert data["kinds"]["complaint"]["satisfaction"] == {
        "responses": 5,
        "satisfied": 4,
        "share": 0.8,
        "target": 0.8,
        "target_met": True,
    }
    # and tips, with no answers, have no share
    assert data["kinds"]["tip"]["satisfaction"]["responses"] == 0
    assert data["kinds"]["tip"]["satisfaction"]["share"] is None
    assert data["kinds"]["tip"]["satisfaction"]["target_met"] is None
    # and FY 2568 counts its own case: 0 of 1, target not met
    earlier = client.get("/stats.json?fy=2568&kind=complaint").get_json()
    assert earlier["kinds"]["complaint"]["satisfaction"]["responses"] == 1
    assert earlier["kinds"]["complaint"]["satisfaction"]["share"] == 0.0
    assert earlier["kinds"]["complaint"]["satisfaction"]["target_met"] is False

    # and the page says the same in Thai
    page = client.get("/stats?fy=2569").get_data(as_text=True)
    assert 'id="satisfaction-complaint"' in page
    assert "ร้อยละ 80.0" in page and 'data-met="true"' in page and "บรรลุเป้าหมาย" in page
    assert "ยังไม่มีผู้ตอบแบบประเมินความพึงพอใจ" in page  # tips


def test_the_csv_total_row_carries_the_satisfaction_figures(app: Flask) -> None:
    _rated_cases(app, CaseKind.COMPLAINT, [5, 4, 1], FY2569_FIRST_DAY)
    with app.app_context():
        data = stats_service.monthly(db.session, 2569, list(CaseKind))
    rows = stats_open_data.csv_rows(2569, data)
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    table = list(csv.DictReader(io.StringIO(text.getvalue())))
    total = next(r for r in table if r["kind"] == "complaint" and r["breakdown"] == "total")
    assert (total["received"], total["completed"]) == ("3", "3")
    assert (total["satisfaction_responses"], total["satisfaction_satisfied"]) == ("3", "2")
    assert total["satisfaction_share"] == "0.6667"
    october = next(r for r in table if r["kind"] == "complaint" and r["key"] == "2025-10")
    assert october["received"] == "3" and october["satisfaction_responses"] == ""
    tip_total = next(r for r in table if r["kind"] == "tip" and r["breakdown"] == "total")
    assert tip_total["satisfaction_responses"] == "0" and tip_total["satisfaction_share"] == ""


def test_tip_satisfaction_counts_of_one_or_two_are_shown_as_less_than_three(
    app: Flask, client: FlaskClient
) -> None:
    # Given two rated tips and one rated complaint in FY 2569
    _rated_cases(app, CaseKind.TIP, [5, 1], FY2569_FIRST_DAY)
    _rated_cases(app, CaseKind.COMPLAINT, [5], FY2569_FIRST_DAY)

    # When the statistics are read
    data = client.get("/stats.json?fy=2569").get_json()

    # Then the tips' answer count is hidden as "< 3", what they said with it ("x": it
    # could be 0) and so is their share
    tip = data["kinds"]["tip"]["satisfaction"]
    assert (tip["responses"], tip["satisfied"], tip["share"]) == ("< 3", "x", None)
    assert tip["target_met"] is None
    # but a complaint's single answer is shown (the rule protects tipsters)
    assert data["kinds"]["complaint"]["satisfaction"]["responses"] == 1
    # and the monthly totals of tips are never hidden
    assert data["kinds"]["tip"]["totals"]["received"] == 2
    page = client.get("/stats?fy=2569&kind=tip").get_data(as_text=True)
    assert "&lt; 3" in page and 'data-met="unknown"' in page


def test_a_tip_satisfied_count_of_one_or_two_is_hidden_even_among_more_answers(
    app: Flask,
) -> None:
    # Given four answers about tips of one half: two satisfied, two not
    _rated_cases(app, CaseKind.TIP, [5, 4, 1, 2], FY2569_FIRST_DAY)
    with app.app_context():
        tip = stats_service.monthly(db.session, 2569, [CaseKind.TIP])["tip"].satisfaction
    # Then "satisfied" is hidden, and not as "< 3": 4 − "< 3" would leave the other 2
    # as the only other line, so the pair is withheld; no share, no verdict
    assert (tip.responses, tip.satisfied, tip.share) == (4, "x", None)
    assert tip.target_met is None


def test_a_lone_satisfied_tipster_among_many_shows_as_less_than_three(app: Flask) -> None:
    # Given six answers about tips of one half, one of them satisfied
    _rated_cases(app, CaseKind.TIP, [5, 1, 1, 2, 1, 2], FY2569_FIRST_DAY)
    with app.app_context():
        tip = stats_service.compute(db.session, 2569, [CaseKind.TIP], 1)["tip"].satisfaction
    # Then the 1 is "< 3", and 6 − "< 3" (the unsatisfied, 4 or 5) tells nothing
    assert (tip.responses, tip.satisfied, tip.share, tip.target_met) == (6, "< 3", None, None)


@pytest.mark.parametrize(
    ("responses", "satisfied", "met"),
    [(5, 4, True), (10, 8, True), (6, 4, False), (1000, 799, False), (3, 3, True)],
)
def test_the_target_is_judged_on_the_exact_share(responses: int, satisfied: int, met: bool) -> None:
    tally = satisfaction_service.Tally(responses=responses, satisfied=satisfied)
    assert stats_service.publishable(CaseKind.COMPLAINT, tally).target_met is met


def test_fiscal_year_of_the_boundary_instants() -> None:
    # The fixtures above depend on these instants falling either side of 1 October.
    assert thaidate.fiscal_year(thaidate.local_date(FY2568_LAST_DAY)) == 2568
    assert thaidate.fiscal_year(thaidate.local_date(FY2569_FIRST_DAY)) == 2569


def test_a_closed_tip_can_be_rated_too(app: Flask) -> None:
    client = app.test_client()
    reference, code = file_and_read_receipt(client, "/tips/new", tip_form())
    _close(app, reference)
    client.post("/track", data={"code": code})
    assert client.post("/track/survey", data=ANSWERS).status_code == 303
    with app.app_context():
        row = db.session.get(SatisfactionResponse, _case_id(app, reference))
        assert row is not None and row.comment_enc is None
