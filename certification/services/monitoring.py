"""Awards over time, after the ceremony: an award past its validity expires, with its record in the
public registry; the yearly progress reports that are due are reminded to their organisations."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from cities.enums import CertifiedCityStatus
from smartcity.thaidate import be_year

from .. import progress
from ..enums import REPORT_WRITING_STATES, AwardStatus
from ..models import Award, ProgressReport, ReportReminder
from . import outbox, reporting
from .core import audit

logger = logging.getLogger(__name__)


@transaction.atomic
def expire_awards(today=None):
    """Marks the active awards whose validity has passed as expired, with their records in the public
    registry; run every night (task ``certification.expire_awards``, command ``expire_awards``). The
    verification pages already say "expired" from the dates; this keeps the admin and the registry in
    step. Returns how many awards expired."""
    today = today or timezone.localdate()
    due = Award.objects.select_for_update().filter(status=AwardStatus.ACTIVE, valid_until__lt=today)
    expired = list(due.select_related("certified_city", "application"))
    for the_award in expired:
        the_award.status = AwardStatus.EXPIRED
        the_award.save(update_fields=["status"])
        city = the_award.certified_city
        if city.status == CertifiedCityStatus.ACTIVE:
            city.status = CertifiedCityStatus.EXPIRED
            city.save(update_fields=["status"])
        audit(the_award.application, "certification.award.expired", actor=None,
              valid_until=the_award.valid_until.isoformat())  # fmt: skip
    return len(expired)


def send_report_reminders(now=None):
    """Reminds each organisation of its awards' progress reports: due soon (within
    ``CERTIFICATION_REPORT_REMINDER_DAYS``), due today, overdue — each at most once per report and
    stage, by the date in Bangkok. Run every day (task ``certification.remind_progress_reports``,
    command ``remind_progress_reports``); a day missed is made up the next day with the stage of that
    day (a report that became overdue meanwhile is told it is overdue, not that it is due today). A
    report submitted or assessed is not reminded; one not opened yet is opened (empty), so that the
    reminder links it. The mail needs no one's release: it goes out when its own transaction commits,
    recorded in the outbox. Returns how many were sent."""
    today = timezone.localdate(now or timezone.now())
    sent = 0
    awards = Award.objects.filter(status=AwardStatus.ACTIVE).select_related(
        "round", "certified_city", "application__organisation"
    )
    for award in awards:
        for due in progress.due_dates(award):
            stage = progress.reminder_stage(due, today)
            if stage is None:
                continue
            report = ProgressReport.objects.filter(award=award, year=be_year(due)).first()
            if report is not None and report.status not in REPORT_WRITING_STATES:
                continue
            if report is not None and report.reminders.filter(stage=stage).exists():
                continue
            sent += _remind(award, due, stage, today)
    return sent


def _remind(award, due, stage, today):
    """One reminder, in its own transaction: the unique (report, stage) row and the mail commit together
    or not at all, so a second run on the same day (or at the same moment) sends nothing more."""
    try:
        with transaction.atomic():
            report = reporting.open_report(award, be_year(due))
            reminder = ReportReminder.objects.create(report=report, stage=stage, sent_on=today)
            mail = outbox.monitoring_mail(award, f"reminder_{stage}", report=report)
            reminder.notification = mail
            reminder.save(update_fields=["notification"])
            transaction.on_commit(lambda: outbox.send_at_once(mail), robust=True)
    except IntegrityError:  # another run sent this reminder first
        logger.info("Reminder %s of report %s/%s already sent", stage, award.pk, be_year(due))
        return 0
    return 1
