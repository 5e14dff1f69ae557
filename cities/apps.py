from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Cities and organisations")

    def ready(self):
        from . import freshness
        from .models import CertifiedCity, Organisation, ProgressIndex, PromotionZone, Province, Region

        freshness.watch(CertifiedCity, Organisation, PromotionZone, ProgressIndex, Province, Region)
        # Every deployment runs migrate: a new release's pages replace the cached ones of the last.
        post_migrate.connect(freshness.renew, sender=self, dispatch_uid="registry.freshness.migrate")
