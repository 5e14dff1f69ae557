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
        read_long_file_names()
        from . import auth  # noqa: F401 - connects the login signal that remembers the browser


# Bytes of one part's headers in a multipart body that Django reads at most. Django's 1,024 is exceeded by
# a file name of about 300 Thai characters (three bytes each in UTF-8), which then failed the whole
# request with a bare "Bad request" instead of reaching the form, which says the name is too long. File
# systems keep names of at most 255 characters (1,020 bytes in UTF-8); 8 KiB holds any of them, with the
# rest of the part's headers, and still bounds what a client can make the parser buffer.
MULTIPART_HEADER_MAX_BYTES = 8 * 1024


def read_long_file_names():
    """Raises Django's limit on the headers of one part of a multipart body (a module constant that
    ``Parser`` reads when it parses a body) to MULTIPART_HEADER_MAX_BYTES."""
    from django.http import multipartparser

    multipartparser.MAX_TOTAL_HEADER_SIZE = max(
        multipartparser.MAX_TOTAL_HEADER_SIZE, MULTIPART_HEADER_MAX_BYTES
    )


def name_people_by_their_names():
    """A user reads as their full name (the username when there is none) wherever the admin shows one —
    who screened, decided, evaluated — rather than as an account name such as "evaluator1"."""
    from django.contrib.auth import get_user_model

    def full_name(user):
        return user.get_full_name() or user.get_username()

    get_user_model().__str__ = full_name
