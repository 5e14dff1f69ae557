"""The test suite: the same services as configured (PostgreSQL and Redis in CI), fast hashing, mail in
memory, and files under a temporary folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("SECRET_KEY", default="test-only-not-secret-3f9a6e2d41")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="smartcity-test-media-"))
