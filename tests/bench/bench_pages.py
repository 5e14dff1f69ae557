"""Server-side time of the public pages and of the Buddhist Era date formatting they all use."""

import datetime
import statistics
import time

from django.test import Client

from smartcity.thaidate import format_date

REQUESTS = 40
RUNS = 5
DATES = 100_000


def median_ms(client, path, **headers):
    """The median server time of each of RUNS runs of REQUESTS requests."""
    client.get(path, **headers)  # warm up templates and connections
    medians = []
    for _ in range(RUNS):
        samples = []
        for _ in range(REQUESTS):
            start = time.perf_counter()
            response = client.get(path, **headers)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        medians.append(statistics.median(samples))
    return medians


def run():
    client = Client()
    rows = [
        {"name": "GET / (Thai), median", "samples": median_ms(client, "/"), "unit": "ms"},
        {"name": "GET /healthz, median", "samples": median_ms(client, "/healthz"), "unit": "ms",
         "note": "includes a round trip to the database and to the broker"},
    ]  # fmt: skip
    day = datetime.date(2023, 1, 9)
    rates = []
    for _ in range(RUNS):
        start = time.perf_counter()
        for _ in range(DATES // RUNS):
            format_date(day, thai_digits=True)
        rates.append(DATES // RUNS / (time.perf_counter() - start))
    rows.append({"name": "format_date with Thai digits", "samples": rates, "unit": "dates/s"})
    return rows
