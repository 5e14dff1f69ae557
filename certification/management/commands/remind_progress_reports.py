"""``python manage.py remind_progress_reports``: remind organisations of their progress reports."""

from django.core.management.base import BaseCommand

from certification.services import monitoring


class Command(BaseCommand):
    help = (
        "Reminds organisations of their awards' yearly progress reports: due soon, due today, overdue, each "
        "once per report. Celery beat runs this every morning (task certification.remind_progress_reports); "
        "use the command from cron where beat does not run."
    )

    def handle(self, **options):
        count = monitoring.send_report_reminders()
        self.stdout.write(f"{count} reminder(s) sent.")
