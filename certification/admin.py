"""The committee admin: the secretariat, the evaluators and the committee secretaries work here.

Every decision goes through the services (``core.transition`` and the use cases built on it); the
admin never sets a status itself. What a user sees follows their role: evaluators see only the plans
they are assigned to and have declared no conflict of interest for.
"""

from itertools import pairwise

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cities.enums import Domain
from cities.models import Organisation

from . import admin_documents, clock, rules, selectors, workflow
from .admin_forms import DecisionForm, DeclarationForm, EvaluationForm, RevisionForm, ScreeningForm
from .enums import Component, ConflictOfInterest, NotificationStatus, Role, Stage, Status
from .history import describe
from .models import (
    Application,
    ApplicationVersion,
    Attachment,
    ChecklistItem,
    Decision,
    EvaluatorAssignment,
    IntakeRound,
    Meeting,
    Notification,
    Resolution,
    Screening,
    Section,
)
from .sections import sections_for
from .services import core, outbox, review

SEES_EVERYTHING = {Role.SECRETARIAT, Role.COMMITTEE_SECRETARY, Role.OFFICIAL}


@admin.register(IntakeRound)
class IntakeRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "opens_on", "closes_on"]
    search_fields = ["year"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["text_th", "text_en", "order", "is_active"]
    list_editable = ["order", "is_active"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ["key", "is_complete", "version", "updated_at", "updated_by", "reopened", "reviewer_request"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["download", "kind", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file name"))
    def download(self, obj):
        url = reverse("admin:certification_application_attachment", args=[obj.application_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class VersionInline(ReadOnlyInline):
    model = ApplicationVersion
    fields = ["number", "stage", "submitted_by", "submitted_at"]
    readonly_fields = fields


class ScreeningInline(ReadOnlyInline):
    model = Screening
    fields = ["screened_at", "screened_by", "outcome", "reason"]
    readonly_fields = fields


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["decided_at", "from_state", "to_state", "resolution", "decided_by"]
    readonly_fields = fields


class AssignmentInline(admin.TabularInline):
    """The secretariat assigns evaluators here; the evaluation itself is the evaluator's own page."""

    model = EvaluatorAssignment
    fk_name = "application"
    extra = 0
    can_delete = False
    fields = ["evaluator", "conflict", "submitted_at", "recommendation", "weighted"]
    readonly_fields = ["conflict", "submitted_at", "recommendation", "weighted"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "evaluator":
            # Only working-group members can be assigned: a short list, so a plain choice.
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(groups__name=Role.EVALUATOR, is_active=True)
                .order_by("first_name")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return Role.SECRETARIAT in rules.staff_roles(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return bool(rules.staff_roles(request.user) & SEES_EVERYTHING)

    @admin.display(description=_("score"))
    def weighted(self, obj):
        if not obj.submitted_at:
            return "—"
        from django.conf import settings

        return f"{obj.weighted_score(settings.CERTIFICATION_COMPONENT_WEIGHTS):.1f}"


class DomainFilter(admin.SimpleListFilter):
    title = _("domain")
    parameter_name = "domain"

    def lookups(self, request, model_admin):
        return Domain.choices

    def queryset(self, request, queryset):
        if self.value() in Domain.values:
            return queryset.filter(domain_codes__contains=f",{self.value()},")
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("service level")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(clock.overdue_q())
        return queryset


def _decision_action(to_state, label):
    """An admin action recording a decision on the selected applications, citing one resolution."""
    bodies = workflow.RESOLUTION_REQUIRED.get(to_state) or workflow.RESOLUTION_ALLOWED.get(to_state, set())
    required = to_state in workflow.RESOLUTION_REQUIRED

    def action(modeladmin, request, queryset):
        form = DecisionForm(
            request.POST if "apply" in request.POST else None, bodies=bodies, resolution_required=required
        )
        if "apply" in request.POST and form.is_valid():
            try:
                review.decide(
                    list(queryset),
                    resolution=form.cleaned_data.get("resolution"),
                    to_state=to_state,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except core.WorkflowError as exc:
                modeladmin.message_user(request, str(exc), messages.ERROR)
            else:
                modeladmin.message_user(
                    request,
                    gettext("%(count)s application(s) moved to “%(state)s”.")
                    % {"count": len(queryset), "state": Status(to_state).label},
                    messages.SUCCESS,
                )
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": label,
            "opts": modeladmin.model._meta,
            "form": form,
            "applications": queryset,
            "action_name": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/certification/application/decide.html", context)

    action.__name__ = f"move_to_{to_state}"
    return admin.action(description=label)(action)


def _simple_action(service, label):
    def action(modeladmin, request, queryset):
        done = 0
        for application in queryset:
            try:
                service(application, actor=request.user)
                done += 1
            except core.WorkflowError as exc:
                modeladmin.message_user(request, f"{application}: {exc}", messages.ERROR)
        if done:
            modeladmin.message_user(request, gettext("Done for %(count)s application(s).") % {"count": done})

    action.__name__ = service.__name__
    return admin.action(description=label)(action)


# The application search names at most this many matching organisations in its query (see
# ApplicationAdmin.get_search_results); beyond, it asks for them in a subquery.
SEARCH_ORGANISATIONS_LISTED = 1000


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
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
        "status",
        "intake_round",
        "city_type",
        DomainFilter,
        "provinces__region",
        "provinces",
        OverdueFilter,
    ]
    list_select_related = ["organisation", "intake_round"]
    show_full_result_count = False  # one COUNT per page, not two
    search_fields = ["title", "organisation__name_th", "organisation__name_en"]
    readonly_fields = [
        "organisation",
        "title",
        "city_type",
        "status",
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
        SectionInline,
        AttachmentInline,
        VersionInline,
    ]
    actions = [
        _simple_action(review.start_screening, _("Start screening")),
        _decision_action(Status.PROMOTION_ZONE, _("Acknowledge as promotion zones (committee resolution)")),
        _simple_action(review.start_evaluation, _("Start the evaluation of the plans")),
        _decision_action(Status.RECOMMENDED, _("Recommend the plans (working group)")),
        _decision_action(Status.SUBCOMMITTEE_APPROVED, _("Approve the plans (subcommittee resolution)")),
        _decision_action(Status.ENDORSED, _("Endorse (committee resolution)")),
        _decision_action(Status.REJECTED, _("Reject, with the reason")),
        admin_documents.award_in_latest_round,
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

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        roles = rules.staff_roles(request.user)
        if roles & SEES_EVERYTHING:
            return queryset
        if Role.EVALUATOR in roles:
            return queryset.filter(
                Q(assignments__evaluator=request.user)
                & ~Q(assignments__conflict=ConflictOfInterest.CONFLICTED)
            )
        return queryset.none()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return bool(rules.staff_roles(request.user) & {Role.SECRETARIAT, Role.COMMITTEE_SECRETARY})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            return actions
        if Role.OFFICIAL in rules.staff_roles(request.user):  # officials award, nothing else
            return {name: action for name, action in actions.items() if name == "award_in_latest_round"}
        return {}

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
                    except core.WorkflowError as exc:
                        messages.error(request, str(exc))
            return
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        if clock.is_overdue(obj):
            return format_html(
                '{} <strong style="color:#b00">⚠ {}</strong>', obj.get_status_display(), _("overdue")
            )
        return obj.get_status_display()

    @admin.display(description=_("working days in state"))
    def days(self, obj):
        target = clock.target_days(obj)
        spent = clock.days_in_state(obj)
        return f"{spent} / {target}" if target else str(spent)

    def _next_steps(self, request, obj):
        links = []
        roles = rules.staff_roles(request.user)
        if obj.status == Status.SCREENING and Role.SECRETARIAT in roles:
            links.append(
                (reverse("admin:certification_application_screen", args=[obj.pk]), _("Record the screening"))
            )
        if obj.status in (Status.EVALUATION, Status.RECOMMENDED) and self.has_change_permission(request, obj):
            links.append(
                (reverse("admin:certification_application_revisions", args=[obj.pk]), _("Ask for revisions"))
            )
        return links

    def _score_summary(self, request, obj):
        """The secretariat's summary; an evaluator sees it only after submitting their own."""
        if not rules.staff_roles(request.user) & SEES_EVERYTHING:
            own = obj.assignments.filter(evaluator=request.user).first()
            if not (own and own.submitted_at):
                return {"hidden": True}
        summary = selectors.score_summary(obj)
        summary["component_rows"] = [(Component(c).label, v) for c, v in summary["components"].items()]
        return summary

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._visible(request, object_id)  # 404, like any object the user may not see
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["next_steps"] = self._next_steps(request, obj)
            context["summary"] = self._score_summary(request, obj)
            context["overdue"] = clock.is_overdue(obj)
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

    def _visible(self, request, pk):
        """The application if this user may see it; 404 otherwise (never 403: nothing is revealed)."""
        try:
            return get_object_or_404(self.get_queryset(request), pk=int(pk))
        except (TypeError, ValueError):
            raise Http404 from None

    def attachment_view(self, request, pk, attachment_pk):
        application = self._visible(request, pk)
        attachment = get_object_or_404(application.attachments, pk=attachment_pk)
        response = FileResponse(
            attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
            content_type=attachment.content_type,
        )  # fmt: skip
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def _render(self, request, template, application, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "application": application,
                "original": application,
                "title": title,
                **context,
            },
        )

    def screen_view(self, request, pk):
        application = self._visible(request, pk)
        if Role.SECRETARIAT not in rules.staff_roles(request.user):
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
            except core.WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, gettext("The screening was recorded."))
                return HttpResponseRedirect(reverse("admin:certification_application_change", args=[pk]))
        return self._render(
            request, "admin/certification/application/screen.html", application, _("Screening"), form=form
        )

    def revisions_view(self, request, pk):
        application = self._visible(request, pk)
        if not self.has_change_permission(request, application):
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
            except core.WorkflowError as exc:
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
        application = self._visible(request, object_id)
        entries = [
            (entry.created_at, describe(entry, for_applicant=False), entry.data.get("note", ""))
            for entry in application.audit_entries.select_related("actor")
        ]
        content_type = ContentType.objects.get_for_model(Application)
        for log in LogEntry.objects.filter(
            content_type=content_type, object_id=str(application.pk)
        ).select_related("user"):
            entries.append(
                (
                    log.action_time,
                    gettext("%(actor)s edited the record: %(change)s")
                    % {
                        "actor": log.user.get_full_name() or log.user.get_username(),
                        "change": log.get_change_message(),
                    },
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
        application = self._visible(request, pk)
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


@admin.register(EvaluatorAssignment)
class EvaluationAdmin(admin.ModelAdmin):
    """An evaluator's own evaluations: declare a conflict of interest (or none), then score."""

    list_display = ["application", "evaluator", "conflict", "recommendation", "submitted_at"]
    list_filter = ["conflict", "recommendation"]
    list_select_related = ["application", "evaluator"]
    search_fields = ["application__title"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if rules.staff_roles(request.user) & SEES_EVERYTHING:
            return queryset
        return queryset.filter(evaluator=request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.evaluator_id == request.user.pk

    def change_view(self, request, object_id, form_url="", extra_context=None):
        assignment = get_object_or_404(self.get_queryset(request).select_related("application"), pk=object_id)
        application = assignment.application
        mine = assignment.evaluator_id == request.user.pk
        form = None
        if mine and assignment.conflict == ConflictOfInterest.UNDECLARED:
            form = DeclarationForm(request.POST or None)
        elif mine and assignment.conflict == ConflictOfInterest.NONE and not assignment.submitted_at:
            form = EvaluationForm(
                request.POST or None, domains=[(c, Domain(c).label) for c in application.domains]
            )
        if request.method == "POST" and form is not None and form.is_valid():
            try:
                if isinstance(form, DeclarationForm):
                    review.declare_conflict(
                        assignment,
                        actor=request.user,
                        conflicted=form.cleaned_data["conflict"] == ConflictOfInterest.CONFLICTED,
                        note=form.cleaned_data["note"],
                    )
                else:
                    review.submit_evaluation(
                        assignment,
                        actor=request.user,
                        scores=form.scores(),
                        domain_assessments=form.domain_assessments(),
                        recommendation=form.cleaned_data["recommendation"],
                        comment=form.cleaned_data["comment"],
                    )
            except (core.WorkflowError, core.IncompleteApplication) as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, gettext("Saved."))
                return HttpResponseRedirect(request.path)
        assignment.refresh_from_db()
        visible = assignment.conflict != ConflictOfInterest.CONFLICTED or not mine
        return TemplateResponse(
            request,
            "admin/certification/evaluation.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": assignment,
                "assignment": assignment,
                "application": application if visible else None,
                "form": form,
                "title": _("Evaluation"),
                "components": [(c.label, assignment.scores.get(c.value)) for c in Component],
                "now": timezone.now(),
            },
        )


class ResolutionInline(admin.StackedInline):
    model = Resolution
    extra = 1
    fields = ["number", "text"]
    can_delete = False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "date"]
    list_filter = ["body", "year"]
    search_fields = ["agenda", "resolutions__text"]
    inlines = [ResolutionInline]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        today = timezone.localdate()
        initial.setdefault("year", today.year + 543)
        initial.setdefault("date", today)
        return initial

    def save_formset(self, request, form, formset, change):
        if formset.model is not Resolution:
            return super().save_formset(request, form, formset, change)
        for resolution_form in formset.forms:
            data = resolution_form.cleaned_data
            if not data or not resolution_form.has_changed():
                continue
            if resolution_form.instance.pk:
                resolution_form.save()
            else:
                review.record_resolution(
                    form.instance, actor=request.user, text=data["text"], number=data.get("number")
                )
        return None


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "text", "recorded_at"]
    list_filter = ["meeting__body", "meeting__year"]
    list_select_related = ["meeting"]
    search_fields = ["text"]
    readonly_fields = ["recorded_by", "recorded_at"]
    inlines = [DecisionInline]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            created = review.record_resolution(
                obj.meeting, actor=request.user, text=obj.text, number=obj.number
            )
            obj.pk = created.pk


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: mail about decisions waits here until the secretariat reads, edits and releases it."""

    list_display = ["subject", "application", "status", "created_at", "released_at"]
    list_filter = ["status"]
    list_select_related = ["application"]
    search_fields = ["subject", "application__title"]
    fields = [
        "application",
        "event",
        "recipients",
        "subject",
        "body",
        "status",
        "released_by",
        "released_at",
        "error",
    ]
    actions = ["release", "discard"]

    def get_readonly_fields(self, request, obj=None):
        locked = ["application", "event", "status", "released_by", "released_at", "error"]
        if obj is None or obj.status in (NotificationStatus.HELD, NotificationStatus.FAILED):
            return locked
        return [*locked, "recipients", "subject", "body"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Release: send the selected mail"))
    def release(self, request, queryset):
        for notification in queryset:
            try:
                sent = outbox.release_notification(notification, actor=request.user)
            except core.WorkflowError as exc:
                self.message_user(request, f"{notification}: {exc}", messages.ERROR)
            else:
                level = messages.SUCCESS if sent.status == NotificationStatus.SENT else messages.ERROR
                self.message_user(request, f"{sent}: {sent.get_status_display()} {sent.error}", level)

    @admin.action(description=_("Discard the selected mail"))
    def discard(self, request, queryset):
        for notification in queryset:
            try:
                outbox.discard_notification(notification, actor=request.user)
            except core.WorkflowError as exc:
                self.message_user(request, f"{notification}: {exc}", messages.ERROR)
