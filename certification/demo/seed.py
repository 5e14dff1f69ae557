"""Writes the demo data of ``record`` to the database, idempotently (``manage.py seed_demo``).

Over 400 lines on purpose: one use case, read top to bottom in the order it writes (users, organisations,
the two award batches with their meetings, decisions, awards and documents, the zones still preparing,
the sample applications); splitting it would scatter one story over files."""

import copy
import datetime
import io
import json
import math

from django.contrib.auth import get_user_model, hashers
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from cities.enums import CertifiedCityStatus, CityType, OrganisationType
from cities.models import CertifiedCity, Membership, Organisation, PromotionZone, Province
from smartcity.thaidate import be_year

from .. import layout, snapshots
from ..enums import AwardStatus, Body, DigitStyle, DocumentKind, Status
from ..models import (
    Application,
    AuditEntry,
    Award,
    AwardRound,
    ChecklistItem,
    Decision,
    Document,
    Meeting,
    Resolution,
    Section,
    Signatory,
)
from .monitoring import seed_progress
from .record import (
    AREAS,
    COMPLETE_PLAN,
    COMPLETE_PROPOSAL,
    DEMO_USERS,
    MEMBERSHIPS,
    ORGANISATIONS,
    OTHER_DOMAINS,
    PREPARING_ZONE_PROVINCES,
    REAL_ZONE_RESOLUTION,
    ROUNDS,
    SAMPLE_MEETINGS,
    SAMPLE_PDF,
    SAMPLE_ZONE_RESOLUTION,
    SIGNATORIES,
    TIMELINE,
    ZONE_DECLARED,
    ZONE_DEVELOPER_TYPES,
    services_content,
)


def _at(day, hour=10):
    """A moment of a historical day, in the portal's time zone (Bangkok)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _demo_hasher():
    """The hasher of the demo accounts' passwords. Those passwords are published in the README, so
    their hashes need no strength; PBKDF2 at Django's full count (a third of a second each, checked
    again on every run) was nine tenths of seed_demo's time. A lighter count of the same algorithm is
    still read by Django's own hasher, which raises it to the full count at the account's first login.
    Any other configured hasher (the tests' MD5) is used as it is."""
    default = hashers.get_hasher()
    if isinstance(default, hashers.PBKDF2PasswordHasher):
        light = copy.copy(default)
        light.iterations = 1000
        return light
    return default


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """Creates or updates the demo data; running it again changes nothing. Returns counts by kind."""
    User = get_user_model()
    hasher = _demo_hasher()
    users = {}
    for username, password, first, last, role, is_superuser in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_staff": is_superuser or role is not None,
                "is_superuser": is_superuser,
                "is_active": True,
            },
        )
        # Without the setter: a hash that would only be upgraded is left as it is.
        if not (user.password and hashers.check_password(password, user.password)):
            user.password = hashers.make_password(password, hasher=hasher)
            user.save(update_fields=["password"])
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        users[username] = user

    organisations = {}
    for name_th, name_en, org_type, province_code, is_sample in ORGANISATIONS:
        organisations[name_th], _ = Organisation.objects.update_or_create(
            name_th=name_th,
            province_id=province_code,
            defaults={"name_en": name_en, "org_type": org_type, "is_sample": is_sample},
        )
    for username, org_name in MEMBERSHIPS:
        Membership.objects.update_or_create(
            user=users[username], organisation=organisations[org_name], defaults={"is_admin": True}
        )

    rounds = {}
    for year, ceremony_date, place_th, place_en, presenter_th, presenter_en in ROUNDS:
        rounds[year], _ = AwardRound.objects.update_or_create(
            year=year,
            defaults={
                "ceremony_date": ceremony_date,
                "ceremony_place_th": place_th,
                "ceremony_place_en": place_en,
                "presenter_th": presenter_th,
                "presenter_en": presenter_en,
                "digit_style": DigitStyle.THAI,
            },
        )
        seed_signatories(rounds[year])

    provinces = Province.objects.in_bulk()
    seed_award_batches(users, organisations, rounds)
    reports = seed_progress(users, rounds)
    zones = seed_preparing_zones(provinces)
    applications = seed_workflow_samples(users, organisations)

    return {
        "users": len(users),
        "organisations": Organisation.objects.count(),
        "award rounds": len(ROUNDS),
        "awards": Award.objects.filter(round__in=rounds.values()).count(),
        "documents": Document.objects.filter(round__in=rounds.values()).count(),
        "progress reports": reports,
        "promotion zones preparing plans": zones,
        "sample applications": applications,
    }


def signature_png(seed):
    """A pen stroke on white, as a scanned signature would look (sample data)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "white")
    points = [(12 + x * 6, 40 + int(18 * math.sin((x + seed) / 2.5)) - x % 4) for x in range(36)]
    ImageDraw.Draw(image).line(points, fill=(20, 30, 110), width=3)
    picture = io.BytesIO()
    image.save(picture, "PNG")
    return picture.getvalue()


def seed_signatories(award_round):
    """The round's signatories (sample data) with a signature image each, which the pre-flight check
    of the documents requires; an image whose file has gone (a wiped media folder) is drawn again."""
    existing = {s.order: s for s in award_round.signatories.all()}
    for order, (name, position) in enumerate(SIGNATORIES, start=1):
        signatory = existing.get(order) or Signatory(
            round=award_round, order=order, name=name, position=position
        )
        if (
            signatory.pk
            and signatory.signature
            and signatory.signature.storage.exists(signatory.signature.name)
        ):
            continue
        signatory.signature.save(f"signatory-{order}.png", ContentFile(signature_png(order)), save=False)
        signatory.save()


def _decisions_timeline(year, secretary):
    """The meetings and resolutions of a batch: [(resolution, state it moves to)]."""
    timeline = []
    for body, number, day, agenda, text, to_state in TIMELINE[year]:
        meeting, _ = Meeting.objects.get_or_create(
            body=body, year=be_year(day), number=number, defaults={"date": day, "agenda": agenda}
        )
        resolution = meeting.resolutions.filter(number=1).first()
        if resolution is None:
            # Recorded directly rather than by review.record_resolution, which dates it today.
            resolution = Resolution.objects.create(
                meeting=meeting, number=1, text=text, recorded_by=secretary
            )
            Resolution.objects.filter(pk=resolution.pk).update(recorded_at=_at(day, 16))
        timeline.append((resolution, to_state))
    return timeline


def _developer(area):
    """(Thai name, province code), English name of the sample developer of an area the record names
    no applicant for."""
    base_th = area.name_th.removesuffix(" (ข้อมูลตัวอย่าง)")
    base_en = area.name_en.removesuffix(" (sample data)")
    return (f"ผู้พัฒนาเมือง {base_th} (ข้อมูลตัวอย่าง)", area.provinces[0]), f"Developer of {base_en} (sample data)"


def _developers(areas, organisations):
    """The applicant of each area, by the area's Thai name: the real one where the record names it,
    else a sample developer."""
    unnamed = [area for area in areas if not area.organisation]
    found = _sample_organisations(
        {
            key: (name_en, OrganisationType.CITY_DEVELOPMENT_COMPANY)
            for key, name_en in map(_developer, unnamed)
        }
    )
    named = {area.name_th: organisations[area.organisation] for area in areas if area.organisation}
    return named | {area.name_th: found[_developer(area)[0]] for area in unnamed}


def _sample_organisations(wanted):
    """{(Thai name, province code): organisation} for ``wanted`` {(Thai name, province code): (English
    name, type)}, creating the sample organisations not there yet."""
    found = {
        (o.name_th, o.province_id): o
        for o in Organisation.objects.filter(name_th__in=[name for name, _code in wanted], is_sample=True)
    }
    missing = [
        Organisation(name_th=name, name_en=name_en, org_type=org_type, province_id=code, is_sample=True)
        for (name, code), (name_en, org_type) in wanted.items()
        if (name, code) not in found
    ]
    for organisation in Organisation.objects.bulk_create(missing):
        found[(organisation.name_th, organisation.province_id)] = organisation
    return found


def seed_award_batches(users, organisations, rounds):
    """The 2564 and 2565 batches as awards. For each area: its application (awarded, its decisions
    citing the resolutions of its batch), its promotion zone, its record in the registry, the award,
    and its certificate and plaque, pending until ``render_round`` renders them. Areas already awarded
    are left as they are. Returns how many awards were created.

    Written here rather than through ``awards.award``, which is an official's act of today: it dates its
    audit entries today, puts the award's mail in the outbox and queues the rendering at once, whereas
    these awards were given in 2021 and 2023 and their documents wait for ``render_round``. What does not
    depend on the day comes from the services: serials from ``awards.next_serial``, the printed texts from
    ``snapshots.award_snapshot``, the template version from ``layout``."""
    from ..services import awards

    secretariat, secretary = users["secretariat"], users["committee"]
    done = set(
        Award.objects.filter(round__in=rounds.values()).values_list("round__year", "certified_city__name_th")
    )
    areas = [area for area in AREAS if (area.year, area.name_th) not in done]
    if not areas:
        return 0
    with translation.override("th"):  # resolutions are cited in Thai, as the committee writes them
        timelines = {year: _decisions_timeline(year, secretary) for year in sorted({a.year for a in areas})}
        cited = {
            resolution.pk: str(resolution) for timeline in timelines.values() for resolution, _ in timeline
        }
    developers = _developers(areas, organisations)
    today = timezone.localdate()

    # The registry's records; a record left by an older seed_demo, without its award, is completed.
    existing = {
        (city.award_year, city.name_th): city
        for city in CertifiedCity.objects.filter(
            award_year__in=rounds, name_th__in=[area.name_th for area in areas], awards__isnull=True
        )
    }
    cities = []
    for area in areas:
        award_round = rounds[area.year]
        city = existing.get((area.year, area.name_th)) or CertifiedCity(
            award_year=area.year, name_th=area.name_th
        )
        city.name_en, city.city_type = area.name_en, area.city_type
        city.organisation = developers[area.name_th]
        city.certified_on = award_round.ceremony_date
        city.valid_until = snapshots.add_years(award_round.ceremony_date, award_round.validity_years)
        city.status = CertifiedCityStatus.EXPIRED if city.valid_until < today else CertifiedCityStatus.ACTIVE
        city.domain_codes, city.population, city.is_sample = area.domains, area.population, area.is_sample
        cities.append(city)
    CertifiedCity.objects.bulk_create([city for city in cities if city.pk is None])
    _set_provinces(CertifiedCity, cities, areas)

    applications = Application.objects.bulk_create(
        Application(
            organisation=developers[area.name_th],
            title=area.name_th,
            city_type=area.city_type,
            status=Status.AWARDED,
            domain_codes=f",{area.domains},",
            created_by=secretariat,
            state_entered_at=_at(rounds[area.year].ceremony_date),
        )
        for area in areas
    )
    _set_provinces(Application, applications, areas)
    zones = PromotionZone.objects.bulk_create(
        PromotionZone(
            name_th=area.name_th,
            name_en=area.name_en,
            organisation=developers[area.name_th],
            city_type=area.city_type,
            declared_on=ZONE_DECLARED[area.year],
            resolution=SAMPLE_ZONE_RESOLUTION if area.is_sample else REAL_ZONE_RESOLUTION,
            domain_codes=area.domains,
            population=area.population,
            certified_city=city,
            is_sample=area.is_sample,
        )
        for area, city in zip(areas, cities, strict=True)
    )
    _set_provinces(PromotionZone, zones, areas)
    for application, zone in zip(applications, zones, strict=True):
        application.promotion_zone = zone
    Application.objects.bulk_update(applications, ["promotion_zone"])

    entries, decisions, agendas = [], [], []
    for application, area in zip(applications, areas, strict=True):
        before = Status.RECOMMENDED
        for resolution, to_state in timelines[area.year]:
            decisions.append(
                Decision(application=application, resolution=resolution, from_state=before, to_state=to_state,
                         decided_by=secretary)
            )  # fmt: skip
            agendas.append(
                Meeting.applications.through(meeting_id=resolution.meeting_id, application=application)
            )
            entries.append(
                AuditEntry(
                    application=application,
                    action=f"certification.application.{to_state}",
                    actor=secretary,
                    created_at=_at(resolution.meeting.date, 15),
                    data={
                        "before": str(before),
                        "after": str(to_state),
                        "note": "",
                        "resolution": cited[resolution.pk],
                    },
                )
            )
            before = to_state
    Decision.objects.bulk_create(decisions)
    Meeting.applications.through.objects.bulk_create(agendas, ignore_conflicts=True)

    new_awards = Award.objects.bulk_create(
        Award(
            application=application,
            round=rounds[area.year],
            certified_city=city,
            status=AwardStatus.EXPIRED if city.status == CertifiedCityStatus.EXPIRED else AwardStatus.ACTIVE,
            awarded_on=city.certified_on,
            valid_until=city.valid_until,
            awarded_by=secretariat,
        )
        for application, area, city in zip(applications, areas, cities, strict=True)
    )
    documents = []
    for new_award in new_awards:
        application, city, year = new_award.application, new_award.certified_city, new_award.round.year
        ceremony = _at(new_award.awarded_on, 11)
        entries += [
            AuditEntry(application=application, action="certification.application.awarded", actor=secretariat,
                       created_at=ceremony, data={"before": str(Status.ENDORSED), "after": str(Status.AWARDED),
                                                  "note": "", "round": year}),
            AuditEntry(application=application, action="certification.award.created", actor=secretariat,
                       created_at=ceremony, data={"round": year, "city": city.name_th}),
        ]  # fmt: skip
        data = snapshots.award_snapshot(new_award)
        for kind in awards.AWARD_DOCUMENT_KINDS:
            number, serial = awards.next_serial(kind, year)
            documents.append(
                Document(
                    kind=kind,
                    serial=serial,
                    year=year,
                    number=number,
                    round=new_award.round,
                    award=new_award,
                    application=application,
                    template_version=layout.CURRENT_TEMPLATE_VERSION,
                    data={**data, "serial": serial, "verify_url": snapshots.verification_url(serial)},
                    issued_on=new_award.awarded_on,
                    valid_until=new_award.valid_until,
                )
            )
            entries.append(
                AuditEntry(application=application, action="certification.document.issued", actor=secretariat,
                           created_at=ceremony, data={"serial": serial, "kind": str(kind), "supersedes": ""})
            )  # fmt: skip
            if kind == DocumentKind.AWARD_CERTIFICATE:
                city.certificate_serial = serial
        if new_award.status == AwardStatus.EXPIRED:  # as the nightly expiry would have recorded it
            entries.append(
                AuditEntry(application=application, action="certification.award.expired", actor=None,
                           created_at=_at(new_award.valid_until + datetime.timedelta(days=1), 0)
                           + datetime.timedelta(minutes=5),
                           data={"valid_until": new_award.valid_until.isoformat()})
            )  # fmt: skip
    Document.objects.bulk_create(documents)
    CertifiedCity.objects.bulk_update(
        cities,
        ["name_en", "organisation", "city_type", "certified_on", "valid_until", "status", "domain_codes",
         "population", "is_sample", "certificate_serial"],
    )  # fmt: skip
    AuditEntry.objects.bulk_create(entries)

    # Timestamps the models set to "now" on creation, put back on the days of the record.
    for year in {area.year for area in areas}:
        ceremony = _at(rounds[year].ceremony_date, 11)
        of_year = [a.pk for a, area in zip(applications, areas, strict=True) if area.year == year]
        Application.objects.filter(pk__in=of_year).update(
            created_at=_at(ZONE_DECLARED[year]), updated_at=ceremony
        )
        Award.objects.filter(application__in=of_year).update(created_at=ceremony)
        Document.objects.filter(application__in=of_year).update(created_at=ceremony)
        for resolution, _ in timelines[year]:
            Decision.objects.filter(resolution=resolution, application__in=of_year).update(
                decided_at=_at(resolution.meeting.date, 15)
            )
    return len(new_awards)


def _set_provinces(model, records, areas):
    through = model.provinces.through
    owner = f"{model._meta.model_name}_id"
    through.objects.filter(**{f"{owner}__in": [r.pk for r in records]}).delete()
    through.objects.bulk_create(
        through(**{owner: record.pk, "province_id": code})
        for record, area in zip(records, areas, strict=True)
        for code in area.provinces
    )


def seed_preparing_zones(provinces):
    """The promotion zones still preparing their plans at the 2565 ceremony, all sample data, each with
    its own sample developer. Returns how many there are."""
    zones = {}
    for index, code in enumerate(PREPARING_ZONE_PROVINCES):
        province = provinces[code]
        others = [OTHER_DOMAINS[index % 6]] + ([OTHER_DOMAINS[(index + 2) % 6]] if index % 2 else [])
        zones[f"เขตส่งเสริมตัวอย่าง {province.name_th} (ข้อมูลตัวอย่าง)"] = {
            "name_en": f"Sample promotion zone, {province.name_en} (sample data)",
            "province": code,
            "developer": (f"ผู้พัฒนาเขตส่งเสริมตัวอย่าง {province.name_th} (ข้อมูลตัวอย่าง)", code),
            "developer_en": f"Developer of the sample promotion zone, {province.name_en} (sample data)",
            "org_type": ZONE_DEVELOPER_TYPES[index % len(ZONE_DEVELOPER_TYPES)],
            "city_type": CityType.NEW if index % 6 == 5 else CityType.LIVABLE,
            "domain_codes": ",".join(["ENV", *others]),
            "population": 15_000 + index * 7_919 % 180_000,
            "declared_on": datetime.date(2021, 6, 1) + datetime.timedelta(days=15 * index),
        }
    there = set(PromotionZone.objects.filter(name_th__in=zones).values_list("name_th", flat=True))
    missing = {name: zone for name, zone in zones.items() if name not in there}
    developers = _sample_organisations(
        {zone["developer"]: (zone["developer_en"], zone["org_type"]) for zone in missing.values()}
    )
    created = PromotionZone.objects.bulk_create(
        PromotionZone(
            name_th=name,
            name_en=zone["name_en"],
            organisation=developers[zone["developer"]],
            city_type=zone["city_type"],
            declared_on=zone["declared_on"],
            resolution=SAMPLE_ZONE_RESOLUTION,
            domain_codes=zone["domain_codes"],
            population=zone["population"],
            is_sample=True,
        )
        for name, zone in missing.items()
    )
    PromotionZone.provinces.through.objects.bulk_create(
        PromotionZone.provinces.through(
            promotionzone_id=zone.pk, province_id=missing[zone.name_th]["province"]
        )
        for zone in created
    )
    return PromotionZone.objects.filter(name_th__in=zones, certified_city__isnull=True).count()


def _sample_application(applicant, organisation, title, content, attachment_kind):
    from ..services import drafting

    application = drafting.create_application(
        actor=applicant, organisation=organisation, title=title, city_type="livable"
    )
    for key, data in content.items():
        section = Section.objects.filter(application=application, key=key).first()
        drafting.save_section(
            application, key, data, actor=applicant, expected_version=section.version if section else 0
        )
    drafting.add_attachment(
        application, SimpleUploadedFile("sample.pdf", SAMPLE_PDF), attachment_kind, actor=applicant
    )
    drafting.submit(application, actor=applicant)
    return application


# An invented outline around the centre of Lampang (the sample's province), so that the staff's reading
# page and the applicant's map show a boundary.
SAMPLE_BOUNDARY = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [
            [[99.478, 18.272], [99.512, 18.266], [99.531, 18.284], [99.526, 18.309], [99.497, 18.317],
             [99.474, 18.298], [99.478, 18.272]]
        ],
    }
)  # fmt: skip


def _sample_proposal(title, area_name):
    """The complete proposal under a sample's title and area name (the promotion zone's name later)."""
    area = {**COMPLETE_PROPOSAL["area"], "area_name": [area_name], "boundary_geojson": [SAMPLE_BOUNDARY]}
    return {**COMPLETE_PROPOSAL, "general": {"title": [title], "city_type": ["livable"]}, "area": area}


def seed_workflow_samples(users, organisations):
    """Two sample applications of the demo applicant — one just submitted, one whose plan is submitted —
    and sample meetings with resolutions, so that the staff can walk them through the admin."""
    from ..services import drafting, review

    secretary = users["committee"]
    for body, day, agenda in SAMPLE_MEETINGS:
        meeting, _ = Meeting.objects.get_or_create(
            body=body, year=2569, number=1, defaults={"date": day, "agenda": agenda}
        )
        if not meeting.resolutions.exists():
            review.record_resolution(meeting, actor=secretary, text=agenda)

    applicant = users["applicant"]
    organisation = organisations["เทศบาลเมืองตัวอย่าง (ข้อมูลตัวอย่าง)"]
    titles = ["เมืองตัวอย่างน่าอยู่อัจฉริยะ (ข้อมูลตัวอย่าง)", "ย่านเก่าตัวอย่างอัจฉริยะ (ข้อมูลตัวอย่าง)"]
    existing = set(Application.objects.filter(organisation=organisation).values_list("title", flat=True))
    if titles[0] not in existing:
        proposal = _sample_proposal(titles[0], "เขตเมืองตัวอย่าง (ข้อมูลตัวอย่าง)")
        _sample_application(applicant, organisation, titles[0], proposal, "proposal_document")
    if titles[1] not in existing:
        proposal = _sample_proposal(titles[1], "ย่านเก่าตัวอย่าง (ข้อมูลตัวอย่าง)")
        application = _sample_application(applicant, organisation, titles[1], proposal, "proposal_document")
        secretariat = users["secretariat"]
        review.start_screening(application, actor=secretariat)
        checklist = {str(item.pk): {"met": True} for item in ChecklistItem.objects.filter(is_active=True)}
        review.record_screening(application, actor=secretariat, outcome="passed", checklist=checklist)
        committee = Resolution.objects.filter(meeting__body=Body.COMMITTEE, meeting__year=2569).first()
        review.acknowledge_promotion_zone(application, actor=secretary, resolution=committee)
        plan = {
            **COMPLETE_PLAN,
            "services_ENV": services_content(),
            "services_MOB": services_content("รถโดยสารไฟฟ้า"),
        }
        for key, data in plan.items():
            drafting.save_section(application, key, data, actor=applicant, expected_version=0)
        drafting.add_attachment(
            application, SimpleUploadedFile("sample-plan.pdf", SAMPLE_PDF), "plan_document", actor=applicant
        )
        drafting.submit(application, actor=applicant)
    return Application.objects.filter(organisation=organisation, title__in=titles).count()
