from django import forms
from django.utils.translation import gettext_lazy as _

from cities.enums import CityType
from cities.models import Organisation

from .enums import AttachmentKind, Status
from .geo import validate_boundary


class ApplicationCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title of the proposal"), max_length=255)
    city_type = forms.ChoiceField(
        label=_("City type"),
        choices=CityType.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Livable City: an existing city made better to live in (at least %(livable)s domains). "
            "New City: a new development on land not yet built as a city (at least %(new)s domains)."
        ),
    )

    def __init__(self, *args, user, organisation=None, **kwargs):
        from .sections import minimum_domains

        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(memberships__user=user).order_by("name_th")
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
        elif organisation is not None and organisation in organisations:
            self.fields["organisation"].initial = organisation.pk
        field = self.fields["city_type"]
        field.help_text = field.help_text % minimum_domains()


class DashboardFilterForm(forms.Form):
    """What the applicant's dashboard is narrowed to: words, a state or group of states, an organisation."""

    STATES = [
        ("", _("All")),
        ("writing", _("For us to write or revise")),
        ("with_programme", _("With the secretariat and the committees")),
        ("closed", _("Closed")),
    ]

    q = forms.CharField(label=_("Search by title, province or organisation"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=STATES, widget=forms.Select(attrs={"class": "form-select"})
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [*self.STATES, *Status.choices]
        self.fields["organisation"].queryset = Organisation.objects.filter(memberships__user=user).order_by(
            "name_th"
        )


class BoundaryFileForm(forms.Form):
    boundary_file = forms.FileField(
        label=_("Upload the boundary as a file"),
        help_text=_("GeoJSON (.geojson, .json) or KML (.kml) exported from a map program, 2 MB at most."),
        error_messages={"required": _("Choose a file to upload."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,.kml"}),
    )


class BoundaryUseForm(forms.Form):
    boundary_geojson = forms.CharField(widget=forms.HiddenInput, strip=True)

    def clean_boundary_geojson(self):
        text = self.cleaned_data["boundary_geojson"]
        validate_boundary(text)
        return text


class AttachmentForm(forms.Form):
    def __init__(self, *args, **kwargs):
        from django.conf import settings
        from django.template.defaultfilters import filesizeformat

        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.help_text = field.help_text % {"size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}

    kind = forms.ChoiceField(label=_("What is it?"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG, %(size)s at most."),
        error_messages={"required": _("Choose a file to upload."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that a withdrawn application cannot be reopened."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
