from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmartCityConfig(AppConfig):
    """The project itself: health check, Buddhist Era dates and their template filters, shared pages."""

    name = "smartcity"
    verbose_name = _("Smart City Thailand")

    def ready(self):
        from .admin import describe_boolean_icons, people_shown_by_name
        from .celery import prepare_filesystem_broker
        from .thaidate import install_buddhist_era_formats

        prepare_filesystem_broker()
        # Django's own date formats (the admin, |date) write B.E. years on Thai pages.
        install_buddhist_era_formats()
        describe_boolean_icons()
        people_shown_by_name()
        name_people_by_their_names()


def name_people_by_their_names():
    """A user reads as their full name (the username when there is none) wherever the admin shows one —
    who screened, decided, evaluated — rather than as an account name such as "evaluator1"."""
    from django.contrib.auth import get_user_model

    def full_name(user):
        return user.get_full_name() or user.get_username()

    get_user_model().__str__ = full_name
