from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmartCityConfig(AppConfig):
    """The project itself: health check, Buddhist Era dates and their template filters, shared pages."""

    name = "smartcity"
    verbose_name = _("Smart City Thailand")

    def ready(self):
        from .celery import prepare_filesystem_broker

        prepare_filesystem_broker()
