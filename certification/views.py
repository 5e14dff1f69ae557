"""The applicant area, /apply/. Every page finds its application through ``rules.applications_of(user)``,
so another organisation's application, section or attachment answers 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cities.models import Membership

from . import rules, selectors
from .downloads import attachment_response, private_file_response
from .enums import CLOSED_STATES, REVISING_STATES, WRITING_STATES, AttachmentKind, Stage, Status
from .forms import ApplicationCreateForm, AttachmentForm, WithdrawForm
from .history import concerns_applicant, describe
from .models import Section
from .sections import sections_for, spec_for
from .services import core, drafting
from .uploads import UploadRefused, too_large_message


def _application(request, pk):
    return get_object_or_404(rules.applications_of(request.user).select_related("organisation"), pk=pk)


def next_action(application):
    """What the applicant should do next, as (sentence, url or None)."""
    pk = application.pk
    if application.status == Status.DRAFT:
        return _("Complete the proposal and submit it."), reverse("apply:detail", args=[pk])
    if application.status == Status.RETURNED:
        return _("Revise the sections the secretariat reopened, then resubmit."), reverse(
            "apply:detail", args=[pk]
        )
    if application.status == Status.PROMOTION_ZONE:
        return _("Your area is a promotion zone: write the development plan and submit it."), reverse(
            "apply:detail", args=[pk]
        )
    if application.status == Status.REVISION_REQUESTED:
        return _("Revise the reopened sections of the plan, then resubmit."), reverse(
            "apply:detail", args=[pk]
        )
    if application.status in CLOSED_STATES:
        return _("Nothing to do: the application is closed."), None
    return _("Nothing to do now: the application is with the secretariat and the committees."), None


def _status_labels(status):
    """The state in Thai and in English, for the dashboard."""
    with translation.override("th"):
        thai = str(Status(status).label)
    with translation.override("en"):
        english = str(Status(status).label)
    return thai, english


@login_required
@require_GET
def dashboard(request):
    applications = list(selectors.dashboard_applications(request.user))
    for application in applications:
        application.labels = _status_labels(application.status)
        application.next = next_action(application)
        application.timeline = [
            (entry, describe(entry)) for entry in application.audit_entries.all() if concerns_applicant(entry)
        ]
        application.requests = [
            (spec_for(application, s.key), s)
            for s in application.reopened_sections
            if spec_for(application, s.key)
        ]
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(
        request, "certification/dashboard.html", {"applications": applications, "memberships": memberships}
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    form = ApplicationCreateForm(request.POST or None, user=request.user)
    if not form.fields["organisation"].queryset.exists():
        messages.info(request, _("Create or join an organisation before you apply."))
        return redirect("apply:dashboard")
    if request.method == "POST" and form.is_valid():
        application = drafting.create_application(actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("The proposal was created as a draft. Fill in each section; your work is saved as you type."),
        )
        return redirect("apply:section", pk=application.pk, key="area")
    return render(request, "certification/create.html", {"form": form})


def _progress(application):
    specs = sections_for(application)
    saved = {s.key: s for s in application.sections.all()}
    rows = []
    for spec in specs:
        section = saved.get(spec.key)
        rows.append(
            {
                "spec": spec,
                "section": section,
                "complete": bool(section and section.is_complete),
                "editable": rules.can_edit_section_state(
                    application, section or Section(application=application, key=spec.key)
                ),
            }
        )
    return rows


@login_required
@require_GET
def detail(request, pk):
    application = _application(request, pk)
    rows = _progress(application)
    return render(
        request,
        "certification/detail.html",
        {
            "application": application,
            "rows": rows,
            "complete_count": sum(row["complete"] for row in rows),
            "attachments": application.attachments.all(),
            "next_action": next_action(application),
            "timeline": [(entry, describe(entry)) for entry in selectors.applicant_timeline(application)],
            "can_withdraw": rules.can_withdraw(request.user, application),
            "labels": _status_labels(application.status),
            "reference": selectors.latest_reference(application),
            "documents": _document_rows(selectors.applicant_documents(request.user, application)),
        },
    )


def _document_rows(documents):
    """What the applicant reads of each document: its state in words, and a download once ready."""
    rows = []
    for document in documents:
        state = selectors.document_state(document)
        successor = getattr(document, "superseded_by", None)
        rows.append(
            {
                "document": document,
                "state": state,
                "successor": successor.serial if successor else "",
                "download": reverse("apply:certificate_download", args=[document.serial])
                if selectors.is_downloadable(document)
                else "",
            }
        )
    return rows


@login_required
@require_GET
def certificates(request):
    """The documents issued to the user's organisations: certificates, plaques, promotion-zone
    certificates, with their serials, verification pages and PDFs."""
    return render(
        request,
        "certification/certificates.html",
        {"documents": _document_rows(selectors.applicant_documents(request.user))},
    )


@login_required
@require_GET
def certificates_status(request):
    """The state of each of the user's documents, for the page that waits for them to be rendered."""
    states = {d.serial: selectors.document_state(d) for d in selectors.applicant_documents(request.user)}
    response = JsonResponse({"documents": states})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def certificate_download(request, serial):
    """The PDF of one of the user's documents, once rendered; 404 for anyone else's, and before."""
    document = selectors.downloadable_document(request.user, serial)
    if document is None:
        raise Http404
    try:
        return private_file_response(
            document.file, filename=f"{document.serial}.pdf", content_type="application/pdf"
        )
    except FileNotFoundError:  # recorded as ready, but the file store has lost it: not there
        raise Http404 from None


def _conflict_message(section):
    who = (
        section.updated_by.get_full_name() or section.updated_by.get_username() if section.updated_by else "?"
    )
    when = timezone.localtime(section.updated_at).strftime("%H:%M:%S") if section.updated_at else ""
    return _(
        "%(who)s saved this section at %(when)s, after you opened it. Your changes were not saved, so that "
        "theirs are not overwritten. Your text is still in this page: copy what you need, reload to see "
        "their version, then add your changes."
    ) % {"who": who, "when": when}


def _saved_message(section):
    return _("Saved at %(time)s") % {"time": timezone.localtime(section.updated_at).strftime("%H:%M:%S")}


def _expected_version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@login_required
@require_http_methods(["GET", "POST"])
def section(request, pk, key):
    application = _application(request, pk)
    spec = spec_for(application, key)
    if spec is None:
        raise Http404
    saved = Section.objects.filter(application=application, key=key).select_related("updated_by").first()
    editable = spec.stage == application.stage and rules.can_edit_section(
        request.user, application, saved or Section(application=application, key=key)
    )
    show_errors = False
    conflict = None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This section cannot be changed now."))
            return redirect("apply:detail", pk=pk)
        content = drafting.content_of(request.POST)
        form = spec.form(content, application=application)
        try:
            saved, form = drafting.save_section(
                application,
                key,
                content,
                actor=request.user,
                expected_version=_expected_version(request),
                response=request.POST.get("applicant_response"),
            )
        except core.EditConflict as exc:
            conflict = _conflict_message(exc.section)
            saved = exc.section
        else:
            if saved.is_complete and request.POST.get("action") == "next":
                messages.success(request, _saved_message(saved))
                return redirect(_next_url(application, key))
            messages.success(request, _saved_message(saved))
            show_errors = True
        version = saved.version if conflict is None else _expected_version(request)
    else:
        form = spec.form(saved.data if saved and saved.data else None, application=application)
        version = saved.version if saved else 0
    if form.is_bound and not show_errors:
        form.hide_errors()
    return render(
        request,
        "certification/section.html",
        {
            "application": application,
            "spec": spec,
            "section": saved,
            "form": form,
            "editable": editable,
            "version": version,
            "show_errors": show_errors,
            "conflict": conflict,
            "rows": _progress(application),
        },
        status=409 if conflict else 200,
    )


def _next_url(application, key):
    specs = sections_for(application)
    keys = [s.key for s in specs]
    if key in keys and keys.index(key) + 1 < len(keys):
        return reverse("apply:section", args=[application.pk, keys[keys.index(key) + 1]])
    return reverse("apply:review", args=[application.pk])


@login_required
@require_POST
def autosave(request, pk, key):
    """Saves a section while the applicant types; answers JSON for static/js/autosave.js."""
    application = _application(request, pk)
    try:
        saved, _form = drafting.save_section(
            application,
            key,
            drafting.content_of(request.POST),
            actor=request.user,
            expected_version=_expected_version(request),
            response=request.POST.get("applicant_response"),
        )
    except core.EditConflict as exc:
        return JsonResponse(
            {
                "ok": False,
                "conflict": True,
                "version": exc.section.version,
                "message": _conflict_message(exc.section),
            },
            status=409,
        )
    except core.WorkflowError as exc:
        return JsonResponse({"ok": False, "message": str(exc)}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "version": saved.version,
            "complete": saved.is_complete,
            "message": _saved_message(saved),
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def attachments(request, pk):
    application = _application(request, pk)
    can_manage = rules.can_manage_attachments(request.user, application)
    form = AttachmentForm()
    status = 200
    if request.method == "POST":
        if not can_manage:
            messages.error(request, _("Attachments cannot be changed now."))
            return redirect("apply:detail", pk=pk)
        form = AttachmentForm(request.POST, request.FILES)
        refused = getattr(request, "refused_uploads", {})
        if "file" in refused:
            form.is_valid()
            form.errors["file"] = form.error_class([too_large_message()])
        elif form.is_valid():
            try:
                attachment = drafting.add_attachment(
                    application, form.cleaned_data["file"], form.cleaned_data["kind"], actor=request.user
                )
            except UploadRefused as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, _("“%(name)s” was attached.") % {"name": attachment.original_name})
                return redirect("apply:attachments", pk=pk)
        status = 400
    return render(
        request,
        "certification/attachments.html",
        {
            "application": application,
            "attachments": application.attachments.select_related("uploaded_by"),
            "form": form,
            "can_manage": can_manage,
            "required": _required_kinds(application),
        },
        status=status,
    )


def _required_kinds(application):
    return [
        AttachmentKind(k).label
        for k in settings.CERTIFICATION_REQUIRED_ATTACHMENTS.get(application.stage, [])
    ]


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    application = _application(request, pk)
    return attachment_response(get_object_or_404(application.attachments, pk=attachment_pk))


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    application = _application(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    try:
        drafting.delete_attachment(attachment, actor=request.user)
    except core.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.original_name})
    return redirect("apply:attachments", pk=pk)


@login_required
@require_GET
def review(request, pk):
    application = _application(request, pk)
    sections = {s.key: s for s in application.sections.all()}
    rows = []
    for spec in sections_for(application):
        saved = sections.get(spec.key)
        form = spec.form(saved.data if saved else {}, application=application)
        valid = bool(saved) and form.is_valid()
        rows.append({"spec": spec, "section": saved, "items": form.display_items() if valid else None})
    can_submit = rules.is_applicant_of(request.user, application) and application.status in (
        WRITING_STATES | REVISING_STATES
    )
    return render(
        request,
        "certification/review.html",
        {
            "application": application,
            "rows": rows,
            "problems": selectors.completeness_problems(application) if can_submit else [],
            "can_submit": can_submit,
            "attachments": application.attachments.all(),
            "stage_is_plan": application.stage == Stage.PLAN,
        },
    )


@login_required
@require_POST
def submit(request, pk):
    application = _application(request, pk)
    try:
        drafting.submit(application, actor=request.user)
    except core.IncompleteApplication as exc:
        for problem in exc.problems:
            messages.error(request, problem)
        return redirect("apply:review", pk=pk)
    except core.WorkflowError as exc:
        messages.info(request, str(exc))
        return redirect("apply:detail", pk=pk)
    messages.success(
        request, _("Submitted. The secretariat has been told; you can follow the progress here.")
    )
    return redirect("apply:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    application = _application(request, pk)
    if not rules.can_withdraw(request.user, application):
        messages.info(request, _("This application can no longer be withdrawn."))
        return redirect("apply:detail", pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            drafting.withdraw(application, actor=request.user, reason=form.cleaned_data["reason"])
        except core.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The application was withdrawn."))
        return redirect("apply:detail", pk=pk)
    return render(request, "certification/withdraw.html", {"application": application, "form": form})
