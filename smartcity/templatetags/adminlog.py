from django import template

from smartcity import adminlog

register = template.Library()


@register.filter
def change_sentence(log):
    """An admin log entry's change as sentences in the page's language."""
    return adminlog.change_sentence(log)
