"""The outbox against a real SMTP server on loopback that refuses some recipients: one
refused address holds back no other mail, and each message keeps its own state."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from intake import mail
from intake.extensions import db
from intake.models import OutboxMessage
from intake.services.keyring import current_keyring

# Monday 5 January 2026, 09:00 in Bangkok.
FIRST_RUN = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
GONE = "gone@example.org"  # the server answers 550: no such mailbox
BUSY = "busy@example.org"  # the server answers 451: try again later
GOOD = ["first@example.org", "second@example.org", "third@example.org"]
DROPPED = "dropped@example.org"  # the server answers 421 to its data and hangs up


class PickyServer:
    """An aiosmtpd handler that refuses some recipients and keeps what it accepts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refusals = {GONE: "550 5.1.1 mailbox unavailable", BUSY: "451 4.2.0 try later"}
        self.connections = 0

    async def handle_EHLO(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        refusal = self.refusals.get(address)
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if DROPPED in envelope.rcpt_tos:
            server.transport.close()
            return "421 4.3.0 closing connection"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def delivered_to(self) -> list[str]:
        return [str(message["To"]) for message in self.messages]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server() -> Iterator[tuple[PickyServer, int]]:
    handler = PickyServer()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def mail_app(make_app: Any, server: tuple[PickyServer, int]) -> Flask:
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(server[1]), MAIL_TIMEOUT="5")


def queue(app: Flask, *recipients: str) -> dict[str, str]:
    """One message per recipient, queued a minute apart in this order; their ids."""
    ids = {}
    with app.app_context():
        for offset, recipient in enumerate(recipients):
            queued = mail.queue(
                db.session,
                current_keyring(),
                "complainant.update",
                recipient,
                "มีความคืบหน้า",
                "โปรดตรวจสอบด้วยรหัสติดตามเรื่อง",
                FIRST_RUN - timedelta(hours=1) + timedelta(minutes=offset),
            )
            ids[recipient] = queued.id
        db.session.commit()
    return ids


def run(app: Flask, now: datetime) -> mail.Delivery:
    with app.app_context():
        outbox = Path(app.instance_path) / "outbox"
        return mail.deliver(db.session, current_keyring(), app.config, outbox, now)


def states(app: Flask, ids: dict[str, str]) -> dict[str, tuple[str, int, int | None, Any]]:
    """recipient -> (state, attempts, last code, next attempt)."""
    with app.app_context():
        found = {}
        for recipient, message_id in ids.items():
            message = db.session.get(OutboxMessage, message_id)
            assert message is not None
            found[recipient] = (
                mail.state(message),
                message.attempts,
                message.last_code,
                message.next_attempt_at,
            )
        return found


def test_a_refused_recipient_holds_back_no_other_mail(
    mail_app: Flask, server: tuple[PickyServer, int], caplog: pytest.LogCaptureFixture
) -> None:
    handler, _port = server
    # Given a refused and a deferred address queued before everyone else's mail
    ids = queue(mail_app, GONE, BUSY, *GOOD)

    # When the outbox is sent
    caplog.set_level(logging.DEBUG)
    first = run(mail_app, FIRST_RUN)

    # Then every other message is delivered in the same run, over one connection
    assert sorted(handler.delivered_to()) == sorted(GOOD)
    assert handler.connections == 1
    assert (first.sent, first.failed, first.waiting, first.stopped_early) == (3, 1, 1, False)
    after_first = states(mail_app, ids)
    # ...the 550 failed for good at once
    assert after_first[GONE] == ("failed", 1, 550, None)
    # ...the 451 waits, backed off on its own
    assert after_first[BUSY] == ("waiting", 1, 451, FIRST_RUN + mail.FIRST_RETRY)
    for recipient in GOOD:
        assert after_first[recipient][:3] == ("sent", 1, 250)
    # And no line our code logs names a recipient (the SMTP server's own log does)
    ours = [r for r in caplog.records if r.name.startswith("intake")]
    assert ours and not [r for r in ours if "@example.org" in r.getMessage()]

    # When the outbox runs again before the deferred message's time
    early = run(mail_app, FIRST_RUN + timedelta(minutes=5))

    # Then nothing is tried: the sent and the failed are done, the deferred still waits
    assert (early.sent, early.failed, early.waiting) == (0, 0, 0)
    assert handler.connections == 1 and len(handler.messages) == 3
    assert states(mail_app, ids)[BUSY][:2] == ("waiting", 1)

    # When the server takes the deferred address again and its time has come
    del handler.refusals[BUSY]
    later = run(mail_app, FIRST_RUN + mail.FIRST_RETRY + timedelta(minutes=1))

    # Then it is delivered on its second attempt, and the refused one is never retried
    assert (later.sent, later.failed, later.waiting) == (1, 0, 0)
    assert handler.delivered_to().count(BUSY) == 1 and GONE not in handler.delivered_to()
    final = states(mail_app, ids)
    assert final[BUSY][:3] == ("sent", 2, 250)
    assert final[GONE][:2] == ("failed", 1)


def test_a_message_deferred_every_time_fails_after_the_last_attempt(
    mail_app: Flask, server: tuple[PickyServer, int]
) -> None:
    handler, _port = server
    ids = queue(mail_app, BUSY)
    now = FIRST_RUN
    waits = []
    for _attempt in range(mail.MAX_ATTEMPTS):
        run(mail_app, now)
        state, _attempts, code, next_at = states(mail_app, ids)[BUSY]
        if state == "failed":
            break
        assert code == 451 and next_at is not None
        waits.append(next_at - now)
        now = next_at

    # Each wait is twice the one before, at most a day; after the last attempt it fails
    assert waits[:3] == [timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1)]
    assert max(waits) == mail.LONGEST_WAIT
    assert states(mail_app, ids)[BUSY][:3] == ("failed", mail.MAX_ATTEMPTS, 451)
    assert handler.messages == []


def test_while_the_server_is_down_no_message_uses_up_an_attempt(make_app: Any) -> None:
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(_free_port()), MAIL_TIMEOUT="2")
    ids = queue(app, *GOOD)

    down = run(app, FIRST_RUN)

    assert (down.sent, down.failed, down.waiting, down.stopped_early) == (0, 0, 3, True)
    assert {found[:2] for found in states(app, ids).values()} == {("waiting", 0)}


def test_a_connection_lost_on_one_message_is_opened_again_for_the_rest(
    mail_app: Flask, server: tuple[PickyServer, int]
) -> None:
    handler, _port = server
    ids = queue(mail_app, GOOD[0], DROPPED, GOOD[1], GOOD[2])

    result = run(mail_app, FIRST_RUN)

    # The message the server hung up on waits; the rest go out over a new connection
    assert sorted(handler.delivered_to()) == sorted(GOOD)
    assert handler.connections == 2
    assert (result.sent, result.failed, result.waiting) == (3, 0, 1)
    found = states(mail_app, ids)[DROPPED]
    assert found[0] == "waiting" and found[1] == 1
    assert found[3] == FIRST_RUN + mail.FIRST_RETRY
