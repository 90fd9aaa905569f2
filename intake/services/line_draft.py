"""What a LINE chat's draft files: the category it chose, the photos it sent (fetched
from LINE, then checked and cleaned as web uploads are), the location it shared, as an
ordinary general complaint of the LINE channel (``intake.services.line_conversation``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from intake import attachments, crypto
from intake.attachments import AttachmentRejected, Limits
from intake.line_platform import Messenger
from intake.models import CaseKind, Category, Channel
from intake.services import DbSession, ServiceError, followup
from intake.services.filing import FiledCase, FilingInput, file_case, place, subject_from

log = logging.getLogger(__name__)

LOCATION_MAX = 300


@dataclass(frozen=True)
class Surroundings:
    """What handling an event needs beside the database: LINE's API, the upload folder,
    the upload limits, the public address of the tip form."""

    messenger: Messenger
    uploads: Path
    limits: Limits
    tip_form_url: str


def category(session: DbSession, raw: str) -> Category | None:
    """The general complaint category a quick reply named, if it is still offered."""
    if not raw.isdigit():
        return None
    found = session.get(Category, int(raw))
    if found is None or found.kind is not CaseKind.COMPLAINT or not found.active:
        return None
    return found


def photos(
    session: DbSession, around: Surroundings, message_ids: list[str]
) -> list[attachments.PreparedAttachment]:
    """The photos' content from LINE, through the same checks and cleaning as a web
    upload of a general complaint."""
    files = [
        (f"line-photo-{n}.jpg", around.messenger.content(message_id))
        for n, message_id in enumerate(message_ids, start=1)
    ]
    scrub = followup.scrubs_images(session, CaseKind.COMPLAINT)
    return attachments.prepare(files, around.limits, scrub_images=scrub)


def file_draft(
    session: DbSession,
    keyring: crypto.Keyring,
    around: Surroundings,
    user_id: str,
    draft: dict[str, Any],
    now: datetime,
) -> tuple[FiledCase | None, list[str]]:
    """File the draft; returns the filed case (None when the draft lacks a category or
    details) and what to tell the person about it beside the reference. Raises
    ServiceError when filing is refused (rolled back, logged by its code)."""
    details = str(draft.get("details", ""))
    chosen = category(session, str(draft.get("category", "")))
    if chosen is None or not details:
        return None, []
    notes = []
    try:
        sent = photos(session, around, list(draft.get("photos", [])))
    except AttachmentRejected:
        notes.append(_("รูปที่ส่งมาใช้ไม่ได้ จึงส่งเรื่องโดยไม่มีรูป"))
        sent = []
    data = FilingInput(
        kind=CaseKind.COMPLAINT,
        channel=Channel.LINE,
        subject=subject_from(details),
        details=details,
        category_id=chosen.id,
        location=place(
            str(draft.get("address", "")), draft.get("latitude"), draft.get("longitude")
        )[:LOCATION_MAX],
        attachments=sent,
        line_user_id=user_id,
    )
    try:
        return file_case(session, keyring, around.uploads, data, now), notes
    except ServiceError as error:
        session.rollback()
        log.warning("LINE filing refused: %s", error.code.value)
        raise
