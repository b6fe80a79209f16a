"""Default dates: the first working day of October (weekends and 3 October skipped), 30 November."""

import datetime

import pytest

from surveys import dates


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2026, datetime.date(2026, 10, 1)),  # Thursday
        (2023, datetime.date(2023, 10, 2)),  # 1 October is a Sunday
        (2022, datetime.date(2022, 10, 4)),  # Saturday, Sunday, then 3 October (holiday) on the Monday
        (2016, datetime.date(2016, 10, 4)),  # the same in the alliance's first year
        (2027, datetime.date(2027, 10, 1)),  # Friday
        (2028, datetime.date(2028, 10, 2)),  # Sunday → Monday 2 October
    ],
)
def test_first_working_day_of_october(year, expected):
    assert dates.default_send_on(year) == expected
    assert dates.is_working_day(expected)


def test_tag_der_deutschen_einheit_is_no_working_day():
    assert datetime.date(2025, 10, 3).weekday() == 4  # a Friday
    assert not dates.is_working_day(datetime.date(2025, 10, 3))
    assert dates.first_working_day_on_or_after(datetime.date(2025, 10, 3)) == datetime.date(2025, 10, 6)


def test_closing_and_reminder_days():
    assert dates.default_closes_on(2026) == datetime.date(2026, 11, 30)
    assert dates.reminder_days(closes_on=datetime.date(2026, 11, 30), offsets=[3, 14]) == [
        (datetime.date(2026, 11, 16), 14),
        (datetime.date(2026, 11, 27), 3),
    ]
