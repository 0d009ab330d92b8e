"""The one error base of every service: a refusal with a stable code, a message and details.

Pure Python with no imports from outside the standard library, so a service's domain may raise
these. `chassis.http` turns each kind into its 4xx answer with the uniform error body; a page
shows its message. Raising one means nothing was changed.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a dotted field path) and what."""

    field: str
    message: str


class RapportError(Exception):
    """A rule said no. `code` is stable and machine-readable; `message` is for people."""

    code = "refused"

    def __init__(
        self, message: str, *, code: str | None = None, details: Sequence[Problem] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or type(self).code
        self.details = list(details)


class InvalidInput(RapportError):
    """The input breaks a rule (422)."""

    code = "invalid_input"


class Unauthorized(RapportError):
    """Nobody is signed in, or the token is missing, expired, wrongly signed or not for us (401)."""

    code = "unauthorized"


class NotFound(RapportError):
    """The thing asked for does not exist, or the asker may not know it does (404)."""

    code = "not_found"


class Conflict(RapportError):
    """The input is valid but the current state does not allow it (409)."""

    code = "conflict"


class Forbidden(RapportError):
    """The acting person may not do this (403)."""

    code = "forbidden"


class TooLarge(RapportError):
    """The request would make something bigger than the system can carry (413)."""

    code = "too_large"


class Unavailable(RapportError):
    """Something the answer depends on does not answer, e.g. the identity provider (503)."""

    code = "unavailable"


def invalid(problems: Sequence[Problem], what: str) -> InvalidInput:
    """One InvalidInput naming every problem, e.g. `invalid card: contacts.0.email: ...`."""
    summary = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
    return InvalidInput(f"invalid {what}: {summary}", details=problems)
