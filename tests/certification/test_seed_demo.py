"""seed_demo reproduces the public record, marks what it invents, and gives every role a demo user."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from certification.demo.record import DEMO_USERS
from certification.enums import Role
from certification.models import AwardRound
from cities.models import CertifiedCity, Membership, Organisation, Province

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def snapshot():
    User = get_user_model()
    return {
        "users": sorted(User.objects.values_list("username", "password", "is_staff", "is_superuser")),
        "groups": sorted(User.groups.through.objects.values_list("user__username", "group__name")),
        "organisations": sorted(Organisation.objects.values_list("name_th", "province_id", "is_sample")),
        "memberships": sorted(Membership.objects.values_list("user__username", "organisation__name_th")),
        "rounds": sorted(AwardRound.objects.values_list("year", "ceremony_date")),
        "cities": sorted(
            CertifiedCity.objects.values_list("award_year", "name_th", "organisation__name_th", "is_sample")
        ),
        "city_provinces": sorted(
            CertifiedCity.provinces.through.objects.values_list("certifiedcity_id", "province_id")
        ),
    }


def test_seed_demo_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        call_command("seed_demo")
    assert get_user_model().objects.count() == 0
    assert CertifiedCity.objects.count() == 0


def test_seed_demo_twice_changes_nothing(seeded):
    before = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == before


def test_the_public_figures_are_reproduced(seeded):
    def areas_and_provinces(queryset):
        return queryset.count(), Province.objects.filter(certified_cities__in=queryset).distinct().count()

    assert areas_and_provinces(CertifiedCity.objects.filter(award_year=2564)) == (15, 11)
    assert areas_and_provinces(CertifiedCity.objects.filter(award_year=2565)) == (15, 14)
    assert areas_and_provinces(CertifiedCity.objects.all()) == (30, 23)
    rounds = dict(AwardRound.objects.values_list("year", "ceremony_date"))
    assert {year: str(day) for year, day in rounds.items()} == {2564: "2021-12-24", 2565: "2023-01-09"}


def test_named_areas_are_real_and_the_rest_are_marked_as_samples(seeded):
    real = CertifiedCity.objects.filter(is_sample=False)
    assert real.filter(award_year=2564).count() == 13
    assert real.filter(award_year=2565).count() == 9
    assert set(real.values_list("name_en", flat=True)) >= {
        "Phuket Smart City", "Mae Moh livable city", "Sam Yan Smart City", "Wangchan Valley", "Rayong City",
        "Chiang Rai City", "Korat Smart City", "Pattani",
    }  # fmt: skip
    for city in CertifiedCity.objects.filter(is_sample=True):
        assert "ข้อมูลตัวอย่าง" in city.name_th
        assert "sample data" in city.name_en
    mae_moh = CertifiedCity.objects.get(name_en="Mae Moh livable city")
    assert [p.name_th for p in mae_moh.provinces.all()] == ["ลำปาง"]
    # The record names no applicant: a sample organisation, marked as such; validity follows the round.
    assert mae_moh.organisation.is_sample and "ข้อมูลตัวอย่าง" in mae_moh.organisation.name_th
    assert str(mae_moh.valid_until) == "2023-12-24"


def test_every_area_has_at_least_one_province(seeded):
    assert not CertifiedCity.objects.annotate(n=Count("provinces")).filter(n=0).exists()


def test_every_role_has_a_demo_user_who_can_log_in(seeded, client):
    User = get_user_model()
    for role in Role:
        assert User.objects.filter(groups__name=role.value, is_staff=True).exists(), role
    assert Membership.objects.filter(user__username="applicant", is_admin=True).exists()
    for username, password, *_ in DEMO_USERS:
        assert client.login(username=username, password=password), username
        client.logout()


def test_staff_roles_reach_the_admin_and_applicants_do_not(seeded, client):
    client.login(username="secretariat", password="secretariat-demo")
    assert client.get("/admin/").status_code == 200
    client.logout()
    client.login(username="applicant", password="applicant-demo")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("username", "password", "path", "status"),
    [
        ("secretariat", "secretariat-demo", "/admin/cities/certifiedcity/", 200),
        ("secretariat", "secretariat-demo", "/admin/cities/organisation/add/", 200),
        ("committee", "committee-demo", "/admin/cities/certifiedcity/", 200),
        ("committee", "committee-demo", "/admin/cities/organisation/add/", 404),
        ("official", "official-demo", "/admin/certification/awardround/", 200),
        ("evaluator1", "evaluator-demo", "/admin/cities/certifiedcity/", 404),
        ("evaluator1", "evaluator-demo", "/admin/cities/province/", 200),
    ],
)
def test_role_groups_allow_what_each_role_needs_and_no_more(seeded, client, username, password, path, status):
    client.login(username=username, password=password)
    response = client.get(path)
    assert response.status_code == status
    html = response.content.decode()
    if status == 404:  # what a role may not use does not exist for it (DESIGN.md)
        assert 'id="content-main"' not in html
    else:
        assert 'id="content-main"' in html


def test_seed_demo_generates_a_demonstration_signing_certificate_when_none_is_there(settings, tmp_path):
    import io

    from certification import signing

    settings.DEBUG = True
    settings.DOCUMENT_SIGNING_PKCS12 = str(tmp_path / "demo-signing.p12")
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "Generated a demonstration signing certificate (DEMO, not for official use): "
        f"{tmp_path / 'demo-signing.p12'}"
    )
    identity = signing.identity()
    assert identity.is_demo and "Smart City Thailand document signing DEMO" in identity.subject
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert "signing certificate" not in again.getvalue()  # an existing one is kept
    assert signing.identity().fingerprint == identity.fingerprint


def test_the_staff_read_the_sample_applications_boundary_drawn(seeded, client):
    from certification.models import Application

    sample = Application.objects.get(title="เมืองตัวอย่างน่าอยู่อัจฉริยะ (ข้อมูลตัวอย่าง)")
    client.login(username="secretariat", password="secretariat-demo")
    page = client.get(f"/admin/certification/application/{sample.pk}/change/").content.decode()
    assert '<svg class="reading-boundary"' in page
