"""The form pages of an application: which sections each stage has, and the form of each.

A section's content is stored as the applicant typed it (``Section.data``, the form's raw values), so a
draft keeps every word even while it is incomplete or invalid. A section is complete when its form
validates. ``display_items`` turns valid content into labelled values for the review page and for the
frozen snapshot of each submitted version.

Over 400 lines because every section's form is here, next to the list that orders them: the proposal's
four and the plan's five components, the services of each domain with their projects and indicators,
and the help each section shows.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.forms.utils import ErrorDict, ErrorList
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cities import maps
from cities.enums import CityType, Domain
from cities.forms import ProvinceMultipleChoiceField, ProvincePicker
from cities.models import Province
from smartcity.forms import BuddhistYearField, ThaiDecimalField, ThaiIntegerField

from .enums import Stage
from .geo import boundary_rings, validate_boundary

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
        help_text=_(
            "Livable City: an existing city made better to live in (at least %(livable)s domains). "
            "New City: a new development on land not yet built as a city (at least %(new)s domains)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["city_type"]
        field.help_text = field.help_text % minimum_domains()


def _overlap(a, b):
    """Whether two boxes (min x, min y, max x, max y) overlap."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


class AreaForm(SectionForm):
    area_name = forms.CharField(label=_("Name of the target area"), max_length=255)
    template_name_section = "certification/sections/area.html"

    provinces = ProvinceMultipleChoiceField(
        label=_("Provinces"),
        help_text=_("An area may span more than one province: tick each of them."),
        widget=ProvincePicker,
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
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "data-boundary": ""}),
        help_text=_("A GeoJSON Polygon or MultiPolygon in longitude, latitude (WGS 84), inside Thailand."),
    )

    def area_map(self):
        """The map of Thailand with the chosen provinces and the boundary as typed (server-drawn, so that
        it shows without JavaScript; static/js/area-map.js redraws it as the applicant works)."""
        data = self.data if self.is_bound else MultiValueDict(self.initial)
        chosen = set(data.getlist("provinces"))
        codes = dict(Province.objects.values_list("code", "iso_code"))
        provinces = [
            maps.MapProvince(iso, "", "chosen" if code in chosen else "") for code, iso in codes.items()
        ]
        rings = boundary_rings((data.get("boundary_geojson") or "").strip())
        boundary = maps.rings_path(rings) if rings else ""
        projection = maps.projection()
        shapes = maps.layout().shapes
        # Zoomed on the boundary, else on the chosen provinces: an area is a speck on the whole country.
        boxes = [maps.rings_box(rings)] if rings else [shapes[codes[c]].box for c in chosen if c in codes]
        return maps.render(
            provinces,
            title=_("Map of Thailand: the chosen provinces and the boundary"),
            css_class="area-map",
            attrs={"id": "area-map", **{f"data-{k}": v for k, v in projection.items()}},
            extra=format_html(
                '<path class="boundary" id="area-boundary" d="{}"></path>'
                '<polyline class="boundary-draft" id="area-draft" points=""></polyline>',
                boundary,
            ),
            viewbox=maps.view_box(boxes),
        )

    def clean_boundary_geojson(self):
        text = self.cleaned_data["boundary_geojson"].strip()
        if text:
            validate_boundary(text)
        return text

    def clean(self):
        """A boundary must lie where the chosen provinces are (their extents overlap): a shape drawn in
        another province, or with latitude and longitude swapped, is said at once."""
        cleaned = super().clean()
        text, provinces = cleaned.get("boundary_geojson"), cleaned.get("provinces")
        if text and provinces:
            box = maps.rings_box(boundary_rings(text))
            shapes = maps.layout().shapes
            boxes = [shapes[p.iso_code].box for p in provinces if p.iso_code in shapes]
            if boxes and not any(_overlap(box, other) for other in boxes):
                names = ", ".join(str(p) for p in provinces)
                self.add_error(
                    "boundary_geojson",
                    _("The boundary lies outside the chosen provinces (%(names)s).") % {"names": names},
                )
        return cleaned

    def display_items(self):
        items = super().display_items()
        if self.cleaned_data.get("boundary_geojson"):
            items[-1] = (items[-1][0], str(_("provided")))  # plain text: it goes into the version snapshot
        return items


class VisionForm(SectionForm):
    vision = forms.CharField(label=_("Vision"), widget=TEXTAREA)
    goals = forms.CharField(label=_("Goals"), widget=TEXTAREA)


def minimum_domains():
    return {
        "livable": settings.CERTIFICATION_MIN_DOMAINS.get(CityType.LIVABLE, 2),
        "new": settings.CERTIFICATION_MIN_DOMAINS.get(CityType.NEW, 3),
    }


class DomainsForm(SectionForm):
    domains = forms.MultipleChoiceField(
        label=_("Smart city domains"), choices=Domain.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required = settings.CERTIFICATION_REQUIRED_DOMAIN
        city_type = self.application.city_type if self.application else CityType.LIVABLE
        # The rule is stated where it applies, before the applicant trips on it.
        self.fields["domains"].help_text = _(
            "%(domain)s is required in every proposal. Choose at least %(minimum)s domains for a "
            "%(city_type)s."
        ) % {
            "domain": Domain(required).label,
            "minimum": settings.CERTIFICATION_MIN_DOMAINS.get(city_type, 2),
            "city_type": CityType(city_type).label,
        }

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
    start_year = BuddhistYearField(label=_("From (B.E.)"), **BE_YEAR)
    end_year = BuddhistYearField(label=_("To (B.E.)"), **BE_YEAR)
    partners = forms.CharField(label=_("Partners"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start_year") and data.get("end_year") and data["end_year"] < data["start_year"]:
            self.add_error("end_year", _("The end year is before the start year."))
        return data


class ProjectSelect(forms.Select):
    """The indicator's project, picked from the projects listed above it (static/js/services.js keeps
    the options in step as project names are typed)."""

    def __init__(self, attrs=None):
        super().__init__({"data-project-select": "", **(attrs or {})})


class IndicatorForm(forms.Form):
    project = forms.CharField(label=_("Project"), max_length=255, widget=ProjectSelect)
    name = forms.CharField(label=_("Indicator"), max_length=255)
    unit = forms.CharField(label=_("Unit"), max_length=64)
    baseline = ThaiDecimalField(label=_("Baseline"), max_digits=15, decimal_places=2)
    target = ThaiDecimalField(label=_("Target"), max_digits=15, decimal_places=2)
    target_year = BuddhistYearField(label=_("Target year (B.E.)"), **BE_YEAR)


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
        self._offer_projects()

    def project_names(self):
        """The names of the projects as typed (rows marked for deletion left out), in their order."""
        data = self.projects.data if self.is_bound else MultiValueDict()
        names = []
        for index in range(_count(data.get("projects-TOTAL_FORMS"))):
            prefix = f"projects-{index}-"
            name = (data.get(prefix + "name") or "").strip()
            if name and data.get(prefix + "DELETE") not in ("on", "true", "1") and name not in names:
                names.append(name)
        return names

    def _offer_projects(self):
        names = self.project_names()
        empty = [("", _("— choose a project —"))]
        for form in [*self.indicators.forms, self.indicators.empty_form]:
            current = (form["project"].value() or "").strip()
            kept = [] if not current or current in names else [current]  # never drop what was typed
            form.fields["project"].widget.choices = empty + [(n, n) for n in [*names, *kept]]

    def budget_total(self):
        """The total budget of the projects as typed (what cannot be read as a number counts as 0)."""
        return typed_budget(self.projects.data if self.is_bound else MultiValueDict())

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


def typed_budget(data):
    """The sum of the budgets typed in a services section's data (Thai digits and separators read;
    deleted rows and what is not a number left out)."""
    field = ThaiDecimalField()
    total = Decimal(0)
    for index in range(_count(data.get("projects-TOTAL_FORMS"))):
        prefix = f"projects-{index}-"
        if data.get(prefix + "DELETE") in ("on", "true", "1"):
            continue
        try:
            value = field.to_python(data.get(prefix + "budget_baht"))
        except forms.ValidationError:
            continue
        if value is not None and value.is_finite() and value >= 0:
            total += value
    return total


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
    title: str  # without its number: what messages and snapshots name
    form_class: type
    domain: str = ""
    number: str = ""  # its place in the stage, as the sidebar shows it: "2", "4.1"

    @property
    def heading(self):
        """The title with its number, as the sidebar, the page and the review show it."""
        return f"{self.number}. {self.title}" if self.number else str(self.title)

    @property
    def guidance(self):
        """What the committee looks for in this section (the programme's criteria), in a sentence or two."""
        return GUIDANCE.get("services" if self.domain else self.key, "")

    def form(self, data=None, *, application=None, initial=None):
        kwargs = {"application": application}
        if self.domain:
            kwargs["domain"] = self.domain
        if data is not None and not isinstance(data, MultiValueDict):
            data = MultiValueDict(data)
        form = self.form_class(data, **kwargs)
        if initial and data is None:
            form.initial = initial
        return form


GUIDANCE = {
    "general": _(
        "Name your proposal and choose the city type. A Livable City develops an existing city to make it "
        "better to live in; a New City is a new development, planned from the start as a smart city. The "
        "city type sets how many domains you must choose."
    ),
    "area": _(
        "The committee looks for a clearly bounded area: its name, its provinces, its size and the "
        "population it serves, and a boundary anyone can find on the ground. Describe the boundary in "
        "words; you may also draw it on the map or upload it as a GeoJSON or KML file."
    ),
    "vision": _(
        "The committee looks for a vision of what the city will become, and goals that can be measured "
        "and reached within the plan's years."
    ),
    "domains": _(
        "Choose the smart city domains your proposal will develop. Each chosen domain becomes a section "
        "of services and projects in the development plan."
    ),
    "plan_vision": _(
        "Component 1. The committee looks for the plan's vision and goals, and the target area with its "
        "boundary. They start from what your proposal said; sharpen them for the plan."
    ),
    "infrastructure": _(
        "Component 2. The committee looks for both physical infrastructure (roads, utilities, buildings) "
        "and digital infrastructure (networks, sensors, computing), with the investment and a realistic "
        "timeline."
    ),
    "data_platform": _(
        "Component 3. The committee looks for a city data platform that brings the city's data together, "
        "is open (what is published, and how) and secure (access, personal data protection)."
    ),
    "services": _(
        "Component 4. The committee looks for services in the chosen domains: each project with its budget, "
        "years and partners, and indicators with a baseline, a target and the year to reach it."
    ),
    "management": _(
        "Component 5. The committee looks for a sustainable way to manage the area and to pay for it: who "
        "runs it, the investment model, and the partners who take part."
    ),
}

PROPOSAL_SECTIONS = [
    SectionSpec("general", Stage.PROPOSAL, _("Proposal and city type"), GeneralForm, number="1"),
    SectionSpec("area", Stage.PROPOSAL, _("Target area"), AreaForm, number="2"),
    SectionSpec("vision", Stage.PROPOSAL, _("Vision and goals"), VisionForm, number="3"),
    SectionSpec("domains", Stage.PROPOSAL, _("Smart city domains"), DomainsForm, number="4"),
]
PLAN_SECTIONS_BEFORE = [
    SectionSpec("plan_vision", Stage.PLAN, _("Vision, goals and target area"), PlanVisionForm, number="1"),
    SectionSpec(
        "infrastructure",
        Stage.PLAN,
        _("Infrastructure investment and development"),
        InfrastructureForm,
        number="2",
    ),
    SectionSpec("data_platform", Stage.PLAN, _("City data platform"), DataPlatformForm, number="3"),
]
PLAN_SECTIONS_AFTER = [
    SectionSpec(
        "management", Stage.PLAN, _("Sustainable management and investment model"), ManagementForm, number="5"
    ),
]


def services_spec(domain_code, number="4"):
    return SectionSpec(
        f"services_{domain_code}",
        Stage.PLAN,
        _("Smart city services: %(domain)s") % {"domain": Domain(domain_code).label},
        ServicesForm,
        domain=domain_code,
        number=number,
    )


def sections_for(application, stage=None):
    """The sections of a stage of this application, numbered (the plan has one services section per
    domain: 4.1, 4.2, … in the order of the domains)."""
    stage = stage or application.stage
    if stage == Stage.PROPOSAL:
        return list(PROPOSAL_SECTIONS)
    domains = [d for d in Domain.values if d in application.domains]
    services = [services_spec(d, f"4.{index}") for index, d in enumerate(domains, start=1)]
    return [*PLAN_SECTIONS_BEFORE, *services, *PLAN_SECTIONS_AFTER]


def spec_for(application, key):
    for spec in [*sections_for(application, Stage.PROPOSAL), *sections_for(application, Stage.PLAN)]:
        if spec.key == key:
            return spec
    return None
