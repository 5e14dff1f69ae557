"""A citizen checks certificates in a real browser through the home page's lookup box: one typed with
Thai digits and spaces is valid, one that was revoked says so with its reason, an unknown one is
refused with a message. Every page, in Thai, shows no English and no C.E. year."""

import datetime
import re

import pytest
from django.utils import timezone

from certification.enums import DocumentKind
from certification.services import awards
from tests.certification.awards_helpers import awarded, round_2565, secretariat

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

THAI = re.compile(r"[\u0e00-\u0e7f]")
CE_YEAR = re.compile(r"(?<![0-9A-Za-z.])(19[5-9]\d|20\d\d)(?![0-9A-Za-z])")
# What may stay as it is on a Thai page: the other language's name, codes, names and serials.
AS_TYPED = {"English", "ENV", "ECO", "MOB", "ENE", "PEO", "LIV", "GOV", "Sarabun", "GeoThai", "SHA-256"}
SERIAL = re.compile(r"S[CP][TPZ]-\d{4}-\d{3}")
CHECKSUM = re.compile(r"[0-9a-f]{64}")  # a SHA-256 written out: hexadecimal, not English


def read(page, problems):
    """Keeps what a Thai reader should not see on the page."""
    page.wait_for_load_state()
    text = page.locator("body").inner_text()
    for line in (line.strip() for line in text.splitlines()):
        if (
            not line
            or line in AS_TYPED
            or THAI.search(line)
            or SERIAL.fullmatch(line)
            or CHECKSUM.fullmatch(line)
        ):
            continue
        if re.search(r"[A-Za-z]{3,}", line) and not all(
            w in AS_TYPED or SERIAL.fullmatch(w) for w in line.split()
        ):
            problems.append((page.url, "English", line))
    problems.extend((page.url, "C.E. year", m.group()) for m in CE_YEAR.finditer(text))


def look_up(page, typed, problems):
    """Types a serial into the home page's box and sends it, as a citizen does."""
    page.goto(page.base + "/")
    read(page, problems)
    box = page.locator("form.verify-box")
    box.locator("input[name=serial]").fill(typed)
    with page.expect_navigation():
        box.get_by_role("button", name="ตรวจสอบ").click()
    read(page, problems)
    return page


def test_a_citizen_checks_a_valid_and_a_revoked_certificate_from_the_home_page(browser, live_server):
    award_round = round_2565()
    award_round.ceremony_date = timezone.localdate() - datetime.timedelta(days=30)
    award_round.save(update_fields=["ceremony_date"])
    awarded(award_round)
    revoked = awarded(award_round, title="เมืองทดสอบที่ถูกเพิกถอน (ข้อมูลทดสอบ)")
    awards.revoke(
        revoked.documents.get(kind=DocumentKind.AWARD_CERTIFICATE),
        actor=secretariat(),
        reason="ไม่รายงานความก้าวหน้าตามแผน",
    )

    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base = live_server.url
    problems = []

    look_up(page, " sct-๒๕๖๕-๐๐๑ ", problems)
    assert page.url == live_server.url + "/verify/SCT-2565-001/"
    verdict = page.locator("#validity")
    assert verdict.locator(".verdict-sentence").inner_text() == "เอกสารฉบับนี้มีผลใช้ได้"
    assert "ลำปางเมืองน่าอยู่อัจฉริยะ" in page.locator("main").inner_text()
    # the sentence comes first, in large type; the checksum comes last, for experts
    sentence_size = float(
        verdict.locator(".verdict-sentence").evaluate("e => getComputedStyle(e).fontSize")[:-2]
    )
    body_size = float(page.locator("main dl dd").first.evaluate("e => getComputedStyle(e).fontSize")[:-2])
    assert sentence_size >= 1.5 * body_size
    assert page.locator("#validity").bounding_box()["y"] < page.locator("#sha256").bounding_box()["y"]

    look_up(page, "SCT 2565 002", problems)
    assert page.url == live_server.url + "/verify/SCT-2565-002/"
    assert page.locator("#validity .verdict-sentence").inner_text() == (
        "เอกสารฉบับนี้ถูกเพิกถอนแล้ว และไม่มีผลอีกต่อไป"
    )
    assert "เหตุผล: ไม่รายงานความก้าวหน้าตามแผน" in page.locator("#validity").inner_text()

    look_up(page, "SCT-2565-999", problems)
    assert page.url == live_server.url + "/verify/?serial=SCT-2565-999"
    assert page.get_by_role("alert").inner_text() == (
        "โครงการเมืองอัจฉริยะประเทศไทยไม่เคยออกเกียรติบัตรหรือโล่เลขที่ “SCT-2565-999”"
    )
    assert page.locator("input[name=serial]").input_value() == "SCT-2565-999"

    assert problems == []
    context.close()


DROP = """([content, name]) => {
  const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type: "application/pdf"}));
  const zone = document.getElementById("drop-zone");
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
  }
}"""


def drop_file(page, content, name, problems):
    """Drops a PDF on the box of /verify/, as a citizen drags it from their files."""
    import base64

    page.goto(page.base + "/verify/")
    read(page, problems)
    with page.expect_navigation():
        page.evaluate(DROP, [base64.b64encode(content).decode(), name])
    read(page, problems)
    return page.locator("#file-verdict")


def test_a_citizen_drops_a_genuine_and_a_tampered_pdf_on_the_verification_page(browser, live_server):
    import concurrent.futures
    from pathlib import Path

    from certification.services import rendering
    from tests.certification.test_signing import one_byte_changed, page_added

    award_round = round_2565()
    award_round.ceremony_date = timezone.localdate() - datetime.timedelta(days=30)
    award_round.save(update_fields=["ceremony_date"])
    award = awarded(award_round)
    certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    # Rendered as a worker renders it, in a thread of its own: pyHanko runs an event loop of its own,
    # which it cannot start in this thread, where Playwright's runs.
    with concurrent.futures.ThreadPoolExecutor(1) as worker:
        document = worker.submit(rendering.render_document, certificate.pk).result()
    genuine = Path(document.file.path).read_bytes()

    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base = live_server.url
    problems = []

    verdict = drop_file(page, genuine, "SCT-2565-001.pdf", problems)
    assert page.url == live_server.url + "/verify/file/"
    assert verdict.locator(".verdict-label").inner_text() == "ของจริง"
    assert verdict.locator(".verdict-sentence").inner_text() == "ไฟล์นี้เป็นเอกสารฉบับจริงของทะเบียน"
    assert "เอกสารมีผลใช้ได้ในวันนี้" in verdict.inner_text()
    assert "ลายมือชื่อดิจิทัลถูกต้องและไม่ถูกแก้ไข" in verdict.inner_text()

    verdict = drop_file(page, one_byte_changed(genuine), "SCT-2565-001.pdf", problems)
    assert verdict.locator(".verdict-label").inner_text() == "ไม่ใช่ของจริง"
    assert verdict.locator(".verdict-sentence").inner_text() == "ไฟล์นี้ถูกแก้ไขหลังจากออกเอกสาร"

    verdict = drop_file(page, page_added(genuine), "SCT-2565-001.pdf", problems)
    assert verdict.locator(".verdict-sentence").inner_text() == "มีการเพิ่มหน้าในไฟล์นี้หลังจากลงนาม"
    with page.expect_navigation():
        verdict.get_by_role("link", name="หน้าตรวจสอบของเอกสารฉบับจริง").click()
    read(page, problems)
    assert page.url == live_server.url + "/verify/SCT-2565-001/"

    assert problems == []
    context.close()
