"""Layout that cannot fail silently (certification/layout.py, the version-2 templates and
documents.check_zones): names shrink, then wrap, never clip; nothing runs into the QR code or the
signatures or off the page, tested with the longest province names of cities/data/provinces.csv and
255-character Thai titles, read back from the PDF with ``pdftotext -bbox``."""

import csv
from pathlib import Path

import pytest
from django.conf import settings

from certification import documents, layout, snapshots
from certification.documents import LayoutOverflow
from certification.enums import DigitStyle, DocumentKind
from certification.layout import Place, fit
from tests.certification.awards_helpers import pdftotext, word_boxes

KINDS = list(documents.TEMPLATE_DIRS)
PROVINCES_CSV = Path(settings.BASE_DIR) / "cities/data/provinces.csv"
PROVINCES = [row["name_th"] for row in csv.DictReader(PROVINCES_CSV.read_text().splitlines())]


def province_text(name):
    return name if name == "กรุงเทพมหานคร" else f"จังหวัด{name}"


# The provinces whose names print widest, widest first: พระนครศรีอยุธยา, กรุงเทพมหานคร, นครศรีธรรมราช, …
LONGEST = sorted(PROVINCES, key=lambda n: -layout.text_width_mm(province_text(n), bold=False, size_pt=16))
TITLE_255 = ("เมืองอัจฉริยะน่าอยู่เพื่อการพัฒนาเศรษฐกิจดิจิทัลและคุณภาพชีวิตของประชาชนอย่างยั่งยืน " * 4)[:255]
SIGNATORIES = [
    {"name": "ศาสตราจารย์ ดร.สมมติ ลงนามยาวมากเป็นพิเศษ", "position": "ประธานกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ",
     "signature": ""},
    {"name": "นายสมมุติ ลงชื่อ", "position": "ผู้อำนวยการใหญ่สำนักงานส่งเสริมเศรษฐกิจดิจิทัล", "signature": ""},
    {"name": "นางสาวตัวอย่าง ทดสอบ", "position": "เลขานุการคณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ",
     "signature": ""},
]  # fmt: skip

# Zones of the version-2 templates, in millimetres from the top left of the trimmed page (the CSS).
A4_ZONES = {"qr": (257, 172, 281, 196), "signatures": (28, 144, 239, 180)}
ZONES = {
    DocumentKind.AWARD_CERTIFICATE: A4_ZONES,
    DocumentKind.PROMOTION_ZONE_CERTIFICATE: A4_ZONES,
    DocumentKind.PLAQUE: {"qr": (120, 298, 180, 358)},
}
TRIM = {DocumentKind.PLAQUE: (300, 400)}


def longest_data(kind, provinces, title=TITLE_255):
    """The sample snapshot with the longest real names: a 255-character title, the widest provinces."""
    data = snapshots.sample_snapshot(kind)
    data.update(
        area_th=title,
        area_detail_th=f"เขตเทศบาลนคร{LONGEST[0]}และพื้นที่ต่อเนื่อง",
        provinces_th=" ".join(province_text(name) for name in LONGEST[:provinces]),
        organisation_th=f"องค์การบริหารส่วนจังหวัด{LONGEST[0]} ร่วมกับบริษัทพัฒนาเมือง{LONGEST[0]} จำกัด",
        signatories=SIGNATORIES,
    )
    return snapshots.printed(kind, data, DigitStyle.THAI)


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(a, b, margin=0.5):
    return a[0] >= b[0] - margin and a[1] >= b[1] - margin and a[2] <= b[2] + margin and a[3] <= b[3] + margin


def words_on_trimmed_page(kind, pdf):
    """The words' boxes measured from the trimmed page's top left, and the trimmed page's box."""
    words, (width, height) = word_boxes(pdf)
    trim_width, trim_height = TRIM.get(kind, (width, height))
    dx, dy = (width - trim_width) / 2, (height - trim_height) / 2  # the plaque's bleed and slug
    moved = [(word, x0 - dx, y0 - dy, x1 - dx, y1 - dy) for word, x0, y0, x1, y1 in words]
    return moved, (0, 0, trim_width, trim_height)


# --- Fitting


def test_a_text_that_fits_keeps_its_size_on_one_line():
    assert fit("ลำปาง", Place("area_th", True, 30, 16, 253, 3)) == layout.Fit(30, 1, True)


def test_a_longer_text_shrinks_before_it_wraps():
    text = "เมืองอัจฉริยะ" * 5  # 290 mm at 30 pt
    result = fit(text, Place("area_th", True, 30, 16, 253, 3))
    assert (result.lines, result.fits) == (1, True)
    assert 16 <= result.size < 30
    assert layout.text_width_mm(text, bold=True, size_pt=result.size) <= 253


def test_a_text_too_long_to_shrink_wraps_at_the_smallest_size_and_may_not_fit():
    place = Place("area_th", True, 30, 16, 253, 3)
    assert fit(TITLE_255, place) == layout.Fit(16, 3, True)
    assert fit(TITLE_255 * 2, place) == layout.Fit(16, 6, False)


def test_every_province_fits_alone_at_its_nominal_size():
    for kind in KINDS:
        place = next(p for p in layout.PLACES[kind] if p.key in ("place_th", "provinces_th"))
        assert all(fit(province_text(name), place).size == place.size for name in PROVINCES)


# --- The longest real names print whole, inside their places


@pytest.mark.parametrize("provinces", [1, 2, 3, 5])
@pytest.mark.parametrize("kind", KINDS)
def test_the_longest_names_and_a_255_character_title_print_whole_inside_their_places(kind, provinces):
    data = longest_data(kind, provinces)
    assert len(data["area_th"]) == 255
    assert layout.misfits(kind, "v2", data) == []
    pdf = documents.render_document_pdf(kind, "v2", data)  # check_zones raises LayoutOverflow otherwise
    words, page = words_on_trimmed_page(kind, pdf)
    assert words
    for word, *box in words:
        assert inside(box, page), f"“{word}” leaves the page"
        for name, zone in ZONES[kind].items():
            assert inside(box, zone) or not overlaps(box, zone), f"“{word}” runs into the {name}"
    assert not any(inside(box, ZONES[kind]["qr"]) for _, *box in words)  # no text on the QR code
    printed = "".join(pdftotext(pdf).split())
    assert "".join(data["area_th"].split()) in printed  # nothing clipped
    assert "".join(data["provinces_th"].split()) in printed


def test_the_realistic_position_title_of_the_issue_stays_clear_of_the_qr_code():
    data = longest_data(DocumentKind.AWARD_CERTIFICATE, 1, title="ลำปางเมืองน่าอยู่อัจฉริยะ")
    pdf = documents.render_document_pdf(DocumentKind.AWARD_CERTIFICATE, "v2", data)
    words, _ = words_on_trimmed_page(DocumentKind.AWARD_CERTIFICATE, pdf)
    position = [box for word, *box in words if word.startswith("ผู้อำนวยการใหญ่")]
    assert len(position) == 1 and not overlaps(position[0], A4_ZONES["qr"])
    assert "ผู้อำนวยการใหญ่สำนักงานส่งเสริมเศรษฐกิจดิจิทัล\n" in pdftotext(pdf)


@pytest.mark.parametrize("kind", KINDS)
def test_a_text_that_cannot_fit_is_named_by_the_preflight_and_fails_the_render(kind):
    data = longest_data(kind, 5)
    data["area_detail_th"] = data["area_detail_th"] * 12
    data["place_th"] = f"{data['area_detail_th']} {data['provinces_th']}"
    assert [text for text, _ in layout.misfits(kind, "v2", data)] == [
        data["area_detail_th"] if kind == DocumentKind.PLAQUE else data["place_th"]
    ]
    with pytest.raises(LayoutOverflow) as overflow:
        documents.render_document_pdf(kind, "v2", data)
    assert "does not fit its place (texts)" in str(overflow.value)


def test_a_text_off_its_zone_is_refused_even_where_the_fit_was_wrong():
    data = longest_data(DocumentKind.AWARD_CERTIFICATE, 1)
    html = documents.document_html(DocumentKind.AWARD_CERTIFICATE, "v2", data).replace(
        '<p class="area" style="font-size: 16pt"', '<p class="area" style="font-size: 40pt"'
    )
    assert 'style="font-size: 40pt"' in html
    with pytest.raises(LayoutOverflow):
        documents.render_pdf(html, check_layout=True)
