import math

from django import forms
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from cities import freshness
from cities.enums import Domain, OrganisationType

from .auth import (
    AccountThrottle,
    BilingualPasswordResetForm,
    LoginThrottle,
    client_ip,
    reset_request_throttle,
)
from .health import run_checks
from .pagecache import cached_public_page


@method_decorator(cached_public_page(version=freshness.version), name="get")
class HomeView(TemplateView):
    """The home page, with the serial lookup box; anonymous visitors share one rendering of it."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            domains=Domain.choices, organisation_types=OrganisationType.choices, **kwargs
        )


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker both answer; 503 naming the part that does not."""
    checks = run_checks()
    failing = [name for name, result in checks.items() if result != "ok"]
    return JsonResponse(
        {"status": "ok" if not failing else "error", "failing": failing, "checks": checks},
        status=503 if failing else 200,
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, at most PASSWORD_RESET_REQUESTS_PER_ADDRESS requests from one client
    address within ACCOUNT_MAIL_WINDOW (each recipient also gets at most ACCOUNT_MAILS_PER_ADDRESS
    mails: BilingualPasswordResetForm)."""

    form_class = BilingualPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        throttle = reset_request_throttle(self.request)
        if seconds := throttle.seconds_left():
            minutes = math.ceil(seconds / 60)
            message = ngettext(
                "Too many password reset requests from your address. Please wait %(minutes)d minute and "
                "try again.",
                "Too many password reset requests from your address. Please wait %(minutes)d minutes and "
                "try again.",
                minutes,
            )
            form.add_error(
                None, forms.ValidationError(message, code="throttled", params={"minutes": minutes})
            )
            return self.form_invalid(form)
        throttle.record()
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, logging the owner in once the new password is set: the link proves the mailbox, so it
    also ends the account's login cool-down and this address's lock on it (smartcity.auth)."""

    post_reset_login = True
    post_reset_login_backend = "smartcity.auth.EmailOrUsernameBackend"

    def form_valid(self, form):
        username = form.user.get_username()
        AccountThrottle(username).clear()
        LoginThrottle(username, client_ip(self.request)).clear()
        return super().form_valid(form)
