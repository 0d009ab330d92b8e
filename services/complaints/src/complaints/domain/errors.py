"""The domain's refusals: kinds of the chassis error base, each with a stable code.

`InvalidInput` is the chassis kind itself (422, `invalid_input`); the others are conflicts
with the current state (409). Raising one means nothing was changed.
"""

from chassis.errors import Conflict, InvalidInput

__all__ = ["ClockRefused", "InvalidInput", "InvalidTransition"]


class InvalidTransition(Conflict):
    """The ticket is not in a state that allows this step."""

    code = "invalid_transition"


class ClockRefused(Conflict):
    """A clock cannot do what was asked (pause a clock that cannot pause, resume a running one)."""

    code = "clock_refused"
