"""No import circle between sendtrack's modules, and no import hidden inside a function to
dodge one (docs/architecture.md, Layers).

The graph is grimp's (import-linter's engine), which reads every import statement, those
inside functions too. One kind of circle is allowed: a module of a blueprint package
importing `bp` from its own package's `__init__`, which imports its route modules at the
bottom (the Flask blueprint idiom: the package creates the blueprint, its modules add
routes to it).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp

import sendtrack

ROOT = Path(sendtrack.__file__).resolve().parent

# The blueprint packages, read from the app's own list (the package each blueprint is
# created in: "sendtrack.auth").
BLUEPRINT_PACKAGES = {blueprint.import_name for blueprint in sendtrack.BLUEPRINTS}


def _imports_bp_only(graph: grimp.ImportGraph, importer: str, package: str) -> bool:
    """Whether every import of `package` by `importer` is `from <package> import bp`."""
    own = re.compile(rf"^from\s+({re.escape(package)}|\.)\s+import\s+bp\s*(#.*)?$")
    details = graph.get_import_details(importer=importer, imported=package)
    return bool(details) and all(own.match(d["line_contents"].strip()) for d in details)


def _allowed(graph: grimp.ImportGraph, importer: str, imported: str) -> bool:
    return (
        imported in BLUEPRINT_PACKAGES
        and importer.startswith(imported + ".")
        and _imports_bp_only(graph, importer, imported)
    )


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    iterative): each holds at least one circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_circle() -> None:
    graph = grimp.build_graph("sendtrack", include_external_packages=False)
    edges: dict[str, set[str]] = {module: set() for module in graph.modules}
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if not _allowed(graph, importer, imported):
                edges[importer].add(imported)
    problems = []
    for component in _circles(edges):
        members = set(component)
        lines = [
            f"  {importer} -> {imported} (line "
            + ", ".join(
                str(d["line_number"])
                for d in graph.get_import_details(importer=importer, imported=imported)
            )
            + ")"
            for importer in component
            for imported in sorted(edges[importer] & members)
        ]
        problems.append("Import circle between " + ", ".join(component) + ":\n" + "\n".join(lines))
    assert not problems, "\n\n".join(problems)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(node: ast.Import | ast.ImportFrom, module: str, path: Path) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: resolve against this module's package
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        base = package.split(".")
        base = base[: len(base) - (node.level - 1)]
        return [".".join([*base, *([node.module] if node.module else [])])]
    return [node.module or ""]


def _is_sendtrack(name: str) -> bool:
    return name == "sendtrack" or name.startswith("sendtrack.")


def _function_level_imports(path: Path) -> list[str]:
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                name = getattr(child, "name", "<lambda>")
                visit(child, name if function is None else f"{function}.{name}")
                continue
            if function is not None and isinstance(child, (ast.Import, ast.ImportFrom)):
                names = [n for n in _imported_modules(child, module, path) if _is_sendtrack(n)]
                if names:
                    found.append(f"{path.relative_to(ROOT.parent)}:{child.lineno} in {function}()")
            if (  # __import__("sendtrack.x") or importlib.import_module("sendtrack.x")
                isinstance(child, ast.Call)
                and (
                    (isinstance(child.func, ast.Name) and child.func.id == "__import__")
                    or (
                        isinstance(child.func, ast.Attribute) and child.func.attr == "import_module"
                    )
                )
                and child.args
                and isinstance(child.args[0], ast.Constant)
                and isinstance(child.args[0].value, str)
                and _is_sendtrack(child.args[0].value)
            ):
                found.append(f"{path.relative_to(ROOT.parent)}:{child.lineno} imports by name")
            visit(child, function)

    visit(tree, None)
    return found


def test_no_function_level_import_of_sendtrack() -> None:
    """Imports of sendtrack's own modules go at the top of the module. A function-level
    import hides a circle (move the shared code where it belongs instead) and keeps the
    dependency out of import-linter's sight. Heavy third-party libraries (openpyxl, pygal)
    may still be imported where they are used, with a comment saying why."""
    found = [line for path in sorted(ROOT.rglob("*.py")) for line in _function_level_imports(path)]
    assert not found, "Function-level imports of sendtrack modules:\n" + "\n".join(found)
