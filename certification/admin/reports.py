"""Progress reports in the admin: the secretariat reads a submitted report (the plan's indicators with
what was achieved, the organisation's self-assessment, the evidence, the versions) and records its
assessment — a score of 0–100 per component and the plan's progress — or returns it for changes. The
progress index of every awarded area, year by year, with its chart and CSV, is the list's companion page.
Every change goes through ``services.reporting``."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cities import selectors as registry
from cities.registry import progress as registry_progress
from smartcity.forms import ThaiDecimalField, ThaiIntegerField

from .. import rules
from ..downloads import private_file_response
from ..enums import Component, ReportStatus
from ..history import describe
from ..models import ProgressReport
from ..services import reporting
from ..services.core import WorkflowError
from .base import RulesAdmin

ASSESS, RETURN = "assessed", "returned"


class AssessmentForm(forms.Form):
    """The secretariat's decision on a submitted report: its assessment, or its return for changes."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ASSESS, _("Record the assessment")), (RETURN, _("Return the report for changes"))],
        widget=forms.RadioSelect,
        initial=ASSESS,
    )
    assessed_progress = ThaiDecimalField(
        label=_("Plan progress as assessed (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2,
        required=False,
    )  # fmt: skip
    comment = forms.CharField(label=_("Assessment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    request = forms.CharField(
        label=_("What must change (when returning the report)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scores = {
            f"score_{c.value}": ThaiIntegerField(
                label=_("%(component)s (0–100)") % {"component": c.label},
                min_value=0,
                max_value=100,
                required=False,
            )
            for c in Component
        }
        rest = {name: field for name, field in self.fields.items() if name != "outcome"}
        self.fields = {"outcome": self.fields["outcome"], **scores, **rest}

    def clean(self):
        data = super().clean()
        if data.get("outcome") == ASSESS:
            for name in [f"score_{c}" for c in Component.values] + ["assessed_progress"]:
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Required to record the assessment."))
        elif data.get("outcome") == RETURN and not (data.get("request") or "").strip():
            self.add_error("request", _("Say what must change."))
        return data

    def scores(self):
        return {c: self.cleaned_data[f"score_{c}"] for c in Component.values}


class OverdueFilter(admin.SimpleListFilter):
    """Reports past their due date and not submitted yet."""

    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue: not submitted"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(
                status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED], due_on__lt=timezone.localdate()
            )
        return queryset


@admin.register(ProgressReport)
class ProgressReportAdmin(RulesAdmin):
    list_display = [
        "area",
        "year",
        "due_on",
        "status",
        "submitted_at",
        "assessed_progress",
        "index",
        "is_sample",
    ]
    list_filter = ["status", OverdueFilter, "year", "award__round", "is_sample"]
    list_select_related = ["award__certified_city"]
    search_fields = ["award__certified_city__name_th", "award__certified_city__name_en"]
    ordering = ["-year", "due_on", "pk"]

    @admin.display(description=_("area"), ordering="award__certified_city__name_th")
    def area(self, obj):
        return obj.award.certified_city.name_th

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "index_url": reverse("admin:certification_progressreport_index"),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        def view(function, name, route):
            return path(
                route, self.admin_site.admin_view(function), name=f"certification_progressreport_{name}"
            )

        return [
            view(self.index_view, "index", "index/"),
            view(self.index_csv_view, "index_csv", "index.csv"),
            view(self.evidence_view, "evidence", "<int:pk>/evidence/<int:reportevidence_pk>/"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.visible_object(request, object_id)
        form = None
        if rules.may(request.user, "change", report):
            form = AssessmentForm(request.POST or None)
            if request.method == "POST" and form.is_valid():
                try:
                    done = self._decide(request, report, form)
                except WorkflowError as exc:
                    form.add_error(None, str(exc))
                else:
                    self.message_user(request, done, messages.SUCCESS)
                    return HttpResponseRedirect(request.path)
        elif request.method == "POST":
            raise Http404
        latest = report.versions.order_by("-number").first()
        content = latest.snapshot if latest else {}
        entries = report.award.application.audit_entries.select_related("actor").order_by("created_at", "pk")
        return self.render_page(
            request,
            "admin/certification/progressreport/report.html",
            str(report),
            report,
            report=report,
            award=report.award,
            content=content,
            draft=latest is None,
            evidence=report.evidence.select_related("uploaded_by"),
            versions=report.versions.select_related("submitted_by"),
            components=[(c.label, report.scores.get(c.value)) for c in Component],
            form=form,
            history=[
                (entry, describe(entry, for_applicant=False))
                for entry in entries
                if entry.data.get("report") == report.pk
            ],
        )

    def _decide(self, request, report, form):
        if form.cleaned_data["outcome"] == RETURN:
            reporting.return_report(report, actor=request.user, request=form.cleaned_data["request"])
            return gettext(
                "The report was returned for changes; the organisation's mail waits in the outbox."
            )
        reporting.assess_report(
            report,
            actor=request.user,
            scores=form.scores(),
            assessed_progress=form.cleaned_data["assessed_progress"],
            comment=form.cleaned_data["comment"],
        )
        return gettext("The assessment was recorded; the organisation's mail waits in the outbox.")

    def evidence_view(self, request, pk, reportevidence_pk):
        report = self.visible_object(request, pk)
        item = get_object_or_404(report.evidence, pk=reportevidence_pk)
        try:
            return private_file_response(
                item.file, filename=item.original_name, content_type=item.content_type,
                inline=request.GET.get("inline") == "1",
            )  # fmt: skip
        except FileNotFoundError:
            raise Http404 from None

    def _index_allowed(self, request):
        if not self.has_view_permission(request):
            raise Http404

    def index_view(self, request):
        """The progress index of every awarded area (those kept out of the registry included)."""
        self._index_allowed(request)
        years = registry.progress_years(public_only=False)
        year, problem = registry_progress.chosen_year(request, years)
        rows = registry.progress_index(year, public_only=False) if year and not problem else []
        csv_url = reverse("admin:certification_progressreport_index_csv")
        return self.render_page(
            request,
            "admin/certification/progressreport/index.html",
            gettext("Progress index"),
            **registry_progress.index_table(rows),
            years=years,
            year=year,
            problem=problem,
            csv_url=csv_url + (f"?year={year}" if year and not problem else ""),
        )

    def index_csv_view(self, request):
        self._index_allowed(request)
        years = registry.progress_years(public_only=False)
        if "year" in request.GET:
            year, problem = registry_progress.chosen_year(request, years)
            if problem:
                raise Http404
            rows = registry.progress_index(year, public_only=False)
            return registry_progress.index_csv_response(rows, request, f"progress-index-{year}-all.csv")
        return registry_progress.index_csv_response(
            registry_progress.all_years(public_only=False), request, "progress-index-all.csv"
        )
