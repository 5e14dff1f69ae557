from django import forms
from django.utils.translation import gettext_lazy as _

from cities.enums import CityType
from cities.models import Organisation

from .enums import AttachmentKind


class ApplicationCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title of the proposal"), max_length=255)
    city_type = forms.ChoiceField(label=_("City type"), choices=CityType.choices, widget=forms.RadioSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(memberships__user=user).order_by("name_th")
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG."),
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
