"""An applicant's applications: the dashboard, a new proposal, an application's page, the review before
submitting, submit and withdraw."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cities.enums import Domain
from cities.models import Membership

from .. import rules, selectors
from ..enums import CLOSED_STATES, REVISING_STATES, WRITING_STATES, Stage, Status
from ..forms import ApplicationCreateForm, DashboardFilterForm, WithdrawForm
from ..history import concerns_applicant, describe, note_for_applicant
from ..models import Section
from ..sections import sections_for, spec_for
from ..services import core, drafting
from .certificates import document_rows


def application_of(request, pk):
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


@login_required
@require_GET
def dashboard(request):
    filters = DashboardFilterForm(request.GET or None, user=request.user)
    applications = selectors.dashboard_applications(request.user)
    all_count = applications.count()
    if filters.is_bound and filters.is_valid():
        applications = selectors.dashboard_filter(
            applications,
            text=filters.cleaned_data["q"],
            state=filters.cleaned_data["state"],
            organisation=filters.cleaned_data["organisation"],
        )
    applications = list(applications)
    for application in applications:
        application.next = next_action(application)
        application.timeline = [
            (entry, describe(entry), note_for_applicant(entry))
            for entry in application.audit_entries.all()
            if concerns_applicant(entry)
        ]
        application.requests = [
            (spec_for(application, s.key), s)
            for s in application.reopened_sections
            if spec_for(application, s.key)
        ]
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    return render(
        request,
        "certification/dashboard.html",
        {
            "applications": applications,
            "memberships": memberships,
            "filters": filters,
            "filtered": filters.is_bound,
            "all_count": all_count,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    chosen = Membership.objects.filter(
        user=request.user, organisation_id=_int(request.GET.get("organisation"))
    )
    organisation = chosen.select_related("organisation").first()
    form = ApplicationCreateForm(
        request.POST or None,
        user=request.user,
        organisation=organisation.organisation if organisation else None,
    )
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


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def attachments_complete(application):
    """Whether every attachment the current stage requires is there (the sidebar's badge)."""
    kinds = set(application.attachments.values_list("kind", flat=True))
    return all(
        kind in kinds for kind in settings.CERTIFICATION_REQUIRED_ATTACHMENTS.get(application.stage, [])
    )


def progress(application):
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
    application = application_of(request, pk)
    rows = progress(application)
    return render(
        request,
        "certification/detail.html",
        {
            "application": application,
            "rows": rows,
            "complete_count": sum(row["complete"] for row in rows),
            "attachments": application.attachments.all(),
            "next_action": next_action(application),
            "timeline": [
                (entry, describe(entry), note_for_applicant(entry))
                for entry in selectors.applicant_timeline(application)
            ],
            "can_withdraw": rules.can_withdraw(request.user, application),
            "reference": selectors.latest_reference(application),
            "documents": document_rows(selectors.applicant_documents(request.user, application)),
            "tracker": selectors.stage_tracker(application),
            "continue_row": next((r for r in rows if r["editable"] and not r["complete"]), None),
            "can_submit": rules.is_applicant_of(request.user, application)
            and application.status in (WRITING_STATES | REVISING_STATES),
            "attachments_complete": attachments_complete(application),
        },
    )


@login_required
@require_GET
def review(request, pk):
    application = application_of(request, pk)
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
    budget = selectors.budget_totals(application) if application.stage == Stage.PLAN else None
    return render(
        request,
        "certification/review.html",
        {
            "budget": budget
            and {
                "domains": [(Domain(code).label, total) for code, total in budget[0].items()],
                "plan": budget[1],
            },
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
    application = application_of(request, pk)
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
    application = application_of(request, pk)
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
