"""The committee's writes: screening, reopening sections, promotion zones, evaluation by the working
group, and the decisions of the bodies citing their resolutions."""

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cities.enums import Domain
from cities.models import PromotionZone

from .. import rules, selectors
from ..enums import Component, ConflictOfInterest, Recommendation, ScreeningOutcome, Stage, Status
from ..models import Application, ChecklistItem, EvaluatorAssignment, Meeting, Resolution, Screening, Section
from ..sections import sections_for
from . import awards
from .core import IncompleteApplication, WorkflowError, audit, notify, queue_mail, transition


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


def _require_role(actor, predicate):
    if not predicate(actor):
        raise WorkflowError(_("Your role does not allow this."))


def start_screening(application, *, actor):
    return transition(application, Status.SCREENING, actor=actor)


@transaction.atomic
def record_screening(application, *, actor, outcome, checklist, reason="", section_requests=None):
    """Records the qualification check. Passed: the application waits for the committee to acknowledge
    it as a promotion zone. Returned: the named sections reopen. Rejected: closed, with the reason."""
    _require_role(actor, rules.is_secretariat)
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


@transaction.atomic
def acknowledge_promotion_zone(application, *, actor, resolution):
    """The committee acknowledges the area as a Smart City Promotion Zone: the zone's public record is
    created in ``cities`` (with the domains, population served and vision of the proposal), its
    certificate is issued (rendered after commit) and the plan stage opens. The mail linking the
    certificate waits in the outbox."""
    transition(application, Status.PROMOTION_ZONE, actor=actor, resolution=resolution, notify_applicant=False)
    facts = selectors.registry_facts(application)
    zone = PromotionZone.objects.create(
        name_th=selectors.area_name(application) or application.title,
        name_en="",
        organisation=application.organisation,
        city_type=application.city_type,
        declared_on=resolution.meeting.date,
        resolution=str(resolution),
        is_sample=application.organisation.is_sample,
        domain_codes=facts["domain_codes"],
        population=facts["population"],
        vision=facts["vision"],
    )
    zone.provinces.set(application.provinces.all())
    application.promotion_zone = zone
    application.save(update_fields=["promotion_zone", "updated_at"])
    certificate = awards.issue_promotion_zone_certificate(application, actor=actor)
    # The decision's mail links the certificate, so it is written once it is issued; it waits in the outbox.
    notify(application, Status.PROMOTION_ZONE, resolution=resolution, documents=[certificate])
    return zone


def start_evaluation(application, *, actor):
    return transition(application, Status.EVALUATION, actor=actor)


@transaction.atomic
def assign_evaluator(application, evaluator, *, actor):
    _require_role(actor, rules.is_secretariat)
    if not rules.is_evaluator(evaluator):
        raise WorkflowError(_("%(user)s is not a member of the working group.") % {"user": evaluator})
    if application.status not in (Status.PLAN_SUBMITTED, Status.EVALUATION):
        raise WorkflowError(_("Evaluators are assigned to submitted plans."))
    assignment, created = EvaluatorAssignment.objects.get_or_create(
        application=application, evaluator=evaluator, defaults={"assigned_by": actor}
    )
    if created:
        audit(
            application,
            "certification.evaluation.assigned",
            actor=actor,
            evaluator=evaluator.get_username(),
            evaluator_name=evaluator.get_full_name() or evaluator.get_username(),
        )
        if evaluator.email:
            url = reverse("admin:certification_evaluatorassignment_change", args=[assignment.pk])
            queue_mail(
                application,
                "certification.evaluation.assigned",
                [evaluator.email],
                "notifications/evaluator_assigned",
                {"application": application, "evaluator": evaluator, "url": f"{settings.SITE_URL}{url}"},
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


def _draft_score(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100 else None


@transaction.atomic
def save_evaluation_draft(assignment, *, actor, scores, domain_assessments, recommendation, comment=""):
    """Keeps an evaluation in progress, complete or not, so that the evaluator can come back to it;
    nothing is checked but that each score lies from 0 to 100. Only ``submit_evaluation`` makes it
    count."""
    locked = _evaluation_to_write(assignment, actor=actor)
    locked.scores = {c: s for c in Component.values if (s := _draft_score(scores.get(c))) is not None}
    locked.domain_assessments = {
        c: text.strip()
        for c in locked.application.domains
        if (text := domain_assessments.get(c) or "").strip()
    }
    locked.recommendation = recommendation if recommendation in Recommendation.values else ""
    locked.comment = comment
    locked.save(update_fields=["scores", "domain_assessments", "recommendation", "comment"])
    return locked


def _evaluation_to_write(assignment, *, actor):
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
    return locked


@transaction.atomic
def submit_evaluation(assignment, *, actor, scores, domain_assessments, recommendation, comment=""):
    """Scores 0–100 for each of the five components, an assessment for each chosen domain, and a
    recommendation. Submitted once; the evaluator then sees the others' scores."""
    locked = _evaluation_to_write(assignment, actor=actor)
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


def _check_resolution_number(meeting, number, *, resolution=None):
    taken = meeting.resolutions.filter(number=number).exclude(pk=getattr(resolution, "pk", None))
    if taken.exists():
        raise WorkflowError(_("The meeting already has a resolution number %(number)s.") % {"number": number})


@transaction.atomic
def record_resolution(meeting, *, actor, text, number=None):
    """A resolution of the meeting, numbered next unless ``number`` is given."""
    _require_role(actor, rules.decides_for_the_bodies)
    Meeting.objects.select_for_update().get(pk=meeting.pk)  # one number at a time per meeting
    if number is None:
        number = (meeting.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
    _check_resolution_number(meeting, number)
    resolution = Resolution.objects.create(meeting=meeting, number=number, text=text, recorded_by=actor)
    audit(None, "certification.resolution.recorded", actor=actor, resolution=str(resolution), text=text)
    return resolution


@transaction.atomic
def change_resolution(resolution, *, actor, text, number):
    """Corrects a resolution's text or number as minuted; the decisions citing it keep citing it."""
    _require_role(actor, rules.decides_for_the_bodies)
    locked = Resolution.objects.select_for_update().select_related("meeting").get(pk=resolution.pk)
    _check_resolution_number(locked.meeting, number, resolution=locked)
    before = {"number": locked.number, "text": locked.text}
    locked.number, locked.text = number, text
    locked.save(update_fields=["number", "text"])
    audit(
        None,
        "certification.resolution.changed",
        actor=actor,
        resolution=str(locked),
        before=before,
        text=text,
    )
    return locked
