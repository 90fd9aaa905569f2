"""The receipt as a file the person keeps on their phone: a one-page plain-text slip.

The receipt page is shown once, and its code must never travel in a URL. So the slip is
not a link: the receipt view keeps the receipt sealed in the session for a short time,
with a random token that only the page it rendered holds, and the page's download button
posts that token back. Both must match and the time must not have run out; a reload of
the receipt, another browser, or someone coming to the same browser later without the
page gets nothing, and opening any other page ends it. Plain text opens on every phone
and computer without an app and without asking another service.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, make_response, render_template, request, session
from flask.typing import ResponseReturnValue
from wtforms import HiddenField

from intake import tracking
from intake.extensions import db
from intake.models import CaseKind
from intake.organisation_scope import working_organisation
from intake.public.blueprint import bp
from intake.public.forms import PublicForm
from intake.public.guide import public_url
from intake.services import public_tokens
from intake.services.keyring import current_keyring

SESSION_KEY = "receipt_slip"
PURPOSE = "receipt-slip"
# Long enough to write the code down and then save the file; short enough that a shared
# browser does not keep it for the next person.
SLIP_MINUTES = 30
FILENAME = "receipt.txt"


class SlipForm(PublicForm):
    slip = HiddenField()


def remember(receipt: dict[str, Any], now: datetime) -> str:
    """Keep ``receipt`` for the slip; returns the token the receipt page posts back."""
    token = secrets.token_urlsafe(16)
    payload = {
        "receipt": receipt,
        "token": token,
        "until": (now + timedelta(minutes=SLIP_MINUTES)).isoformat(),
    }
    session[SESSION_KEY] = public_tokens.seal(current_keyring(), payload, purpose=PURPOSE)
    return token


def kept_receipt(sealed: str | None, token: str, now: datetime) -> dict[str, Any] | None:
    """The receipt kept for this page's token, or None when there is none, the token is
    another page's, or the time has run out."""
    if not token:
        return None
    payload = public_tokens.opened(current_keyring(), sealed, purpose=PURPOSE)
    if payload is None:
        return None
    if not hmac.compare_digest(str(payload.get("token", "")), token):
        return None
    if now >= datetime.fromisoformat(payload["until"]):
        return None
    receipt: dict[str, Any] = payload["receipt"]
    return receipt


def slip_context(receipt: dict[str, Any]) -> dict[str, Any]:
    """What both the receipt page and the slip show."""
    return {
        "reference": receipt["reference"],
        "code": tracking.group(receipt["code"]),
        "code_lines": tracking.display_lines(receipt["code"]),
        "kind": CaseKind(receipt["kind"]),
        "received_at": datetime.fromisoformat(receipt["received_at"]),
        "due_at": datetime.fromisoformat(receipt["due_at"]),
        "track_url": public_url("public.track"),
        "slip_minutes": SLIP_MINUTES,
    }


@bp.before_app_request
def _forget_on_leaving() -> None:
    """Leaving the receipt page ends the slip: the session cookie then holds no trace of
    the code, even encrypted, and going back to the page (which is gone) gets nothing."""
    if SESSION_KEY in session and request.endpoint not in ("public.receipt_slip", "static"):
        session.pop(SESSION_KEY, None)


@bp.post("/receipt/slip")
def receipt_slip() -> ResponseReturnValue:
    form = SlipForm()
    if not form.validate_on_submit():
        abort(410)
    receipt = kept_receipt(session.get(SESSION_KEY), form.slip.data or "", datetime.now(UTC))
    if receipt is None or receipt.get("organisation") != working_organisation(db.session):
        session.pop(SESSION_KEY, None)
        abort(410)
    text = render_template("public/receipt_slip.txt", **slip_context(receipt))
    response = make_response(text.replace("\n", "\r\n"))
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{FILENAME}"'
    return response
