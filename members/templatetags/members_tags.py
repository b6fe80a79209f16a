from django import template

register = template.Library()


@register.filter
def minutes(duration) -> int:
    """Whole minutes of a timedelta (the login lockout's cool-off), rounded up."""
    if duration is None:
        return 0
    return -(-int(duration.total_seconds()) // 60)
