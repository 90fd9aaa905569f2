"""The one case a browser may follow after its tracking code was typed.

After a correct code, the session holds access to that case for a short idle time
(INTAKE_TRACK_SESSION_MINUTES, 30 by default), so the person can read and reply without
typing the code again. The session holds the case id encrypted, never the code; "leave"
ends it at once.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import current_app, session

from intake import crypto
from intake.keystore import current_keyring

SESSION_KEY = "tracked_case"
PURPOSE = "tracked-case"


def _now() -> float:
    return datetime.now(UTC).timestamp()


def remember(case_id: str) -> None:
    payload = json.dumps({"case": case_id, "seen": _now()})
    session[SESSION_KEY] = crypto.seal_token(current_keyring(), payload, purpose=PURPOSE)


def forget() -> None:
    session.pop(SESSION_KEY, None)


def tracked_case_id() -> str | None:
    """The followed case, or None when there is none or it has been idle too long.
    Each use renews the idle time."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    try:
        data = json.loads(crypto.open_token(current_keyring(), token, purpose=PURPOSE))
    except (crypto.DecryptionFailed, ValueError):
        forget()
        return None
    idle_limit = current_app.config["INTAKE_TRACK_SESSION_MINUTES"] * 60
    if _now() - float(data.get("seen", 0)) > idle_limit:
        forget()
        return None
    remember(str(data["case"]))
    return str(data["case"])
