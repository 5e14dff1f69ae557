"""After the award, in a real browser, through the pages alone. Set up: the demo data, and an area awarded
nearly two years ago (its first report overdue, its renewal window open) whose plan names two
indicators, and the round of this year. Then only what people do in Chromium: the applicant writes the
progress report (autosaved), attaches an evidence file and submits; the secretariat assesses it in the
admin; the applicant asks for renewal; the committee secretary records the committee's meeting and its
resolution and renews the award in this year's round; a citizen reads the new validity in the registry.
Every page on the way, in Thai, shows no English and no C.E. year.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from certification.models import AwardRound
from certification.snapshots import add_years
from smartcity.thaidate import be_year, format_date
from tests.browser.test_journey import Reader, click, go, person, record_meeting, staff
from tests.certification.monitoring_helpers import PDF, awarded_with_plan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

AREA = "ลำปางเมืองน่าอยู่อัจฉริยะ"


@pytest.fixture
def reader():
    return Reader()


def an_award_near_its_end():
    """Awarded two years less sixty days ago, valid two years: its first yearly report is overdue and
    the last months of its validity, when renewal is asked for, have begun."""
    today = timezone.localdate()
    awarded_on = add_years(today, -2) + datetime.timedelta(days=60)
    award_round = AwardRound.objects.create(year=be_year(awarded_on), ceremony_date=awarded_on)
    AwardRound.objects.create(year=be_year(today))  # this year's round, for the renewal
    award = awarded_with_plan(award_round, title=AREA)
    applicant = award.application.created_by
    applicant.set_password("ลำปาง-2569-secure")
    applicant.save()
    return award, applicant


def log_in(page, username, password):
    go(page, "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    click(page, page.locator("main form [type=submit]"))


def write_report(page, tmp_path):
    go(page, "/apply/")
    click(page, page.get_by_role("link", name="รายงานความก้าวหน้า"))
    click(page, page.get_by_role("button", name="เริ่มเขียนรายงาน").first)
    table = page.locator("#indicator-table")
    assert "38" in table.inner_text() and "25" in table.inner_text()  # baseline and target beside
    page.fill("#id_achieved_0", "๓๑.๕")
    page.fill("#id_note_0", "ติดตั้งเซ็นเซอร์ ๔๐ จุด")
    page.fill("#id_achieved_1", "๓๓")
    for component in ("vision", "infrastructure", "data_platform", "services", "management"):
        page.fill(f"#id_score_{component}", "๗๐")
        page.fill(f"#id_account_{component}", "ดำเนินการตามแผน")
    page.fill("#id_progress", "๖๒.๕")
    summary = "ปีแรกของแผนเป็นไปตามเป้าหมาย"
    with page.expect_response(
        lambda r: r.url.endswith("/autosave/") and summary in (r.request.post_data or "") and r.ok
    ):  # leaving the last field saves it (after any save still on its way)
        page.fill("#id_summary", summary)
        page.locator("#id_summary").blur()
    page.locator("#save-status").filter(has_text=re.compile("บันทึกเมื่อ")).wait_for()
    page.reload()
    page.reader.read(page)
    assert page.input_value("#id_progress") == "๖๒.๕"  # what was typed, as typed
    click(page, page.locator("#manage-evidence"))
    evidence = tmp_path / "หลักฐานการติดตั้ง.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files("#id_file", str(evidence))
    click(page, page.get_by_role("button", name="อัปโหลด"))
    page.locator("#evidence-table").filter(has_text="หลักฐานการติดตั้ง.pdf").wait_for()
    click(page, page.get_by_role("link", name="กลับไปที่รายงาน"))
    click(page, page.locator("#submit-report"))
    assert "ส่งแล้ว สำนักงานเลขานุการได้รับแจ้ง" in page.locator("main").inner_text()
    assert page.locator("#report-status").inner_text() == "ส่งแล้ว"


def assess(page):
    go(page, "/admin/")
    click(page, page.locator("#work-queue a[href*='progressreport']"))
    click(page, page.locator("#result_list a", has_text=AREA).first)
    assert "31.5" in page.locator("#report-indicators").inner_text()
    assert "หลักฐานการติดตั้ง.pdf" in page.locator("#report-evidence").inner_text()
    page.check("input[name=outcome][value=assessed]")
    for component, score in zip(
        ("vision", "infrastructure", "data_platform", "services", "management"),
        (80, 70, 60, 75, 65),
        strict=True,
    ):
        page.fill(f"#id_score_{component}", str(score))
    page.fill("#id_assessed_progress", "62.5")
    page.fill("#id_comment", "ก้าวหน้าตามแผน")
    click(page, page.locator("#record-decision"))
    page.locator(".messagelist .success").wait_for()
    assert "70.83" in page.locator("#assessment").inner_text()


def ask_for_renewal(page):
    go(page, "/apply/reports/")
    assert "ดัชนีร้อยละ 70.83" in page.locator("main").inner_text()
    click(page, page.get_by_role("link", name="ขอต่ออายุการรับรอง"))
    assert "ความก้าวหน้าของแผนร้อยละ 62.50" in page.locator("#latest-report").inner_text()
    page.check("#id_confirm")
    click(page, page.get_by_role("button", name="ส่งคำขอต่ออายุ"))
    assert "รอการพิจารณาของคณะกรรมการ" in page.locator("main").inner_text()


def renew(page, resolution):
    go(page, "/admin/")
    click(page, page.locator("#work-queue a[href*='renewal']"))
    page.locator("#result_list tr", has_text=AREA).locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", label="ต่ออายุตามมติของคณะกรรมการ…")
    click(page, page.locator(".actions button"))
    assert AREA in page.locator("#decision-items").inner_text()
    option = page.locator("#id_resolution option", has_text=resolution)
    page.select_option("#id_resolution", option.get_attribute("value"))
    year = str(be_year(timezone.localdate()))
    page.select_option("#id_round", page.locator("#id_round option", has_text=year).get_attribute("value"))
    click(page, page.locator("#decision-form input[name=apply]"))
    page.locator(".messagelist .success").wait_for()


def test_a_report_filed_assessed_and_the_award_renewed_through_the_pages_alone(
    browser, live_server, reader, tmp_path
):
    with override_settings(DEBUG=True):  # seed_demo refuses to run on a production server
        call_command("seed_demo", verbosity=0)
    award, applicant_user = an_award_near_its_end()

    applicant = person(browser, live_server, reader)
    log_in(applicant, applicant_user.username, "ลำปาง-2569-secure")
    write_report(applicant, tmp_path)

    secretariat = staff(browser, live_server, reader, "secretariat", "secretariat-demo")
    assess(secretariat)

    ask_for_renewal(applicant)

    committee = staff(browser, live_server, reader, "committee", "committee-demo")
    record_meeting(committee, "committee", "ต่ออายุการรับรองลำปางเมืองน่าอยู่อัจฉริยะ")
    renew(committee, "ต่ออายุการรับรองลำปางเมืองน่าอยู่อัจฉริยะ")

    citizen = person(browser, live_server, reader)
    go(citizen, f"/registry/areas/{award.certified_city_id}/")
    new_end = add_years(award.valid_until, 2)  # from the end of the old award, the round's two years
    status = citizen.locator("#area-status").inner_text()
    assert "ได้รับการรับรอง" in status and f"มีผลถึงวันที่ {format_date(new_end, language='th')}" in status
    assert "ต่ออายุเมื่อ" in citizen.locator("#renewed").inner_text()
    go(citizen, "/registry/progress/")
    assert AREA in citizen.locator("#progress-table").inner_text()

    found = sorted({(kind, text, url) for url, kind, text in reader.problems})
    assert found == [], "\n".join(map(str, found))
