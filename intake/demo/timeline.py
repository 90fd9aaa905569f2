"""The life of one demo case: what happened to it, as of ``now``.

Each case gets a planned future (accepted, routed, worked on, closed; interim notices
whenever the answer would miss a 15-day period; perhaps a survey answer), drawn at
random, and everything after ``now`` is cut off. So old cases are mostly closed and
recent ones are still open, the way a real queue looks. Moves follow
``intake.workflow``; due dates come from ``intake.deadlines`` through a per-day cache.
Pure functions of a seeded ``random.Random``; nothing here touches the database.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from intake import thaidate, workflow
from intake.demo import texts
from intake.demo.story import Step, Story, Survey
from intake.demo.topics import DELAY_REASONS, LONGER_REASONS, PROGRESS, Topic
from intake.demo.world import CategoryRef, Staff, World
from intake.models import CaseKind, Channel, EventType
from intake.services import interim
from intake.workflow import Status

# Who brings cases in, by kind: tips arrive mostly through the web form.
CHANNEL_WEIGHTS = {
    CaseKind.COMPLAINT: {
        Channel.WEB: 30,
        Channel.WALK_IN: 15,
        Channel.PHONE: 20,
        Channel.LETTER: 8,
        Channel.EMAIL: 4,
        Channel.SOCIAL: 13,
        Channel.DAMRONGDHAM: 6,
        Channel.AGENCY: 4,
    },
    CaseKind.TIP: {
        Channel.WEB: 70,
        Channel.WALK_IN: 5,
        Channel.PHONE: 3,
        Channel.LETTER: 10,
        Channel.EMAIL: 5,
        Channel.SOCIAL: 2,
        Channel.DAMRONGDHAM: 3,
        Channel.AGENCY: 2,
    },
}
# Channels that need the office open: on a weekend such a case came by the web instead.
OFFICE_CHANNELS = frozenset({Channel.WALK_IN, Channel.PHONE, Channel.LETTER})
# How cases end, per kind: (outcome, share)
OUTCOMES = {
    CaseKind.COMPLAINT: ((Status.RESOLVED, 0.80), (Status.REJECTED, 0.10), (Status.REFERRED, 0.10)),
    CaseKind.TIP: ((Status.RESOLVED, 0.40), (Status.REJECTED, 0.25), (Status.REFERRED, 0.35)),
}
RESOLVE_DAYS = {
    # (share, shortest, longest): most complaints are answered within 15 days
    CaseKind.COMPLAINT: ((0.55, 1, 14), (0.25, 14, 45), (0.15, 45, 120), (0.05, 120, 300)),
    CaseKind.TIP: ((0.2, 7, 30), (0.5, 30, 90), (0.3, 90, 240)),
}
CLOSE_DAYS = {Status.REJECTED: (1, 20), Status.REFERRED: (1, 15)}
SATISFACTION_SHARE = 0.42  # of closed cases whose complainant answered the survey
INTERIM_ON_TIME = 0.8  # an interim notice comes before the period's due date
INTERIM_LAPSE = 0.06  # staff stop posting notices on a long case
REOPEN_SHARE = 0.02
RESOLVED_RATINGS = (5, 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 4, 3, 2, 1)
OTHER_RATINGS = (5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 2, 2, 1, 1)
OFFICE_OPENS = 8.5 * 3600  # 08:30, in seconds after midnight
OFFICE_HOURS = 8.0
RAINY_MONTHS = frozenset({6, 7, 8, 9, 10})
MINUTE = timedelta(minutes=1)


def _days(value: float) -> timedelta:
    return timedelta(seconds=value * 86400)


def _pick(rng: random.Random, ids: list[int]) -> int | None:
    return rng.choice(ids) if ids else None


def _office(at: datetime) -> datetime:
    """The same Bangkok day, squeezed into office hours (order within a day is kept)."""
    local = at.astimezone(thaidate.BANGKOK)
    since_midnight = local.hour * 3600 + local.minute * 60 + local.second
    office = OFFICE_OPENS + since_midnight * OFFICE_HOURS / 24
    return at + timedelta(seconds=office - since_midnight)


def _category(rng: random.Random, world: World, kind: CaseKind, month: int) -> CategoryRef:
    refs = world.categories[kind]
    rainy = month in RAINY_MONTHS
    weights = [ref.rainy_weight if rainy else ref.weight for ref in refs]
    return rng.choices(refs, weights)[0]


def _channel(rng: random.Random, world: World, kind: CaseKind, received: datetime) -> Channel:
    weights = CHANNEL_WEIGHTS[kind]
    channel = rng.choices(list(weights), list(weights.values()))[0]
    if channel in OFFICE_CHANNELS and not world.due.working(thaidate.local_date(received)):
        channel = Channel.WEB
    return channel


def _outcome(rng: random.Random, kind: CaseKind) -> tuple[Status, float]:
    """How the case ends, and how many days after receipt."""
    outcomes = OUTCOMES[kind]
    outcome = rng.choices([o for o, _share in outcomes], [share for _o, share in outcomes])[0]
    if outcome in CLOSE_DAYS:
        low, high = CLOSE_DAYS[outcome]
        return outcome, rng.uniform(low, high)
    bands = RESOLVE_DAYS[kind]
    _share, low, high = rng.choices(bands, [band[0] for band in bands])[0]
    return outcome, rng.uniform(low, high)


def _interim_body(rng: random.Random, world: World, at: datetime, progress: str) -> str:
    """An interim notice in parts, as an officer fills the form."""
    next_word = thaidate.local_date(world.due(at))
    expected = thaidate.local_date(at) + timedelta(days=rng.randint(5, 30))
    notice = interim.InterimNotice(
        reason=rng.choice(DELAY_REASONS),
        progress=progress,
        expected=expected,
        date_reason=rng.choice(LONGER_REASONS) if expected > next_word else "",
        next_word_by=next_word,
    )
    return interim.to_body(notice)


def _interims(
    rng: random.Random,
    world: World,
    start: datetime,
    close: datetime,
    topic: Topic,
    actor: int | None,
) -> list[Step]:
    """Notices staff post while the answer would miss the current period's due date."""
    notices: list[Step] = []
    for _ in range(40):
        due = world.due(start)
        if close <= due or rng.random() < INTERIM_LAPSE:
            break
        if rng.random() < INTERIM_ON_TIME:
            earliest = max(start + _days(1), due - _days(7))
            at = earliest + (due - _days(0.2) - earliest) * rng.random()
        else:
            at = due + _days(rng.uniform(0.5, 10))
        if at >= close - _days(1):  # on an earlier day than the answer
            break
        lines = topic.progress if not notices else topic.progress + PROGRESS
        body = _interim_body(rng, world, at, texts.fill(rng, rng.choice(lines)))
        notices.append(Step(_office(at), EventType.INTERIM_NOTICE, body=body, actor_id=actor))
        start = at
    return notices


class _Plan:
    """Status moves in time order, each checked against the workflow."""

    def __init__(self, received: datetime, actor: int | None) -> None:
        self.status = Status.RECEIVED
        self.last = received
        self.steps = [Step(received, EventType.FILED, to_status=Status.RECEIVED, actor_id=actor)]

    def move(self, after: float, target: Status, actor: int | None, body: str = "") -> datetime:
        workflow.check_move(self.status, target)
        at = max(_office(self.last + _days(after)), self.last + timedelta(minutes=7))
        self.steps.append(Step(at, EventType.STATUS, self.status, target, True, body, actor))
        self.status, self.last = target, at
        return at

    def add(self, step: Step) -> None:
        self.steps.append(step)


def story(
    rng: random.Random, world: World, kind: CaseKind, received_at: datetime, now: datetime
) -> Story:
    """Draw one case received at ``received_at`` and cut its life at ``now``."""
    channel = _channel(rng, world, kind, received_at)
    if channel is not Channel.WEB:
        office = _office(received_at)
        received_at = office if office <= now else received_at
    local = thaidate.local_date(received_at)
    category = _category(rng, world, kind, local.month)
    topic = rng.choice(category.topics)
    problem = rng.choice(topic.problems)
    answer = texts.fill(rng, problem.answer)
    staff = world.staff
    router = _pick(rng, staff.intake if kind is CaseKind.COMPLAINT else staff.legal)
    router = router if router is not None else _pick(rng, staff.intake + staff.legal)
    registered = router if channel is not Channel.WEB else None
    anonymous = kind is CaseKind.TIP and rng.random() < 0.5
    reporter = (
        {} if anonymous or rng.random() < 0.12 else texts.person(rng, full=kind is CaseKind.TIP)
    )
    result = Story(
        kind=kind,
        channel=channel,
        received_at=received_at,
        category_id=category.id,
        department_id=category.department_id if kind is CaseKind.COMPLAINT else None,
        registered_by_id=registered,
        subject=problem.subject,
        details=texts.fill(rng, problem.details),
        location=texts.place(rng) if rng.random() < 0.8 else "",
        accused=rng.choice(topic.accused) if topic.accused else "",
        incident_date=(
            local - timedelta(days=rng.randint(0, 30 if kind is CaseKind.TIP else 10))
            if rng.random() < 0.7
            else None
        ),
        anonymous=anonymous,
        reporter=reporter,
        steps=[],
    )
    outcome, duration = _outcome(rng, kind)
    plan = _Plan(received_at, registered)
    close = received_at + _days(duration)
    plan.move(min(rng.expovariate(1.2), duration * 0.1), Status.SCREENING, router)
    routed = None
    worker = router
    if outcome is Status.RESOLVED:
        routed = _department(rng, world, category, kind)
        worker = _worker(rng, staff, kind, routed, router)
        assigned = plan.move(min(rng.expovariate(0.8), duration * 0.2), Status.ASSIGNED, router)
        if rng.random() < 0.3:
            note = rng.choice(texts.NOTES)
            plan.add(
                Step(assigned + MINUTE, EventType.NOTE, public=False, body=note, actor_id=router)
            )
        started = plan.move(min(rng.expovariate(0.6), duration * 0.3), Status.IN_PROGRESS, worker)
        if rng.random() < 0.3 and close - started > _days(2):
            updates = texts.UPDATES if kind is CaseKind.COMPLAINT else texts.TIP_UPDATES
            at = started + (close - started - _days(1)) * rng.uniform(0.2, 0.8)
            step = Step(_office(at), EventType.UPDATE, body=rng.choice(updates), actor_id=worker)
            plan.add(step)
    for notice in _interims(rng, world, received_at, close, topic, worker):
        plan.add(notice)
    _close(rng, plan, outcome, close, kind, answer, worker, result)
    if outcome is Status.RESOLVED and kind is CaseKind.COMPLAINT and rng.random() < REOPEN_SHARE:
        _reopen(rng, world, plan, topic, answer, router, worker)
    _cut(rng, world, result, plan.steps, routed, now)
    return result


def _department(
    rng: random.Random, world: World, category: CategoryRef, kind: CaseKind
) -> int | None:
    """Routing: mostly the category's department, sometimes another one."""
    if kind is CaseKind.COMPLAINT and category.department_id and rng.random() < 0.85:
        return category.department_id
    return _pick(rng, world.departments)


def _worker(
    rng: random.Random, staff: Staff, kind: CaseKind, department: int | None, router: int | None
) -> int | None:
    if kind is CaseKind.TIP or department is None:
        return router
    return _pick(rng, staff.by_department.get(department, [])) or router


def _close(
    rng: random.Random,
    plan: _Plan,
    outcome: Status,
    close: datetime,
    kind: CaseKind,
    answer: str,
    actor: int | None,
    result: Story,
) -> datetime:
    after = max((close - plan.last).total_seconds() / 86400, 0.01)
    if outcome is Status.RESOLVED:
        return plan.move(after, outcome, actor, answer)
    if outcome is Status.REJECTED:
        return plan.move(after, outcome, actor, rng.choice(texts.REJECT_REASONS[kind]))
    choices = texts.REFERRALS[kind]
    ((code, name),) = rng.choices([c for c, _w in choices], [w for _c, w in choices])
    result.referred_to, result.referred_to_name = code, name
    message = rng.choice(texts.REFERRAL_MESSAGES) if rng.random() < 0.7 else ""
    return plan.move(after, outcome, actor, message)


def _reopen(
    rng: random.Random,
    world: World,
    plan: _Plan,
    topic: Topic,
    answer: str,
    router: int | None,
    worker: int | None,
) -> None:
    """A complainant says the problem came back: reopened, worked on, resolved again."""
    reopened = plan.move(rng.uniform(2, 20), Status.SCREENING, router, texts.REOPEN_MESSAGE)
    reason = texts.REOPEN_REASON
    plan.add(Step(reopened + MINUTE, EventType.NOTE, public=False, body=reason, actor_id=router))
    plan.move(rng.uniform(0.2, 2), Status.ASSIGNED, router)
    plan.move(rng.uniform(0.2, 2), Status.IN_PROGRESS, worker)
    second = plan.last + _days(rng.uniform(3, 30))
    for notice in _interims(rng, world, reopened, second, topic, worker):
        plan.add(notice)
    after = (second - plan.last).total_seconds() / 86400
    plan.move(after, Status.RESOLVED, worker, answer)


def _cut(
    rng: random.Random,
    world: World,
    result: Story,
    steps: list[Step],
    routed: int | None,
    now: datetime,
) -> None:
    """Keep what happened by ``now`` and derive the case's columns from it, as the real
    actions would have left them (a complaint's department comes from its category at
    filing; assigning may route it elsewhere; a tip has one only once assigned)."""
    kept = sorted((s for s in steps if s.at <= now), key=lambda s: s.at)
    result.steps = kept
    result.first_due_at = world.due(result.received_at)
    period_start = result.received_at
    department = None if result.kind is CaseKind.TIP else result.department_id
    for step in kept:
        if step.type is EventType.INTERIM_NOTICE:
            period_start = step.at
            if result.first_response_at is None:
                result.first_response_at = step.at
        if step.type is not EventType.STATUS or step.to_status is None:
            continue
        result.status = step.to_status
        if step.to_status is Status.ASSIGNED:
            department = routed
        if workflow.is_closed(step.to_status):
            result.closed_at = step.at
            if result.first_response_at is None:
                result.first_response_at = step.at
        elif step.from_status is not None and workflow.is_closed(step.from_status):
            result.closed_at = None  # reopened: a new period starts
            period_start = step.at
    result.department_id = department
    result.due_at = world.due(period_start)
    if result.status is not Status.REFERRED:
        result.referred_to = result.referred_to_name = None
    if result.closed_at is not None and rng.random() < SATISFACTION_SHARE:
        result.survey = _survey(rng, result, result.closed_at, now)


def _survey(rng: random.Random, result: Story, closed_at: datetime, now: datetime) -> Survey | None:
    at = closed_at + _days(rng.uniform(0.05, 10))
    if at > now:
        return None
    ratings = RESOLVED_RATINGS if result.status is Status.RESOLVED else OTHER_RATINGS
    overall = rng.choice(ratings)

    def near() -> int:
        return min(5, max(1, overall + rng.choice((-1, 0, 0, 0, 1))))

    comment = rng.choice(texts.SURVEY_COMMENTS) if rng.random() < 0.25 else ""
    return Survey(at, near(), near(), near(), overall, comment)
