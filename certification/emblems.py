"""The emblem printed on a round's documents: an uploaded SVG, cleaned, or a PNG, checked like every
upload (size, type by content). Without one, the documents carry the programme's own mark
(``static/documents/programme-mark.svg``).

An SVG is a program as much as a picture: it may hold scripts, event handlers, links and references
to files elsewhere. The cleaner keeps only the drawing: it rebuilds the file from the SVG elements and
attributes that draw shapes, gradients and text, and drops everything else — scripts, ``foreignObject``,
embedded or linked images, style sheets, animations, event handlers, and every reference that does not
point inside the file itself. A file that declares entities is refused before it is parsed.
"""

import io
import re
import xml.etree.ElementTree as ET

from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .uploads import UploadRefused

EMBLEM_MAX_BYTES = 2 * 1024 * 1024
PNG_MAX_SIDE = 4000
DEFAULT_EMBLEM_URL = "/static/documents/programme-mark.svg"

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
ET.register_namespace("xlink", XLINK)

ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "title",
        "desc",
        "symbol",
        "use",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
    ]
)
ATTRIBUTES = frozenset(
    [
        "id",
        "class",
        "viewBox",
        "preserveAspectRatio",
        "width",
        "height",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "fx",
        "fy",
        "d",
        "points",
        "transform",
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-dasharray",
        "stroke-dashoffset",
        "opacity",
        "color",
        "display",
        "visibility",
        "clip-path",
        "clip-rule",
        "mask",
        "offset",
        "stop-color",
        "stop-opacity",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "patternUnits",
        "patternContentUnits",
        "patternTransform",
        "clipPathUnits",
        "maskUnits",
        "maskContentUnits",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "dominant-baseline",
        "letter-spacing",
        "dx",
        "dy",
        "style",
        "version",
    ]
)
# A reference is allowed only to something inside the file: url(#id) or href="#id".
_EXTERNAL_URL = re.compile(r"url\(\s*(?!['\"]?#)", re.IGNORECASE)
_DANGEROUS_STYLE = re.compile(r"@import|expression\s*\(|javascript:", re.IGNORECASE)


def _local(name):
    return name.rsplit("}", 1)[-1]


def _namespace(name):
    return name[1:].split("}", 1)[0] if name.startswith("{") else ""


def _clean_style(value):
    declarations = [d for d in value.split(";") if d.strip()]
    kept = [d.strip() for d in declarations if not (_EXTERNAL_URL.search(d) or _DANGEROUS_STYLE.search(d))]
    return "; ".join(kept)


def _clean_element(element):
    """Keeps the element's drawing attributes; returns False when the element itself must go."""
    if _namespace(element.tag) != SVG or _local(element.tag) not in ELEMENTS:
        return False
    for name, value in list(element.attrib.items()):
        namespace, local = _namespace(name), _local(name)
        keep = False
        if local == "href" and namespace in ("", XLINK):
            keep = value.strip().startswith("#")
        elif namespace == XML and local == "space":
            keep = True
        elif namespace == "" and local in ATTRIBUTES and not local.startswith("on"):
            keep = not (_EXTERNAL_URL.search(value) or _DANGEROUS_STYLE.search(value))
            if keep and local == "style":
                element.set(name, _clean_style(value))
        if not keep:
            del element.attrib[name]
    for child in list(element):
        if not _clean_element(child):
            element.remove(child)
    return True


def clean_svg(content: bytes) -> bytes:
    """The drawing of an SVG file without anything that runs or fetches; UploadRefused if it is not an
    SVG drawing."""
    if b"<!entity" in content.lower():
        raise UploadRefused(_("The SVG file declares entities; save it as plain SVG."))
    try:
        root = ET.fromstring(content)  # noqa: S314 - no entities (refused above); expat fetches nothing
    except ET.ParseError as error:
        raise UploadRefused(_("This SVG file cannot be read: %(error)s.") % {"error": error}) from error
    if root.tag != f"{{{SVG}}}svg":
        raise UploadRefused(_("This file is not an SVG drawing."))
    _clean_element(root)
    if not ({"viewBox", "width"} & set(root.attrib)):
        raise UploadRefused(_("The SVG drawing has no size: give it a viewBox."))
    if not any(_local(e.tag) not in ("svg", "title", "desc", "defs") for e in root.iter()):
        raise UploadRefused(_("The SVG file has nothing left to draw once cleaned."))
    # Written with SVG as the default namespace (ElementTree would invent a prefix for it).
    for element in root.iter():
        element.tag = _local(element.tag)
    root.set("xmlns", SVG)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def check_png(content: bytes):
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UploadRefused(_("This PNG file is damaged and cannot be read.")) from error
    if max(width, height) > PNG_MAX_SIDE:
        raise UploadRefused(
            _("The picture is %(width)s × %(height)s pixels; at most %(max)s pixels a side.")
            % {"width": width, "height": height, "max": PNG_MAX_SIDE}
        )


def clean_emblem(uploaded) -> ContentFile:
    """The file to store for an uploaded emblem: the SVG cleaned, or the PNG as it is once checked;
    UploadRefused with the reason otherwise."""
    if uploaded.size > EMBLEM_MAX_BYTES:
        raise UploadRefused(
            _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(EMBLEM_MAX_BYTES)}
        )
    uploaded.seek(0)
    content = uploaded.read()
    if not content:
        raise UploadRefused(_("The file is empty."))
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        check_png(content)
        return ContentFile(content, name="emblem.png")
    text_start = content.lstrip()[:512].lower()
    if text_start.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in content[:8192].lower():
        return ContentFile(clean_svg(content), name="emblem.svg")
    raise UploadRefused(_("The emblem must be an SVG drawing or a PNG picture."))
