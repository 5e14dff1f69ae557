"""Writing an application: a section's page and its autosave, and the attachments."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import geo, rules, selectors
from ..downloads import attachment_response
from ..enums import AttachmentKind
from ..forms import AttachmentForm, BoundaryFileForm, BoundaryUseForm
from ..models import Section
from ..sections import AreaForm, sections_for, spec_for
from ..services import core, drafting
from ..uploads import UploadRefused, odd_name_message, too_large_message
from .applications import application_of, attachments_complete, progress


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
        initial = None
        if not (saved and saved.data) and editable and spec.key == "plan_vision":
            initial = selectors.plan_prefill(application)
        form = spec.form(
            saved.data if saved and saved.data else None, application=application, initial=initial
        )
        version = saved.version if saved else 0
    if form.is_bound and not show_errors:
        form.hide_errors()
    context = {
        "application": application,
        "spec": spec,
        "section": saved,
        "form": form,
        "editable": editable,
        "version": version,
        "show_errors": show_errors,
        "conflict": conflict,
        "rows": progress(application),
        "attachments_complete": attachments_complete(application),
        "prefilled": not form.is_bound and bool(getattr(form, "initial", None)),
        "next_url": _next_url(application, key),
    }
    if spec.domain:
        totals, plan_total = selectors.budget_totals(application)
        others = plan_total - totals.get(spec.domain, 0)
        context["budget"] = {
            "others": others,
            "domain_text": f"{form.budget_total():,.2f}",
            "plan_text": f"{others + form.budget_total():,.2f}",
        }
    if isinstance(form, AreaForm):
        context["boundary_form"] = BoundaryFileForm()
    return render(request, "certification/section.html", context, status=409 if conflict else 200)


def _next_url(application, key):
    """The page after this section in the sidebar's order: the next section, then the attachments."""
    keys = [s.key for s in sections_for(application)]
    if key in keys and keys.index(key) + 1 < len(keys):
        return reverse("apply:section", args=[application.pk, keys[keys.index(key) + 1]])
    return reverse("apply:attachments", args=[application.pk])


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
            "max_size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            "rows": progress(application),
            "attachments_complete": attachments_complete(application),
            "on_attachments": True,
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


# --- The boundary of the target area, uploaded as a file: read, checked and shown before it is saved


def _area_section_editable(request, application):
    saved = Section.objects.filter(application=application, key="area").first()
    spec = spec_for(application, "area")
    return spec.stage == application.stage and rules.can_edit_section(
        request.user, application, saved or Section(application=application, key="area")
    )


@login_required
@require_POST
def boundary_preview(request, pk):
    """Reads an uploaded GeoJSON or KML boundary and shows it on the map, to be used or dropped; nothing
    is saved yet."""
    application = application_of(request, pk)
    if not _area_section_editable(request, application):
        messages.error(request, _("This section cannot be changed now."))
        return redirect("apply:detail", pk=pk)
    form = BoundaryFileForm(request.POST, request.FILES)
    geojson, problem = "", ""
    if "boundary_file" in getattr(request, "refused_uploads", {}):
        problem = too_large_message()
    elif form.is_valid():
        try:
            geojson = geo.boundary_from_file(form.cleaned_data["boundary_file"])
        except ValidationError as exc:
            problem = " ".join(exc.messages)
    else:
        problem = " ".join(message for errors in form.errors.values() for message in errors)
    area = None
    if geojson:  # drawn over the provinces chosen so far
        saved = Section.objects.filter(application=application, key="area").first()
        shown = {**((saved.data if saved else None) or {}), "boundary_geojson": [geojson]}
        area = spec_for(application, "area").form(shown, application=application)
    return render(
        request,
        "certification/boundary_preview.html",
        {
            "application": application,
            "problem": problem,
            "map": area.area_map() if area else None,
            "points": sum(len(ring) for ring in geo.boundary_rings(geojson)),
            "name": getattr(form.cleaned_data.get("boundary_file"), "name", "") if not form.errors else "",
            "use_form": BoundaryUseForm(initial={"boundary_geojson": geojson}) if geojson else None,
        },
        status=400 if problem else 200,
    )


@login_required
@require_POST
def boundary_use(request, pk):
    """Saves a previewed boundary into the target area section (the rest of the section as it is)."""
    application = application_of(request, pk)
    form = BoundaryUseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("apply:section", pk=pk, key="area")
    try:
        drafting.save_boundary(application, form.cleaned_data["boundary_geojson"], actor=request.user)
    except core.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The boundary was saved with the target area."))
    return redirect(reverse("apply:section", args=[pk, "area"]) + "#boundary")
