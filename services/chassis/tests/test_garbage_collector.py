"""A worker collects garbage rarely and never scans what start-up built (decision 0014)."""

import subprocess
import sys

PROBE = """
import gc
from chassis.worker import YOUNG_GENERATION_THRESHOLD, tune_garbage_collector
before = gc.get_threshold()
tune_garbage_collector()
print(before[0], gc.get_threshold()[0], YOUNG_GENERATION_THRESHOLD, gc.get_freeze_count())
"""


def test_tuning_raises_the_young_threshold_and_freezes_the_start_up_heap() -> None:
    # A process of its own: the test runner's collector stays as it is.
    answer = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    before, after, wanted, frozen = map(int, answer.stdout.split())
    assert before == 700
    assert after == wanted > before
    # Every module chassis.worker imported is start-up heap, out of every later collection.
    assert frozen > 10_000
