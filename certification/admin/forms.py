"""Forms of the committee admin's decision pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import Component, ConflictOfInterest, Recommendation, ScreeningOutcome
from ..models import AwardRound, ChecklistItem, Resolution


class ResolutionChoiceField(forms.ModelChoiceField):
    """Resolutions shown with their meeting, number and text, so that staff cite the right one."""

    def label_from_instance(self, obj):
        text = " ".join(obj.text.split())
        return f"{obj} — {text[:120]}{'…' if len(text) > 120 else ''}"


class DecisionForm(forms.Form):
    """A body's decision on the selected applications, citing one resolution."""

    resolution = ResolutionChoiceField(
        label=_("Resolution"),
        queryset=Resolution.objects.none(),
        required=False,
        # Said, for a resolution of a meeting set for a later date is silently missing from the list.
        help_text=_(
            "Only resolutions of meetings already held are listed; the meeting's agenda must include "
            "the applications decided."
        ),
    )
    note = forms.CharField(
        label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, bodies=(), resolution_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["resolution"]
        field.queryset = (
            # Only meetings already held: a resolution is cited once it has been taken.
            Resolution.objects.filter(meeting__body__in=bodies, meeting__date__lte=timezone.localdate())
            .select_related("meeting")
            .order_by("-meeting__date", "meeting__number", "number")
        )
        field.required = resolution_required
        if not bodies:
            del self.fields["resolution"]


class AwardForm(forms.Form):
    """The round in which the selected applications receive the logo (the latest by default)."""

    round = forms.ModelChoiceField(label=_("Award round"), queryset=AwardRound.objects.order_by("-year"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].initial = (
            AwardRound.objects.order_by("-year").values_list("pk", flat=True).first()
        )


class SectionRequestsForm(forms.Form):
    """A form with one "what must change" field per section; only sections given a request reopen."""

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.section_keys = [spec.key for spec in sections]
        for spec in sections:
            self.fields[f"request_{spec.key}"] = forms.CharField(
                label=spec.title, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def section_requests(self):
        return {key: self.cleaned_data[f"request_{key}"] for key in self.section_keys}


class ScreeningForm(SectionRequestsForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ScreeningOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason or comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(ChecklistItem.objects.filter(is_active=True))
        for item in self.criteria:
            self.fields[f"met_{item.pk}"] = forms.BooleanField(label=item.text_th, required=False)
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"placeholder": _("Note"), "size": 50}),
            )

    def checklist_rows(self):
        """Each criterion with its two fields, bound: what was ticked and typed comes back with its
        errors when the form is refused."""
        return [(item, self[f"met_{item.pk}"], self[f"note_{item.pk}"]) for item in self.criteria]

    def request_fields(self):
        return [self[f"request_{key}"] for key in self.section_keys]

    def checklist(self):
        return {
            str(item.pk): {
                "met": self.cleaned_data[f"met_{item.pk}"],
                "note": self.cleaned_data[f"note_{item.pk}"],
            }
            for item in self.criteria
        }


class RevisionForm(SectionRequestsForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeclarationForm(forms.Form):
    conflict = forms.ChoiceField(
        label=_("Conflict of interest"),
        choices=[(ConflictOfInterest.NONE, ConflictOfInterest.NONE.label),
                 (ConflictOfInterest.CONFLICTED, ConflictOfInterest.CONFLICTED.label)],
        widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(label=_("Declaration"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EvaluationForm(forms.Form):
    """The scores, the assessment of each domain and the recommendation. Saved as a draft as it
    stands; everything is required, and the evaluator's confirmation, only to submit."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=[("", "—"), *Recommendation.choices], required=False
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(
        label=_("My evaluation is final: once submitted it can no longer be changed."), required=False
    )

    def __init__(self, *args, domains=(), submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        confirm = self.fields.pop("confirm")
        for component in Component:
            self.fields[f"score_{component.value}"] = forms.IntegerField(
                label=_("%(component)s (0–100)") % {"component": component.label},
                min_value=0,
                max_value=100,
                required=False,
            )
        self.domains = list(domains)
        for code, label in self.domains:
            self.fields[f"domain_{code}"] = forms.CharField(
                label=_("Assessment: %(domain)s") % {"domain": label},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
        self.fields["recommendation"] = self.fields.pop("recommendation")
        self.fields["comment"] = self.fields.pop("comment")
        self.fields["confirm"] = confirm

    @classmethod
    def initial_from(cls, assignment):
        """The draft as saved, to go on with it."""
        return {
            **{f"score_{c}": v for c, v in assignment.scores.items()},
            **{f"domain_{c}": v for c, v in assignment.domain_assessments.items()},
            "recommendation": assignment.recommendation,
            "comment": assignment.comment,
        }

    def clean(self):
        data = super().clean()
        if self.submitting:
            for name in self.fields:
                if name != "comment" and data.get(name) in (None, "", False) and name not in self.errors:
                    message = (
                        _("Confirm that your evaluation is final.")
                        if name == "confirm"
                        else _("Required to submit.")
                    )
                    self.add_error(name, message)
        return data

    def scores(self):
        return {c: self.cleaned_data[f"score_{c}"] for c in Component.values}

    def domain_assessments(self):
        return {code: self.cleaned_data[f"domain_{code}"] for code, _label in self.domains}
