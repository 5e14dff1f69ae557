from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certification import signing
from certification.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Create or update the demo data (idempotent): users for every role, the award batches of 2564 and "
        "2565 with their pending documents (render them with render_round), the promotion zones preparing "
        "plans, two sample applications in progress; a demonstration signing certificate when none is "
        "configured. Refused when DEBUG is off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates users with published passwords and is refused when DEBUG is off."
            )
        counts = seed_demo()
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {summary}."))
        if written := signing.ensure_demo_certificate():
            self.stdout.write(
                f"Generated a demonstration signing certificate (DEMO, not for official use): {written}"
            )
