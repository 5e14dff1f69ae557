"""certification/documents.py: real WeasyPrint output, read back with poppler's pdftotext, pdffonts,
pdfimages and pdftoppm."""

import base64
import io
import re
import socket
import subprocess
from urllib.parse import urljoin

import fontpkg_sarabun
import pytest
import weasyprint
import weasyprint.draw.text
import zxingcpp
from PIL import Image
from weasyprint.formatting_structure.boxes import LineBox, TextBox

from certification import documents, snapshots
from certification.documents import DOCUMENT_BASE_URL, OwnFilesFetcher, RefusedResource, render_pdf

SARABUN_FILES = fontpkg_sarabun.ROOT / "files"
FONTS = """
@font-face { font-family: Sarabun; src: url(/static/fonts/sarabun/Sarabun-Regular.ttf); }
@font-face { font-family: Sarabun; font-weight: bold; src: url(/static/fonts/sarabun/Sarabun-Bold.ttf); }
@page { size: A4 landscape; margin: 15mm; }
body { font-family: Sarabun; font-size: 16pt; }
p { margin: 0; }
"""
PROVINCES_AND_PHRASES = ["ลำปาง", "ลำพูน", "กำแพงเพชร", "ประจำปี", "น้ำ", "นครระยองเมืองอัจฉริยะและน่าอยู่"]
MIXED_LINES = [
    "โครงการ Smart City Thailand ประจำปี 2566 (พ.ศ. ๒๕๖๖)",
    "มอบให้แก่เทศบาลนครลำปาง จังหวัดลำปาง และเทศบาลเมืองลำพูน",
    "“นครลำปางเมืองอัจฉริยะและน่าอยู่” น้ำสะอาด ไฟฟ้า 24/7, version 1.2",
    "The Digital Economy Promotion Agency (depa) certified 36 cities.",
    "ให้ไว้ ณ วันที่ ๙ มกราคม ๒๕๖๖ - 9 January 2023",
]
MARKS_AND_DIGITS_LINES = [
    "ที่ กิ่ง ชื่อ ได้ ภูมิ ปฏิบัติ ญุ ฐู ฤๅษี เด็ก สั่ง ค่ำ ต่ำ ซ้ำ",
    "ปั้น ฟื้นฟู ฝั่งธน ปิ่นเกล้า ปี่พาทย์ ปุ๋ย ป้ำ ฟ้ำ",  # marks moved left over tall consonants
    "๐๑๒๓๔๕๖๗๘๙ 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz",
]


def page(body, *, style=""):
    return f"<!doctype html><html lang=th><meta charset=utf-8><style>{FONTS}{style}</style>{body}</html>"


def lines_page(lines, *, weight="normal"):
    return page("".join(f"<p>{line}</p>" for line in lines), style=f"body {{ font-weight: {weight}; }}")


def pdftotext(pdf):
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode().removesuffix("\f").removesuffix("\n")


def layout_lines(html):
    """The text of each line as WeasyPrint laid it out, for text that wraps where it likes."""
    document = weasyprint.HTML(
        string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=OwnFilesFetcher(DOCUMENT_BASE_URL)
    ).render(font_config=documents.FONT_CONFIG)
    return [
        "".join(box.text for box in line.descendants() if isinstance(box, TextBox)).strip()
        for page in document.pages
        for line in page._page_box.descendants()
        if isinstance(line, LineBox)
    ]


@pytest.fixture
def without_the_fix(monkeypatch):
    monkeypatch.setattr(weasyprint.draw.text, "draw_first_line", documents._weasyprint_draw_first_line)


# --- Thai text extracts exactly.


@pytest.mark.parametrize("weight", ["normal", "bold"])
@pytest.mark.parametrize("word", PROVINCES_AND_PHRASES)
def test_each_word_with_sara_am_extracts_exactly(word, weight):
    assert pdftotext(render_pdf(lines_page([word], weight=weight))) == word


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_the_words_together_extract_exactly_though_they_share_glyphs(weight):
    pdf = render_pdf(lines_page(PROVINCES_AND_PHRASES, weight=weight))
    assert pdftotext(pdf).split("\n") == PROVINCES_AND_PHRASES


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_mixed_thai_and_english_lines_extract_exactly(weight):
    pdf = render_pdf(lines_page(MIXED_LINES, weight=weight))
    assert pdftotext(pdf).split("\n") == MIXED_LINES


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_other_marks_latin_and_thai_digits_extract_exactly(weight):
    pdf = render_pdf(lines_page(MARKS_AND_DIGITS_LINES, weight=weight))
    assert pdftotext(pdf).split("\n") == MARKS_AND_DIGITS_LINES


def test_regular_and_bold_in_one_line_extract_exactly():
    html = page("<p>จังหวัด<b>ลำปาง</b> <b>น้ำ</b>ปาง <b>ประจำปี</b> ฟื้นฟู<b>ฟื้นฟู</b></p>")
    assert pdftotext(render_pdf(html)) == "จังหวัดลำปาง น้ำปาง ประจำปี ฟื้นฟูฟื้นฟู"


@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_a_long_paragraph_extracts_exactly_line_by_line_where_it_wraps(weight):
    paragraph = " ".join(["ลำปาง น้ำ ประจำปี ปาง ฟื้นฟู Smart City ๒๕๖๖"] * 12)
    html = page(f"<p>{paragraph}</p>", style=f"p {{ width: 14em; font-weight: {weight}; }}")
    expected = layout_lines(html)
    assert len(expected) > 8
    assert "".join(expected).replace(" ", "") == paragraph.replace(" ", "")
    assert pdftotext(render_pdf(html)).split("\n") == expected


def test_without_the_fix_weasyprint_extracts_sara_am_wrongly(without_the_fix):
    # Why the fix exists; if this fails, WeasyPrint has fixed it and the fix may go.
    assert pdftotext(render_pdf(lines_page(["ลำปาง", "น้ำ", "ปั้น"]))) == "ลำปำง\nนำ\nปั้ น"


def test_the_fix_does_not_change_the_look(without_the_fix, monkeypatch, tmp_path):
    html = lines_page([*PROVINCES_AND_PHRASES, *MIXED_LINES, *MARKS_AND_DIGITS_LINES])
    unfixed = render_pdf(html)
    monkeypatch.undo()
    fixed = render_pdf(html)
    assert fixed != unfixed
    pictures = []
    for name, pdf in (("unfixed", unfixed), ("fixed", fixed)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", "-singlefile", tmp_path / f"{name}.pdf", tmp_path / name],
            check=True,
        )
        pictures.append((tmp_path / f"{name}.png").read_bytes())
    assert pictures[0] == pictures[1]


def test_rendering_twice_gives_the_same_file():
    html = lines_page(MIXED_LINES)
    first, second = render_pdf(html), render_pdf(html)
    assert first == second
    assert pdftotext(first) == pdftotext(second) == "\n".join(MIXED_LINES)


# --- The font is Sarabun, embedded.


def test_sarabun_regular_and_bold_are_embedded_as_subsets():
    pdf = render_pdf(page("<p>ลำปาง Lampang <b>ลำปาง Lampang</b></p>"))
    result = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    rows = result.stdout.decode().splitlines()[2:]
    fonts = {(re.sub(r"^[A-Z]{6}\+", "", row.split()[0]), *row.split()[-5:-2]) for row in rows}
    assert fonts == {("Sarabun", "yes", "yes", "yes"), ("Sarabun-Bold", "yes", "yes", "yes")}
    assert all(re.match(r"[A-Z]{6}\+Sarabun", row) for row in rows)


def test_font_files_are_fetched_once_per_process(monkeypatch):
    fetched = []
    fetch = OwnFilesFetcher.fetch

    def counting_fetch(self, url, headers=None):
        fetched.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(OwnFilesFetcher, "fetch", counting_fetch)
    html = page(
        "<p style='font-family: ReuseProbe'>ลำปาง</p>",
        style="@font-face { font-family: ReuseProbe; src: url(/static/fonts/sarabun/Sarabun-Light.ttf); }",
    )
    render_pdf(html)
    render_pdf(html)
    assert fetched.count(f"{DOCUMENT_BASE_URL}static/fonts/sarabun/Sarabun-Light.ttf") == 1


# --- Only our own files are fetched.


@pytest.fixture
def listening_server():
    """A port on this machine that would see any connection a render attempted."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.setblocking(False)
        yield server


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize(
    "body",
    [
        "<img src='{url}'>",
        "<link rel=stylesheet href='{url}'><p>ลำปาง</p>",
        "<style>@font-face {{ font-family: Remote; src: url({url}); }}</style><p>ลำปาง</p>",
        "<div style='width: 10px; height: 10px; background: url({url})'></div>",
    ],
    ids=["img", "stylesheet", "font-face", "background"],
)
def test_network_urls_stop_the_render_before_any_connection(listening_server, scheme, body):
    url = f"{scheme}://127.0.0.1:{listening_server.getsockname()[1]}/seal.png"
    with pytest.raises(RefusedResource) as refusal:
        render_pdf(page(body.format(url=url)))
    assert str(refusal.value) == f"Documents may use only our own static and media files, not {url}"
    with pytest.raises(BlockingIOError):
        listening_server.accept()  # no connection is waiting


@pytest.mark.parametrize(
    "src",
    [
        "/static/fonts/sarabun/Sarabun-Missing.ttf",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/media/signatures/chair.png",
        SARABUN_FILES.joinpath("Sarabun-Regular.ttf").as_uri(),
    ],
    ids=["unknown-static-file", "outside-static", "media", "file-url"],
)
def test_files_that_are_not_our_static_files_stop_the_render(src):
    style = f"@font-face {{ font-family: Probe; src: url({src}); }}"
    with pytest.raises(RefusedResource) as refusal:
        render_pdf(page("<p style='font-family: Probe'>ลำปาง</p>", style=style))
    refused_url = urljoin(DOCUMENT_BASE_URL, src)
    assert str(refusal.value) == f"Documents may use only our own static and media files, not {refused_url}"


def test_data_urls_are_rendered():
    picture = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(picture, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(picture.getvalue()).decode()
    pdf = render_pdf(page(f"<img src='{data_url}' style='width: 30px'>"))
    result = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True)
    images = [row.split()[3:5] for row in result.stdout.decode().splitlines()[2:]]
    assert images == [["3", "2"]]


def test_static_files_are_served_from_the_finders():
    fetcher = OwnFilesFetcher(DOCUMENT_BASE_URL)
    font = fetcher.fetch(f"{DOCUMENT_BASE_URL}static/fonts/sarabun/Sarabun-Bold.ttf")
    stylesheet = fetcher.fetch(f"{DOCUMENT_BASE_URL}static/css/fonts.css?v=2")
    assert font.read() == SARABUN_FILES.joinpath("Sarabun-Bold.ttf").read_bytes()
    assert stylesheet.content_type == "text/css"
    assert b'url("../fonts/sarabun/Sarabun-Regular.ttf")' in stylesheet.read()


def test_a_separate_style_sheet_is_sandboxed_too():
    css = "@font-face { font-family: Remote; src: url(https://fonts.invalid/remote.ttf); }"
    with pytest.raises(RefusedResource):
        render_pdf("<p style='font-family: Remote'>ลำปาง</p>", css=css)


# --- Documents: each template version renders from its HTML and its style sheet.


def pictures(pdf, tmp_path, name):
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", tmp_path / f"{name}.pdf", tmp_path / name], check=True)
    return [path.read_bytes() for path in sorted(tmp_path.glob(f"{name}-*.png"))]


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("kind", documents.TEMPLATE_DIRS)
def test_a_worker_renders_a_document_as_its_standalone_html_shows_it(kind, version, tmp_path):
    """Workers apply the style sheet apart, parsed once (render_document_pdf); the HTML with the
    style sheet inside (what a browser or Chromium gets) must look the same, page for page."""
    data = snapshots.sample_snapshot(kind)
    standalone = documents.document_html(kind, version, data)
    assert "<style>" in standalone
    assert "<style>" not in documents.document_html(kind, version, data, with_style=False)
    worker = pictures(documents.render_document_pdf(kind, version, data), tmp_path, "worker")
    assert worker == pictures(render_pdf(standalone), tmp_path, "standalone")
    assert len(worker) == 1


def test_the_qr_code_is_one_path_of_module_strokes_with_a_quiet_zone(tmp_path):
    svg = documents.qr_svg("http://127.0.0.1:8000/verify/SCT-2565-001/")
    side = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    assert side == 29 + 8  # version 3 for this length at level M, four modules of quiet zone each side
    strokes = re.findall(r"M(\d+) (\d+\.5)h(\d+)", svg)
    assert "".join(f"M{x} {y}h{n}" for x, y, n in strokes) == re.search(r'd="([^"]+)"', svg).group(1)
    assert all(int(x) >= 4 and int(x) + int(n) <= side - 4 for x, _, n in strokes)
    # Decoded from a rendering: the payload, at error correction level M.
    pdf = render_pdf(f"<div style='width: 60mm'>{svg}</div>")
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "-", tmp_path / "qr"], input=pdf, check=True
    )
    decoded = zxingcpp.read_barcode(Image.open(tmp_path / "qr.png"))
    assert (decoded.text, decoded.ec_level) == ("http://127.0.0.1:8000/verify/SCT-2565-001/", "M")
    # The three finder patterns: a row of seven dark modules at the top left, top right, bottom left.
    assert ("4", "4.5", "7") in strokes and ("26", "4.5", "7") in strokes and ("4", "26.5", "7") in strokes
