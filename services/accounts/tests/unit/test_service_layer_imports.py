"""The service layer holds no SQL: only the unit of work may import sqlalchemy or the tables."""

import ast
from pathlib import Path

import accounts.service_layer

SERVICE_LAYER = Path(accounts.service_layer.__file__).parent
FORBIDDEN = ("sqlalchemy", "accounts.adapters.tables")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_no_service_layer_module_but_the_unit_of_work_imports_sql() -> None:
    modules = sorted(SERVICE_LAYER.glob("*.py"))
    assert len(modules) > 5
    offending = {
        f"{path.name}: {name}"
        for path in modules
        if path.name != "unit_of_work.py"
        for name in imported_modules(path)
        if any(name == f or name.startswith(f"{f}.") for f in FORBIDDEN)
    }
    assert not offending, sorted(offending)
