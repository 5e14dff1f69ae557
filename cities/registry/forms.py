"""The registry's filters: one plain GET form per listing, which works without JavaScript.

A value the form does not know (a region that does not exist, a year that is no round, a page that is no
number) makes the form invalid; the listing then answers 400 with the reason in the page's language and
lists nothing, rather than quietly showing something else.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..enums import CertifiedCityStatus, CityType, Domain, RegionGrouping

MAX_TEXT = 100
PAGE = re.compile(r"[1-9][0-9]{0,5}")
ANY = [("", _("Any"))]


def region_value(region):
    return f"{region.grouping}:{region.code}"


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=MAX_TEXT, required=False, strip=True)
    region = forms.ChoiceField(label=_("Region"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    domain = forms.ChoiceField(label=_("Domain"), required=False, choices=ANY + list(Domain.choices))
    city_type = forms.ChoiceField(label=_("City type"), required=False, choices=ANY + list(CityType.choices))
    year = forms.TypedChoiceField(label=_("Round"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    year_label = _("Round")
    status_choices = ANY + list(CertifiedCityStatus.choices)
    sort_choices = [
        ("name", _("Name")),
        ("-year", _("Round, newest first")),
        ("year", _("Round, oldest first")),
        ("province", _("Province")),
    ]

    def __init__(self, data, *, regions, provinces, years):
        super().__init__(data)
        self.regions = {region_value(r): r for r in regions}
        groups = {RegionGrouping.GEOGRAPHIC: [], RegionGrouping.STATISTICAL: []}
        for value, region in self.regions.items():
            groups.setdefault(region.grouping, []).append((value, region.name))
        self.fields["region"].choices = ANY + [
            (RegionGrouping(grouping).label, choices) for grouping, choices in groups.items() if choices
        ]
        self.fields["province"].choices = ANY + [(p.code, p.name) for p in provinces]
        self.fields["year"].choices = ANY + [(str(y), _("B.E. %(year)s") % {"year": y}) for y in years]
        self.fields["year"].label = self.year_label
        self.fields["status"].choices = self.status_choices
        self.fields["sort"].choices = self.sort_choices
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Name or organisation")})
        for name, bound in self.fields.items():
            css = "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            bound.widget.attrs.setdefault("class", css)

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())

    def query(self):
        """The ``RegistryQuery`` of a valid form."""
        data = self.cleaned_data
        return selectors.RegistryQuery(
            region=self.regions.get(data["region"]),
            province=data["province"],
            domain=data["domain"],
            city_type=data["city_type"],
            year=data["year"],
            status=data["status"],
            text=data["q"],
            sort=data["sort"] or "name",
        )

    def problems(self):
        """What is wrong, one sentence per field, in the page's language."""
        sentences = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                sentences.append(f"{label}: {error}" if label else str(error))
        return sentences

    def filtered(self):
        """Whether a valid form narrows the listing (sorting does not)."""
        return any(value for name, value in self.cleaned_data.items() if name != "sort")


class ZoneFilterForm(RegistryFilterForm):
    year_label = _("Year declared")
    status_choices = [
        *ANY,
        (selectors.ZONE_PREPARING, _("Preparing its plan")),
        (selectors.ZONE_CERTIFIED, _("Certified")),
    ]
    sort_choices = [
        ("name", _("Name")),
        ("-year", _("Year declared, newest first")),
        ("year", _("Year declared, oldest first")),
        ("province", _("Province")),
    ]


def page_number(value):
    """The page asked for: 1 when none is given, None when ``value`` is no page number at all."""
    if value in (None, ""):
        return 1
    return int(value) if PAGE.fullmatch(value) else None
