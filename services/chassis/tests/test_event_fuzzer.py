"""10,000 mutated ERP events interleaved with good ones through a real consumer: no good event
lost, no crash, every invalid one dead-lettered exactly once (the 100,000 run: tests/bench)."""

import pytest

from chassis.testing import Infrastructure
from chassis.testing.event_fuzz import fuzz_consumer

pytestmark = pytest.mark.integration


async def test_ten_thousand_mutated_events(infrastructure: Infrastructure) -> None:
    outcome = await fuzz_consumer(infrastructure, mutated=10_000, seed=14)

    assert outcome.mutated == 10_000
    assert outcome.good > 4_000
    assert outcome.invalid > 7_000  # most mutations break the event; some leave it valid
    assert outcome.good_lost == 0
    assert outcome.consumer_failures == 0
    assert outcome.dead_lettered_twice == 0
    assert outcome.wrongly_dead_lettered == 0
    assert outcome.invalid_not_dead_lettered == 0
    assert outcome.dead_letters == outcome.invalid
