from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Cities and organisations")

    def ready(self):
        from . import freshness
        from .models import CertifiedCity, Organisation, PromotionZone, Province, Region

        freshness.watch(CertifiedCity, Organisation, PromotionZone, Province, Region)
