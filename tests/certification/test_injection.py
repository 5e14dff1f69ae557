"""Injection: markup and template syntax typed into every text field of an application, and into the
organisation's names, are shown as typed — escaped in every HTML page (the applicant's, the admin's, the
registry's and the verification page), unescaped but inert in plain-text mail, as text in the PDFs — and
are never run, evaluated or fetched (the renderer refuses file:// and network addresses, see also
tests/certification/test_documents.py)."""

import socket

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from certification import documents
from certification.demo.record import COMPLETE_PROPOSAL, SAMPLE_PDF
from certification.enums import AttachmentKind, DocumentKind, Role, Status
from certification.models import Application
from certification.services import awards, drafting, rendering
from cities.models import Organisation
from smartcity.thaidate import to_arabic_digits
from tests.certification.awards_helpers import pdftotext, round_2565
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def hostile(marker):
    """Markup, a script, template syntax of Django's and a local file's address, marked by field."""
    return f'{marker}<i>{{{{ 7|add:1 }}}}{{% now "Y" %}}<script>alert(1)</script><img src="file:///etc/passwd"></i>'


# The text fields of the proposal (section → field), as the applicant types them.
TEXT_FIELDS = {
    ("general", "title"): "T1",
    ("area", "area_name"): "A1",
    ("area", "boundary_description"): "B1",
    ("vision", "vision"): "V1",
    ("vision", "goals"): "G1",
}


@pytest.fixture
def hostile_application(django_capture_on_commit_callbacks):
    """A proposal whose every text field, and the organisation's names, carry the hostile text;
    submitted (so the acknowledgement mail goes out)."""
    sections = {
        key: {name: list(values) for name, values in fields.items()}
        for key, fields in COMPLETE_PROPOSAL.items()
    }
    for (section, field), marker in TEXT_FIELDS.items():
        sections[section][field] = [hostile(marker)]
    application = ApplicationFactory(complete=True, sections=sections, title=hostile("T1"))
    Organisation.objects.filter(pk=application.organisation_id).update(
        name_th=hostile("O1"), name_en=hostile("O2")
    )
    for key, content in sections.items():
        section = application.sections.get(key=key)
        drafting.save_section(
            application, key, content, actor=application.created_by, expected_version=section.version
        )
    drafting.add_attachment(
        application,
        SimpleUploadedFile("เอกสาร.pdf", SAMPLE_PDF, "application/pdf"),
        AttachmentKind.PROPOSAL_DOCUMENT,
        actor=application.created_by,
    )
    with django_capture_on_commit_callbacks(execute=True):
        drafting.submit(application, actor=application.created_by)
    application.refresh_from_db()
    assert application.title == hostile("T1")
    return application


def markers():
    return [*TEXT_FIELDS.values(), "O1"]


def assert_escaped(html, expected_markers, where):
    """Each marker's text appears escaped, and nothing of it as live markup or evaluated syntax."""
    for marker in expected_markers:
        assert escape(hostile(marker)) in html, f"{where}: {marker} not shown escaped"
    assert "<script>alert(1)</script>" not in html, where
    assert '<img src="file:///etc/passwd">' not in html, where
    assert "<i>{{" not in html, where


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_applicants_pages_show_every_field_escaped(client, hostile_application):
    client.force_login(hostile_application.created_by)
    pk = hostile_application.pk
    assert_escaped(get(client, reverse("apply:dashboard")), ["T1"], "dashboard")
    assert_escaped(get(client, reverse("apply:detail", args=[pk])), ["T1"], "application page")
    assert_escaped(get(client, reverse("apply:review", args=[pk])), markers()[:-1], "review page")
    for section, field in TEXT_FIELDS:
        html = get(client, reverse("apply:section", args=[pk, section]))
        assert_escaped(html, [TEXT_FIELDS[(section, field)]], f"section {section}")
    organisation = hostile_application.organisation_id
    assert_escaped(get(client, reverse("organisation_detail", args=[organisation])), ["O1"], "organisation")


def test_the_admin_shows_every_field_escaped(client, hostile_application):
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    pk = hostile_application.pk
    assert_escaped(get(client, reverse("admin:certification_application_changelist")), ["T1"], "admin list")
    page = get(client, reverse("admin:certification_application_change", args=[pk]))
    assert_escaped(page, markers(), "admin reading page")
    history = get(client, reverse("admin:certification_application_history", args=[pk]))
    assert "<script>alert(1)</script>" not in history and "<i>{{" not in history


def test_mail_is_plain_text_with_the_text_as_typed_on_one_subject_line(hostile_application):
    (message,) = mail.outbox
    # Plain text: neither escaped (&lt;) nor evaluated (8, the year); the subject is one line.
    assert hostile("T1") in message.subject
    assert "\n" not in message.subject and "\r" not in message.subject
    assert hostile("T1") in message.body
    assert hostile("O1") in message.body
    assert "&lt;" not in message.body and "&quot;" not in message.body and "&lt;" not in message.subject


def test_a_title_with_line_breaks_does_not_stop_its_mail(django_capture_on_commit_callbacks):
    """The probe's case: a title with CR/LF made every mail of its application fail at release."""
    from certification.enums import NotificationStatus
    from certification.models import Notification
    from certification.services import outbox

    application = ApplicationFactory(complete=True, title="ลำปาง\r\nBcc: everyone@example.org")
    drafting.add_attachment(
        application,
        SimpleUploadedFile("เอกสาร.pdf", SAMPLE_PDF, "application/pdf"),
        AttachmentKind.PROPOSAL_DOCUMENT,
        actor=application.created_by,
    )
    with django_capture_on_commit_callbacks(execute=True):
        drafting.submit(application, actor=application.created_by)
    (message,) = mail.outbox
    assert "Bcc" not in message.message().keys()  # noqa: SIM118 - a mail's headers
    assert message.recipients() == [application.created_by.email]
    # The secretariat's edited subject with a line break is released too, on one line.
    held = Notification.objects.filter(application=application).first()
    Notification.objects.filter(pk=held.pk).update(status=NotificationStatus.HELD)
    released = outbox.release_notification(
        held, actor=UserFactory(role=Role.SECRETARIAT), subject="ผลการพิจารณา\r\nX-Injected: 1"
    )
    assert released.status == NotificationStatus.SENT, released.error
    assert mail.outbox[-1].subject == "ผลการพิจารณา X-Injected: 1"
    assert "X-Injected" not in mail.outbox[-1].message().keys()  # noqa: SIM118


@pytest.fixture
def awarded_hostile(hostile_application):
    Application.objects.filter(pk=hostile_application.pk).update(status=Status.ENDORSED)
    hostile_application.refresh_from_db()
    award = awards.award(hostile_application, round_2565(), actor=UserFactory(role=Role.SECRETARIAT))
    certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    rendering.render_document(certificate.pk)
    certificate.refresh_from_db()
    return award, certificate


def test_pdfs_print_the_text_as_typed_and_fetch_nothing(awarded_hostile):
    _award, certificate = awarded_hostile
    with certificate.file.open("rb") as stored:
        text = " ".join(pdftotext(stored.read()).split())
    # The area's name as the applicant typed it (the organisation's name is printed too): as text.
    assert '{{ 7|add:1 }}{% now "Y" %}<script>alert(1)</script><img src="file:///etc/passwd">' in text


def test_the_registry_and_the_verification_page_show_it_escaped(awarded_hostile):
    award, certificate = awarded_hostile
    client = Client()
    # The verification page shows the title as the document prints it, in the round's digit style.
    page = get(client, reverse("verify", args=[certificate.serial]))
    assert_escaped(to_arabic_digits(page), ["T1"], "verification page")
    area = get(client, reverse("registry:area", args=[award.certified_city_id]))
    assert "<script>alert(1)</script>" not in area and "<i>{{" not in area
    assert escape(hostile("V1")) in area


@pytest.fixture
def listening_server():
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.setblocking(False)
        yield server


def test_addresses_in_user_text_are_printed_not_fetched(listening_server):
    """What a template printed raw would fetch is refused; what it prints escaped is only text."""
    url = f"http://127.0.0.1:{listening_server.getsockname()[1]}/tracker.png"
    data = documents_data()
    data["area_th"] = f'<img src="{url}"><link rel=stylesheet href="file:///etc/passwd">'
    pdf = documents.render_document_pdf(DocumentKind.AWARD_CERTIFICATE, "v1", data)
    assert url in " ".join(pdftotext(pdf).split())
    with pytest.raises(BlockingIOError):
        listening_server.accept()  # no connection was attempted
    for address in (url, "file:///etc/passwd"):
        with pytest.raises(documents.RefusedResource):
            documents.render_pdf(f'<p>x</p><img src="{address}">')


def documents_data():
    from certification import snapshots

    return snapshots.sample_snapshot(DocumentKind.AWARD_CERTIFICATE)
