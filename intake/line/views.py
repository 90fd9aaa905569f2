"""``POST /line/webhook`` (under ``/o/<slug>`` on a host of several organisations): the
signature is checked and the events kept before the answer, which LINE gets at once;
the events are handled once the answer has gone, and ``intake remind`` handles any left
waiting. News queued for a chat by any request is pushed after its answer the same way
(``push_after_the_answer``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request, url_for
from flask.typing import ResponseReturnValue

from intake.addresses import published_base_url
from intake.errors import describe_exception
from intake.extensions import db
from intake.line_platform import SignatureRefused
from intake.organisation_scope import work_for, working_organisation
from intake.services import line_chat, line_notices
from intake.services.keyring import current_keyring

bp = Blueprint("line", __name__, url_prefix="/line")
log = logging.getLogger(__name__)


def now() -> datetime:
    return datetime.now(UTC)


@bp.post("/webhook")
def webhook() -> ResponseReturnValue:
    signature = request.headers.get("X-Line-Signature", "")
    try:
        kept = line_chat.receive(
            db.session, current_keyring(), request.get_data(), signature, now()
        )
    except line_chat.NotConnected:
        abort(404)
    except SignatureRefused:
        db.session.rollback()
        log.warning("LINE webhook refused: the signature does not match")
        return Response("{}", status=400, mimetype="application/json")
    response = Response("{}", mimetype="application/json")
    if kept:
        response.call_on_close(_after_the_answer())
    return response


def work_waiting(app: Flask, organisation_id: int, tip_form_url: str) -> None:
    """Handle the organisation's waiting events and push its waiting news, in an
    application context of its own. A failure is logged by type and place only: its
    message could carry what was sent."""
    with app.app_context():
        try:
            work_for(db.session, organisation_id)
            keyring = current_keyring()
            around = line_chat.surroundings(db.session, keyring, app.config, tip_form_url)
            if around is not None:
                line_chat.handle_waiting(db.session, keyring, around, now())
                line_notices.deliver(db.session, keyring, around.messenger, now())
        except Exception as error:  # noqa: BLE001 (after the answer: nobody else would say)
            db.session.rollback()
            log.error("LINE work: %s", describe_exception(type(error), error.__traceback__))
        finally:
            db.session.remove()


def push_after_the_answer(response: Response) -> Response:
    """Any request that queued news for a chat (a staff member's action) has it pushed
    once its own answer has gone."""
    # Only a request that opened a session can have queued anything: no session is made.
    if db.session.registry.has() and db.session.info.pop(line_notices.QUEUED, False):
        response.call_on_close(_after_the_answer())
    return response


def _after_the_answer() -> Any:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    organisation_id = working_organisation(db.session)
    tip_form_url = published_base_url() + url_for("public.new_tip")

    def handle() -> None:
        if organisation_id is not None:
            work_waiting(app, organisation_id, tip_form_url)

    return handle
