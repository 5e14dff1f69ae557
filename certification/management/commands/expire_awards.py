"""``python manage.py expire_awards``: mark the awards whose validity has passed as expired."""

from django.core.management.base import BaseCommand

from certification.services import monitoring


class Command(BaseCommand):
    help = (
        "Marks the active awards whose validity has passed as expired, with their records in the public "
        "registry. Celery beat runs this every night (task certification.expire_awards); use the command "
        "from cron where beat does not run."
    )

    def handle(self, **options):
        count = monitoring.expire_awards()
        self.stdout.write(f"{count} award(s) expired.")
