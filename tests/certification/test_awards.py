"""certification/awards.py: awarding, serials, promotion-zone certificates, reissue, revocation,
rendering in this process (tests/certification/test_render_worker.py runs real workers)."""

import datetime
import hashlib
import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from certification import selectors
from certification.documents import RefusedResource
from certification.enums import AwardStatus, DocumentKind, DocumentStatus, Status, Validity
from certification.models import AuditEntry, Award, Document
from certification.services import awards, monitoring, rendering
from certification.services.core import WorkflowError
from cities import freshness
from cities.enums import CertifiedCityStatus
from cities.models import CertifiedCity, PromotionZone
from tests.certification.awards_helpers import (
    awarded,
    endorsed,
    pdftotext,
    qr_payloads,
    round_2565,
    secretariat,
)
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def private_files():
    root = Path(settings.MEDIA_ROOT) / "private" / "documents"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_award_creates_the_award_the_registry_record_and_two_documents_in_one_go():
    award_round = round_2565()
    award = awarded(award_round)
    city = award.certified_city
    assert award.application.status == Status.AWARDED
    assert (award.status, award.awarded_on, award.valid_until) == (
        AwardStatus.ACTIVE,
        datetime.date(2023, 1, 9),
        datetime.date(2025, 1, 9),
    )
    assert (city.name_th, city.award_year, city.certified_on, city.valid_until, city.status) == (
        "ลำปางเมืองน่าอยู่อัจฉริยะ",
        2565,
        datetime.date(2023, 1, 9),
        datetime.date(2025, 1, 9),
        CertifiedCityStatus.ACTIVE,
    )
    assert list(city.provinces.values_list("code", flat=True)) == ["52"]
    assert city.organisation == award.application.organisation
    assert city.certificate_serial == "SCT-2565-001"
    documents = list(
        award.documents.order_by("kind").values_list("kind", "serial", "status", "template_version")
    )
    assert documents == [
        ("award_certificate", "SCT-2565-001", "pending", "v2"),
        ("plaque", "SCP-2565-001", "pending", "v2"),
    ]
    data = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE).data
    assert data["area_th"] == "ลำปางเมืองน่าอยู่อัจฉริยะ"
    assert data["area_detail_th"] == "เขตเทศบาลนครลำปาง"
    assert data["provinces_th"] == "จังหวัดลำปาง"
    assert (data["year_th"], data["issued_on_th"], data["valid_until_th"]) == (
        "๒๕๖๕",
        "๙ มกราคม พ.ศ. ๒๕๖๖",
        "๙ มกราคม พ.ศ. ๒๕๖๘",
    )
    assert data["verify_url"] == "http://127.0.0.1:8000/verify/SCT-2565-001/"
    assert data["signatories"][0]["name"] == "นายทดสอบ ลงนาม"
    actions = list(AuditEntry.objects.filter(application=award.application).values_list("action", flat=True))
    assert actions[-4:] == [
        "certification.application.awarded",
        "certification.award.created",
        "certification.document.issued",
        "certification.document.issued",
    ]


def test_award_queues_the_rendering_of_both_documents_after_commit(django_capture_on_commit_callbacks):
    award_round = round_2565()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        awarded(award_round)
    renderings = [callback for callback in callbacks if callback is not freshness._take_new_number]
    assert len(renderings) == 2  # one per document (and the registry's freshness number, once)


def test_only_an_endorsed_application_can_be_awarded_and_nothing_is_left_behind():
    award_round = round_2565()
    application = ApplicationFactory(status=Status.SUBCOMMITTEE_APPROVED, complete=True)
    with translation.override("en"), pytest.raises(WorkflowError) as refusal:
        awards.award(application, award_round, actor=secretariat())
    assert str(refusal.value) == "Only an application endorsed by the committee can be awarded."
    assert (Document.objects.count(), CertifiedCity.objects.count()) == (0, 0)


def test_serials_are_consecutive_per_kind_and_year():
    award_round = round_2565()
    for title in ["เมืองหนึ่ง", "เมืองสอง", "เมืองสาม"]:
        awarded(award_round, title=title)
    assert list(Document.objects.filter(kind="award_certificate").values_list("serial", flat=True)) == [
        "SCT-2565-001",
        "SCT-2565-002",
        "SCT-2565-003",
    ]
    assert list(Document.objects.filter(kind="plaque").values_list("number", flat=True)) == [1, 2, 3]


def test_a_promotion_zone_certificate_names_the_zone_and_is_issued_once():
    application = ApplicationFactory(status=Status.PROMOTION_ZONE, complete=True)
    zone = PromotionZone.objects.create(
        name_th="เขตส่งเสริมเมืองอัจฉริยะลำพูน",
        organisation=application.organisation,
        city_type="livable",
        declared_on=datetime.date(2022, 11, 9),
        resolution="มติคณะกรรมการ ครั้งที่ 1/2565",
    )
    zone.provinces.set(["51"])
    application.promotion_zone = zone
    application.save(update_fields=["promotion_zone"])
    document = awards.issue_promotion_zone_certificate(application, actor=secretariat())
    again = awards.issue_promotion_zone_certificate(application, actor=secretariat())
    assert again.pk == document.pk
    assert (document.kind, document.serial, document.year, document.round) == (
        "promotion_zone_certificate",
        "SPZ-2565-001",
        2565,
        None,
    )
    assert (document.data["area_th"], document.data["provinces_th"], document.data["issued_on_th"]) == (
        "เขตส่งเสริมเมืองอัจฉริยะลำพูน",
        "จังหวัดลำพูน",
        "๙ พฤศจิกายน พ.ศ. ๒๕๖๕",
    )
    rendered = rendering.render_document(document.pk)
    text = pdftotext(rendered.file.read())
    assert "เขตส่งเสริมเมืองอัจฉริยะลำพูน" in text
    # The meeting, read from the resolution as cited when no decision of the committee is recorded.
    assert "ตามมติคณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ ในการประชุมครั้งที่ ๑/๒๕๖๕" in text.replace("\n", " ")


def test_promotion_zone_certificate_needs_a_zone():
    with pytest.raises(WorkflowError):
        awards.issue_promotion_zone_certificate(ApplicationFactory(), actor=secretariat())


def test_reissue_gives_a_new_serial_that_supersedes_the_old_one():
    award = awarded(round_2565())
    old = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    new = awards.reissue(old, actor=secretariat(), reason="แก้ชื่อหน่วยงาน")
    assert (new.serial, new.supersedes, new.issued_on) == ("SCT-2565-002", old, old.issued_on)
    assert selectors.validity(old) == Validity.SUPERSEDED
    assert selectors.validity(new, today=datetime.date(2024, 1, 1)) == Validity.VALID
    award.certified_city.refresh_from_db()
    assert award.certified_city.certificate_serial == "SCT-2565-002"
    with pytest.raises(WorkflowError):
        awards.reissue(old, actor=secretariat(), reason="อีกครั้ง")


def test_revoking_a_document_of_an_award_revokes_the_award_and_its_documents():
    award = awarded(round_2565())
    certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    awards.revoke(certificate, actor=secretariat(), reason="ไม่ผ่านการติดตามผล")
    award.refresh_from_db()
    award.certified_city.refresh_from_db()
    assert award.status == AwardStatus.REVOKED
    assert award.certified_city.status == CertifiedCityStatus.REVOKED
    assert [selectors.validity(d) for d in award.documents.all()] == [Validity.REVOKED, Validity.REVOKED]
    with pytest.raises(WorkflowError):
        awards.reissue(certificate, actor=secretariat(), reason="x")


def test_validity_expires_after_valid_until():
    award = awarded(round_2565())
    document = award.documents.first()
    assert selectors.validity(document, today=datetime.date(2025, 1, 9)) == Validity.VALID
    assert selectors.validity(document, today=datetime.date(2025, 1, 10)) == Validity.EXPIRED


def test_expiring_marks_the_awards_past_their_validity_and_their_registry_records():
    award_round = round_2565()  # valid until 9 January 2025
    due, current, revoked = (awarded(award_round, f"พื้นที่ {n}") for n in range(3))
    Award.objects.filter(pk=current.pk).update(valid_until=datetime.date(2025, 1, 10))
    awards.revoke(revoked.documents.first(), actor=secretariat(), reason="ไม่ผ่านการติดตามผล")

    assert monitoring.expire_awards(today=datetime.date(2025, 1, 10)) == 1
    for award in (due, current, revoked):
        award.refresh_from_db()
        award.certified_city.refresh_from_db()
    assert (due.status, due.certified_city.status) == (AwardStatus.EXPIRED, CertifiedCityStatus.EXPIRED)
    assert (current.status, current.certified_city.status) == (AwardStatus.ACTIVE, CertifiedCityStatus.ACTIVE)
    assert revoked.status == AwardStatus.REVOKED
    expiry = AuditEntry.objects.get(action="certification.award.expired")
    assert (expiry.application, expiry.data) == (due.application, {"valid_until": "2025-01-09"})
    assert monitoring.expire_awards(today=datetime.date(2025, 1, 10)) == 0  # once only


def test_the_expiry_runs_every_night_and_from_the_command(capsys):
    from certification.tasks import task_expire_awards
    from smartcity.celery import app

    entry = app.conf.beat_schedule["expire-awards"]
    assert entry["task"] == task_expire_awards.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {5})
    award = awarded(round_2565())
    Award.objects.filter(pk=award.pk).update(valid_until=datetime.date(2020, 1, 1))
    call_command("expire_awards")
    assert capsys.readouterr().out == "1 award(s) expired.\n"
    award.refresh_from_db()
    assert award.status == AwardStatus.EXPIRED


# --- Rendering in this process


def test_a_rendered_certificate_reads_the_area_the_thai_date_and_the_serial(tmp_path):
    award = awarded(round_2565())
    certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    rendered = rendering.render_document(certificate.pk)
    pdf = rendered.file.read()
    text = pdftotext(pdf)
    assert "ลำปางเมืองน่าอยู่อัจฉริยะ\n" in text
    assert "เขตเทศบาลนครลำปาง จังหวัดลำปาง\n" in text
    assert "ให้ไว้ ณ วันที่ ๙ มกราคม พ.ศ. ๒๕๖๖\n" in text
    assert "ประจำปี ๒๕๖๕" in text
    assert "เลขที่ SCT-2565-001" in text
    assert rendered.status == DocumentStatus.READY
    assert rendered.sha256 == hashlib.sha256(pdf).hexdigest()
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    assert qr_payloads(tmp_path / "certificate.pdf", tmp_path) == [
        "http://127.0.0.1:8000/verify/SCT-2565-001/"
    ]


def test_the_plaque_is_vector_only_with_bleed_and_reads_its_serial(tmp_path):
    award = awarded(round_2565())
    plaque = rendering.render_document(award.documents.get(kind=DocumentKind.PLAQUE).pk)
    (tmp_path / "plaque.pdf").write_bytes(plaque.file.read())
    images = subprocess.run(["pdfimages", "-list", tmp_path / "plaque.pdf"], capture_output=True, text=True)
    assert images.stdout.splitlines()[2:] == []
    boxes = subprocess.run(["pdfinfo", "-box", tmp_path / "plaque.pdf"], capture_output=True, text=True)
    trim = next(line for line in boxes.stdout.splitlines() if line.startswith("TrimBox"))
    assert trim.split()[1:] == ["0.00", "0.00", "850.39", "1133.86"]  # 300 × 400 mm
    assert "SCP-2565-001" in pdftotext((tmp_path / "plaque.pdf").read_bytes())
    assert qr_payloads(tmp_path / "plaque.pdf", tmp_path) == ["http://127.0.0.1:8000/verify/SCP-2565-001/"]


def test_rendering_twice_keeps_one_file_and_one_serial():
    award = awarded(round_2565())
    certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    first = rendering.render_document(certificate.pk)
    second = rendering.render_document(certificate.pk)
    assert (second.serial, second.sha256, second.attempts) == (first.serial, first.sha256, 1)
    assert private_files() == ["2565/SCT-2565-001.pdf"]
    # A lost file is rendered again, to the same name; signed anew (a new signing time), its new
    # SHA-256 is the register's.
    Path(first.file.path).unlink()
    third = rendering.render_document(certificate.pk)
    assert third.attempts == 2
    assert third.sha256 == hashlib.sha256(Path(third.file.path).read_bytes()).hexdigest() != first.sha256
    assert private_files() == ["2565/SCT-2565-001.pdf"]


def test_a_copy_left_half_written_by_a_killed_worker_is_removed_when_the_document_renders():
    award = awarded(round_2565())
    certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    folder = Path(settings.MEDIA_ROOT) / "private" / "documents" / "2565"
    folder.mkdir(parents=True)
    (folder / ".SCT-2565-001.pdf.rendering-k1ll3d").write_bytes(b"%PDF-1.7 half")
    (folder / ".SCP-2565-001.pdf.rendering-0ther").write_bytes(b"%PDF-1.7 being written")
    rendering.render_document(certificate.pk)
    assert private_files() == ["2565/.SCP-2565-001.pdf.rendering-0ther", "2565/SCT-2565-001.pdf"]


def test_rendering_a_missing_document_returns_none():
    assert rendering.render_document(987654) is None


def test_a_missing_signature_image_fails_the_render_with_a_clear_error():
    award = awarded(round_2565())
    signatory = award.round.signatories.get()
    Path(signatory.signature.path).unlink()
    certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    with pytest.raises(RefusedResource) as failure:
        rendering.render_document(certificate.pk)
    rendering.record_render_error(certificate.pk, failure.value, final=True)
    certificate.refresh_from_db()
    assert certificate.status == DocumentStatus.FAILED
    assert certificate.last_error.startswith(
        "RefusedResource: Documents may use only our own static and media"
    )


# --- Batches


def test_preflight_lists_missing_signatures_and_texts_that_cannot_fit_in_ready_documents_too():
    award_round = round_2565(signature=False)
    area = "เขตพื้นที่พัฒนาเมืองอัจฉริยะเพื่อความยั่งยืน" * 16  # typed by the applicant, 672 characters
    award = awarded(award_round, title="เมืองอัจฉริยะ" * 8, area_name=area)
    award.documents.update(status=DocumentStatus.READY)  # the check does not skip what is rendered
    with translation.override("en"):
        problems = selectors.preflight(2565)
    assert problems == [
        "นายทดสอบ ลงนาม has no signature image.",
        f"SCT-2565-001: “{area} จังหวัดลำปาง” does not fit its place, even at 12 pt on 2 lines.",
        f"SCP-2565-001: “{area}” does not fit its place, even at 16 pt on 2 lines.",
    ]
    with pytest.raises(rendering.PreflightFailed):
        rendering.render_year(2565)


def test_preflight_checks_a_version_1_document_against_its_single_lines():
    award = awarded(round_2565(), title="เมืองอัจฉริยะ" * 8)
    award.documents.update(template_version="v1")
    long_name = "เมืองอัจฉริยะ" * 8
    with translation.override("en"):
        assert selectors.preflight(2565) == [
            f"SCT-2565-001: “{long_name}” is too long for its line.",
            f"SCP-2565-001: “{long_name}” is too long for its line.",
        ]


def test_preflight_passes_a_round_that_is_complete():
    awarded(round_2565())
    assert selectors.preflight(2565) == []


def test_render_round_command_queues_every_document_not_ready(django_capture_on_commit_callbacks):
    award = awarded(round_2565())
    rendering.render_document(award.documents.get(kind=DocumentKind.PLAQUE).pk)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("render_round", "2565", stdout=out)
    assert out.getvalue() == "Queued 1 document(s) of 2565.\n"
    assert len(callbacks) == 1


def test_merged_pdf_and_zip_hold_every_ready_document(tmp_path):
    award_round = round_2565()
    for title in ["เมืองหนึ่ง", "เมืองสอง"]:
        for document in awarded(award_round, title=title).documents.all():
            rendering.render_document(document.pk)
    merged = rendering.merged_pdf(2565)
    text = pdftotext(merged)
    assert [s for s in ["SCT-2565-001", "SCT-2565-002", "SCP-2565-001", "SCP-2565-002"] if s in text] == [
        "SCT-2565-001",
        "SCT-2565-002",
        "SCP-2565-001",
        "SCP-2565-002",
    ]
    assert text.index("SCT-2565-002") < text.index("SCP-2565-001")
    with open(tmp_path / "d.zip", "wb") as output:
        rendering.zip_archive(2565, output)
    with zipfile.ZipFile(tmp_path / "d.zip") as archive:
        assert sorted(archive.namelist()) == [
            "SCP-2565-001.pdf",
            "SCP-2565-002.pdf",
            "SCT-2565-001.pdf",
            "SCT-2565-002.pdf",
        ]


# --- The public verification page


def test_verify_page_shows_the_area_round_status_and_checksum(client):
    award = awarded(round_2565())
    certificate = rendering.render_document(award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE).pk)
    html = client.get("/verify/SCT-2565-001/").content.decode()
    assert "ลำปางเมืองน่าอยู่อัจฉริยะ" in html
    assert certificate.sha256 in html
    assert "SCT-2565-001" in html
    assert 'id="validity"' in html


def test_verify_page_in_english_says_superseded_by_the_new_serial(english):
    award = awarded(round_2565())
    old = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    awards.reissue(old, actor=secretariat(), reason="correction")
    response = english.get(reverse("verify", args=["SCT-2565-001"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Superseded" in html
    assert '<a href="/verify/SCT-2565-002/">SCT-2565-002</a>' in html


def test_verify_page_of_a_revoked_document_says_revoked(english):
    award = awarded(round_2565())
    awards.revoke(award.documents.first(), actor=secretariat(), reason="did not report progress")
    html = english.get("/verify/SCP-2565-001/").content.decode()
    assert "<strong>Revoked</strong>" in html
    assert "did not report progress" in html


def test_an_unknown_serial_answers_404_with_a_clear_page(english):
    response = english.get("/verify/SCT-2565-999/")
    assert response.status_code == 404
    assert "No certificate or plaque with the serial number “SCT-2565-999” was issued" in (
        response.content.decode()
    )


def test_endorsed_helper_is_endorsed():
    assert endorsed().status == Status.ENDORSED
