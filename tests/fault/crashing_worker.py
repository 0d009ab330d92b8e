"""The real accounts worker, made to die by SIGKILL at one chosen point (fault tests only).

`python tests/fault/crashing_worker.py after-db-commit`: dies after a batch's database commit,
before its Kafka offsets are committed.
`python tests/fault/crashing_worker.py after-publish`: the outbox relay dies after Kafka
acknowledged its events, before the rows are marked sent.
"""

import os
import signal
import sys
from typing import Any

from accounts.entrypoints.worker import main
from chassis.kafka import BatchConsumer
from chassis.outbox import OutboxRelay


async def die(*_: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    crash_point = sys.argv[1]
    if crash_point == "after-db-commit":
        BatchConsumer._commit_offsets = die  # type: ignore[method-assign]
    elif crash_point == "after-publish":
        OutboxRelay._mark_sent = die  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown crash point {crash_point!r}")
    main()
