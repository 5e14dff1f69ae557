"""The embedded default of ``make run``: debug on, a fixed development key, SQLite, the console mail."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
# Only for a developer's own machine: production refuses to start without SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="development-only-not-secret-8d2f1c0b7e")
# Documents are signed with a demonstration certificate that `seed_demo` generates when none is
# configured; its subject and the documents it signs say that it is one (certification/signing.py).
DOCUMENT_SIGNING_PKCS12 = env.str("DOCUMENT_SIGNING_PKCS12", default=str(VAR_DIR / "demo-signing.p12"))  # noqa: F405
DOCUMENT_SIGNING_PASSPHRASE = env.str("DOCUMENT_SIGNING_PASSPHRASE", default="demo-only-not-secret")
# The portal's own 400, 403 and 404 pages instead of Django's debugging pages (smartcity/middleware.py),
# in the language the page is in.
_language = MIDDLEWARE.index("smartcity.middleware.ThaiFirstLanguageMiddleware") + 1  # noqa: F405
MIDDLEWARE = [
    *MIDDLEWARE[:_language],  # noqa: F405
    "smartcity.middleware.PortalErrorPagesMiddleware",
    *MIDDLEWARE[_language:],  # noqa: F405
]
