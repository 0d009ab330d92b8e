"""Commands: what managers and supervisors ask of accounts, from the API or the pages.

Each is built by `api/` or `ui/` from what a person submitted and names who acts; the handler
adds the moment (`now`) and the rules.
"""

from dataclasses import dataclass

from accounts.domain.cards import Contact, ImportantDate, Preferences
from accounts.domain.tier_policy import TierPolicy
from accounts.domain.vip import Actor


@dataclass(frozen=True)
class RegisterProspect:
    """A manager enters an account the ERP does not know yet; "" as id means one is made up."""

    account_id: str
    name: str
    actor: Actor
    region: str = ""
    country: str = ""
    segment: str = ""
    address: str = ""
    account_manager: str | None = None
    referred_by: str | None = None


@dataclass(frozen=True)
class SetReferral:
    """Record who referred an account; None clears it."""

    account_id: str
    referred_by: str | None
    actor: Actor


@dataclass(frozen=True)
class SubmittedNote:
    note_id: str
    text: str
    purpose: str


@dataclass(frozen=True)
class SubmittedCard:
    """A card as a person submits it: new contacts, dates and notes have no id yet ("")."""

    contacts: tuple[Contact, ...]
    preferences: Preferences
    important_dates: tuple[ImportantDate, ...]
    notes: tuple[SubmittedNote, ...]


@dataclass(frozen=True)
class SaveCard:
    """Store the whole card as a new version; `expected_version` None skips the edit check."""

    account_id: str
    card: SubmittedCard
    expected_version: int | None
    actor: Actor


@dataclass(frozen=True)
class ReviewCard:
    """The manager confirms the card is current."""

    account_id: str
    actor: Actor
    note: str = ""


@dataclass(frozen=True)
class NominateVip:
    account_id: str
    reason: str
    actor: Actor


@dataclass(frozen=True)
class DecideVip:
    """A supervisor approves (`approve`) or rejects a pending nomination."""

    nomination_id: int
    approve: bool
    actor: Actor
    note: str = ""


@dataclass(frozen=True)
class RevokeVip:
    account_id: str
    reason: str
    actor: Actor


@dataclass(frozen=True)
class DraftPolicy:
    """Store a tier policy as the next draft version."""

    policy: TierPolicy
    actor: Actor
    note: str = ""


@dataclass(frozen=True)
class ActivatePolicy:
    """Switch to a draft version; every account is re-evaluated under it."""

    version: int
    actor: Actor


@dataclass(frozen=True)
class GenerateReport:
    """Evaluate every account as of a period's end ("2026-Q3", "2026-H1", "2026")."""

    period: str
    actor: Actor


@dataclass(frozen=True)
class ReviewReport:
    report_id: int
    actor: Actor
    note: str = ""


@dataclass(frozen=True)
class RecordConsent:
    """A contact gives or withdraws consent to marketing contact; `channel` is how they said so."""

    account_id: str
    contact_id: str
    state: str
    channel: str
    note: str
    actor: Actor


@dataclass(frozen=True)
class EraseContacts:
    """Erase one contact's personal data (`contact_id`), or every contact's of the account
    (None); `why` is the request's reason, kept with it."""

    account_id: str
    contact_id: str | None
    why: str
    actor: Actor
