"""No import cycles among the package's modules, function-level imports included.

An import inside a function hides a cycle from Python (it runs later) but not from a
reader: the graph here counts every ``import`` of a ``cchc_engine`` module wherever it
is written (``if TYPE_CHECKING:`` blocks excepted: they never run), and importing
``a.b.c`` counts as importing the packages ``a.b`` too (their ``__init__`` runs)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cchc_engine"


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}

    def targets(module: str, node: ast.AST) -> list[str]:
        package = module.split(".") if mods[module].name == "__init__.py" else module.split(".")[:-1]
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else [])) if node.level else (node.module or "")
            found = []
            for alias in node.names:
                if f"{base}.{alias.name}" in mods:
                    found.append(f"{base}.{alias.name}")
                elif base in mods:
                    found.append(base)
            return found
        return [a.name for a in node.names if a.name in mods]  # type: ignore[attr-defined]

    def walk(module: str, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    walk(module, other)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in targets(module, child):
                    parts = target.split(".")
                    # the packages on the way run their __init__ (the package root aside: every module is in it)
                    for i in range(2, len(parts) + 1):
                        name = ".".join(parts[:i])
                        if name in mods and name != module and not module.startswith(name + "."):
                            graph[module].add(name)
            walk(module, child)

    for module, path in mods.items():
        walk(module, ast.parse(path.read_text(encoding="utf-8")))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    assert sum(len(t) for t in graph.values()) > 100  # the graph is really built
    assert cycles(graph) == []


def test_a_cycle_through_a_function_level_import_is_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    # and the real graph sees imports written inside functions
    assert "cchc_engine.session" in import_graph()["cchc_engine.cli"]
