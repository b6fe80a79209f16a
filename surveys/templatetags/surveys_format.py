"""Numbers on the survey pages in the language's format, a dash for "none"."""

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()

NO_VALUE = "–"


@register.filter
def mean(value):
    """A mean or median of a scale always with one decimal, as the controlling report shows it:
    3 → "3,0", 3.666… → "3,7" in German; None → "–"."""
    if value is None or value == "":
        return NO_VALUE
    return floatformat(value, 1)


@register.filter
def percent(rate):
    """A share between 0 and 1 as a whole percentage with one decimal at most: 0.625 → "62,5 %"."""
    if rate is None or rate == "":
        return NO_VALUE
    return f"{floatformat(rate * 100, -1)} %"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
