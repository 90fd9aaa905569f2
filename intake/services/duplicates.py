"""Possible duplicates: the same thing reported more than once.

The rule, simple enough to explain beside each suggestion: another case of the same kind
and category, received within ``WINDOW_DAYS`` days before or after this one, whose
location shares a word with this one's (words of at least ``MIN_WORD`` letters, not a
generic place word such as "ถนน" or "หมู่"). Locations are encrypted, so the candidates are
first narrowed in SQL on the ``ix_cases_category_received`` index to at most
``MAX_CANDIDATES`` of the newest, and only their locations are decrypted: the cost
of a case page does not grow with the table.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select, union
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on

from intake import crypto
from intake.cache import TimedCache
from intake.crypto import Keyring
from intake.models import Case, CaseKind, User
from intake.services import DbSession
from intake.services.visibility import may_view, scope
from intake.workflow import OPEN

WINDOW_DAYS = 14
MAX_CANDIDATES = 200
MAX_SUGGESTIONS = 10  # the strongest: most words in common, then nearest in time
MIN_WORD = 3
# Words that name a kind of place, not a place: sharing one says nothing.
GENERIC_WORDS = frozenset(
    {
        "ถนน", "ถ.", "ซอย", "ซ.", "หมู่", "หมู่ที่", "ม.", "ตำบล", "ต.", "อำเภอ", "อ.",
        "จังหวัด", "จ.", "บ้าน", "เลขที่", "หน้า", "ใกล้", "บริเวณ", "ข้าง", "ตรงข้าม",
        "แยก", "ชุมชน", "หมู่บ้าน", "road", "soi", "moo", "near", "the",
    }
)  # fmt: skip
_SPLIT = re.compile(r"[\s,;:()\[\]/\\\-–—\"'|]+")


def location_words(text: str) -> frozenset[str]:
    words = {w.strip(".").casefold() for w in _SPLIT.split(text)}
    return frozenset(w for w in words if len(w) >= MIN_WORD and w not in GENERIC_WORDS)


@dataclass(frozen=True)
class Suggestion:
    case: Case
    shared_words: tuple[str, ...]  # why it is suggested, shown beside it


def _location(keyring: Keyring, case: Any) -> str:
    """The location of a case, or of a row holding its id and location."""
    if not case.location_enc:
        return ""
    return crypto.decrypt_text(
        keyring, case.location_enc, table="cases", column="location", row_id=case.id
    )


def candidates(session: DbSession, case: Case) -> list[Case]:
    """Same kind and category, near in time, not this case nor one linked with it."""
    if case.category_id is None or case.contents_purged_at is not None:
        return []
    window = timedelta(days=WINDOW_DAYS)
    group = case.primary_case_id or case.id
    query = (
        select(Case)
        .where(
            Case.category_id == case.category_id,
            Case.kind == case.kind,
            Case.received_at.between(case.received_at - window, case.received_at + window),
            Case.id != case.id,
            Case.id != group,
            (Case.primary_case_id.is_(None)) | (Case.primary_case_id != group),
            Case.contents_purged_at.is_(None),
        )
        .order_by(Case.received_at.desc(), Case.id)
        .limit(MAX_CANDIDATES)
    )
    return list(session.scalars(query))


def possible_duplicates(
    session: DbSession, keyring: Keyring, actor: User, case: Case
) -> list[Suggestion]:
    """The suggestions for ``case`` that ``actor`` may see, strongest first."""
    words = location_words(_location(keyring, case))
    if not words:
        return []
    found = []
    for other in candidates(session, case):
        if not may_view(actor, other):
            continue
        shared = words & location_words(_location(keyring, other))
        if shared:
            found.append(Suggestion(other, tuple(sorted(shared))))
    found.sort(key=lambda s: (-len(s.shared_words), abs(s.case.received_at - case.received_at)))
    return found[:MAX_SUGGESTIONS]


_received = attrgetter("received_at")

# A queue page is checked against the same few thousand cases on every view, and opening
# each one's location is most of the work. So each worker keeps, for a few minutes, what
# a location's words are as keyed marks (a keyed hash of each word under a key that never
# leaves the process), never the words. Kept under the ciphertext's last 16 bytes, its
# authentication tag, which no other encryption shares: a changed location is a new entry.
_MARK_KEY = secrets.token_bytes(32)
_MARKS = TimedCache(max_entries=20_000)  # about 11 MB when full
KEEP_MARKS_SECONDS = 600.0
_TAG_BYTES = 16


def _mark(word: str) -> bytes:
    return hashlib.blake2b(word.encode(), key=_MARK_KEY, digest_size=8).digest()


def _location_marks(keyring: Keyring, row: Any) -> frozenset[bytes]:
    """The marks of a row's location words (a row holding its id and location)."""
    if not row.location_enc:
        return frozenset()
    return _MARKS.get(
        bytes(row.location_enc[-_TAG_BYTES:]),
        KEEP_MARKS_SECONDS,
        lambda: frozenset(_mark(word) for word in location_words(_location(keyring, row))),
    )


# What a candidate is checked by: a row of these, not the whole object.
_CANDIDATE_COLUMNS = (
    Case.id,
    Case.primary_case_id,
    Case.received_at,
    Case.location_enc,
    Case.category_id,
    Case.kind,
)
# ... and what decides whether a case of the page is flagged at all.
_PAGE_COLUMNS = (*_CANDIDATE_COLUMNS, Case.status, Case.contents_purged_at)
Window = tuple[int, CaseKind, datetime, datetime]  # category, kind, earliest, latest


def _newest_in_windows(session: DbSession, windows: list[Window], actor: User) -> Any:
    """One statement: for each window, the newest MAX_CANDIDATES cases of its category
    and kind received within it that the actor may see (each one range of the category
    index); a case in several windows comes once. Each window is read newest first by
    time alone, the index's own order, so its read stops after MAX_CANDIDATES rows (a
    tie-break by id would sort the whole window)."""
    always = (Case.contents_purged_at.is_(None), *scope(actor))  # never purged, visible
    if session.get_bind().dialect.name == "postgresql":
        return _through_lateral(windows, always)
    return _through_union(windows, always)


def _through_lateral(windows: list[Window], always: tuple[Any, ...]) -> Any:
    """The windows as arrays unnested, each read through LATERAL: one small statement of
    the same shape however many windows (so compiled once, then cached)."""
    categories, kinds, earliest, latest = zip(*windows, strict=True)
    moments = ARRAY(sa.DateTime(timezone=True))
    listed = (
        sa.func.unnest(
            sa.bindparam("categories", list(categories), type_=ARRAY(sa.Integer)),
            sa.bindparam("kinds", [kind.value for kind in kinds], type_=ARRAY(sa.String)),
            sa.bindparam("earliest", list(earliest), type_=moments),
            sa.bindparam("latest", list(latest), type_=moments),
        )
        .table_valued(
            sa.column("category_id", sa.Integer),
            sa.column("kind", sa.String),
            sa.column("earliest", sa.DateTime(timezone=True)),
            sa.column("latest", sa.DateTime(timezone=True)),
            name="windows",
        )
        .render_derived()
    )
    each = (
        select(*_CANDIDATE_COLUMNS)
        .where(
            Case.category_id == listed.c.category_id,
            sa.cast(Case.kind, sa.String) == listed.c.kind,
            Case.received_at.between(listed.c.earliest, listed.c.latest),
            *always,
        )
        .order_by(Case.received_at.desc())
        .limit(MAX_CANDIDATES)
        .lateral("newest")
    )
    # A case in several windows once.
    return select(each).select_from(listed).join(each, sa.true()).ext(distinct_on(each.c.id))


def _through_union(windows: list[Window], always: tuple[Any, ...]) -> Any:
    """SQLite has no LATERAL: one part per window, repeats removed by UNION."""
    parts = [
        select(*_CANDIDATE_COLUMNS)
        .where(
            Case.category_id == category_id,
            Case.kind == kind,
            Case.received_at.between(earliest, latest),
            *always,
        )
        .order_by(Case.received_at.desc())
        .limit(MAX_CANDIDATES)
        .subquery()
        for category_id, kind, earliest, latest in windows
    ]
    return union(*(select(part) for part in parts))


def flag_page(session: DbSession, keyring: Keyring, actor: User, case_ids: list[str]) -> set[str]:
    """Which of the queue page's open, unlinked cases have a possible duplicate: the same
    rule as the case page, each case among the newest MAX_CANDIDATES of its own window,
    for a whole page in two statements (the page's cases, then one bounded set of
    candidates for all of them, the actor's visibility in the statement), whatever the
    size of the table. Rows, not objects, and a candidate's location is opened only when
    it is near a case of the page in category, kind and time (then remembered as marks)."""
    if not case_ids:
        return set()
    page: list[Any] = [
        case
        for case in session.execute(select(*_PAGE_COLUMNS).where(Case.id.in_(case_ids)))
        if case.status in OPEN
        and case.primary_case_id is None
        and case.category_id is not None
        and case.contents_purged_at is None
    ]
    marks = {case.id: _location_marks(keyring, case) for case in page}
    page = [case for case in page if marks[case.id]]
    if not page:
        return set()
    window = timedelta(days=WINDOW_DAYS)
    # Each case is judged as on its case page: among the newest MAX_CANDIDATES of its own
    # window. All windows' candidates come in one statement; a case's own are the newest
    # of them within its window (any other there is older than all of its own).
    windows = [
        (case.category_id, case.kind, case.received_at - window, case.received_at + window)
        for case in page
    ]
    groups: dict[tuple[int, CaseKind], list[Any]] = defaultdict(list)
    for row in session.execute(_newest_in_windows(session, windows, actor)).all():
        groups[(row.category_id, row.kind)].append(row)
    times = {}
    for key, rows in groups.items():
        rows.sort(key=_received)
        times[key] = [row.received_at for row in rows]
    other_marks: dict[str, frozenset[bytes]] = {}
    flagged = set()
    for case in page:
        key = (case.category_id, case.kind)
        if key not in groups:
            continue
        start = bisect_left(times[key], case.received_at - window)
        end = bisect_right(times[key], case.received_at + window)
        for other in groups[key][max(start, end - MAX_CANDIDATES) : end]:  # its own
            if other.id == case.id or other.primary_case_id == case.id:
                continue  # the case itself, or one already linked to it
            if other.id not in other_marks:
                other_marks[other.id] = _location_marks(keyring, other)
            if marks[case.id] & other_marks[other.id]:
                flagged.add(case.id)
                break
    return flagged
