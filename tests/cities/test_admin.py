"""The admin of the registry's records: a certified city's domains are chosen by name and checked, its
validity cannot end before it starts, and a code typed before the forms checked them no longer breaks
the public pages."""

import pytest
from django.urls import reverse

from certification.enums import Role
from cities.enums import Domain
from cities.models import CertifiedCity
from tests.api.records import area
from tests.certification.test_admin_crawl import page_data
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def city():
    return area(domains="ENV,MOB")


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    return client


def post_change(client, city, **values):
    url = reverse("admin:cities_certifiedcity_change", args=[city.pk])
    page = client.get(url)
    assert page.status_code == 200
    data, unknown = page_data(page.context, values)
    assert unknown == []
    return client.post(url, data)


def test_the_domains_are_checkboxes_named_in_the_page_language(staff, city):
    page = staff.get(reverse("admin:cities_certifiedcity_change", args=[city.pk])).content.decode()
    assert 'type="checkbox" name="domain_codes" value="ENV"' in page
    assert "สิ่งแวดล้อมอัจฉริยะ" in page
    assert page.count('name="domain_codes"') == 7
    assert page.count("checked") >= 2


def test_chosen_domains_are_kept_in_the_programme_order(staff, city):
    response = post_change(staff, city, domain_codes=["GOV", "ENV", "ECO"])
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.domain_codes == "ENV,ECO,GOV"


def test_a_code_that_is_not_a_domain_is_refused_and_nothing_changes(staff, city):
    response = post_change(staff, city, domain_codes=["ENV", "XYZ"])
    assert response.status_code == 200
    assert "XYZ" in response.context["adminform"].form.errors["domain_codes"][0]
    city.refresh_from_db()
    assert city.domain_codes == "ENV,MOB"


def test_validity_cannot_end_before_the_area_was_certified(staff, city):
    year_before = city.certified_on.replace(year=city.certified_on.year - 1)
    response = post_change(staff, city, valid_until=year_before)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["valid_until"] == [
        "วันสิ้นสุดการรับรองต้องไม่ก่อนวันที่ได้รับการรับรอง"
    ]
    before = city.valid_until
    city.refresh_from_db()
    assert city.valid_until == before


def test_codes_typed_loosely_before_the_check_still_read_as_domains(client, city):
    CertifiedCity.objects.filter(pk=city.pk).update(domain_codes="env, MOB ,XYZ,")
    city.refresh_from_db()
    assert city.domains == [Domain.ENVIRONMENT, Domain.MOBILITY]
    pages = ("/registry/statistics/", f"/registry/areas/{city.pk}/", "/api/v1/areas/", "/registry/areas.csv")
    for url in pages:
        assert client.get(url).status_code == 200, url
