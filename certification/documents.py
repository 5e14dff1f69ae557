"""HTML to PDF for certificates and plaques: a small, sandboxed WeasyPrint renderer whose Thai text
extracts exactly.

Sandbox. The renderer fetches only our own files: URLs under STATIC_URL (found through the staticfiles
finders, so the Sarabun font comes from the fontpkg-sarabun package), signature images under
``/media/signatures/`` (from the private storage) and ``data:`` URLs. Any other URL (http, https, file,
other media) stops the rendering with ``RefusedResource``: a document with a
missing font or picture fails once, visibly, instead of being issued without it. One
``FontConfiguration`` is kept per process, so a font file is read once per worker, not per document;
the @font-face rules of every document rendered stay in it, so documents must declare the same
family, weight and style with the same file.

Thai text. WeasyPrint 70 draws Thai that looks right but extracts wrongly (copy, search, screen
readers, ``pdftotext``), for two reasons:

1. HarfBuzz draws SARA AM (ำ) as two glyphs, NIKHAHIT and SARA AA, moving NIKHAHIT before a tone mark
   (น้ำ: one cluster "้ำ" drawn as ํ้ + า). WeasyPrint gives each glyph one value in the PDF's
   ToUnicode table, taken from the first place it draws it: SARA AA gets "ำ" there and every later
   า reads ำ (ลำปาง extracts as ลำปำง), while ํ้ gets nothing (น้ำ extracts as นำ). No ToUnicode
   table can say "า here, ำ there".
2. Over a tall consonant (ป ฝ ฟ) a tone mark is drawn up to a fifth of an em left of the pen;
   readers take the gap after it for a word break (ปั้น extracts as "ปั้ น", ฟื้นฟู as "ฟื" and
   "้ นฟู").

So, while WeasyPrint draws each line (where HarfBuzz's clusters are still known), this module wraps
such text in marked-content spans ``/Span <</ActualText <FEFF…>>> BDC … EMC`` that carry its exact
text, which readers use instead of the glyphs' values: each cluster drawn with several glyphs (or
with a glyph that already stands for other text), and each base with a far-moved mark together with
the next base, so that the span starts and ends on the pen. A glyph drawn alone gets in ToUnicode
the text it was drawn for (SARA AA maps back to า). Glyphs and their positions are unchanged, so the
page looks the same to the pixel. Nothing is specific to Thai or Sarabun: lines with none of this
are left exactly as WeasyPrint draws them. docs/pdf-thai-text.md has the measurements.

One module, a little over 400 lines: the sandbox, the exact-text spans and the layout check each hook
into the same WeasyPrint render, and read best beside the one function that sets them up.
"""

import functools
import logging
import mimetypes
import posixpath
import re
import threading
import unicodedata
import weakref
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import weasyprint
import weasyprint.draw.text
import zxingcpp
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import ffi, pango
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from . import layout
from .emblems import DEFAULT_EMBLEM_URL

logger = logging.getLogger(__name__)

# Relative URLs in documents resolve against this address; it never resolves on a network (.invalid
# is reserved), and only its STATIC_URL part is served, from our own files.
DOCUMENT_BASE_URL = "https://documents.invalid/"

# One per process: WeasyPrint keeps the fonts of @font-face rules in it, keyed by rule.
FONT_CONFIG = FontConfiguration()
# Pango and the shared font configuration are not safe to use from two threads at once.
_render_lock = threading.Lock()


# Media files a document may show (signature images), from the private storage, at this URL.
DOCUMENT_MEDIA_URL = "/media/"
DOCUMENT_MEDIA_FOLDERS = ("signatures/", "emblems/")

# Documents from template version 2 on are archival copies: PDF/A-3b (fonts embedded, an sRGB output
# intent, XMP metadata naming the part and conformance), which may then be signed.
ARCHIVAL_VARIANT = "pdf/a-3b"


class RefusedResource(ValueError):
    """A document asked for a file that is not one of ours, or that cannot be read."""


class LayoutOverflow(ValueError):
    """A text of a document does not fit its place: printing it would clip it or put it over
    something else (the signatures, the QR code) or off the page."""


def render_pdf(html: str, *, css: str = "", pdf_variant=None, check_layout=False) -> bytes:
    """Renders the HTML of a document, with the style sheet ``css`` if given, to PDF bytes; raises
    RefusedResource if either refers to anything but our own static and media files and data: URLs.
    With ``check_layout``, raises LayoutOverflow when a text leaves its zone (``check_zones``)."""
    fetcher = OwnFilesFetcher(DOCUMENT_BASE_URL)
    with _render_lock:
        try:
            document = weasyprint.HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=fetcher)
            stylesheets = [_stylesheet(css)] if css else None
            if not (pdf_variant or check_layout):
                return document.write_pdf(font_config=FONT_CONFIG, stylesheets=stylesheets)
            laid_out = document.render(
                font_config=FONT_CONFIG, stylesheets=stylesheets, pdf_variant=pdf_variant
            )
            if check_layout:
                check_zones(laid_out)
            return laid_out.write_pdf(pdf_variant=pdf_variant, finisher=_archival_info)
        except FatalURLFetchingError as error:
            # WeasyPrint's fatal error is a BaseException, which `except Exception` would not catch.
            cause = error.__cause__ or error
            raise RefusedResource(str(cause)) from cause


def _archival_info(document, pdf):
    """PDF/A wants the document information and the XMP metadata to agree. The signature's update
    (pyHanko) writes its own name as the producer in both, unless the information already names
    another producer, which it then extends in one and not the other: so none is written here."""
    pdf.info.pop("Producer", None)


def check_zones(document):
    """Every text of the page inside its zone: the elements marked ``data-zone`` in the templates
    (the texts, the signatures, the serial line, the QR code) are fixed rectangles that do not overlap
    and lie on the page, so a text inside its zone overlaps nothing and is not cut. Raises
    LayoutOverflow naming the first text that is not."""
    if len(document.pages) != 1:
        raise LayoutOverflow(f"The document takes {len(document.pages)} pages instead of one")
    page = document.pages[0]
    # A glyph's box may pass its line's by a little (accents, descenders); a text that does not fit
    # passes it by a line or more.
    tolerance = 1 * 96 / 25.4  # 1 mm in CSS px

    def inside(inner, outer):
        x, y, width, height = inner
        left, top, outer_width, outer_height = outer
        return (
            x >= left - tolerance
            and y >= top - tolerance
            and x + width <= left + outer_width + tolerance
            and y + height <= top + outer_height + tolerance
        )

    page_rectangle = (0, 0, page.width, page.height)

    def walk(box, zone):
        element = getattr(box, "element", None)
        name = element.get("data-zone") if element is not None else None
        if name and (zone is None or zone[0] is not element):  # a zone's first box is the zone itself
            rectangle = (box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height())
            if not inside(rectangle, page_rectangle):
                raise LayoutOverflow(f"The zone “{name}” does not lie on the page")
            zone = (element, rectangle)
        text_rectangle = (box.position_x, box.position_y, box.width, box.height)
        if isinstance(box, TextBox) and box.text.strip() and not (zone and inside(text_rectangle, zone[1])):
            where = zone[0].get("data-zone") if zone else "page"
            raise LayoutOverflow(f"“{box.text.strip()}” does not fit its place ({where})")
        for child in getattr(box, "children", ()):
            walk(child, zone)

    walk(page._page_box, None)


@functools.lru_cache(maxsize=16)
def _stylesheet(css):
    """A style sheet parsed once per process; its @font-face rules load into FONT_CONFIG."""
    fetcher = OwnFilesFetcher(DOCUMENT_BASE_URL)
    return weasyprint.CSS(
        string=css, base_url=DOCUMENT_BASE_URL, url_fetcher=fetcher, font_config=FONT_CONFIG
    )


def warm_up():
    """Loads WeasyPrint, Pango and both weights of the document font in this process."""
    fonts = render_to_string("documents/_fonts.css")
    render_pdf(f"<style>{fonts} html {{ font-family: Sarabun }}</style><p>ลำปาง <b>ลำปาง</b></p>")


class OwnFilesFetcher(URLFetcher):
    """Serves static files and data: URLs; refuses everything else. With fail_on_errors, a refusal
    stops the rendering instead of being logged and skipped."""

    def __init__(self, base_url):
        super().__init__(fail_on_errors=True)
        self.static_prefix = urljoin(base_url, settings.STATIC_URL)
        self.media_prefix = urljoin(base_url, DOCUMENT_MEDIA_URL)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.own_file(url)
        if path is None:
            raise RefusedResource(f"Documents may use only our own static and media files, not {url}")
        content_type, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": content_type or "application/octet-stream"}
        )

    def own_file(self, url):
        """The file of ours that the URL names, or None."""
        if url.startswith(self.static_prefix):
            name = posixpath.normpath(unquote(urlsplit(url[len(self.static_prefix) :]).path))
            if name.startswith(("..", "/")):
                return None
            found = finders.find(name)
            return Path(found) if found else None
        if url.startswith(self.media_prefix):
            name = posixpath.normpath(unquote(urlsplit(url[len(self.media_prefix) :]).path))
            if not name.startswith(DOCUMENT_MEDIA_FOLDERS):
                return None
            path = Path(settings.MEDIA_ROOT) / "private" / name
            return path if path.is_file() else None
        return None


# --- Exact text for what ToUnicode cannot describe (see the module docstring).

_HEX_STRING = re.compile(rb"(<[0-9a-fA-F]*>)")
# A mark moved this far off the pen (in thousandths of an em) makes text extraction break the word:
# pdftotext starts a new word at a gap of a tenth of an em.
_MOVED_MARK_OFFSET = 50
# For each font of a document being drawn: the glyphs drawn alone, with the text each stands for.
_single_glyph_text = weakref.WeakKeyDictionary()


@dataclass(slots=True)
class _Cluster:
    """Characters HarfBuzz shaped together, with the glyphs WeasyPrint draws for them."""

    font: Font
    glyphs: list  # glyph ids, without Pango's empty glyphs, which WeasyPrint does not draw
    text: str
    moved: bool  # a glyph is drawn far from the pen, as tone marks over ป ฝ ฟ are

    @property
    def is_mark(self):
        return unicodedata.category(self.text[0]).startswith("M")


def _draw_first_line_with_exact_text(stream, textbox, *args, **kwargs):
    start = len(stream.stream)
    emojis = _weasyprint_draw_first_line(stream, textbox, *args, **kwargs)
    if len(stream.stream) > start:  # WeasyPrint draws nothing for blank lines
        clusters = list(_clusters(stream, textbox))
        if spans := _spans(clusters):
            _write_spans(stream, start, clusters, spans, textbox)
    return emojis


def _clusters(stream, textbox):
    """The clusters of the textbox's first line, in drawing order."""
    first_line, _ = textbox.pango_layout.get_first_line()
    utf8_text = textbox.pango_layout.text.encode()
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        item, glyph_string = glyph_item.item, glyph_item.glyphs
        font, font_size = stream.add_font(item.analysis.font)  # as WeasyPrint does for this run
        starts = ffi.unpack(glyph_string.log_clusters, glyph_string.num_glyphs)
        glyphs = [(info.glyph, info.geometry.x_offset) for info in glyph_string.glyphs[0 : len(starts)]]
        ordered = sorted(set(starts))
        ends = dict(zip(ordered, [*ordered[1:], item.length], strict=True))
        for start, members in groupby(zip(starts, glyphs, strict=True), key=itemgetter(0)):
            drawn = [glyph for _, glyph in members if glyph[0] != pango.PANGO_GLYPH_EMPTY]
            if drawn:
                yield _Cluster(
                    font=font,
                    glyphs=[glyph for glyph, _ in drawn],
                    text=utf8_text[item.offset + start : item.offset + ends[start]].decode(),
                    moved=any(abs(x_offset / font_size) >= _MOVED_MARK_OFFSET for _, x_offset in drawn),
                )


def _spans(clusters):
    """The runs of clusters to wrap in ActualText, as (first, last) indices, in order."""
    spans = []

    def add(first, last):
        while spans and first <= spans[-1][1]:
            first, last = min(first, spans[-1][0]), max(last, spans.pop()[1])
        spans.append((first, last))

    for number, cluster in enumerate(clusters):
        if len(cluster.glyphs) > 1 or not _claim_glyph(cluster):
            add(number, number)
        if cluster.moved and cluster.is_mark:  # not spaces, which justified text moves too
            # Readers place a span's text from its first glyph to the end of its last: from the
            # mark's base to the next base, the span starts and ends on the pen.
            first, last = number, number + 1
            while first > 0 and clusters[first].is_mark:
                first -= 1
            while last < len(clusters) - 1 and clusters[last].is_mark:
                last += 1
            add(first, min(last, len(clusters) - 1))
    return spans


def _claim_glyph(cluster):
    """Gives a glyph drawn alone the cluster's text in ToUnicode, unless it already stands alone
    for other text in the document; says whether it now stands for this text."""
    glyph = cluster.glyphs[0]
    if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
        return True  # WeasyPrint draws .notdef for it, under a code of its own
    known = _single_glyph_text.setdefault(cluster.font, {})
    if known.setdefault(glyph, cluster.text) != cluster.text:
        return False
    cluster.font.to_unicode[glyph] = cluster.text
    return True


def _write_spans(stream, start, clusters, spans, textbox):
    """Rewrites the text operators WeasyPrint has just appended to the stream from index `start`,
    splitting their glyph arrays around each span."""
    # For each glyph code in the TJ operators, in drawing order: its width in hex digits and its span.
    span_of = {number: span for span in spans for number in range(span[0], span[1] + 1)}
    plan = [
        (2 if cluster.font.bitmap else 4, span_of.get(number))
        for number, cluster in enumerate(clusters)
        for _ in cluster.glyphs
    ]
    output, array, glyph_number, current = [], [], 0, None

    def close_array():
        content = b"".join(array)
        if content:
            output.append(b"[" + content.replace(b"><", b"") + b"] TJ")  # adjacent codes share a string
        array.clear()

    for operator in stream.stream[start:]:
        if not (isinstance(operator, bytes) and operator.startswith(b"[") and operator.endswith(b"] TJ")):
            output.append(operator)
            continue
        for piece in _HEX_STRING.split(operator[1:-4]):
            if not (piece.startswith(b"<") and len(piece) > 2):
                array.append(piece)  # positioning, or an empty string
                continue
            codes, position = piece[1:-1], 0
            while position < len(codes):
                if glyph_number == len(plan):
                    return _give_up(textbox)
                width, span = plan[glyph_number]
                if span != current:
                    close_array()
                    if current is not None:
                        output.append(b"EMC")
                    if span is not None:
                        text = "".join(cluster.text for cluster in clusters[span[0] : span[1] + 1])
                        output.append(_actual_text(text))
                    current = span
                array.append(b"<" + codes[position : position + width] + b">")
                position += width
                glyph_number += 1
        close_array()
    if glyph_number != len(plan):
        return _give_up(textbox)
    if current is not None:
        output.append(b"EMC")
    stream.stream[start:] = output


def _actual_text(text):
    return b"/Span <</ActualText <FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">>> BDC"


def _give_up(textbox):
    logger.warning("Could not match the glyphs drawn for %r; its text may extract wrongly", textbox.text)


_weasyprint_draw_first_line = weasyprint.draw.text.draw_first_line
# WeasyPrint's draw_text, and its SVG text, look the function up in this module at each call.
weasyprint.draw.text.draw_first_line = _draw_first_line_with_exact_text


# --- Certificates and plaques: a versioned template per kind, filled from a document's snapshot.

# Templates: templates/documents/<folder>/<version>.html and its style sheet <version>.css, the version
# recorded on each document.
TEMPLATE_DIRS = {
    "award_certificate": "certificate",
    "plaque": "plaque",
    "promotion_zone_certificate": "promotion_zone_certificate",
}


def qr_svg(payload: str) -> str:
    """The QR code of ``payload`` as inline SVG: vector, black on transparent, error correction M, a
    four-module quiet zone, as scanners expect. One path of horizontal strokes, a row's run of dark
    modules each, which is what WeasyPrint draws fastest. Encoded by zxing-cpp (its zint encoder, which
    chooses the mask as the standard says, in a fifth of a millisecond)."""
    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # one byte a module: 0 dark
    size, modules = image.shape[0], image.tobytes()
    path = []
    for y in range(size):
        row = modules[y * size : (y + 1) * size]
        x = row.find(0)
        while x != -1:
            end = row.find(255, x)
            end = size if end == -1 else end
            path.append(f"M{x + 4} {y + 4.5}h{end - x}")
            x = row.find(0, end) if end < size else -1
    side = size + 8
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}">'
        f'<path stroke="#000" d="{"".join(path)}"/></svg>'
    )


def document_html(kind: str, template_version: str, data: dict, *, with_style=True) -> str:
    """The HTML of a document from its snapshot (plain values only); with its style sheet inside,
    unless the caller applies it (render_document_pdf). From version 2, each fitted text gets the size
    ``layout.fit`` gives it, and the emblem is the round's or the programme's mark."""
    folder = TEMPLATE_DIRS[kind]
    context = {
        **data,
        "qr_svg": qr_svg(data["verify_url"]),
        "with_style": with_style,
        "style_template": f"documents/{folder}/{template_version}.css",
    }
    if template_version != "v1":
        texts, signatories = layout.fits(kind, data)
        context["fit"] = {key: result.style for key, result in texts.items()}
        context["signatories"] = [
            {**signatory, "name_style": result["name"].style, "position_style": result["position"].style}
            for signatory, result in zip(data.get("signatories", []), signatories, strict=True)
        ]
        emblem = data.get("emblem")
        context["emblem_url"] = f"{DOCUMENT_MEDIA_URL}{emblem}" if emblem else DEFAULT_EMBLEM_URL
    return render_to_string(f"documents/{folder}/{template_version}.html", context)


def render_document_pdf(kind: str, template_version: str, data: dict) -> bytes:
    """The PDF of a document; its style sheet is parsed once per process (parsing it with every
    document took a tenth of the rendering). From version 2, a PDF/A-3b file whose texts are checked
    to fit (``layout.misfits``, as the pre-flight check does) and, once laid out, to lie inside their
    zones (``check_zones``); LayoutOverflow otherwise."""
    css = render_to_string(f"documents/{TEMPLATE_DIRS[kind]}/{template_version}.css")
    html = document_html(kind, template_version, data, with_style=False)
    if template_version == "v1":
        return render_pdf(html, css=css)
    if misfits := layout.misfits(kind, template_version, data):  # what the pre-flight check reports
        text, place = misfits[0]
        raise LayoutOverflow(f"“{text}” does not fit its place (texts), even at {place.minimum:g} pt")
    return render_pdf(html, css=css, pdf_variant=ARCHIVAL_VARIANT, check_layout=True)
