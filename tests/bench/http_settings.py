"""The settings of the HTTP benchmark's gunicorn (tests/bench/bench_http.py): production's, with the
benchmark's URLs (a hello-world view beside the portal) and, without Redis, a cache folder of its own."""

import os

from smartcity.settings.production import *  # noqa: F403
from smartcity.settings.production import CACHES

ROOT_URLCONF = "tests.bench.urls"
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
    CACHES["default"]["LOCATION"] = os.environ["BENCH_CACHE_DIR"]
