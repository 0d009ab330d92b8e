"""The service layer holds no SQL: only the unit of work touches SQLAlchemy (decision 0012)."""

import complaints.service_layer
from chassis.testing.boundary import offences, service_layer_offences


def test_no_service_layer_module_but_the_unit_of_work_touches_sqlalchemy_or_tables() -> None:
    assert service_layer_offences(complaints.service_layer) == {}


def test_the_scan_catches_each_way_in() -> None:
    def scan(source: str) -> list[str]:
        return offences(source, service="complaints")

    assert scan("from sqlalchemy import select") == ["sqlalchemy", "sqlalchemy.select"]
    assert scan("import sqlalchemy.ext.asyncio") == ["sqlalchemy.ext.asyncio"]
    assert scan("from complaints.adapters import tables") == ["complaints.adapters.tables"]
    assert scan("from complaints.adapters.tables import outbox") == [
        "complaints.adapters.tables",
        "complaints.adapters.tables.outbox",
    ]
    assert scan("async def f(uow):\n    await uow.session.execute(1)") == ["line 2: .session"]
    assert scan("from complaints.adapters.published import to_contract") == []
