"""Renewal and revocation in the admin: the requests for renewal wait here for the national committee;
the staff who record its decisions renew them (in a round they choose) or decline them, citing its
resolution, and revoke an award by resolution from the award list. Every change goes through
``services.renewals`` and ``services.awards``."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from .. import progress, rules
from ..enums import Body
from ..models import AwardRound, Renewal, Resolution
from ..services import awards, renewals
from ..services.core import WorkflowError
from .base import RulesAdmin
from .forms import ResolutionChoiceField


def committee_resolutions():
    return (
        Resolution.objects.filter(meeting__body=Body.COMMITTEE)
        .select_related("meeting")
        .order_by("-meeting__date", "meeting__number", "number")
    )


class CommitteeDecisionForm(forms.Form):
    resolution = ResolutionChoiceField(
        label=_("Resolution of the national committee"), queryset=Resolution.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].queryset = committee_resolutions()


class RenewForm(CommitteeDecisionForm):
    round = forms.ModelChoiceField(
        label=_("Award round of the renewal"),
        queryset=AwardRound.objects.order_by("-year"),
        help_text=_("The new certificate and plaque take their serials and validity from this round."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].initial = (
            AwardRound.objects.order_by("-year").values_list("pk", flat=True).first()
        )


class ReasonedDecisionForm(CommitteeDecisionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


def _decision_page(modeladmin, request, title, form, items, intro):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "items": items,
        "intro": intro,
        "action_name": request.POST.get("action"),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "threshold": settings.CERTIFICATION_RENEWAL_THRESHOLD,
    }
    return TemplateResponse(request, "admin/certification/renewal/decide.html", context)


def _apply_each(modeladmin, request, items, act, done_message):
    done = 0
    for item in items:
        try:
            act(item)
        except WorkflowError as error:
            modeladmin.message_user(request, f"{item}: {error}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


@admin.action(description=gettext_lazy("Renew by a resolution of the committee…"), permissions=["decide"])
def renew(modeladmin, request, queryset):
    """Asks for the resolution and the round, lists the requests (their progress against the threshold),
    and renews each on confirmation; the new documents are then rendered by the workers."""
    form = RenewForm(request.POST if "apply" in request.POST else None)
    items = list(queryset.select_related("award__certified_city"))
    if "apply" in request.POST and form.is_valid():
        data = form.cleaned_data
        _apply_each(
            modeladmin,
            request,
            items,
            lambda renewal: renewals.renew(
                renewal,
                actor=request.user,
                resolution=data["resolution"],
                award_round=data["round"],
                note=data["note"],
            ),
            gettext("%(count)s award(s) renewed; their new documents are being rendered."),
        )
        return None
    intro = gettext("These requests will be renewed, each with a new award, certificate and plaque:")
    return _decision_page(modeladmin, request, gettext("Renew the certification"), form, items, intro)


@admin.action(description=gettext_lazy("Decline by a resolution of the committee…"), permissions=["decide"])
def decline(modeladmin, request, queryset):
    form = ReasonedDecisionForm(request.POST if "apply" in request.POST else None)
    items = list(queryset.select_related("award__certified_city"))
    if "apply" in request.POST and form.is_valid():
        data = form.cleaned_data
        _apply_each(
            modeladmin,
            request,
            items,
            lambda renewal: renewals.decline(
                renewal, actor=request.user, resolution=data["resolution"], reason=data["reason"]
            ),
            gettext("%(count)s request(s) declined."),
        )
        return None
    intro = gettext("These requests will be declined; the awards run to their end:")
    return _decision_page(modeladmin, request, gettext("Decline the renewal"), form, items, intro)


@admin.action(description=gettext_lazy("Revoke by a resolution of the committee…"), permissions=["revoke"])
def revoke_by_resolution(modeladmin, request, queryset):
    """Revokes the selected awards, with the committee's resolution and the reason."""
    if not rules.can_revoke_award(request.user):
        raise Http404
    form = ReasonedDecisionForm(request.POST if "apply" in request.POST else None)
    items = list(queryset.select_related("certified_city", "round"))
    if "apply" in request.POST and form.is_valid():
        data = form.cleaned_data
        _apply_each(
            modeladmin,
            request,
            items,
            lambda award: awards.revoke_award(
                award, actor=request.user, resolution=data["resolution"], reason=data["reason"]
            ),
            gettext("%(count)s award(s) revoked."),
        )
        return None
    intro = gettext(
        "These awards will be revoked, with their registry records and current documents (their "
        "verification pages will say so, with the reason):"
    )
    return _decision_page(modeladmin, request, gettext("Revoke the award"), form, items, intro)


@admin.register(Renewal)
class RenewalAdmin(RulesAdmin):
    list_display = [
        "area",
        "requested_at",
        "progress",
        "above_threshold",
        "status",
        "resolution",
        "valid_until",
    ]
    list_filter = ["status"]
    list_select_related = ["award__certified_city", "resolution__meeting", "new_award"]
    search_fields = ["award__certified_city__name_th", "award__certified_city__name_en"]
    readonly_fields = [f.name for f in Renewal._meta.fields]
    actions = [renew, decline]

    def has_decide_permission(self, request):
        return rules.decides_for_the_bodies(request.user) and rules.may(request.user, "view", Renewal)

    @admin.display(description=_("area"), ordering="award__certified_city__name_th")
    def area(self, obj):
        return obj.award.certified_city.name_th

    @admin.display(description=_("above the threshold"), boolean=True)
    def above_threshold(self, obj):
        return progress.above_threshold(obj.progress)

    @admin.display(description=_("renewed until"))
    def valid_until(self, obj):
        return obj.new_award.valid_until if obj.new_award else None
