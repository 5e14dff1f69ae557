from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Organisation, Province


class ProvinceChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices in the order of the language active when the field is rendered (or validated), not
    when the form class was defined: Thai dictionary order in Thai, by English name in English."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for province in selectors.provinces_in_order(queryset=self.queryset):
            yield self.choice(province)


class ProvinceFieldMixin:
    iterator = ProvinceChoiceIterator

    def __init__(self, queryset=None, **kwargs):
        super().__init__(Province.objects.all() if queryset is None else queryset, **kwargs)


class ProvinceChoiceField(ProvinceFieldMixin, forms.ModelChoiceField):
    """One province, listed in the reader's order and named in the reader's language."""


class ProvinceMultipleChoiceField(ProvinceFieldMixin, forms.ModelMultipleChoiceField):
    """Several provinces, listed in the reader's order and named in the reader's language (the
    applicant's target area, for one)."""


class SignupForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"), max_length=150, help_text=_("As it should appear to the secretariat.")
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=150,
        help_text=_("You will log in with this address; we will send a confirmation link to it."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        # Whether the address already has an account is not said here, but by mail to the address
        # (cities.services.register_applicant): the form must not tell anyone who has an account.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned_data = super().clean()
        password1, password2 = cleaned_data.get("password1"), cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            mismatch = forms.ValidationError(_("The two passwords differ."), code="mismatch")
            self.add_error("password2", mismatch)
        elif password1:
            # Checked against the would-be account, so that a password like the name or address is refused.
            User = get_user_model()
            candidate = User(
                username=cleaned_data.get("email", ""),
                email=cleaned_data.get("email", ""),
                first_name=cleaned_data.get("name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name_th", "name_en", "org_type", "province", "registry_details_public"]
        labels = {
            "name_th": _("Name in Thai"),
            "name_en": _("Name in English"),
            "org_type": _("Type of organisation"),
            "registry_details_public": _("Show our contact and the text of our plan in the public registry"),
        }
        help_texts = {
            "name_en": _("Optional."),
            "registry_details_public": _(
                "Once an area of yours is certified, the public registry always shows the award (area, "
                "provinces, domains, round, validity, status). Untick to keep the contact and the plan's "
                "vision and goals out of it; the secretariat can change this later."
            ),
        }
        field_classes = {"province": ProvinceChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_en"].required = False

    def clean(self):
        cleaned_data = super().clean()
        name_th, province = cleaned_data.get("name_th"), cleaned_data.get("province")
        if name_th and province and Organisation.objects.filter(name_th=name_th, province=province).exists():
            # On the name, which also spares the reader Django's generic message for the constraint.
            self.add_error(
                "name_th",
                forms.ValidationError(
                    _("An organisation with this name is already registered in this province."),
                    code="duplicate_name",
                ),
            )
        return cleaned_data
