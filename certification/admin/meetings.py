"""Intake rounds, the screening checklist, and the meetings of the bodies with their resolutions."""

from django.contrib import admin
from django.utils import timezone

from ..models import ChecklistItem, IntakeRound, Meeting, Resolution
from ..services import review
from .base import RulesAdmin
from .inlines import DecisionInline


@admin.register(IntakeRound)
class IntakeRoundAdmin(RulesAdmin):
    list_display = ["__str__", "opens_on", "closes_on"]
    search_fields = ["year"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(RulesAdmin):
    list_display = ["text_th", "text_en", "order", "is_active"]
    list_editable = ["order", "is_active"]


class ResolutionInline(admin.StackedInline):
    model = Resolution
    extra = 1
    fields = ["number", "text"]
    can_delete = False


@admin.register(Meeting)
class MeetingAdmin(RulesAdmin):
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
class ResolutionAdmin(RulesAdmin):
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
