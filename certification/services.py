"""Every write of the certification app: one function per use case, atomic and audited.

Views, forms and admin actions call these; none of them changes a status or a section by itself.
"""

import difflib
import hashlib
import statistics

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cities.enums import Domain
from cities.models import PromotionZone

from . import rules, workflow
from .enums import (
    REVISING_STATES,
    WRITING_STATES,
    AttachmentKind,
    Body,
    Component,
    ConflictOfInterest,
    NotificationStatus,
    Recommendation,
    Role,
    ScreeningOutcome,
    Stage,
    Status,
)
from .models import (
    Application,
    ApplicationVersion,
    Attachment,
    AuditEntry,
    ChecklistItem,
    Decision,
    EvaluatorAssignment,
    Meeting,
    Notification,
    Resolution,
    Screening,
    Section,
)
from .sections import sections_for, spec_for
from .uploads import ALLOWED_TYPES, check_upload

# Form fields that are not content: never stored in a section.
NOT_CONTENT = {"csrfmiddlewaretoken", "version", "applicant_response", "action"}


class WorkflowError(Exception):
    """A move the workflow does not allow; the message is for the user."""


class EditConflict(Exception):
    """Someone saved the section since this editor loaded it."""

    def __init__(self, section):
        super().__init__(section)
        self.section = section


class IncompleteApplication(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def audit(application, action, *, actor, **data):
    return AuditEntry.objects.create(application=application, action=action, actor=actor, data=data)


def _check_resolution(to_state, resolution):
    required = workflow.RESOLUTION_REQUIRED.get(to_state)
    allowed = required or workflow.RESOLUTION_ALLOWED.get(to_state, set())
    if required and resolution is None:
        raise WorkflowError(
            _("Moving an application to “%(target)s” must cite a resolution of: %(bodies)s.")
            % {"target": Status(to_state).label, "bodies": ", ".join(str(Body(b).label) for b in required)}
        )
    if resolution is not None and resolution.meeting.body not in allowed:
        raise WorkflowError(
            _("A resolution of the %(body)s cannot move an application to “%(target)s”.")
            % {"body": resolution.meeting.get_body_display(), "target": Status(to_state).label}
        )


@transaction.atomic
def transition(application, to_state, *, actor, note="", resolution=None, data=None):
    """Moves an application to ``to_state`` if the table allows it for the actor's roles.

    Locks the row first, so that of two decisions on one application only the first happens and the
    second finds the new state. A body's decision cites its resolution; a rejection says why. The
    move is audited, and a mail to the applicant waits in the outbox when the state concerns them.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    before = locked.status
    if not workflow.can_move(before, to_state, rules.roles_for(actor, locked)):
        raise WorkflowError(
            _("An application that is “%(state)s” cannot be moved to “%(target)s” by you.")
            % {"state": Status(before).label, "target": Status(to_state).label}
        )
    _check_resolution(to_state, resolution)
    if to_state == Status.PROMOTION_ZONE and not has_passed_screening(locked):
        raise WorkflowError(_("Only an application that passed the screening can become a promotion zone."))
    if to_state in workflow.REASON_REQUIRED and not note.strip():
        raise WorkflowError(_("Give the reason for this decision."))
    now = timezone.now()
    locked.status, locked.state_entered_at = to_state, now
    fields = ["status", "state_entered_at", "updated_at"]
    if to_state in (Status.SUBMITTED, Status.PLAN_SUBMITTED):
        locked.submitted_at = now
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    details = {"before": before, "after": str(to_state), "note": note, **(data or {})}
    if resolution is not None:
        Decision.objects.create(
            application=locked, resolution=resolution, from_state=before, to_state=to_state, decided_by=actor
        )
        details["resolution"] = str(resolution)
    audit(locked, f"certification.application.{to_state}", actor=actor, **details)
    if to_state in workflow.NOTIFIED_STATES:
        notify(locked, to_state, note=note, resolution=resolution, data=data or {})
    application.status, application.submitted_at = locked.status, locked.submitted_at
    application.state_entered_at = locked.state_entered_at
    return locked


@transaction.atomic
def create_application(*, actor, organisation, title, city_type):
    if not rules.is_member_of(actor, organisation):
        raise WorkflowError(_("You are not a member of this organisation."))
    application = Application.objects.create(
        organisation=organisation, title=title, city_type=city_type, created_by=actor
    )
    Section.objects.create(
        application=application,
        key="general",
        data={"title": [title], "city_type": [city_type]},
        is_complete=True,
        version=1,
        updated_at=timezone.now(),
        updated_by=actor,
    )
    audit(application, "certification.application.created", actor=actor, title=title)
    return application


def content_of(post_data):
    """The part of a submitted form that is the section's content, as {name: [values]}, without NUL
    characters: invisible, sometimes pasted from other programs, and refused by PostgreSQL."""
    return {
        key.replace("\x00", ""): [value.replace("\x00", "") for value in post_data.getlist(key)]
        for key in post_data
        if key not in NOT_CONTENT
    }


def _sync_application(application, spec, form):
    """Keeps the application's own columns (lists, filters, search) in step with valid content."""
    if spec.key == "general":
        application.title = form.cleaned_data["title"]
        application.city_type = form.cleaned_data["city_type"]
        application.save(update_fields=["title", "city_type", "updated_at"])
    elif spec.key == "area":
        application.provinces.set(form.cleaned_data["provinces"])
    elif spec.key == "domains":
        chosen = [code for code in Domain.values if code in form.cleaned_data["domains"]]
        application.domain_codes = f",{','.join(chosen)}," if chosen else ""
        application.save(update_fields=["domain_codes", "updated_at"])


def save_section(application, key, content, *, actor, expected_version, response=None):
    """Saves a section as it was typed (a draft, complete or not) and returns (section, form).

    ``expected_version`` is the version the editor started from: if someone saved in between, nothing is
    written and EditConflict says who and when.
    """
    spec = spec_for(application, key)
    if spec is None or spec.stage != application.stage:
        raise WorkflowError(_("This section is not part of the current stage."))
    with transaction.atomic():
        section, _created = Section.objects.get_or_create(application=application, key=key)
        if not rules.can_edit_section(actor, application, section):
            raise WorkflowError(_("This section cannot be changed now."))
        form = spec.form(content, application=application)
        complete = form.is_valid()
        values = {
            "data": content,
            "is_complete": complete,
            "version": F("version") + 1,
            "updated_at": timezone.now(),
            "updated_by": actor,
        }
        if response is not None and section.reopened:
            values["applicant_response"] = response.replace("\x00", "")
        if not Section.objects.filter(pk=section.pk, version=expected_version).update(**values):
            raise EditConflict(Section.objects.select_related("updated_by").get(pk=section.pk))
        if complete:
            _sync_application(application, spec, form)
    section.refresh_from_db()
    return section, form


def _field_names(form):
    if hasattr(form, "fields"):
        return [str(form.fields[name].label) for name in form.errors if name in form.fields]
    return []


def completeness_problems(application):
    """What is missing before the current stage can be submitted, as sentences naming it."""
    problems = []
    sections = {s.key: s for s in application.sections.all()}
    for spec in sections_for(application):
        section = sections.get(spec.key)
        form = spec.form(section.data if section else {}, application=application)
        if not section or not form.is_valid():
            missing = _field_names(form) if section else []
            if missing:
                problems.append(
                    _("“%(section)s” is incomplete: %(fields)s.")
                    % {"section": spec.title, "fields": ", ".join(missing)}
                )
            else:
                problems.append(_("“%(section)s” is incomplete.") % {"section": spec.title})
        if section and section.reopened and not section.applicant_response.strip():
            problems.append(_("Answer the reviewers' request in “%(section)s”.") % {"section": spec.title})
    kinds = set(application.attachments.values_list("kind", flat=True))
    for kind in settings.CERTIFICATION_REQUIRED_ATTACHMENTS.get(application.stage, []):
        if kind not in kinds:
            problems.append(_("Attach the %(kind)s.") % {"kind": AttachmentKind(kind).label.lower()})
    return problems


def build_snapshot(application):
    """The submitted content, frozen with its labels (in Thai, the programme's official language)."""
    with translation.override(settings.LANGUAGE_CODE):
        sections = {s.key: s for s in application.sections.all()}
        snapshot = {"stage": str(application.stage), "sections": [], "attachments": []}
        for stage in (Stage.PROPOSAL, Stage.PLAN):
            if stage == Stage.PLAN and application.stage == Stage.PROPOSAL:
                break
            for spec in sections_for(application, stage):
                section = sections.get(spec.key)
                form = spec.form(section.data if section else {}, application=application)
                items = form.display_items() if section and form.is_valid() else []
                snapshot["sections"].append(
                    {
                        "key": spec.key,
                        "title": str(spec.title),
                        "items": [[label, value] for label, value in items],
                        "reviewer_request": section.reviewer_request if section else "",
                        "applicant_response": section.applicant_response if section else "",
                    }
                )
        snapshot["attachments"] = [
            {"kind": a.get_kind_display(), "name": a.original_name, "size": a.size, "sha256": a.sha256}
            for a in application.attachments.all()
        ]
    return snapshot


@transaction.atomic
def submit(application, *, actor):
    """Submits the current stage: checks completeness, keeps a version, and moves the application on."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in WRITING_STATES | REVISING_STATES:
        raise WorkflowError(_("This application has already been submitted."))
    if not rules.is_applicant_of(actor, locked):
        raise WorkflowError(_("Only members of the organisation can submit its application."))
    problems = completeness_problems(locked)
    if problems:
        raise IncompleteApplication(problems)
    number = locked.versions.count() + 1
    ApplicationVersion.objects.create(
        application=locked,
        number=number,
        stage=locked.stage,
        snapshot=build_snapshot(locked),
        submitted_by=actor,
    )
    locked.sections.filter(reopened=True).update(reopened=False)
    target = Status.SUBMITTED if locked.stage == Stage.PROPOSAL else Status.PLAN_SUBMITTED
    return transition(application, target, actor=actor, data={"version": number})


@transaction.atomic
def return_for_changes(application, *, actor, requests, note=""):
    """Staff return a proposal (screening) or ask for plan revisions: only the named sections reopen.

    ``requests`` maps section keys to what the reviewers ask for.
    """
    requests = {key: text.strip() for key, text in requests.items() if text and text.strip()}
    valid_keys = {spec.key for spec in sections_for(application)}
    if not requests or not set(requests) <= valid_keys:
        raise WorkflowError(_("Name at least one section of the current stage and say what must change."))
    target = Status.RETURNED if application.stage == Stage.PROPOSAL else Status.REVISION_REQUESTED
    # The sections first, so that the mail to the applicant quotes the requests; a refused move undoes them.
    for key, text in requests.items():
        section, _created = Section.objects.get_or_create(application=application, key=key)
        section.reopened, section.reviewer_request, section.applicant_response = True, text, ""
        section.save(update_fields=["reopened", "reviewer_request", "applicant_response"])
    transition(application, target, actor=actor, note=note, data={"sections": sorted(requests)})
    return application


def withdraw(application, *, actor, reason=""):
    return transition(application, Status.WITHDRAWN, actor=actor, note=reason)


def add_attachment(application, uploaded, kind, *, actor):
    """Stores an upload that passes every check (UploadRefused otherwise, and nothing is stored)."""
    if not rules.can_manage_attachments(actor, application):
        raise WorkflowError(_("Attachments cannot be changed now."))
    name, file_type = check_upload(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    attachment = Attachment(
        application=application,
        kind=kind,
        original_name=name,
        content_type=ALLOWED_TYPES[file_type][0],
        size=uploaded.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save("upload", uploaded, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            audit(application, "certification.attachment.added", actor=actor, name=name, kind=kind)
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def delete_attachment(attachment, *, actor):
    if not rules.can_manage_attachments(actor, attachment.application):
        raise WorkflowError(_("Attachments cannot be changed now."))
    storage, path = attachment.file.storage, attachment.file.name
    audit(
        attachment.application,
        "certification.attachment.removed",
        actor=actor,
        name=attachment.original_name,
        kind=attachment.kind,
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))


def _inline_diff(old, new):
    """HTML marking what was removed and added, by character (Thai has no spaces between words)."""
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(old[a1:a2]))
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(old[a1:a2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def diff_versions(old, new):
    """What changed between two snapshots: [{section, label, old, new, html}] for each changed value."""
    changes = []
    old_sections = {s["key"]: s for s in old["sections"]}
    for section in new["sections"]:
        before = dict(map(tuple, old_sections.get(section["key"], {}).get("items", [])))
        after = dict(map(tuple, section["items"]))
        for label in [*after, *(k for k in before if k not in after)]:
            a, b = before.get(label, ""), after.get(label, "")
            if a != b:
                changes.append(
                    {
                        "section": section["title"],
                        "label": label,
                        "old": a,
                        "new": b,
                        "html": _inline_diff(a, b),
                    }
                )
    old_files = {(f["name"], f["sha256"]) for f in old["attachments"]}
    new_files = {(f["name"], f["sha256"]) for f in new["attachments"]}
    for name, _sha in sorted(new_files - old_files):
        changes.append({"section": _("Attachments"), "label": name, "old": "", "new": _("added"), "html": ""})
    for name, _sha in sorted(old_files - new_files):
        changes.append(
            {"section": _("Attachments"), "label": name, "old": _("removed"), "new": "", "html": ""}
        )
    return changes


# --- Notifications: every decision that concerns the applicant becomes a mail in the outbox.


def _render_both_languages(template_name, context):
    parts = []
    for language in ("th", "en"):
        with translation.override(language):
            parts.append(render_to_string(template_name, context).strip())
    return parts


def notify(application, state, *, note="", resolution=None, data=None):
    """Puts a Thai and English mail about ``state`` in the outbox, held until the secretariat releases it."""
    recipients = sorted(
        {
            m.user.email
            for m in application.organisation.memberships.select_related("user")
            if m.user.email and m.user.is_active
        }
    )
    sections = []
    for key in (data or {}).get("sections", []):
        spec = spec_for(application, key)
        section = application.sections.filter(key=key).first()
        sections.append(
            {"title": spec.title if spec else key, "request": section.reviewer_request if section else ""}
        )
    context = {
        "application": application,
        "state": state,
        "note": note,
        "resolution": resolution,
        "sections": sections,
        "url": f"{settings.SITE_URL}{reverse('apply:detail', args=[application.pk])}",
    }
    subject_th, subject_en = _render_both_languages("notifications/decision_subject.txt", context)
    body_th, body_en = _render_both_languages("notifications/decision.txt", context)
    return Notification.objects.create(
        application=application,
        event=f"certification.application.{state}",
        recipients="\n".join(recipients),
        subject=f"{subject_th} / {subject_en}"[:255],
        body=f"{body_th}\n\n--- English ---\n\n{body_en}\n",
    )


def release_notification(notification, *, actor, subject=None, body=None, recipients=None):
    """Sends a held mail, after the secretariat has read (and perhaps edited) it; records the delivery."""
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status not in (NotificationStatus.HELD, NotificationStatus.FAILED):
            raise WorkflowError(_("This mail has already been sent or discarded."))
        fields = ["status", "released_by", "released_at", "error"]
        for name, value in (("subject", subject), ("body", body), ("recipients", recipients)):
            if value is not None:
                setattr(locked, name, value)
                fields.append(name)
        addresses = [line.strip() for line in locked.recipients.splitlines() if line.strip()]
        locked.released_by, locked.released_at = actor, timezone.now()
        try:
            if not addresses:
                raise ValueError(_("The mail has no recipients."))
            EmailMessage(locked.subject, locked.body, to=addresses).send()
        except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and shown
            locked.status, locked.error = NotificationStatus.FAILED, f"{type(exc).__name__}: {exc}"
        else:
            locked.status, locked.error = NotificationStatus.SENT, ""
        locked.save(update_fields=fields)
        audit(
            locked.application,
            f"certification.notification.{locked.status}",
            actor=actor,
            subject=locked.subject,
            recipients=addresses,
        )
    notification.status, notification.error = locked.status, locked.error
    return locked


def discard_notification(notification, *, actor):
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status != NotificationStatus.HELD:
            raise WorkflowError(_("This mail has already been sent or discarded."))
        locked.status, locked.released_by, locked.released_at = (
            NotificationStatus.DISCARDED,
            actor,
            timezone.now(),
        )
        locked.save(update_fields=["status", "released_by", "released_at"])
        audit(locked.application, "certification.notification.discarded", actor=actor, subject=locked.subject)
    return locked


# --- Screening, promotion zones, evaluation and decisions of the bodies.


def _require_role(actor, *roles):
    if not rules.staff_roles(actor) & set(roles):
        raise WorkflowError(_("Your role does not allow this."))


def start_screening(application, *, actor):
    return transition(application, Status.SCREENING, actor=actor)


@transaction.atomic
def record_screening(application, *, actor, outcome, checklist, reason="", section_requests=None):
    """Records the qualification check. Passed: the application waits for the committee to acknowledge
    it as a promotion zone. Returned: the named sections reopen. Rejected: closed, with the reason."""
    _require_role(actor, Role.SECRETARIAT)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.SCREENING:
        raise WorkflowError(_("Only an application in screening can be screened."))
    items = {str(item.pk): item for item in ChecklistItem.objects.filter(is_active=True)}
    if set(checklist) != set(items):
        raise WorkflowError(_("Answer every criterion of the checklist."))
    answers = {
        pk: {"text": items[pk].text_th, "met": bool(answer.get("met")), "note": answer.get("note", "")}
        for pk, answer in checklist.items()
    }
    if outcome == ScreeningOutcome.PASSED and not all(a["met"] for a in answers.values()):
        raise WorkflowError(_("An application that misses a criterion cannot pass the screening."))
    screening = Screening.objects.create(
        application=locked, outcome=outcome, checklist=answers, reason=reason, screened_by=actor
    )
    audit(locked, f"certification.screening.{outcome}", actor=actor, reason=reason)
    if outcome == ScreeningOutcome.RETURNED:
        return_for_changes(application, actor=actor, requests=section_requests or {}, note=reason)
    elif outcome == ScreeningOutcome.REJECTED:
        transition(application, Status.REJECTED, actor=actor, note=reason)
    return screening


def has_passed_screening(application):
    latest = application.screenings.order_by("-screened_at", "-pk").first()
    return latest is not None and latest.outcome == ScreeningOutcome.PASSED


@transaction.atomic
def acknowledge_promotion_zone(application, *, actor, resolution):
    """The committee acknowledges the area as a Smart City Promotion Zone: the zone's public record is
    created in ``cities``, its certificate is issued (rendered after commit) and the plan stage opens."""
    transition(application, Status.PROMOTION_ZONE, actor=actor, resolution=resolution)
    area = application.sections.filter(key="area").first()
    name = (area.data.get("area_name") or [""])[0] if area else ""
    zone = PromotionZone.objects.create(
        name_th=name or application.title,
        name_en="",
        organisation=application.organisation,
        city_type=application.city_type,
        declared_on=resolution.meeting.date,
        resolution=str(resolution),
        is_sample=application.organisation.is_sample,
    )
    zone.provinces.set(application.provinces.all())
    application.promotion_zone = zone
    application.save(update_fields=["promotion_zone", "updated_at"])
    from .awards import issue_promotion_zone_certificate  # awards builds on this module

    issue_promotion_zone_certificate(application, actor=actor)
    return zone


def start_evaluation(application, *, actor):
    return transition(application, Status.EVALUATION, actor=actor)


@transaction.atomic
def assign_evaluator(application, evaluator, *, actor):
    _require_role(actor, Role.SECRETARIAT)
    if Role.EVALUATOR not in rules.staff_roles(evaluator):
        raise WorkflowError(_("%(user)s is not a member of the working group.") % {"user": evaluator})
    if application.status not in (Status.PLAN_SUBMITTED, Status.EVALUATION):
        raise WorkflowError(_("Evaluators are assigned to submitted plans."))
    assignment, created = EvaluatorAssignment.objects.get_or_create(
        application=application, evaluator=evaluator, defaults={"assigned_by": actor}
    )
    if created:
        audit(
            application, "certification.evaluation.assigned", actor=actor, evaluator=evaluator.get_username()
        )
    return assignment


@transaction.atomic
def declare_conflict(assignment, *, actor, conflicted, note=""):
    """The evaluator's declaration, once, before anything else. A conflicted evaluator loses sight of
    the application."""
    locked = EvaluatorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.evaluator_id != actor.pk:
        raise WorkflowError(_("Only the assigned evaluator can declare."))
    if locked.conflict != ConflictOfInterest.UNDECLARED:
        raise WorkflowError(_("The declaration has already been made."))
    if conflicted and not note.strip():
        raise WorkflowError(_("Describe the conflict of interest."))
    locked.conflict = ConflictOfInterest.CONFLICTED if conflicted else ConflictOfInterest.NONE
    locked.conflict_note, locked.declared_at = note, timezone.now()
    locked.save(update_fields=["conflict", "conflict_note", "declared_at"])
    audit(locked.application, f"certification.evaluation.conflict_{locked.conflict}", actor=actor)
    assignment.conflict = locked.conflict
    return locked


@transaction.atomic
def submit_evaluation(assignment, *, actor, scores, domain_assessments, recommendation, comment=""):
    """Scores 0–100 for each of the five components, an assessment for each chosen domain, and a
    recommendation. Submitted once; the evaluator then sees the others' scores."""
    locked = (
        EvaluatorAssignment.objects.select_for_update().select_related("application").get(pk=assignment.pk)
    )
    if locked.evaluator_id != actor.pk:
        raise WorkflowError(_("Only the assigned evaluator can evaluate."))
    if locked.conflict != ConflictOfInterest.NONE:
        raise WorkflowError(_("Declare that you have no conflict of interest before you evaluate."))
    if locked.submitted_at:
        raise WorkflowError(_("This evaluation has already been submitted."))
    if locked.application.status != Status.EVALUATION:
        raise WorkflowError(_("The plan is not in evaluation."))
    problems = []
    for component in Component:
        value = scores.get(component.value)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            problems.append(_("Score “%(component)s” from 0 to 100.") % {"component": component.label})
    for code in locked.application.domains:
        if not (domain_assessments.get(code) or "").strip():
            problems.append(_("Assess the domain “%(domain)s”.") % {"domain": Domain(code).label})
    if recommendation not in Recommendation.values:
        problems.append(_("Choose a recommendation."))
    if problems:
        raise IncompleteApplication(problems)
    locked.scores = {c: scores[c] for c in Component.values}
    locked.domain_assessments = {c: domain_assessments[c].strip() for c in locked.application.domains}
    locked.recommendation, locked.comment, locked.submitted_at = recommendation, comment, timezone.now()
    locked.save(update_fields=["scores", "domain_assessments", "recommendation", "comment", "submitted_at"])
    audit(
        locked.application,
        "certification.evaluation.submitted",
        actor=actor,
        scores=locked.scores,
        recommendation=recommendation,
    )
    return locked


def score_summary(application, assignments=None):
    """The secretariat's view of the evaluations: per-component means, the overall weighted scores'
    mean, median and standard deviation, and whether the evaluators disagree."""
    weights = settings.CERTIFICATION_COMPONENT_WEIGHTS
    if assignments is None:
        assignments = application.assignments.all()
    done = [a for a in assignments if a.submitted_at and a.conflict == ConflictOfInterest.NONE]
    totals = [a.weighted_score(weights) for a in done]
    summary = {
        "count": len(done),
        "assigned": len([a for a in assignments if a.conflict != ConflictOfInterest.CONFLICTED]),
        "totals": totals,
        "components": {c: statistics.fmean(a.scores[c] for a in done) for c in Component.values}
        if done
        else {},
        "mean": statistics.fmean(totals) if totals else None,
        "median": statistics.median(totals) if totals else None,
        "stdev": statistics.stdev(totals) if len(totals) > 1 else 0.0 if totals else None,
        "spread": max(totals) - min(totals) if totals else None,
        "recommendations": sorted({a.recommendation for a in done}),
    }
    summary["disagreement"] = bool(done) and (
        len(summary["recommendations"]) > 1 or summary["spread"] > settings.CERTIFICATION_DISAGREEMENT_SPREAD
    )
    return summary


@transaction.atomic
def decide(applications, *, resolution, to_state, actor, note=""):
    """One resolution deciding many applications at once (the subcommittee approved 15 plans at its
    meeting 1/2565). All of them move, or none does."""
    moved = []
    for application in applications:
        if to_state == Status.PROMOTION_ZONE:
            acknowledge_promotion_zone(application, actor=actor, resolution=resolution)
        else:
            transition(application, to_state, actor=actor, resolution=resolution, note=note)
        moved.append(application)
    return moved


@transaction.atomic
def record_resolution(meeting, *, actor, text, number=None):
    _require_role(actor, Role.SECRETARIAT, Role.COMMITTEE_SECRETARY)
    if number is None:
        number = (meeting.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
    resolution = Resolution.objects.create(meeting=meeting, number=number, text=text, recorded_by=actor)
    audit(None, "certification.resolution.recorded", actor=actor, resolution=str(resolution), text=text)
    return resolution


def next_meeting_number(body, year):
    return (Meeting.objects.filter(body=body, year=year).aggregate(n=Max("number"))["n"] or 0) + 1
