"""Default dates of the yearly survey.

Working days are Monday to Friday without the nationwide public holidays on fixed dates
(New Year, 1 May, 3 October – Tag der Deutschen Einheit –, Christmas). Holidays that move with
Easter and those of single states are not known here: none of them can fall in early October,
which is all the defaults need.
"""

import datetime

# (month, day) of the public holidays that are the same date every year in all of Germany.
FIXED_NATIONAL_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 3), (12, 25), (12, 26)})
DEFAULT_REMINDER_OFFSETS = (14, 3)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_NATIONAL_HOLIDAYS


def first_working_day_on_or_after(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def default_send_on(year: int) -> datetime.date:
    """The first working day of October: 1 October, unless that is a weekend or 3 October follows it."""
    return first_working_day_on_or_after(datetime.date(year, 10, 1))


def default_closes_on(year: int) -> datetime.date:
    return datetime.date(year, 11, 30)


def reminder_days(*, closes_on: datetime.date, offsets) -> list[tuple[datetime.date, int]]:
    """(day, offset) of each reminder, earliest first."""
    return sorted((closes_on - datetime.timedelta(days=offset), offset) for offset in offsets)
