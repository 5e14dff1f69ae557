"""A citizen uses the public registry in a real browser (issue 12): from the home page's navigation to
/registry/, filtered by region and by domain with the form's own controls; an area's page, and the
verification of its certificate; a serial typed into the home page's lookup box; the CSV of the filtered
listing, downloaded through its link: UTF-8 with a byte-order mark, the Thai names intact, only the
filtered rows. Every page, in Thai, shows no English and no C.E. year. Then a short pass in English: the
listing writes its rounds as B.E. years, as the statistics page does."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from tests.api.records import area, organisation
from tests.certification.awards_helpers import awarded, round_2565

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

NORTH = "ภาคเหนือ"  # in both groupings; the six geographic regions come first
MOBILITY = "การเดินทางและขนส่งอัจฉริยะ"
LAMPANG = "ลำปางเมืองน่าอยู่อัจฉริยะ"  # awarded through the portal: certificate SCT-2565-001
CHIANG_MAI = "เชียงใหม่เมืองเก่าอัจฉริยะ"  # north, mobility
NAN = "น่านเมืองสีเขียวอัจฉริยะ"  # north, but no mobility
SAM_YAN = "สามย่านเมืองอัจฉริยะ"  # mobility, but Bangkok
PHUKET = "ภูเก็ตเมืองอัจฉริยะ"  # mobility, but the south


def read(page, problems):
    """Keeps what a Thai reader should not see on the page."""
    page.wait_for_load_state()
    text = page.locator("body").inner_text()
    for line in (line.strip() for line in text.splitlines()):
        if not line or line in AS_TYPED or THAI.search(line) or SERIAL.fullmatch(line):
            continue
        if re.search(r"[A-Za-z]{3,}", line) and not all(
            w in AS_TYPED or SERIAL.fullmatch(w) for w in line.split()
        ):
            problems.append((page.url, "English", line))
    problems.extend((page.url, "C.E. year", m.group()) for m in CE_YEAR.finditer(text))


def click(page, locator, problems):
    """Clicks what leads to another page, and reads that page."""
    with page.expect_navigation():
        locator.click()
    read(page, problems)


def open_registry(page, problems):
    """From the home page, through the navigation's link."""
    page.goto(page.base + "/")
    read(page, problems)
    click(page, page.get_by_role("link", name="ทะเบียนเมืองอัจฉริยะ", exact=True), problems)
    assert page.url == page.base + "/registry/"


def filter_listing(page, problems, *, region=None, domain=None):
    form = page.get_by_role("search", name="กรองรายการ")
    if region:
        form.get_by_label("ภาค", exact=True).select_option(label=region)
    if domain:
        form.get_by_label("ด้าน", exact=True).select_option(label=domain)
    click(page, form.get_by_role("button", name="แสดง"), problems)


def listed(page):
    """The names the listing shows, in its order."""
    return page.get_by_role("table").get_by_role("link").all_inner_texts()


def column(page, heading):
    """The cells of the listing's column under ``heading``, in its order."""
    table = page.get_by_role("table")
    index = table.get_by_role("columnheader").all_inner_texts().index(heading)
    return [row.get_by_role("cell").nth(index).inner_text() for row in table.locator("tbody tr").all()]


def test_a_citizen_filters_the_registry_verifies_an_area_and_downloads_the_listing(browser, live_server):
    award_round = round_2565()
    award_round.ceremony_date = timezone.localdate() - datetime.timedelta(days=30)
    award_round.save(update_fields=["ceremony_date"])
    lampang = awarded(award_round, title=LAMPANG).certified_city  # Lampang, ENV and MOB
    area(
        CHIANG_MAI, name_en="Chiang Mai Old Town Smart City", provinces=("50",), year=2564,
        domains="ENV,MOB", serial="SCT-2564-003", owner=organisation("เทศบาลนครเชียงใหม่", province="50"),
    )  # fmt: skip
    area(NAN, name_en="Nan Green Smart City", provinces=("55",), domains="ENV,ECO")
    area(SAM_YAN, name_en="Sam Yan Smart City", provinces=("10",), domains="ENV,MOB")
    area(PHUKET, name_en="Phuket Smart City", provinces=("83",), domains="ENV,MOB")

    context = browser.new_context(
        locale="th-TH", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.base = live_server.url
    problems = []

    # To the registry from the home page; every area is listed.
    open_registry(page, problems)
    assert page.get_by_role("heading", level=1).inner_text() == "เมืองอัจฉริยะที่ได้รับการรับรอง"
    assert sorted(listed(page)) == sorted([LAMPANG, CHIANG_MAI, NAN, SAM_YAN, PHUKET])

    # By region: the three northern areas, not Bangkok's nor Phuket's.
    filter_listing(page, problems, region=NORTH)
    assert "region=geographic%3Anorth" in page.url
    assert listed(page) == [CHIANG_MAI, NAN, LAMPANG]  # Thai dictionary order: เช, น, ล
    assert page.get_by_role("status").filter(has_text="รายการ").inner_text() == "3 รายการ"

    # And by domain: Nan has no mobility.
    filter_listing(page, problems, domain=MOBILITY)
    assert "domain=MOB" in page.url
    assert listed(page) == [CHIANG_MAI, LAMPANG]
    assert column(page, "รอบ") == ["พ.ศ. 2564", "พ.ศ. 2565"]
    assert page.get_by_label("ภาค", exact=True).locator("option:checked").inner_text() == NORTH

    # The area's page, then the verification of its certificate.
    click(page, page.get_by_role("link", name=LAMPANG, exact=True), problems)
    assert page.url == f"{live_server.url}/registry/areas/{lampang.pk}/"
    assert page.get_by_role("heading", level=1).inner_text().startswith(LAMPANG)
    assert page.get_by_role("status").get_by_text("พื้นที่นี้ได้รับตราสัญลักษณ์เมืองอัจฉริยะประเทศไทย").is_visible()
    click(page, page.get_by_role("link", name="ตรวจสอบใบรับรองเลขที่ SCT-2565-001"), problems)
    assert page.url == live_server.url + "/verify/SCT-2565-001/"
    assert page.locator("#validity .verdict-sentence").inner_text() == "เอกสารฉบับนี้มีผลใช้ได้"
    assert LAMPANG in page.get_by_role("main").inner_text()

    # Back to the home page, and a serial typed into the lookup box.
    click(page, page.get_by_role("link", name="ระบบรับรองเมืองอัจฉริยะ"), problems)  # the brand
    assert page.url == live_server.url + "/"
    page.get_by_label("เลขที่ของเกียรติบัตรหรือโล่").fill("sct 2565 001")
    click(page, page.get_by_role("search").get_by_role("button", name="ตรวจสอบ"), problems)
    assert page.url == live_server.url + "/verify/SCT-2565-001/"
    assert page.locator("#validity .verdict-sentence").inner_text() == "เอกสารฉบับนี้มีผลใช้ได้"

    # Back to the registry, the same filters, and the CSV of that listing.
    open_registry(page, problems)
    filter_listing(page, problems, region=NORTH, domain=MOBILITY)
    assert listed(page) == [CHIANG_MAI, LAMPANG]
    with page.expect_download() as info:
        page.get_by_role("link", name="ดาวน์โหลดเป็นไฟล์ CSV (ตารางคำนวณ)").click()
    download = info.value
    assert download.suggested_filename == "registry-areas.csv"
    data = download.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8")[1:])))
    assert rows[0][0] == "ชื่อ (ภาษาไทย)"
    assert sorted(row[0] for row in rows[1:]) == sorted([CHIANG_MAI, LAMPANG])
    text = data.decode("utf-8")
    assert all(name not in text for name in (NAN, SAM_YAN, PHUKET))

    assert problems == []

    # In English, through the switcher: the same listing, its rounds as B.E. years.
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "region=geographic%3Anorth" in page.url and "domain=MOB" in page.url
    assert listed(page) == ["Chiang Mai Old Town Smart City", LAMPANG]  # Lampang's record has no English name
    assert column(page, "Round") == ["B.E. 2564", "B.E. 2565"]
    rounds = page.get_by_role("search").get_by_label("Round", exact=True)
    assert rounds.get_by_role("option").all_inner_texts() == ["Any", "B.E. 2565", "B.E. 2564"]
    context.close()
