"""The code's shape: every module of ``intake`` imports on its own, no two modules import
each other (even through others, even inside a function), no run of more than ten
near-identical lines stands in two places, and the choices made once stay made once
(the Thai or English name, the one door to ``cryptography``, modules of a readable size).

The allow-lists of known cycles, repeats and long modules are empty: the code passes
every check as it stands. A new entry needs a reason given beside it, and a plan to
remove it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.support.code_shape import (
    FRESH_IMPORTS,
    cycles,
    import_graph,
    libraries,
    module_names,
    one_cycle,
    repeated_runs,
)

REPO = Path(__file__).resolve().parents[1]


PACKAGE = "intake"
MODULES = module_names(REPO, PACKAGE)

# Import cycles known when this test came. A cycle passes when all its modules are named
# in one entry (a module name, or a package name ending in "." for all of its modules).
KNOWN_CYCLES: list[tuple[str, ...]] = []

# Pairs of files that share a run of more than ten near-identical lines, each with its
# reason; none is known.
KNOWN_REPEATS: set[tuple[str, str]] = set()

# Modules over the size a reader takes in at once, each with its reason; none is known: a
# module that grows past it is split where a seam shows.
MAX_LINES = 400
KNOWN_LONG: set[str] = set()


def _fresh_import_failures(root: Path, package: str, report: Path) -> dict[str, str]:
    report.mkdir()
    own = (package, "config", "wsgi")
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "INTAKE_ENV": "development",
        "INTAKE_INSTANCE_PATH": str(report.parent / "instance"),
    }
    arguments = [package, str(report), *libraries(module_names(root, package), own)]
    subprocess.run(  # noqa: S603  (our own interpreter, our own probe)
        [sys.executable, "-c", FRESH_IMPORTS, *arguments],
        cwd=root,
        env=environ,
        check=True,
        timeout=600,
    )
    assert (report / "done").exists(), "the probe stopped before the end"
    return {path.name: path.read_text() for path in report.iterdir() if path.name != "done"}


def test_every_module_imports_on_its_own_in_a_fresh_interpreter(tmp_path: Path) -> None:
    failures = _fresh_import_failures(REPO, PACKAGE, tmp_path / "report")
    assert not failures, "\n\n".join(f"{name}:\n{trace}" for name, trace in failures.items())


def test_the_fresh_import_probe_finds_a_module_that_fails_only_when_imported_first(
    tmp_path: Path,
) -> None:
    # Given a module that imports fine after its neighbour, and not on its own
    package = tmp_path / "shapes_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("import shapes_probe.second\nVALUE = 1\n")
    (package / "second.py").write_text("from shapes_probe.first import VALUE\n")
    # When the probe imports each on its own
    failures = _fresh_import_failures(tmp_path, "shapes_probe", tmp_path / "report")
    # Then the first fails, and only the first
    assert set(failures) == {"shapes_probe.first"}
    assert "ImportError" in failures["shapes_probe.first"]


def _named_in(member: str, entry: tuple[str, ...]) -> bool:
    return any(
        member == name or (name.endswith(".") and f"{member}.".startswith(name)) for name in entry
    )


def _known_cycle(group: list[str]) -> bool:
    return any(all(_named_in(member, entry) for member in group) for entry in KNOWN_CYCLES)


def test_no_import_cycle_among_the_modules() -> None:
    graph = import_graph(MODULES)
    new = [group for group in cycles(graph) if not _known_cycle(group)]
    assert not new, "import cycles:\n" + "\n".join(
        " → ".join(one_cycle(graph, group)) + f"  (all of: {', '.join(group)})" for group in new
    )


def test_the_cycle_finder_sees_imports_inside_functions(tmp_path: Path) -> None:
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "__init__.py").write_text("")
    (tmp_path / "loop" / "a.py").write_text("from loop import b\n")
    (tmp_path / "loop" / "b.py").write_text("def late():\n    from loop.a import x\n")
    (tmp_path / "loop" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from loop import a\n"
    )
    graph = import_graph(module_names(tmp_path, "loop"))
    assert cycles(graph) == [["loop.a", "loop.b"]]
    assert one_cycle(graph, ["loop.a", "loop.b"]) == ["loop.a", "loop.b", "loop.a"]


def _sources() -> dict[str, str]:
    folder = REPO / PACKAGE
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*.py"))
    }


def test_no_run_of_more_than_ten_near_identical_lines() -> None:
    runs = [
        run
        for run in repeated_runs(_sources(), min_lines=11)
        if (run.path, run.other_path) not in KNOWN_REPEATS
    ]
    assert not runs, "near-identical runs (make one piece of code serve both):\n" + "\n".join(
        map(str, runs)
    )


def _calls(name: str, value: str, count: int) -> str:
    """``count`` lines of different shapes (each call has one argument more)."""
    return "".join(
        f"    {name}_{i} = source.{name}({', '.join([value] * (i + 1))})\n" for i in range(count)
    )


def test_the_repeat_finder_sees_the_same_shape_under_other_names() -> None:
    # Given twelve lines of one shape each, under other names, strings and comments
    one = "def one(source):\n" + _calls("alpha", "'x'", 12)
    two = "import os\n\n\ndef two(source):  # renamed\n" + _calls("beta", '"y"', 12)
    # Then they are one run of 13 lines, and a run of 14 is not there
    runs = repeated_runs({"one.py": one, "two.py": two}, min_lines=11)
    assert [str(run) for run in runs] == ["one.py:1-13 ~ two.py:4-16"]
    assert repeated_runs({"one.py": one, "two.py": two}, min_lines=14) == []


def test_the_repeat_finder_counts_a_table_of_literals_as_data_and_code_as_code() -> None:
    # Given two tables keyed alike (a key given a translated literal, records of literals)
    entries = "".join(f"    Problem.P{i}: _l('x', max=LIMIT),\n" for i in range(12))
    records = "".join(f"    Record('a{i}', ('b',), weight=2.5),\n" for i in range(12))
    one = "MESSAGES = {\n" + entries + "}\nTOPICS = (\n" + records + ")\n"
    two = "NOTICES = {\n" + entries + "}\nAREAS = [\n" + records + "]\n"
    # And two functions of calls on names
    code = "def f(source):\n" + _calls("alpha", "x", 12)
    # Then the tables are no run, and the code still is
    assert repeated_runs({"one.py": one, "two.py": two}, min_lines=11) == []
    runs = repeated_runs({"one.py": one + code, "two.py": two + code}, min_lines=11)
    assert [str(run) for run in runs] == ["one.py:29-41 ~ two.py:29-41"]


# The Thai-or-English choice, written out instead of going through intake.local_names.
NAME_CHOICE = re.compile(r"english\)?\s+and\s+[\w.]+_en\b|\b[\w.]+_en\s+or\s+[\w.]+_th\b")


def test_the_thai_or_english_name_is_chosen_in_one_place() -> None:
    places = [
        *(REPO / PACKAGE).rglob("*.py"),
        *(REPO / "templates").rglob("*.html"),
    ]
    written_out = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in places
        if path.name != "local_names.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if NAME_CHOICE.search(line)
    ]
    assert not written_out, "use local_name / in_language:\n" + "\n".join(written_out)


def test_only_the_crypto_package_imports_cryptography() -> None:
    outside = [
        name
        for name, path in MODULES.items()
        if name != "intake.crypto"
        and not name.startswith("intake.crypto.")
        and any(
            library.partition(".")[0] == "cryptography"
            for library in libraries({name: path}, (PACKAGE,))
        )
    ]
    assert not outside, f"cryptography imported outside intake/crypto/: {outside}"


def test_modules_stay_a_readable_size() -> None:
    long = {
        name
        for name, source in _sources().items()
        if source.count("\n") > MAX_LINES and name not in KNOWN_LONG
    }
    assert not long, f"modules over {MAX_LINES} lines (split them where a seam shows): {long}"
