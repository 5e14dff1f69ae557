"""The test settings with Redis as the cache as well as the broker, as production runs: for the worker,
beat and web processes of the fault tests (tests/certification/test_faults.py), against a Redis of the
test's own that the test stops and starts."""

from smartcity.settings.test import *  # noqa: F403
from smartcity.settings.test import REDIS_URL

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "smartcity",
    }
}
