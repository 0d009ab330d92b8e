"""The service layer holds no SQL (decision 0012): no `service_layer/` module but
`unit_of_work.py` imports SQLAlchemy or the service's tables, or touches `uow.session`."""

import ast
from pathlib import Path
from types import ModuleType


def imported_modules(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def offences(source: str, *, service: str) -> list[str]:
    """What in this module's source reaches past the unit of work into SQL."""
    forbidden = ("sqlalchemy", f"{service}.adapters.tables")
    tree = ast.parse(source)
    found = [
        name
        for name in imported_modules(tree)
        if any(name == bad or name.startswith(f"{bad}.") for bad in forbidden)
    ]
    found += [
        f"line {node.lineno}: .session"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "session"
    ]
    return found


def service_layer_offences(service_layer: ModuleType) -> dict[str, list[str]]:
    """Each offending module of a service's `service_layer` package, with its offences."""
    folder = Path(str(service_layer.__file__)).parent
    service = service_layer.__name__.split(".")[0]
    modules = sorted(folder.glob("*.py"))
    assert folder / "unit_of_work.py" in modules, f"no unit_of_work.py in {folder}"
    found = {
        module.name: offences(module.read_text(), service=service)
        for module in modules
        if module.name != "unit_of_work.py"
    }
    return {name: bad for name, bad in found.items() if bad}
