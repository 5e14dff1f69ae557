"""Template filters for Buddhist Era dates: ``{% load thaidate %}``.

``{{ d|thai_date }}`` follows the page's language: ``9 มกราคม 2566`` on Thai pages, ``9 January 2023``
on English ones. Options, comma-separated: ``{{ d|thai_date:"thai" }}`` for Thai digits,
``{{ d|thai_date:"era" }}`` for ``พ.ศ.`` before the year, ``{{ d|thai_date:"thai,era" }}`` for both.
"""

from django import template
from django.utils.translation import get_language

from smartcity import thaidate

register = template.Library()


def _options(arg):
    options = {o.strip() for o in (arg or "").split(",") if o.strip()}
    unknown = options - {"thai", "era"}
    if unknown:
        raise template.TemplateSyntaxError(f"thai_date: unknown option(s) {sorted(unknown)}")
    return options


@register.filter
def thai_date(value, arg=""):
    if value in (None, ""):
        return ""
    options = _options(arg)
    return thaidate.format_date(
        value, language=get_language(), thai_digits="thai" in options, era="era" in options
    )


@register.filter
def be_year(value, arg=""):
    """The Buddhist Era year of a date or of a C.E. year number; ``"thai"`` for Thai digits."""
    if value in (None, ""):
        return ""
    year = str(thaidate.be_year(value))
    return thaidate.to_thai_digits(year) if "thai" in _options(arg) else year


@register.filter
def thai_digits(value):
    return thaidate.to_thai_digits(value)


@register.filter
def year_in_era(value):
    """A bare C.E. year (``2026``, as Django's date hierarchy writes its years) as the page writes it:
    ``2569`` on Thai pages, unchanged on English ones. Anything else is returned as it is."""
    text = str(value)
    if text.isascii() and text.isdigit() and len(text) == 4 and thaidate.thai_is_active():
        return str(thaidate.be_year(int(text)))
    return value
