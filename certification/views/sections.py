"""Writing an application: a section's page and its autosave, and the attachments."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import rules
from ..downloads import attachment_response
from ..enums import AttachmentKind
from ..forms import AttachmentForm
from ..models import Section
from ..sections import sections_for, spec_for
from ..services import core, drafting
from ..uploads import UploadRefused, odd_name_message, too_large_message
from .applications import application_of, progress


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
    application = application_of(request, pk)
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
            "rows": progress(application),
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
    application = application_of(request, pk)
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
    application = application_of(request, pk)
    can_manage = rules.can_manage_attachments(request.user, application)
    form = AttachmentForm()
    status = 200
    if request.method == "POST":
        if not can_manage:
            messages.error(request, _("Attachments cannot be changed now."))
            return redirect("apply:detail", pk=pk)
        form = AttachmentForm(request.POST, request.FILES)
        refused = getattr(request, "refused_uploads", {})
        if "file" in refused or getattr(request, "odd_upload_names", None):
            form.is_valid()
            message = too_large_message() if "file" in refused else odd_name_message()
            form.errors["file"] = form.error_class([message])
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
    application = application_of(request, pk)
    return attachment_response(get_object_or_404(application.attachments, pk=attachment_pk))


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    application = application_of(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    try:
        drafting.delete_attachment(attachment, actor=request.user)
    except core.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.original_name})
    return redirect("apply:attachments", pk=pk)
