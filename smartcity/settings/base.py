"""Settings shared by every situation; every value that differs between machines comes from the
environment (see the configuration table in README.md)."""

from pathlib import Path

import environ
import fontpkg_sarabun
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Everything the embedded default writes (SQLite file, queue folders, uploads) lives under var/.
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "csp",
    "smartcity",
    "cities",
    "certification",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "smartcity.middleware.ThaiFirstLanguageMiddleware",
    # Before anything reads the body: a body larger than any form takes is refused from its
    # Content-Length, unread.
    "smartcity.middleware.RequestBodyLimitMiddleware",
    "smartcity.api.ApiRequestMiddleware",  # ?lang= and JSON 400s under /api/
    "smartcity.middleware.RejectNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "smartcity.middleware.PrivatePagesMiddleware",  # no-store on every page with private data
    "smartcity.auth.LoginDeviceMiddleware",  # the cookie of browsers that have logged in
]

ROOT_URLCONF = "smartcity.urls"
WSGI_APPLICATION = "smartcity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: a SQLite file unless DATABASE_URL names a server (PostgreSQL through psycopg2).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections are kept for a minute and checked before reuse, in web processes and workers alike
# (smartcity.celery): connecting costs about 3 ms on PostgreSQL, 1 ms on SQLite with its settings below.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The portal and the worker write to the same file. Write-ahead logging lets readers go on while
    # one writes, and a commit waits for the disk only at checkpoints (synchronous=NORMAL: a power cut
    # may lose the last commits, never corrupt the file). IMMEDIATE transactions take the write lock
    # when they begin, so two writers queue (up to `timeout` seconds) instead of one failing with
    # "database is locked" half-way.
    # Options given in DATABASE_URL (?timeout=5) win; an init_command given there runs after ours.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    options["init_command"] = f"{pragmas} {options['init_command']}" if "init_command" in options else pragmas
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "apply:dashboard"
LOGOUT_REDIRECT_URL = "home"
# Log in with the username or the email address (applicants' usernames are their email addresses).
AUTHENTICATION_BACKENDS = ["smartcity.auth.EmailOrUsernameBackend"]
# Sign-up confirmation links and password reset links are valid for three days.
SIGNUP_CONFIRMATION_SECONDS = 3 * 24 * 3600
# "Send the confirmation link again": at most this many requests per address, and per client address,
# within SIGNUP_RESEND_WINDOW seconds.
SIGNUP_RESEND_PER_ADDRESS = 3
SIGNUP_RESEND_PER_CLIENT = 10
SIGNUP_RESEND_WINDOW = 3600
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Invitation links to an applicant organisation are valid for seven days, and for one use.
INVITATION_VALID_DAYS = 7
# Login throttling (smartcity.auth), each count within LOGIN_THROTTLE_WINDOW seconds:
# LOGIN_THROTTLE_FAILURES for one (account, client address) pair lock the pair for LOGIN_THROTTLE_SECONDS;
# LOGIN_THROTTLE_ADDRESS_FAILURES from one address on any accounts lock the address as long;
# LOGIN_THROTTLE_ACCOUNT_FAILURES on one account from any addresses give it a cool-down of
# LOGIN_THROTTLE_ACCOUNT_SECONDS for browsers that have never logged in to it (the others pass; a password
# reset by mail logs in at once). A browser is remembered for LOGIN_DEVICE_DAYS after it logs in.
LOGIN_THROTTLE_FAILURES = env.int("LOGIN_THROTTLE_FAILURES", default=5)
LOGIN_THROTTLE_WINDOW = env.int("LOGIN_THROTTLE_WINDOW", default=15 * 60)
LOGIN_THROTTLE_SECONDS = env.int("LOGIN_THROTTLE_SECONDS", default=15 * 60)
LOGIN_THROTTLE_ADDRESS_FAILURES = env.int("LOGIN_THROTTLE_ADDRESS_FAILURES", default=20)
LOGIN_THROTTLE_ACCOUNT_FAILURES = env.int("LOGIN_THROTTLE_ACCOUNT_FAILURES", default=10)
LOGIN_THROTTLE_ACCOUNT_SECONDS = env.int("LOGIN_THROTTLE_ACCOUNT_SECONDS", default=5 * 60)
LOGIN_DEVICE_DAYS = env.int("LOGIN_DEVICE_DAYS", default=365)
# Mail about an account (sign-up links, "you already have an account", password resets): at most
# ACCOUNT_MAILS_PER_ADDRESS to one address within ACCOUNT_MAIL_WINDOW seconds; password reset requests
# from one client address: PASSWORD_RESET_REQUESTS_PER_ADDRESS within the same window.
ACCOUNT_MAILS_PER_ADDRESS = env.int("ACCOUNT_MAILS_PER_ADDRESS", default=3)
ACCOUNT_MAIL_WINDOW = env.int("ACCOUNT_MAIL_WINDOW", default=3600)
PASSWORD_RESET_REQUESTS_PER_ADDRESS = env.int("PASSWORD_RESET_REQUESTS_PER_ADDRESS", default=20)
# A session lasts a working day from the login (seconds), then the user logs in again.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# Proxies in front of the portal that append to X-Forwarded-For; 0 trusts REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Language: Thai first, English beside it. Dates are formatted by smartcity.thaidate.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media. The Sarabun font is served from the fontpkg-sarabun package, not copied.
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("fonts/sarabun", fontpkg_sarabun.ROOT / "files"),
]
# Uploaded files are private: there is no MEDIA_URL route; files are served only by
# permission-checked views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- Email: printed on the console unless EMAIL_URL names an SMTP server (smtp://user:pass@host:587).
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Smart City Thailand <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport under var/celery,
# which needs no server yet runs a real worker process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_FILESYSTEM_DIR = Path(env.str("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A Redis that does not answer must not hold a request for long (a host that drops packets would
    # otherwise wait for the system's TCP timeout).
    # Each worker looks for tasks left unacknowledged past the visibility timeout every 10 s (one
    # ZRANGE); kombu's default looks on every tenth of those ticks only, which added up to 100 s.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
    }
else:
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_RESULT_BACKEND = f"file://{CELERY_FILESYSTEM_DIR}/results"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": f"{CELERY_FILESYSTEM_DIR}/queue",
        "data_folder_out": f"{CELERY_FILESYSTEM_DIR}/queue",
        "control_folder": f"{CELERY_FILESYSTEM_DIR}/control",
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
# Documents render in well under a second: each worker process reserves a few tasks ahead, so that it
# need not wait for the broker between them (measured: 2.1× → 1.35× the bare render time per document on
# the filesystem transport). Safe with acks_late: reserved tasks of a dead worker are delivered again.
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_PREFETCH_MULTIPLIER", default=4)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic tasks, sent by `celery -A smartcity beat` (or a worker started with -B, as `make run` does),
# in Bangkok time. A run missed while beat was down is made up when it starts.
CELERY_BEAT_SCHEDULE = {
    "expire-awards": {"task": "certification.expire_awards", "schedule": crontab(hour=0, minute=5)},
    # After the expiry, so that an award that expired tonight is not reminded of its reports.
    "remind-progress-reports": {
        "task": "certification.remind_progress_reports",
        "schedule": crontab(hour=7, minute=0),
    },
    # The sweeper: documents whose rendering never reached a worker (the broker was down when they were
    # issued), was left by a worker that died, or failed for a reason that may pass, are sent again.
    "requeue-documents": {
        "task": "certification.requeue_documents",
        "schedule": env.int("DOCUMENT_SWEEP_SECONDS", default=300),
    },
}
# A document not ready this many seconds after it was issued or last sent to the workers is sent again.
DOCUMENT_REQUEUE_SECONDS = env.int("DOCUMENT_REQUEUE_SECONDS", default=600)
# Database connections in workers live as in the web processes (CONN_MAX_AGE, health checks), by
# smartcity.celery.close_old_connections; this stops Celery from closing them around every task.
CELERY_DB_REUSE_MAX = 2**31

# --- Cache, shared by every process: Redis when REDIS_URL is set, otherwise files under var/cache.
# It holds the login throttling counters, so a per-process memory cache would not do.
if REDIS_URL:
    # Django's backend, keeping one client per connection pool (smartcity/cache.py says why).
    CACHES = {"default": {"BACKEND": "smartcity.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }
CACHES["default"]["KEY_PREFIX"] = "smartcity"

# --- Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security that holds in every situation.
# Content-Security-Policy (django-csp): scripts, styles, fonts and images come from the portal only; no
# inline script or style anywhere (our templates and the admin's); nothing may frame a page, except that
# the admin's reading page shows an attachment inline (that response widens frame-ancestors to 'self').
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports each step of every render at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- The programme's rules (DOMAIN.md); settings, since several were never published.
# Minimum number of domains per city type, and the domain every plan must include.
CERTIFICATION_MIN_DOMAINS = {"livable": 2, "new": 3}
CERTIFICATION_REQUIRED_DOMAIN = "ENV"
# Attachment kinds that must be present before submitting each stage.
CERTIFICATION_REQUIRED_ATTACHMENTS = {"proposal": ["proposal_document"], "plan": ["plan_document"]}
# The form fields of one request, files aside: room for the largest boundary a section takes
# (certification.geo.MAX_CHARS, 2 million characters) even when a browser without JavaScript posts it
# URL-encoded (a character of JSON can take three bytes), so that the form, not Django's bare 400, says
# it is too large.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
# Uploads larger than this are refused while they stream in, before they are stored.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
# A DOCX or XLSX (a ZIP) is inflated part by part when it is checked: at most this many bytes in all, and
# this many parts (a ZIP bomb is refused there).
ATTACHMENT_MAX_UNCOMPRESSED_BYTES = env.int("ATTACHMENT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
ATTACHMENT_MAX_ENTRIES = env.int("ATTACHMENT_MAX_ENTRIES", default=2000)
FILE_UPLOAD_HANDLERS = [
    "certification.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Committee review. No official rubric was published: each of the five components is scored 0–100,
# and the overall score is their weighted mean.
CERTIFICATION_COMPONENT_WEIGHTS = {
    "vision": 1,
    "infrastructure": 1,
    "data_platform": 1,
    "services": 2,
    "management": 1,
}
# The secretariat is warned when evaluators' overall scores lie further apart than this (points), or
# when their recommendations differ.
CERTIFICATION_DISAGREEMENT_SPREAD = 15
# Target working days in each state; applications past it are shown as overdue in the admin.
CERTIFICATION_STATE_TARGET_DAYS = {
    "submitted": 5,
    "screening": 20,
    "returned": 30,
    "plan_submitted": 5,
    "evaluation": 30,
    "revision_requested": 30,
    "recommended": 60,
    "subcommittee_approved": 60,
}
# Public holidays (ISO dates) skipped when counting working days, besides Saturdays and Sundays.
CERTIFICATION_HOLIDAYS = env.list("CERTIFICATION_HOLIDAYS", default=[])

# --- After the award (docs/monitoring.md). Yearly progress reports are reminded this many days before
# they are due (then on the day, then once overdue).
CERTIFICATION_REPORT_REMINDER_DAYS = 30
# An organisation asks for renewal in the last days of its award, from its latest assessed report; the
# committee may renew only above this plan progress (%), as in 2025, when cities were renewed on more
# than 50 % progress of their plans.
CERTIFICATION_RENEWAL_WINDOW_DAYS = env.int("CERTIFICATION_RENEWAL_WINDOW_DAYS", default=180)
CERTIFICATION_RENEWAL_THRESHOLD = env.int("CERTIFICATION_RENEWAL_THRESHOLD", default=50)


# --- Documents (certificates, plaques): rendered by Celery workers, verified at /verify/<serial>/.
# The portal's public address, printed in each document's QR code and in links in mail; set it to the
# production origin.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Rendering one document takes well under a second; these limits stop a runaway render.
DOCUMENT_RENDER_SOFT_TIME_LIMIT = env.int("DOCUMENT_RENDER_SOFT_TIME_LIMIT", default=60)
DOCUMENT_RENDER_TIME_LIMIT = env.int("DOCUMENT_RENDER_TIME_LIMIT", default=90)
# The issuing body's key and certificate, a PKCS#12 file, with which workers sign every document
# (PAdES). Without it documents are not signed, and the pre-flight check of each round says so. `make run`
# uses a demonstration certificate it generates (development settings, certification/signing.py).
DOCUMENT_SIGNING_PKCS12 = env.str("DOCUMENT_SIGNING_PKCS12", default="")
DOCUMENT_SIGNING_PASSPHRASE = env.str("DOCUMENT_SIGNING_PASSPHRASE", default="")
# The largest PDF a visitor may drop on /verify/ to have it checked (read in memory, never stored).
VERIFY_UPLOAD_MAX_BYTES = env.int("VERIFY_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# A task that is acknowledged late comes back to another worker when its worker dies: on Redis after
# this many seconds without an acknowledgement (keep it above the hard time limit).
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
# A task whose worker process is killed (out of memory, SIGKILL) goes back to the queue.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True
# The filesystem transport looks for new messages once a second by default, which would cap a batch
# at one document a second; a tenth of a second costs a directory listing.
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS["polling_interval"] = env.float("CELERY_POLLING_INTERVAL", default=0.1)


# --- The open-data API at /api/v1/ (smartcity/api.py): read-only, anonymous, JSON only.
# No authentication at all, so no session and no CSRF token are involved; GET and HEAD only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "smartcity.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Per client address (behind TRUSTED_PROXY_COUNT proxies, the one they appended), counted in the
    # shared cache.
    "DEFAULT_THROTTLE_RATES": {"api": env.str("API_THROTTLE_RATE", default="1200/minute")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
}
# Answers are cached under the registry's freshness number, so they may live long in the server's cache;
# browsers and proxies keep them for API_MAX_AGE seconds, then revalidate with the ETag.
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=3600)
# Public pages shared by anonymous visitors (smartcity/pagecache.py: home, verification, the registry's
# pages, CSV files and badges), under the same number: the longest a copy is kept; 0 = not shared.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=24 * 3600)
API_MAX_AGE = env.int("API_MAX_AGE", default=60)
SPECTACULAR_SETTINGS = {
    "TITLE": _("Smart City Thailand open data"),
    "DESCRIPTION": _(
        "The public registry of certified smart cities and promotion zones, their provinces and regions, "
        "the award rounds and the public status of certificates and plaques. Read-only, no key needed."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The schema lists the region and province codes, read from the database, which `check --deploy`
    # may run without; tests/api/test_schema.py generates the schema and checks the API against it.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # The allowed values are listed by the docs page itself, in the reader's language.
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "AreaStatus": "cities.enums.CertifiedCityStatus",
        "DocumentStatus": "certification.enums.Validity",
    },
}
