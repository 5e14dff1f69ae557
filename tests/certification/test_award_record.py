"""The public record filled from the application: the promotion zone when the committee acknowledges
it (review.acknowledge_promotion_zone), the certified city when the logo is awarded (awards.award), and
the decisions' mails that name the documents (held in the outbox)."""

import pytest

from certification.enums import Body, NotificationStatus, Role, ScreeningOutcome, Status
from certification.models import ChecklistItem, Notification
from certification.services import awards, review
from cities.models import Organisation
from tests.certification.awards_helpers import round_2565, secretariat
from tests.factories import COMPLETE_PLAN, ApplicationFactory, UserFactory, meeting_resolution

pytestmark = pytest.mark.django_db

TITLE = 'ลำปาง "เมืองน่าอยู่" <อัจฉริยะ>'


def zone_of(application):
    staff = UserFactory(role=Role.SECRETARIAT)
    checklist = {str(i.pk): {"met": True} for i in ChecklistItem.objects.filter(is_active=True)}
    review.record_screening(application, actor=staff, outcome=ScreeningOutcome.PASSED, checklist=checklist)
    resolution = meeting_resolution(Body.COMMITTEE, recorded_by=staff)
    return review.acknowledge_promotion_zone(application, actor=staff, resolution=resolution)


def screened(**kwargs):
    return ApplicationFactory(complete=True, status=Status.SCREENING, **kwargs)


def test_the_acknowledged_zone_carries_the_domains_population_and_vision_of_the_proposal():
    zone = zone_of(screened())
    assert (zone.domain_codes, zone.population, zone.vision) == ("ENV,MOB", 55000, "เมืองน่าอยู่ของทุกคน")
    assert [d.value for d in zone.domains] == ["ENV", "MOB"]
    assert zone.certified_city is None


def test_the_zone_mail_links_its_certificate_and_waits_in_the_outbox():
    application = screened(title=TITLE)
    zone_of(application)
    certificate = application.documents.get()
    [held] = Notification.objects.all()
    assert held.status == NotificationStatus.HELD
    assert (
        f"หนังสือรับรองเขตส่งเสริมเมืองอัจฉริยะ {certificate.serial}: http://127.0.0.1:8000/verify/{certificate.serial}/"
        in held.body
    )
    assert (
        f"Promotion-zone certificate {certificate.serial}: http://127.0.0.1:8000/verify/{certificate.serial}/"
        in held.body
    )
    assert "เอกสารรับรองของท่าน: http://127.0.0.1:8000/apply/certificates/" in held.body
    assert f"“{TITLE}”" in held.subject and f"“{TITLE}”" in held.body  # as typed, not &quot;
    assert "&quot;" not in held.body + held.subject and "&lt;" not in held.body


def awarded_after_a_zone(**kwargs):
    application = screened(sections={**COMPLETE_PLAN}, **kwargs)
    zone = zone_of(application)
    application.refresh_from_db()
    application.status = Status.ENDORSED
    application.save(update_fields=["status"])
    return awards.award(application, round_2565(), actor=secretariat()), zone


def test_the_award_fills_the_registry_record_from_the_application_and_links_the_zone():
    award, zone = awarded_after_a_zone()
    city = award.certified_city
    organisation = award.application.organisation
    assert (city.domain_codes, city.population, city.vision, city.goals, city.contact) == (
        "ENV,MOB",
        55000,
        "วิสัยทัศน์ของแผน",  # the approved plan's, not the proposal's
        "ลดฝุ่น PM2.5 ร้อยละ 30",
        f"{organisation.name_th} / {organisation.name_en}",
    )
    zone.refresh_from_db()
    assert zone.certified_city == city


def test_an_organisation_that_keeps_its_details_out_of_the_registry_still_has_them_stored():
    application = ApplicationFactory(complete=True, status=Status.ENDORSED)
    Organisation.objects.filter(pk=application.organisation_id).update(registry_details_public=False)
    application.refresh_from_db()
    city = awards.award(application, round_2565(), actor=secretariat()).certified_city
    assert (city.vision, city.goals, city.population) == ("เมืองน่าอยู่ของทุกคน", "ลดฝุ่น PM2.5 ร้อยละ 30", 55000)
    assert city.contact.startswith(application.organisation.name_th)
    assert city.organisation.registry_details_public is False


def test_the_award_mail_names_both_serials_with_absolute_links_and_waits_in_the_outbox():
    award, _zone = awarded_after_a_zone(title=TITLE)
    certificate, plaque = (award.documents.get(kind=kind) for kind in awards.AWARD_DOCUMENT_KINDS)
    held = Notification.objects.get(event="certification.application.awarded")
    assert held.status == NotificationStatus.HELD
    for line in (
        f"เกียรติบัตร {certificate.serial}: http://127.0.0.1:8000/verify/{certificate.serial}/",
        f"โล่ {plaque.serial}: http://127.0.0.1:8000/verify/{plaque.serial}/",
        f"Award certificate {certificate.serial}: http://127.0.0.1:8000/verify/{certificate.serial}/",
        f"Plaque {plaque.serial}: http://127.0.0.1:8000/verify/{plaque.serial}/",
        "Your certificates: http://127.0.0.1:8000/apply/certificates/",
        f"http://127.0.0.1:8000/apply/{award.application.pk}/",
    ):
        assert line in held.body, line
    assert held.subject == (
        f"เมืองอัจฉริยะประเทศไทย: “{TITLE}” — ได้รับตราสัญลักษณ์แล้ว / Smart City Thailand: “{TITLE}” — Awarded"
    )


def test_the_mails_use_the_site_url_setting(settings):
    settings.SITE_URL = "https://smartcity.example.go.th"
    award, _zone = awarded_after_a_zone()
    serial = award.certified_city.certificate_serial
    held = Notification.objects.get(event="certification.application.awarded")
    assert f"https://smartcity.example.go.th/verify/{serial}/" in held.body
    assert "https://smartcity.example.go.th/apply/certificates/" in held.body
