"""seed_demo's award batches: the 2564 and 2565 rounds as real awards, their meetings and decisions, the
registry's records and figures, the zones still preparing plans, and what it marks as sample data."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone, translation

from certification import selectors
from certification.demo.seed import seed_demo
from certification.enums import AwardStatus, Body, DocumentKind, DocumentStatus, Status
from certification.models import (
    Application,
    AuditEntry,
    Award,
    AwardRound,
    Decision,
    Document,
    Meeting,
    Notification,
    Resolution,
    Signatory,
)
from cities.enums import CertifiedCityStatus, Domain
from cities.models import CertifiedCity, Organisation, PromotionZone, Province
from smartcity.thaidate import to_thai_digits

pytestmark = pytest.mark.django_db

SAMPLE_TH, SAMPLE_EN = "ข้อมูลตัวอย่าง", "sample data"
CEREMONY_2565 = datetime.date(2023, 1, 9)


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def database_state():
    """Everything the award batches write, row by row."""
    return {
        "cities": sorted(CertifiedCity.objects.values_list(
            "award_year", "name_th", "name_en", "organisation__name_th", "city_type", "certified_on",
            "valid_until", "status", "certificate_serial", "domain_codes", "population", "is_sample",
        )),
        "city_provinces": sorted(CertifiedCity.provinces.through.objects.values_list(
            "certifiedcity__name_th", "province_id"
        )),
        "zones": sorted(PromotionZone.objects.values_list(
            "name_th", "organisation__name_th", "city_type", "declared_on", "domain_codes", "population",
            "certified_city__name_th", "is_sample",
        )),
        "zone_provinces": PromotionZone.provinces.through.objects.count(),
        "organisations": sorted(Organisation.objects.values_list("name_th", "province_id", "is_sample")),
        "applications": sorted(Application.objects.values_list("title", "status", "organisation__name_th")),
        "meetings": sorted(Meeting.objects.values_list("body", "year", "number", "date")),
        "agendas": Meeting.applications.through.objects.count(),
        "resolutions": sorted(Resolution.objects.values_list(
            "meeting__body", "meeting__year", "number", "text"
        )),
        "decisions": sorted(Decision.objects.values_list("application__title", "resolution__pk", "to_state")),
        "awards": sorted(Award.objects.values_list("certified_city__name_th", "round__year", "status")),
        "documents": sorted(Document.objects.values_list("serial", "kind", "status", "application__title")),
        "signatories": sorted(Signatory.objects.values_list("round__year", "order", "name", "signature")),
        "audit": AuditEntry.objects.count(),
        "outbox": Notification.objects.count(),
    }  # fmt: skip


def areas_and_provinces(cities):
    return cities.count(), Province.objects.filter(certified_cities__in=cities).distinct().count()


def test_seeding_twice_changes_nothing_and_keeps_serials_unique(seeded):
    before = database_state()
    call_command("seed_demo", verbosity=0)
    assert database_state() == before
    serials = list(Document.objects.values_list("serial", flat=True))
    assert len(serials) == len(set(serials)) == 61  # 30 awards × 2, and the sample zone's certificate


def test_the_registry_figures_come_out_of_the_database(seeded):
    assert areas_and_provinces(CertifiedCity.objects.filter(award_year=2565)) == (15, 14)
    assert areas_and_provinces(CertifiedCity.objects.filter(award_year=2564)) == (15, 11)
    assert areas_and_provinces(CertifiedCity.objects.all()) == (30, 23)
    population_2565 = CertifiedCity.objects.filter(award_year=2565).aggregate(n=Sum("population"))["n"]
    assert population_2565 > 16_000_000
    # Zones preparing plans at the 2565 ceremony: declared by then, and not (yet) certified.
    preparing = PromotionZone.objects.filter(certified_city__isnull=True, declared_on__lte=CEREMONY_2565)
    assert preparing.count() == 36
    assert Province.objects.filter(promotion_zones__in=preparing).distinct().count() == 36
    regions = Province.objects.filter(promotion_zones__in=preparing).values("region").distinct().count()
    assert regions == 6


def test_the_registry_statistics_page_shows_the_public_figures(seeded, client):
    text = client.get("/registry/statistics/").content.decode()
    rounds = re.search(r'<table[^>]*id="rounds-table".*?</table>', text, re.S).group()
    cells = [
        re.findall(r">([^<>]+)</t[hd]>", row)[:5] for row in re.findall(r"<tr>.*?</tr>", rounds, re.S)[1:]
    ]
    # round, areas, areas to date, provinces, provinces to date
    assert cells == [["พ.ศ. 2564", "15", "15", "11", "11"], ["พ.ศ. 2565", "15", "30", "14", "23"]]


def test_every_area_is_an_award_of_its_round_backed_by_an_awarded_application(seeded):
    rounds = {r.year: r for r in AwardRound.objects.all()}
    assert sorted(rounds) == [2564, 2565]
    assert (rounds[2565].ceremony_place_th, rounds[2565].ceremony_place_en) == (
        "ทำเนียบรัฐบาล",
        "Government House",
    )
    assert (rounds[2565].presenter_th, rounds[2565].presenter_en) == ("นายกรัฐมนตรี", "The Prime Minister")
    for city in CertifiedCity.objects.prefetch_related(
        "awards__application__promotion_zone", "awards__round"
    ):
        (award,) = city.awards.all()  # one award each: none of the demo's is renewed
        application = award.application
        assert award.round.year == city.award_year
        assert (application.status, application.title, application.organisation_id) == (
            Status.AWARDED, city.name_th, city.organisation_id,
        )  # fmt: skip
        assert set(application.provinces.all()) == set(city.provinces.all())
        assert application.promotion_zone.certified_city == city
        ceremony = award.round.ceremony_date
        assert (city.certified_on, award.awarded_on) == (ceremony, ceremony)
        assert city.valid_until == award.valid_until == ceremony.replace(year=ceremony.year + 2)
        certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
        assert city.certificate_serial == certificate.serial
        # As printed: in the round's Thai digits ("ย่านพระราม 4" prints "ย่านพระราม ๔").
        assert certificate.data["area_th"] == to_thai_digits(city.name_th)
        assert certificate.data["serial"] == certificate.serial
        assert sorted(award.documents.values_list("kind", "status", "issued_on")) == [
            (DocumentKind.AWARD_CERTIFICATE, DocumentStatus.PENDING, ceremony),
            (DocumentKind.PLAQUE, DocumentStatus.PENDING, ceremony),
        ]


def test_status_follows_the_validity_as_the_nightly_expiry_would(seeded):
    today = timezone.localdate()
    for city in CertifiedCity.objects.prefetch_related("awards"):
        expired = city.valid_until < today
        (award,) = city.awards.all()
        assert city.status == (CertifiedCityStatus.EXPIRED if expired else CertifiedCityStatus.ACTIVE)
        assert award.status == (AwardStatus.EXPIRED if expired else AwardStatus.ACTIVE)
        entries = AuditEntry.objects.filter(
            application=award.application, action="certification.award.expired"
        )
        assert entries.count() == int(expired)


def test_the_decisions_cite_the_resolutions_of_the_record(seeded):
    subcommittee = Meeting.objects.get(body=Body.SUBCOMMITTEE, year=2565, number=1)
    committee = Meeting.objects.get(body=Body.COMMITTEE, year=2565, number=1)
    assert (subcommittee.date.year, subcommittee.date.month) == (2022, 8)
    assert committee.date == datetime.date(2022, 11, 9)
    assert "15 พื้นที่" in subcommittee.resolutions.get().text
    for year in (2564, 2565):
        applications = Application.objects.filter(awards__round__year=year)
        for body, to_state in (
            (Body.SUBCOMMITTEE, Status.SUBCOMMITTEE_APPROVED),
            (Body.COMMITTEE, Status.ENDORSED),
        ):
            meeting = Meeting.objects.get(body=body, year=year, number=1)
            decided = Decision.objects.filter(resolution__meeting=meeting, to_state=to_state)
            assert set(decided.values_list("application", flat=True)) == set(
                applications.values_list("pk", flat=True)
            )
            assert meeting.applications.count() == 15
            assert {d.decided_at.date() for d in decided} == {meeting.date}
    # The invented 2564 dates are not shown as fact.
    for meeting in Meeting.objects.filter(year=2564):
        assert "ข้อมูลสมมติ" in meeting.agenda


def test_the_history_reads_in_the_order_of_the_record(seeded):
    application = Application.objects.get(title="โคราชเมืองอัจฉริยะ")
    entries = list(application.audit_entries.order_by("created_at", "pk"))
    assert [e.action for e in entries][:5] == [
        "certification.application.subcommittee_approved",
        "certification.application.endorsed",
        "certification.application.awarded",
        "certification.award.created",
        "certification.document.issued",
    ]
    committee = Resolution.objects.get(meeting__body=Body.COMMITTEE, meeting__year=2565)
    with translation.override("th"):
        assert entries[1].data["resolution"] == str(committee)
    assert entries[2].created_at.date() == CEREMONY_2565
    assert application.created_at.date() < entries[0].created_at.date()
    # The ceremony was long before the portal: no mail about it waits in the outbox.
    assert not Notification.objects.filter(application__awards__isnull=False).exists()


def test_every_invented_entry_is_marked_as_sample_data(seeded):
    for city in CertifiedCity.objects.filter(is_sample=True):
        assert SAMPLE_TH in city.name_th and SAMPLE_EN in city.name_en
    assert CertifiedCity.objects.filter(is_sample=True).count() == 8
    for zone in PromotionZone.objects.filter(
        is_sample=True
    ):  # the workflow sample's zone has no English name
        assert SAMPLE_TH in zone.name_th and (SAMPLE_EN in zone.name_en or not zone.name_en)
    for zone in PromotionZone.objects.filter(is_sample=True, declared_on__lte=CEREMONY_2565):
        assert SAMPLE_TH in zone.resolution
    assert not PromotionZone.objects.filter(certified_city__isnull=True, is_sample=False).exists()
    # Real areas stay real, whoever the sample organisation behind them.
    assert not PromotionZone.objects.filter(certified_city__is_sample=False, is_sample=True).exists()
    for organisation in Organisation.objects.filter(is_sample=True):
        assert SAMPLE_TH in organisation.name_th and SAMPLE_EN in organisation.name_en
    named = {"มหาวิทยาลัยเชียงใหม่", "เทศบาลนครเชียงราย", "เทศบาลเมืองปัตตานี"}
    real = CertifiedCity.objects.filter(organisation__is_sample=False)
    assert set(real.values_list("organisation__name_th", flat=True)) == named
    assert not Organisation.objects.filter(is_sample=False).exclude(name_th__in=named).exists()
    for signatory in Signatory.objects.all():
        assert SAMPLE_TH in signatory.name and signatory.signature
    # A certificate that names a sample organisation says it is sample data.
    for document in Document.objects.filter(round__isnull=False):
        assert document.data["sample"] == document.award.application.organisation.is_sample


def test_every_area_and_zone_covers_smart_environment_and_another_domain(seeded):
    zones = PromotionZone.objects.filter(declared_on__lte=CEREMONY_2565)
    assert zones.count() == 66  # the 30 areas' zones and the 36 preparing
    for record in [*CertifiedCity.objects.all(), *zones]:
        assert Domain.ENVIRONMENT in record.domains and len(record.domains) >= 2, record
        assert record.population and record.city_type, record
    assert set(zones.filter(certified_city__isnull=True).values_list("city_type", flat=True)) == {
        "livable",
        "new",
    }


def test_the_documents_pass_the_preflight_check(seeded):
    assert selectors.preflight(2564) == []
    assert selectors.preflight(2565) == []


def test_the_demo_users_and_sample_applications_are_still_there(seeded, client):
    User = get_user_model()
    assert User.objects.filter(username__in=["admin", "secretariat", "official", "applicant"]).count() == 4
    assert client.login(username="applicant", password="applicant-demo")
    samples = Application.objects.filter(organisation__name_th="เทศบาลเมืองตัวอย่าง (ข้อมูลตัวอย่าง)")
    assert sorted(samples.values_list("status", flat=True)) == [Status.PLAN_SUBMITTED, Status.SUBMITTED]


def test_an_older_demo_database_has_its_certified_cities_completed(settings):
    """seed_demo used to create the registry's records alone, without awards: they are reused."""
    old = CertifiedCity.objects.create(
        award_year=2564, name_th="ภูเก็ตเมืองอัจฉริยะ", certified_on=datetime.date(2021, 12, 24)
    )
    old.provinces.set(["83"])
    seed_demo()
    city = CertifiedCity.objects.get(name_th="ภูเก็ตเมืองอัจฉริยะ")
    assert city.pk == old.pk and city.awards.get().round.year == 2564
    assert (city.name_en, city.certificate_serial) == ("Phuket Smart City", "SCT-2564-001")
    assert CertifiedCity.objects.count() == Award.objects.count() == 30


def test_demo_passwords_are_hashed_lightly_and_still_log_in(settings, client):
    """The demo passwords are published: a light PBKDF2 count keeps seed_demo fast, and Django raises it
    to the full count at the first login."""
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    seed_demo()
    user = get_user_model().objects.get(username="official")
    assert identify_hasher(user.password).decode(user.password)["iterations"] == 1000
    before = user.password
    seed_demo()
    user.refresh_from_db()
    assert user.password == before
    assert client.login(username="official", password="official-demo")
    user.refresh_from_db()
    assert identify_hasher(user.password).decode(user.password)["iterations"] > 1000
