"""The whole chain in a real browser, through the pages alone: after the demo data, nothing is done but
what people do in Chromium. An applicant signs up and submits a proposal with a boundary and a PDF; the
secretariat reads it, opens the PDF, screens it, records the committee's meeting and acknowledges the
promotion zone; the applicant writes and submits the plan; two evaluators read it beside their form,
save a draft and submit; the committee secretary records the subcommittee's and the committee's
resolutions; an official awards it; a real worker renders the documents; the certificate's public
verification page says it is valid. Every page on the way, in Thai, shows no English and no C.E. year.
"""

import json
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from certification.demo.record import SAMPLE_PDF
from tests.conftest import celery_worker_process, worker_database_env

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PDF = SAMPLE_PDF  # a PDF of one blank page
BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[99.00, 18.56], [99.03, 18.56], [99.03, 18.59], [99.00, 18.59], [99.00, 18.56]]],
}
TITLE = "ลำพูนเมืองน่าอยู่อัจฉริยะ (ข้อมูลทดสอบ)"
# What may stay as it is on a Thai page: the other language's name, codes, names and what people typed.
AS_TYPED = {
    "English",
    "ENV",
    "ECO",
    "MOB",
    "ENE",
    "PEO",
    "LIV",
    "GOV",
    "Sarabun",
    "GeoThai",
    "Lamphun Town Municipality (test data)",
    "manee@lamphun.example",
    "PDF",
    "GeoJSON",
    "SHA-256",
}
THAI = re.compile(r"[\u0e00-\u0e7f]")
SHA256 = re.compile(r"[0-9a-f]{64}")  # a document's checksum, for experts, on its verification page
CE_YEAR = re.compile(r"(?<![0-9A-Za-z.])(19[5-9]\d|20\d\d)(?![0-9A-Za-z])")


class Reader:
    """Reads every page a person lands on and keeps what a Thai reader should not see."""

    def __init__(self):
        self.problems = []

    def read(self, page):
        page.wait_for_load_state()
        text = page.locator("body").inner_text()
        for line in (line.strip() for line in text.splitlines()):
            if not line or line in AS_TYPED or THAI.search(line) or SHA256.fullmatch(line):
                continue
            if re.search(r"[A-Za-z]{3,}", line) and not all(word in AS_TYPED for word in line.split()):
                self.problems.append((page.url, "English", line))
        for match in CE_YEAR.finditer(text):
            around = text[max(0, match.start() - 30) : match.end() + 10].replace("\n", " ")
            self.problems.append((page.url, "C.E. year", around))
        return page


@pytest.fixture
def reader():
    return Reader()


def person(browser, live_server, reader):
    context = browser.new_context(locale="th-TH", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.base = live_server.url
    page.reader = reader
    return page


def go(page, path):
    page.goto(page.base + path)
    return page.reader.read(page)


def click(page, locator):
    """Clicks what leads to another page, and reads that page."""
    with page.expect_navigation():
        locator.click()
    return page.reader.read(page)


def staff(browser, live_server, reader, username, password):
    page = person(browser, live_server, reader)
    go(page, "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    click(page, page.locator("input[type=submit]"))
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def run_action(page, label, title=TITLE, resolution=None, decide=False):
    """Selects the application in the list and runs an action; on the decision's page (``decide``) it
    records the decision, citing ``resolution`` if given."""
    go(page, "/admin/certification/application/")
    row = page.locator("#result_list tr", has_text=title)
    row.locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", label=label)
    click(page, page.locator(".actions button"))
    if resolution is not None or decide:
        if resolution is not None:
            option = page.locator("#id_resolution option", has_text=resolution)
            page.select_option("#id_resolution", option.get_attribute("value"))
        click(page, page.get_by_role("button", name="บันทึกการตัดสิน"))
    page.locator(".messagelist").wait_for()
    assert "errornote" not in page.content()


def open_application(page, title=TITLE):
    go(page, "/admin/certification/application/")
    click(page, page.locator("#result_list a", has_text=title).first)
    page.locator("#application-reading").wait_for()


def record_meeting(page, body, resolution):
    go(page, "/admin/certification/meeting/add/")
    page.select_option("#id_body", body)
    page.fill("#id_agenda", "พิจารณา" + TITLE)
    page.fill("#id_resolutions-0-text", resolution)
    click(page, page.locator("input[name=_save]"))
    page.locator(".messagelist .success").wait_for()


def sign_up(page):
    go(page, "/")
    click(page, page.get_by_role("link", name="ลงทะเบียน"))
    page.fill("#id_name", "มานี รักเมือง")
    page.fill("#id_email", "manee@lamphun.example")
    page.fill("#id_password1", "ลำพูน-2567-secure")
    page.fill("#id_password2", "ลำพูน-2567-secure")
    click(page, page.locator("main").get_by_role("button", name="ลงทะเบียน"))
    link = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+/)", mail.outbox[-1].body).group(1)
    go(page, link)
    page.wait_for_url(re.compile(r"/apply/$"))
    click(page, page.get_by_role("link", name="สร้างหน่วยงาน").first)
    page.fill("#id_name_th", "เทศบาลเมืองลำพูน (ข้อมูลทดสอบ)")
    page.fill("#id_name_en", "Lamphun Town Municipality (test data)")
    page.select_option("#id_org_type", "town_municipality")
    page.select_option("#id_province", "51")
    click(page, page.get_by_role("button", name="สร้างหน่วยงาน"))
    page.wait_for_url(re.compile(r"/organisations/\d+/$"))


def attach(page, tmp_path, kind, name):
    file = tmp_path / name
    file.write_bytes(PDF)
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", str(file))
    click(page, page.get_by_role("button", name="อัปโหลด"))
    page.locator("#attachment-list").filter(has_text=name).wait_for()


def submit_proposal(page, tmp_path):
    go(page, "/apply/")
    click(page, page.get_by_role("link", name="ข้อเสนอโครงการใหม่"))
    page.fill("#id_title", TITLE)
    page.check("input[name=city_type][value=livable]")
    click(page, page.get_by_role("button", name="สร้างฉบับร่าง"))
    page.fill("#id_area_name", "เขตเทศบาลเมืองลำพูน")
    page.fill("#id_provinces-filter", "ลำพูน")
    page.check("#id_provinces_51")
    page.fill("#id_area_km2", "๒๒.๕")
    page.fill("#id_population", "๑๕,๐๐๐")
    page.fill("#id_boundary_description", "ทิศเหนือจรดแม่น้ำกวง")
    page.fill("#id_boundary_geojson", json.dumps(BOUNDARY))
    click(page, page.get_by_role("button", name="บันทึกและไปต่อ"))
    page.fill("#id_vision", "เมืองเก่าที่มีชีวิต")
    page.fill("#id_goals", "ลดการใช้พลังงานร้อยละ ๒๐")
    click(page, page.get_by_role("button", name="บันทึกและไปต่อ"))
    page.check("input[name=domains][value=ENV]")
    page.check("input[name=domains][value=ENE]")
    click(page, page.get_by_role("button", name="บันทึกและไปต่อ"))
    application = re.search(r"/apply/(\d+)/", page.url).group(1)
    go(page, f"/apply/{application}/attachments/")
    attach(page, tmp_path, "proposal_document", "ข้อเสนอโครงการ.pdf")
    go(page, f"/apply/{application}/review/")
    click(page, page.get_by_role("button", name="ส่งข้อเสนอโครงการ"))
    assert "ส่งข้อเสนอโครงการแล้ว" in page.locator("#state").inner_text()
    return application


def fill_services(page, project, indicator):
    page.fill("#id_projects-0-name", project)
    page.fill("#id_projects-0-description", "บริการของเมือง")
    page.fill("#id_projects-0-budget_baht", "๕,๐๐๐,๐๐๐")
    page.fill("#id_projects-0-start_year", "๒๕๖๙")
    page.fill("#id_projects-0-end_year", "๒๕๗๑")
    page.select_option("#id_indicators-0-project", project)  # picked from the projects above
    page.fill("#id_indicators-0-name", indicator)
    page.fill("#id_indicators-0-unit", "ร้อยละ")
    page.fill("#id_indicators-0-baseline", "10")
    page.fill("#id_indicators-0-target", "30")
    page.fill("#id_indicators-0-target_year", "2571")


def submit_plan(page, application, tmp_path):
    go(page, f"/apply/{application}/")
    sections = {
        "plan_vision": {"vision": "เมืองเก่าที่มีชีวิตและประหยัดพลังงาน", "target_area": "เขตเทศบาลเมืองลำพูน"},
        "infrastructure": {
            "physical": "ทางเดินริมน้ำ",
            "digital": "โครงข่ายเซนเซอร์",
            "investment_baht": "๒๐,๐๐๐,๐๐๐",
            "timeline": "๒๕๖๙–๒๕๗๒",
        },
        "data_platform": {"description": "ศูนย์ข้อมูลเมือง", "open_data": "ชุดข้อมูลเปิด", "security": "ตาม พ.ร.บ."},
        "management": {"description": "บริษัทพัฒนาเมือง", "partners": "มหาวิทยาลัยในพื้นที่"},
    }
    for key, values in sections.items():
        go(page, f"/apply/{application}/sections/{key}/")
        if key == "management":
            page.select_option("#id_model", "city_development_company")
        for name, value in values.items():
            page.fill(f"#id_{name}", value)
        click(page, page.locator("button[name=action][value=save]"))
    for domain, project in (("ENV", "ระบบเฝ้าระวังฝุ่น"), ("ENE", "ไฟถนนอัจฉริยะ")):
        go(page, f"/apply/{application}/sections/services_{domain}/")
        fill_services(page, project, "ค่าฝุ่นลดลง" if domain == "ENV" else "พลังงานที่ประหยัด")
        click(page, page.locator("button[name=action][value=save]"))
    go(page, f"/apply/{application}/attachments/")
    attach(page, tmp_path, "plan_document", "แผนพัฒนาเมือง.pdf")
    go(page, f"/apply/{application}/review/")
    click(page, page.get_by_role("button", name="ส่งแผนพัฒนาเมืองอัจฉริยะ"))
    page.locator("#state").wait_for()


def evaluate(page, scores, recommendation):
    go(page, "/admin/")
    click(page, page.locator("#work-queue a[href*='progress=undeclared']"))  # plans waiting for a declaration
    click(page, page.locator("#result_list a", has_text=TITLE).first)
    page.check("input[name=conflict][value=none]")
    click(page, page.locator("#evaluation-form [type=submit]"))
    page.locator("#reading-services_ENV").filter(has_text="ระบบเฝ้าระวังฝุ่น").wait_for()  # the plan beside
    page.fill("#id_score_vision", str(scores[0]))
    page.fill("#id_domain_ENV", "ครอบคลุมคุณภาพอากาศ")
    click(page, page.locator("#save-draft"))
    page.reload()
    page.reader.read(page)
    assert page.input_value("#id_score_vision") == str(scores[0])  # the draft came back
    for field, value in zip(
        ["infrastructure", "data_platform", "services", "management"], scores[1:], strict=True
    ):
        page.fill(f"#id_score_{field}", str(value))
    page.fill("#id_domain_ENE", "มีแผนพลังงานชัดเจน")
    page.select_option("#id_recommendation", recommendation)
    page.check("#id_confirm")
    click(page, page.locator("#submit-evaluation"))
    page.locator(".messagelist .success").wait_for()


def test_from_a_proposal_to_a_verified_certificate_through_the_pages_alone(
    browser, live_server, reader, tmp_path, worker_log
):
    with override_settings(DEBUG=True):  # seed_demo refuses to run on a production server
        call_command("seed_demo", verbosity=0)
    mail.outbox.clear()

    applicant = person(browser, live_server, reader)
    sign_up(applicant)
    application = submit_proposal(applicant, tmp_path)

    secretariat = staff(browser, live_server, reader, "secretariat", "secretariat-demo")
    click(secretariat, secretariat.locator("#work-queue a[href*='queue=submitted']"))
    assert TITLE in secretariat.locator("#result_list").inner_text()
    run_action(secretariat, "เริ่มการคัดกรอง")
    open_application(secretariat)
    area = secretariat.locator("#reading-area")
    assert "เขตเทศบาลเมืองลำพูน" in area.inner_text() and "๑๕,๐๐๐" in area.inner_text()
    assert area.locator("svg.reading-boundary path").count() == 1
    with secretariat.expect_download() as download:
        secretariat.locator("#reading-attachments a", has_text="ข้อเสนอโครงการ.pdf").click()
    assert download.value.path().read_bytes() == PDF
    click(secretariat, secretariat.get_by_role("link", name="บันทึกผลการคัดกรอง"))
    for box in secretariat.locator("#screening-form input[type=checkbox]").all():
        box.check()
    secretariat.check("input[name=outcome][value=passed]")
    click(secretariat, secretariat.get_by_role("button", name="บันทึกผลการคัดกรอง"))
    record_meeting(secretariat, "committee", "รับทราบเขตส่งเสริมเมืองอัจฉริยะลำพูน")
    run_action(
        secretariat,
        "รับทราบเป็นเขตส่งเสริมเมืองอัจฉริยะ (ตามมติคณะกรรมการ)",
        resolution="รับทราบเขตส่งเสริมเมืองอัจฉริยะลำพูน",
    )

    submit_plan(applicant, application, tmp_path)

    run_action(secretariat, "เริ่มการประเมินแผน")
    open_application(secretariat)
    for row, name in enumerate(("สมหญิง รักเมือง", "วิชัย มั่นคง")):
        secretariat.get_by_role("button", name=re.compile("เพิ่ม.*การประเมิน")).click()
        secretariat.locator(f"select[name$='-{row}-evaluator']").wait_for()
        option = secretariat.locator(f"select[name$='-{row}-evaluator'] option", has_text=name)
        secretariat.select_option(f"select[name$='-{row}-evaluator']", option.get_attribute("value"))
    click(secretariat, secretariat.locator("input[name=_continue]"))
    secretariat.locator(".messagelist").wait_for()

    for username, scores, recommendation in (
        ("evaluator1", [80, 75, 70, 85, 60], "approve"),
        ("evaluator2", [70, 70, 65, 80, 70], "approve"),
    ):
        evaluate(staff(browser, live_server, reader, username, "evaluator-demo"), scores, recommendation)

    open_application(secretariat)
    assert secretariat.locator("#score-mean").inner_text() == "74.2"  # (75.8 + 72.5) / 2
    assert secretariat.locator("#reading-attachments object").count() == 0  # no viewer until asked for
    secretariat.locator("#reading-attachments summary").first.click()
    secretariat.locator("#reading-attachments object.reading-preview[type='application/pdf']").wait_for(
        state="attached"
    )
    run_action(secretariat, "เสนอให้ความเห็นชอบแผน (คณะทำงาน)", decide=True)

    committee = staff(browser, live_server, reader, "committee", "committee-demo")
    record_meeting(committee, "subcommittee", "เห็นชอบแผนพัฒนาเมืองอัจฉริยะลำพูน")
    run_action(committee, "เห็นชอบแผน (ตามมติคณะอนุกรรมการ)", resolution="เห็นชอบแผนพัฒนาเมืองอัจฉริยะลำพูน")
    record_meeting(committee, "committee", "ให้ความเห็นชอบการมอบตราสัญลักษณ์แก่ลำพูน")
    run_action(committee, "ให้ความเห็นชอบ (ตามมติคณะกรรมการ)", resolution="ให้ความเห็นชอบการมอบตราสัญลักษณ์แก่ลำพูน")

    official = staff(browser, live_server, reader, "official", "official-demo")
    go(official, "/admin/certification/awardround/add/")
    official.fill("#id_year", "2569")
    official.locator(".add-row a").click()
    official.fill("#id_signatories-0-name", "นายทดสอบ ลงนาม")
    official.fill("#id_signatories-0-position", "ประธานกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ")
    click(official, official.locator("input[name=_save]"))
    official.locator(".messagelist .success").wait_for()
    with celery_worker_process(worker_log, **worker_database_env()):
        go(official, "/admin/")
        click(official, official.locator("#work-queue a[href*='queue=endorsed']"))
        official.locator("#result_list tr", has_text=TITLE).locator("input[name=_selected_action]").check()
        official.select_option("select[name=action]", index=1)
        click(official, official.locator(".actions button"))
        assert TITLE in official.locator("#awardable").inner_text()
        option = official.locator("#id_round option", has_text="2569")
        official.select_option("#id_round", option.get_attribute("value"))
        click(official, official.locator("#award-form input[name=apply]"))
        official.locator(".messagelist .success").wait_for()
        go(official, "/admin/certification/document/?kind__exact=award_certificate&status__exact=ready")
        ready = official.locator("#result_list a", has_text=re.compile(r"SCT-\d{4}-\d{3}"))
        for _ in range(90):  # the worker renders while the official looks; reload until it is ready
            if ready.count():
                break
            official.wait_for_timeout(1000)
            official.reload()
        serial = ready.first.inner_text()

    citizen = person(browser, live_server, reader)
    go(citizen, f"/verify/{serial}/")
    assert "มีผลใช้บังคับ" in citizen.locator("#validity").inner_text()
    assert "ลำพูน" in citizen.locator("#verification").inner_text()

    # The applicant finds the certificate among their documents, ready to download; both of their own
    # acts (the proposal and the plan) were acknowledged at once with a reference number.
    go(applicant, "/apply/certificates/")
    row = applicant.locator(f"#document-{serial}")
    assert row.get_attribute("data-state") == "ready" and row.locator("a.download-link").count() == 1
    found_references = (re.search(r"เลขที่อ้างอิง (SC-\d{4}-\d{4,})/(\d+)", m.subject) for m in mail.outbox)
    references = [match.groups() for match in found_references if match]
    assert [version for _number, version in references] == ["1", "2"]
    assert len({number for number, _version in references}) == 1  # one application, two submissions

    found = sorted({(kind, text, url) for url, kind, text in reader.problems})
    assert found == [], "\n".join(map(str, found))
