"""Yearly progress reports: the organisation opens, writes (drafts saved as typed, never overwriting a
colleague's save), attaches evidence to and submits its report; the secretariat assesses it or returns it
for changes. ``transition`` is the one function that changes a report's status, by the table of
``workflow.REPORT_TRANSITIONS``; every move is audited on the award's application, so that its history
tells the whole story after the award.

The assessment also writes the year's line of the public progress index (``cities.ProgressIndex``), so
that the registry reads ``cities`` alone.
"""

import hashlib
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cities.models import ProgressIndex

from .. import progress, rules, workflow
from ..enums import REPORT_WRITING_STATES, Component, ReportStatus
from ..models import ProgressReport, ReportEvidence, ReportVersion
from ..uploads import ALLOWED_TYPES, check_upload
from . import outbox
from .core import EditConflict, IncompleteApplication, WorkflowError, audit

# Form fields that are not content: never stored in a report.
NOT_CONTENT = {"csrfmiddlewaretoken", "version", "action"}


def content_of(post_data):
    """The report's content of a posted form, as {name: [values]}, without NUL characters."""
    return {
        key.replace("\x00", ""): [value.replace("\x00", "") for value in post_data.getlist(key)]
        for key in post_data
        if key not in NOT_CONTENT
    }


def open_report(award, year, *, actor=None):
    """The award's report of Buddhist year ``year``, created as an empty draft (with the plan's
    indicators as they stand) if it does not exist yet. ``actor`` None: opened by the daily reminders."""
    due = progress.due_on(award, year)
    if due is None:
        raise WorkflowError(_("No progress report of this award is due in %(year)s.") % {"year": year})
    if actor is not None and not rules.can_open_report(actor, award):
        raise WorkflowError(_("This award's reports cannot be written now."))
    existing = ProgressReport.objects.filter(award=award, year=year).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = ProgressReport.objects.create(
                award=award,
                year=year,
                due_on=due,
                indicators=progress.plan_indicators(award.application),
                is_sample=award.certified_city.is_sample,
            )
            audit(award.application, "certification.report.opened", actor=actor, year=year, report=report.pk)
    except IntegrityError:  # opened at the same moment by a colleague or by the daily task
        return ProgressReport.objects.get(award=award, year=year)
    return report


def save_report(report, content, *, actor, expected_version):
    """Saves the report as typed (a draft, complete or not); returns (report, form). ``expected_version``
    is the version the editor started from: if someone saved in between, nothing is written and
    EditConflict says who and when."""
    with transaction.atomic():
        if not rules.can_edit_report(actor, report):
            raise WorkflowError(_("This report cannot be changed now."))
        form = progress.ReportForm(content, indicators=report.indicators)
        values = {
            "data": content,
            "is_complete": form.is_valid(),
            "version": F("version") + 1,
            "updated_at": timezone.now(),
            "updated_by": actor,
        }
        # The status in the same UPDATE: a draft submitted by a colleague a moment ago is not overwritten.
        writable = ProgressReport.objects.filter(
            pk=report.pk, version=expected_version, status__in=REPORT_WRITING_STATES
        )
        if not writable.update(**values):
            current = ProgressReport.objects.select_related("updated_by").get(pk=report.pk)
            if current.status not in REPORT_WRITING_STATES:
                raise WorkflowError(_("This report cannot be changed now."))
            raise EditConflict(current)
    report.refresh_from_db()
    return report, form


def add_evidence(report, uploaded, *, actor):
    """Stores an evidence file that passes every check of an application's attachments (UploadRefused
    otherwise, and nothing is stored)."""
    if not rules.can_edit_report(actor, report):
        raise WorkflowError(_("Evidence cannot be changed now."))
    name, file_type = check_upload(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    evidence = ReportEvidence(
        report=report,
        original_name=name,
        content_type=ALLOWED_TYPES[file_type][0],
        size=uploaded.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    evidence.file.save("upload", uploaded, save=False)
    try:
        with transaction.atomic():
            evidence.save()
            audit(report.award.application, "certification.report.evidence_added", actor=actor,
                  name=name, year=report.year, report=report.pk)  # fmt: skip
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def delete_evidence(evidence, *, actor):
    report = evidence.report
    if not rules.can_edit_report(actor, report):
        raise WorkflowError(_("Evidence cannot be changed now."))
    storage, path = evidence.file.storage, evidence.file.name
    audit(report.award.application, "certification.report.evidence_removed", actor=actor,
          name=evidence.original_name, year=report.year, report=report.pk)  # fmt: skip
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(path))


@transaction.atomic
def transition(report, target, *, actor, note="", data=None):
    """Moves a report to ``target`` if ``workflow.REPORT_TRANSITIONS`` allows it for the actor's roles.
    Locks the row first, so that of two decisions on one report only the first happens; audited as
    ``certification.report.<target>`` on the award's application."""
    locked = ProgressReport.objects.select_for_update().select_related("award__application").get(pk=report.pk)
    before = locked.status
    roles = rules.roles_for(actor, locked.award.application)
    if not workflow.can_move_report(before, target, roles):
        raise WorkflowError(
            _("A report that is “%(state)s” cannot be moved to “%(target)s” by you.")
            % {"state": ReportStatus(before).label, "target": ReportStatus(target).label}
        )
    if target in workflow.REPORT_REASON_REQUIRED and not note.strip():
        raise WorkflowError(_("Say what must change."))
    now = timezone.now()
    locked.status, locked.state_entered_at = target, now
    fields = ["status", "state_entered_at"]
    if target == ReportStatus.SUBMITTED:
        locked.submitted_at = now
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    audit(locked.award.application, f"certification.report.{target}", actor=actor,
          before=str(before), after=str(target), note=note, year=locked.year, report=locked.pk,
          **(data or {}))  # fmt: skip
    report.status, report.state_entered_at = locked.status, locked.state_entered_at
    report.submitted_at = locked.submitted_at
    return locked


@transaction.atomic
def submit_report(report, *, actor):
    """Submits the report: checks it is complete (evidence included), keeps the submitted version, moves
    it on and tells the organisation at once that it was received."""
    locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not rules.can_edit_report(actor, locked):
        raise WorkflowError(_("This report has already been submitted."))
    problems = progress.completeness_problems(locked)
    if problems:
        raise IncompleteApplication(problems)
    number = locked.versions.count() + 1
    ReportVersion.objects.create(report=locked, number=number, snapshot=progress.snapshot(locked),
                                 submitted_by=actor)  # fmt: skip
    moved = transition(locked, ReportStatus.SUBMITTED, actor=actor, data={"version": number})
    # The organisation's own act: acknowledged at once, as a submitted application is.
    mail = outbox.monitoring_mail(moved.award, "report_received", report=moved)
    transaction.on_commit(lambda: outbox.send_at_once(mail), robust=True)
    report.status, report.submitted_at = moved.status, moved.submitted_at
    return moved


@transaction.atomic
def assess_report(report, *, actor, scores, assessed_progress, comment=""):
    """Records the secretariat's assessment of a submitted report: a score of 0–100 for each component
    and the plan's progress (%) as it finds it; computes the year's index and writes it to the public
    progress index. The organisation's mail waits in the outbox."""
    missing = [c for c in Component.values if scores.get(c) is None]
    if missing or assessed_progress is None:
        raise WorkflowError(_("Score every component and give the plan's progress."))
    if any(not 0 <= scores[c] <= 100 for c in Component.values) or not 0 <= assessed_progress <= 100:
        raise WorkflowError(_("Scores and progress are between 0 and 100."))
    scores = {c: int(scores[c]) for c in Component.values}
    index = progress.weighted_index(scores)
    moved = transition(report, ReportStatus.ASSESSED, actor=actor, note=comment,
                       data={"index": str(index), "progress": str(assessed_progress)})  # fmt: skip
    moved.scores, moved.index = scores, index
    moved.assessed_progress = Decimal(assessed_progress).quantize(Decimal("0.01"))
    moved.assessment_comment, moved.assessed_by, moved.assessed_at = comment, actor, timezone.now()
    moved.save(update_fields=["scores", "index", "assessed_progress", "assessment_comment", "assessed_by",
                              "assessed_at"])  # fmt: skip
    ProgressIndex.objects.update_or_create(
        certified_city=moved.award.certified_city,
        year=moved.year,
        defaults={
            "scores": scores,
            "index": index,
            "plan_progress": moved.assessed_progress,
            "assessed_on": timezone.localdate(),
            "is_sample": moved.is_sample,
        },
    )
    outbox.monitoring_mail(moved.award, "report_assessed", report=moved, note=comment)
    report.status = moved.status
    return moved


@transaction.atomic
def return_report(report, *, actor, request):
    """Returns a submitted report for changes, saying what must change; the mail waits in the outbox."""
    moved = transition(report, ReportStatus.RETURNED, actor=actor, note=request)
    moved.reviewer_request = request
    moved.save(update_fields=["reviewer_request"])
    outbox.monitoring_mail(moved.award, "report_returned", report=moved, note=request)
    report.status = moved.status
    return moved
