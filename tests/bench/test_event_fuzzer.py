"""100,000 mutated ERP events interleaved with good ones through a real consumer; prints what
became of them (`make bench`). Size: RAPPORT_BENCH_MUTATED (default 100000)."""

import os

import pytest

from chassis.testing import Infrastructure
from chassis.testing.event_fuzz import fuzz_consumer

pytestmark = pytest.mark.integration

MUTATED = int(os.environ.get("RAPPORT_BENCH_MUTATED", "100000"))


@pytest.mark.timeout(1800)
async def test_event_fuzzer_at_full_size(infrastructure: Infrastructure) -> None:
    outcome = await fuzz_consumer(infrastructure, mutated=MUTATED, seed=100)
    print(
        f"\nevent fuzzer: {outcome.mutated} mutated ({outcome.invalid} invalid) and"
        f" {outcome.good} good records in {outcome.seconds:.1f}s;"
        f" good lost {outcome.good_lost}, dead letters {outcome.dead_letters},"
        f" dead-lettered twice {outcome.dead_lettered_twice},"
        f" invalid not dead-lettered {outcome.invalid_not_dead_lettered},"
        f" valid dead-lettered {outcome.wrongly_dead_lettered},"
        f" consumer failures {outcome.consumer_failures}"
    )
    assert outcome.mutated == MUTATED
    assert outcome.good_lost == 0
    assert outcome.consumer_failures == 0
    assert outcome.dead_lettered_twice == 0
    assert outcome.wrongly_dead_lettered == 0
    assert outcome.invalid_not_dead_lettered == 0
