"""Errors the domain raises; each carries a stable machine-readable code."""


class ComplaintError(Exception):
    """A rule of the domain refused the request; nothing was changed."""

    code = "complaint_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidInput(ComplaintError):
    """The request itself is malformed or contradicts a rule about values."""

    code = "invalid_input"


class InvalidTransition(ComplaintError):
    """The ticket is not in a state that allows this step."""

    code = "invalid_transition"


class ClockRefused(ComplaintError):
    """A clock cannot do what was asked (pause a clock that cannot pause, resume a running one)."""

    code = "clock_refused"
