"""The case page's panel of linked cases and possible duplicates: what this person may see
and do there (the routes that act on it are in ``intake.staff.case_links``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from intake.extensions import db
from intake.models import Case
from intake.permissions import WORK_PERMISSION, has_permission
from intake.services import case_links, duplicates
from intake.services.keyring import current_keyring
from intake.services.visibility import may_view


class LinkForm(FlaskForm):
    reference = StringField(
        _l("เลขที่เรื่องหลัก"),
        validators=[
            DataRequired(_l("โปรดระบุเลขที่เรื่องหลัก")),
            Length(max=40, message=_l("เลขที่เรื่องยาวเกินไป")),
        ],
    )


class UnlinkForm(FlaskForm):
    pass


@dataclass(frozen=True)
class LinksPanel:
    primary: Case | None
    linked: list[Case]
    suggestions: list[duplicates.Suggestion]
    link_form: LinkForm | None  # None: this person may not link this case
    unlink_form: UnlinkForm | None


def panel(case: Case, posted: LinkForm | None = None) -> LinksPanel:
    session = db.session
    primary = session.get(Case, case.primary_case_id) if case.primary_case_id else None
    if primary is not None and not may_view(current_user, primary):
        primary = None
    linked = [c for c in case_links.followers(session, case.id) if may_view(current_user, c)]
    may_work = has_permission(current_user.role, WORK_PERMISSION[case.kind])
    workable = may_work and case.contents_purged_at is None
    suggestions = (
        duplicates.possible_duplicates(session, current_keyring(), current_user, case)
        if workable and case.primary_case_id is None
        else []
    )
    return LinksPanel(
        primary=primary,
        linked=linked,
        suggestions=suggestions,
        link_form=(posted or LinkForm()) if workable and primary is None else None,
        unlink_form=UnlinkForm() if may_work and primary is not None else None,
    )
