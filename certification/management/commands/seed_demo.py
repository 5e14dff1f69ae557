from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certification.demo import seed_demo


class Command(BaseCommand):
    help = "Create or update the demo users and data (idempotent). Refused when DEBUG is off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates users with published passwords and is refused when DEBUG is off."
            )
        counts = seed_demo()
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {summary}."))
