"""VIP (key account): a manager nominates, a supervisor approves or rejects (DOMAIN.md §1, VIP).

Who may do what: anyone nominates; only a supervisor decides or revokes, and never on a
nomination of their own (a second pair of eyes).
"""

from dataclasses import dataclass
from typing import Literal

from chassis.errors import Conflict, Forbidden, InvalidInput, Problem
from chassis.messages import N_, _

# The role a signed-in person acts in here (the route picks it from the token's roles).
Role = Literal["manager", "supervisor", "admin"]
NominationStatus = Literal["pending", "approved", "rejected"]


@dataclass(frozen=True)
class Actor:
    """Who is acting (a staff id such as AM-01) and in which role."""

    user: str
    role: Role


@dataclass(frozen=True)
class Nomination:
    nomination_id: int
    account_id: str
    status: NominationStatus
    nominated_by: str
    reason: str


def _required(text: str, field: str, what: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(
            _("%(what)s is required") % {"what": _(what)}, details=[Problem(field, "required")]
        )
    if len(cleaned) > 1000:
        raise InvalidInput(
            _("%(what)s is too long") % {"what": _(what)},
            details=[Problem(field, "at most 1000 characters")],
        )
    return cleaned


def check_nomination(*, reason: str, is_vip: bool, has_pending: bool) -> str:
    """The cleaned reason, or why this account cannot be nominated now."""
    cleaned = _required(reason, "reason", N_("a reason for the nomination"))
    if is_vip:
        raise Conflict(_("the account is already a VIP"), code="already_vip")
    if has_pending:
        raise Conflict(_("the account already has a pending nomination"), code="nomination_pending")
    return cleaned


def check_decision(*, nomination: Nomination, actor: Actor, approve: bool, note: str) -> str:
    """The cleaned note, or why this person cannot decide this nomination."""
    if actor.role != "supervisor":
        raise Forbidden(
            _("only a supervisor can approve or reject a VIP nomination"), code="supervisor_only"
        )
    if nomination.status != "pending":
        raise Conflict(
            _("the nomination is already %(status)s") % {"status": nomination.status},
            code="nomination_decided",
        )
    if actor.user == nomination.nominated_by:
        raise Forbidden(
            _("a nomination must be decided by someone other than its nominator"),
            code="own_nomination",
        )
    if approve:
        return note.strip()
    return _required(note, "note", N_("a note saying why the nomination is rejected"))


def check_revocation(*, actor: Actor, is_vip: bool, reason: str) -> str:
    if actor.role != "supervisor":
        raise Forbidden(_("only a supervisor can revoke VIP status"), code="supervisor_only")
    cleaned = _required(reason, "reason", N_("a reason for revoking VIP status"))
    if not is_vip:
        raise Conflict(_("the account is not a VIP"), code="not_vip")
    return cleaned
