"""Forms of the committee admin's decision pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..enums import Component, ConflictOfInterest, Recommendation, ScreeningOutcome
from ..models import ChecklistItem, Resolution


class DecisionForm(forms.Form):
    """A body's decision on the selected applications, citing one resolution."""

    resolution = forms.ModelChoiceField(
        label=_("Resolution"), queryset=Resolution.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, bodies=(), resolution_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["resolution"]
        field.queryset = Resolution.objects.filter(meeting__body__in=bodies).select_related("meeting")
        field.required = resolution_required
        if not bodies:
            del self.fields["resolution"]


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
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("Note"), required=False, max_length=500)

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
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=Recommendation.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, domains=(), **kwargs):
        super().__init__(*args, **kwargs)
        for component in Component:
            self.fields[f"score_{component.value}"] = forms.IntegerField(
                label=_("%(component)s (0–100)") % {"component": component.label}, min_value=0, max_value=100
            )
        self.domains = list(domains)
        for code, label in self.domains:
            self.fields[f"domain_{code}"] = forms.CharField(
                label=_("Assessment: %(domain)s") % {"domain": label},
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def scores(self):
        return {c: self.cleaned_data[f"score_{c}"] for c in Component.values}

    def domain_assessments(self):
        return {code: self.cleaned_data[f"domain_{code}"] for code, _label in self.domains}
