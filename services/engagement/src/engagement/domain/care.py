"""Care touches: birthdays, company anniversaries, holiday greetings and meeting invitations."""

from datetime import date, timedelta

from engagement.domain.calendar import Holiday


def care_touch(
    *, month: int, day: int, today: date, lead_days: int = 3, horizon_end: date
) -> tuple[date, date] | None:
    for year in (today.year, today.year + 1):
        try:
            occurs = date(year, month, day)
        except ValueError:
            occurs = date(year, 2, 28)
        if occurs >= today:
            break
    if occurs > horizon_end:
        return None
    return max(today, occurs - timedelta(days=lead_days)), occurs


def holiday_greetings(
    *, holidays: list[Holiday], today: date, horizon_end: date, lead_days: int = 3
) -> list[tuple[Holiday, date, date]]:
    firsts = [
        h
        for h in sorted(holidays, key=lambda h: h.on)
        if h.on - timedelta(days=1) not in {x.on for x in holidays}
    ]
    return [
        (h, max(today, h.on - timedelta(days=lead_days)), h.on)
        for h in firsts
        if today <= h.on <= horizon_end
    ]


def annual_meeting_invitation(
    *, meeting_on: date, today: date, invite_weeks_ahead: int = 4
) -> tuple[date, date] | None:
    due = meeting_on - timedelta(weeks=invite_weeks_ahead)
    if meeting_on < today:
        return None
    return max(today, due), max(today, due + timedelta(days=7))
