"""The service layer holds no SQL: only the unit of work touches SQLAlchemy (issue 8)."""

import ast
from pathlib import Path

import complaints.service_layer

SERVICE_LAYER = Path(complaints.service_layer.__file__).parent
FORBIDDEN = ("sqlalchemy", "complaints.adapters.tables")


def imported_modules(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def offences(source: str) -> list[str]:
    tree = ast.parse(source)
    found = [
        name
        for name in imported_modules(tree)
        if any(name == bad or name.startswith(f"{bad}.") for bad in FORBIDDEN)
    ]
    found += [
        f"line {node.lineno}: .session"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "session"
    ]
    return found


def test_no_service_layer_module_but_the_unit_of_work_touches_sqlalchemy_or_tables() -> None:
    modules = sorted(SERVICE_LAYER.glob("*.py"))
    assert SERVICE_LAYER / "handlers.py" in modules
    found = {
        module.name: offences(module.read_text())
        for module in modules
        if module.name != "unit_of_work.py"
    }
    assert {name: bad for name, bad in found.items() if bad} == {}


def test_the_scan_catches_each_way_in() -> None:
    assert offences("from sqlalchemy import select") == ["sqlalchemy", "sqlalchemy.select"]
    assert offences("import sqlalchemy.ext.asyncio") == ["sqlalchemy.ext.asyncio"]
    assert offences("from complaints.adapters import tables") == ["complaints.adapters.tables"]
    assert offences("from complaints.adapters.tables import outbox") == [
        "complaints.adapters.tables",
        "complaints.adapters.tables.outbox",
    ]
    assert offences("async def f(uow):\n    await uow.session.execute(1)") == ["line 2: .session"]
    assert offences("from complaints.adapters.published import to_contract") == []
