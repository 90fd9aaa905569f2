"""The interim notice (anti-corruption action plan, measure 36): a case that cannot be
finished within its period is explained to the complainant — why, what has been done so
far, and by when it should be finished.

The officer fills in the parts; the complainant reads a paragraph built from them, in
their own language. The parts are kept as JSON inside the event's encrypted body, so
they share every other event text's protection (AES-GCM bound to the row, key rotation,
retention purge, backups) without a schema change. Notices written before this were
free text and are shown as they were.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from intake import thaidate
from intake.i18n import current_language
from intake.problems import Problem
from intake.services import ServiceError

FORMAT = "interim-notice/1"
MAX_TEXT = 5000
# Further than this is a typo more often than a plan; a case that long gets more notices.
FARTHEST = timedelta(days=366)

# Text in brackets is what a template leaves for the writer to replace ("[เหตุผล]").
_BRACKETED = re.compile(r"[\[［【{｛<＜][^\]］】}｝>＞\n]{0,80}[\]］】}｝>＞]")
_TEMPLATE_WORDS = frozenset(
    {"เหตุผล", "ความคืบหน้า", "วันที่", "ข้อความ", "reason", "progress", "date", "message"}
)


def is_placeholder(text: str) -> bool:
    """Template text that was never written over: bracketed words, a bare template word,
    or no letters at all ("...", "-")."""
    stripped = text.strip()
    if not stripped:
        return False
    if _BRACKETED.search(stripped):
        return True
    if stripped.strip(" .:").casefold() in _TEMPLATE_WORDS:
        return True
    return not any(char.isalpha() for char in stripped)


@dataclass(frozen=True)
class InterimNotice:
    reason: str  # why it is not finished yet
    progress: str  # what has been done so far
    expected: date  # when it should be finished (Bangkok calendar day)
    date_reason: str = ""  # why that is later than the next period's end
    message: str = ""  # anything else the officer wants to say
    next_word_by: date | None = None  # the new period's due date: the next word comes by then


def _text(value: str | None, *, missing: Problem | None, placeholder: Problem) -> str:
    """The field's text, stripped; ``missing`` is raised when it is required and empty."""
    text = (value or "").strip()
    if not text and missing is not None:
        raise ServiceError(missing)
    if len(text) > MAX_TEXT:
        raise ServiceError(Problem.TEXT_TOO_LONG)
    if is_placeholder(text):
        raise ServiceError(placeholder)
    return text


def build(
    *,
    reason: str | None,
    progress: str | None,
    expected: date | None,
    date_reason: str | None,
    message: str | None,
    now: datetime,
    next_word_by: date,
) -> InterimNotice:
    """The notice, checked. ``next_word_by`` is the day the new period ends: an expected
    date later than that needs a reason the complainant can read."""
    reason_text = _text(
        reason, missing=Problem.REASON_REQUIRED, placeholder=Problem.REASON_PLACEHOLDER
    )
    progress_text = _text(
        progress, missing=Problem.PROGRESS_REQUIRED, placeholder=Problem.PROGRESS_PLACEHOLDER
    )
    if expected is None:
        raise ServiceError(Problem.EXPECTED_DATE_REQUIRED)
    today = thaidate.local_date(now)
    if expected < today:
        raise ServiceError(Problem.EXPECTED_DATE_PAST)
    if expected > today + FARTHEST:
        raise ServiceError(Problem.EXPECTED_DATE_TOO_FAR)
    why_later = _text(
        date_reason,
        missing=Problem.DATE_REASON_REQUIRED if expected > next_word_by else None,
        placeholder=Problem.DATE_REASON_PLACEHOLDER,
    )
    return InterimNotice(
        reason=reason_text,
        progress=progress_text,
        expected=expected,
        date_reason=why_later,
        message=_text(message, missing=None, placeholder=Problem.MESSAGE_PLACEHOLDER),
        next_word_by=next_word_by,
    )


def to_body(notice: InterimNotice) -> str:
    """What goes, encrypted, into the event's body."""
    return json.dumps(
        {
            "format": FORMAT,
            "reason": notice.reason,
            "progress": notice.progress,
            "expected": notice.expected.isoformat(),
            "date_reason": notice.date_reason,
            "message": notice.message,
            "next_word_by": notice.next_word_by.isoformat() if notice.next_word_by else None,
        },
        ensure_ascii=False,
    )


def from_body(body: str) -> InterimNotice | None:
    """The parts of a structured notice; None for an older free-text one."""
    if not body.startswith("{"):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    next_word_by = data.get("next_word_by")
    return InterimNotice(
        reason=str(data["reason"]),
        progress=str(data["progress"]),
        expected=date.fromisoformat(data["expected"]),
        date_reason=str(data.get("date_reason") or ""),
        message=str(data.get("message") or ""),
        next_word_by=date.fromisoformat(next_word_by) if next_word_by else None,
    )


def _clause(text: str) -> str:
    """The officer's words inside our sentence: no trailing full stop to double."""
    return text.strip().rstrip(".").strip()


def compose(notice: InterimNotice) -> str:
    """The paragraph the complainant reads, in the current language; the officer's own
    message follows it as a paragraph of its own."""
    locale = current_language()
    sentences = [
        _("เรื่องของท่านยังดำเนินการไม่แล้วเสร็จ เนื่องจาก%(reason)s", reason=_clause(notice.reason)),
        _("ความคืบหน้าที่ผ่านมา: %(progress)s", progress=_clause(notice.progress)),
        _(
            "คาดว่าจะแล้วเสร็จภายในวันที่ %(date)s",
            date=thaidate.format_date(notice.expected, locale),
        ),
    ]
    if notice.date_reason:
        sentences.append(
            _("ซึ่งต้องใช้เวลามากกว่าปกติ เนื่องจาก%(why)s", why=_clause(notice.date_reason))
        )
    if notice.next_word_by is not None:
        sentences.append(
            _(
                "หากยังไม่แล้วเสร็จ จะแจ้งความคืบหน้าให้ท่านทราบอีกครั้งภายในวันที่ %(date)s",
                date=thaidate.format_date(notice.next_word_by, locale),
            )
        )
    paragraph = " ".join(sentences)
    return f"{paragraph}\n\n{notice.message}" if notice.message else paragraph


def readable(body: str) -> str:
    """An interim notice's body as people read it: composed, or the old free text."""
    notice = from_body(body)
    return body if notice is None else compose(notice)
