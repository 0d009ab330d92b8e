"""One SLA clock of a ticket: start, pause, resume, stop, warnings, breach and met.

A clock counts measured time (wall time, or a calendar's open time) against a budget fixed
when it starts. `consumed` is the measured time used before `segment_start`, the instant the
current running stretch began; pausing folds the stretch into `consumed`. So the deadline of a
running clock is always `measure.add(segment_start, budget - consumed)`, which stays exact across
pauses and calendar edits.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from chassis.messages import _
from complaints.domain.calendar import TimeMeasure
from complaints.domain.errors import ClockRefused
from complaints.domain.events import ClockBreached, ClockEvent, ClockMet, ClockWarning
from complaints.domain.policy import ClockName, ClockTarget

ClockState = Literal["pending", "running", "paused", "stopped"]


@dataclass
class SlaClock:
    name: ClockName
    target: ClockTarget
    thresholds: tuple[int, ...]
    state: ClockState = "pending"
    cycle: int = 0
    budget: timedelta | None = None
    consumed: timedelta = timedelta(0)
    started_at: datetime | None = None
    segment_start: datetime | None = None
    deadline: datetime | None = None
    paused_since: datetime | None = None
    pause_reason: str | None = None
    paused_total: timedelta = timedelta(0)
    stopped_at: datetime | None = None
    warnings_fired: int = 0
    breached_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def outcome(self) -> Literal["met", "breached"] | None:
        if self.breached_at is not None:
            return "breached"
        return "met" if self.state == "stopped" else None

    def breached_at_as_of(self, now: datetime) -> datetime | None:
        """When the clock breached, as of `now`: a running clock past its deadline breached at
        the deadline, a moment before the scheduler records it."""
        if self.breached_at is None and self.running and self.deadline is not None:
            return self.deadline if self.deadline <= now else None
        return self.breached_at

    def start(self, at: datetime, measure: TimeMeasure) -> None:
        if self.state != "pending":
            return
        self.budget = self.target.budget(at, measure)
        self.state = "running"
        self.started_at = self.segment_start = at
        self.consumed = timedelta(0)
        self.deadline = measure.add(at, self.budget)

    def used(self, at: datetime, measure: TimeMeasure) -> timedelta:
        """Measured time used so far: the consumed stretches plus the running one."""
        if self.running and self.segment_start is not None:
            return self.consumed + measure.elapsed(self.segment_start, at)
        return self.consumed

    def remaining(self, at: datetime, measure: TimeMeasure) -> timedelta | None:
        """Measured time left before the deadline; negative once breached."""
        if self.budget is None:
            return None
        return self.budget - self.used(at, measure)

    def _moment_when_used(self, amount: timedelta, measure: TimeMeasure) -> datetime:
        assert self.segment_start is not None
        if amount <= self.consumed:
            return self.segment_start
        return measure.add(self.segment_start, amount - self.consumed)

    def _threshold_moment(self, threshold: int, measure: TimeMeasure) -> datetime:
        assert self.budget is not None
        return self._moment_when_used(self.budget * threshold / 100, measure)

    def next_due(self, measure: TimeMeasure) -> datetime | None:
        """The next moment a warning or the breach is due; None when nothing is ahead."""
        if not self.running:
            return None
        if self.warnings_fired < len(self.thresholds):
            return self._threshold_moment(self.thresholds[self.warnings_fired], measure)
        if self.breached_at is None:
            return self.deadline
        return None

    def fire_due(self, now: datetime, measure: TimeMeasure) -> list[ClockEvent]:
        """Warnings and breach whose moment has come, each once; never before its moment.

        Each happens at its moment (the breach at the deadline), however late it is noticed.
        """
        if not self.running or self.deadline is None:
            return []
        breach_due = self.breached_at is None and self.deadline <= now
        events: list[ClockEvent] = []
        while self.warnings_fired < len(self.thresholds):
            threshold = self.thresholds[self.warnings_fired]
            moment = self._threshold_moment(threshold, measure)
            if moment > now:
                break
            self.warnings_fired += 1
            # Found late together with its breach (the service was down), the warning is still
            # reported, before the breach: it happened, and its staged copy may be out already.
            events.append(ClockWarning(self.name, self.cycle, threshold, self.deadline, moment))
        if breach_due:
            self.breached_at = self.deadline
            events.append(ClockBreached(self.name, self.cycle, self.deadline, self.deadline))
        return events

    def pause(self, at: datetime, reason: str, measure: TimeMeasure) -> None:
        if not self.target.pausable:
            raise ClockRefused(
                _("the %(clock)s clock cannot be paused")
                % {"clock": _(self.name.replace("_", " "))},
                code="clock_not_pausable",
            )
        if not self.running or self.segment_start is None:
            raise ClockRefused(
                _("the %(clock)s clock is %(state)s, only a running clock can pause")
                % {"clock": _(self.name.replace("_", " ")), "state": _(self.state)},
                code="clock_not_running",
            )
        self.consumed += measure.elapsed(self.segment_start, at)
        self.segment_start = None
        self.state = "paused"
        self.paused_since = at
        self.pause_reason = reason

    def resume(self, at: datetime, measure: TimeMeasure) -> None:
        if self.state != "paused" or self.paused_since is None or self.budget is None:
            raise ClockRefused(
                _("the %(clock)s clock is %(state)s, only a paused clock can resume")
                % {"clock": _(self.name.replace("_", " ")), "state": _(self.state)},
                code="clock_not_paused",
            )
        self.paused_total += at - self.paused_since
        self.paused_since = None
        self.pause_reason = None
        self.state = "running"
        self.segment_start = at
        self.deadline = self._moment_when_used(self.budget, measure)

    def stop(self, at: datetime, measure: TimeMeasure) -> list[ClockEvent]:
        """Stop a started clock; met when it stops before its deadline."""
        if self.state not in ("running", "paused") or self.budget is None:
            return []
        if self.state == "paused" and self.paused_since is not None:
            self.paused_total += at - self.paused_since
            # The deadline a paused clock would have if it resumed now.
            self.deadline = measure.add(at, self.budget - self.consumed)
        elif self.segment_start is not None:
            self.consumed += measure.elapsed(self.segment_start, at)
        self.state = "stopped"
        self.stopped_at = at
        self.segment_start = self.paused_since = self.pause_reason = None
        if self.breached_at is None and self.deadline is not None:
            return [ClockMet(self.name, self.deadline, at)]
        return []

    def rebase(self, at: datetime, old: TimeMeasure, new: TimeMeasure) -> None:
        """The calendar changed at `at`: time used so far stays, the rest counts on `new`."""
        if self.running and self.segment_start is not None and self.budget is not None:
            self.consumed += old.elapsed(self.segment_start, at)
            self.segment_start = at
            if self.consumed < self.budget:
                self.deadline = self._moment_when_used(self.budget, new)

    def restart(self, at: datetime, measure: TimeMeasure, *, start: bool) -> None:
        """A new cycle after a reopen: everything is forgotten; started now or left pending."""
        self.cycle += 1
        self.state = "pending"
        self.budget = self.started_at = self.segment_start = self.deadline = None
        self.paused_since = self.stopped_at = self.breached_at = None
        self.pause_reason = None
        self.consumed = self.paused_total = timedelta(0)
        self.warnings_fired = 0
        if start:
            self.start(at, measure)
