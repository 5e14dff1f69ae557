"""The committee admin's application list at 10,000 and 100,000 applications: median server time of
the plain list, a filtered one and a search, as the secretariat sees them."""

import statistics
import time

from django.contrib.auth.models import Group
from django.test import Client

from certification.enums import Role
from tests.factories import UserFactory, bulk_applications

REQUESTS = 15
PAGES = {
    "list": "/admin/certification/application/",
    "filter (status, domain)": "/admin/certification/application/?status__exact=screening&domain=ENV",
    "search (a title's number)": "/admin/certification/application/?q=4321",
}


def median_ms(client, url):
    client.get(url)
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(samples)


def run():
    Group.objects.get_or_create(name=Role.SECRETARIAT)
    client = Client()
    client.force_login(UserFactory(username="bench-secretariat", role=Role.SECRETARIAT))
    rows, created = [], 0
    for size in (10_000, 100_000):
        bulk_applications(size - created, start=created)
        created = size
        for label, url in PAGES.items():
            rows.append(
                {"name": f"changelist {label} at {size:,}", "value": median_ms(client, url), "unit": "ms"}
            )
    return rows
