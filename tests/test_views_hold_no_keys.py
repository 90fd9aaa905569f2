"""Only services hold keys: no module of the public or staff blueprint imports the
cryptography module or the ``cryptography`` library. Sealing, opening and decrypting go
through a service, and the running keyring itself is fetched from one
(``intake.services.keyring``), which the imports then show."""

from __future__ import annotations

import ast
from pathlib import Path

import intake

PACKAGE = Path(intake.__file__).parent
VIEW_PACKAGES = ("public", "staff")
# Modules that open or seal with a key; a view reaches them only through a service.
KEY_HOLDERS = ("intake.crypto", "cryptography")


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module an ``import`` or ``from … import`` names, with ``from intake import
    crypto`` counted as ``intake.crypto``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _holds_keys(module: str) -> bool:
    return any(module == held or module.startswith(held + ".") for held in KEY_HOLDERS)


def key_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
        for line, module in _imported_modules(tree)
        if _holds_keys(module)
    ]


def test_no_view_module_imports_what_holds_keys() -> None:
    # Given every module of the two blueprints
    modules = [path for name in VIEW_PACKAGES for path in sorted((PACKAGE / name).rglob("*.py"))]
    assert len(modules) > 20

    # When their imports are read
    offending = [line for path in modules for line in key_imports(path)]

    # Then none reaches the keys but through a service
    assert offending == []


def test_the_walk_sees_each_way_of_importing(tmp_path: Path) -> None:
    # Given a module that imports the cryptography module in every spelling
    source = (
        "from intake import crypto\n"
        "import intake.crypto\n"
        "from intake.crypto import seal_token\n"
        "from cryptography.hazmat.primitives import hashes\n"
        "def later():\n"
        "    from intake.crypto import open_token\n"
        "from intake.services import public_tokens\n"
        "from intake.services.keyring import current_keyring\n"
    )
    copy = tmp_path / "sample.py"
    copy.write_text(source, encoding="utf-8")

    # When the same walk reads it
    tree = ast.parse(copy.read_text(encoding="utf-8"))
    flagged = sorted({module for _, module in _imported_modules(tree) if _holds_keys(module)})

    # Then each spelling is caught, and a service import is not
    assert flagged == [
        "cryptography.hazmat.primitives",
        "cryptography.hazmat.primitives.hashes",
        "intake.crypto",
        "intake.crypto.open_token",
        "intake.crypto.seal_token",
    ]


# The reveal screens touch the most sensitive rows: their views only parse forms, call a
# service and render, so the services' rules and audit cannot be stepped around there.
THIN_VIEWS = ("staff/reveals.py", "staff/reveal_forms.py")


def session_work(path: Path) -> list[str]:
    """Every ``db.session.<something>`` use and every SQLAlchemy import in ``path``;
    handing ``db.session`` itself to a service is not one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "session"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "db"
        ):
            found.append(f"{path.name}:{node.lineno} db.session.{node.attr}")
    found += [
        f"{path.name}:{line} imports {module}"
        for line, module in _imported_modules(tree)
        if module.split(".")[0] == "sqlalchemy"
    ]
    return found


def test_the_reveal_views_query_and_commit_nothing_themselves() -> None:
    views = [PACKAGE / name for name in THIN_VIEWS]
    assert all(path.exists() for path in views)
    assert [line for path in views for line in session_work(path)] == []
