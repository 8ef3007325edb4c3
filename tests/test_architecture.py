"""The shape of `cleaners/` and `flows/`: no import circles, small modules, no Prefect
in the library, and one import name (`boilerstrip`) for both.

Imports are read from the source with `ast`, every one of them: at the top, inside
functions (a late import is still a circle) and under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from golden import ROOT

MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(top: str = "cleaners") -> dict[str, Path]:
    return {module_name(path): path for path in sorted((ROOT / top).rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of the package that `name` imports (a package's own submodules
    count as imports of them, `from . import x` as an import of `x`)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    found = {module.removeprefix("boilerstrip.") for module in found}  # absolute imports of the installed name
    return {module for module in found if module in known and module != name}


def graph(top: str = "cleaners") -> dict[str, set[str]]:
    found = modules(top)
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle (one path through each strongly connected group)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_the_checker_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    source = "from .b import x\nfrom . import c\nimport cleaners.d\n"
    path = ROOT / "cleaners" / "__probe__.py"
    path.write_text(source, encoding="utf-8")
    try:
        assert imports("cleaners.__probe__", path, {"cleaners.b", "cleaners.c", "cleaners.d"}) == {
            "cleaners.b",
            "cleaners.c",
            "cleaners.d",
        }
    finally:
        path.unlink()


@pytest.mark.parametrize(("top", "at_least"), [("cleaners", 30), ("flows", 20)])
def test_no_import_circles(top: str, at_least: int) -> None:
    edges = graph(top)
    # a package's __init__ may gather its children; a child must not import its package's __init__ back
    assert len(edges) > at_least
    assert cycles(edges) == []


@pytest.mark.parametrize("top", ["cleaners", "flows", "bench"])
def test_no_module_over_400_lines(top: str) -> None:
    long = {name: n for name, path in modules(top).items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_the_library_never_imports_prefect() -> None:
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] in ("prefect", "flows") for n in names), name
                assert not any(n.startswith("boilerstrip.flows") for n in names), name


def test_every_package_folder_installs_under_boilerstrip() -> None:
    """The repository keeps `cleaners/` and `flows/` at the top; pyproject.toml installs
    them as `boilerstrip.cleaners` and `boilerstrip.flows`, one package at a time."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    folders = {
        ".".join(["boilerstrip", *init.parent.relative_to(ROOT).parts])
        for top in ("cleaners", "flows")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert folders <= listed, sorted(folders - listed)
    assert setuptools["package-dir"] == {"boilerstrip.cleaners": "cleaners", "boilerstrip.flows": "flows"}


def test_one_import_name_and_one_copy_of_each_module() -> None:
    """Everything imports through `boilerstrip`; no module loads as a top-level `cleaners`
    or `flows` beside it (a second copy, with classes that are not the same classes)."""
    code = (
        "import sys, boilerstrip, boilerstrip.flows.cli, boilerstrip.flows.flow, boilerstrip.flows.report\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cleaners', 'flows')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
