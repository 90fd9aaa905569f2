"""Readers of the code's shape for ``test_code_shape``: the modules of a package, the import
graph and its cycles, and runs of near-identical lines. They read files as text (``ast``,
``tokenize``) and run nothing, except ``FRESH_IMPORTS``, the probe run in its own
interpreter."""

from __future__ import annotations

import ast
import io
import keyword
import tokenize
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Run as ``python -c FRESH_IMPORTS <package> <report folder> [library…]`` from the project
# root, in an interpreter that has imported nothing of the package; the libraries named
# (outside the package) are imported first, once. Each module is imported in a
# process forked from the state a fresh ``import`` of it passes through first (its parent
# packages imported, nothing else of the package), which is what a fresh interpreter
# would do, without paying again for the parents' imports. A module that fails writes its
# traceback to ``<report folder>/<module>``; its submodules are then not tried.
FRESH_IMPORTS = r"""
import importlib, os, sys, traceback
from pathlib import Path

package, report = sys.argv[1], Path(sys.argv[2])
names = []
for path in sorted(Path(package).rglob("*.py")):
    parts = list(path.with_suffix("").parts)
    names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
for library in sys.argv[3:]:
    importlib.import_module(library)

def visit(name):
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            (report / name).write_text(traceback.format_exc())
            os._exit(1)
        for child in names:
            if child.rpartition(".")[0] == name:
                visit(child)
        os._exit(0)
    os.waitpid(pid, 0)

visit(package)
(report / "done").write_text(str(len(names)))
"""


def libraries(modules: dict[str, Path], own: tuple[str, ...]) -> list[str]:
    """The modules outside ``own`` (top-level names) that ``modules`` import anywhere."""
    found = set()
    for path in modules.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module)
    return sorted(name for name in found if name.partition(".")[0] not in own)


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` (a folder under ``root``) by its dotted name."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


# --- the import graph ------------------------------------------------------------------


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that can run, at module level or inside a function; those under
    ``if TYPE_CHECKING:`` never run and make no cycle."""
    for node in ast.iter_child_nodes(tree):
        if _type_checking_only(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports(node)


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports (by name, as Python would
    find them: ``from a import b`` is the module ``a.b`` when there is one, else ``a``)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        edges = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = name.split(".")
                    anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            edges.update(target for target in targets if target in modules and target != name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def one_cycle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A path round the group, for the failure message: a → b → … → a."""
    members = set(group)
    path = [group[0]]
    seen = {group[0]}
    while True:
        step = sorted(graph[path[-1]] & members)
        back = [target for target in step if target in seen]
        if back:
            return [*path[path.index(back[0]) :], back[0]]
        path.append(step[0])
        seen.add(step[0])


# --- near-identical runs of lines -------------------------------------------------------

# Runs are grown from windows of SEED_LINES lines; a window that stands in more places
# than TOO_COMMON is a shape too common to mean anything (a list of strings, a table of
# constants) and grows no run. Both are the ``duplicates`` tool's own numbers, so that
# this check and the tool agree.
SEED_LINES = 6
TOO_COMMON = 8


def _literal(node: ast.expr | None, names: bool = False) -> bool:
    """A value written out as data: a literal, a translated literal (``_l("…")``), a
    record or collection of literals; where ``names``, also a name a literal stands for
    (``Problem.X`` as a key, ``max=LIMIT`` as a keyword)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name | ast.Attribute):
        return names
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(_literal(item) for item in node.elts)
    if isinstance(node, ast.Dict):
        pairs = zip(node.keys, node.values, strict=True)
        return all(_literal(key, names=True) and _literal(value) for key, value in pairs)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
        return all(_literal(item) for item in node.args) and all(
            _literal(keyword.value, names=True) for keyword in node.keywords
        )
    return False


def _data_entries(tree: ast.AST) -> Iterator[tuple[ast.expr, ast.expr]]:
    """A table's entries, as (first node, last node): each key and value of a dict, and each
    record or collection in a list, tuple or set, written out as data."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None and _literal(key, names=True) and _literal(value):
                    yield key, value
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            for item in node.elts:
                if not isinstance(item, ast.Constant) and _literal(item):
                    yield item, item


def _data_lines(tree: ast.AST, source_lines: list[str]) -> set[int]:
    """The lines that hold nothing but a table's entries (and the commas and brackets
    around them). Like a name given a literal, an entry is data, not code: two tables
    keyed alike (each problem's message, each topic's wording) are no copy of each other."""
    found: set[int] = set()
    for first, last in _data_entries(tree):
        end = last.end_lineno or last.lineno
        for number in range(first.lineno, end + 1):
            text = source_lines[number - 1]
            starts = number > first.lineno or not text[: first.col_offset].strip()
            ends = number < end or not text[last.end_col_offset or 0 :].strip(" ,)]}\n")
            if starts and ends:
                found.add(number)
    return found


def normalised_lines(source: str) -> list[tuple[int, str]]:
    """Each line that counts, as (line number, shape): names, strings and numbers become
    placeholders, keywords and punctuation stay; comments, blank lines, docstrings,
    imports and the entries of tables written out as data do not count."""
    tree = ast.parse(source)
    skip = _data_lines(tree, source.splitlines())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            skip.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                skip.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    shapes: dict[int, list[str]] = defaultdict(list)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        kind, text, (line, _) = token.type, token.string, token.start
        if line in skip or kind in (
            tokenize.COMMENT,
            tokenize.NL,
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENDMARKER,
        ):
            continue
        if kind == tokenize.NAME and not keyword.iskeyword(text):
            text = "N"
        elif kind == tokenize.STRING or kind in _FSTRING_PARTS:
            text = "S"
        elif kind == tokenize.NUMBER:
            text = "0"
        parts = shapes[line]
        if text == "N" and parts[-2:] == ["N", "."]:
            del parts[-1]  # a dotted name is one name: ``case_id`` ~ ``request.case_id``
            continue
        parts.append(text)
    # A line of nothing but literals and punctuation (an entry of a list of strings, a
    # closing bracket), or a name given a literal (an enum's member, a constant), is data,
    # not code: it counts like a blank one.
    return [
        (line, shape)
        for line, parts in sorted(shapes.items())
        if "N" in parts and (shape := " ".join(parts)) not in ("N = S", "N = 0")
    ]


_FSTRING_PARTS = {
    getattr(tokenize, name)
    for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
    if hasattr(tokenize, name)
}


@dataclass(frozen=True)
class Run:
    """Lines ``first``–``last`` of ``path`` stand again, in shape, at ``other``."""

    path: str
    first: int
    last: int
    other_path: str
    other_first: int
    other_last: int

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.first}-{self.last} ~ "
            f"{self.other_path}:{self.other_first}-{self.other_last}"
        )


def repeated_runs(files: dict[str, str], min_lines: int) -> list[Run]:
    """Runs of at least ``min_lines`` consecutive lines of one shape in two places."""
    lines = {path: normalised_lines(source) for path, source in files.items()}
    places: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
    for path, numbered in lines.items():
        shapes = [shape for _, shape in numbered]
        for start in range(len(shapes) - SEED_LINES + 1):
            places[tuple(shapes[start : start + SEED_LINES])].append((path, start))
    # Which window starts pair with which: (path a, path b, offset) → starts in a.
    pairs: dict[tuple[str, str, int], set[int]] = defaultdict(set)
    for where in places.values():
        if len(where) < 2 or len(where) > TOO_COMMON:
            continue
        for i, (path_a, start_a) in enumerate(where):
            for path_b, start_b in where[i + 1 :]:
                if path_a == path_b and abs(start_a - start_b) < SEED_LINES:
                    continue  # a run overlapping itself (a repeated line) is no copy
                pairs[(path_a, path_b, start_b - start_a)].add(start_a)
    runs = []
    for (path_a, path_b, offset), starts in sorted(pairs.items()):
        ordered = sorted(starts)
        begin = previous = ordered[0]
        for start in [*ordered[1:], None]:
            if start is not None and start == previous + 1:
                previous = start
                continue
            end = previous + SEED_LINES - 1
            a, b = lines[path_a], lines[path_b]
            if end - begin + 1 >= min_lines:
                runs.append(
                    Run(
                        path_a,
                        a[begin][0],
                        a[end][0],
                        path_b,
                        b[begin + offset][0],
                        b[end + offset][0],
                    )
                )
            if start is not None:
                begin = previous = start
    return sorted(set(runs), key=str)
