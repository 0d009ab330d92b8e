"""The service layer holds no SQL: only the unit of work touches SQLAlchemy (decision 0012)."""

import reporting.service_layer
from chassis.testing.boundary import service_layer_offences


def test_no_service_layer_module_but_the_unit_of_work_touches_sqlalchemy_or_tables() -> None:
    assert service_layer_offences(reporting.service_layer) == {}
