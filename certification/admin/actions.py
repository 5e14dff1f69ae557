"""The decision actions of the application list: one resolution deciding the selected applications, one
service applied to each of them, or the award in a round. Each action names the state it moves
applications to (``to_state``), and the list offers it only to the roles the workflow lets make that
move (``rules.may_ever_move``)."""

from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy

from .. import queues, selectors, workflow
from ..enums import Status
from ..services import awards, review
from ..services.core import WorkflowError
from .forms import AwardForm, DecisionForm


def decision_action(to_state, label):
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
            except WorkflowError as exc:
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
            "applications": [(application, queues.status_label(application)) for application in queryset],
            "action_name": request.POST.get("action"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/certification/application/decide.html", context)

    action.__name__ = f"move_to_{to_state}"
    action.to_state = to_state
    return admin.action(description=label)(action)


def simple_action(service, label, to_state):
    def action(modeladmin, request, queryset):
        done = 0
        for application in queryset:
            try:
                service(application, actor=request.user)
                done += 1
            except WorkflowError as exc:
                modeladmin.message_user(request, f"{application}: {exc}", messages.ERROR)
        if done:
            modeladmin.message_user(request, gettext("Done for %(count)s application(s).") % {"count": done})

    action.__name__ = service.__name__
    action.to_state = to_state
    return admin.action(description=label)(action)


@admin.action(description=gettext_lazy("Award the selected endorsed applications in a round…"))
def award(modeladmin, request, queryset):
    """Asks for the round, lists what will be awarded (and what cannot be), and awards on confirmation;
    the documents are then rendered by the workers (see the round's documents page)."""
    applications = list(queryset.select_related("organisation"))
    form = AwardForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        award_round = form.cleaned_data["round"]
        done = []
        for application in applications:
            try:
                awards.award(application, award_round, actor=request.user)
            except WorkflowError as error:
                modeladmin.message_user(request, f"{application}: {error}", messages.ERROR)
            else:
                done.append(application)
        if done:
            modeladmin.message_user(
                request,
                gettext("%(count)s application(s) awarded in the round of %(year)s.")
                % {"count": len(done), "year": award_round.year},
                messages.SUCCESS,
            )
            modeladmin.message_user(request, *_rendering_news())
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Award the logo"),
        "opts": modeladmin.model._meta,
        "form": form,
        "awardable": [a for a in applications if a.status == Status.ENDORSED],
        # What the official should know before choosing: rounds whose documents would print unsigned.
        "round_problems": [
            (award_round, problems)
            for award_round in form.fields["round"].queryset.prefetch_related("signatories")
            if (problems := selectors.round_problems(award_round))
        ],
        "not_awardable": [(a, queues.status_label(a)) for a in applications if a.status != Status.ENDORSED],
        "action_name": request.POST.get("action"),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/certification/application/award.html", context)


award.to_state = Status.AWARDED


def _rendering_news():
    """What the official is told about the documents just issued: queued for the workers, or waiting
    for them (the broker does not answer; the sweeper sends them when it does)."""
    from smartcity.health import check_broker

    try:
        check_broker()
    except Exception:  # noqa: BLE001 - any failure means the same for the official
        minutes = max(1, settings.CELERY_BEAT_SCHEDULE["requeue-documents"]["schedule"] // 60)
        return (
            gettext(
                "Their certificates and plaques are queued, but the rendering service cannot be reached "
                "just now: they will be rendered once it is back (it is checked every %(minutes)s minutes). "
                "Nothing needs to be done again."
            )
            % {"minutes": minutes},
            messages.WARNING,
        )
    return gettext("Their certificates and plaques are queued for rendering."), messages.INFO
