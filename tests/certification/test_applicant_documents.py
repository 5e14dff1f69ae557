"""The applicant's documents (certification/views.py: detail, certificates, certificate_download):
serials, B.E. dates, status in words, verification links, and the PDF only for members, only once
ready."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.enums import DocumentKind
from certification.services import awards, rendering
from smartcity.thaidate import be_year
from tests.certification.awards_helpers import awarded, pdftotext, round_2565, secretariat
from tests.conftest import count_queries
from tests.factories import member_of

pytestmark = pytest.mark.django_db


def current_round():
    """A round whose ceremony is today, so that its documents are valid."""
    award_round = round_2565()
    today = timezone.localdate()
    award_round.year, award_round.ceremony_date = be_year(today), today
    award_round.save(update_fields=["year", "ceremony_date"])
    return award_round


@pytest.fixture
def award():
    return awarded(current_round())


def documents_of(award):
    return {d.kind: d for d in award.documents.all()}


def row(page, serial):
    match = re.search(rf'<tr id="document-{serial}".*?</tr>', page, re.S)
    assert match, serial
    return match.group(0)


def download_url(document):
    return reverse("apply:certificate_download", args=[document.serial])


def test_my_certificates_lists_the_documents_being_prepared_without_a_download(client, award):
    member = award.application.created_by
    client.force_login(member)
    page = client.get(reverse("apply:certificates")).content.decode()
    for document in award.documents.all():
        cells = row(page, document.serial)
        assert 'data-state="preparing"' in cells
        assert "กำลังจัดทำ" in cells
        assert f'href="/verify/{document.serial}/"' in cells
        assert "download-link" not in cells
        assert client.get(download_url(document)).status_code == 404
    assert 'data-status-url="/apply/certificates/status.json"' in page


def test_the_issue_date_reads_in_the_buddhist_era_and_an_old_award_reads_expired(client):
    award = awarded(round_2565())  # ceremony 9 January 2023, valid two years
    certificate = rendering.render_document(documents_of(award)[DocumentKind.AWARD_CERTIFICATE].pk)
    client.force_login(award.application.created_by)
    cells = row(client.get(reverse("apply:certificates")).content.decode(), certificate.serial)
    assert "9 มกราคม 2566" in cells and "2023" not in cells
    assert 'data-state="expired"' in cells and "หมดอายุ" in cells
    assert "download-link" in cells  # still the holder's document


def test_a_ready_document_downloads_as_a_private_pdf_with_its_serial(client, award):
    certificate = rendering.render_document(documents_of(award)[DocumentKind.AWARD_CERTIFICATE].pk)
    client.force_login(award.application.created_by)
    page = client.get(reverse("apply:certificates")).content.decode()
    cells = row(page, certificate.serial)
    assert 'data-state="ready"' in cells and "พร้อมแล้ว" in cells
    assert f'href="{download_url(certificate)}"' in cells
    plaque = documents_of(award)[DocumentKind.PLAQUE]
    assert "download-link" not in row(page, plaque.serial)  # still being prepared
    response = client.get(download_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.serial}.pdf"'
    assert (response["X-Content-Type-Options"], response["Cache-Control"]) == ("nosniff", "private, no-store")
    body = b"".join(response.streaming_content)
    assert certificate.serial in pdftotext(body)


def test_the_application_page_shows_its_documents(client, award):
    client.force_login(award.application.created_by)
    page = client.get(reverse("apply:detail", args=[award.application.pk])).content.decode()
    for document in award.documents.all():
        assert document.serial in row(page, document.serial)
    assert 'href="/apply/certificates/"' in page


def test_a_non_member_gets_404_for_the_page_and_every_download(client, award):
    for document in award.documents.all():
        rendering.render_document(document.pk)
    stranger = member_of(award.application.organisation.__class__.objects.create(
        name_th="เทศบาลอื่น", org_type="town_municipality", province_id="52"
    ))  # fmt: skip
    client.force_login(stranger)
    assert client.get(reverse("apply:detail", args=[award.application.pk])).status_code == 404
    for document in award.documents.all():
        assert client.get(download_url(document)).status_code == 404
    page = client.get(reverse("apply:certificates")).content.decode()
    assert 'id="no-documents"' in page
    assert all(d.serial not in page for d in award.documents.all())
    assert client.get(reverse("apply:certificates_status")).json() == {"documents": {}}
    client.force_login(secretariat())  # staff download from the admin, not from the applicant's area
    assert client.get(download_url(award.documents.first())).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, award):
    response = client.get(download_url(award.documents.first()))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_unknown_or_malformed_serial_is_404(client, award):
    client.force_login(award.application.created_by)
    serial = award.certified_city.certificate_serial
    for wrong in (serial.replace("001", "999"), serial.lower(), "ก" * 40, "1 OR 1=1"):
        assert client.get(f"/apply/certificates/{wrong}/pdf/").status_code == 404
    assert client.get("/apply/certificates/%00/pdf/").status_code == 400


def test_a_superseded_document_names_its_successor_and_is_no_longer_offered(client, award):
    old = rendering.render_document(documents_of(award)[DocumentKind.AWARD_CERTIFICATE].pk)
    new = awards.reissue(old, actor=secretariat(), reason="ชื่อพื้นที่สะกดผิด")
    client.force_login(award.application.created_by)
    page = client.get(reverse("apply:certificates")).content.decode()
    assert f"ถูกแทนที่ด้วย {new.serial}" in row(page, old.serial)
    assert "download-link" not in row(page, old.serial)
    assert client.get(download_url(old)).status_code == 404
    assert 'data-state="preparing"' in row(page, new.serial)


def test_a_revoked_document_says_so_and_is_not_served(client, award):
    certificate = rendering.render_document(documents_of(award)[DocumentKind.AWARD_CERTIFICATE].pk)
    awards.revoke(certificate, actor=secretariat(), reason="ไม่ดำเนินการตามแผน")
    client.force_login(award.application.created_by)
    page = client.get(reverse("apply:certificates")).content.decode()
    assert 'data-state="revoked"' in row(page, certificate.serial) and "ถูกเพิกถอน" in row(
        page, certificate.serial
    )
    assert client.get(download_url(certificate)).status_code == 404


def test_a_ready_document_whose_file_is_gone_is_404_not_500(client, award):
    certificate = rendering.render_document(documents_of(award)[DocumentKind.AWARD_CERTIFICATE].pk)
    certificate.file.storage.delete(certificate.file.name)
    client.force_login(award.application.created_by)
    assert client.get(download_url(certificate)).status_code == 404


def test_the_status_answer_follows_the_rendering(client, award):
    client.force_login(award.application.created_by)
    certificate, plaque = (documents_of(award)[k] for k in awards.AWARD_DOCUMENT_KINDS)
    url = reverse("apply:certificates_status")
    assert client.get(url).json() == {
        "documents": {certificate.serial: "preparing", plaque.serial: "preparing"}
    }
    rendering.render_document(plaque.pk)
    response = client.get(url)
    assert response.json() == {"documents": {certificate.serial: "preparing", plaque.serial: "ready"}}
    assert response["Cache-Control"] == "private, no-store"


def test_the_dashboard_and_the_navigation_link_my_certificates(client, award):
    client.force_login(award.application.created_by)
    page = client.get(reverse("apply:dashboard")).content.decode()
    assert page.count('href="/apply/certificates/"') == 2  # navigation and dashboard


def test_my_certificates_costs_the_same_queries_for_one_and_three_awards(client):
    award_round = current_round()
    first = awarded(award_round, title="พื้นที่ทดสอบที่หนึ่ง")
    member = first.application.created_by
    client.force_login(member)
    one, _page = count_queries(client, reverse("apply:certificates"))
    for title in ("พื้นที่ทดสอบที่สอง", "พื้นที่ทดสอบที่สาม"):
        other = awarded(award_round, title=title)
        other.application.organisation.memberships.create(user=member)
    three, page = count_queries(client, reverse("apply:certificates"))
    assert page.count('data-state="preparing"') == 6
    assert one == three
