"""A report's written sections and sign-off: what staff write for a period (problems,
remedies, recommendations, who prepared, reviewed and approved it), kept one row per
report and audited without the text."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from intake.crypto import Keyring
from intake.models import ReportNarrative, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record
from intake.services.report_periods import ReportKey

TEXT_MAX = 5000
LINE_MAX = 200  # names and positions: ReportNarrative's String(200) columns

# Control characters other than tab and newline: nothing typed needs them, and XLSX
# refuses them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Narrative:
    """The staff-written sections and the sign-off of one report."""

    problems: str = ""
    remedies: str = ""
    recommendations: str = ""
    prepared_name: str = ""
    prepared_position: str = ""
    prepared_on: date | None = None
    reviewed_name: str = ""
    reviewed_position: str = ""
    reviewed_on: date | None = None
    approved_name: str = ""
    approved_position: str = ""
    approved_on: date | None = None


NARRATIVE_FIELDS = tuple(f.name for f in fields(Narrative))
SIGNERS = ("prepared", "reviewed", "approved")


def _find(session: DbSession, key: ReportKey) -> ReportNarrative | None:
    query = select(ReportNarrative).where(
        ReportNarrative.kind == key.kind,
        ReportNarrative.fiscal_year == key.fiscal_year,
        ReportNarrative.half == key.half,
    )
    return session.scalars(query).one_or_none()


def load_narrative(session: DbSession, key: ReportKey) -> tuple[Narrative, datetime | None]:
    """What staff saved for the report (empty sections when nothing yet), and when."""
    row = _find(session, key)
    if row is None:
        return Narrative(), None
    return Narrative(**{name: getattr(row, name) for name in NARRATIVE_FIELDS}), row.updated_at


def _clean(value: str, limit: int, single_line: bool) -> str:
    text = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if single_line:
        text = " ".join(text.split())
    if len(text) > limit:
        raise ServiceError(Problem.REPORT_TEXT_TOO_LONG)
    return text


def save_narrative(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    key: ReportKey,
    narrative: Narrative,
    now: datetime,
) -> None:
    """Create or replace the report's written sections and sign-off; audited (never the
    text itself)."""
    values: dict[str, object] = {}
    for name in NARRATIVE_FIELDS:
        value = getattr(narrative, name)
        if name.endswith("_on"):
            values[name] = value
        else:
            single = name.endswith(("_name", "_position"))
            values[name] = _clean(value or "", LINE_MAX if single else TEXT_MAX, single)
    for attempt in (1, 2):
        try:
            row = _find(session, key)
            if row is None:
                row = ReportNarrative(kind=key.kind, fiscal_year=key.fiscal_year, half=key.half)
                session.add(row)
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
            row.updated_by_id = actor.id
            session.flush()
            break
        except IntegrityError:
            # Someone saved the same report's first version at the same moment: update theirs.
            session.rollback()
            if attempt == 2:
                raise
    record(
        session,
        keyring,
        "report.narrative_saved",
        actor=actor_label(actor),
        now=now,
        detail=key.slug,
    )
    session.commit()


def saved_keys(session: DbSession) -> set[tuple[str, int, int]]:
    """(kind, fiscal year, half) of the reports whose sections someone has written."""
    rows = session.execute(
        select(ReportNarrative.kind, ReportNarrative.fiscal_year, ReportNarrative.half)
    )
    return {(kind.value, fiscal_year, half) for kind, fiscal_year, half in rows}
