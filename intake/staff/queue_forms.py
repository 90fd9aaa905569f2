"""The staff queue's filters (a GET form): what is typed is kept, and a choice the form
does not know is ignored rather than refused."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from intake.deadlines import DeadlineState
from intake.labels import CHANNEL, DEADLINE, KIND, STATUS
from intake.models import CaseKind, Channel
from intake.services.queue import (
    DEFAULT_STATUS,
    STATUS_ANY,
    STATUS_CLOSED,
    STATUS_OPEN,
    QueueFilters,
    Sort,
)
from intake.staff.case_forms import options, typed_date
from intake.workflow import Status

ANY = ("", _l("ทั้งหมด"))


class QueueFilterForm(FlaskForm):
    """The queue's GET filters; unknown choices are ignored rather than refused."""

    class Meta:
        csrf = False

    reference = StringField(_l("เลขที่เรื่อง (ทั้งหมดหรือส่วนต้น)"), validators=[Length(max=40)])
    kind = SelectField(_l("ประเภท"), validate_choice=False)
    status = SelectField(_l("สถานะ"), validate_choice=False)
    deadline = SelectField(_l("กำหนดเวลา"), validate_choice=False)
    department = SelectField(_l("หน่วยงาน"), validate_choice=False)
    category = SelectField(_l("หมวดเรื่อง"), validate_choice=False)
    channel = SelectField(_l("ช่องทาง"), validate_choice=False)
    received_from = StringField(_l("รับเรื่องตั้งแต่วันที่"), validators=[Length(max=40)])
    received_to = StringField(_l("ถึงวันที่"), validators=[Length(max=40)])
    sort = SelectField(
        _l("เรียงตาม"),
        choices=options(
            [(Sort.DUE.value, _l("ใกล้ครบกำหนดก่อน")), (Sort.NEWEST.value, _l("รับเรื่องล่าสุดก่อน"))]
        ),
        validate_choice=False,
    )

    def set_choices(
        self,
        kinds: list[CaseKind],
        departments: list[tuple[object, Any]],
        categories: list[tuple[object, Any, Any]],
    ) -> None:
        self.kind.choices = options([ANY] + [(k.value, KIND[k]) for k in kinds])
        self.status.choices = options(
            [
                ("", _l("ยังไม่เสร็จ")),  # the default: see chosen_status
                (STATUS_CLOSED, _l("เสร็จ/ยุติแล้ว")),
                (STATUS_ANY, _l("ทั้งหมด (รวมที่ปิดแล้ว)")),
            ]
            + [(s.value, STATUS[s]) for s in Status]
        )
        self.deadline.choices = options(
            [ANY] + [(d.value, DEADLINE[d]) for d in DeadlineState if d in DEADLINE]
        )
        self.department.choices = options([ANY] + departments)
        # Grouped by channel when both are offered: their categories differ.
        grouped = len(kinds) > 1
        self.category.choices = options([ANY]) + [
            SelectChoice(str(value), label, optgroup=str(group) if grouped else None)
            for value, label, group in categories
        ]
        self.channel.choices = options([ANY] + [(c.value, CHANNEL[c]) for c in Channel])

    def validate_received_from(self, field: Field) -> None:
        typed_date(field)

    def validate_received_to(self, field: Field) -> None:
        typed_date(field)

    def chosen_status(self) -> str:
        """The status filter: open cases unless another (or "all") was chosen. A case
        looked up by its reference is found whatever its status."""
        status = self.status.data or ""
        known = {STATUS_OPEN, STATUS_CLOSED, *(s.value for s in Status)}
        if status == STATUS_ANY or (not status and (self.reference.data or "").strip()):
            return ""
        return status if status in known else DEFAULT_STATUS

    def active_filters(self) -> int:
        """How many filters narrow the list beyond the default (for the toggle's label)."""
        fields = (
            self.reference, self.kind, self.deadline, self.department, self.category,
            self.channel, self.received_from, self.received_to,
        )  # fmt: skip
        narrowed = sum(1 for f in fields if f.data)
        return narrowed + (self.status.data not in (None, "", DEFAULT_STATUS))

    def filters(self) -> QueueFilters:
        """The filters as the service takes them; call after a successful validate()."""

        def choice(value: str | None, allowed: type) -> object:
            try:
                return allowed(value) if value else None
            except ValueError:
                return None

        def number(value: str | None) -> int | None:
            return int(value) if value and value.isdigit() else None

        return QueueFilters(
            kind=choice(self.kind.data, CaseKind),  # type: ignore[arg-type]
            status=self.chosen_status(),
            department_id=number(self.department.data),
            category_id=number(self.category.data),
            channel=choice(self.channel.data, Channel),  # type: ignore[arg-type]
            deadline=choice(self.deadline.data, DeadlineState),  # type: ignore[arg-type]
            received_from=typed_date(self.received_from),
            received_to=typed_date(self.received_to),
            reference=self.reference.data or "",
            sort=Sort.NEWEST if self.sort.data == Sort.NEWEST.value else Sort.DUE,
        )
