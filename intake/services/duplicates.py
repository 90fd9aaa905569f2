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

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from operator import attrgetter
from typing import Any

from sqlalchemy import literal, select, union_all

from intake import crypto
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


# What the queue's flags read of a case: a row of these, not the whole object.
_COLUMNS = (
    Case.id,
    Case.status,
    Case.kind,
    Case.category_id,
    Case.primary_case_id,
    Case.received_at,
    Case.contents_purged_at,
    Case.location_enc,
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

# What a candidate is checked by (kind and category are its part's): fewer columns to
# convert, as a page reads over a thousand of them.
_CANDIDATE_COLUMNS = (Case.id, Case.primary_case_id, Case.received_at, Case.location_enc)


def _candidates_by_part(
    session: DbSession, parts: list[tuple[tuple[int, CaseKind], Any, Any]], actor: User
) -> dict[int, tuple[list[Any], list[Any]]]:
    """For each part (category and kind, earliest and latest time) by its position: the
    newest MAX_CANDIDATES cases in it that the actor may see, in time order, and their
    times. One statement, each part one range of the category index."""
    visible = scope(actor)
    selects = [
        select(literal(position).label("part"), *_CANDIDATE_COLUMNS)
        .where(
            Case.category_id == category_id,
            Case.kind == kind,
            Case.received_at.between(earliest, latest),
            Case.contents_purged_at.is_(None),
            *visible,
        )
        .order_by(Case.received_at.desc(), Case.id)
        .limit(MAX_CANDIDATES)
        .subquery()
        for position, ((category_id, kind), earliest, latest) in enumerate(parts)
    ]
    rows: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(union_all(*(select(part) for part in selects))).all():
        rows[row.part].append(row)
    found = {}
    for position, candidates_of_part in rows.items():
        candidates_of_part.sort(key=_received)  # so a page's case looks at its window only
        found[position] = (candidates_of_part, [row.received_at for row in candidates_of_part])
    return found


def flag_page(session: DbSession, keyring: Keyring, actor: User, case_ids: list[str]) -> set[str]:
    """Which of the queue page's open, unlinked cases have a possible duplicate: the same
    rule as the case page, for a whole page in two statements (the page's cases, then one
    bounded set of candidates for all of them, the actor's visibility in the statement),
    whatever the size of the table. Rows, not objects, and a candidate's location is
    opened only when it is near a case of the page in category, kind and time."""
    if not case_ids:
        return set()
    page: list[Any] = [
        case
        for case in session.execute(select(*_COLUMNS).where(Case.id.in_(case_ids)))
        if case.status in OPEN
        and case.primary_case_id is None
        and case.category_id is not None
        and case.contents_purged_at is None
    ]
    words = {case.id: location_words(_location(keyring, case)) for case in page}
    page = [case for case in page if words[case.id]]
    if not page:
        return set()
    window = timedelta(days=WINDOW_DAYS)
    # One part per category and kind on the page, over the span of its cases' times (a
    # little more than the rule asks, cut to each case's own window below), each the
    # newest MAX_CANDIDATES of its own: every part is one range of the category index,
    # however old the page's cases are among a million.
    spans: dict[tuple[int, CaseKind], list[Any]] = defaultdict(list)
    for case in page:
        spans[(case.category_id, case.kind)].append(case.received_at)
    position = {key: index for index, key in enumerate(spans)}
    groups = _candidates_by_part(
        session,
        [(key, min(times) - window, max(times) + window) for key, times in spans.items()],
        actor,
    )
    other_words: dict[str, frozenset[str]] = {}
    flagged = set()
    for case in page:
        rows, times = groups.get(position[(case.category_id, case.kind)], ([], []))
        start = bisect_left(times, case.received_at - window)
        end = bisect_right(times, case.received_at + window)
        for other in rows[start:end]:
            if other.id == case.id or other.primary_case_id == case.id:
                continue  # the case itself, or one already linked to it
            if other.id not in other_words:
                other_words[other.id] = location_words(_location(keyring, other))
            if words[case.id] & other_words[other.id]:
                flagged.add(case.id)
                break
    return flagged
