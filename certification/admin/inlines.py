"""What an application's admin page shows below its record: evaluators (the secretariat assigns them
here), screenings, decisions, sections, attachments and submitted versions."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..enums import Role
from ..models import ApplicationVersion, Attachment, Decision, EvaluatorAssignment, Screening, Section
from .base import ReadOnlyInline


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
        return rules.can_assign_evaluators(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return rules.may(request.user, "view", EvaluatorAssignment)

    @admin.display(description=_("score"))
    def weighted(self, obj):
        if not obj.submitted_at:
            return "—"
        return f"{obj.weighted_score(settings.CERTIFICATION_COMPONENT_WEIGHTS):.1f}"
