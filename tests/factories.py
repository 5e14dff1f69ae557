"""factory-boy factories with traits per state (see tests/certification for their use)."""

import factory
from django.contrib.auth import get_user_model

from certification.demo.record import COMPLETE_PLAN, COMPLETE_PROPOSAL, services_content  # noqa: F401
from certification.enums import Role, Status
from certification.models import Application, Section
from cities.enums import CityType, OrganisationType
from cities.models import Membership, Organisation, Province


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "สมศรี"
    last_name = factory.Sequence(lambda n: f"ทดสอบ{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            from django.contrib.auth.models import Group

            self.is_staff = True
            self.save(update_fields=["is_staff", "password"])
            self.groups.add(Group.objects.get(name=Role(extracted).value))
        elif create:
            self.save(update_fields=["password"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_th = factory.Sequence(lambda n: f"เทศบาลเมืองทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test Town Municipality {n}")
    org_type = OrganisationType.TOWN_MUNICIPALITY
    province = factory.LazyFunction(lambda: Province.objects.get(code="52"))
    is_sample = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    is_admin = False


def member_of(organisation, **kwargs):
    return MembershipFactory(organisation=organisation, **kwargs).user


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft by default. Traits: ``complete`` fills every proposal section; ``promotion_zone`` and
    ``plan_complete`` for the plan stage; or pass ``status`` directly."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = "ลำปางเมืองน่าอยู่อัจฉริยะ"
    city_type = CityType.LIVABLE
    status = Status.DRAFT
    created_by = factory.LazyAttribute(lambda a: member_of(a.organisation))

    class Params:
        complete = factory.Trait(domain_codes=",ENV,MOB,")
        promotion_zone = factory.Trait(status=Status.PROMOTION_ZONE, domain_codes=",ENV,MOB,")

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        content = dict(extracted or {})
        if self.domain_codes:
            content = {**COMPLETE_PROPOSAL, **content}
        for key, data in content.items():
            Section.objects.update_or_create(
                application=self, key=key, defaults={"data": data, "is_complete": True, "version": 1}
            )
        if self.domain_codes and create:
            self.provinces.set(["52"])


def meeting_resolution(body, *, recorded_by, number=1, year=2565, day=None):
    """A resolution of a meeting of ``body`` (created with its meeting)."""
    import datetime

    from certification.models import Meeting, Resolution

    meeting, _ = Meeting.objects.get_or_create(
        body=body, year=year, number=number, defaults={"date": day or datetime.date(2022, 11, 9)}
    )
    return Resolution.objects.create(
        meeting=meeting, number=meeting.resolutions.count() + 1, text="เห็นชอบ", recorded_by=recorded_by
    )


def bulk_applications(count, *, organisations=50, start=0):
    """``count`` applications in various states, created in bulk (query-count tests, benchmarks)."""
    import itertools

    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.get_or_create(username="bulk-owner")[0]
    orgs = list(Organisation.objects.filter(name_en__startswith="Bulk organisation")[:organisations])
    provinces = list(Province.objects.all())
    for n in range(len(orgs), organisations):
        orgs.append(
            Organisation.objects.create(
                name_th=f"หน่วยงานทดสอบ {n}",
                name_en=f"Bulk organisation {n}",
                org_type=OrganisationType.PROVINCE,
                province=provinces[n % len(provinces)],
                is_sample=True,
            )
        )
    states = itertools.cycle([Status.SUBMITTED, Status.SCREENING, Status.PLAN_SUBMITTED, Status.EVALUATION])
    Application.objects.bulk_create(
        [
            Application(
                organisation=orgs[n % len(orgs)],
                title=f"ข้อเสนอเมืองอัจฉริยะ ลำดับที่ {start + n}",
                city_type=CityType.LIVABLE if n % 3 else CityType.NEW,
                status=next(states),
                domain_codes=",ENV,MOB,",
                created_by=owner,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
