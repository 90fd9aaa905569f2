"""The complainant's one-time satisfaction survey (the statistics count it in the tallies).

Measure 44 of the anti-corruption plan sets a target: at least 80% of the people who
answer are satisfied, i.e. rate the service 4 or 5 of 5 overall. A survey is offered only
once the case is closed (there is nothing to rate before that) and only once per case, so
one person cannot weigh the figure by answering again. The free comment may name people
or repeat the case, so it is encrypted like every other piece of case content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from intake import crypto
from intake.models import Case, SatisfactionResponse
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import ACTOR_PUBLIC, record
from intake.workflow import is_closed

SCORES = ("speed", "fairness", "clarity", "overall")
LOWEST, HIGHEST = 1, 5
SATISFIED_FROM = 4  # "satisfied" means an overall rating of 4 or 5
COMMENT_MAX = 1000
AUDIT_DETAIL = "survey"


@dataclass(frozen=True)
class SurveyAnswers:
    speed: int
    fairness: int
    clarity: int
    overall: int
    comment: str = ""


@dataclass(frozen=True)
class SurveyState:
    offered: bool  # the case is closed and nobody has answered yet
    answered: bool


def state(session: DbSession, case: Case) -> SurveyState:
    answered = session.get(SatisfactionResponse, case.id) is not None
    open_to_answers = is_closed(case.status) and case.contents_purged_at is None
    return SurveyState(offered=open_to_answers and not answered, answered=answered)


def _check(answers: SurveyAnswers) -> str:
    for name in SCORES:
        score = getattr(answers, name)
        if not isinstance(score, int) or not LOWEST <= score <= HIGHEST:
            raise ServiceError(Problem.SCORE_OUT_OF_SCALE)
    comment = answers.comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(Problem.COMMENT_TOO_LONG)
    return comment


def record_answers(
    session: DbSession,
    keyring: crypto.Keyring,
    case_id: str,
    answers: SurveyAnswers,
    now: datetime,
) -> None:
    """Store the answers of the followed case; errors: ``not_found``, ``not_closed``,
    ``already_answered``, ``score``, ``comment_too_long``."""
    comment = _check(answers)
    # Locked: a purge running meanwhile waits, or is seen (services.retention).
    case = session.get(Case, case_id, with_for_update=True, populate_existing=True)
    if case is None:
        raise ServiceError(Problem.NOT_FOUND)
    if not is_closed(case.status) or case.contents_purged_at is not None:
        raise ServiceError(Problem.CASE_NOT_CLOSED)  # (a purged case takes no more answers)
    if session.get(SatisfactionResponse, case_id) is not None:
        raise ServiceError(Problem.ALREADY_ANSWERED)
    response = SatisfactionResponse(
        case_id=case_id,
        speed=answers.speed,
        fairness=answers.fairness,
        clarity=answers.clarity,
        overall=answers.overall,
        comment_enc=(
            crypto.encrypt_field(
                keyring, comment, table="satisfaction", column="comment", row_id=case_id
            )
            if comment
            else None
        ),
        created_at=now,
    )
    session.add(response)
    try:
        # Two tabs sending at once: the primary key lets only one of them in.
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ServiceError(Problem.ALREADY_ANSWERED) from None
    record(
        session,
        keyring,
        "case.updated",
        actor=ACTOR_PUBLIC,
        now=now,
        case_id=case_id,
        detail=AUDIT_DETAIL,
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ServiceError(Problem.ALREADY_ANSWERED) from None


@dataclass(frozen=True)
class Tally:
    responses: int
    satisfied: int
