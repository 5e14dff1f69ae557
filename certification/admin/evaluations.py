"""An evaluator's own evaluations in the admin: the declaration of a conflict of interest (or none), then
the scores, the assessment of each domain and the recommendation."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cities.enums import Domain

from .. import selectors
from ..enums import Component, ConflictOfInterest
from ..models import EvaluatorAssignment
from ..services import review
from ..services.core import IncompleteApplication, WorkflowError
from .base import RulesAdmin
from .forms import DeclarationForm, EvaluationForm


class ProgressFilter(admin.SimpleListFilter):
    """Where an evaluation stands: the admin index links here for what waits for an evaluator."""

    title = _("progress")
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [
            ("undeclared", _("Interests not declared yet")),
            ("draft", _("Being evaluated (draft)")),
            ("submitted", _("Submitted")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "undeclared":
            return queryset.filter(conflict=ConflictOfInterest.UNDECLARED)
        if self.value() == "draft":
            return queryset.filter(conflict=ConflictOfInterest.NONE, submitted_at=None)
        if self.value() == "submitted":
            return queryset.exclude(submitted_at=None)
        return queryset


@admin.register(EvaluatorAssignment)
class EvaluationAdmin(RulesAdmin):
    """An evaluator's own evaluations: declare a conflict of interest (or none), then score."""

    list_display = ["application", "evaluator_name", "conflict", "recommendation", "submitted_at"]
    list_filter = [ProgressFilter, "conflict", "recommendation"]
    list_select_related = ["application", "evaluator"]
    search_fields = ["application__title"]

    @admin.display(description=_("evaluator"), ordering="evaluator__first_name")
    def evaluator_name(self, obj):
        return obj.evaluator.get_full_name() or obj.evaluator.get_username()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        assignment = self.visible_object(request, object_id)
        application = assignment.application
        mine = assignment.evaluator_id == request.user.pk
        submitting = request.POST.get("action") == "submit"
        form = None
        if mine and assignment.conflict == ConflictOfInterest.UNDECLARED:
            form = DeclarationForm(request.POST or None)
        elif mine and assignment.conflict == ConflictOfInterest.NONE and not assignment.submitted_at:
            form = EvaluationForm(
                request.POST or None,
                initial=EvaluationForm.initial_from(assignment),
                domains=[(c, Domain(c).label) for c in application.domains],
                submitting=submitting,
            )
        if request.method == "POST" and form is not None and form.is_valid():
            try:
                done = self._save(request, assignment, form, submitting)
            except (WorkflowError, IncompleteApplication) as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(request.path)
        assignment.refresh_from_db()
        visible = assignment.conflict != ConflictOfInterest.CONFLICTED or not mine
        return self.render_page(
            request,
            "admin/certification/evaluation.html",
            _("Evaluation"),
            assignment,
            assignment=assignment,
            application=application if visible else None,
            reading=selectors.application_reading(application) if visible else None,
            form=form,
            components=[(c.label, assignment.scores.get(c.value)) for c in Component],
            now=timezone.now(),
        )

    def _save(self, request, assignment, form, submitting):
        """Records the declaration, the draft or the submitted evaluation; returns what to tell the user."""
        if isinstance(form, DeclarationForm):
            review.declare_conflict(
                assignment,
                actor=request.user,
                conflicted=form.cleaned_data["conflict"] == ConflictOfInterest.CONFLICTED,
                note=form.cleaned_data["note"],
            )
            return gettext("Your declaration was recorded.")
        values = {
            "scores": form.scores(),
            "domain_assessments": form.domain_assessments(),
            "recommendation": form.cleaned_data["recommendation"],
            "comment": form.cleaned_data["comment"],
        }
        if submitting:
            review.submit_evaluation(assignment, actor=request.user, **values)
            return gettext("Your evaluation was submitted.")
        review.save_evaluation_draft(assignment, actor=request.user, **values)
        return gettext("Your draft was saved; you can come back to it.")
