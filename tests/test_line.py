"""A LINE Official Account (issue 21): LINE's side is played with its real protocol —
signed webhook bodies posted to the running application, and a recorder on loopback
standing in for the Messaging API — through a whole conversation that files a general
complaint, a wrong signature, a redelivery, and a tip request that keeps nothing."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from intake import crypto
from intake.extensions import db
from intake.models import (
    Attachment,
    AuditEntry,
    Case,
    CaseEvent,
    CaseKind,
    Channel,
    EventType,
    LineChat,
    LineEvent,
    Role,
    User,
)
from intake.services import line_account
from intake.services.keyring import current_keyring
from intake.services.settings import categories_for
from tests.support import line
from tests.support.browser import LiveServer, serve
from tests.support.sample_files import PHONE_MODEL, photo_with_gps
from tests.support.staff import make_staff

# The running application answers, and handles events, in threads of its own.
pytestmark = pytest.mark.commits


@pytest.fixture
def chat(make_app: Any) -> Iterator[tuple[Flask, LiveServer, line.Recorder]]:
    with line.messaging_api() as recorder:
        app = make_app(INTAKE_LINE_API_URL=recorder.url, INTAKE_LINE_DATA_URL=recorder.url)
        admin_id = make_staff(app, "line-admin", Role.ADMIN)
        with app.app_context():
            admin = db.session.get(User, admin_id)
            assert admin is not None
            line_account.connect(
                db.session, current_keyring(), admin, channel_secret=line.SECRET,
                access_token=line.TOKEN, now=datetime.now(UTC),
            )  # fmt: skip
        with serve(app) as server:
            yield app, server, recorder
        assert recorder.wrong == []


def _send(server: LiveServer, *events: dict[str, Any], secret: str = line.SECRET) -> int:
    body = line.body_of(*events)
    answer = requests.post(
        server.at("/line/webhook"),
        data=body,
        headers={"Content-Type": "application/json", "X-Line-Signature": line.sign(body, secret)},
        timeout=10,
    )
    return answer.status_code


def _say(server: LiveServer, recorder: line.Recorder, event: dict[str, Any]) -> line.Call:
    """Send one event and wait for its reply."""
    before = len(recorder.replies())
    assert _send(server, event) == 200
    reply = recorder.wait_for_replies(before + 1)[before]
    assert reply.body["replyToken"] == event["replyToken"]
    return reply


def _complaint_category(app: Flask) -> int:
    with app.app_context():
        return categories_for(db.session, CaseKind.COMPLAINT)[0].id


def _cases(app: Flask) -> list[Case]:
    with app.app_context():
        return list(db.session.scalars(select(Case)))


def test_a_complaint_is_filed_step_by_step_in_the_chat_and_the_chat_follows_it(
    chat: tuple[Flask, LiveServer, line.Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app, server, recorder = chat
    category = _complaint_category(app)
    # A new friend gets the menu: categories of general complaints, and the tip button
    menu = _say(server, recorder, line.event("follow"))
    data = {b.get("data") for b in recorder.buttons(menu)}
    assert f"category:{category}" in data and "tip" in data
    # A category, then the details
    asked = _say(server, recorder, line.postback(f"category:{category}"))
    assert "รายละเอียด" in recorder.texts(asked)[0]
    extras = _say(server, recorder, line.text("ไฟถนนดับทั้งซอย ตั้งแต่สามวันก่อน"))
    kinds = {b["type"] for b in recorder.buttons(extras)}
    assert {"location", "camera", "cameraRoll", "postback"} <= kinds
    # A location and a photo shared from LINE
    _say(server, recorder, line.location("ซอยวัดใหม่ หมู่ 4", 13.756331, 100.501765))
    recorder.photos["700000000000000001"] = photo_with_gps()
    _say(server, recorder, line.image("700000000000000001"))
    assert _cases(app) == []  # nothing is filed before the person says so
    # When they send it, the reference and due date come back in the chat
    filed = _say(server, recorder, line.postback("confirm"))
    [case] = _cases(app)
    answer = " ".join(recorder.texts(filed))
    assert case.reference in answer and "ตอบภายในวันที่" in answer
    assert any(c.path == "/v2/bot/message/700000000000000001/content" for c in recorder.calls)
    # The case is an ordinary general complaint of the LINE channel
    assert (case.kind, case.channel) == (CaseKind.COMPLAINT, Channel.LINE)
    assert case.category_id == category
    with app.app_context():
        keyring = current_keyring()
        stored = db.session.get(Case, case.id)
        assert stored is not None
        user = crypto.decrypt_text(
            keyring, stored.line_user_enc or b"", table="cases", column="line_user", row_id=case.id
        )
        place = crypto.decrypt_text(
            keyring, stored.location_enc or b"", table="cases", column="location", row_id=case.id
        )
        [photo] = db.session.scalars(select(Attachment)).all()
        photo_bytes = crypto.decrypt_field(
            keyring,
            (Path(app.config["INTAKE_UPLOADS_PATH"]) / photo.stored_name).read_bytes(),
            table="attachments",
            column="data",
            row_id=photo.id,
        )
        chats = list(db.session.scalars(select(LineChat)))
        events_left = list(db.session.scalars(select(LineEvent.body_enc)))
    assert user == line.USER
    assert place == "ซอยวัดใหม่ หมู่ 4 (13.756331, 100.501765)"
    # The photo went through the same cleaning as a web upload: no phone model left
    assert PHONE_MODEL.encode() not in photo_bytes
    # The chat is found by a digest, not by the user id, and follows the case
    assert [(c.case_id, c.step, c.draft_enc) for c in chats] == [(case.id, "", None)]
    assert chats[0].user_digest != line.USER
    # Every event's body is gone once handled
    assert events_left and all(body is None for body in events_left)

    # What the person writes next goes into the case's timeline
    followed = _say(server, recorder, line.text("ตอนนี้มีสายไฟห้อยลงมาด้วย"))
    assert case.reference in recorder.texts(followed)[0]
    recorder.photos["700000000000000002"] = photo_with_gps()
    _say(server, recorder, line.image("700000000000000002"))  # and a photo, with its reply
    with app.app_context():
        replies = db.session.scalar(
            select(func.count())
            .select_from(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.type == EventType.REPLY)
        )
        files_with_replies = db.session.scalar(
            select(func.count()).select_from(Attachment).where(Attachment.event_id.is_not(None))
        )
        stats = app.test_client().get("/stats.json").get_json()
    assert replies == 2 and files_with_replies == 1
    cells = {c["key"]: c for c in stats["kinds"]["complaint"]["breakdowns"]["channel"]}
    assert cells["line"]["received"] == 1
    # Nothing said in the chat, nor the user id, reached a log line of the application
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("urllib3"))
    for secret in (line.USER, "ไฟถนน", "สายไฟ", "ซอยวัดใหม่", line.TOKEN, line.SECRET):
        assert secret not in logged


def _file_in_chat(app: Flask, server: LiveServer, recorder: line.Recorder) -> Case:
    _say(server, recorder, line.postback(f"category:{_complaint_category(app)}"))
    _say(server, recorder, line.text("ถังขยะหน้าตลาดไม่มีคนเก็บมาหนึ่งสัปดาห์"))
    _say(server, recorder, line.postback("confirm"))
    [case] = _cases(app)
    return case


def _staff_over_http(app: Flask, server: LiveServer) -> requests.Session:
    from tests.support.staff import PASSWORD, totp_code

    make_staff(app, "line-legal", Role.LEGAL)
    staff = requests.Session()
    signed = staff.post(
        server.at("/staff/login"),
        data={"username": "line-legal", "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert signed.status_code == 303
    code = staff.post(
        server.at(signed.headers["Location"]),
        data={"otp": totp_code(app, "line-legal")},
        allow_redirects=False,
        timeout=10,
    )
    assert code.status_code == 303
    return staff


def test_staff_answers_reach_the_chat_and_the_survey_is_answered_there(
    chat: tuple[Flask, LiveServer, line.Recorder],
) -> None:
    app, server, recorder = chat
    case = _file_in_chat(app, server, recorder)
    staff = _staff_over_http(app, server)

    def act(action: str, **fields: str) -> None:
        done = staff.post(
            server.at(f"/staff/cases/{case.id}/{action}"),
            data={f"{action}-{name}": value for name, value in fields.items()},
            allow_redirects=False,
            timeout=10,
        )
        assert done.status_code == 303, done.text[:500]

    # The case page tells staff that the person is reached in the chat
    page = staff.get(server.at(f"/staff/cases/{case.id}"), timeout=10).text
    assert 'id="contact-line-chat"' in page
    # When staff ask a question, it arrives in the chat, pushed to the person
    act("question", message="ถังขยะอยู่ฝั่งไหนของตลาดครับ")
    [asked] = recorder.wait_for_pushes(1)
    assert asked.body["to"] == line.USER
    said = recorder.texts(asked)[0]
    assert case.reference in said and "ถังขยะอยู่ฝั่งไหนของตลาด" in said
    # And the answer in the chat goes into the case's timeline
    _say(server, recorder, line.text("ฝั่งทางเข้าด้านทิศเหนือ"))
    # When the case is resolved, the result and the survey arrive
    act("resolve", message="เก็บขยะเรียบร้อยแล้ว และจัดรถเก็บทุกวันจันทร์")
    pushes = recorder.wait_for_pushes(2)
    closing = pushes[-1]
    said = recorder.texts(closing)[0]
    assert "เก็บขยะเรียบร้อยแล้ว" in said
    assert [b.get("data") for b in recorder.buttons(closing)] == ["survey"]
    # The survey, one question at a time, answered with quick replies
    question = _say(server, recorder, line.postback("survey"))
    for score in ("5", "4", "4"):
        assert [b["data"] for b in recorder.buttons(question)][0] == "rate:5"
        question = _say(server, recorder, line.postback(f"rate:{score}"))
    thanks = _say(server, recorder, line.postback("rate:5"))
    assert "ขอบคุณ" in recorder.texts(thanks)[0]
    with app.app_context():
        from intake.models import SatisfactionResponse

        answer = db.session.get(SatisfactionResponse, case.id)
        timeline = [
            e.type
            for e in db.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at)
            )
        ]
    assert answer is not None
    assert (answer.speed, answer.fairness, answer.clarity, answer.overall) == (5, 4, 4, 5)
    # What was pushed is not kept once said
    with app.app_context():
        from intake.models import LineMessage

        pushed = list(db.session.scalars(select(LineMessage)))
    assert len(pushed) == 2 and all(m.sent_at and m.body_enc is None for m in pushed)
    assert EventType.REPLY in timeline and EventType.QUESTION in timeline


def test_a_wrong_signature_is_refused_and_nothing_is_kept(
    chat: tuple[Flask, LiveServer, line.Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    app, server, recorder = chat
    caplog.set_level(logging.INFO)
    assert _send(server, line.text("ข้อความปลอม"), secret="not-the-channel-secret") == 400
    body = line.body_of(line.text("ไม่มีลายเซ็น"))
    unsigned = requests.post(server.at("/line/webhook"), data=body, timeout=10)
    assert unsigned.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LineEvent)) == 0
    assert recorder.calls == []
    refusals = [r.getMessage() for r in caplog.records if "LINE webhook refused" in r.getMessage()]
    assert len(refusals) == 2
    assert all("ข้อความ" not in m and "ไม่มี" not in m for m in refusals)


def test_a_redelivered_event_is_handled_once(
    chat: tuple[Flask, LiveServer, line.Recorder],
) -> None:
    app, server, recorder = chat
    once = line.event("follow")
    _say(server, recorder, once)
    again = {**once, "deliveryContext": {"isRedelivery": True}}
    assert _send(server, again) == 200
    # A later event is answered, and the redelivered one never was again
    _say(server, recorder, line.event("follow"))
    tokens = [c.body["replyToken"] for c in recorder.replies()]
    assert tokens.count(once["replyToken"]) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LineEvent)) == 2


def test_the_same_event_delivered_twice_at_once_is_kept_and_answered_once(
    chat: tuple[Flask, LiveServer, line.Recorder],
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    app, server, recorder = chat
    twice = line.event("follow")
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda _n: _send(server, twice), range(4)))
    assert statuses == [200, 200, 200, 200]
    recorder.wait_for_replies(1)
    _say(server, recorder, line.event("follow"))  # a later event: the first was done by then
    assert [c.body["replyToken"] for c in recorder.replies()].count(twice["replyToken"]) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LineEvent)) == 2


def test_a_tip_request_gets_the_web_form_and_nothing_of_it_is_kept(
    chat: tuple[Flask, LiveServer, line.Recorder],
) -> None:
    app, server, recorder = chat
    words = "ขอแจ้งเบาะแส นายกฯ เรียกรับเงินค่าใบอนุญาต"
    for asked in (line.postback("tip"), line.text(words)):
        answer = _say(server, recorder, asked)
        said = " ".join(recorder.texts(answer))
        assert "/tips/new" in said and "ไม่รับและไม่เก็บ" in said
    # Midway through a complaint, tip words are not taken as its details
    _say(server, recorder, line.postback(f"category:{_complaint_category(app)}"))
    _say(server, recorder, line.text(words))
    with app.app_context():
        keyring = current_keyring()
        [chat_row] = db.session.scalars(select(LineChat)).all()
        draft = crypto.decrypt_text(
            keyring, chat_row.draft_enc or b"", table="line_chats", column="draft",
            row_id=chat_row.id,
        )  # fmt: skip
        bodies = list(db.session.scalars(select(LineEvent.body_enc)))
        audit = [e.detail + e.actor for e in db.session.scalars(select(AuditEntry))]
    assert "details" not in json.loads(draft)
    assert all(body is None for body in bodies)
    assert _cases(app) == []
    assert not any("เบาะแส" in entry for entry in audit)


def test_filing_refuses_a_tip_on_the_line_channel(app: Flask) -> None:
    from intake.problems import Problem
    from intake.services import ServiceError
    from intake.services.filing import FilingInput, file_case

    with app.app_context(), pytest.raises(ServiceError) as refused:
        file_case(
            db.session, current_keyring(), app.config["INTAKE_UPLOADS_PATH"],
            FilingInput(kind=CaseKind.TIP, channel=Channel.LINE, subject="s", details="d"),
            datetime.now(UTC),
        )  # fmt: skip
    assert refused.value.code is Problem.CHANNEL_COMPLAINTS_ONLY


def test_the_administrator_connects_the_account_and_the_keys_stay_hidden(app: Flask) -> None:
    from tests.support.staff import staff_client

    admin = staff_client(app, "admin-line", Role.ADMIN)
    page = admin.get("/staff/admin/line").get_data(as_text=True)
    assert 'data-connected="no"' in page and "/line/webhook" in page
    refused = admin.post(
        "/staff/admin/line", data={"channel_secret": "has space", "access_token": "t"}
    )
    assert refused.status_code == 422
    saved = admin.post(
        "/staff/admin/line", data={"channel_secret": line.SECRET, "access_token": line.TOKEN}
    )
    assert saved.status_code == 303
    page = admin.get("/staff/admin/line").get_data(as_text=True)
    assert 'data-connected="yes"' in page
    assert line.SECRET not in page and line.TOKEN not in page
    with app.app_context():
        row = line_account.account(db.session)
        assert row is not None and line.SECRET.encode() not in row.secret_enc
        assert line_account.token(current_keyring(), row) == line.TOKEN
    assert admin.post("/staff/admin/line/disconnect").status_code == 303
    assert 'data-connected="no"' in admin.get("/staff/admin/line").get_data(as_text=True)
    # Without an account, the webhook is not there
    assert app.test_client().post("/line/webhook", data=b"{}").status_code == 404


def test_a_complaint_moved_to_the_tip_channel_leaves_the_chat(
    chat: tuple[Flask, LiveServer, line.Recorder],
) -> None:
    from intake.services import case_actions

    app, server, recorder = chat
    case = _file_in_chat(app, server, recorder)
    legal_id = make_staff(app, "line-legal-move", Role.LEGAL)
    with app.app_context():
        legal = db.session.get(User, legal_id)
        assert legal is not None
        case_actions.move_to_tip(
            db.session, current_keyring(), legal, case.id, note="", now=datetime.now(UTC)
        )
        moved = db.session.get(Case, case.id)
        assert moved is not None and moved.kind is CaseKind.TIP
        # LINE knows who the person is: nothing ties the tip to the chat any more
        assert moved.line_user_enc is None
        assert [c.case_id for c in db.session.scalars(select(LineChat))] == [None]
    # What the person writes next is not added to the tip; the menu comes instead
    answer = _say(server, recorder, line.text("มีอะไรคืบหน้าไหม"))
    assert "tip" in {b.get("data") for b in recorder.buttons(answer)}
    assert recorder.pushes() == []


def test_news_that_could_not_be_pushed_waits_and_remind_sends_it(
    chat: tuple[Flask, LiveServer, line.Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    from datetime import timedelta

    from intake.models import LineMessage
    from intake.services import line_chat, line_notices

    app, server, recorder = chat
    case = _file_in_chat(app, server, recorder)
    staff = _staff_over_http(app, server)
    # Given LINE cannot be reached when staff ask a question
    recorder.down = True
    asked = staff.post(
        server.at(f"/staff/cases/{case.id}/question"),
        data={"question-message": "ถังขยะอยู่ฝั่งไหนครับ"},
        allow_redirects=False,
        timeout=10,
    )
    assert asked.status_code == 303
    recorder.wait_for_pushes(1)  # tried once, refused
    with app.app_context():
        [waiting] = db.session.scalars(select(LineMessage)).all()
        assert (waiting.sent_at, waiting.attempts) == (None, 1)
        assert waiting.next_attempt_at is not None
        retry_at = waiting.next_attempt_at + timedelta(seconds=1)
    assert any("LINE call failed" in r.getMessage() for r in caplog.records)
    # When LINE is back and the retry time has come
    recorder.down = False
    with app.app_context():
        keyring = current_keyring()
        around = line_chat.surroundings(db.session, keyring, app.config, "https://x/tips/new")
        assert around is not None
        sent, waiting_again = line_notices.deliver(db.session, keyring, around.messenger, retry_at)
    # Then it is pushed, once
    assert (sent, waiting_again) == (1, 0)
    pushes = recorder.wait_for_pushes(2)
    assert "ถังขยะอยู่ฝั่งไหน" in recorder.texts(pushes[-1])[0]
    assert pushes[0].headers["x-line-retry-key"] == pushes[-1].headers["x-line-retry-key"]


def test_remind_handles_events_a_stopped_worker_left(
    chat: tuple[Flask, LiveServer, line.Recorder],
) -> None:
    from intake.services import line_chat

    app, server, recorder = chat
    # Given an event kept by the webhook whose worker stopped before handling it, two
    # minutes ago (its reply token has run out)
    late = line.event("follow")
    late["timestamp"] -= 120_000
    body = line.body_of(late)
    with app.app_context():
        kept = line_chat.receive(
            db.session, current_keyring(), body, line.sign(body), datetime.now(UTC)
        )
    assert kept == 1 and recorder.replies() == []
    # When remind runs
    result = app.test_cli_runner().invoke(args=["intake", "remind"])
    assert result.exit_code == 0, result.output
    assert "LINE: 1 events handled" in result.output
    # Then the person got their answer, pushed since the reply token is gone
    [answer] = recorder.wait_for_pushes(1)
    assert answer.body["to"] == line.USER and recorder.replies() == []


def test_the_conversation_copes_with_what_people_actually_send(
    chat: tuple[Flask, LiveServer, line.Recorder],
) -> None:
    app, server, recorder = chat
    category = _complaint_category(app)

    def texts(event: dict[str, Any]) -> str:
        return " ".join(recorder.texts(_say(server, recorder, event)))

    def datas(event: dict[str, Any]) -> set[str]:
        return {b.get("data", b["type"]) for b in recorder.buttons(_say(server, recorder, event))}

    # A sticker, a location or a photo with nothing under way: told what is taken, or the menu
    assert "ข้อความ รูปภาพ และตำแหน่ง" in texts(line.event("message", message={"type": "sticker"}))
    assert "tip" in datas(line.location("ที่ไหนสักแห่ง", 13.0, 100.0))
    assert "tip" in datas(line.image("700000000000000009"))
    # An unknown or withdrawn category, and an unknown button: the menu again
    assert "tip" in datas(line.postback("category:99999"))
    assert "tip" in datas(line.postback("category:abc"))
    assert "tip" in datas(line.postback("something-else"))
    # Cancelling keeps nothing
    _say(server, recorder, line.postback(f"category:{category}"))
    assert "ไม่มีข้อมูลใดถูกบันทึก" in texts(line.postback("cancel"))
    # Words that sound like a tip, in a complaint's details: the person says it is not one
    _say(server, recorder, line.postback(f"category:{category}"))
    buttons = datas(line.text("ร้านค้าโกงตาชั่ง เรียกรับเงินเกินราคา"))
    assert {"not_a_tip", "cancel"} <= buttons
    assert "อีกครั้ง" in texts(line.postback("not_a_tip"))
    assert "location" in datas(line.text("ร้านค้าโกงตาชั่ง เรียกรับเงินเกินราคา"))
    # More text while extras are asked for asks again; too many photos are refused
    assert "location" in datas(line.text("เพิ่มเติม"))
    limit = 5
    for n in range(limit):
        recorder.photos[f"71000000000000000{n}"] = b"\x00\x9f\x92\x96 garbage \xff\xfe"
        _say(server, recorder, line.image(f"71000000000000000{n}"))
    assert f"ไม่เกิน {limit} รูป" in texts(line.image("719999999999999999"))
    # Photos that are not pictures are dropped, and the complaint is filed without them
    filed = texts(line.postback("confirm"))
    assert "ส่งเรื่องโดยไม่มีรูป" in filed and "รับเรื่องแล้ว" in filed
    [case] = _cases(app)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    # The survey before the case is closed, and a stray rating: nothing to rate yet
    assert "ไม่มีเรื่องที่รอการประเมิน" in texts(line.postback("survey"))
    assert "tip" in datas(line.postback("rate:5"))
    # A photo that is not a picture, sent to the followed case: asked for another
    recorder.photos["720000000000000000"] = b"\x00\x9f\x92\x96 garbage \xff\xfe"
    assert "รูปนี้ใช้ไม่ได้" in texts(line.image("720000000000000000"))
    # A group chat is not answered at all
    group = line.text("สวัสดีทุกคน")
    group["source"] = {"type": "group", "groupId": "C" + "0" * 32, "userId": line.USER}
    before = len(recorder.replies())
    assert _send(server, group) == 200
    _say(server, recorder, line.event("follow"))
    assert len(recorder.replies()) == before + 1
    assert case.kind is CaseKind.COMPLAINT


def test_bodies_signed_but_not_lines_and_an_outage_are_handled_without_a_trace(
    chat: tuple[Flask, LiveServer, line.Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    app, server, recorder = chat
    caplog.set_level(logging.INFO)

    def post(body: bytes) -> int:
        headers = {"Content-Type": "application/json", "X-Line-Signature": line.sign(body)}
        return requests.post(
            server.at("/line/webhook"), data=body, headers=headers, timeout=10
        ).status_code

    # Signed, but not UTF-8 or not JSON: refused like a forgery; an event without an id: ignored
    assert post(b"\xff\xfe not text") == 400
    assert post(b"not json at all") == 400
    nameless = line.event("follow")
    del nameless["webhookEventId"]
    assert post(line.body_of(nameless)) == 200
    # LINE down while a reply is due: the chat's step is kept, the failure logged by type
    recorder.down = True
    assert _send(server, line.postback(f"category:{_complaint_category(app)}")) == 200
    recorder._wait(lambda: [c for c in recorder.calls if c.path.endswith("/reply")], 1, 15)
    recorder.down = False
    with app.app_context():
        [chat_row] = db.session.scalars(select(LineChat)).all()
        assert chat_row.step == "details"
        assert db.session.scalar(select(func.count()).select_from(LineEvent)) == 1
    failures = [r.getMessage() for r in caplog.records if "LINE call failed" in r.getMessage()]
    assert failures and all(f.startswith("LINE call failed: ") for f in failures)
    assert not any(line.TOKEN in f or line.USER in f for f in failures)


def test_news_is_given_up_after_its_last_attempt_or_when_nobody_is_left_to_tell(
    chat: tuple[Flask, LiveServer, line.Recorder],
) -> None:
    from datetime import timedelta

    from intake.models import LineMessage
    from intake.services import case_actions, line_chat, line_notices

    app, server, recorder = chat
    case = _file_in_chat(app, server, recorder)
    legal_id = make_staff(app, "line-legal-news", Role.LEGAL)
    recorder.down = True
    with app.app_context():
        keyring = current_keyring()
        legal = db.session.get(User, legal_id)
        assert legal is not None
        # a question LINE refuses, and a message with nothing left to say
        case_actions.ask_question(
            db.session, keyring, legal, case.id, message="ถังขยะอยู่ที่ไหน", now=datetime.now(UTC)
        )
        db.session.add(LineMessage(case_id=case.id, body_enc=None, created_at=datetime.now(UTC)))
        db.session.commit()
        around = line_chat.surroundings(db.session, keyring, app.config, "https://x/tips/new")
        assert around is not None
        later = datetime.now(UTC)
        for _attempt in range(line_notices.MAX_ATTEMPTS + 1):
            later += line_notices.LONGEST_WAIT + timedelta(minutes=1)
            line_notices.deliver(db.session, keyring, around.messenger, later)
        given_up = list(db.session.scalars(select(LineMessage)))
    assert given_up and all(m.failed_at and m.body_enc is None and not m.sent_at for m in given_up)
    recorder.down = False
