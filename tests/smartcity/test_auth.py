"""Login throttling per (username, client address), per address, per account and per browser, with finite
cool-offs that an attacker cannot turn against a real user, and the shared cache."""

import logging
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
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
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 8
    settings.LOGIN_THROTTLE_ACCOUNT_FAILURES = 6
    settings.LOGIN_THROTTLE_ACCOUNT_SECONDS = 300


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


# --- Per address across accounts, per account across addresses, and the browsers that logged in before

COOLING = (
    "There have been many failed attempts to log in to this account. Please wait 5 minutes, or reset your "
    "password by email (“Forgotten your password?” below) to log in at once."
)


def test_one_address_trying_many_usernames_is_locked(english, user):
    """The probe's case: one address tried 40 usernames and was never locked."""
    results = [attempt(english, username=f"name{number}")[1] for number in range(40)]
    assert results[:7] == [[INVALID]] * 7
    assert results[7:] == [[LOCKED]] * 33  # the 8th failure from the address locked it, for any name
    assert attempt(english, password=PASSWORD) == (200, [LOCKED], None)
    # Another address is not concerned.
    assert attempt(english, password=PASSWORD, ip="198.51.100.7") == (302, [], str(user.pk))


def test_one_account_guessed_from_many_addresses_cools_down(english, user):
    """The probe's case: one account took 32 guesses from 8 addresses without a lock."""
    results = [attempt(english, ip=f"203.0.113.{number % 8}")[1] for number in range(32)]
    assert results[:5] == [[INVALID]] * 5
    assert results[5:] == [[COOLING]] * 27
    # The right password from a browser new to the account waits, and is told of the reset mail.
    assert attempt(english, password=PASSWORD, ip="198.51.100.7") == (200, [COOLING], None)


def test_the_account_cool_down_is_short(english, user, settings):
    settings.LOGIN_THROTTLE_ACCOUNT_SECONDS = 2
    for number in range(6):
        attempt(english, ip=f"203.0.113.{number}")
    cooling = COOLING.replace("5 minutes", "1 minute")
    assert attempt(english, password=PASSWORD, ip="198.51.100.7") == (200, [cooling], None)
    time.sleep(2.1)
    assert attempt(english, password=PASSWORD, ip="198.51.100.7") == (302, [], str(user.pk))


def stranger():
    """Another browser, reading English."""
    client = Client()
    client.cookies["language"] = "en"
    return client


def logged_in_once(client, ip="192.0.2.50"):
    """The owner's own browser: it has logged in to the account before (and logged out)."""
    assert attempt(client, password=PASSWORD, ip=ip)[0] == 302
    client.post("/accounts/logout/")
    return client


def test_the_owners_browser_logs_in_whatever_attackers_do(english, user, settings):
    owner = logged_in_once(english)
    attacker = stranger()
    for number in range(40):  # from many addresses, and from the owner's own address too
        attempt(attacker, ip=f"203.0.113.{number % 8}")
        attempt(attacker, ip="192.0.2.50")
    assert attempt(attacker, password=PASSWORD, ip="192.0.2.50")[1] in ([LOCKED], [COOLING])
    assert attempt(owner, password=PASSWORD, ip="192.0.2.50") == (302, [], str(user.pk))


def test_the_owners_browser_has_its_own_count(english, user):
    owner = logged_in_once(english)
    assert attempt(owner) == (200, [INVALID], None)
    assert attempt(owner) == (200, [INVALID], None)
    assert attempt(owner) == (200, [LOCKED], None)
    assert attempt(owner, password=PASSWORD) == (200, [LOCKED], None)


def test_a_browser_remembered_for_another_account_or_a_forged_cookie_is_not_trusted(english, user):
    other = get_user_model().objects.create_user("somchai", "somchai@example.org", PASSWORD)
    assert attempt(english, username="somchai", password=PASSWORD)[2] == str(other.pk)
    english.post("/accounts/logout/")
    for number in range(6):
        attempt(stranger(), ip=f"203.0.113.{number}")
    assert attempt(english, password=PASSWORD, ip="198.51.100.7") == (200, [COOLING], None)
    english.cookies["login_device"] = "forged:value"
    assert attempt(english, password=PASSWORD, ip="198.51.100.7") == (200, [COOLING], None)


RESET_LINK = re.compile(r"http://testserver(/accounts/reset/\S+)")


def test_the_reset_mail_logs_in_at_once_and_ends_the_cool_down(english, user):
    from django.core import mail

    for number in range(6):
        attempt(stranger(), ip=f"203.0.113.{number}")
    assert attempt(english, password=PASSWORD)[1] == [COOLING]
    english.post("/accounts/password_reset/", {"email": "malee@example.org"})
    form_page = english.get(RESET_LINK.search(mail.outbox[-1].body).group(1), follow=True)
    new_password = "Monsoon-in-Nan-2567"
    response = english.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response["Location"] == "/accounts/reset/done/"
    assert english.session["_auth_user_id"] == str(user.pk)  # logged in by the link
    english.post("/accounts/logout/")
    # The cool-down is over, for any browser.
    assert attempt(stranger(), password=new_password, ip="198.51.100.9")[0] == 302


def test_untrusted_forwarded_for_is_ignored_and_reported_once(english, user, caplog, settings):
    """Behind a proxy nobody declared (TRUSTED_PROXY_COUNT=0) every user comes from the proxy's address:
    the header is still not believed (a client may write it), the operator is told, and the owner's own
    browser still logs in however the attackers behind the same proxy fail."""
    import smartcity.auth

    smartcity.auth._warned_about_proxies = False
    owner = logged_in_once(english, ip="10.0.0.1")
    attacker = stranger()
    with caplog.at_level(logging.WARNING, logger="smartcity.auth"):
        for number in range(40):
            attacker.post(
                "/accounts/login/",
                {"username": "malee" if number % 2 else f"name{number}", "password": WRONG},
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
            )
    warnings = [r.getMessage() for r in caplog.records if "TRUSTED_PROXY_COUNT" in r.getMessage()]
    assert len(warnings) == 1
    assert attempt(stranger(), password=PASSWORD, ip="10.0.0.1")[1] in ([LOCKED], [COOLING])
    response = owner.post(
        "/accounts/login/", {"username": "malee", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.3",
    )  # fmt: skip
    assert response.status_code == 302


def test_behind_a_declared_proxy_each_client_has_its_own_address(english, user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = stranger()
    for _ in range(3):
        attacker.post(
            "/accounts/login/", {"username": "malee", "password": WRONG}, REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )  # fmt: skip
    locked = attacker.post(
        "/accounts/login/", {"username": "malee", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.66",
    )  # fmt: skip
    assert list(locked.context["form"].non_field_errors()) == [LOCKED]
    # The owner, behind the same proxy at another address, is not locked by the attacker's failures.
    response = english.post(
        "/accounts/login/", {"username": "malee", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.3",
    )  # fmt: skip
    assert response.status_code == 302
