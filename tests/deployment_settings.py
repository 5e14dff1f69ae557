"""Production settings for the processes of tests/smartcity/test_deployment.py (two gunicorn web processes
and two Celery workers): production's, with the test suite's shared cache folder (production's is Redis
or var/cache) and cookies that plain HTTP on loopback can carry (TLS ends at the proxy in production)."""

import os

from django.conf import global_settings

from smartcity.settings.production import *  # noqa: F403

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ["SMARTCITY_TEST_CACHE_DIR"],
        "KEY_PREFIX": "smartcity",
    }
}
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = False
# The test creates its accounts with the suite's fast hasher; production's hashers come first.
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
