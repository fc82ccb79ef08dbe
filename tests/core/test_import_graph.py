"""The import graph of nexusml and tui: no circle, and the core never imports an entry point or the wizard."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = {
    "nexusml.__main__",
    "nexusml.train_model_pipeline",
    "nexusml.train_model_pipeline_v2",
    "nexusml.commands.predict",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports anywhere in its body (lazy and TYPE_CHECKING imports included)."""
    files = sorted((ROOT / "nexusml").rglob("*.py")) + sorted((ROOT / "tui").rglob("*.py"))
    modules = {module_name(f): f for f in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):  # every import: at the top, in a function, or for type checkers only
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # "from package import module" imports the module; "from module import name" the module.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for child in sorted(graph[node]):
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in on_stack:
                low[node] = min(low[node], index[child])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_circle():
    assert cycles(import_graph()) == []


def test_the_core_imports_no_entry_point_and_only_the_entry_point_opens_the_wizard():
    graph = import_graph()
    for module, imported in graph.items():
        if module.split(".")[0] != "nexusml" or module in ENTRY_POINTS:
            continue
        assert not imported & ENTRY_POINTS, f"{module} imports an entry point: {sorted(imported & ENTRY_POINTS)}"
        assert not {m for m in imported if m.split(".")[0] == "tui"}, f"{module} imports the wizard"
    assert "tui.app" in graph["nexusml.train_model_pipeline_v2"]


def test_the_graph_sees_lazy_relative_and_type_checking_imports():
    graph = import_graph()
    assert "nexusml.model.trained" in graph["nexusml.pipeline.context"]  # under TYPE_CHECKING
    # run_training imports its runners inside the function body.
    assert "nexusml.pipeline.orchestrator" in graph["nexusml.pipeline.runner"]
    assert "nexusml.pipeline.sequential" in graph["nexusml.pipeline.runner"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]


MAX_MODULE_LINES = 400
MAX_MODULES_PER_FOLDER = 12


def test_no_module_is_over_400_lines_and_no_folder_holds_more_than_12():
    files = sorted((ROOT / "nexusml").rglob("*.py")) + sorted((ROOT / "tui").rglob("*.py"))
    long = {str(f.relative_to(ROOT)): n for f in files if (n := len(f.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"
    folders: dict[str, int] = {}
    for f in files:
        if f.name != "__init__.py":
            folders[str(f.parent.relative_to(ROOT))] = folders.get(str(f.parent.relative_to(ROOT)), 0) + 1
    crowded = {folder: n for folder, n in folders.items() if n > MAX_MODULES_PER_FOLDER}
    assert not crowded, f"folders with more than {MAX_MODULES_PER_FOLDER} modules: {crowded}"
