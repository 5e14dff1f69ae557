"""The organisation's pages after the award (certification/views/reports.py): the list of its reports, a
report written with autosave, evidence, submitting, asking for renewal — and nobody else's award, report
or evidence is found (404), whatever the method."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification.enums import ReportStatus
from certification.models import ProgressReport, Renewal, ReportEvidence
from certification.services import reporting
from tests.certification.monitoring_helpers import (
    PDF,
    applicant_of,
    assessed_report,
    awarded_with_plan,
    report_content,
)
from tests.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    return awarded_with_plan()


@pytest.fixture
def report(award):
    return reporting.open_report(award, 2567, actor=applicant_of(award))


def logged_in(client, user):
    client.force_login(user)
    return client


def test_the_list_shows_each_report_due_with_its_status(client, award):
    page = logged_in(client, applicant_of(award)).get(reverse("apply:reports")).content.decode()
    assert "ลำปางเมืองน่าอยู่อัจฉริยะ" in page
    assert "รายงานความก้าวหน้าประจำปี 2567" in page and "รายงานความก้าวหน้าประจำปี 2568" in page
    assert page.count("เริ่มเขียนรายงาน") == 2
    assert f'action="/apply/awards/{award.pk}/reports/2567/"' in page


def test_starting_a_report_opens_it_and_a_year_not_due_is_refused(client, award):
    client = logged_in(client, applicant_of(award))
    response = client.post(reverse("apply:report_open", args=[award.pk, 2567]))
    report = ProgressReport.objects.get()
    assert response["Location"] == reverse("apply:report", args=[report.pk])
    response = client.post(reverse("apply:report_open", args=[award.pk, 2590]), follow=True)
    assert "ไม่มีรายงานความก้าวหน้าที่ต้องส่งในปี 2590" in response.content.decode()
    assert ProgressReport.objects.count() == 1


def test_the_report_page_shows_baseline_and_target_beside_each_indicator(client, report):
    page = logged_in(client, applicant_of(report.award)).get(reverse("apply:report", args=[report.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    row = html.split('id="indicator-table"')[1].split("</tr>")[1]
    assert "ค่าฝุ่น PM2.5 เฉลี่ยรายปี" in row and "ระบบเฝ้าระวังคุณภาพอากาศ · สิ่งแวดล้อมอัจฉริยะ" in row
    assert (
        '<td class="text-end">38</td>' in row
        and '<td class="text-end">25 <span class="small text-secondary">(2569)</span></td>' in row
    )
    assert 'name="achieved_0"' in row and 'inputmode="decimal"' in row
    assert f'data-autosave-url="/apply/reports/{report.pk}/autosave/"' in html
    assert "/static/js/autosave.js" in html


def test_autosave_saves_the_draft_and_a_stale_version_answers_409(client, report):
    client = logged_in(client, applicant_of(report.award))
    url = reverse("apply:report_autosave", args=[report.pk])
    saved = client.post(url, {"version": "0", "achieved_0": "๓๐", "summary": "ร่าง"})
    assert saved.status_code == 200
    assert (saved.json()["ok"], saved.json()["version"], saved.json()["complete"]) == (True, 1, False)
    stale = client.post(url, {"version": "0", "summary": "ทับ"})
    assert stale.status_code == 409 and stale.json()["conflict"] is True
    report.refresh_from_db()
    assert report.data == {"achieved_0": ["๓๐"], "summary": ["ร่าง"]}


def test_the_evidence_page_states_the_file_types_and_the_size_limit_before_the_form(client, report):
    client = logged_in(client, applicant_of(report.award))
    html = client.get(reverse("apply:report_evidence", args=[report.pk])).content.decode()
    rules = html.index('id="evidence-rules"')
    assert rules < html.index('id="upload-form"')
    assert "รับไฟล์ PDF, Word (DOCX), Excel (XLSX), PNG หรือ JPEG ขนาดไม่เกิน 20.0\xa0เมกะไบต์" in html[rules:]


def test_a_bad_upload_is_refused_and_the_draft_survives(client, report):
    client = logged_in(client, applicant_of(report.award))
    reporting.save_report(report, report_content(2), actor=applicant_of(report.award), expected_version=0)
    url = reverse("apply:report_evidence", args=[report.pk])
    refused = client.post(url, {"file": SimpleUploadedFile("ภาพ.pdf", b"GIF89a not a pdf")})
    assert refused.status_code == 400
    assert "ไฟล์นี้ไม่ใช่ไฟล์ PDF, Word (DOCX), Excel (XLSX), PNG หรือ JPEG" in refused.content.decode()
    assert ReportEvidence.objects.count() == 0
    report.refresh_from_db()
    assert report.data == report_content(2)
    added = client.post(url, {"file": SimpleUploadedFile("หลักฐาน.pdf", PDF)})
    assert added.status_code == 302
    evidence = ReportEvidence.objects.get()
    download = client.get(reverse("apply:evidence", args=[report.pk, evidence.pk]))
    assert (download.status_code, download["Content-Type"], download["X-Content-Type-Options"]) == (
        200, "application/pdf", "nosniff",
    )  # fmt: skip
    assert b"".join(download.streaming_content) == PDF


def test_submitting_through_the_page(client, report):
    applicant = applicant_of(report.award)
    client = logged_in(client, applicant)
    incomplete = client.post(reverse("apply:report_submit", args=[report.pk]), follow=True).content.decode()
    assert "แนบไฟล์หลักฐานอย่างน้อยหนึ่งไฟล์" in incomplete
    reporting.save_report(report, report_content(2), actor=applicant, expected_version=0)
    reporting.add_evidence(report, SimpleUploadedFile("หลักฐาน.pdf", PDF), actor=applicant)
    page = client.post(reverse("apply:report_submit", args=[report.pk]), follow=True).content.decode()
    assert "ส่งแล้ว สำนักงานเลขานุการได้รับแจ้งและจะประเมินรายงาน" in page
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert "ขณะนี้แก้ไขรายงานนี้ไม่ได้ แสดงตามที่บันทึกไว้ล่าสุด" in page
    assert "ฉบับที่ 1 ส่งเมื่อ" in page


def test_an_assessed_report_shows_the_assessment(client, award):
    report = assessed_report(award)
    page = (
        logged_in(client, applicant_of(award)).get(reverse("apply:report", args=[report.pk])).content.decode()
    )
    assert "ดัชนีความก้าวหน้าร้อยละ 70.83 · ความก้าวหน้าของแผนร้อยละ 62.50" in page
    assert "ก้าวหน้าตามแผน" in page


def test_asking_for_renewal_through_the_page(client, award, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2024, 12, 1))
    client = logged_in(client, applicant_of(award))
    page = client.get(reverse("apply:renewal", args=[award.pk])).content.decode()
    assert "ยังไม่มีรายงานที่ประเมินแล้ว" in page and 'id="renewal-form"' not in page
    assessed_report(award)
    page = client.get(reverse("apply:renewal", args=[award.pk])).content.decode()
    assert "รายงานความก้าวหน้าประจำปี 2567: ความก้าวหน้าของแผนร้อยละ 62.50" in page
    unconfirmed = client.post(reverse("apply:renewal", args=[award.pk]), {"note": "ขอต่ออายุ"})
    assert unconfirmed.status_code == 400 and Renewal.objects.count() == 0
    sent = client.post(reverse("apply:renewal", args=[award.pk]), {"note": "ขอต่ออายุ", "confirm": "on"})
    assert sent["Location"] == reverse("apply:reports")
    assert Renewal.objects.get().note == "ขอต่ออายุ"


# --- Another organisation's award, report and evidence are not found


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "apply:report", "report"),
        ("post", "apply:report", "report"),
        ("post", "apply:report_autosave", "report"),
        ("post", "apply:report_submit", "report"),
        ("get", "apply:report_evidence", "report"),
        ("post", "apply:report_evidence", "report"),
        ("get", "apply:evidence", "evidence"),
        ("post", "apply:evidence_delete", "evidence"),
        ("post", "apply:report_open", "year"),
        ("get", "apply:renewal", "award"),
        ("post", "apply:renewal", "award"),
    ],
)
def test_no_organisation_opens_edits_or_files_anothers_report(client, award, method, name, args):
    applicant = applicant_of(award)
    report = reporting.open_report(award, 2567, actor=applicant)
    reporting.save_report(report, report_content(2), actor=applicant, expected_version=0)
    evidence = reporting.add_evidence(report, SimpleUploadedFile("หลักฐาน.pdf", PDF), actor=applicant)
    stranger = member_of(OrganisationFactory())
    arguments = {
        "report": [report.pk],
        "evidence": [report.pk, evidence.pk],
        "year": [award.pk, 2568],
        "award": [award.pk],
    }[args]
    data = {"version": "1", "summary": "แก้โดยผู้อื่น", "file": SimpleUploadedFile("x.pdf", PDF), "confirm": "on"}
    response = getattr(logged_in(client, stranger), method)(
        reverse(name, args=arguments), data if method == "post" else None
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert (report.status, report.version, report.data) == (ReportStatus.DRAFT, 1, report_content(2))
    assert (ReportEvidence.objects.count(), ProgressReport.objects.count(), Renewal.objects.count()) == (
        1,
        1,
        0,
    )


def test_the_list_shows_nothing_of_another_organisation(client, award):
    page = logged_in(client, UserFactory()).get(reverse("apply:reports")).content.decode()
    assert "ลำปางเมืองน่าอยู่อัจฉริยะ" not in page
    assert 'id="no-awards"' in page


def test_the_report_page_in_english(english, report):
    english.force_login(applicant_of(report.award))
    page = english.get(reverse("apply:report", args=[report.pk])).content.decode()
    assert "Progress report 2567" in page and "Overall progress of the plan (%)" in page
