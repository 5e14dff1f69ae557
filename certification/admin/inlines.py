"""What an application's admin page shows below its record and its content: evaluators (the secretariat
assigns them here), screenings and decisions."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..enums import Role
from ..models import Decision, EvaluatorAssignment, Screening
from .base import ReadOnlyInline


class ScreeningInline(ReadOnlyInline):
    model = Screening
    fields = ["screened_at", "screened_by", "outcome", "reason", "answers"]
    readonly_fields = fields

    @admin.display(description=_("checklist"))
    def answers(self, screening):
        """Each criterion as it read at the screening, whether it was met, and the note written on it."""
        rows = (
            (
                answer.get("text", ""),
                _("met") if answer.get("met") else _("not met"),
                format_html(" — <em>{}</em>", answer["note"]) if answer.get("note") else "",
            )
            for answer in (screening.checklist or {}).values()
        )
        return format_html(
            '<ul class="screening-checklist">{}</ul>', format_html_join("", "<li>{}: {}{}</li>", rows)
        )


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["decided_at", "from_state", "to_state", "resolution", "decided_by"]
    readonly_fields = fields


def full_name(user):
    """A staff member as people know them: their name, and their address to tell two namesakes apart."""
    name = user.get_full_name() or user.get_username()
    return f"{name} ({user.email})" if user.email else name


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
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "evaluator":
            field.label_from_instance = full_name
        return field

    def get_queryset(self, request):
        """Evaluators see their own row only: not who else evaluates, what they declared or scored."""
        return rules.visible(request.user, super().get_queryset(request))

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
