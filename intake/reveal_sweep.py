"""Expired reveals are wiped soon after their time is up, not when someone next looks.

A web worker has no timer of its own, so each worker sweeps on the first request that
comes after ``SWEEP_SECONDS`` since its last sweep — any request, public or staff, so a
quiet staff side does not hold a sealed copy over a weekend; monitoring of ``/healthz``
is enough to keep the sweep going. A sweep is one indexed query when nothing is due.
``intake remind`` sweeps too, and viewing checks the time itself.
"""

from __future__ import annotations

import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError

from intake.extensions import db
from intake.organisation_scope import OrganisationNotChosen
from intake.services.keyring import current_keyring
from intake.services.reveal import expire_reveals

SWEEP_SECONDS = 60.0
EXTENSION = "intake.reveal_sweep"


@dataclass
class _Schedule:
    """When this worker sweeps next (``time.monotonic``), shared by its threads."""

    next_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def due(self) -> bool:
        now = time.monotonic()
        with self.lock:
            if now < self.next_at:
                return False
            self.next_at = now + SWEEP_SECONDS
            return True


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = _Schedule()
    app.before_request(_sweep_when_due)


def _sweep_when_due() -> None:
    if request.endpoint == "static" or g.get("organisation", False) is None:
        return  # the host's own pages hold no organisation's reveals
    if not current_app.extensions[EXTENSION].due():
        return
    try:
        expire_reveals(db.session, current_keyring(), datetime.now(UTC))
    except OrganisationNotChosen:
        # A path shared by every organisation of a host (/healthz): no organisation's
        # reveals to sweep here; each organisation's own pages and `remind` sweep them.
        with suppress(SQLAlchemyError):
            db.session.rollback()
    except SQLAlchemyError:
        # Unreachable or busy: the request's own work meets the same and says so; the next
        # sweep tries again.
        with suppress(SQLAlchemyError):
            db.session.rollback()
