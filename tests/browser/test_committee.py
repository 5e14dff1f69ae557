"""The committee admin in a real browser: an application walked from submitted to endorsed by the
secretariat, an evaluator and the committee secretary."""

import re

import pytest

from certification.enums import Body, Role, Status
from certification.models import Application, AuditEntry
from certification.services import drafting
from tests.factories import (
    COMPLETE_PLAN,
    ApplicationFactory,
    UserFactory,
    meeting_resolution,
    services_content,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PDF = b"%PDF-1.4\n%%EOF\n"


def staff_page(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def run_action(page, live_server, application, label, resolution=None, note=None):
    page.goto(live_server.url + "/admin/certification/application/")
    page.check(f"input[name=_selected_action][value='{application.pk}']")
    page.select_option("select[name=action]", label=label)
    page.locator("button[name=index], .actions button").first.click()
    if resolution is not None or note is not None:
        if resolution is not None:
            page.select_option("#id_resolution", str(resolution.pk))
        if note is not None:
            page.fill("#id_note", note)
        page.get_by_role("button", name="บันทึกการตัดสิน").click()
    page.locator(".messagelist").wait_for()
    assert "errornote" not in page.content()
    return page.locator(".messagelist").inner_text()


def test_staff_walk_an_application_from_submitted_to_endorsed(browser, live_server):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = ApplicationFactory(complete=True)
    applicant = application.created_by
    drafting.add_attachment(
        application, SimpleUploadedFile("p.pdf", PDF), "proposal_document", actor=applicant
    )
    drafting.submit(application, actor=applicant)
    secretariat = UserFactory(role=Role.SECRETARIAT, first_name="เลขา")
    secretary = UserFactory(role=Role.COMMITTEE_SECRETARY)
    evaluator = UserFactory(role=Role.EVALUATOR, first_name="ผู้ประเมิน")
    committee = meeting_resolution(Body.COMMITTEE, recorded_by=secretary)
    subcommittee = meeting_resolution(Body.SUBCOMMITTEE, recorded_by=secretary)

    page = staff_page(browser, live_server, secretariat)
    run_action(page, live_server, application, "เริ่มการคัดกรอง")
    assert Application.objects.get(pk=application.pk).status == Status.SCREENING

    page.goto(f"{live_server.url}/admin/certification/application/{application.pk}/change/")
    page.get_by_role("link", name="บันทึกผลการคัดกรอง").click()
    for box in page.locator("#screening-form input[type=checkbox]").all():
        box.check()
    page.check("input[name=outcome][value=passed]")
    page.get_by_role("button", name="บันทึกผลการคัดกรอง").click()
    page.locator(".messagelist").wait_for()

    run_action(
        page, live_server, application, "รับทราบเป็นเขตส่งเสริมเมืองอัจฉริยะ (ตามมติคณะกรรมการ)", resolution=committee
    )
    application.refresh_from_db()
    assert application.status == Status.PROMOTION_ZONE
    assert application.promotion_zone.resolution == str(committee)

    # The applicant writes and submits the plan (the applicant area is tested on its own).
    for key, content in {
        **COMPLETE_PLAN,
        "services_ENV": services_content(),
        "services_MOB": services_content("x"),
    }.items():
        drafting.save_section(application, key, content, actor=applicant, expected_version=0)
    drafting.add_attachment(
        application, SimpleUploadedFile("plan.pdf", PDF), "plan_document", actor=applicant
    )
    drafting.submit(application, actor=applicant)

    run_action(page, live_server, application, "เริ่มการประเมินแผน")
    page.goto(f"{live_server.url}/admin/certification/application/{application.pk}/change/")
    page.get_by_role("button", name="เพิ่ม การประเมิน อีก").click()
    page.select_option("select[name$='-0-evaluator']", str(evaluator.pk))
    page.locator("input[name=_continue]").click()
    page.locator(".messagelist").wait_for()
    assignment = application.assignments.get()

    reviewer = staff_page(browser, live_server, evaluator)
    reviewer.goto(f"{live_server.url}/admin/certification/evaluatorassignment/{assignment.pk}/change/")
    reviewer.check("input[name=conflict][value=none]")
    reviewer.get_by_role("button", name="บันทึก").click()
    reviewer.locator("#conflict-state").filter(has_text="ไม่มีส่วนได้เสีย").wait_for()
    for field, value in {
        "vision": 80,
        "infrastructure": 75,
        "data_platform": 70,
        "services": 85,
        "management": 60,
    }.items():
        reviewer.fill(f"#id_score_{field}", str(value))
    reviewer.fill("#id_domain_ENV", "ครอบคลุมคุณภาพอากาศ")
    reviewer.fill("#id_domain_MOB", "มีแผนรถโดยสารไฟฟ้า")
    reviewer.select_option("#id_recommendation", "approve")
    reviewer.get_by_role("button", name="บันทึก").click()
    reviewer.locator(".messagelist").wait_for()
    assignment.refresh_from_db()
    assert assignment.scores["services"] == 85 and assignment.submitted_at is not None

    page.goto(f"{live_server.url}/admin/certification/application/{application.pk}/change/")
    assert page.locator("#score-mean").inner_text() == "75.8"  # (80 + 75 + 70 + 2 × 85 + 60) / 6
    run_action(page, live_server, application, "เสนอให้ความเห็นชอบแผน (คณะทำงาน)", note="")

    clerk = staff_page(browser, live_server, secretary)
    run_action(clerk, live_server, application, "เห็นชอบแผน (ตามมติคณะอนุกรรมการ)", resolution=subcommittee)
    run_action(clerk, live_server, application, "ให้ความเห็นชอบ (ตามมติคณะกรรมการ)", resolution=committee)
    application.refresh_from_db()
    assert application.status == Status.ENDORSED

    clerk.goto(f"{live_server.url}/admin/certification/application/{application.pk}/history/")
    history = clerk.locator("#history").inner_text()
    assert "ให้ความเห็นชอบแล้ว" in history
    assert (
        AuditEntry.objects.filter(
            application=application, action="certification.application.endorsed"
        ).count()
        == 1
    )
