"""Login throttling per (username, client address), with a finite cool-off, and the shared cache."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import ngettext

from smartcity.auth import LoginThrottle, client_ip
from tests.smartcity.test_settings import run_in

pytestmark = pytest.mark.django_db

PASSWORD = "Rain-over-Khon-Kaen-42"
WRONG = "Rain-over-Khon-Kaen-41"
LOCKED = "Too many failed attempts to log in. Please wait 15 minutes and try again."
INVALID = "Please enter a correct email address and password. The password is case-sensitive."


@pytest.fixture
def user():
    return get_user_model().objects.create_user("malee", "malee@example.org", PASSWORD)


@pytest.fixture(autouse=True)
def three_failures(settings):
    settings.LOGIN_THROTTLE_FAILURES = 3
    settings.LOGIN_THROTTLE_WINDOW = 900
    settings.LOGIN_THROTTLE_SECONDS = 900


def attempt(client, username="malee", password=WRONG, ip="192.0.2.10", path="/accounts/login/"):
    response = client.post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)
    errors = response.context["form"].non_field_errors() if response.status_code == 200 else []
    return response.status_code, list(errors), client.session.get("_auth_user_id")


def test_the_nth_failure_locks_and_then_even_the_right_password_is_refused(english, user):
    assert attempt(english) == (200, [INVALID], None)
    assert attempt(english) == (200, [INVALID], None)
    assert attempt(english) == (200, [LOCKED], None)
    assert attempt(english, password=PASSWORD) == (200, [LOCKED], None)


def test_the_lock_is_for_the_account_whether_named_by_username_or_email(english, user):
    attempt(english, username="MALEE@example.org")
    attempt(english, username="malee")
    attempt(english, username="malee@example.org")
    assert attempt(english, username="malee", password=PASSWORD) == (200, [LOCKED], None)
    assert attempt(english, username="Malee@Example.org", password=PASSWORD) == (200, [LOCKED], None)


def test_unknown_usernames_are_counted_by_name_in_any_case(english):
    attempt(english, username="Nobody")
    attempt(english, username="nobody")
    assert attempt(english, username="NOBODY") == (200, [LOCKED], None)


def test_another_address_and_another_username_are_not_locked(english, user):
    other = get_user_model().objects.create_user("somchai", "somchai@example.org", PASSWORD)
    for _ in range(3):
        attempt(english)
    assert attempt(english, username="somchai", password=PASSWORD) == (302, [], str(other.pk))
    english.post("/accounts/logout/")
    assert attempt(english, password=PASSWORD, ip="198.51.100.7") == (302, [], str(user.pk))


def test_the_lock_ends_after_the_cool_off(english, user, settings):
    settings.LOGIN_THROTTLE_SECONDS = 2
    for _ in range(3):
        attempt(english)
    locked = "Too many failed attempts to log in. Please wait 1 minute and try again."
    assert attempt(english, password=PASSWORD) == (200, [locked], None)
    time.sleep(2.1)
    assert attempt(english, password=PASSWORD) == (302, [], str(user.pk))


def test_a_success_clears_the_count(english, user):
    attempt(english)
    attempt(english)
    assert attempt(english, password=PASSWORD) == (302, [], str(user.pk))
    english.post("/accounts/logout/")
    assert attempt(english) == (200, [INVALID], None)
    assert attempt(english) == (200, [INVALID], None)
    assert attempt(english, password=PASSWORD) == (302, [], str(user.pk))


def test_failures_outside_the_window_are_forgotten(english, user, settings):
    settings.LOGIN_THROTTLE_WINDOW = 1
    attempt(english)
    attempt(english)
    time.sleep(1.1)
    assert attempt(english) == (200, [INVALID], None)
    assert attempt(english, password=PASSWORD) == (302, [], str(user.pk))


def test_the_message_is_in_the_language_of_the_page(client, user):
    for _ in range(3):
        attempt(client)
    with translation.override("th"):
        thai = ngettext(
            "Too many failed attempts to log in. Please wait %(minutes)d minute and try again.",
            "Too many failed attempts to log in. Please wait %(minutes)d minutes and try again.",
            15,
        ) % {"minutes": 15}
    assert attempt(client, password=PASSWORD) == (200, [thai], None)


def test_the_admin_login_is_throttled_too(english, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    for _ in range(3):
        attempt(english, path="/admin/login/")
    assert attempt(english, password=PASSWORD, path="/admin/login/") == (200, [LOCKED], None)
    # The lock is the same for the portal's login form.
    assert attempt(english, password=PASSWORD) == (200, [LOCKED], None)


def test_seconds_left_counts_down_to_zero(settings):
    throttle = LoginThrottle("malee", "192.0.2.10")
    now = time.time()
    for _ in range(3):
        throttle.record_failure(now=now)
    assert throttle.seconds_left(now=now) == 900
    assert throttle.seconds_left(now=now + 899.5) == 1
    assert throttle.seconds_left(now=now + 900) == 0
    throttle.clear()
    assert throttle.seconds_left(now=now) == 0


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "192.0.2.1"),  # no trusted proxy: the header is the client's to forge
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "10.9.9.9, 203.0.113.9", "203.0.113.9"),  # the left entry was written by the client
        (2, "10.9.9.9, 203.0.113.9, 172.16.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "192.0.2.1"),  # fewer entries than proxies: not from our proxies
    ],
)
def test_client_address_behind_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


PRINT_CACHE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({k: str(v) for k, v in settings.CACHES["default"].items()}))
"""


def cache_settings(**env):
    import json

    result = run_in(PRINT_CACHE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_cache_is_redis_when_redis_url_is_set_and_files_otherwise():
    from tests.conftest import PROJECT_DIR

    assert cache_settings(DEBUG="1") == {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(PROJECT_DIR / "var" / "cache"),
        "KEY_PREFIX": "smartcity",
    }
    assert cache_settings(DEBUG="1", REDIS_URL="redis://cache.example:6379/2") == {
        "BACKEND": "smartcity.cache.RedisCache",
        "LOCATION": "redis://cache.example:6379/2",
        "KEY_PREFIX": "smartcity",
    }
