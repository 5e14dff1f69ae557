"""Signing up with email confirmation, logging in with the username or the email, password reset."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from cities.services import SIGNUP_SALT

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "Rain-over-Khon-Kaen-42"
LINK = re.compile(r"http://testserver(/\S+)")


def signup(client, email="Somchai.J@Example.org", password=PASSWORD, password2=None, name="สมชาย ใจดี"):
    return client.post(
        "/accounts/signup/",
        {"name": name, "email": email, "password1": password, "password2": password2 or password},
    )


def users():
    return sorted(User.objects.values_list("username", "email", "first_name", "is_active"))


def thai_and_english(text):
    """A mail subject: the Thai translation, then the English (once only while untranslated)."""
    with translation.override("th"):
        thai = gettext(text)
    return text if thai == text else f"{thai} / {text}"


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def signed_up(english, django_capture_on_commit_callbacks):
    """A sign-up through the form; returns the confirmation path from the mail."""
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(english)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/done/"
    assert len(mail.outbox) == 1
    paths = LINK.findall(mail.outbox[0].body)
    assert len(set(paths)) == 1
    return paths[0]


def test_signup_creates_an_inactive_account_and_sends_one_bilingual_mail(signed_up):
    assert users() == [("somchai.j@example.org", "somchai.j@example.org", "สมชาย ใจดี", False)]
    message = mail.outbox[0]
    assert message.to == ["somchai.j@example.org"]
    assert message.from_email == "Smart City Thailand <noreply@localhost>"
    assert message.subject == thai_and_english(
        "Confirm your email address for the Smart City Thailand portal"
    )
    # Thai first, then English; both carry the same link.
    thai, english_part = message.body.split("—" * 40)
    assert signed_up in thai
    assert signed_up in english_part
    assert "Dear สมชาย ใจดี," in english_part
    assert "The link is valid for 3 days." in english_part
    assert re.fullmatch(r"/accounts/confirm/[\w:-]+/", signed_up)


def test_the_done_page_names_the_address(english, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(english, email="Somchai.J@Example.org")
    html = english.get(response["Location"]).content.decode()
    assert "We have sent a confirmation link to somchai.j@example.org." in html


def test_the_link_activates_the_account_and_logs_in(english, signed_up):
    response = english.get(signed_up)
    assert response.status_code == 302
    assert response["Location"] == "/apply/"
    user = User.objects.get()
    assert user.is_active is True
    assert logged_in_user_id(english) == str(user.pk)
    html = english.get("/apply/").content.decode()
    assert "Your email address is confirmed." in html
    assert "Create an organisation" in html  # a new applicant's next step


def test_the_link_works_once(english, signed_up):
    english.get(signed_up)
    english.post("/accounts/logout/")
    response = english.get(signed_up)
    assert response.status_code == 400
    assert "This email address has already been confirmed. Please log in." in response.content.decode()
    assert logged_in_user_id(english) is None


def test_an_unconfirmed_account_cannot_log_in(english, signed_up):
    response = english.post("/accounts/login/", {"username": "somchai.j@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "This account is not confirmed yet." in response.content.decode()
    assert logged_in_user_id(english) is None
    assert User.objects.get().is_active is False


def test_a_tampered_link_changes_nothing(english, signed_up):
    before = users()
    token = signed_up.split("/")[3]
    flipped = ("B" if token[0] == "A" else "A") + token[1:]  # a changed payload
    user = User.objects.get()
    other_salt = signing.TimestampSigner(salt="another").sign_object({"user": user.pk, "email": user.email})
    for bad in (flipped, other_salt, "nonsense"):
        response = english.get(f"/accounts/confirm/{bad}/")
        assert response.status_code == 400
        assert "This confirmation link is not valid." in response.content.decode()
    assert users() == before
    assert logged_in_user_id(english) is None


def test_an_expired_link_changes_nothing(english):
    user = User.objects.create_user("late@example.org", "late@example.org", PASSWORD, is_active=False)

    class FourDaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 4 * 24 * 3600)

    token = FourDaysAgo(salt=SIGNUP_SALT).sign_object({"user": user.pk, "email": user.email})
    response = english.get(f"/accounts/confirm/{token}/")
    assert response.status_code == 400
    assert "This confirmation link has expired. Please sign up again." in response.content.decode()
    user.refresh_from_db()
    assert user.is_active is False
    assert logged_in_user_id(english) is None


def test_a_used_email_gets_the_same_page_and_a_mail_saying_so(english, django_capture_on_commit_callbacks):
    """The sign-up form does not tell anyone who has an account (staff included): the page is the one a
    new address gets, and the mail to the address says the account exists."""
    User.objects.create_user("somchai", "somchai.j@example.org", PASSWORD, is_staff=True)
    before = users()
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(english, email="SOMCHAI.J@example.ORG")
    assert (response.status_code, response["Location"]) == (302, "/accounts/signup/done/")
    assert users() == before
    assert [message.to for message in mail.outbox] == [["somchai.j@example.org"]]
    message = mail.outbox[0]
    assert message.subject == thai_and_english(
        "You already have an account on the Smart City Thailand portal"
    )
    assert "http://testserver/accounts/login/" in message.body
    assert "http://testserver/accounts/password_reset/" in message.body
    done = english.get(response["Location"]).content.decode()
    assert "We have sent a confirmation link to somchai.j@example.org." in done


def test_the_answer_for_a_used_email_is_the_answer_for_a_new_one(english, django_capture_on_commit_callbacks):
    User.objects.create_user("somchai", "somchai.j@example.org", PASSWORD)
    used = signup(english, email="somchai.j@example.org")
    fresh = signup(english, email="new.person@example.org")
    assert (used.status_code, used["Location"]) == (fresh.status_code, fresh["Location"])
    assert english.get(used["Location"]).status_code == english.get(fresh["Location"]).status_code == 200


def test_an_unconfirmed_signup_gets_its_link_again_until_it_expires(
    english, signed_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(english, name="สมชาย อีกครั้ง")
    assert response.status_code == 302
    assert users() == [("somchai.j@example.org", "somchai.j@example.org", "สมชาย ใจดี", False)]
    assert len(mail.outbox) == 2  # the first link, and a fresh one for the same account
    assert LINK.findall(mail.outbox[1].body)[0].startswith("/accounts/confirm/")
    User.objects.update(date_joined=timezone.now() - timedelta(days=4))
    old_pk = User.objects.get().pk
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(english, name="สมชาย ใหม่")
    assert response.status_code == 302
    assert users() == [("somchai.j@example.org", "somchai.j@example.org", "สมชาย ใหม่", False)]
    assert User.objects.get().pk != old_pk
    assert len(mail.outbox) == 3


def test_sign_up_mail_to_one_address_is_limited(english, settings, django_capture_on_commit_callbacks):
    settings.ACCOUNT_MAILS_PER_ADDRESS = 3
    User.objects.create_user("somchai", "somchai.j@example.org", PASSWORD)
    for _ in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            assert signup(english, email="somchai.j@example.org").status_code == 302
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password2": "Something-else-42"}, "password2", "The two passwords differ."),
        ({"password": "password", "password2": "password"}, "password1", "This password is too common."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_input_shows_an_error_and_creates_nothing(english, data, field, message):
    response = signup(english, **data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert users() == []
    assert mail.outbox == []


def test_signup_needs_csrf(django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    assert signup(client).status_code == 403
    assert users() == []
    client.get("/accounts/signup/")
    token = client.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "name": "สมชาย ใจดี",
                "email": "somchai.j@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "csrfmiddlewaretoken": token,
            },
        )
    assert response["Location"] == "/accounts/signup/done/"
    assert users() == [("somchai.j@example.org", "somchai.j@example.org", "สมชาย ใจดี", False)]


@pytest.mark.parametrize("login", ["malee", "Malee@Example.org", "malee@example.org"])
def test_login_accepts_the_username_or_the_email(client, login):
    user = User.objects.create_user("malee", "malee@example.org", PASSWORD)
    response = client.post("/accounts/login/", {"username": login, "password": PASSWORD})
    assert response["Location"] == "/apply/"
    assert logged_in_user_id(client) == str(user.pk)


def test_an_email_shared_by_two_accounts_does_not_log_in(english):
    User.objects.create_user("malee1", "malee@example.org", PASSWORD)
    User.objects.create_user("malee2", "Malee@example.org", PASSWORD)
    response = english.post("/accounts/login/", {"username": "malee@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Please enter a correct email address and password." in response.content.decode()
    assert logged_in_user_id(english) is None


def test_password_reset_mail_sets_a_new_password(english):
    user = User.objects.create_user("malee", "malee@example.org", PASSWORD)
    response = english.post("/accounts/password_reset/", {"email": "Malee@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["malee@example.org"]
    assert message.subject == thai_and_english("Reset your password for the Smart City Thailand portal")
    paths = set(LINK.findall(message.body))
    assert len(paths) == 1
    assert message.body.count("—" * 40) == 1

    form_page = english.get(paths.pop(), follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    response = english.post(
        set_password_url, {"new_password1": "Monsoon-in-Nan-2567", "new_password2": "Monsoon-in-Nan-2567"}
    )
    assert response["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password("Monsoon-in-Nan-2567")
    assert english.login(username="malee", password="Monsoon-in-Nan-2567")
    # The link was for one use.
    assert english.get(set_password_url).context["validlink"] is False


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(english):
    response = english.post("/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True)
    assert response.redirect_chain == [("/accounts/password_reset/done/", 302)]
    assert "If an account has this email address" in response.content.decode()
    assert mail.outbox == []


def test_password_reset_mails_to_one_address_are_limited_and_the_page_says_the_same(english, settings):
    settings.ACCOUNT_MAILS_PER_ADDRESS = 3
    User.objects.create_user("malee", "malee@example.org", PASSWORD)
    for number in range(30):
        response = english.post(
            "/accounts/password_reset/", {"email": "malee@example.org"}, REMOTE_ADDR=f"192.0.2.{number}"
        )
        assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 3


def test_password_reset_requests_from_one_address_are_limited(english, settings):
    settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS = 5
    for number in range(5):
        response = english.post("/accounts/password_reset/", {"email": f"person{number}@example.org"})
        assert response.status_code == 302
    response = english.post("/accounts/password_reset/", {"email": "another@example.org"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Too many password reset requests from your address. Please wait 60 minutes and try again."
    ]
    # Another address is not held back.
    response = english.post(
        "/accounts/password_reset/", {"email": "another@example.org"}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302


def test_account_pages_are_in_thai_by_default(client):
    html = client.get("/accounts/password_reset/").content.decode()
    assert re.search(r'for="id_email"[^>]*>\s*อีเมล<', html)  # "Email", from Django's own Thai translation
    assert 'name="csrfmiddlewaretoken"' in html


# --- Sending the confirmation link again


def resend(client, email, ip="192.0.2.20"):
    return client.post("/accounts/signup/resend/", {"email": email}, REMOTE_ADDR=ip, follow=True)


def test_the_confirmation_link_is_sent_again_and_works(client):
    signup(client)
    mail.outbox.clear()
    response = resend(client, "SOMCHAI.J@example.org")
    assert "หากมีบัญชีของอีเมลนี้ที่รอการยืนยัน" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["somchai.j@example.org"]
    client.get(LINK.search(message.body).group(1))
    assert User.objects.get(username="somchai.j@example.org").is_active


@pytest.mark.parametrize("case", ["no account", "already confirmed", "expired sign-up", "staff"])
def test_resending_says_the_same_and_sends_nothing_when_no_account_waits(client, case):
    if case == "already confirmed":
        User.objects.create_user("somchai.j@example.org", "somchai.j@example.org", PASSWORD)
    elif case == "expired sign-up":
        signup(client)
        User.objects.update(date_joined=timezone.now() - timedelta(days=4))
    elif case == "staff":
        User.objects.create_user("staff", "somchai.j@example.org", PASSWORD, is_active=False, is_staff=True)
    mail.outbox.clear()
    response = resend(client, "somchai.j@example.org")
    assert response.status_code == 200
    assert "หากมีบัญชีของอีเมลนี้ที่รอการยืนยัน" in response.content.decode()
    assert mail.outbox == []


def test_resending_is_limited_per_address_and_per_client(client, settings):
    settings.SIGNUP_RESEND_PER_ADDRESS, settings.SIGNUP_RESEND_PER_CLIENT = 2, 3
    signup(client)
    mail.outbox.clear()
    assert [resend(client, "somchai.j@example.org").status_code for _ in range(3)] == [200, 200, 429]
    assert len(mail.outbox) == 2
    # Another client is limited by the address all the same; a third address from the first client by
    # the client's own count (3 requests already).
    assert resend(client, "somchai.j@example.org", ip="192.0.2.99").status_code == 429
    assert resend(client, "other@example.org").status_code == 429
    assert "โปรดรอหนึ่งชั่วโมง" in resend(client, "other@example.org").content.decode()
    assert len(mail.outbox) == 2


def test_the_login_page_asks_for_the_email_and_links_the_resend_page(client):
    html = client.get("/accounts/login/").content.decode()
    assert "ที่อยู่อีเมล" in html and 'inputmode="email"' in html
    assert 'href="/accounts/signup/resend/"' in html
