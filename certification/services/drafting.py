"""The applicant's writes: creating an application, saving its sections as drafts (complete or not,
never overwriting a colleague's save), attachments, submitting a stage (acknowledged at once, with a
reference number) and withdrawing."""

import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cities.enums import Domain

from .. import rules, selectors
from ..enums import REVISING_STATES, WRITING_STATES, Stage, Status
from ..models import Application, ApplicationVersion, Attachment, Section
from ..sections import sections_for, spec_for
from ..uploads import ALLOWED_TYPES, check_upload
from . import outbox
from .core import EditConflict, IncompleteApplication, WorkflowError, audit, transition

# Form fields that are not content: never stored in a section.
NOT_CONTENT = {"csrfmiddlewaretoken", "version", "applicant_response", "action"}


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
        # The application's row, locked and read again: a save that reaches the server while the
        # application is being submitted waits for the submission and then finds it closed, instead of
        # writing into the version just frozen (``submit`` locks the same row).
        locked = Application.objects.select_for_update().get(pk=application.pk)
        section, _created = Section.objects.get_or_create(application=application, key=key)
        if not rules.can_edit_section(actor, locked, section):
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


def save_boundary(application, geojson, *, actor):
    """Puts a previewed boundary into the target area section, keeping the rest of the section as it
    was last saved; the section's version rises as with any save."""
    with transaction.atomic():
        section, _created = Section.objects.select_for_update().get_or_create(
            application=application, key="area"
        )
        content = {key: list(values) for key, values in (section.data or {}).items()}
        content["boundary_geojson"] = [geojson]
        saved, _form = save_section(
            application, "area", content, actor=actor, expected_version=section.version
        )
    return saved


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
    problems = selectors.completeness_problems(locked)
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
    # The applicant's own act: acknowledged at once, not held for the secretariat as decisions are.
    moved = transition(application, target, actor=actor, data={"version": number}, notify_applicant=False)
    outbox.acknowledge_submission(moved, version=number)
    return moved


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
