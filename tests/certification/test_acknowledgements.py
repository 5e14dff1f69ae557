"""Acknowledgements of the applicant's own act go out at once, with a reference number; decisions wait
in the outbox for the secretariat (certification/services/outbox.py, drafting.submit)."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from certification import selectors
from certification.demo.record import SAMPLE_PDF
from certification.enums import AttachmentKind, Body, NotificationStatus, Role, Status
from certification.models import AuditEntry, ChecklistItem, Notification
from certification.services import drafting, outbox, review
from smartcity.thaidate import be_year
from tests.factories import (
    COMPLETE_PLAN,
    ApplicationFactory,
    UserFactory,
    meeting_resolution,
    member_of,
    services_content,
)

pytestmark = pytest.mark.django_db

PDF = SAMPLE_PDF  # a PDF of one blank page
TITLE = 'เมือง "ลำปาง" <อัจฉริยะ> & น่าอยู่'


def attach(application, kind=AttachmentKind.PROPOSAL_DOCUMENT):
    drafting.add_attachment(
        application,
        SimpleUploadedFile("เอกสาร.pdf", PDF, "application/pdf"),
        kind,
        actor=application.created_by,
    )


def proposal(title=TITLE):
    application = ApplicationFactory(complete=True, title=title)
    attach(application)
    return application


def complete_the_plan(application):
    for key, content in {
        **COMPLETE_PLAN,
        "services_ENV": services_content(),
        "services_MOB": services_content("รถโดยสารไฟฟ้า"),
    }.items():
        drafting.save_section(application, key, content, actor=application.created_by, expected_version=0)
    attach(application, AttachmentKind.PLAN_DOCUMENT)


def test_a_submitted_proposal_is_acknowledged_at_once_with_its_reference_number(
    django_capture_on_commit_callbacks,
):
    application = proposal()
    colleague = member_of(application.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        drafting.submit(application, actor=application.created_by)
    reference = f"SC-{be_year(application.created_at)}-{application.pk:04d}/1"
    assert selectors.latest_reference(application) == reference
    [message] = mail.outbox
    assert sorted(message.to) == sorted([application.created_by.email, colleague.email])
    assert message.subject == (
        f"เมืองอัจฉริยะประเทศไทย: ได้รับข้อเสนอโครงการ “{TITLE}” แล้ว เลขที่อ้างอิง {reference} / "
        f"Smart City Thailand: proposal “{TITLE}” received, reference {reference}"
    )
    assert f"ได้รับข้อเสนอโครงการ “{TITLE}” แล้ว" in message.body  # quotes, < and & as typed
    assert f"We have received the proposal “{TITLE}”." in message.body
    assert f"เลขที่อ้างอิง: {reference}" in message.body
    assert f"http://127.0.0.1:8000/apply/{application.pk}/" in message.body
    assert "&quot;" not in message.body + message.subject and "&lt;" not in message.body
    # Recorded as sent, so nothing waits in the staff's outbox.
    notification = Notification.objects.get(application=application)
    assert (notification.status, notification.event, notification.released_by) == (
        NotificationStatus.SENT,
        "certification.application.submitted",
        None,
    )
    assert not Notification.objects.filter(status=NotificationStatus.HELD).exists()
    assert AuditEntry.objects.filter(
        application=application, action="certification.notification.sent", actor=None
    ).exists()


def test_nothing_is_sent_for_a_submission_that_rolls_back(django_capture_on_commit_callbacks):
    application = proposal()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        drafting.submit(application, actor=application.created_by)
        raise RuntimeError("the database went away")
    assert mail.outbox == []
    assert not Notification.objects.exists()
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_a_submitted_plan_is_acknowledged_with_the_next_version_number(django_capture_on_commit_callbacks):
    application = proposal()
    with django_capture_on_commit_callbacks(execute=True):
        drafting.submit(application, actor=application.created_by)
    application.status = Status.PROMOTION_ZONE
    application.save(update_fields=["status"])
    complete_the_plan(application)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        drafting.submit(application, actor=application.created_by)
    [message] = mail.outbox
    reference = f"SC-{be_year(application.created_at)}-{application.pk:04d}/2"
    assert f"ได้รับแผนพัฒนาเมืองอัจฉริยะ “{TITLE}” แล้ว" in message.body
    assert f"We have received the development plan “{TITLE}”." in message.body
    assert f"Reference number: {reference}" in message.body
    assert selectors.latest_reference(application) == reference


def test_an_acknowledgement_that_cannot_be_delivered_waits_as_failed_for_the_secretariat(
    django_capture_on_commit_callbacks,
):
    application = proposal()
    application.created_by.email = ""
    application.created_by.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        drafting.submit(application, actor=application.created_by)
    notification = Notification.objects.get()
    assert (notification.status, notification.error) == (
        NotificationStatus.FAILED,
        "จดหมายไม่มีผู้รับ",
    )
    assert mail.outbox == []
    # The secretariat can send it to the right address from the outbox.
    outbox.release_notification(
        notification, actor=UserFactory(role=Role.SECRETARIAT), recipients="manee@example.com"
    )
    assert [m.to for m in mail.outbox] == [["manee@example.com"]]


def test_decisions_still_wait_in_the_outbox(django_capture_on_commit_callbacks):
    application = proposal()
    with django_capture_on_commit_callbacks(execute=True):
        drafting.submit(application, actor=application.created_by)
    mail.outbox.clear()
    secretariat = UserFactory(role=Role.SECRETARIAT)
    with django_capture_on_commit_callbacks(execute=True):
        review.start_screening(application, actor=secretariat)
        review.return_for_changes(application, actor=secretariat, requests={"area": "ระบุขอบเขตให้ชัด"})
    held = Notification.objects.get(status=NotificationStatus.HELD)
    assert held.event == "certification.application.returned"
    assert mail.outbox == []
    # The decision's subject and body read the title as typed too.
    assert f"“{TITLE}”" in held.subject and f"“{TITLE}”" in held.body
    assert "&quot;" not in held.body + held.subject


def test_the_submit_page_sends_the_acknowledgement_and_the_application_page_shows_the_reference(
    client, django_capture_on_commit_callbacks
):
    application = proposal()
    client.force_login(application.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("apply:submit", args=[application.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    page = client.get(reverse("apply:detail", args=[application.pk])).content.decode()
    reference = f"SC-{be_year(application.created_at)}-{application.pk:04d}/1"
    assert f'<strong class="text-nowrap">{reference}</strong>' in page
    assert "เลขที่อ้างอิงของการส่งครั้งล่าสุด" in page


def test_the_committee_acknowledgement_of_a_zone_is_a_decision_held_in_the_outbox():
    application = ApplicationFactory(complete=True, status=Status.SCREENING)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    checklist = {str(i.pk): {"met": True} for i in ChecklistItem.objects.filter(is_active=True)}
    review.record_screening(application, actor=secretariat, outcome="passed", checklist=checklist)
    resolution = meeting_resolution(Body.COMMITTEE, recorded_by=secretariat)
    review.acknowledge_promotion_zone(application, actor=secretariat, resolution=resolution)
    [held] = Notification.objects.all()
    assert (held.status, held.event) == (NotificationStatus.HELD, "certification.application.promotion_zone")
    assert mail.outbox == []
