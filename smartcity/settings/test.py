"""The test suite: the services as configured (PostgreSQL and Redis in CI, the embedded defaults
otherwise), fast hashing and mail in memory.

Uploads and the filesystem broker go to fresh temporary folders, set in the environment so that the
Celery worker processes the tests start (which inherit it) share them with the test process.
"""

import os
import tempfile

os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="smartcity-test-media-"))
os.environ.setdefault("CELERY_FILESYSTEM_DIR", tempfile.mkdtemp(prefix="smartcity-test-celery-"))
os.environ.setdefault("SMARTCITY_TEST_CACHE_DIR", tempfile.mkdtemp(prefix="smartcity-test-cache-"))
# Documents are signed with a demonstration certificate made for the run (tests/conftest.py makes it;
# worker processes inherit these variables).
os.environ.setdefault(
    "DOCUMENT_SIGNING_PKCS12",
    os.path.join(tempfile.mkdtemp(prefix="smartcity-test-signing-"), "demo-signing.p12"),
)
os.environ.setdefault("DOCUMENT_SIGNING_PASSPHRASE", "test-only-not-secret")

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, env

SECRET_KEY = env.str("SECRET_KEY", default="test-only-not-secret-3f9a6e2d41")
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests clear the cache between tests; on Redis that would flush the database Celery's broker uses too,
# so the suite's cache is always a private folder.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ["SMARTCITY_TEST_CACHE_DIR"],
        "KEY_PREFIX": "smartcity",
    }
}

# SQLite: the test database is a file, not memory, so that the Celery worker processes the tests start
# can open it (they are given its name in DATABASE_URL; see tests/conftest.py `worker_database_env`).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    os.environ.setdefault(
        "SMARTCITY_TEST_SQLITE", os.path.join(tempfile.mkdtemp(prefix="smartcity-test-db-"), "test.sqlite3")
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SMARTCITY_TEST_SQLITE"]}  # noqa: F405
