"""Applications in the admin: lists with the service-level clocks, the decision actions, and each
application's pages (screening, revisions, history as sentences, changes between versions, attachments).
"""

from itertools import pairwise

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cities.admin import ProvinceListFilter
from cities.enums import Domain
from cities.models import Organisation
from smartcity.adminlog import change_sentence

from .. import clock, queues, rules, selectors
from ..downloads import attachment_response
from ..enums import Component, Stage, Status
from ..history import describe, evaluators_may_read
from ..models import Application, EvaluatorAssignment
from ..sections import sections_for
from ..services import review
from ..services.core import WorkflowError
from .actions import award, decision_action, simple_action
from .base import RulesAdmin
from .forms import RevisionForm, ScreeningForm
from .inlines import AssignmentInline, DecisionInline, ScreeningInline


def refuse_unknown(list_filter, known):
    """A filter's value that names nothing (``?queue=bogus``) is refused as Django refuses any other wrong
    filter: the whole list again, with "?e=1" and a word (``smartcity.admin.NotFoundAdminMixin``)."""
    if list_filter.value() not in known:
        raise IncorrectLookupParameters(list_filter.parameter_name)


class DomainFilter(admin.SimpleListFilter):
    title = _("domain")
    parameter_name = "domain"

    def lookups(self, request, model_admin):
        return Domain.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        refuse_unknown(self, Domain.values)
        return queryset.filter(domain_codes__contains=f",{self.value()},")


class OverdueFilter(admin.SimpleListFilter):
    title = _("service level")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        refuse_unknown(self, ["yes"])
        return queryset.filter(clock.overdue_q())


class QueueFilter(admin.SimpleListFilter):
    """The work queues of the admin's index page, as a filter: its links lead here."""

    title = _("waiting for")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        roles = rules.staff_roles(request.user)
        return [(queue.key, queue.label) for queue in queues.APPLICATION_QUEUES if roles & queue.roles]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        refuse_unknown(self, queues.QUEUES_BY_KEY)
        return queues.QUEUES_BY_KEY[self.value()].select(queryset)


# The application search names at most this many matching organisations in its query (see
# ApplicationAdmin.get_search_results); beyond, it asks for them in a subquery.
SEARCH_ORGANISATIONS_LISTED = 1000
# Attachments shown in the page itself (in a frame or as an image), besides their download.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


@admin.register(Application)
class ApplicationAdmin(RulesAdmin):
    list_display = [
        "title",
        "organisation",
        "city_type",
        "status_label",
        "intake_round",
        "days",
        "submitted_at",
    ]
    list_filter = [
        QueueFilter,
        "status",
        "intake_round",
        "city_type",
        DomainFilter,
        "provinces__region",
        ("provinces", ProvinceListFilter),
        OverdueFilter,
    ]
    list_select_related = ["organisation", "intake_round"]
    show_full_result_count = False  # one COUNT per page, not two
    search_fields = ["title", "organisation__name_th", "organisation__name_en"]
    readonly_fields = [
        "organisation",
        "title",
        "city_type",
        "status_label",  # as the list and the queues say it ("screening passed: awaiting the committee")
        "state_entered_at",
        "domain_labels",
        "created_by",
        "submitted_at",
        "promotion_zone",
        "compare_link",
    ]
    fields = ["intake_round", *readonly_fields]
    autocomplete_fields = ["intake_round"]
    inlines = [
        AssignmentInline,
        ScreeningInline,
        DecisionInline,
    ]
    actions = [
        simple_action(review.start_screening, _("Start screening"), Status.SCREENING),
        decision_action(Status.PROMOTION_ZONE, _("Acknowledge as promotion zones (committee resolution)")),
        simple_action(review.start_evaluation, _("Start the evaluation of the plans"), Status.EVALUATION),
        decision_action(Status.RECOMMENDED, _("Recommend the plans (working group)")),
        decision_action(Status.SUBCOMMITTEE_APPROVED, _("Approve the plans (subcommittee resolution)")),
        decision_action(Status.ENDORSED, _("Endorse (committee resolution)")),
        decision_action(Status.REJECTED, _("Reject, with the reason")),
        award,
    ]

    def get_search_results(self, request, queryset, search_term):
        """Each word (or "quoted phrase") must be in the title or in the organisation's Thai or English
        name, as with search_fields. The organisations are looked up first, so that PostgreSQL can
        combine the title's trigram index with the organisation key instead of scanning every
        application joined to its organisation (at 100,000 applications on PostgreSQL: 267 ms a page, now
        34 ms). A word found in very many organisation names is looked up as a subquery instead. The
        fields searched are these, not search_fields (which only shows the search box)."""
        for term in smart_split(search_term):
            if term[0] in "\"'" and term[-1] == term[0]:
                term = unescape_string_literal(term)
            organisations = Organisation.objects.filter(
                Q(name_th__icontains=term) | Q(name_en__icontains=term)
            )
            ids = list(organisations.values_list("pk", flat=True)[: SEARCH_ORGANISATIONS_LISTED + 1])
            if len(ids) > SEARCH_ORGANISATIONS_LISTED:
                ids = organisations.values("pk")
            queryset = queryset.filter(Q(title__icontains=term) | Q(organisation__in=ids))
        return queryset, False

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {
            name: entry
            for name, entry in actions.items()
            if rules.may_ever_move(request.user, getattr(entry[0], "to_state", None))
        }

    def save_formset(self, request, form, formset, change):
        if formset.model is EvaluatorAssignment:
            # New rows only, through the service; the admin's change message reads these lists.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for assignment_form in formset.forms:
                evaluator = (
                    assignment_form.cleaned_data.get("evaluator") if assignment_form.has_changed() else None
                )
                if evaluator and not assignment_form.instance.pk:
                    try:
                        formset.new_objects.append(
                            review.assign_evaluator(form.instance, evaluator, actor=request.user)
                        )
                    except WorkflowError as exc:
                        messages.error(request, str(exc))
            return
        super().save_formset(request, form, formset, change)

    def get_queryset(self, request):
        return queues.with_latest_screening(super().get_queryset(request))

    def get_ordering(self, request):
        """A work queue lists the oldest first (the longest in its state)."""
        if request.GET.get(QueueFilter.parameter_name) and not request.GET.get("o"):
            return ["state_entered_at", "pk"]
        return super().get_ordering(request)

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        label = queues.status_label(obj)
        if clock.is_overdue(obj):
            return format_html('{} <strong class="overdue">⚠ {}</strong>', label, _("overdue"))
        return label

    @admin.display(description=_("working days in state"), ordering="state_entered_at")
    def days(self, obj):
        target = clock.target_days(obj)
        spent = clock.days_in_state(obj)
        return f"{spent} / {target}" if target else str(spent)

    def _next_steps(self, request, obj):
        links = []
        if obj.status == Status.SCREENING and rules.can_screen(request.user, obj):
            links.append(
                (reverse("admin:certification_application_screen", args=[obj.pk]), _("Record the screening"))
            )
        if rules.can_request_revisions(request.user, obj):
            links.append(
                (reverse("admin:certification_application_revisions", args=[obj.pk]), _("Ask for revisions"))
            )
        return links

    def _score_summary(self, request, obj):
        """The secretariat's summary; an evaluator sees it only after submitting their own."""
        if not rules.sees_score_summary(request.user, obj):
            return {"hidden": True}
        summary = selectors.score_summary(obj)
        summary["component_rows"] = [(Component(c).label, v) for c, v in summary["components"].items()]
        return summary

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["next_steps"] = self._next_steps(request, obj)
            context["summary"] = self._score_summary(request, obj)
            context["overdue"] = clock.is_overdue(obj)
            context["reading"] = selectors.application_reading(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("domains"))
    def domain_labels(self, obj):
        return ", ".join(str(Domain(code).label) for code in obj.domains) or "—"

    @admin.display(description=_("changes between versions"))
    def compare_link(self, obj):
        if obj.versions.count() < 2:
            return "—"
        url = reverse("admin:certification_application_versions", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Compare the submitted versions"))

    def get_urls(self):
        def view(func, name):
            return path(
                f"<int:pk>/{name}/",
                self.admin_site.admin_view(func),
                name=f"certification_application_{name}",
            )

        return [
            view(self.versions_view, "versions"),
            view(self.screen_view, "screen"),
            view(self.revisions_view, "revisions"),
            path(
                "<int:pk>/attachments/<int:attachment_pk>/",
                self.admin_site.admin_view(self.attachment_view),
                name="certification_application_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_view(self, request, pk, attachment_pk):
        """An attachment of an application the user may see: a download, or with ``?inline=1`` (PDFs
        and images) shown in the application's page."""
        application = self.visible_object(request, pk)
        attachment = get_object_or_404(application.attachments, pk=attachment_pk)
        inline = request.GET.get("inline") == "1" and attachment.content_type in INLINE_TYPES
        response = attachment_response(attachment, inline=inline)
        if inline:
            response["X-Frame-Options"] = "SAMEORIGIN"  # shown in a frame of the application's page
            response._csp_replace = {"frame-ancestors": ["'self'"]}  # the same, for django-csp
        return response

    def _render(self, request, template, application, title, **context):
        return self.render_page(request, template, title, application, application=application, **context)

    def screen_view(self, request, pk):
        application = self.visible_object(request, pk)
        if not rules.can_screen(request.user, application):
            raise Http404
        form = ScreeningForm(request.POST or None, sections=sections_for(application, Stage.PROPOSAL))
        if request.method == "POST" and form.is_valid():
            try:
                review.record_screening(
                    application,
                    actor=request.user,
                    outcome=form.cleaned_data["outcome"],
                    checklist=form.checklist(),
                    reason=form.cleaned_data["reason"],
                    section_requests=form.section_requests(),
                )
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, gettext("The screening was recorded."))
                return HttpResponseRedirect(reverse("admin:certification_application_change", args=[pk]))
        return self._render(
            request, "admin/certification/application/screen.html", application, _("Screening"), form=form
        )

    def revisions_view(self, request, pk):
        application = self.visible_object(request, pk)
        if not rules.can_request_revisions(request.user, application):
            raise Http404
        form = RevisionForm(request.POST or None, sections=sections_for(application, Stage.PLAN))
        if request.method == "POST" and form.is_valid():
            try:
                review.return_for_changes(
                    application,
                    actor=request.user,
                    requests=form.section_requests(),
                    note=form.cleaned_data["note"],
                )
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, gettext("The plan was sent back for revisions."))
                return HttpResponseRedirect(reverse("admin:certification_application_change", args=[pk]))
        return self._render(
            request,
            "admin/certification/application/revisions.html",
            application,
            _("Ask for revisions"),
            form=form,
        )

    def history_view(self, request, object_id, extra_context=None):
        """The application's history as sentences: our audit trail and the admin's own change log."""
        application = self.visible_object(request, object_id)
        everything = rules.sees_every_evaluation(request.user)
        entries = [
            (entry.created_at, describe(entry, for_applicant=False), entry.data.get("note", ""))
            for entry in application.audit_entries.select_related("actor")
            if everything or evaluators_may_read(entry, request.user)
        ]
        content_type = ContentType.objects.get_for_model(Application)
        # Evaluators read neither who else was assigned nor what they declared.
        hidden = () if everything else (EvaluatorAssignment._meta.label_lower,)
        for log in LogEntry.objects.filter(
            content_type=content_type, object_id=str(application.pk)
        ).select_related("user", "content_type"):
            change = change_sentence(log, hidden_models=hidden)
            if not change:
                continue
            actor = log.user.get_full_name() or log.user.get_username()
            entries.append(
                (
                    log.action_time,
                    gettext("%(actor)s edited the record: %(change)s") % {"actor": actor, "change": change},
                    "",
                )
            )
        entries.sort(key=lambda e: e[0])
        return self._render(
            request,
            "admin/certification/application/history.html",
            application,
            _("History"),
            entries=entries,
        )

    def versions_view(self, request, pk):
        application = self.visible_object(request, pk)
        versions = list(application.versions.order_by("number"))
        comparisons = [
            {"old": old, "new": new, "changes": selectors.diff_versions(old.snapshot, new.snapshot)}
            for old, new in pairwise(versions)
        ]
        return self._render(
            request,
            "admin/certification/application/versions.html",
            application,
            _("Changes between submitted versions"),
            comparisons=comparisons,
        )
