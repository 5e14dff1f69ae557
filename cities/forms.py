from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from . import selectors
from .enums import Domain
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


# The names people type for provinces whose official names they rarely write out in full.
PROVINCE_SHORT_NAMES = {"10": "กทม. กทม Krung Thep", "30": "โคราช Korat"}


class ProvincePicker(forms.SelectMultiple):
    """Several provinces as checkboxes grouped by region (north to south), each region a ``<details>``
    opened when it holds a chosen province, with a filter box that static/js/province-picker.js brings
    to life: typing "เชียง" or "Chiang" leaves Chiang Mai and Chiang Rai. Without JavaScript it is a
    plain list of checkboxes in the same order, which posts the same values."""

    template_name = "cities/widgets/province_picker.html"
    option_template_name = ""
    input_type = "checkbox"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        provinces = selectors.provinces_in_order(queryset=Province.objects.select_related("region"))
        groups = {}
        for province in provinces:
            groups.setdefault(province.region_id, (province.region, []))[1].append(
                {
                    "province": province,
                    "checked": province.pk in chosen,
                    "names": " ".join(
                        filter(
                            None,
                            [
                                province.name_th,
                                province.name_en,
                                province.name_en_iso,
                                PROVINCE_SHORT_NAMES.get(province.pk, ""),
                            ],
                        )
                    ),
                }
            )
        order = {code: index for index, code in enumerate(REGION_ORDER)}
        regions = sorted(groups.values(), key=lambda group: order.get(group[0].code, len(order)))
        context["widget"]["regions"] = [
            {"region": region, "provinces": rows, "chosen": sum(row["checked"] for row in rows)}
            for region, rows in regions
        ]
        context["widget"]["chosen"] = [p for p in provinces if p.pk in chosen]
        return context

    def id_for_label(self, id_, index=None):
        return f"{id_}-filter" if id_ else id_


# The geographic regions from north to south, as the picker lists them.
REGION_ORDER = ["north", "northeast", "central", "east", "west", "south"]


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


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=150,
        help_text=_("The address you signed up with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


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


class DomainsField(forms.MultipleChoiceField):
    """The seven domains as checkboxes with their names, for a ``domain_codes`` field (codes kept
    comma-separated in the programme's order)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("domains"))
        super().__init__(choices=Domain.choices, required=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return [code for code in value.split(",") if code]
        return value

    def clean(self, value):
        chosen = set(super().clean(value))
        return ",".join(code for code in Domain.values if code in chosen)


class RegistryRecordForm(forms.ModelForm):
    """The admin's form of a certified city: the domains chosen by name, never typed as codes."""

    domain_codes = DomainsField()
