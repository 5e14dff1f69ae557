"""Every write of the certification app: one function per use case, atomic and audited.

Views, forms and admin actions call these; none of them changes a status or a section by itself.
"""

import difflib
import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cities.enums import Domain

from . import rules, workflow
from .enums import REVISING_STATES, WRITING_STATES, AttachmentKind, Stage, Status
from .models import Application, ApplicationVersion, Attachment, AuditEntry, Section
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


@transaction.atomic
def transition(application, to_state, *, actor, note="", data=None):
    """Moves an application to ``to_state`` if the table allows it for the actor's roles.

    Locks the row first, so that two decisions on one application cannot both happen.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    before = locked.status
    if not workflow.can_move(before, to_state, rules.roles_for(actor, locked)):
        raise WorkflowError(
            _("An application that is “%(state)s” cannot be moved to “%(target)s” by you.")
            % {"state": Status(before).label, "target": Status(to_state).label}
        )
    now = timezone.now()
    locked.status = to_state
    fields = ["status", "updated_at"]
    if to_state in (Status.SUBMITTED, Status.PLAN_SUBMITTED):
        locked.submitted_at = now
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    audit(
        locked,
        f"certification.application.{to_state}",
        actor=actor,
        before=before,
        after=str(to_state),
        note=note,
        **(data or {}),
    )
    application.status, application.submitted_at = locked.status, locked.submitted_at
    return locked


@transaction.atomic
def create_application(*, actor, organisation, title, city_type):
    if not rules.is_member_of(actor, organisation.pk):
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
    """The part of a submitted form that is the section's content, as {name: [values]}."""
    return {key: post_data.getlist(key) for key in post_data if key not in NOT_CONTENT}


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
            values["applicant_response"] = response
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
    transition(application, target, actor=actor, note=note, data={"sections": sorted(requests)})
    for key, text in requests.items():
        section, _created = Section.objects.get_or_create(application=application, key=key)
        section.reopened, section.reviewer_request, section.applicant_response = True, text, ""
        section.save(update_fields=["reopened", "reviewer_request", "applicant_response"])
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
