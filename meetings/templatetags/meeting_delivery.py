from django import template

from meetings.delivery import delivery_summary as summarise

register = template.Library()


@register.simple_tag
def delivery_summary(meeting):
    """{% delivery_summary meeting as summary %}: sent/failed/pending counts and latest failures."""
    return summarise(meeting.pk)
