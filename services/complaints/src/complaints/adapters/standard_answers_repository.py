"""Standard answers agents pick from, per category (read through `queries`)."""

from sqlalchemy.ext.asyncio import AsyncSession

from complaints.adapters.tables import standard_answers


class StandardAnswerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, *, category: str, title: str, body: str) -> int:
        answer_id = await self._session.scalar(
            standard_answers.insert()
            .values(category=category, title=title, body=body)
            .returning(standard_answers.c.id)
        )
        return int(answer_id or 0)
