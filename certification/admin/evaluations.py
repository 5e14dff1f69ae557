"""An evaluator's own evaluations in the admin: the declaration of a conflict of interest (or none), then
the scores, the assessment of each domain and the recommendation."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cities.enums import Domain

from ..enums import Component, ConflictOfInterest
from ..models import EvaluatorAssignment
from ..services import review
from ..services.core import IncompleteApplication, WorkflowError
from .base import RulesAdmin
from .forms import DeclarationForm, EvaluationForm


@admin.register(EvaluatorAssignment)
class EvaluationAdmin(RulesAdmin):
    """An evaluator's own evaluations: declare a conflict of interest (or none), then score."""

    list_display = ["application", "evaluator", "conflict", "recommendation", "submitted_at"]
    list_filter = ["conflict", "recommendation"]
    list_select_related = ["application", "evaluator"]
    search_fields = ["application__title"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        assignment = self.visible_object(request, object_id)
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
            except (WorkflowError, IncompleteApplication) as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, gettext("Saved."))
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
            form=form,
            components=[(c.label, assignment.scores.get(c.value)) for c in Component],
            now=timezone.now(),
        )
