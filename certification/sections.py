"""The form pages of an application: which sections each stage has, and the form of each.

A section's content is stored as the applicant typed it (``Section.data``, the form's raw values), so a
draft keeps every word even while it is incomplete or invalid. A section is complete when its form
validates. ``display_items`` turns valid content into labelled values for the review page and for the
frozen snapshot of each submitted version.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.forms.utils import ErrorDict, ErrorList
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cities.enums import CityType, Domain
from cities.forms import ProvinceMultipleChoiceField
from smartcity.forms import ThaiDecimalField, ThaiIntegerField

from .enums import Stage
from .geo import validate_boundary

TEXTAREA = forms.Textarea(attrs={"rows": 5})
BE_YEAR = {"min_value": 2560, "max_value": 2700}


def _display(field, value):
    if value in (None, "", [], ()):
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(obj) for obj in value)
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(field.choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(field, forms.DecimalField | forms.IntegerField):
        return f"{value:,}"
    return str(value)


def _typed(field, values):
    """What the applicant typed in one field, for reviewers: choices by their labels, everything else
    exactly as typed (Thai digits, separators and all)."""
    values = [v for v in values if v not in (None, "")]
    if not values:
        return "—"
    if isinstance(field, forms.ModelChoiceField):
        objects = {str(obj.pk): str(obj) for obj in field.queryset.filter(pk__in=values)}
        return ", ".join(objects.get(v, v) for v in values)
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): str(v) for k, v in field.choices}
        return ", ".join(labels.get(v, v) for v in values)
    return "\n".join(values)


class SectionForm(forms.Form):
    """A section's form. ``application`` gives rules that depend on it (the city type)."""

    template_name_section = "certification/sections/form.html"

    def __init__(self, *args, application=None, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)

    def display_items(self):
        return [
            (str(field.label), _display(field, self.cleaned_data.get(name)))
            for name, field in self.fields.items()
        ]

    def hide_errors(self):
        """Shows a draft as typed, without calling its gaps errors (until the applicant saves)."""
        self._errors = ErrorDict()

    def typed_items(self):
        """(name, label, value as typed) of every field, for reading a section whole."""
        data = self.data if self.is_bound else MultiValueDict()
        return [
            (name, str(field.label), _typed(field, data.getlist(name))) for name, field in self.fields.items()
        ]


class GeneralForm(SectionForm):
    title = forms.CharField(label=_("Title of the proposal"), max_length=255)
    city_type = forms.ChoiceField(
        label=_("City type"),
        choices=CityType.choices,
        widget=forms.RadioSelect,
        help_text=_("Livable City: developing an existing city. New City: a new development."),
    )


class AreaForm(SectionForm):
    area_name = forms.CharField(label=_("Name of the target area"), max_length=255)
    provinces = ProvinceMultipleChoiceField(
        label=_("Provinces"),
        help_text=_("An area may span more than one province: hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    area_km2 = ThaiDecimalField(label=_("Area (km²)"), max_digits=10, decimal_places=2, min_value=0.01)
    population = ThaiIntegerField(label=_("Population served"), min_value=1)
    boundary_description = forms.CharField(
        label=_("Boundary"),
        widget=TEXTAREA,
        help_text=_("Describe the boundary clearly: roads, rivers, districts."),
    )
    boundary_geojson = forms.CharField(
        label=_("Boundary as GeoJSON (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("A GeoJSON Polygon or MultiPolygon in longitude, latitude (WGS 84), inside Thailand."),
    )

    def clean_boundary_geojson(self):
        text = self.cleaned_data["boundary_geojson"].strip()
        if text:
            validate_boundary(text)
        return text

    def display_items(self):
        items = super().display_items()
        if self.cleaned_data.get("boundary_geojson"):
            items[-1] = (items[-1][0], str(_("provided")))  # plain text: it goes into the version snapshot
        return items


class VisionForm(SectionForm):
    vision = forms.CharField(label=_("Vision"), widget=TEXTAREA)
    goals = forms.CharField(label=_("Goals"), widget=TEXTAREA)


class DomainsForm(SectionForm):
    domains = forms.MultipleChoiceField(
        label=_("Smart city domains"), choices=Domain.choices, widget=forms.CheckboxSelectMultiple
    )

    def clean_domains(self):
        chosen = self.cleaned_data["domains"]
        required = settings.CERTIFICATION_REQUIRED_DOMAIN
        city_type = self.application.city_type if self.application else CityType.LIVABLE
        minimum = settings.CERTIFICATION_MIN_DOMAINS.get(city_type, 2)
        if required not in chosen:
            raise forms.ValidationError(
                _("%(domain)s must be one of the chosen domains.") % {"domain": Domain(required).label}
            )
        if len(chosen) < minimum:
            raise forms.ValidationError(
                _("Choose at least %(minimum)s domains for a %(city_type)s.")
                % {"minimum": minimum, "city_type": CityType(city_type).label}
            )
        return chosen


class PlanVisionForm(SectionForm):
    vision = forms.CharField(label=_("Vision and goals of the plan"), widget=TEXTAREA)
    target_area = forms.CharField(label=_("Target area and its boundary"), widget=TEXTAREA)


class InfrastructureForm(SectionForm):
    physical = forms.CharField(label=_("Physical infrastructure"), widget=TEXTAREA)
    digital = forms.CharField(label=_("Digital infrastructure"), widget=TEXTAREA)
    investment_baht = ThaiDecimalField(
        label=_("Investment (baht)"), max_digits=15, decimal_places=2, min_value=0
    )
    timeline = forms.CharField(label=_("Timeline"), widget=TEXTAREA)


class DataPlatformForm(SectionForm):
    description = forms.CharField(label=_("City data platform"), widget=TEXTAREA)
    open_data = forms.CharField(label=_("Open data: what is published and how"), widget=TEXTAREA)
    security = forms.CharField(label=_("Security and personal data protection"), widget=TEXTAREA)


class ManagementForm(SectionForm):
    model = forms.ChoiceField(
        label=_("Management model"),
        choices=[
            ("city_development_company", _("City development company")),
            ("ppp", _("Public–private partnership")),
            ("local_government", _("Local government")),
            ("other", pgettext_lazy("management model", "Other")),
        ],
    )
    description = forms.CharField(label=_("How the area will be managed and financed"), widget=TEXTAREA)
    partners = forms.CharField(label=_("Partners"), widget=forms.Textarea(attrs={"rows": 3}))


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Service or project"), max_length=255)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))
    budget_baht = ThaiDecimalField(label=_("Budget (baht)"), max_digits=15, decimal_places=2, min_value=0)
    start_year = ThaiIntegerField(label=_("From (B.E.)"), **BE_YEAR)
    end_year = ThaiIntegerField(label=_("To (B.E.)"), **BE_YEAR)
    partners = forms.CharField(label=_("Partners"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start_year") and data.get("end_year") and data["end_year"] < data["start_year"]:
            self.add_error("end_year", _("The end year is before the start year."))
        return data


class IndicatorForm(forms.Form):
    project = forms.CharField(label=_("Project"), max_length=255)
    name = forms.CharField(label=_("Indicator"), max_length=255)
    unit = forms.CharField(label=_("Unit"), max_length=64)
    baseline = ThaiDecimalField(label=_("Baseline"), max_digits=15, decimal_places=2)
    target = ThaiDecimalField(label=_("Target"), max_digits=15, decimal_places=2)
    target_year = ThaiIntegerField(label=_("Target year (B.E.)"), **BE_YEAR)


ProjectFormSet = formset_factory(
    ProjectForm, extra=0, min_num=1, validate_min=True, can_delete=True, max_num=50
)
IndicatorFormSet = formset_factory(
    IndicatorForm, extra=0, min_num=1, validate_min=True, can_delete=True, max_num=100
)


class ServicesForm:
    """The services of one domain: projects (budget, years, partners) and their indicators.

    Two formsets behind the same small interface as a SectionForm.
    """

    template_name_section = "certification/sections/services.html"

    def __init__(self, data=None, *, application=None, domain=None):
        self.application = application
        self.domain = domain
        self.projects = ProjectFormSet(data, prefix="projects")
        self.indicators = IndicatorFormSet(data, prefix="indicators")
        self.is_bound = data is not None

    def is_valid(self):
        valid = self.projects.is_valid() & self.indicators.is_valid()
        if not valid:
            return False
        names = {form.cleaned_data["name"] for form in self._kept(self.projects)}
        for form in self._kept(self.indicators):
            if form.cleaned_data["project"] not in names:
                form.add_error("project", _("Name one of the projects listed above."))
                valid = False
        return valid

    @staticmethod
    def _kept(formset):
        return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]

    def formsets_for_template(self):
        return [
            (self.projects, _("Services and projects"), _("Add a project")),
            (self.indicators, _("Indicators"), _("Add an indicator")),
        ]

    def hide_errors(self):
        for formset in (self.projects, self.indicators):
            formset._non_form_errors = ErrorList()
            for form in formset.forms:
                form._errors = ErrorDict()
            formset._errors = [form._errors for form in formset.forms]

    def typed_tables(self):
        """The projects and the indicators as typed, as tables: [(title, headers, rows)]; rows the
        applicant marked for deletion are left out."""
        data = self.projects.data if self.is_bound else MultiValueDict()
        tables = []
        for formset, title, _add in self.formsets_for_template():
            fields = [(name, f) for name, f in formset.form.base_fields.items()]
            rows = []
            for index in range(_count(data.get(f"{formset.prefix}-TOTAL_FORMS"))):
                prefix = f"{formset.prefix}-{index}-"
                if data.get(prefix + "DELETE") in ("on", "true", "1"):
                    continue
                cells = [_typed(field, data.getlist(prefix + name)) for name, field in fields]
                if any(cell != "—" for cell in cells):
                    rows.append(cells)
            tables.append((str(title), [str(f.label) for _name, f in fields], rows))
        return tables

    def display_items(self):
        items = []
        for form in self._kept(self.projects):
            d = form.cleaned_data
            items.append(
                (
                    str(_("Project: %(name)s") % {"name": d["name"]}),
                    f"{d['description']} · {d['budget_baht']:,} บาท · {d['start_year']}–{d['end_year']}"
                    + (f" · {d['partners']}" if d["partners"] else ""),
                )
            )
        for form in self._kept(self.indicators):
            d = form.cleaned_data
            items.append(
                (
                    str(_("Indicator: %(name)s") % {"name": d["name"]}),
                    f"{d['project']}: {d['baseline']:,} → {d['target']:,} {d['unit']} ({d['target_year']})",
                )
            )
        return items


def _count(value, ceiling=200):
    """A formset's TOTAL_FORMS as typed, bounded: a draft may hold anything."""
    try:
        return max(0, min(int(value), ceiling))
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class SectionSpec:
    key: str
    stage: str
    title: str
    form_class: type
    domain: str = ""

    def form(self, data=None, *, application=None):
        kwargs = {"application": application}
        if self.domain:
            kwargs["domain"] = self.domain
        if data is not None and not isinstance(data, MultiValueDict):
            data = MultiValueDict(data)
        return self.form_class(data, **kwargs)


PROPOSAL_SECTIONS = [
    SectionSpec("general", Stage.PROPOSAL, _("Proposal and city type"), GeneralForm),
    SectionSpec("area", Stage.PROPOSAL, _("Target area"), AreaForm),
    SectionSpec("vision", Stage.PROPOSAL, _("Vision and goals"), VisionForm),
    SectionSpec("domains", Stage.PROPOSAL, _("Smart city domains"), DomainsForm),
]
PLAN_SECTIONS_BEFORE = [
    SectionSpec("plan_vision", Stage.PLAN, _("1. Vision, goals and target area"), PlanVisionForm),
    SectionSpec(
        "infrastructure", Stage.PLAN, _("2. Infrastructure investment and development"), InfrastructureForm
    ),
    SectionSpec("data_platform", Stage.PLAN, _("3. City data platform"), DataPlatformForm),
]
PLAN_SECTIONS_AFTER = [
    SectionSpec(
        "management", Stage.PLAN, _("5. Sustainable management and investment model"), ManagementForm
    ),
]


def services_spec(domain_code):
    return SectionSpec(
        f"services_{domain_code}",
        Stage.PLAN,
        _("4. Smart city services: %(domain)s") % {"domain": Domain(domain_code).label},
        ServicesForm,
        domain=domain_code,
    )


def sections_for(application, stage=None):
    """The sections of a stage of this application (the plan has one services section per domain)."""
    stage = stage or application.stage
    if stage == Stage.PROPOSAL:
        return list(PROPOSAL_SECTIONS)
    domains = [d for d in Domain.values if d in application.domains]
    return [*PLAN_SECTIONS_BEFORE, *(services_spec(d) for d in domains), *PLAN_SECTIONS_AFTER]


def spec_for(application, key):
    for spec in [*sections_for(application, Stage.PROPOSAL), *sections_for(application, Stage.PLAN)]:
        if spec.key == key:
            return spec
    return None
