"""What demo cases are drawn from: the organisation's categories, departments, staff and
deadline settings, read once by the loader and handed (picklable) to every batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from intake import deadlines, thaidate
from intake.demo import topics
from intake.demo.topics import Topic
from intake.models import CaseKind


@dataclass(frozen=True)
class CategoryRef:
    id: int
    department_id: int | None
    topics: tuple[Topic, ...]
    weight: float
    rainy_weight: float


@dataclass
class Staff:
    """User ids that act on demo cases; empty lists leave the actor unnamed."""

    intake: list[int] = field(default_factory=list)
    legal: list[int] = field(default_factory=list)
    by_department: dict[int, list[int]] = field(default_factory=dict)


class DueCalendar:
    """``deadlines.due_at`` under the organisation's settings, cached per Bangkok day
    (the due date depends on the day alone; working-day mode is slow per call)."""

    def __init__(self, mode: deadlines.CountingMode, extra: Sequence[date], days: int) -> None:
        self._mode, self._extra, self._days = mode, frozenset(extra), days
        self._due: dict[date, datetime] = {}
        self._working: dict[date, bool] = {}

    def __call__(self, start: datetime) -> datetime:
        day = thaidate.local_date(start)
        due = self._due.get(day)
        if due is None:
            due = self._due[day] = deadlines.due_at(start, self._mode, self._extra, self._days)
        return due

    def working(self, day: date) -> bool:
        found = self._working.get(day)
        if found is None:
            found = self._working[day] = deadlines.is_working_day(day, self._extra)
        return found


@dataclass(frozen=True)
class World:
    categories: dict[CaseKind, list[CategoryRef]]
    departments: list[int]
    staff: Staff
    due: DueCalendar


def category_refs(
    rows: Sequence[tuple[int, CaseKind, str, int | None]],
) -> dict[CaseKind, list[CategoryRef]]:
    """Active categories with their topics: (id, kind, Thai name, department id) rows."""
    refs: dict[CaseKind, list[CategoryRef]] = {kind: [] for kind in CaseKind}
    for category_id, kind, name_th, department_id in rows:
        matching = tuple(t for t in topics.topics(kind) if t.category == name_th)
        chosen = matching or (topics.GENERIC[kind],)
        weight = sum(t.weight for t in chosen) / len(chosen)
        rainy = weight * (2.0 if any(t.rainy for t in chosen) else 1.0)
        refs[kind].append(CategoryRef(category_id, department_id, chosen, weight, rainy))
    return refs
