"""Intake rounds, the screening checklist, and the meetings of the bodies with their resolutions."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.thaidate import be_year

from .. import selectors
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


class ResolutionForm(forms.ModelForm):
    class Meta:
        model = Resolution
        fields = ["number", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "number"
        ].required = False  # its label: the field's own, "มติที่" as on the resolution's page
        self.fields["number"].help_text = _("Leave empty for the next number.")


class ResolutionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        numbers = [
            f.cleaned_data["number"]
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("number") and not f.cleaned_data.get("DELETE")
        ]
        if self.instance.pk:  # two numbers alike among the forms: Django's formset says so itself
            taken = self.instance.resolutions.filter(number__in=numbers).exclude(
                pk__in=[f.instance.pk for f in self.forms if f.instance.pk]
            )
            if taken.exists():
                raise forms.ValidationError(
                    _("The meeting already has a resolution number %(number)s.")
                    % {"number": taken.first().number}
                )


class ResolutionInline(admin.StackedInline):
    model = Resolution
    form = ResolutionForm
    formset = ResolutionFormSet
    extra = 1
    can_delete = False


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["body", "year", "number", "date", "agenda", "applications"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].label = _("Meeting number")
        self.fields["number"].help_text = _("Leave empty for the next number of this body in this year.")

    def clean(self):
        data = super().clean()
        if data.get("body") and data.get("year") and not data.get("number"):
            data["number"] = selectors.next_meeting_number(data["body"], data["year"])
            self.instance.number = data["number"]
        return data


@admin.register(Meeting)
class MeetingAdmin(RulesAdmin):
    """A numbered meeting of a body (“ครั้งที่ 2/2569”), the applications on its agenda and its
    resolutions; the resolutions are recorded through the services, so they are audited."""

    form = MeetingForm
    list_display = ["__str__", "body", "date", "agenda_count", "resolution_count"]
    list_filter = ["body", "year"]
    search_fields = ["agenda", "resolutions__text", "applications__title"]
    autocomplete_fields = ["applications"]
    inlines = [ResolutionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                agenda_total=Count("applications", distinct=True),
                resolution_total=Count("resolutions", distinct=True),
            )
        )

    @admin.display(description=_("applications on the agenda"), ordering="agenda_total")
    def agenda_count(self, obj):
        return obj.agenda_total

    @admin.display(description=_("resolutions"), ordering="resolution_total")
    def resolution_count(self, obj):
        return obj.resolution_total

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        today = timezone.localdate()
        initial.setdefault("year", be_year(today))
        initial.setdefault("date", today)
        return initial

    def save_formset(self, request, form, formset, change):
        if formset.model is not Resolution:
            return super().save_formset(request, form, formset, change)
        # Through the services; Django's change message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for resolution_form in formset.forms:
            data = resolution_form.cleaned_data
            if not data or not resolution_form.has_changed():
                continue
            if resolution_form.instance.pk:
                number = data.get("number") or resolution_form.instance.number
                changed = review.change_resolution(
                    resolution_form.instance, actor=request.user, text=data["text"], number=number
                )
                formset.changed_objects.append((changed, resolution_form.changed_data))
            else:
                formset.new_objects.append(
                    review.record_resolution(
                        form.instance, actor=request.user, text=data["text"], number=data.get("number")
                    )
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
        """Through the services: numbered next when no number is given, audited."""
        if change:
            review.change_resolution(obj, actor=request.user, text=obj.text, number=obj.number)
        else:
            created = review.record_resolution(
                obj.meeting, actor=request.user, text=obj.text, number=obj.number
            )
            obj.pk = created.pk
