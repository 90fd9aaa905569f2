"""How many requests to reopen a closed case were made in a period, and what became of
them (``intake.services.reopen_requests``). Counted from the requests themselves: the table
is small (at most one pending per case, decided within days), so it needs no tally, and
the case tallies stay what they count (a reopening moves a case as any move does).

Published for complaints only: a tip figure this small would have to go through the
suppression rule, and what it adds for the public is not worth that risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from intake.models import Case, CaseKind, ReopenOutcome, ReopenRequest
from intake.services import DbSession
from intake.thaidate import BANGKOK


@dataclass(frozen=True)
class ReopenFigures:
    """Requests made in a period and what became of them."""

    requested: int = 0
    reopened: int = 0
    declined: int = 0
    pending: int = 0


def figures(session: DbSession, kind: CaseKind, first: date, last: date) -> ReopenFigures:
    """Requests on cases of ``kind`` made from ``first`` to ``last`` (Bangkok days, both
    included), by outcome. Counted from the requests themselves (a small table: at most
    one pending per case), not from the case tallies."""
    start = datetime.combine(first, time.min, tzinfo=BANGKOK)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=BANGKOK)
    rows = session.execute(
        select(ReopenRequest.outcome, func.count())
        .join(Case, Case.id == ReopenRequest.case_id)
        .where(
            Case.kind == kind,
            ReopenRequest.requested_at >= start,
            ReopenRequest.requested_at < end,
        )
        .group_by(ReopenRequest.outcome)
    )
    counts = {outcome: int(count) for outcome, count in rows}
    return ReopenFigures(
        requested=sum(counts.values()),
        reopened=counts.get(ReopenOutcome.REOPENED, 0),
        declined=counts.get(ReopenOutcome.DECLINED, 0),
        pending=counts.get(ReopenOutcome.PENDING, 0),
    )
