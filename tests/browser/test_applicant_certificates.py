"""The applicant receives what was awarded, in a real browser: after the demo data, the demo
applicant's sample plan is taken to the award through the services; then, through the pages alone, the
applicant opens "my certificates", sees the serials being prepared, waits while a real worker renders
them, downloads the certificate (its text holds the serial) and follows its verification link. Every
page, in Thai, shows no English and no C.E. year."""

import re
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from certification.enums import Body, DocumentKind, Status
from certification.models import Application, AwardRound, Resolution, Signatory
from certification.services import awards, core, review
from smartcity.thaidate import be_year
from tests.browser.test_journey import Reader, click, go, person
from tests.conftest import celery_worker_process, worker_database_env

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

SHA256 = re.compile(r"[0-9a-f]{64}")
TITLE = "ย่านเก่าตัวอย่างอัจฉริยะ (ข้อมูลตัวอย่าง)"  # the demo's sample whose plan is submitted


def award_the_demo_plan():
    """The committees' part, through the services: evaluation, recommendation, the subcommittee's
    approval and the committee's endorsement citing the demo's meetings of 2569, and the award in a
    round whose ceremony is today."""
    users = get_user_model().objects
    secretariat, secretary = users.get(username="secretariat"), users.get(username="committee")
    application = Application.objects.get(title=TITLE)
    assert application.status == Status.PLAN_SUBMITTED
    review.start_evaluation(application, actor=secretariat)
    core.transition(application, Status.RECOMMENDED, actor=secretariat)
    for body, state in ((Body.SUBCOMMITTEE, Status.SUBCOMMITTEE_APPROVED), (Body.COMMITTEE, Status.ENDORSED)):
        resolution = Resolution.objects.filter(meeting__body=body, meeting__year=2569).first()
        review.decide([application], resolution=resolution, to_state=state, actor=secretary)
    today = timezone.localdate()
    award_round = AwardRound.objects.create(year=be_year(today), ceremony_date=today)
    Signatory.objects.create(round=award_round, order=1, name="นายทดสอบ ลงนาม", position="ประธานกรรมการ")
    return awards.award(application, award_round, actor=secretariat)


def log_in(page, username, password):
    go(page, "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    click(page, page.locator("main").get_by_role("button", name="เข้าสู่ระบบ"))


def test_the_applicant_downloads_the_awarded_certificate_and_verifies_it(
    browser, live_server, tmp_path, worker_log
):
    with override_settings(DEBUG=True):  # seed_demo refuses to run on a production server
        call_command("seed_demo", verbosity=0)
    award = award_the_demo_plan()
    serials = {d.kind: d.serial for d in award.application.documents.all()}
    assert set(serials) == set(DocumentKind.values)
    certificate = serials[DocumentKind.AWARD_CERTIFICATE]

    reader = Reader()
    applicant = person(browser, live_server, reader)
    log_in(applicant, "applicant", "applicant-demo")
    click(applicant, applicant.locator("main").get_by_role("link", name="เอกสารรับรองของฉัน"))
    table = applicant.locator("#my-documents")
    for serial in serials.values():
        assert serial in table.locator(f"#document-{serial} .serial").inner_text()
    # Nothing is rendered yet: being prepared, with a progress bar and no download.
    row = applicant.locator(f"#document-{certificate}")
    assert "กำลังจัดทำ" in row.locator(".document-state").inner_text()
    assert row.locator(".progress").count() == 1 and row.locator("a.download-link").count() == 0

    with celery_worker_process(worker_log, **worker_database_env()):
        # The page asks every two seconds and reloads itself once a document has changed.
        ready = applicant.locator(f"#document-{certificate}[data-state=ready]")
        for _ in range(45):
            if ready.count() and not applicant.locator("tr[data-state=preparing]").count():
                break
            applicant.wait_for_timeout(2000)
        reader.read(applicant)
        assert applicant.locator("tr[data-state=ready]").count() == 3, applicant.locator(
            "#my-documents"
        ).inner_text()

    assert "พร้อมแล้ว" in row.locator(".document-state").inner_text()
    with applicant.expect_download() as download:
        row.locator("a.download-link").click()
    assert download.value.suggested_filename == f"{certificate}.pdf"
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert certificate in text.decode()

    click(applicant, row.locator("a.verify-link"))
    assert applicant.url.endswith(f"/verify/{certificate}/")
    assert "มีผลใช้บังคับ" in applicant.locator("#validity").inner_text()

    # The application's own page lists the same documents and the reference number of the plan.
    go(applicant, f"/apply/{award.application.pk}/")
    reference = f"SC-{be_year(award.application.created_at)}-{award.application.pk:04d}/2"
    assert applicant.locator("#reference strong").inner_text() == reference
    assert applicant.locator("#my-documents tr[data-state=ready]").count() == 3

    # A SHA-256 in hexadecimal is a code, not English, wherever the verification page puts it.
    found = sorted({(kind, text, url) for url, kind, text in reader.problems if not SHA256.fullmatch(text)})
    assert found == [], "\n".join(map(str, found))
