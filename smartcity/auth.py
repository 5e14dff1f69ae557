"""Logging in: with the username or the email address, throttled so that guessing is slow and so that an
attacker cannot keep a real user out.

Four counters, in Django's cache (shared by every web process), each within ``LOGIN_THROTTLE_WINDOW``:

- **pair** (account, client address): ``LOGIN_THROTTLE_FAILURES`` failures lock that pair for
  ``LOGIN_THROTTLE_SECONDS`` — the right password included;
- **address** (any account, one client address): ``LOGIN_THROTTLE_ADDRESS_FAILURES`` failures lock the
  address for ``LOGIN_THROTTLE_SECONDS``: one address cannot try password after password on many names;
- **account** (one account, any address): ``LOGIN_THROTTLE_ACCOUNT_FAILURES`` failures give the account a
  short cool-down (``LOGIN_THROTTLE_ACCOUNT_SECONDS``): many addresses cannot share the guessing of one
  password;
- **device**: a browser that has logged in to an account before carries a signed cookie naming it. Its
  attempts on that account are counted on their own (``LOGIN_THROTTLE_FAILURES`` lock the device for
  ``LOGIN_THROTTLE_SECONDS``) and pass the three locks above, so whatever an attacker does from elsewhere,
  the owner's own browser still logs in.

A browser new to the account that meets the cool-down is offered the password reset: the mailed link logs
its owner in and ends the cool-down. A successful login clears the pair's and the device's counts.
Usernames that do not exist are counted the same way, so that the answers say nothing about which exist.
"""

import logging
import math
import secrets

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .mail import account_mail_throttle, render_bilingual, send_mail_message
from .throttle import Throttle

logger = logging.getLogger(__name__)

DEVICE_COOKIE = "login_device"
DEVICE_SALT = "smartcity.auth.login-device"
# The accounts a browser remembers having logged in to (a shared computer in a municipal office).
DEVICE_ACCOUNTS = 8


class EmailOrUsernameBackend(ModelBackend):
    """Django's model backend, also accepting the email address (any case) in place of the username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            username = username_for_login(username)
        return super().authenticate(request, username=username, password=password, **kwargs)


def username_for_login(login):
    """The username a login name stands for: itself when it is a username, else the username of the
    one account with that email address (any case); unchanged when none or several match."""
    User = get_user_model()
    manager = User._default_manager
    if manager.filter(**{User.USERNAME_FIELD: login}).exists():
        return login
    matches = list(manager.filter(email__iexact=login).values_list(User.USERNAME_FIELD, flat=True)[:2])
    return matches[0] if len(matches) == 1 else login


_warned_about_proxies = False


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT proxies saw, taken from
    the right of X-Forwarded-For (entries further left are written by the client and not trusted).

    A request that carries X-Forwarded-For while no proxy is trusted most likely came through a proxy
    nobody told us about: every client then shares the proxy's address, and the address locks become
    one lock for everybody. That is said once per process in the log, for the operator to set
    TRUSTED_PROXY_COUNT; the header itself is never believed without it (a client may write it)."""
    global _warned_about_proxies
    proxies = settings.TRUSTED_PROXY_COUNT
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0:
        forwarded = [part.strip() for part in header.split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    elif header and not _warned_about_proxies:
        _warned_about_proxies = True
        logger.warning(
            "A request came with X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: behind a proxy, set "
            "TRUSTED_PROXY_COUNT to the number of proxies, or every user shares one address for login "
            "throttling."
        )
    return request.META.get("REMOTE_ADDR", "")


def _window():
    return settings.LOGIN_THROTTLE_WINDOW


class LoginThrottle(Throttle):
    """The failure count and the lock of one (username, client address) pair."""

    code = "throttled"

    def __init__(self, username, ip):
        super().__init__(
            "login-pair",
            f"{username.strip().lower()}\n{ip}",
            limit=settings.LOGIN_THROTTLE_FAILURES,
            window=_window(),
            lock_seconds=settings.LOGIN_THROTTLE_SECONDS,
        )

    @classmethod
    def for_request(cls, request, username):
        return cls(username, client_ip(request) if request is not None else "")

    def record_failure(self, now=None):
        return self.record(now)


class AddressThrottle(Throttle):
    """Failures from one client address, whatever the account."""

    code = "throttled"

    def __init__(self, ip):
        super().__init__(
            "login-address",
            ip,
            limit=settings.LOGIN_THROTTLE_ADDRESS_FAILURES,
            window=_window(),
            lock_seconds=settings.LOGIN_THROTTLE_SECONDS,
        )


class AccountThrottle(Throttle):
    """Failures on one account from browsers new to it, whatever their address."""

    code = "account_cooling"

    def __init__(self, username):
        super().__init__(
            "login-account",
            username.strip().lower(),
            limit=settings.LOGIN_THROTTLE_ACCOUNT_FAILURES,
            window=_window(),
            lock_seconds=settings.LOGIN_THROTTLE_ACCOUNT_SECONDS,
        )


class DeviceThrottle(Throttle):
    """Failures on one account from one browser that has logged in to it before."""

    code = "throttled"

    def __init__(self, device, username):
        super().__init__(
            "login-device",
            f"{device}\n{username.strip().lower()}",
            limit=settings.LOGIN_THROTTLE_FAILURES,
            window=_window(),
            lock_seconds=settings.LOGIN_THROTTLE_SECONDS,
        )


# --- The device cookie: {"device": random id, "accounts": [lower-cased usernames]}, signed.


def _device_of(request):
    value = request.COOKIES.get(DEVICE_COOKIE) if request is not None else None
    if not value:
        return None
    try:
        data = signing.loads(value, salt=DEVICE_SALT, max_age=settings.LOGIN_DEVICE_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("device"), str):
        return None
    accounts = data.get("accounts")
    return {"device": data["device"], "accounts": accounts if isinstance(accounts, list) else []}


def trusted_device(request, username):
    """The id of the request's browser when it has logged in to this account before, else None."""
    device = _device_of(request)
    if device and username.strip().lower() in device["accounts"]:
        return device["device"]
    return None


def remember_device(request, username):
    """Marks the browser as one that has logged in to the account; LoginDeviceMiddleware writes the
    cookie on the response."""
    device = _device_of(request) or {"device": secrets.token_urlsafe(18), "accounts": []}
    name = username.strip().lower()
    accounts = [name, *(a for a in device["accounts"] if a != name)][:DEVICE_ACCOUNTS]
    request.login_device_cookie = signing.dumps(
        {"device": device["device"], "accounts": accounts}, salt=DEVICE_SALT, compress=True
    )


@receiver(user_logged_in)
def _remember_device_on_login(sender, request, user, **kwargs):
    """Every way in (the login forms, a confirmed sign-up, a password reset) proves the browser."""
    if request is not None:
        remember_device(request, user.get_username())


class LoginDeviceMiddleware:
    """Writes the device cookie that remember_device prepared."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        value = getattr(request, "login_device_cookie", None)
        if value:
            response.set_cookie(
                DEVICE_COOKIE,
                value,
                max_age=settings.LOGIN_DEVICE_DAYS * 24 * 3600,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def throttles_for(request, username):
    """(the throttles an attempt on this account from this request must pass, the ones that clear on
    success)."""
    device = trusted_device(request, username)
    if device:
        own = DeviceThrottle(device, username)
        return [own], [own]
    ip = client_ip(request) if request is not None else ""
    pair = LoginThrottle(username, ip)
    return [AddressThrottle(ip), pair, AccountThrottle(username)], [pair]


class ThrottledLoginMixin:
    """For Django's authentication forms: refuses a locked account, address or device before checking
    the password, counts failures and clears the counts of the pair and the device on success."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "unconfirmed": _(
            "This account is not confirmed yet. Please open the link in the email we sent you when you "
            "signed up."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()
        # Keyed on the account's username, so that the email address does not buy more attempts.
        account = username_for_login(username.strip())
        checked, cleared = throttles_for(self.request, account)
        self.raise_if_locked(checked)
        try:
            cleaned_data = super().clean()
        except forms.ValidationError:
            if self.is_unconfirmed(username, password):
                raise forms.ValidationError(self.error_messages["unconfirmed"], code="unconfirmed") from None
            for throttle in checked:
                throttle.record()
            self.raise_if_locked(checked)
            raise
        for throttle in cleared:
            throttle.clear()
        return cleaned_data

    def raise_if_locked(self, throttles):
        for throttle in throttles:
            if seconds := throttle.seconds_left():
                raise self.locked_error(seconds, throttle.code)

    @staticmethod
    def locked_error(seconds, code="throttled"):
        minutes = math.ceil(seconds / 60)
        if code == "account_cooling":
            message = ngettext(
                "There have been many failed attempts to log in to this account. Please wait %(minutes)d "
                "minute, or reset your password by email (“Forgotten your password?” below) to log in at "
                "once.",
                "There have been many failed attempts to log in to this account. Please wait %(minutes)d "
                "minutes, or reset your password by email (“Forgotten your password?” below) to log in at "
                "once.",
                minutes,
            )
        else:
            message = ngettext(
                "Too many failed attempts to log in. Please wait %(minutes)d minute and try again.",
                "Too many failed attempts to log in. Please wait %(minutes)d minutes and try again.",
                minutes,
            )
        return forms.ValidationError(message, code=code, params={"minutes": minutes})

    @staticmethod
    def is_unconfirmed(username, password):
        """The right password for an account that has never been activated (sign-up not confirmed).
        Saying so reveals nothing to someone who does not know the password."""
        User = get_user_model()
        user = (
            User._default_manager.filter(**{User.USERNAME_FIELD: username_for_login(username)})
            .filter(is_active=False, last_login=None)
            .first()
        )
        return user is not None and user.check_password(password)


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """The portal's login: people sign in with the e-mail address they signed up with (the backend
    still takes a username, for the staff and the demo accounts)."""

    error_messages = {
        **ThrottledLoginMixin.error_messages,
        "invalid_login": _(
            "Please enter a correct email address and password. The password is case-sensitive."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("Email address")
        field.widget.attrs.update({"autocomplete": "username", "inputmode": "email", "spellcheck": "false"})


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    error_messages = {**ThrottledLoginMixin.error_messages, **AdminAuthenticationForm.error_messages}


def reset_request_throttle(request):
    """Password reset requests from one client address."""
    return Throttle(
        "reset-request",
        client_ip(request),
        limit=settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS,
        window=settings.ACCOUNT_MAIL_WINDOW,
        lock_seconds=settings.ACCOUNT_MAIL_WINDOW,
    )


class BilingualPasswordResetForm(PasswordResetForm):
    """Django's password reset, its mail in Thai and English like the portal's other mail, and at most
    ``ACCOUNT_MAILS_PER_ADDRESS`` account mails to one address within ``ACCOUNT_MAIL_WINDOW``: asking
    again and again fills nobody's mailbox. The page says the same whether a mail went or not."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        throttle = account_mail_throttle(to_email)
        if throttle.seconds_left():
            logger.info("smartcity.password_reset.mail_withheld (too many to one address)")
            return
        subject, body = render_bilingual(subject_template_name, email_template_name, context)
        send_mail_message(subject, body, [to_email], from_email=from_email)
        throttle.record()
