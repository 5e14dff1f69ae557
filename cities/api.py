"""Open data of the registry at /api/v1/: certified areas, promotion zones, provinces and regions.

The filters are the registry's: region (either grouping), province, domain, city type, round, status and
text search. What an organisation keeps out of the registry (``registry_details_public`` off: vision,
goals, contact) is left out here too; the fact of the award stays public.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Prefetch, Q, Value
from django.db.models.functions import Concat
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from smartcity.api import (
    MAX_ID,
    DetailView,
    ListQuery,
    ListView,
    choice,
    document_detail,
    document_list,
    integer,
    text,
)

from . import freshness
from .enums import CertifiedCityStatus, CityType, Domain, RegionGrouping
from .models import CertifiedCity, PromotionZone, Province, Region
from .selectors import province_ordering


def _is_thai():
    return (get_language() or "th").startswith("th")


# --- What the records show


class RegionBriefSerializer(serializers.Serializer):
    grouping = serializers.ChoiceField(choices=RegionGrouping.choices)
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()


class ProvinceBriefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("DOPA code (the number of ISO 3166-2:TH)."))
    iso_code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    region = serializers.CharField(
        source="region.code", help_text=_("Six geographic regions (Royal Institute)")
    )
    statistical_region = serializers.CharField(
        source="statistical_region.code", help_text=_("Statistical regions (NESDB)")
    )


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    type = serializers.CharField(source="org_type")
    type_label = serializers.CharField(source="get_org_type_display")


class DomainSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Domain.choices)
    label = serializers.CharField()


class DomainsField(serializers.Field):
    def to_representation(self, record):
        return [{"code": domain.value, "label": str(domain.label)} for domain in record.domains]


extend_schema_field(DomainSerializer(many=True))(DomainsField)


class AreaDetailsSerializer(serializers.Serializer):
    vision = serializers.CharField()
    goals = serializers.CharField()
    contact = serializers.CharField()


class ZoneDetailsSerializer(serializers.Serializer):
    vision = serializers.CharField()


class CertificateSerializer(serializers.Serializer):
    serial = serializers.CharField()
    verification_url = serializers.URLField()


def details_public(record):
    """The organisation's plan and contact are shown unless it keeps them out of the registry."""
    return record.organisation is None or record.organisation.registry_details_public


def verification_url(serial):
    return settings.SITE_URL + reverse("verify", args=[serial])


class AreaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    organisation = OrganisationSerializer(allow_null=True)
    provinces = ProvinceBriefSerializer(many=True)
    domains = DomainsField(source="*")
    city_type = serializers.SerializerMethodField()
    city_type_label = serializers.SerializerMethodField()
    round = serializers.IntegerField(
        source="award_year", help_text=_("The annual batch, e.g. 2565 for the batch of B.E. 2565.")
    )
    certified_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    renewed_on = serializers.DateField(
        allow_null=True, help_text=_("When the certification was last renewed; null until it is.")
    )
    status = serializers.ChoiceField(choices=CertifiedCityStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    certificate = serializers.SerializerMethodField()
    population = serializers.IntegerField(allow_null=True)
    zone = serializers.SerializerMethodField(help_text=_("The promotion zone the area grew from."))
    is_sample = serializers.BooleanField(help_text=_("Invented for the demonstration; not a real city."))
    details = serializers.SerializerMethodField(
        help_text=_("Vision, goals and contact; null where the organisation keeps them out of the registry.")
    )

    @extend_schema_field(serializers.ChoiceField(choices=CityType.choices, allow_null=True))
    def get_city_type(self, city):
        return city.city_type or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_city_type_label(self, city):
        return str(city.get_city_type_display()) if city.city_type else None

    @extend_schema_field(CertificateSerializer(allow_null=True))
    def get_certificate(self, city):
        if not city.certificate_serial:
            return None
        return {
            "serial": city.certificate_serial,
            "verification_url": verification_url(city.certificate_serial),
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_zone(self, city):
        zone = getattr(city, "promotion_zone", None)
        return zone.pk if zone else None

    @extend_schema_field(AreaDetailsSerializer(allow_null=True))
    def get_details(self, city):
        if not details_public(city):
            return None
        return {"vision": city.vision, "goals": city.goals, "contact": city.contact}


class ZoneStatus:
    PREPARING = "preparing"
    CERTIFIED = "certified"
    choices = [(PREPARING, _("Preparing its plan")), (CERTIFIED, _("Certified"))]


class ZoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    organisation = OrganisationSerializer()
    provinces = ProvinceBriefSerializer(many=True)
    domains = DomainsField(source="*")
    city_type = serializers.ChoiceField(choices=CityType.choices)
    city_type_label = serializers.CharField(source="get_city_type_display")
    declared_on = serializers.DateField()
    resolution = serializers.CharField(
        help_text=_("The committee's resolution that acknowledged the zone, as cited.")
    )
    population = serializers.IntegerField(allow_null=True)
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    area = serializers.IntegerField(
        source="certified_city_id",
        allow_null=True,
        help_text=_("The certified area; null while the zone prepares its plan."),
    )
    is_sample = serializers.BooleanField()
    details = serializers.SerializerMethodField(
        help_text=_("The vision; null where the organisation keeps it out of the registry.")
    )

    @extend_schema_field(serializers.ChoiceField(choices=ZoneStatus.choices))
    def get_status(self, zone):
        return ZoneStatus.CERTIFIED if zone.certified_city_id else ZoneStatus.PREPARING

    @extend_schema_field(serializers.CharField())
    def get_status_label(self, zone):
        return str(dict(ZoneStatus.choices)[self.get_status(zone)])

    @extend_schema_field(ZoneDetailsSerializer(allow_null=True))
    def get_details(self, zone):
        return {"vision": zone.vision} if details_public(zone) else None


class ProvinceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("DOPA code (the number of ISO 3166-2:TH)."))
    iso_code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    name_en_iso = serializers.CharField()
    region = RegionBriefSerializer()
    statistical_region = RegionBriefSerializer()


class RegionSerializer(serializers.Serializer):
    grouping = serializers.ChoiceField(choices=RegionGrouping.choices)
    grouping_label = serializers.CharField(source="get_grouping_display")
    code = serializers.CharField()
    name_th = serializers.CharField()
    name_en = serializers.CharField()
    provinces = serializers.SerializerMethodField(help_text=_("DOPA codes of its provinces."))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_provinces(self, region):
        members = (
            region.provinces if region.grouping == RegionGrouping.GEOGRAPHIC else region.statistical_provinces
        )
        return sorted(province.code for province in members.all())


# --- The queries: the allowed values of region and province come from the reference data.


def reference_codes():
    """(geographic region codes, statistical region codes, province codes), cached with the freshness
    number (reference data change only by a data migration)."""

    def load():
        regions = list(Region.objects.values_list("grouping", "code"))
        return (
            sorted(code for grouping, code in regions if grouping == RegionGrouping.GEOGRAPHIC),
            sorted(code for grouping, code in regions if grouping == RegionGrouping.STATISTICAL),
            sorted(Province.objects.values_list("code", flat=True)),
        )

    return cache.get_or_set(f"api:v1:reference:{freshness.version()}", load, timeout=None)


def ordering(help_text, *names):
    return choice(help_text, [option for name in names for option in (name, f"-{name}")])


class RegistryQuery(ListQuery):
    region = choice(_("Region code of the six geographic regions (Royal Institute)."), [])
    statistical_region = choice(_("Region code of the statistical regions (NESDB)."), [])
    province = choice(_("DOPA code of a province."), [])
    domain = choice(_("One of the seven domains: the area covers it."), Domain.choices)
    city_type = choice(_("City type."), CityType.choices)
    q = text(_("Words in the area's, the organisation's or a province's name."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        geographic, statistical, provinces = reference_codes()
        self.fields["region"].choices = geographic
        self.fields["statistical_region"].choices = statistical
        self.fields["province"].choices = provinces


class AreaQuery(RegistryQuery):
    round = integer(_("Award year (B.E.) of the batch."), min_value=2560, max_value=2700)
    status = choice(_("Status of the certification."), CertifiedCityStatus.choices)
    ordering = ordering(
        _("Order of the list; a minus sign reverses it. Names in code-point order."),
        "name", "round", "certified_on", "valid_until", "population",
    )  # fmt: skip


class ZoneQuery(RegistryQuery):
    status = choice(_("Preparing its plan, or certified."), ZoneStatus.choices)
    ordering = ordering(
        _("Order of the list; a minus sign reverses it. Names in code-point order."),
        "name", "declared_on", "population",
    )  # fmt: skip


class ProvinceQuery(ListQuery):
    region = choice(_("Region code of the six geographic regions (Royal Institute)."), [])
    statistical_region = choice(_("Region code of the statistical regions (NESDB)."), [])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        geographic, statistical, _provinces = reference_codes()
        self.fields["region"].choices = geographic
        self.fields["statistical_region"].choices = statistical


class RegionQuery(ListQuery):
    grouping = choice(_("Which grouping."), RegionGrouping.choices)


def in_registry(queryset, query, through):
    """The registry's filters shared by areas and zones. Province filters go through the link table,
    so that an area of two provinces of one region is listed once."""
    links = through.objects.values(through_key(through))
    if "region" in query:
        queryset = queryset.filter(pk__in=links.filter(province__region__code=query["region"]))
    if "statistical_region" in query:
        queryset = queryset.filter(
            pk__in=links.filter(province__statistical_region__code=query["statistical_region"])
        )
    if "province" in query:
        queryset = queryset.filter(pk__in=links.filter(province_id=query["province"]))
    if "domain" in query:
        # Stored as "ENV,ECO" or ",ENV,ECO,": a code between commas either way.
        queryset = queryset.alias(bounded_domains=Concat(Value(","), "domain_codes", Value(","))).filter(
            bounded_domains__contains=f",{query['domain']},"
        )
    if "city_type" in query:
        queryset = queryset.filter(city_type=query["city_type"])
    words = query.get("q", "").strip()
    for word in words.split():
        queryset = queryset.filter(
            Q(name_th__icontains=word)
            | Q(name_en__icontains=word)
            | Q(organisation__name_th__icontains=word)
            | Q(organisation__name_en__icontains=word)
            | Q(
                pk__in=links.filter(
                    Q(province__name_th__icontains=word) | Q(province__name_en__icontains=word)
                )
            )
        )
    return queryset


def through_key(through):
    return "certifiedcity_id" if through is CertifiedCity.provinces.through else "promotionzone_id"


def ordered(queryset, key, default):
    if not key:
        return queryset.order_by(*default)
    name = key.lstrip("-")
    if name == "name":
        name = "name_th" if _is_thai() else "name_en"
    if name == "round":
        name = "award_year"
    field = F(name).desc(nulls_last=True) if key.startswith("-") else F(name).asc(nulls_last=True)
    return queryset.order_by(field, "pk")


def province_prefetch():
    return Prefetch(
        "provinces",
        queryset=Province.objects.select_related("region", "statistical_region").order_by("code"),
    )


def areas():
    return CertifiedCity.objects.select_related("organisation", "promotion_zone").prefetch_related(
        province_prefetch()
    )


def zones():
    return PromotionZone.objects.select_related("organisation").prefetch_related(province_prefetch())


# --- The endpoints


class AreaList(ListView):
    query_class = AreaQuery
    serializer_class = AreaSerializer

    def rows(self, query):
        rows = in_registry(areas(), query, CertifiedCity.provinces.through)
        if "round" in query:
            rows = rows.filter(award_year=query["round"])
        if "status" in query:
            rows = rows.filter(status=query["status"])
        return ordered(rows, query.get("ordering"), ["-award_year", "name_th", "pk"])


class AreaDetail(DetailView):
    serializer_class = AreaSerializer

    def find(self, pk):
        return areas().filter(pk=pk).first() if pk <= MAX_ID else None


class ZoneList(ListView):
    query_class = ZoneQuery
    serializer_class = ZoneSerializer

    def rows(self, query):
        rows = in_registry(zones(), query, PromotionZone.provinces.through)
        if query.get("status") == ZoneStatus.PREPARING:
            rows = rows.filter(certified_city__isnull=True)
        elif query.get("status") == ZoneStatus.CERTIFIED:
            rows = rows.filter(certified_city__isnull=False)
        return ordered(rows, query.get("ordering"), ["-declared_on", "name_th", "pk"])


class ZoneDetail(DetailView):
    serializer_class = ZoneSerializer

    def find(self, pk):
        return zones().filter(pk=pk).first() if pk <= MAX_ID else None


def provinces():
    return Province.objects.select_related("region", "statistical_region")


class ProvinceList(ListView):
    query_class = ProvinceQuery
    serializer_class = ProvinceSerializer

    def rows(self, query):
        rows = provinces()
        if "region" in query:
            rows = rows.filter(region__code=query["region"])
        if "statistical_region" in query:
            rows = rows.filter(statistical_region__code=query["statistical_region"])
        return rows.order_by(province_ordering(), "code")


class ProvinceDetail(DetailView):
    serializer_class = ProvinceSerializer

    def find(self, code):
        return provinces().filter(code=code).first()


def regions():
    return Region.objects.prefetch_related("provinces", "statistical_provinces")


class RegionList(ListView):
    query_class = RegionQuery
    serializer_class = RegionSerializer

    def rows(self, query):
        rows = regions()
        if "grouping" in query:
            rows = rows.filter(grouping=query["grouping"])
        return rows.order_by("grouping", "code")


class RegionDetail(DetailView):
    serializer_class = RegionSerializer

    def find(self, grouping, code):
        return regions().filter(grouping=grouping, code=code).first()


EXAMPLE = "/api/v1/"
document_list(
    AreaList, serializer=AreaSerializer, name="areas_list", query=AreaQuery,
    summary=_("Certified smart cities"),
    description=_("The areas that hold or held the Smart City Thailand logo, with the registry's filters."),
    example=f"{EXAMPLE}areas/?region=north&domain=ENV",
)  # fmt: skip
document_detail(
    AreaDetail, serializer=AreaSerializer, name="areas_detail",
    summary=_("One certified smart city"), description=_("An area by its id."), example=f"{EXAMPLE}areas/1/",
)  # fmt: skip
document_list(
    ZoneList, serializer=ZoneSerializer, name="zones_list", query=ZoneQuery,
    summary=_("Smart city promotion zones"),
    description=_(
        "Areas the national committee acknowledged; those still preparing their plan and those certified."
    ),
    example=f"{EXAMPLE}zones/?status=preparing",
)  # fmt: skip
document_detail(
    ZoneDetail, serializer=ZoneSerializer, name="zones_detail",
    summary=_("One promotion zone"), description=_("A zone by its id."), example=f"{EXAMPLE}zones/1/",
)  # fmt: skip
document_list(
    ProvinceList, serializer=ProvinceSerializer, name="provinces_list", query=ProvinceQuery,
    summary=_("Provinces"),
    description=_(
        "The 77 provinces (76 and Bangkok) with the regions of both groupings, in the reader's order."
    ),
    example=f"{EXAMPLE}provinces/?region=north",
)  # fmt: skip
document_detail(
    ProvinceDetail, serializer=ProvinceSerializer, name="provinces_detail",
    summary=_("One province"), description=_("A province by its DOPA code."),
    example=f"{EXAMPLE}provinces/50/",
)  # fmt: skip
document_list(
    RegionList, serializer=RegionSerializer, name="regions_list", query=RegionQuery,
    summary=_("Regions"),
    description=_("The six geographic regions (Royal Institute) and the statistical regions (NESDB)."),
    example=f"{EXAMPLE}regions/?grouping=statistical",
)  # fmt: skip
document_detail(
    RegionDetail, serializer=RegionSerializer, name="regions_detail",
    summary=_("One region"), description=_("A region by its grouping and code."),
    example=f"{EXAMPLE}regions/geographic/north/",
)  # fmt: skip

urlpatterns = [
    path("areas/", AreaList.as_view(), name="api-areas"),
    path("areas/<int:pk>/", AreaDetail.as_view(), name="api-area"),
    path("zones/", ZoneList.as_view(), name="api-zones"),
    path("zones/<int:pk>/", ZoneDetail.as_view(), name="api-zone"),
    path("provinces/", ProvinceList.as_view(), name="api-provinces"),
    path("provinces/<str:code>/", ProvinceDetail.as_view(), name="api-province"),
    path("regions/", RegionList.as_view(), name="api-regions"),
    path("regions/<str:grouping>/<str:code>/", RegionDetail.as_view(), name="api-region"),
]
