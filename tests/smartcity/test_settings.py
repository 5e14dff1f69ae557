"""Settings come from the environment; each case runs in a fresh process with its own environment."""

import json
import secrets

import pytest

from tests.conftest import run_python

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from smartcity.celery import app
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "host": settings.DATABASES["default"].get("HOST", ""),
    "broker": app.conf.broker_url,
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST,
    "email_port": settings.EMAIL_PORT,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "media_root": str(settings.MEDIA_ROOT),
}))
"""

DEPLOY_CHECK = (
    "from django.core.management import execute_from_command_line;"
    "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
)

UNSET = dict.fromkeys(("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"))
LONG_KEY = secrets.token_urlsafe(64)


def run_in(code, **env):
    """Runs code with the operator's settings module and only the given configuration variables."""
    return run_python(code, **{**UNSET, "DJANGO_SETTINGS_MODULE": "smartcity.settings.environment", **env})


def settings_in(**env):
    result = run_in(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_is_sqlite_and_the_filesystem_broker():
    values = settings_in(DEBUG="1")
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("var/db.sqlite3")
    assert values["broker"] == "filesystem://localhost//"
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"


def test_the_env_file_make_run_writes_selects_development_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=1\n")
    assert settings_in(ENV_FILE=str(env_file))["debug"] is True
    refused = run_in(PRINT_SETTINGS, ENV_FILE=str(env_file), DEBUG="0")
    assert refused.returncode != 0 and "SECRET_KEY" in refused.stderr


def test_urls_select_postgresql_redis_and_smtp():
    values = settings_in(
        DEBUG="1",
        DATABASE_URL="postgres://portal:pw@db.internal:5432/smartcity",
        REDIS_URL="redis://cache.internal:6379/2",
        EMAIL_URL="smtp+tls://mailer:pw@mail.internal:587",
        MEDIA_ROOT="/srv/smartcity/media",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["name"], values["host"]) == ("smartcity", "db.internal")
    assert values["broker"] == "redis://cache.internal:6379/2"
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["email_host"], values["email_port"]) == ("mail.internal", 587)
    assert values["media_root"] == "/srv/smartcity/media"


def test_postgresql_goes_through_psycopg2():
    result = run_in(
        "import django; django.setup();from django.db import connection; print(connection.Database.__name__)",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "psycopg2"


def manage_py(*arguments):
    code = (
        f"import runpy, sys; sys.argv = ['manage.py', *{list(arguments)!r}];"
        "runpy.run_path('manage.py', run_name='__main__')"
    )
    return run_in(code)


def test_manage_py_says_why_it_refuses_without_a_secret_key():
    result = manage_py("migrate", "--check")
    assert result.returncode == 1
    assert result.stderr.startswith("manage.py: SECRET_KEY must be set to a long random value")
    assert "set DEBUG=1" in result.stderr and "Traceback" not in result.stderr


def test_models_and_migrations_agree_checked_in_a_fresh_checkout_without_a_secret_key():
    result = manage_py("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize("key", [None, "short", "a" * 60])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    result = run_in("import django; django.setup()", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a long random value" in result.stderr


def test_production_with_a_secret_key_is_not_debug():
    values = settings_in(SECRET_KEY=LONG_KEY, ALLOWED_HOSTS="portal.example.org,www.portal.example.org")
    assert values["debug"] is False
    assert values["allowed_hosts"] == ["portal.example.org", "www.portal.example.org"]


def test_production_settings_pass_the_deployment_check_without_warnings():
    result = run_in(
        DEPLOY_CHECK,
        SECRET_KEY=LONG_KEY,
        ALLOWED_HOSTS="portal.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_development_settings_would_fail_the_deployment_check():
    # The check is real: the debug settings of `make run` do not pass it.
    result = run_in(DEPLOY_CHECK, DEBUG="1")
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on in deployment


def test_production_collectstatic_hashes_the_css_and_its_fonts(tmp_path):
    result = run_in(
        "import django; django.setup(); from django.core.management import call_command;"
        "call_command('collectstatic', '--noinput', verbosity=0)",
        SECRET_KEY=LONG_KEY,
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    [fonts_css] = tmp_path.glob("css/fonts.*.css")
    [regular] = tmp_path.glob("fonts/sarabun/Sarabun-Regular.*.ttf")
    assert f'url("../fonts/sarabun/{regular.name}")' in fonts_css.read_text()
    assert (tmp_path / "fonts/sarabun/OFL.txt").exists()
    assert (tmp_path / "vendor/bootstrap/LICENSE").exists()
