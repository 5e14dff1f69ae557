"""After the award, for the organisation: its awards' yearly progress reports (writing with autosave,
evidence, submitting), and the request to renew its certification. Every page starts from the awards and
reports of the user's own organisations (``rules.awards_of``, ``rules.reports_of``): anyone else's is
not found (404)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartcity.thaidate import be_year

from .. import progress, rules
from ..downloads import private_file_response
from ..enums import AwardStatus, Component, ReportStatus
from ..history import concerns_applicant, describe
from ..services import core, renewals, reporting
from ..uploads import UploadRefused, too_large_message


def award_of(request, pk):
    return get_object_or_404(
        rules.awards_of(request.user).select_related("round", "certified_city", "application"), pk=pk
    )


def report_of(request, pk):
    return get_object_or_404(
        rules.reports_of(request.user).select_related(
            "award__round", "award__certified_city", "award__application", "updated_by"
        ),
        pk=pk,
    )


def _saved_message(report):
    return _("Saved at %(time)s") % {"time": timezone.localtime(report.updated_at).strftime("%H:%M:%S")}


def _conflict_message(report):
    user = report.updated_by
    who = (user.get_full_name() or user.get_username()) if user else "?"
    when = timezone.localtime(report.updated_at).strftime("%H:%M:%S") if report.updated_at else ""
    return _(
        "%(who)s saved this report at %(when)s, after you opened it. Your changes were not saved, so that "
        "theirs are not overwritten. Your text is still in this page: copy what you need, reload to see "
        "their version, then add your changes."
    ) % {"who": who, "when": when}


def _expected_version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _overview(award, user, today):
    """One award as its organisation follows it: each report due (opened or not) and the renewal."""
    reports = {r.year: r for r in award.progress_reports.all()}
    rows = []
    for due in progress.due_dates(award):
        year = be_year(due)
        report = reports.pop(year, None)
        rows.append({"year": year, "due_on": due, "report": report, "overdue": _late(report, due, today)})
    rows += [{"year": r.year, "due_on": r.due_on, "report": r, "overdue": False} for r in reports.values()]
    return {
        "award": award,
        "rows": sorted(rows, key=lambda row: row["due_on"]),
        "may_open": rules.can_open_report(user, award),
        "renewals": list(award.renewals.select_related("resolution__meeting", "new_award")),
        "renewal_problems": progress.renewal_problems(award, today)
        if award.status == AwardStatus.ACTIVE
        else [],
        "may_request_renewal": rules.can_request_renewal(user, award)
        and not progress.renewal_problems(award, today),
    }


def _late(report, due, today):
    return today > due and (report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED))


@login_required
@require_GET
def reports(request):
    """The user's organisations' awards, with their reports due and their renewal."""
    today = timezone.localdate()
    awards = rules.awards_of(request.user).select_related("round", "certified_city", "application")
    return render(
        request,
        "certification/reports/list.html",
        {
            "awards": [_overview(a, request.user, today) for a in awards.order_by("-awarded_on", "-pk")],
            "threshold": settings.CERTIFICATION_RENEWAL_THRESHOLD,
        },
    )


@login_required
@require_POST
def report_open(request, award_pk, year):
    """Opens (creates) the award's report of ``year``, or finds it; then shows it."""
    award = award_of(request, award_pk)
    try:
        report = reporting.open_report(award, year, actor=request.user)
    except core.WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("apply:reports")
    return redirect("apply:report", pk=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk):
    report = report_of(request, pk)
    editable = rules.can_edit_report(request.user, report)
    show_errors, conflict = False, None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This report cannot be changed now."))
            return redirect("apply:report", pk=pk)
        content = reporting.content_of(request.POST)
        try:
            report, form = reporting.save_report(
                report, content, actor=request.user, expected_version=_expected_version(request)
            )
        except core.EditConflict as exc:  # exc.section: the report as the other editor saved it
            conflict = _conflict_message(exc.section)
            form = progress.ReportForm(content, indicators=report.indicators)
        else:
            messages.success(request, _saved_message(report))
            show_errors = True
        version = report.version if conflict is None else _expected_version(request)
    else:
        form = progress.report_form(report)
        version = report.version
    if form.is_bound and not show_errors:
        form.hide_errors()
    entries = report.award.application.audit_entries.select_related("actor").order_by("created_at", "pk")
    timeline = [
        (entry, describe(entry))
        for entry in entries.filter(action__startswith="certification.report.")
        if concerns_applicant(entry) and entry.data.get("report") == report.pk
    ]
    return render(
        request,
        "certification/reports/report.html",
        {
            "report": report,
            "award": report.award,
            "form": form,
            "editable": editable,
            "version": version,
            "conflict": conflict,
            "problems": progress.completeness_problems(report) if editable else [],
            "evidence": report.evidence.select_related("uploaded_by"),
            "versions": report.versions.select_related("submitted_by"),
            "components": _assessed_components(report),
            "timeline": timeline,
        },
        status=409 if conflict else 200,
    )


def _assessed_components(report):
    if report.status != ReportStatus.ASSESSED:
        return []
    return [(c.label, report.scores.get(c.value)) for c in Component]


@login_required
@require_POST
def report_autosave(request, pk):
    """Saves the report while the organisation types; answers JSON for static/js/autosave.js."""
    report = report_of(request, pk)
    try:
        report, _form = reporting.save_report(
            report,
            reporting.content_of(request.POST),
            actor=request.user,
            expected_version=_expected_version(request),
        )
    except core.EditConflict as exc:  # exc.section: the report as the other editor saved it
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
            "version": report.version,
            "complete": report.is_complete,
            "message": _saved_message(report),
        }
    )


@login_required
@require_POST
def report_submit(request, pk):
    report = report_of(request, pk)
    try:
        reporting.submit_report(report, actor=request.user)
    except core.IncompleteApplication as exc:
        for problem in exc.problems:
            messages.error(request, problem)
    except core.WorkflowError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, _("Submitted. The secretariat has been told and will assess the report."))
    return redirect("apply:report", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def evidence(request, pk):
    report = report_of(request, pk)
    can_manage = rules.can_edit_report(request.user, report)
    form = progress.EvidenceForm()
    status = 200
    if request.method == "POST":
        if not can_manage:
            messages.error(request, _("Evidence cannot be changed now."))
            return redirect("apply:report", pk=pk)
        form = progress.EvidenceForm(request.POST, request.FILES)
        if "file" in getattr(request, "refused_uploads", {}):
            form.is_valid()
            form.errors["file"] = form.error_class([too_large_message()])
        elif form.is_valid():
            try:
                added = reporting.add_evidence(report, form.cleaned_data["file"], actor=request.user)
            except UploadRefused as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, _("“%(name)s” was attached.") % {"name": added.original_name})
                return redirect("apply:report_evidence", pk=pk)
        status = 400
    return render(
        request,
        "certification/reports/evidence.html",
        {
            "report": report,
            "evidence": report.evidence.select_related("uploaded_by"),
            "form": form,
            "can_manage": can_manage,
            "max_size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        },
        status=status,
    )


@login_required
@require_GET
def evidence_download(request, pk, evidence_pk):
    report = report_of(request, pk)
    item = get_object_or_404(report.evidence, pk=evidence_pk)
    try:
        return private_file_response(item.file, filename=item.original_name, content_type=item.content_type)
    except FileNotFoundError:
        raise Http404 from None


@login_required
@require_POST
def evidence_delete(request, pk, evidence_pk):
    report = report_of(request, pk)
    item = get_object_or_404(report.evidence, pk=evidence_pk)
    try:
        reporting.delete_evidence(item, actor=request.user)
    except core.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": item.original_name})
    return redirect("apply:report_evidence", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def renewal(request, award_pk):
    """Asks for the renewal of an award, from its latest assessed report."""
    award = award_of(request, award_pk)
    problems = progress.renewal_problems(award)
    allowed = rules.can_request_renewal(request.user, award) and not problems
    form = progress.RenewalRequestForm(request.POST or None)
    if request.method == "POST" and allowed and form.is_valid():
        try:
            renewals.request_renewal(award, actor=request.user, note=form.cleaned_data["note"])
        except core.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Your request for renewal was sent; it goes to the national committee.")
            )
            return redirect("apply:reports")
    elif request.method == "POST" and not allowed:
        messages.error(request, _("The renewal cannot be requested now."))
    latest = progress.latest_assessed_report(award)
    return render(
        request,
        "certification/reports/renewal.html",
        {
            "award": award,
            "form": form,
            "allowed": allowed,
            "problems": problems,
            "latest": latest,
            "above": latest is not None and progress.above_threshold(latest.assessed_progress),
            "threshold": settings.CERTIFICATION_RENEWAL_THRESHOLD,
        },
        status=400 if request.method == "POST" else 200,
    )
