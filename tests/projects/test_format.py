"""How indicator numbers and periods read on the pages (German)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from projects.templatetags.projects_format import money, number, percent, period, signed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1067931.000"), "1.067.931"),
        (Decimal("177.277"), "177,3"),
        (Decimal("5.250"), "5,25"),
        (Decimal("0.125"), "0,125"),
        (Decimal("12.50"), "12,5"),
        (None, "–"),
    ],
)
def test_number(value, expected):
    with translation.override("de"):
        assert number(value) == expected


def test_signed_percent_and_money():
    with translation.override("de"):
        assert signed(Decimal("-205")) == "−205"
        assert signed(Decimal("2.977")) == "+2,977"
        assert signed(Decimal("0")) == "0"
        assert percent(Decimal("-0.108")) == "−10,8 %"
        assert percent(Decimal("0.07")) == "+7 %"
        assert money(Decimal("18000")) == "18.000"
        assert money(Decimal("120000.5")) == "120.000,50"


def test_a_deviation_is_as_precise_as_the_values_it_compares():
    with translation.override("de"):
        # 57,8 t against 54,0 t: the deviation reads +3,8, not +3,82.
        assert signed(Decimal("3.820"), Decimal("53.960")) == "+3,8"
        assert signed(Decimal("-5.936"), Decimal("127.795")) == "−5,9"
        # Small values keep their decimals.
        assert signed(Decimal("0.125"), Decimal("2.5")) == "+0,125"
        assert number(Decimal("3.820"), None) == "3,82"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (datetime.date(2016, 5, 1), datetime.date(2020, 12, 31), "01.05.2016 – 31.12.2020"),
        (datetime.date(2016, 5, 1), None, "seit 01.05.2016"),
        (None, datetime.date(2020, 12, 31), "bis 31.12.2020"),
        (None, None, "–"),
    ],
)
def test_period(start, end, expected):
    with translation.override("de"):
        assert period(start, end) == expected


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    "value",
    [
        "0",
        "-0.0004",
        "0.0005",
        "-0.05",
        "9.9995",
        "9.99949",
        "12.25",
        "-12.25",
        "1000",
        "-1067931.000",
        "999999999999999.999",
        "0.125",
        "177.277",
    ],
)
def test_numbers_read_as_with_floatformat(language, value):
    """The filters format in Python what floatformat gave: the same text, much faster."""
    from django.template.defaultfilters import floatformat

    value = Decimal(value)
    with translation.override(language):
        size = abs(value)
        places = min(max(0, -value.normalize().as_tuple().exponent), 1 if size >= 10 else 3)
        assert number(value) == floatformat(value, f"{places}g")
        ratio = value / 1000
        expected = floatformat(abs(ratio * 100), -1)
        expected = "0 %" if expected in ("0", "0,0", "0.0") else f"{'+' if ratio > 0 else '−'}{expected} %"
        assert percent(ratio) == expected
