"""Renewal: as an award nears its expiry, its organisation asks for renewal from its latest assessed
progress report; the national committee renews it by a resolution when the plan's assessed progress is
above ``CERTIFICATION_RENEWAL_THRESHOLD`` (or declines). Renewing issues a new award, in the round the
staff choose, whose certificate and plaque supersede the old ones: their verification pages say so and
name the new serials. The area's registry record stays the same record (its page, its badge), now with
the new validity.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cities.enums import CertifiedCityStatus

from .. import progress, rules, selectors, snapshots
from ..enums import AwardStatus, RenewalStatus
from ..models import Award, Renewal
from . import awards, outbox
from .core import WorkflowError, audit


def _cited(resolution):
    with translation.override(settings.LANGUAGE_CODE):
        return str(resolution)  # cited in Thai, as the committee writes it


@transaction.atomic
def request_renewal(award, *, actor, note="", today=None):
    """The organisation asks for its award to be renewed, from its latest assessed report (see
    ``progress.renewal_problems`` for when it may). Acknowledged at once; the request waits for the
    committee."""
    locked = (
        Award.objects.select_for_update().select_related("certified_city", "application").get(pk=award.pk)
    )
    if not rules.can_request_renewal(actor, locked):
        raise WorkflowError(_("Only an award in force can be renewed."))
    problems = progress.renewal_problems(locked, today)
    if problems:
        raise WorkflowError(" ".join(problems))
    report = progress.latest_assessed_report(locked)
    renewal = Renewal.objects.create(
        award=locked, report=report, progress=report.assessed_progress, note=note.strip(), requested_by=actor
    )
    audit(locked.application, "certification.renewal.requested", actor=actor,
          progress=str(report.assessed_progress), year=report.year, renewal=renewal.pk)  # fmt: skip
    mail = outbox.monitoring_mail(locked, "renewal_requested", renewal=renewal, report=report)
    transaction.on_commit(lambda: outbox.send_at_once(mail), robust=True)
    return renewal


def _decidable(renewal, actor, resolution):
    """The locked request, if ``actor`` may record the committee's ``resolution`` on it."""
    locked = Renewal.objects.select_for_update().get(pk=renewal.pk)
    if not rules.can_decide_renewal(actor, locked):
        raise WorkflowError(_("This request for renewal has already been decided."))
    awards.check_committee_resolution(resolution)
    return locked


@transaction.atomic
def renew(renewal, *, actor, resolution, award_round, note="", renewed_on=None):
    """Renews the award of a request by the committee's ``resolution``, in ``award_round``: refused when
    the assessed progress is not above the threshold. The new award runs from the end of the old one
    (or from the renewal, when that is later) for the round's validity; its certificate and plaque
    supersede the old award's current ones. The registry record takes the new validity and serial.
    ``renewed_on`` defaults to the date of the committee's meeting. The mail naming the new serials
    waits in the outbox."""
    locked = _decidable(renewal, actor, resolution)
    old = (
        Award.objects.select_for_update()
        .select_related("certified_city", "application")
        .get(pk=locked.award_id)
    )
    if old.status not in (AwardStatus.ACTIVE, AwardStatus.EXPIRED):
        raise WorkflowError(
            _("An award that is “%(state)s” cannot be renewed.") % {"state": old.get_status_display()}
        )
    if not progress.above_threshold(locked.progress):
        raise WorkflowError(
            _("The plan's assessed progress is %(progress)s %%: renewal needs more than %(threshold)s %%.")
            % {"progress": locked.progress, "threshold": settings.CERTIFICATION_RENEWAL_THRESHOLD}
        )
    if Award.objects.filter(application=old.application, round=award_round).exists():
        raise WorkflowError(
            _("This area already holds an award of the round of %(year)s: choose a later round.")
            % {"year": award_round.year}
        )
    renewed_on = renewed_on or resolution.meeting.date
    valid_until = snapshots.add_years(max(old.valid_until, renewed_on), award_round.validity_years)
    city = old.certified_city
    new = Award.objects.create(
        application=old.application,
        round=award_round,
        certified_city=city,
        awarded_on=renewed_on,
        valid_until=valid_until,
        supersedes=old,
        awarded_by=actor,
    )
    old.status = AwardStatus.SUPERSEDED
    old.save(update_fields=["status"])
    city.status, city.valid_until, city.renewed_on = CertifiedCityStatus.ACTIVE, valid_until, renewed_on
    city.save(update_fields=["status", "valid_until", "renewed_on"])
    data = snapshots.award_snapshot(new)
    documents = [
        awards.issue_document(
            kind,
            year=award_round.year,
            application=old.application,
            data=data,
            actor=actor,
            issued_on=renewed_on,
            valid_until=valid_until,
            award=new,
            supersedes=selectors.current_documents().filter(award=old, kind=kind).first(),
        )
        for kind in awards.AWARD_DOCUMENT_KINDS
    ]
    city.certificate_serial = documents[0].serial
    city.save(update_fields=["certificate_serial"])
    locked.status, locked.resolution, locked.new_award = RenewalStatus.RENEWED, resolution, new
    locked.decision_note, locked.decided_by, locked.decided_at = note, actor, timezone.now()
    locked.save()
    audit(old.application, "certification.renewal.renewed", actor=actor, resolution=_cited(resolution),
          round=award_round.year, valid_until=valid_until.isoformat(), progress=str(locked.progress),
          serials=[d.serial for d in documents])  # fmt: skip
    outbox.monitoring_mail(new, "renewed", renewal=locked, documents=documents, note=note)
    return new


@transaction.atomic
def decline(renewal, *, actor, resolution, reason):
    """Records the committee's resolution not to renew, with its reason; the award runs to its end."""
    if not reason.strip():
        raise WorkflowError(_("Give the reason for this decision."))
    locked = _decidable(renewal, actor, resolution)
    locked.status, locked.resolution, locked.decision_note = RenewalStatus.DECLINED, resolution, reason
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save()
    award = locked.award
    audit(award.application, "certification.renewal.declined", actor=actor, resolution=_cited(resolution),
          reason=reason, progress=str(locked.progress))  # fmt: skip
    outbox.monitoring_mail(award, "renewal_declined", renewal=locked, note=reason)
    return locked
