"""Every route of complaints asks who is asking, and every page form checks its CSRF token."""

import pytest

from chassis.testing import unguarded_routes
from complaints.bootstrap import Complaints
from complaints.entrypoints.api import create

pytestmark = pytest.mark.integration


def test_every_route_is_guarded(complaints: Complaints) -> None:
    assert unguarded_routes(create(complaints)) == []
