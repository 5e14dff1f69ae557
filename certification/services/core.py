"""The workflow core every stage builds on: the errors a use case raises, the audit trail, and
``transition`` — the one function that changes an application's status — with the mail it puts in the
outbox."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smartcity.thaidate import format_date

from .. import rules, selectors, workflow
from ..enums import Body, Status
from ..models import Application, AuditEntry, Decision, Notification
from ..sections import spec_for


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


def _check_resolution(application, to_state, resolution):
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
    if resolution is None:
        return
    meeting = resolution.meeting
    if meeting.date > timezone.localdate():
        raise WorkflowError(
            _("%(meeting)s is set for %(date)s: its resolutions can be cited once it has met.")
            % {"meeting": meeting, "date": format_date(meeting.date, language=get_language() or "th")}
        )
    agenda = meeting.applications.all()
    if agenda.exists() and not agenda.filter(pk=application.pk).exists():
        raise WorkflowError(
            _("“%(application)s” is not on the agenda of %(meeting)s: add it to the meeting's agenda first.")
            % {"application": application.title, "meeting": meeting}
        )


@transaction.atomic
def transition(application, to_state, *, actor, note="", resolution=None, data=None, notify_applicant=True):
    """Moves an application to ``to_state`` if the table allows it for the actor's roles.

    Locks the row first, so that of two decisions on one application only the first happens and the
    second finds the new state. A body's decision cites its resolution; a rejection says why. The
    move is audited, and a mail to the applicant waits in the outbox when the state concerns them —
    unless ``notify_applicant`` is False: the caller then writes that mail itself, once it has what the
    mail names (the serials of an award, say), or acknowledges the applicant's own act at once.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    before = locked.status
    if not workflow.can_move(before, to_state, rules.roles_for(actor, locked)):
        raise WorkflowError(
            _("An application that is “%(state)s” cannot be moved to “%(target)s” by you.")
            % {"state": Status(before).label, "target": Status(to_state).label}
        )
    _check_resolution(locked, to_state, resolution)
    if to_state == Status.PROMOTION_ZONE and not selectors.has_passed_screening(locked):
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
    if notify_applicant and to_state in workflow.NOTIFIED_STATES:
        notify(locked, to_state, note=note, resolution=resolution, data=data or {})
    application.status, application.submitted_at = locked.status, locked.submitted_at
    application.state_entered_at = locked.state_entered_at
    return locked


def _render_both_languages(template_name, context):
    parts = []
    for language in ("th", "en"):
        with translation.override(language):
            parts.append(render_to_string(template_name, context).strip())
    return parts


def applicant_recipients(application):
    """The addresses of the organisation's active members."""
    return sorted(
        {
            m.user.email
            for m in application.organisation.memberships.select_related("user")
            if m.user.email and m.user.is_active
        }
    )


def absolute_url(path):
    return f"{settings.SITE_URL}{path}"


def notify(application, state, *, note="", resolution=None, data=None, documents=()):
    """Puts a Thai and English mail about ``state`` in the outbox, held until the secretariat releases it.
    ``documents`` issued with the decision are named by serial, with their verification pages and the
    applicant's certificates page."""
    recipients = applicant_recipients(application)
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
        "url": absolute_url(reverse("apply:detail", args=[application.pk])),
        "documents": list(documents),
        "certificates_url": absolute_url(reverse("apply:certificates")),
    }
    return queue_mail(
        application, f"certification.application.{state}", recipients, "notifications/decision", context
    )


def queue_mail(application, event, recipients, template, context):
    """A mail in Thai, then English, rendered from ``<template>_subject.txt`` and ``<template>.txt``,
    held in the outbox until the secretariat releases it."""
    subject_th, subject_en = _render_both_languages(f"{template}_subject.txt", context)
    body_th, body_en = _render_both_languages(f"{template}.txt", context)
    return Notification.objects.create(
        application=application,
        event=event,
        recipients="\n".join(recipients),
        subject=" ".join(f"{subject_th} / {subject_en}".split())[:255],  # one line, whatever was typed
        body=f"{body_th}\n\n--- English ---\n\n{body_en}\n",
    )
