"""One typed list of the reasons a rule says no (intake.problems), each with a message in
Thai and in English, and no service raising anything else.

Given a Problem, when a screen or a command meets it, then it has words to show; a code
typed by hand anywhere a ServiceError is raised fails here instead of reaching a table as
"unknown error"."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from intake import create_app
from intake.problem_messages import MESSAGE, in_english, say
from intake.problems import Problem
from intake.services import ServiceError

REPO = Path(__file__).resolve().parents[1]
THAI = re.compile(r"[\u0E00-\u0E7F]")
INTAKE = REPO / "intake"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Only the catalogue is read: no database is touched."""
    instance = tmp_path_factory.mktemp("problems") / "instance"
    yield create_app(
        {
            "INTAKE_ENV": "testing",
            "INTAKE_INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'unused.sqlite'}",
        }
    )


@pytest.mark.parametrize("problem", list(Problem), ids=lambda p: p.name)
def test_every_problem_has_a_thai_message_and_an_english_translation(
    app: Flask, problem: Problem
) -> None:
    # Given a problem any screen or command may meet
    assert problem in MESSAGE
    with app.test_request_context("/"):
        # When it is said in Thai and in English (the compiled catalogue)
        with force_locale("th"):
            thai = say(problem)
        with force_locale("en"):
            english = say(problem)
        # Then the Thai is Thai, and the English is there and is not the Thai left as it was
        assert THAI.search(thai), thai
        assert english.strip(), f"{problem.name}: no English"
        assert english != thai
        assert not THAI.search(english), english


def test_commands_fall_back_to_the_english_message(app: Flask) -> None:
    with app.app_context():
        said = in_english(Problem.NO_TWO_FACTOR)
    assert said.startswith("This account has no two-factor sign-in")


def test_a_screen_may_word_a_problem_its_own_way(app: Flask) -> None:
    own = {Problem.CASE_CLOSED: "closed, in this screen's words"}
    with app.test_request_context("/"):
        assert say(Problem.CASE_CLOSED, own) == "closed, in this screen's words"
        assert say(Problem.CASE_PURGED, own) == str(MESSAGE[Problem.CASE_PURGED])


def test_problem_values_are_the_codes_audit_and_logs_have_always_used() -> None:
    # A renamed member keeps its value: stored and logged codes stay the same.
    assert Problem.SIGN_IN_REFUSED == "invalid"
    assert Problem.OWN_ACCOUNT == "self"
    assert Problem.NOT_FOUND.value == "not_found"
    assert len({p.value for p in Problem}) == len(Problem)


def test_a_service_error_takes_only_a_problem() -> None:
    assert ServiceError(Problem.NOT_FOUND).code is Problem.NOT_FOUND
    with pytest.raises(TypeError):
        ServiceError("not_found")  # type: ignore[arg-type]


# --- every raise site names a member ------------------------------------------------------


def _is_service_error(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "ServiceError") or (
        isinstance(func, ast.Attribute) and func.attr == "ServiceError"
    )


def _codes_raised(tree: ast.AST) -> Iterator[tuple[int, str | None, str | None]]:
    """(line, code typed as text, member named) for what each ServiceError(...) is given."""
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and _is_service_error(call.func)):
            continue
        for arg in call.args:
            for node in ast.walk(arg):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    yield call.lineno, node.value, None
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "Problem"
                ):
                    yield call.lineno, None, node.attr


def _refusals(tree: ast.AST) -> list[tuple[int, str]]:
    """Codes that would not reach a message: text (a member's value or not: ServiceError
    refuses text) and names that are no member."""
    found = []
    for line, text, member in _codes_raised(tree):
        if text is not None:
            known = "a member's value, typed" if text in {p.value for p in Problem} else "unknown"
            found.append((line, f"{text!r} ({known})"))
        elif member not in Problem.__members__:
            found.append((line, f"Problem.{member} (no such member)"))
    return found


def _intake_trees() -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted(INTAKE.rglob("*.py")):
        yield path.relative_to(REPO), ast.parse(path.read_text(encoding="utf-8"))


def test_every_code_raised_across_intake_is_a_problem_member() -> None:
    trees = list(_intake_trees())
    raised = sum(1 for _path, tree in trees for _site in _codes_raised(tree))
    assert raised > 100  # the walk really reached the services' raise sites
    refusals = [(str(path), line, what) for path, tree in trees for line, what in _refusals(tree)]
    assert refusals == []


def test_the_walk_catches_a_mistyped_code() -> None:
    source = (
        'raise ServiceError("not_fuond")\n'
        "raise ServiceError(Problem.NOT_FUOND)\n"
        'raise ServiceError("locked" if tried else Problem.WRONG_TWO_FACTOR_CODE)\n'
        "raise ServiceError(Problem.NOT_FOUND)\n"
    )
    assert _refusals(ast.parse(source)) == [
        (1, "'not_fuond' (unknown)"),
        (2, "Problem.NOT_FUOND (no such member)"),
        (3, "'locked' (a member's value, typed)"),
    ]
