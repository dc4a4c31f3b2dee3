"""The shape of the code: the build pipeline imports none of the tools that prepare
content, and no module of the package imports itself back through another."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "explorer"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The explorer modules a file imports, at any depth (lazy imports included)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("explorer")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("explorer"):
                continue
            for alias in node.names:   # `from . import cjk` imports the module explorer.cjk
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _exists(candidate) else target)
    return found - {module}


def _exists(module: str) -> bool:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def test_no_build_module_imports_the_content_tools():
    graph = _graph()
    build_modules = {m for m in graph if not m.startswith("explorer.tools")}
    assert len(build_modules) > 15
    offenders = {m: sorted(i for i in graph[m] if i.startswith("explorer.tools")) for m in build_modules}
    assert {m: i for m, i in offenders.items() if i} == {}
    build_py = _imports(ROOT / "build.py")
    # build.py reaches the tools only inside the commands that run them
    top_level = ast.parse((ROOT / "build.py").read_text(encoding="utf-8")).body
    assert not [n for n in top_level if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("explorer.tools")]
    assert any(i.startswith("explorer.tools") for i in build_py)


def test_there_is_no_import_circle():
    graph = _graph()
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target] if target in path else [module, target]
            if target not in state:
                found = visit(target, path + [target])
                if found:
                    return found
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module, [module])
            assert cycle is None, " -> ".join(cycle)
