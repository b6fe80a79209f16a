"""Numbers on the survey pages in the language's format, a dash for "none"."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()

NO_VALUE = "–"


@register.filter
def decimal2(value):
    """A mean or median with two decimals at most: 3.666… → "3,67" in German; None → "–"."""
    if value is None or value == "":
        return NO_VALUE
    return floatformat(value, -2)


@register.filter
def percent(rate):
    """A share between 0 and 1 as a whole percentage with one decimal at most: 0.625 → "62,5 %"."""
    if rate is None or rate == "":
        return NO_VALUE
    return f"{floatformat(rate * 100, -1)} %"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
