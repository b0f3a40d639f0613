"""No import circle in the package: the arrows between our modules go one way.

The graph is built from the source with ``ast``: every ``import`` and ``from ... import``
anywhere in a module, inside functions and under ``if TYPE_CHECKING:`` too (a deferred or
type-only import is still an arrow a reader has to follow both ways).  Nodes are the
modules of ``disseminator/`` and ``channels/``; ``from pkg import name`` points at the
submodule ``pkg.name`` when there is one, else at ``pkg``.  The implicit import of a
package's ``__init__`` when one of its submodules is imported is left out: with it, every
package that re-exports its own submodules would be a circle.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable
from pathlib import Path

from tests.helpers import REPO

PACKAGES = ("disseminator", "channels")

#: (importer, imported) -> the line numbers of the imports in the importer.
Graph = dict[tuple[str, str], list[int]]


def module_names(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file under ``root/<package>``."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The deepest of ``name`` and its parents that is one of our modules."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def import_graph(root: Path, packages: Iterable[str] = PACKAGES) -> Graph:
    """Every import between our modules, with where it is written."""
    modules = module_names(root, packages)
    graph: Graph = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):  # walks function bodies and TYPE_CHECKING blocks alike
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base_parts = name.split(".") if is_package else name.split(".")[:-1]
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                    base = ".".join(base_parts + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            for target in targets:
                imported = _known(target, modules)
                if imported is not None and imported != name:
                    graph.setdefault((name, imported), []).append(node.lineno)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """One circle (``[a, b, ..., a]``) per group of modules that import each other."""
    edges = _edges(graph)
    return [_circle_in(group, edges) for group in circle_groups(graph)]


def _edges(graph: Graph) -> dict[str, list[str]]:
    edges: dict[str, list[str]] = {}
    for a, b in sorted(graph):
        edges.setdefault(a, []).append(b)
        edges.setdefault(b, [])
    return edges


def circle_groups(graph: Graph) -> list[list[str]]:
    """The strongly connected groups of more than one module (each one reaches all others)."""
    edges = _edges(graph)
    # Tarjan's algorithm, iterative so a deep graph cannot hit the recursion limit.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def _circle_in(group: list[str], edges: dict[str, list[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    first, members = group[0], set(group)
    paths = {first: [first]}
    queue = [first]
    while queue:
        node = queue.pop(0)
        for child in edges[node]:
            if child == first:
                return paths[node] + [first]
            if child in members and child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    raise AssertionError(f"no circle found in {group}")  # cannot happen in a strongly connected group


def describe(circle: list[str], graph: Graph, modules: dict[str, Path], root: Path) -> str:
    steps = []
    for a, b in zip(circle, circle[1:]):
        where = modules[a].relative_to(root)
        lines = ",".join(str(n) for n in sorted(set(graph[(a, b)])))
        steps.append(f"  {a} -> {b}   ({where}:{lines})")
    return " -> ".join(circle) + "\n" + "\n".join(steps)


# --------------------------------------------------------------------------- the package


def test_the_graph_sees_our_imports() -> None:
    """The graph is not empty by mistake: imports known to exist are in it."""
    graph = import_graph(REPO)
    assert ("disseminator.worker", "disseminator.registry") in graph  # from .registry import
    assert ("disseminator.registry", "channels.base") in graph  # from channels.base import
    assert ("disseminator.sandbox.server", "disseminator.sandbox.app") in graph
    assert ("disseminator.sandbox.x", "channels.text") in graph  # inside a function


def test_no_import_circle_in_the_package() -> None:
    graph = import_graph(REPO)
    modules = module_names(REPO, PACKAGES)
    groups = circle_groups(graph)
    edges = _edges(graph)
    report = "\n\n".join(
        describe(_circle_in(group, edges), graph, modules, REPO) + f"\n  (all modules in this circle: {', '.join(group)})"
        for group in groups
    )
    assert not groups, f"{len(groups)} import circle(s):\n\n{report}"


# --------------------------------------------------------------------------- the checker itself


def _package(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


def test_the_checker_finds_circles_through_deferred_and_type_only_imports(tmp_path: Path) -> None:
    _package(tmp_path, {
        "pkg/__init__.py": "from pkg.a import A\n",
        "pkg/a.py": """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from pkg.b import B
            class A: ...
        """,
        "pkg/b.py": """
            def late():
                from . import c
        """,
        "pkg/c.py": "from .a import A\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/d.py": "from ..e import thing\n",
        "pkg/e.py": "import pkg.sub.d\nthing = 1\n",
        "pkg/f.py": "import os\nfrom pkg import a\n",
    })
    graph = import_graph(tmp_path, ["pkg"])
    assert graph[("pkg.a", "pkg.b")] == [4] and ("pkg.b", "pkg.c") in graph and ("pkg.f", "pkg.a") in graph
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"], ["pkg.e", "pkg.sub.d", "pkg.e"]]
    modules = module_names(tmp_path, ["pkg"])
    assert "pkg.a -> pkg.b   (pkg/a.py:4)" in describe(cycles(graph)[0], graph, modules, tmp_path)


def test_the_checker_passes_a_package_that_imports_its_submodules(tmp_path: Path) -> None:
    _package(tmp_path, {
        "pkg/__init__.py": "from pkg import a, b\nfrom .a import A\n",
        "pkg/a.py": "from pkg.b import B\nclass A: ...\n",
        "pkg/b.py": "class B: ...\n",
    })
    graph = import_graph(tmp_path, ["pkg"])
    assert set(graph) == {("pkg", "pkg.a"), ("pkg", "pkg.b"), ("pkg.a", "pkg.b")}
    assert cycles(graph) == []
