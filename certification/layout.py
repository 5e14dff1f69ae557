"""How wide a line of document text prints, and what must fit on one line of each template: the
pre-flight check (``selectors.preflight``) measures texts before anything renders."""

from django.contrib.staticfiles import finders
from PIL import ImageFont

from .enums import DocumentKind

# The template version new documents are issued with (templates/documents/<kind>/<version>.html). A
# document keeps the version it was issued with, so that rendering it again gives the same PDF.
CURRENT_TEMPLATE_VERSION = "v1"

# What must fit on one line, per kind: (snapshot key, bold, font size in pt, width available in mm),
# as laid out by the templates of CURRENT_TEMPLATE_VERSION.
LAYOUT_LIMITS = {
    DocumentKind.AWARD_CERTIFICATE: [
        ("area_th", True, 30, 253),
        ("area_detail_th", False, 16, 190),  # followed by the provinces
        ("organisation_th", False, 16, 253),
    ],
    DocumentKind.PLAQUE: [
        ("area_th", True, 40, 252),
        ("area_detail_th", False, 24, 252),
        ("provinces_th", False, 24, 252),
    ],
    DocumentKind.PROMOTION_ZONE_CERTIFICATE: [
        ("area_th", True, 28, 253),
        ("area_detail_th", False, 16, 190),
        ("organisation_th", False, 16, 253),
    ],
}


SIGNATORY_LIMITS = [("name", 14, 75), ("position", 14, 75)]


def _fonts():
    if not hasattr(_fonts, "cache"):
        _fonts.cache = {
            bold: ImageFont.truetype(finders.find(f"fonts/sarabun/Sarabun-{name}.ttf"), 100)
            for bold, name in ((False, "Regular"), (True, "Bold"))
        }
    return _fonts.cache


def text_width_mm(text, *, bold, size_pt):
    """The width of one line of text in Sarabun, in millimetres."""
    return _fonts()[bold].getlength(text) / 100 * size_pt * 25.4 / 72
