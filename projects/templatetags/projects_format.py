"""Numbers of indicators: the language's decimal mark and thousands separator, no trailing zeros."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.translation import gettext

register = template.Library()

NO_VALUE = "–"


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@register.filter
def number(value, reference=None):
    """Decimal("1067931.000") → "1.067.931" in German, Decimal("177.277") → "177,3"; None → "–".

    From 10 on one decimal is enough for reading (the stored value stays exact); below 10 up to
    three decimals stay visible. With a `reference` (e.g. the actual value next to a deviation),
    its size decides instead, so a column reads with one precision.
    """
    if value is None or value == "":
        return NO_VALUE
    value = Decimal(str(value))
    size = abs(value)
    if reference not in (None, ""):
        size = max(size, abs(Decimal(str(reference))))
    places = min(_decimals(value), 1 if size >= 10 else 3)
    return floatformat(value, f"{places}g")


@register.filter
def money(value):
    """Euros: 18000 → "18.000", 120000.5 → "120.000,50"; None → "–"."""
    if value is None or value == "":
        return NO_VALUE
    return floatformat(Decimal(str(value)), "-2g")


@register.filter
def signed(value, reference=None):
    """A deviation with its sign: +295, −8, 0; as precise as the `reference` value it belongs to."""
    if value is None or value == "":
        return NO_VALUE
    value = Decimal(str(value))
    if value == 0:
        return "0"
    text = number(abs(value), reference)
    return f"+{text}" if value > 0 else f"−{text}"


@register.filter
def percent(ratio):
    """A fraction as a signed percentage with one decimal at most: 0.059 → "+5,9 %"."""
    if ratio is None or ratio == "":
        return NO_VALUE
    value = Decimal(str(ratio)) * 100
    text = floatformat(abs(value), -1)
    if text in ("0", "0,0", "0.0"):
        return "0 %"
    return f"+{text} %" if value > 0 else f"−{text} %"


@register.simple_tag
def period(start, end) -> str:
    """A project's period: "01.05.16 – 31.12.20", "since 01.05.16", "until 31.12.20" or "–"."""
    start_text = formats.date_format(start, "SHORT_DATE_FORMAT") if start else ""
    end_text = formats.date_format(end, "SHORT_DATE_FORMAT") if end else ""
    if start and end:
        return f"{start_text} – {end_text}"
    if start:
        return gettext("since %(start)s") % {"start": start_text}
    if end:
        return gettext("until %(end)s") % {"end": end_text}
    return NO_VALUE
