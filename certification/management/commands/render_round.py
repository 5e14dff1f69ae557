"""``python manage.py render_round 2565``: render every document of a Buddhist year that is not ready."""

import time

from django.core.management.base import BaseCommand, CommandError

from certification import selectors
from certification.services import rendering


class Command(BaseCommand):
    help = (
        "Queues the rendering of every document of the year (B.E.) that is not ready — pending, failed, "
        "or left half-done by a worker that died — after the pre-flight check. Workers do the rendering."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="Buddhist Era year of the round, e.g. 2565")
        parser.add_argument(
            "--skip-check", action="store_true", help="Render even if the pre-flight check finds problems."
        )
        parser.add_argument(
            "--wait", action="store_true", help="Show progress until the workers have finished."
        )

    def handle(self, year, skip_check=False, wait=False, **options):
        try:
            queued = rendering.render_year(year, check=not skip_check)
        except rendering.PreflightFailed as failure:
            raise CommandError(
                "Pre-flight check failed:\n" + "\n".join(f"- {p}" for p in failure.problems)
            ) from failure
        self.stdout.write(f"Queued {queued} document(s) of {year}.")
        while wait:
            state = selectors.progress(year)
            self.stdout.write(f"{state['done']}/{state['total']} ready, {state['counts']['failed']} failed")
            if state["finished"]:
                for error in state["errors"]:
                    self.stdout.write(f"{error['serial']}: {error['last_error']}")
                break
            time.sleep(2)
