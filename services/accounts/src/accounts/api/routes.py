"""The accounts JSON API under /api/v1/accounts: accounts, cards, explanations, history."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from accounts.api.dependencies import (
    AccountsApp,
    Caller,
    NameReader,
    Purpose,
    Reader,
    ReadUow,
    Worker,
    WriteUow,
)
from accounts.api.schemas import (
    AccessLogQuery,
    AccessOut,
    AccountOut,
    AccountPage,
    AccountSearch,
    CardHistoryOut,
    CardIn,
    CardNamesOut,
    CardOut,
    ConsentIn,
    ConsentOut,
    ConsentsOut,
    ContactNameOut,
    DateLabelOut,
    LifecycleChangeOut,
    ProspectIn,
    QueryDateTime,
    ReferralIn,
    ReviewIn,
    TierDecisionOut,
)
from accounts.domain.cards import Contact, ImportantDate, Preferences
from accounts.service_layer.accounts import register_prospect, set_referral
from accounts.service_layer.cards import (
    read_card,
    read_card_history,
    read_card_names,
    review_card,
    save_card,
)
from accounts.service_layer.commands import (
    RecordConsent,
    RegisterProspect,
    ReviewCard,
    SaveCard,
    SetReferral,
    SubmittedCard,
    SubmittedNote,
)
from accounts.service_layer.explanation import explain_account
from accounts.service_layer.privacy import current_consents, read_consents, record_consent
from accounts.service_layer.summary import purchase_summary
from chassis.errors import InvalidInput, NotFound
from chassis.http import refusals

# Every operation needs a signed-in principal (401) holding the role it names (403).
router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"], responses=refusals(401, 403))
# A read of one account: no account with that id (or none in the caller's scope).
READ_REFUSALS = refusals(404)
# A change to one account: no such account, a state or version that does not allow it
# (a referral loop, a card changed meanwhile), input the domain refuses.
WRITE_REFUSALS = refusals(404, 409, 422)


def account_out(row: dict[str, Any], currency: str) -> AccountOut:
    return AccountOut.model_validate({**row, "currency": currency})


async def load_account(uow: ReadUow, who: Caller, account_id: str) -> dict[str, Any]:
    """The account, if it is in the caller's scope: outside it, as absent, a 404."""
    row = await uow.queries.get(account_id, managers=who.managers)
    if row is None:
        raise NotFound(f"no account with id {account_id!r}", code="account_not_found")
    return row


def submitted_card(card: CardIn) -> SubmittedCard:
    return SubmittedCard(
        contacts=tuple(Contact(**contact.model_dump()) for contact in card.contacts),
        preferences=Preferences(
            product_categories=tuple(
                v.strip() for v in card.preferences.product_categories if v.strip()
            ),
            brands=tuple(v.strip() for v in card.preferences.brands if v.strip()),
            price_sensitivity=card.preferences.price_sensitivity,
            payment_habits=card.preferences.payment_habits.strip(),
            delivery_habits=card.preferences.delivery_habits.strip(),
        ),
        important_dates=tuple(ImportantDate(**d.model_dump()) for d in card.important_dates),
        notes=tuple(SubmittedNote(n.note_id, n.text, n.purpose) for n in card.notes),
    )


def card_out(account: dict[str, Any], found: dict[str, Any], as_of: datetime | None) -> CardOut:
    card = found["card"]
    return CardOut.model_validate(
        {
            "account_id": account["account_id"],
            "version": found["version"],
            "as_of": as_of,
            "updated_by": found["updated_by"],
            "updated_at": found["updated_at"],
            "reviewed_at": account["card_reviewed_at"],
            "stale": account["card_stale"],
            "contacts": [c.__dict__ for c in card.contacts],
            "preferences": {
                **card.preferences.__dict__,
                "product_categories": list(card.preferences.product_categories),
                "brands": list(card.preferences.brands),
            },
            "important_dates": [d.__dict__ for d in card.important_dates],
            "notes": [n.__dict__ for n in card.notes],
        }
    )


@router.get("", response_model=AccountPage, summary="List accounts, filtered, sorted and paginated")
async def list_accounts(
    app: AccountsApp, uow: ReadUow, who: Reader, search: Annotated[AccountSearch, Query()]
) -> AccountPage:
    rows, total = await uow.queries.search(
        filters=search.filters(),
        text_query=search.q,
        sort=search.sort,
        descending=search.order == "desc",
        page=search.page,
        page_size=search.page_size,
        managers=who.managers,
    )
    return AccountPage(
        items=[account_out(row, app.settings.currency) for row in rows],
        total=total,
        page=search.page,
        page_size=search.page_size,
    )


@router.post(
    "",
    response_model=AccountOut,
    status_code=201,
    responses=refusals(409, 422),
    summary="Register a prospect (403: for a manager outside one's scope; 409: the id exists or "
    "the referral loops; 422: no such referrer)",
)
async def create_prospect(
    app: AccountsApp, uow: WriteUow, read: ReadUow, who: Worker, body: ProspectIn
) -> AccountOut:
    who.require_covers(body.account_manager or who.principal.user_id)
    account_id = await register_prospect(
        uow=uow,
        command=RegisterProspect(
            **{**body.model_dump(), "account_id": body.account_id or ""}, actor=who.actor
        ),
        now=app.clock.now(),
        rules=app.rules,
    )
    return account_out(await load_account(read, who, account_id), app.settings.currency)


@router.get(
    "/{account_id}", response_model=AccountOut, responses=READ_REFUSALS, summary="One account"
)
async def get_account(app: AccountsApp, uow: ReadUow, who: Reader, account_id: str) -> AccountOut:
    return account_out(await load_account(uow, who, account_id), app.settings.currency)


@router.put(
    "/{account_id}/referral",
    response_model=AccountOut,
    responses=WRITE_REFUSALS,
    summary="Record who referred the account (null clears); the referrer gets a thank-you event",
)
async def put_referral(
    app: AccountsApp, uow: WriteUow, read: ReadUow, who: Worker, account_id: str, body: ReferralIn
) -> AccountOut:
    await load_account(read, who, account_id)
    await set_referral(
        uow=uow,
        command=SetReferral(account_id, body.referred_by or None, who.actor),
        now=app.clock.now(),
        rules=app.rules,
    )
    return account_out(await load_account(read, who, account_id), app.settings.currency)


@router.get(
    "/{account_id}/tier-history",
    response_model=list[TierDecisionOut],
    responses=READ_REFUSALS,
    summary="Every tier decision of an account, newest first, with its reason and inputs",
)
async def tier_history(uow: ReadUow, who: Reader, account_id: str) -> list[TierDecisionOut]:
    await load_account(uow, who, account_id)
    return [
        TierDecisionOut.model_validate(row) for row in await uow.queries.tier_history(account_id)
    ]


@router.get(
    "/{account_id}/lifecycle-history",
    response_model=list[LifecycleChangeOut],
    responses=READ_REFUSALS,
    summary="Every lifecycle change of an account, newest first",
)
async def lifecycle_history(uow: ReadUow, who: Reader, account_id: str) -> list[LifecycleChangeOut]:
    await load_account(uow, who, account_id)
    return [
        LifecycleChangeOut.model_validate(row)
        for row in await uow.queries.lifecycle_history(account_id)
    ]


@router.get(
    "/{account_id}/explanation",
    responses=READ_REFUSALS,
    summary="Why the account has its tier: the recorded decision and the evaluation now",
)
async def explanation(
    app: AccountsApp, uow: ReadUow, who: Reader, account_id: str
) -> dict[str, Any]:
    await load_account(uow, who, account_id)
    return await explain_account(
        uow=uow, account_id=account_id, now=app.clock.now(), rules=app.rules
    )


@router.get(
    "/{account_id}/card",
    response_model=CardOut,
    responses=refusals(404, 422),
    summary="The relationship card, now or as of a past moment (the read is logged)",
)
async def get_card(
    app: AccountsApp,
    uow: WriteUow,
    read: ReadUow,
    who: Reader,
    reason: Purpose,
    account_id: str,
    as_of: QueryDateTime | None = None,
) -> CardOut:
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInput("as_of needs a time zone, e.g. 2026-11-01T00:00:00Z")
    # In scope first: a read outside it is neither answered nor logged as an access.
    account = await load_account(read, who, account_id)
    found = await read_card(
        uow=uow,
        account_id=account_id,
        as_of=as_of,
        actor=who.actor.user,
        purpose=reason,
        now=app.clock.now(),
    )
    return card_out(account, found, as_of)


@router.get(
    "/{account_id}/card/names",
    response_model=CardNamesOut,
    responses=READ_REFUSALS,
    summary="The card's contacts' names and dates' labels by reference (the ids key-date "
    "events carry), for other services' pages; the read is logged. Also for the machine "
    "clients `ACCOUNTS_NAME_READER_CLIENTS` names (engagement), over every account",
)
async def get_card_names(
    app: AccountsApp,
    uow: WriteUow,
    read: ReadUow,
    who: NameReader,
    reason: Purpose,
    account_id: str,
) -> CardNamesOut:
    await load_account(read, who, account_id)
    found = await read_card_names(
        uow=uow, account_id=account_id, actor=who.actor.user, purpose=reason, now=app.clock.now()
    )
    card = found["card"]
    return CardNamesOut(
        account_id=account_id,
        version=found["version"],
        contacts=[
            ContactNameOut(reference=c.contact_id, name=c.name, position=c.position)
            for c in card.contacts
        ],
        dates=[
            DateLabelOut(reference=d.date_id, label=d.label, recurring=d.recurring)
            for d in card.important_dates
        ],
    )


@router.put(
    "/{account_id}/card",
    response_model=CardOut,
    responses=WRITE_REFUSALS,
    summary="Save the whole card as a new version (saving counts as a review)",
)
async def put_card(
    app: AccountsApp, uow: WriteUow, read: ReadUow, who: Worker, account_id: str, body: CardIn
) -> CardOut:
    await load_account(read, who, account_id)
    await save_card(
        uow=uow,
        command=SaveCard(account_id, submitted_card(body), body.expected_version, who.actor),
        now=app.clock.now(),
        rules=app.rules,
    )
    found = await read_card(
        uow=app.uow(),
        account_id=account_id,
        as_of=None,
        actor=who.actor.user,
        purpose="card maintenance",
        now=app.clock.now(),
    )
    return card_out(await load_account(read, who, account_id), found, None)


@router.post(
    "/{account_id}/card/review",
    status_code=204,
    responses=refusals(404, 422),
    summary="Confirm the card is current: clears the stale flag",
)
async def post_card_review(
    app: AccountsApp, uow: WriteUow, read: ReadUow, who: Worker, account_id: str, body: ReviewIn
) -> None:
    await load_account(read, who, account_id)
    await review_card(
        uow=uow,
        command=ReviewCard(account_id, who.actor, body.note),
        now=app.clock.now(),
        rules=app.rules,
    )


@router.get(
    "/{account_id}/card/history",
    response_model=CardHistoryOut,
    responses=READ_REFUSALS,
    summary="Every version of the card (who, when, what changed) and every review (the read "
    "is logged)",
)
async def card_history(
    app: AccountsApp, uow: ReadUow, who: Reader, reason: Purpose, account_id: str
) -> CardHistoryOut:
    await load_account(uow, who, account_id)
    found = await read_card_history(
        uow=app.uow(),
        account_id=account_id,
        actor=who.actor.user,
        purpose=reason,
        now=app.clock.now(),
    )
    return CardHistoryOut.model_validate(found)


@router.get(
    "/{account_id}/card/access-log",
    response_model=list[AccessOut],
    responses=READ_REFUSALS,
    summary="Who read or changed the card's personal data, when and why (privacy audit)",
)
async def card_access_log(
    uow: ReadUow, who: Reader, account_id: str, query: Annotated[AccessLogQuery, Query()]
) -> list[AccessOut]:
    await load_account(uow, who, account_id)
    rows = await uow.cards.access_log(account_id, query.limit)
    return [AccessOut.model_validate(row) for row in rows]


async def consents_out(app: AccountsApp, who: Caller, account_id: str, reason: str) -> ConsentsOut:
    records = await read_consents(
        uow=app.uow(),
        account_id=account_id,
        actor=who.actor.user,
        purpose=reason,
        now=app.clock.now(),
    )
    return ConsentsOut(
        current=[ConsentOut.model_validate(r) for r in current_consents(records).values()],
        history=[ConsentOut.model_validate(r) for r in records],
    )


@router.get(
    "/{account_id}/consents",
    response_model=ConsentsOut,
    responses=READ_REFUSALS,
    summary="The card's contacts' consent to marketing contact: in force and every record "
    "(the read is logged)",
)
async def get_consents(
    app: AccountsApp, read: ReadUow, who: Reader, reason: Purpose, account_id: str
) -> ConsentsOut:
    await load_account(read, who, account_id)
    return await consents_out(app, who, account_id, reason)


@router.post(
    "/{account_id}/contacts/{contact_id}/consent",
    response_model=ConsentsOut,
    status_code=201,
    responses=WRITE_REFUSALS,
    summary="Record that a contact gave or withdrew consent to marketing contact, and how "
    "(published as AccountContactConsentChanged; 404 contact_not_found)",
)
async def post_consent(
    app: AccountsApp,
    read: ReadUow,
    who: Worker,
    reason: Purpose,
    account_id: str,
    contact_id: Annotated[str, Path(max_length=32)],
    body: ConsentIn,
) -> ConsentsOut:
    await load_account(read, who, account_id)
    await record_consent(
        uow=app.uow(),
        command=RecordConsent(
            account_id, contact_id, body.state, body.channel, body.note, who.actor
        ),
        now=app.clock.now(),
    )
    return await consents_out(app, who, account_id, reason)


@router.get(
    "/{account_id}/purchases",
    responses=READ_REFUSALS,
    summary="Purchase summary derived from the account's orders",
)
async def purchases(app: AccountsApp, uow: ReadUow, who: Reader, account_id: str) -> dict[str, Any]:
    await load_account(uow, who, account_id)
    return await purchase_summary(uow=uow, account_id=account_id, now=app.clock.now())


@router.get(
    "/{account_id}/timeline",
    responses=READ_REFUSALS,
    summary="Orders, card changes, tier and lifecycle changes, VIP",
)
async def timeline(
    app: AccountsApp, uow: ReadUow, who: Reader, account_id: str
) -> list[dict[str, Any]]:
    await load_account(uow, who, account_id)
    return await uow.queries.timeline(account_id, app.settings.timeline_limit)
