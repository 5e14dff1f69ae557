from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification")

    def ready(self):
        from cities import freshness

        from .models import Award, AwardRound, Document
        from .roles import sync_role_permissions

        # The registry and the API show awards, rounds and documents' public status.
        freshness.watch(Award, AwardRound, Document)

        # Runs after Django has created the permissions of cities (earlier in INSTALLED_APPS) and of
        # this app (auth connected its handler first).
        post_migrate.connect(
            sync_role_permissions, sender=self, dispatch_uid="certification.sync_role_permissions"
        )
