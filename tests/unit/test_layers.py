"""The layers: the advisor core imports nothing of Rasa or of the layers above it."""

from __future__ import annotations

import ast
from pathlib import Path

from advisor.paths import PROJECT_DIR

ABOVE_THE_CORE = (
    "rasa",
    "rasa_sdk",
    "actions",
    "channels",
    "rasa_runtime",
    "launcher",
    "operations",
    "cluster",
    "bench",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}


def test_the_advisor_core_imports_nothing_above_it():
    offending = {
        str(path.relative_to(PROJECT_DIR)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] in ABOVE_THE_CORE
        )
        for path in (PROJECT_DIR / "advisor").rglob("*.py")
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_check_sees_an_import_from_above(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("from rasa_sdk import Action\nimport actions.common\n")
    assert imported_modules(module) == {"rasa_sdk", "actions.common"}


def test_every_public_function_of_the_core_is_typed():
    untyped = []
    for path in (PROJECT_DIR / "advisor").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
                arguments = [a for a in node.args.args if a.arg not in ("self", "cls")]
                if node.returns is None or any(a.annotation is None for a in arguments):
                    untyped.append(f"{path.relative_to(PROJECT_DIR)}:{node.lineno} {node.name}")
    assert untyped == []
