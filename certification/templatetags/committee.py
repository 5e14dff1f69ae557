"""Template tags of the committee's admin pages."""

from django import template

from .. import queues

register = template.Library()


@register.inclusion_tag("admin/certification/_work_queue.html", takes_context=True)
def work_queue(context):
    """What waits for the signed-in staff member, for the admin's index page."""
    return {"items": queues.work_queue(context["request"].user)}
