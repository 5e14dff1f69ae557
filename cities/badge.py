"""The embeddable badge of a certified area: a small SVG that shows its current status.

A badge is shown inside other sites' pages as an ``<img>``, where it can load no font of ours and where
the reader's machine may have no Thai font at all. So it carries its own: the few glyphs of Sarabun it
uses, cut out of the font with fontTools and embedded as a WOFF2 data URI (a few kilobytes). Its text is
measured with the same font, so the two halves always fit what they say.
"""

import base64
import io
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.utils.html import format_html
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import ImageFont

FONT = "fonts/sarabun/Sarabun-SemiBold.ttf"
SIZE = 11  # px
PADDING = 8  # px either side of each half's text
HEIGHT = 20
COLOURS = {"active": "#146c43", "expired": "#8a5a00", "revoked": "#b02a37"}
LEFT_COLOUR = "#0b5d8a"


@lru_cache(maxsize=1)
def _measure():
    return ImageFont.truetype(finders.find(FONT), SIZE * 10)


def text_width(text):
    """The width of ``text`` in the badge's font, in px (rounded up)."""
    return int(_measure().getlength(text) / 10) + 1


@lru_cache(maxsize=256)
def font_data_uri(characters):
    """Sarabun cut down to ``characters``, as a ``data:font/woff2`` URI."""
    font = TTFont(finders.find(FONT))
    subsetter = subset.Subsetter(subset.Options(layout_features=["*"], name_IDs=[], notdef_outline=True))
    subsetter.populate(text=characters)
    subsetter.subset(font)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    font.save(buffer)
    return "data:font/woff2;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def width(left, right):
    return text_width(left) + text_width(right) + 4 * PADDING


def render(left, right, *, status, label):
    """The badge as SVG text: ``left`` on the programme's colour, ``right`` on the status's colour."""
    left_width, right_width = text_width(left) + 2 * PADDING, text_width(right) + 2 * PADDING
    font = font_data_uri("".join(sorted(set(left + right))))
    return str(
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            'role="img" aria-label="{label}"><title>{label}</title>'
            "<style>@font-face{{font-family:BadgeSarabun;src:url({font}) format('woff2')}}"
            "text{{font-family:BadgeSarabun,sans-serif;font-size:{size}px;fill:#fff}}</style>"
            '<rect width="{w}" height="{h}" rx="3" fill="{colour}"/>'
            '<rect width="{lw}" height="{h}" rx="3" fill="{left_colour}"/>'
            '<rect x="{lw_inner}" width="3" height="{h}" fill="{left_colour}"/>'
            '<text x="{pad}" y="14">{left}</text><text x="{rx}" y="14">{right}</text></svg>',
            w=left_width + right_width,
            h=HEIGHT,
            lw=left_width,
            lw_inner=left_width - 3,
            rx=left_width + PADDING,
            pad=PADDING,
            size=SIZE,
            font=font,
            colour=COLOURS.get(status, "#555"),
            left_colour=LEFT_COLOUR,
            left=left,
            right=right,
            label=label,
        )
    )
