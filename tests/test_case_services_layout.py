"""The case services keep one subject each: who may see a case is asked of one module
(``services.visibility``), what a role may do is asked of the permission table, and no
case module grows past about 400 lines."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case, CaseKind, Department, Role, User
from intake.permissions import ROLE_PERMISSIONS, Permission, has_permission
from intake.services import queue
from intake.services.case_work import available_actions
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.workflow import Action

ROOT = Path(__file__).resolve().parent.parent
INTAKE = ROOT / "intake"
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)

# The modules that hold the case services and their staff pages.
CASE_MODULES = (
    "permissions.py",
    "services/visibility.py",
    "services/queue.py",
    "services/case_reading.py",
    "services/case_work.py",
    "services/case_actions.py",
    "services/case_links.py",
    "services/filing.py",
    "services/public_status.py",
    "staff/cases.py",
    "staff/case_forms.py",
    "staff/queue.py",
    "staff/queue_forms.py",
)
MAX_LINES = 400
VISIBILITY = "intake.services.visibility"
# The rule's public names; no other module may hand them on.
VISIBILITY_RULE = {"may_view", "scope", "not_excluded", "is_excluded", "excluded_user_ids"}


def _python_files() -> Iterator[Path]:
    for folder in ("intake", "tests", "bench", "security"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def _imports_from(path: Path) -> Iterator[tuple[str, ast.alias]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias


def test_every_case_module_stays_under_about_400_lines() -> None:
    # Given the case modules
    # Then none has grown past the size at which the house splits a module
    sizes = {
        name: len((INTAKE / name).read_text(encoding="utf-8").splitlines()) for name in CASE_MODULES
    }
    assert {name: size for name, size in sizes.items() if size > MAX_LINES} == {}


def test_the_visibility_rule_is_imported_only_from_its_own_module() -> None:
    # Given every import in the application, its tests, the benchmarks and the scans
    wrong = [
        f"{path.relative_to(ROOT)}: {alias.name} from {module}"
        for path in _python_files()
        for module, alias in _imports_from(path)
        if alias.name in VISIBILITY_RULE and module.startswith("intake") and module != VISIBILITY
    ]
    renamed = [
        f"{path.relative_to(ROOT)}: {alias.name} as {alias.asname}"
        for path in _python_files()
        for module, alias in _imports_from(path)
        if module == VISIBILITY and alias.asname and alias.asname.startswith("_")
    ]
    # Then the rule comes from services.visibility, under its own public names, and the
    # queue no longer hands it on
    assert wrong == []
    assert renamed == []
    assert not hasattr(queue, "may_view")


def _actor_role_checks(path: Path) -> Iterator[int]:
    """Lines comparing ``actor.role`` with a collection of roles (``in``, ``not in``)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare) or not isinstance(node.left, ast.Attribute):
            continue
        left = node.left
        if left.attr == "role" and isinstance(left.value, ast.Name) and left.value.id == "actor":
            if any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
                yield node.lineno


def test_what_an_actor_may_do_is_asked_of_the_permission_table() -> None:
    # Given every module of the application but the table itself
    checks = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted(INTAKE.rglob("*.py"))
        if path.name != "permissions.py"
        for line in _actor_role_checks(path)
    ]
    # Then none keeps its own set of roles that may act
    assert checks == []


def test_moving_a_complaint_to_the_tip_channel_is_a_permission_of_the_desk_and_legal() -> None:
    granted = {
        role for role, held in ROLE_PERMISSIONS.items() if Permission.CASES_MOVE_TO_TIP in held
    }
    assert granted == {Role.INTAKE, Role.LEGAL}


def test_the_case_page_offers_the_move_to_tip_as_the_table_says(app: Flask) -> None:
    # Given a new complaint routed to a department, and an officer of every working role
    with app.app_context():
        department = db.session.scalars(select(Department).where(Department.active)).first()
        assert department is not None
        people = [
            User(
                username=f"mover-{role.value}",
                display_name=role.value,
                role=role,
                password_hash="!",
                department_id=department.id if role is Role.DEPARTMENT else None,
            )
            for role in (Role.INTAKE, Role.LEGAL, Role.DEPARTMENT)
        ]
        db.session.add_all(people)
        db.session.commit()
        filed = file_case(
            db.session,
            current_keyring(),
            Path(app.config["INTAKE_UPLOADS_PATH"]),
            FilingInput(kind=CaseKind.COMPLAINT, subject="ถนนชำรุด", details="หลุมใหญ่หน้าตลาด"),
            NOW,
        )
        case = db.session.get(Case, filed.case_id)
        assert case is not None
        case.department_id = department.id
        db.session.commit()

        # When each asks what the case page offers
        offered = {
            person.role: Action.MOVE_TO_TIP in available_actions(person, case) for person in people
        }

        # Then the move is offered exactly to the roles the table grants it
        assert offered == {
            person.role: has_permission(person.role, Permission.CASES_MOVE_TO_TIP)
            for person in people
        }
        assert offered[Role.INTAKE] and offered[Role.LEGAL] and not offered[Role.DEPARTMENT]
