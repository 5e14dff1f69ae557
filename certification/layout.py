"""How wide a line of document text prints, and how each text of a template fits its place: the size a
name is printed at (shrunk from its nominal size down to a minimum, then wrapped), and the pre-flight
check (``selectors.preflight``) that says, before anything renders, which texts cannot fit.

Version 2 of the templates never clips and never lets a text run into the signatures or the QR code:
``fit`` gives every fitted text its size and number of lines here, and the renderer checks the laid-out
page (``documents.check_zones``) so that a text that still does not fit its place fails the document,
visibly, instead of being printed over something else.
"""

import math
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from PIL import ImageFont

from .enums import DocumentKind

# The template version new documents are issued with (templates/documents/<kind>/<version>.html). A
# document keeps the version it was issued with, so that rendering it again gives the same PDF.
CURRENT_TEMPLATE_VERSION = "v2"

# Version 1: what must fit on one line (names were printed on one line, never wrapped), per kind:
# (snapshot key, bold, font size in pt, width available in mm).
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


@dataclass(frozen=True, slots=True)
class Place:
    """Where a text of version 2 prints: its snapshot key, weight, nominal and smallest size (pt), the
    width of its line (mm) and the most lines it may take at the smallest size."""

    key: str
    bold: bool
    size: float
    minimum: float
    width: float
    max_lines: int


# Version 2, kept in step with templates/documents/*/v2.css (the widths are those of the boxes there).
PLACES = {
    DocumentKind.AWARD_CERTIFICATE: [
        Place("area_th", True, 30, 16, 253, 3),
        Place("place_th", False, 16, 12, 253, 2),
        Place("organisation_th", False, 16, 12, 253, 2),
        Place("reason_th", False, 16, 12, 253, 2),
        Place("statement_en", False, 11, 9, 253, 2),
    ],
    DocumentKind.PLAQUE: [
        Place("area_th", True, 40, 20, 252, 4),
        Place("area_detail_th", False, 24, 16, 252, 2),
        Place("provinces_th", False, 24, 16, 252, 2),
    ],
    DocumentKind.PROMOTION_ZONE_CERTIFICATE: [
        Place("area_th", True, 28, 16, 253, 3),
        Place("place_th", False, 16, 12, 253, 2),
        Place("organisation_th", False, 16, 12, 253, 2),
        Place("reason_th", False, 16, 12, 253, 2),
        Place("resolution_th", False, 16, 12, 253, 2),
        Place("statement_en", False, 11, 9, 253, 2),
    ],
}
SIGNATORY_PLACES = [Place("name", False, 13, 10, 66, 2), Place("position", False, 12, 9, 66, 2)]

# Line breaks fall between words (Thai words too, found by a dictionary), so a wrapped line is never
# full: a text is given as many lines as its width needs at this share of the line.
WRAPPED_LINE_SHARE = 0.88
# Pillow measures a line a little narrower than Pango lays it out: a text fits one line with this margin.
ONE_LINE_SHARE = 0.95
SIZE_STEP = 0.5


@dataclass(frozen=True, slots=True)
class Fit:
    size: float
    lines: int
    fits: bool

    @property
    def style(self):
        return f"font-size: {self.size:g}pt"


def fit(text, place):
    """The size (pt) and number of lines of ``text`` in ``place``: the largest size, from the nominal
    one down to the smallest, at which it fits on one line; otherwise the smallest size, wrapped. It
    does not fit when it would need more lines than the place has."""
    width = text_width_mm(text, bold=place.bold, size_pt=place.size) if text else 0.0
    line = place.width * ONE_LINE_SHARE
    if width <= line:
        return Fit(place.size, 1, True)
    size = math.floor(place.size * line / width / SIZE_STEP) * SIZE_STEP
    if size >= place.minimum:
        return Fit(size, 1, True)
    at_minimum = width * place.minimum / place.size
    lines = max(2, math.ceil(at_minimum / (place.width * WRAPPED_LINE_SHARE)))
    return Fit(place.minimum, lines, lines <= place.max_lines)


def fits(kind, data):
    """{key: Fit} for the texts of a version-2 document, and [{name: Fit, position: Fit}] for its
    signatories."""
    texts = {place.key: fit(data.get(place.key) or "", place) for place in PLACES[kind]}
    signatories = [
        {place.key: fit(signatory.get(place.key) or "", place) for place in SIGNATORY_PLACES}
        for signatory in data.get("signatories", [])
    ]
    return texts, signatories


def misfits(kind, template_version, data):
    """The texts of a document that would not print whole in its template version, as [(text,
    place)] (place is None for version 1, whose lines never wrap)."""
    if template_version == "v1":
        found = [
            (data.get(key, ""), None)
            for key, bold, size, width in LAYOUT_LIMITS[kind]
            if data.get(key) and text_width_mm(data[key], bold=bold, size_pt=size) > width
        ]
        found += [
            (signatory[key], None)
            for signatory in data.get("signatories", [])
            for key, size, width in SIGNATORY_LIMITS
            if text_width_mm(signatory[key], bold=False, size_pt=size) > width
        ]
        return found
    found = [(data.get(p.key) or "", p) for p in PLACES[kind] if not fit(data.get(p.key) or "", p).fits]
    for signatory in data.get("signatories", []):
        found += [(signatory[p.key], p) for p in SIGNATORY_PLACES if not fit(signatory[p.key], p).fits]
    return found


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
