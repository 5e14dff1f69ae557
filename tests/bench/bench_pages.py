"""Server-side time of the public pages and of the Buddhist Era date formatting they all use."""

import datetime
import statistics
import time

from django.test import Client

from smartcity.thaidate import format_date

REQUESTS = 200
DATES = 100_000


def median_ms(client, path, **headers):
    client.get(path, **headers)  # warm up templates and connections
    samples = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(path, **headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples)


def run():
    client = Client()
    rows = [
        {"name": "GET / (Thai), median", "value": median_ms(client, "/"), "unit": "ms"},
        {"name": "GET /healthz, median", "value": median_ms(client, "/healthz"), "unit": "ms",
         "note": "includes a round trip to the database and to the broker"},
    ]  # fmt: skip
    day = datetime.date(2023, 1, 9)
    start = time.perf_counter()
    for _ in range(DATES):
        format_date(day, thai_digits=True)
    rows.append(
        {
            "name": "format_date with Thai digits",
            "value": DATES / (time.perf_counter() - start),
            "unit": "dates/s",
        }
    )
    return rows
