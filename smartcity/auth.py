"""Logging in: with the username or the email address, and throttled per (username, client address).

After ``LOGIN_THROTTLE_FAILURES`` failed attempts for the same lower-cased username from the same
address within ``LOGIN_THROTTLE_WINDOW`` seconds, that pair is refused for ``LOGIN_THROTTLE_SECONDS``
— even with the right password — and the form says how long to wait. A successful login clears the
count. Counters live in Django's cache, which every web process shares (Redis or files, see settings).
"""

import hashlib
import math
import time

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .mail import render_bilingual


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


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT proxies saw, taken from
    the right of X-Forwarded-For (entries further left are written by the client and not trusted)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class LoginThrottle:
    """The failure count and the lock of one (username, client address) pair."""

    def __init__(self, username, ip):
        digest = hashlib.sha256(f"{username.strip().lower()}\n{ip}".encode()).hexdigest()
        self.count_key = f"login-throttle:count:{digest}"
        self.start_key = f"login-throttle:start:{digest}"
        self.lock_key = f"login-throttle:lock:{digest}"

    @classmethod
    def for_request(cls, request, username):
        return cls(username, client_ip(request) if request is not None else "")

    def seconds_left(self, now=None):
        """Seconds until the lock ends; 0 when the pair is not locked."""
        locked_until = cache.get(self.lock_key)
        if locked_until is None:
            return 0
        return max(0, math.ceil(locked_until - (now or time.time())))

    def record_failure(self, now=None):
        now = now or time.time()
        window = settings.LOGIN_THROTTLE_WINDOW
        cache.add(self.start_key, now, timeout=window)
        cache.add(self.count_key, 0, timeout=window)
        try:
            failures = cache.incr(self.count_key)
        except ValueError:  # expired between add and incr
            cache.set(self.count_key, 1, timeout=window)
            failures = 1
        # The file cache's incr rewrites the entry with the default timeout; keep the window's end.
        started = cache.get(self.start_key, now)
        cache.touch(self.count_key, timeout=max(1, math.ceil(started + window - now)))
        if failures >= settings.LOGIN_THROTTLE_FAILURES:
            cool_off = settings.LOGIN_THROTTLE_SECONDS
            cache.set(self.lock_key, now + cool_off, timeout=cool_off)
            cache.delete_many([self.count_key, self.start_key])

    def clear(self):
        cache.delete_many([self.count_key, self.start_key, self.lock_key])


class ThrottledLoginMixin:
    """For Django's authentication forms: refuses a locked pair before checking the password, counts
    failures and clears the count on success."""

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
        throttle = LoginThrottle.for_request(self.request, username_for_login(username.strip()))
        seconds = throttle.seconds_left()
        if seconds:
            raise self.locked_error(seconds)
        try:
            cleaned_data = super().clean()
        except forms.ValidationError:
            if self.is_unconfirmed(username, password):
                raise forms.ValidationError(self.error_messages["unconfirmed"], code="unconfirmed") from None
            throttle.record_failure()
            seconds = throttle.seconds_left()
            if seconds:
                raise self.locked_error(seconds) from None
            raise
        throttle.clear()
        return cleaned_data

    @staticmethod
    def locked_error(seconds):
        minutes = math.ceil(seconds / 60)
        return forms.ValidationError(
            ngettext(
                "Too many failed attempts to log in. Please wait %(minutes)d minute and try again.",
                "Too many failed attempts to log in. Please wait %(minutes)d minutes and try again.",
                minutes,
            ),
            code="throttled",
            params={"minutes": minutes},
        )

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


class BilingualPasswordResetForm(PasswordResetForm):
    """Django's password reset, its mail in Thai and English like the portal's other mail."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject, body = render_bilingual(subject_template_name, email_template_name, context)
        EmailMessage(subject, body, from_email, [to_email]).send()
