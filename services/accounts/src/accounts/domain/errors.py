"""Errors the domain and service layer raise; the API and pages turn them into 4xx answers."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a dotted field path) and what."""

    field: str
    message: str


@dataclass
class DomainError(Exception):
    """A rule said no. `code` is stable and machine-readable; `message` is for people."""

    code: str
    message: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)


class InvalidInput(DomainError):
    """The input breaks a rule (422)."""


class NotFound(DomainError):
    """The thing asked for does not exist (404)."""


class Conflict(DomainError):
    """The input is valid but the current state does not allow it (409)."""


class Forbidden(DomainError):
    """The acting person's role may not do this (403)."""


def invalid(problems: list[Problem], what: str) -> InvalidInput:
    """One InvalidInput naming every problem, e.g. `invalid card: contacts.0.email: ...`."""
    summary = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
    return InvalidInput("invalid_input", f"invalid {what}: {summary}", problems)
