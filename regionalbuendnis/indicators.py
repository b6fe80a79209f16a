"""Target vs actual: deviation and traffic light, shared by project indicators and controlling KPIs.

Green: the target is met. Amber: missed by at most `tolerance` (a fraction of the target).
Red: missed by more. For "lower is better" indicators the comparison is inverted.
"""

from decimal import Decimal

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
DEFAULT_TOLERANCE = 0.1


def _exact(value) -> Decimal:
    # Via str: 0.3 is 0.3, not 0.299999…, so the tolerance edge is decided as written.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _same_kind(actual, target):
    """Decimal and float do not mix in Python arithmetic; turn both into Decimal when they differ."""
    if isinstance(actual, Decimal) != isinstance(target, Decimal):
        return _exact(actual), _exact(target)
    return actual, target


def deviation(actual, target):
    """Actual minus target, or None when either is missing."""
    if actual is None or target is None:
        return None
    actual, target = _same_kind(actual, target)
    return actual - target


def deviation_ratio(actual, target):
    """Deviation as a fraction of the target (0.25 = 25 % above), None when undefined."""
    if actual is None or target in (None, 0):
        return None
    actual, target = _same_kind(actual, target)
    return (actual - target) / target


def traffic_light(actual, target, *, higher_is_better: bool = True, tolerance=DEFAULT_TOLERANCE) -> str:
    if actual is None or target is None:
        return NONE
    actual, target, tolerance = _exact(actual), _exact(target), _exact(tolerance)
    met = actual >= target if higher_is_better else actual <= target
    if met:
        return GREEN
    allowed = abs(target) * tolerance
    shortfall = target - actual if higher_is_better else actual - target
    return AMBER if shortfall <= allowed else RED


def traffic_light_label(status: str) -> str:
    """Text that carries the meaning too (colour is never the only carrier)."""
    from django.utils.translation import gettext

    return {
        GREEN: gettext("on target"),
        AMBER: gettext("slightly off target"),
        RED: gettext("off target"),
        NONE: gettext("no data"),
    }[status]
