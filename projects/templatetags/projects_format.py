"""Numbers of indicators: the language's decimal mark and thousands separator, no trailing zeros."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import floatformat
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

register = template.Library()

NO_VALUE = "–"

# The decimal mark and thousands separator per language (None: not grouped by three, left to
# floatformat). floatformat() looks up three formats for every number; indicator tables show
# hundreds of numbers.
_separators_by_language: dict[str, tuple[str, str] | None] = {}


@receiver(setting_changed)
def _forget_separators(**kwargs) -> None:
    _separators_by_language.clear()


def _separators() -> tuple[str, str] | None:
    language = get_language()
    if language not in _separators_by_language:
        grouped_by_three = formats.get_format("NUMBER_GROUPING") == 3
        _separators_by_language[language] = (
            (formats.get_format("DECIMAL_SEPARATOR"), formats.get_format("THOUSAND_SEPARATOR"))
            if grouped_by_three
            else None
        )
    return _separators_by_language[language]


def _localized(value: Decimal, places: int, *, grouped: bool, separators=False) -> str:
    """What floatformat(value, places) gives (with "g": grouped by thousands), in a fraction of
    the time: `places` decimals, rounded half up, no minus sign on a zero. `separators`: those of
    _separators(), when a caller formats many numbers."""
    if separators is False:
        separators = _separators()
    if separators is None or not value.is_finite():
        return floatformat(value, f"{places}g" if grouped else places)
    try:
        rounded = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context holds
        return floatformat(value, f"{places}g" if grouped else places)
    rounded = rounded or abs(rounded)  # "0,0", never "-0,0"
    text = f"{rounded:{',' if grouped else ''}.{places}f}"
    decimal_mark, thousands = separators
    # Only digits, a minus sign and the language's separators: nothing to escape.
    return SafeString(text.replace(",", "\0").replace(".", decimal_mark).replace("\0", thousands))


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@register.filter
def number(value, reference=None, *, separators=False):
    """Decimal("1067931.000") → "1.067.931" in German, Decimal("177.277") → "177,3"; None → "–".

    From 10 on one decimal is enough for reading (the stored value stays exact); below 10 up to
    three decimals stay visible. With a `reference` (e.g. the actual value next to a deviation),
    its size decides instead, so a column reads with one precision.
    """
    if value is None or value == "":
        return NO_VALUE
    value = _decimal(value)
    size = abs(value)
    if reference not in (None, ""):
        size = max(size, abs(_decimal(reference)))
    places = min(_decimals(value), 1 if size >= 10 else 3)
    return _localized(value, places, grouped=True, separators=separators)


@register.filter
def money(value):
    """Euros: 18000 → "18.000", 120000.5 → "120.000,50"; None → "–"."""
    if value is None or value == "":
        return NO_VALUE
    return floatformat(Decimal(str(value)), "-2g")


@register.filter
def signed(value, reference=None, *, separators=False):
    """A deviation with its sign: +295, −8, 0; as precise as the `reference` value it belongs to."""
    if value is None or value == "":
        return NO_VALUE
    value = _decimal(value)
    if value == 0:
        return "0"
    text = number(abs(value), reference, separators=separators)
    return SafeString(f"+{text}" if value > 0 else f"−{text}")


@register.filter
def percent(ratio, *, separators=False):
    """A fraction as a signed percentage with one decimal at most: 0.059 → "+5,9 %"."""
    if ratio is None or ratio == "":
        return NO_VALUE
    value = _decimal(ratio) * 100
    size = abs(value)
    # floatformat(size, -1): whole numbers without decimals, others with one.
    places = 0 if size == size.to_integral_value() else 1
    text = _localized(size, places, grouped=False, separators=separators)
    if text in ("0", "0,0", "0.0"):
        return "0 %"
    return SafeString(f"+{text} %" if value > 0 else f"−{text} %")


def indicator_table(rows) -> list[dict]:
    """The cells of an indicator's table (IndicatorRows), formatted as the filters above do."""
    separators = _separators()
    return [
        {
            "year": str(row.year),
            "target": number(row.target, separators=separators),
            "actual": number(row.actual, separators=separators),
            "deviation": signed(row.deviation, row.target, separators=separators),
            "deviation_ratio": percent(row.deviation_ratio, separators=separators),
            "status": row.status,
            "status_label": row.status_label,
        }
        for row in rows
    ]


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
