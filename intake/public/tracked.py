"""The one case a browser may follow after its tracking code was typed.

After a correct code, the session holds access to that case for a short idle time
(INTAKE_TRACK_SESSION_MINUTES, 30 by default), so the person can read and reply without
typing the code again. The session holds the case id encrypted, never the code; "leave"
ends it at once, on the server too: the token carries a random id that "leave" records
as ended (``services.public_tokens``), so an older copy of the cookie follows nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, g, session

from intake.extensions import db
from intake.services import public_tokens
from intake.services.keyring import current_keyring

SESSION_KEY = "tracked_case"
PURPOSE = "tracked-case"
# The followed case once this request has sealed or checked it: the status page asks
# again for its survey and notices, and the answer cannot have changed meanwhile.
_CHECKED = "intake_tracked_case"


def _now() -> float:
    return datetime.now(UTC).timestamp()


def _idle_limit() -> float:
    return float(current_app.config["INTAKE_TRACK_SESSION_MINUTES"] * 60)


def remember(case_id: str, token_id: str | None = None) -> None:
    """Follow ``case_id``; a fresh follow gets a fresh token id, a renewal keeps it."""
    payload = {"case": case_id, "seen": _now(), "id": token_id or public_tokens.new_token_id()}
    session[SESSION_KEY] = public_tokens.seal(current_keyring(), payload, purpose=PURPOSE)
    setattr(g, _CHECKED, case_id)


def _opened() -> dict[str, object] | None:
    data = public_tokens.opened(current_keyring(), session.get(SESSION_KEY), purpose=PURPOSE)
    return data if data is not None and isinstance(data.get("id"), str) else None


def forget() -> None:
    """Stop following, for this cookie and every older copy of it."""
    data = _opened()
    session.pop(SESSION_KEY, None)
    g.pop(_CHECKED, None)
    if data is None:
        return
    now = datetime.now(UTC)
    # Every copy of this token was last renewed by now, so all are idle-expired by then.
    expires = datetime.fromtimestamp(now.timestamp() + _idle_limit(), UTC)
    public_tokens.end(db.session, str(data["id"]), expires_at=expires, now=now)


def tracked_case_id() -> str | None:
    """The followed case, or None when there is none, it has been idle too long or the
    person left it. Each use renews the idle time."""
    if not session.get(SESSION_KEY):
        return None
    checked = g.get(_CHECKED)
    if checked is not None:
        return str(checked)
    data = _opened()
    if data is None:
        session.pop(SESSION_KEY, None)
        return None
    if _now() - float(str(data.get("seen", 0))) > _idle_limit():
        session.pop(SESSION_KEY, None)
        return None
    if public_tokens.is_ended(db.session, str(data["id"])):
        session.pop(SESSION_KEY, None)
        return None
    remember(str(data["case"]), str(data["id"]))
    return str(data["case"])
