"""The demo package (`intake.demo`) stays out of production: only the `demo-data` command
imports it, and the web application and the other commands run without loading it. The
command line is a package whose modules never import it back."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "intake"
DEMO_DOOR = PACKAGE / "cli" / "demo.py"

# In a fresh interpreter: the application as gunicorn loads it, a few public pages, and
# the commands an operator runs (`init --no-demo` migrates, so the pages have a database).
PROBE = """
import json, sys
import wsgi

app = wsgi.app
runner = app.test_cli_runner()
ran = {
    args[1]: runner.invoke(args=args).exit_code
    for args in (["intake", "init", "--no-demo"], ["intake", "stats-check"],
                 ["intake", "audit-verify"], ["intake", "--help"])
}
client = app.test_client()
pages = {path: client.get(path).status_code for path in ("/", "/track", "/stats", "/guide")}
print(json.dumps({
    "ran": ran,
    "pages": pages,
    "demo_modules": sorted(name for name in sys.modules if name.startswith("intake.demo")),
}))
"""


def _imports(path: Path) -> list[tuple[str, set[str]]]:
    """Every import of a file, at the top or inside a function: (module, names taken)."""
    found: list[tuple[str, set[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, set()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, {alias.name for alias in node.names}))
    return found


def _reaches_demo(module: str, names: set[str]) -> bool:
    if module == "intake":
        return "demo" in names
    return module == "intake.demo" or module.startswith("intake.demo.")


def _sources() -> list[Path]:
    return [*sorted(PACKAGE.rglob("*.py")), REPO / "wsgi.py", REPO / "config.py"]


def test_only_the_demo_command_imports_the_demo_package() -> None:
    importers = {
        path.relative_to(REPO).as_posix()
        for path in _sources()
        if not path.is_relative_to(PACKAGE / "demo")
        and any(_reaches_demo(module, names) for module, names in _imports(path))
    }
    assert importers == {DEMO_DOOR.relative_to(REPO).as_posix()}


def _allowed_from_the_command_line(path: Path) -> set[str] | None:
    """What a module may import of `intake.cli` (None: anything)."""
    if path == PACKAGE / "__init__.py":
        return {"intake.cli"}  # the application factory attaches the group
    if path == PACKAGE / "console.py":
        return {"intake.cli"}  # the installed `intake` command lists the group
    if path == PACKAGE / "cli" / "__init__.py":
        return None  # it gathers the commands
    if path.parent == PACKAGE / "cli" and path.name != "common.py":
        # A command module may use the shared helpers; `init` reaches the demo reference
        # data through the demo command's module, and ends with the deployment check.
        return {"intake.cli.common", "intake.cli.demo", "intake.cli.check"}
    return set()


def test_nothing_imports_the_command_package_back() -> None:
    # Given every module of the application, then only the group's own __init__ imports
    # the command modules, and no command module imports the group
    assert (PACKAGE / "cli" / "__init__.py").exists()
    for path in sorted(PACKAGE.rglob("*.py")):
        allowed = _allowed_from_the_command_line(path)
        if allowed is None:
            continue
        from_cli = {
            module
            for module, _names in _imports(path)
            if module == "intake.cli" or module.startswith("intake.cli.")
        }
        where = path.relative_to(REPO)
        assert from_cli <= allowed, f"{where} imports {sorted(from_cli - allowed)}"


def test_the_application_and_its_other_commands_never_load_the_demo_package(
    tmp_path: Path,
) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "INTAKE_ENV": "development",
        "INTAKE_INSTANCE_PATH": str(tmp_path / "instance"),
        "INTAKE_CUSTODIAN_PASSPHRASE": "a passphrase for the probe",
    }
    done = subprocess.run(  # noqa: S603 (our own interpreter and probe)
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["ran"] == {"init": 0, "stats-check": 0, "audit-verify": 0, "--help": 0}
    assert found["pages"] == {"/": 200, "/track": 200, "/stats": 200, "/guide": 200}
    assert found["demo_modules"] == []
