"""Numbers in the report: one decimal at most, the language's decimal mark, a dash for "none"."""

from django import template
from django.template.defaultfilters import floatformat

from surveys.templatetags import surveys_format

register = template.Library()

NO_VALUE = "–"


@register.filter
def number(value):
    """12.25 → "12,3" in German, 4.0 → "4", 1067931.5 → "1.067.931,5"; None → "–"."""
    if value is None or value == "":
        return NO_VALUE
    return floatformat(value, "-1g")


# A survey mean or median with one decimal, exactly as on the survey's results page.
register.filter("mean", surveys_format.mean)


@register.filter
def signed(value):
    """A deviation with its sign: +2, −1,5, 0."""
    if value is None or value == "":
        return NO_VALUE
    text = floatformat(abs(value), "-1g")
    if text in ("0", "0,0", "0.0"):
        return "0"
    return f"+{text}" if value > 0 else f"−{text}"


@register.filter
def percent(rate):
    """A share between 0 and 1 as a percentage with one decimal at most: 0.625 → "62,5 %"."""
    if rate is None or rate == "":
        return NO_VALUE
    return f"{floatformat(rate * 100, -1)} %"
