"""certification/admin_documents.py: the round's documents page, its JSON progress, rendering from the
admin (pre-flight first), previews, downloads, reissue and who may do what."""

import io
import zipfile

import pytest
from django.urls import reverse

from certification.enums import DocumentKind, DocumentStatus, Role
from certification.models import Document
from certification.services import rendering
from tests.certification.awards_helpers import awarded, endorsed, pdftotext, round_2565
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(client):
    client.force_login(UserFactory(role=Role.OFFICIAL))
    return client


def test_progress_json_counts_documents_by_status(official):
    award = awarded(round_2565())
    rendering.render_document(award.documents.get(kind=DocumentKind.PLAQUE).pk)
    url = reverse("admin:certification_awardround_progress", args=[award.round.pk])
    state = official.get(url).json()
    assert (state["total"], state["done"], state["percent"], state["finished"]) == (2, 1, 50, False)
    assert state["counts"] == {"pending": 1, "rendering": 0, "ready": 1, "failed": 0}


def test_documents_page_lists_preflight_problems_and_polls_progress(official):
    award_round = round_2565(signature=False)
    awarded(award_round)
    html = official.get(reverse("admin:certification_awardround_documents", args=[award_round.pk])).content
    html = html.decode()
    assert "นายทดสอบ ลงนาม" in html and 'id="preflight"' in html
    assert 'data-url="/admin/certification/awardround/' in html
    assert "js/render-progress.js" in html


def test_render_from_the_admin_refuses_when_the_preflight_fails(official, django_capture_on_commit_callbacks):
    award_round = round_2565(signature=False)
    awarded(award_round)
    url = reverse("admin:certification_awardround_render", args=[award_round.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        official.post(url)
    assert callbacks == []


def test_render_from_the_admin_queues_every_document_not_ready(official, django_capture_on_commit_callbacks):
    award_round = round_2565()
    awarded(award_round)
    Document.objects.update(status=DocumentStatus.FAILED, last_error="boom")
    url = reverse("admin:certification_awardround_render", args=[award_round.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = official.post(url)
    assert response.status_code == 302
    # One send after commit, one task per document.
    queued = sorted(pk for callback in callbacks for pk in callback.keywords["document_ids"])
    assert queued == sorted(Document.objects.values_list("pk", flat=True))
    assert list(Document.objects.values_list("status", flat=True)) == ["pending", "pending"]


def test_preview_renders_a_template_with_sample_data(official):
    award_round = round_2565()
    url = reverse("admin:certification_awardround_preview", args=[award_round.pk, "award_certificate"])
    response = official.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content)
    assert "ลำปางเมืองน่าอยู่อัจฉริยะ (ตัวอย่าง)" in text
    assert "ให้ไว้ ณ วันที่ ๙ มกราคม พ.ศ. ๒๕๖๖" in text


def test_zip_download_holds_the_ready_documents(official):
    award = awarded(round_2565())
    for document in award.documents.all():
        rendering.render_document(document.pk)
    response = official.get(reverse("admin:certification_awardround_zip", args=[award.round.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["SCP-2565-001.pdf", "SCT-2565-001.pdf"]


def test_reissue_from_the_admin_needs_a_reason_and_supersedes(official):
    award = awarded(round_2565())
    old = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    url = reverse("admin:certification_document_reissue", args=[old.pk])
    assert official.post(url, {"reason": ""}).status_code == 200
    response = official.post(url, {"reason": "แก้ชื่อ"})
    new = Document.objects.get(supersedes=old)
    assert response["Location"] == reverse("admin:certification_document_change", args=[new.pk])
    assert new.serial == "SCT-2565-002"


def test_the_documents_of_a_round_are_not_found_for_an_evaluator(client):
    """One policy: what a user may not see is 404 (DESIGN.md), the admin's custom views included."""
    award_round = round_2565()
    client.force_login(UserFactory(role=Role.EVALUATOR))
    for name in ("documents", "progress", "print", "zip", "render"):
        response = client.get(reverse(f"admin:certification_awardround_{name}", args=[award_round.pk]))
        assert response.status_code == 404, name
        assert b"2565" not in response.content


def test_staff_award_an_endorsed_application_from_the_admin(client):
    award_round = round_2565()
    application = endorsed()
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    url = reverse("admin:certification_application_changelist")
    chosen = {"action": "award", "_selected_action": [application.pk]}
    confirm = client.post(url, chosen)  # asks for the round, and lists what will be awarded
    assert application.title in confirm.content.decode()
    assert confirm.context["form"]["round"].initial == award_round.pk
    assert Document.objects.count() == 0
    client.post(url, {**chosen, "round": award_round.pk, "apply": "1"})
    application.refresh_from_db()
    assert application.status == "awarded"
    assert sorted(Document.objects.values_list("serial", flat=True)) == ["SCP-2565-001", "SCT-2565-001"]
    assert application.awards.get().round == award_round
