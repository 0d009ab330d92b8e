"""The local read model of accounts, kept from the accounts and ERP events."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Row, String, column, func, select, update, values
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.auth import Managers
from chassis.db import is_any_of, managed_by, upsert_statement
from engagement.adapters.tables import accounts, contact_consents, key_dates
from engagement.domain.accounts import Account, ConsentChange, KeyDate


def _account(row: Row[Any]) -> Account:
    return Account(
        account_id=row.account_id,
        name=row.name,
        manager=row.manager,
        registered=row.registered,
        grade=row.grade,
        value_class=row.value_class,
        abc_class=row.abc_class,
        vip=row.vip,
        lifecycle=row.lifecycle,
        first_order_on=row.first_order_on,
        last_done_on=row.last_done_on,
        plan_policy_version=row.plan_policy_version,
        reschedule_count=row.reschedule_count,
    )


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: str, *, managers: Managers) -> Account | None:
        """The account, when its manager is one of `managers` (None: anyone's)."""
        row = (
            await self._session.execute(
                select(accounts).where(
                    accounts.c.account_id == account_id, managed_by(accounts.c.manager, managers)
                )
            )
        ).first()
        return _account(row) if row is not None else None

    async def registered(self) -> list[Account]:
        """Every registered account (unlocked), for picking those a change concerns."""
        rows = await self._session.execute(select(accounts).where(accounts.c.registered))
        return [_account(row) for row in rows]

    async def lock(self, account_ids: Iterable[str]) -> dict[str, Account]:
        """The accounts, locked for this transaction in id order (no deadlock between two
        workers planning overlapping accounts)."""
        wanted = sorted(set(account_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(accounts)
            .where(is_any_of(accounts.c.account_id, wanted))
            .order_by(accounts.c.account_id)
            .with_for_update()
        )
        return {row.account_id: _account(row) for row in rows}

    async def claim_behind_policy(self, version: int, limit: int) -> list[str]:
        """Accounts whose plan is not yet on policy `version`, locked; other workers skip them."""
        rows = await self._session.scalars(
            select(accounts.c.account_id)
            .where(
                accounts.c.registered,
                func.coalesce(accounts.c.plan_policy_version, 0) < version,
            )
            .order_by(accounts.c.account_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(rows)

    async def count_behind_policy(self, version: int) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(accounts)
            .where(
                accounts.c.registered,
                func.coalesce(accounts.c.plan_policy_version, 0) < version,
            )
        )
        return int(count or 0)

    async def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Merge account facts; each row names only the columns its event knows."""
        for columns in {tuple(sorted(row)) for row in rows}:
            same_shape = [row for row in rows if tuple(sorted(row)) == columns]
            await self._session.execute(
                upsert_statement(accounts, same_shape, ["account_id"]), same_shape
            )

    async def ensure(self, account_ids: Iterable[str]) -> None:
        """A row for each account, so an event seen before the account's registration has
        somewhere to go (the registration fills it in)."""
        wanted = sorted(set(account_ids))
        if wanted:
            await self._session.execute(
                insert(accounts)
                .values([{"account_id": account_id} for account_id in wanted])
                .on_conflict_do_nothing(index_elements=["account_id"])
            )

    async def record_first_orders(self, first_orders: dict[str, date]) -> dict[str, date]:
        """Note each account's first order day where none was known yet; returns the accounts
        whose first order this is, with its day."""
        if not first_orders:
            return {}
        await self.ensure(first_orders)
        seen = values(column("account_id", String), column("placed_on", Date), name="seen").data(
            list(first_orders.items())
        )
        rows = await self._session.execute(
            update(accounts)
            .where(accounts.c.account_id == seen.c.account_id, accounts.c.first_order_on.is_(None))
            .values(first_order_on=seen.c.placed_on)
            .returning(accounts.c.account_id, accounts.c.first_order_on)
        )
        return {row.account_id: row.first_order_on for row in rows}

    async def mark_planned(self, account_ids: Sequence[str], *, policy_version: int) -> None:
        """The accounts' plans are current with policy `policy_version`."""
        if account_ids:
            await self._session.execute(
                update(accounts)
                .where(is_any_of(accounts.c.account_id, account_ids))
                .values(plan_policy_version=policy_version)
            )

    async def record_done(self, account_id: str, day: date) -> None:
        """A visit was done on `day`: the cadence counts from the latest one."""
        await self._session.execute(
            update(accounts)
            .where(accounts.c.account_id == account_id)
            .values(last_done_on=func.greatest(func.coalesce(accounts.c.last_done_on, day), day))
        )

    async def count_reschedule(self, account_id: str) -> int:
        """One more moved item for the account; returns its new count."""
        count = await self._session.scalar(
            update(accounts)
            .where(accounts.c.account_id == account_id)
            .values(reschedule_count=accounts.c.reschedule_count + 1)
            .returning(accounts.c.reschedule_count)
        )
        return int(count or 0)

    async def key_dates(self, account_ids: Iterable[str]) -> dict[str, list[KeyDate]]:
        wanted = list(set(account_ids))
        found: dict[str, list[KeyDate]] = {account_id: [] for account_id in wanted}
        if wanted:
            rows = await self._session.execute(
                select(key_dates).where(is_any_of(key_dates.c.account_id, wanted))
            )
            for row in rows:
                found[row.account_id].append(KeyDate(row.reference, row.kind, row.month, row.day))
        return found

    async def drop_key_dates(self, account_id: str, references: Sequence[str]) -> None:
        """Forget the account's yearly dates of these card references (erased contacts)."""
        await self._session.execute(
            key_dates.delete().where(
                key_dates.c.account_id == account_id, is_any_of(key_dates.c.reference, references)
            )
        )

    async def replace_key_dates(self, account_id: str, dates: Sequence[KeyDate]) -> None:
        await self._session.execute(key_dates.delete().where(key_dates.c.account_id == account_id))
        if dates:
            await self._session.execute(
                key_dates.insert(),
                [
                    {
                        "account_id": account_id,
                        "reference": key_date.reference,
                        "kind": key_date.kind,
                        "month": key_date.month,
                        "day": key_date.day,
                    }
                    for key_date in dates
                ],
            )

    async def record_consents(self, changes: Sequence[ConsentChange]) -> None:
        """Keep each contact's consent in force: a change older than the one kept (seen late)
        changes nothing."""
        if not changes:
            return
        statement = insert(contact_consents)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["account_id", "contact_reference"],
                set_={
                    "state": statement.excluded.state,
                    "changed_at": statement.excluded.changed_at,
                },
                where=contact_consents.c.changed_at < statement.excluded.changed_at,
            ),
            [
                {
                    "account_id": change.account_id,
                    "contact_reference": change.contact_reference,
                    "state": change.state,
                    "changed_at": change.changed_at,
                }
                for change in changes
            ],
        )

    async def withdrawn_consents(
        self, account_ids: Iterable[str]
    ) -> dict[str, dict[str, datetime]]:
        """Per account, its contacts whose consent is withdrawn and since when."""
        wanted = list(set(account_ids))
        found: dict[str, dict[str, datetime]] = {account_id: {} for account_id in wanted}
        if wanted:
            rows = await self._session.execute(
                select(contact_consents).where(
                    is_any_of(contact_consents.c.account_id, wanted),
                    contact_consents.c.state == "withdrawn",
                )
            )
            for row in rows:
                found[row.account_id][row.contact_reference] = row.changed_at
        return found
