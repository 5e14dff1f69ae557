"""Reads used by the views, the forms and the admin."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from smartcity.collation import sort_key
from smartcity.thaidate import BE_OFFSET

from .enums import CertifiedCityStatus, Domain, RegionGrouping
from .models import (
    CertifiedCity,
    Invitation,
    Membership,
    Organisation,
    ProgressIndex,
    PromotionZone,
    Province,
    Region,
)

# --- Provinces in the reader's order: Thai dictionary order on Thai pages, by English name on English ones.


def _is_thai(language):
    return (language or get_language() or settings.LANGUAGE_CODE).startswith("th")


def province_sort_key(province, language=None):
    """The sort key of a province for ``language`` (the active language if None)."""
    if _is_thai(language) or not province.name_en:
        return sort_key(province.name_th)
    return sort_key(province.name_en)


def provinces_in_order(language=None, queryset=None):
    """The provinces (all of them, or those of ``queryset``) as a list in the order of ``language``,
    the active language if None: ``กระบี่, กรุงเทพมหานคร, …, เชียงใหม่, ตรัง, …`` in Thai (leading vowels
    do not count, see smartcity.collation), ``Amnat Charoen, Ang Thong, Bangkok, …`` in English."""
    provinces = list(Province.objects.all() if queryset is None else queryset)
    provinces.sort(key=lambda province: province_sort_key(province, language))
    return provinces


def province_ordering(language=None):
    """An expression to ``order_by`` a queryset of provinces in the order of ``provinces_in_order``, on
    any database (SQLite has no Thai collation): the rank of each province, computed here from the 77
    names (one small query)."""
    codes = [p.pk for p in provinces_in_order(language, Province.objects.only("code", "name_th", "name_en"))]
    return Case(
        *(When(pk=code, then=Value(rank)) for rank, code in enumerate(codes)),
        default=Value(len(codes)),
        output_field=IntegerField(),
    )


def organisations_of(user):
    """The organisations the user is a member of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user_id=user.pk).select_related("province")


def organisation_for_member(user, pk):
    """The organisation, if the user is one of its members; 404 otherwise (never 403)."""
    return get_object_or_404(organisations_of(user), pk=pk)


def members_of(organisation):
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_admin", "joined_at", "pk")
    )


def open_invitations_of(organisation, now=None):
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now or timezone.now(),
    ).select_related("created_by")


def invitation_by_token(token):
    return Invitation.objects.select_related("organisation__province").filter(token=token).first()


def accounts_with_email(email):
    """Accounts whose username or email address is this address, in any case."""
    User = get_user_model()
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email))


def expired_signups(now=None):
    """Sign-ups never confirmed within the confirmation period: their address may sign up again."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.SIGNUP_CONFIRMATION_SECONDS)
    return get_user_model().objects.filter(
        is_active=False, last_login=None, is_staff=False, date_joined__lt=cutoff
    )


def email_is_registered(email):
    return accounts_with_email(email).exclude(pk__in=expired_signups().values("pk")).exists()


# --- The public registry: certified areas and promotion zones, filtered, searched and sorted.
#
# A listing is read whole (a few hundred records at most, with their provinces in one more query) and
# sorted here, because the Thai dictionary order is not one that databases know (see smartcity.collation).

ZONE_PREPARING = "preparing"
ZONE_CERTIFIED = "certified"


@dataclass
class RegistryQuery:
    """What a visitor filters a listing by; None or "" means "any"."""

    region: Region | None = None
    province: str = ""  # DOPA code
    domain: str = ""
    city_type: str = ""
    year: int | None = None  # B.E.: the round of an area, the year a zone was declared
    status: str = ""
    text: str = ""
    sort: str = "name"


def registry_regions():
    """Both groupings of the regions, geographic first, each in the reader's order."""
    regions = list(Region.objects.all())
    order = {RegionGrouping.GEOGRAPHIC: 0, RegionGrouping.STATISTICAL: 1}
    regions.sort(key=lambda r: (order.get(r.grouping, 2), sort_key(r.name)))
    return regions


def area_years():
    return sorted(set(CertifiedCity.objects.values_list("award_year", flat=True)), reverse=True)


def zone_years():
    return sorted(
        {d.year + BE_OFFSET for d in PromotionZone.objects.values_list("declared_on", flat=True)},
        reverse=True,
    )


def _in_region(region):
    if region.grouping == RegionGrouping.STATISTICAL:
        return Q(provinces__statistical_region=region)
    return Q(provinces__region=region)


def _common_filters(queryset, query):
    if query.region is not None:
        queryset = queryset.filter(
            pk__in=queryset.model.objects.filter(_in_region(query.region)).values("pk")
        )
    if query.province:
        queryset = queryset.filter(
            pk__in=queryset.model.objects.filter(provinces=query.province).values("pk")
        )
    if query.domain:
        # Codes are three letters between commas: one can never be found inside another.
        queryset = queryset.filter(domain_codes__contains=query.domain)
    if query.city_type:
        queryset = queryset.filter(city_type=query.city_type)
    if query.text:
        words = query.text.split()
        for word in words:
            queryset = queryset.filter(
                Q(name_th__icontains=word)
                | Q(name_en__icontains=word)
                | Q(organisation__name_th__icontains=word)
                | Q(organisation__name_en__icontains=word)
            )
    return queryset


def _name_key(record, language=None):
    if _is_thai(language) or not record.name_en:
        return sort_key(record.name_th)
    return sort_key(record.name_en)


def _sorted(records, sort, year_of, language=None):
    def province_key(record):
        keys = [province_sort_key(p, language) for p in record.provinces.all()]
        return min(keys) if keys else (chr(0x10FFFF),)

    name = lambda record: _name_key(record, language)  # noqa: E731
    if sort == "year":
        records.sort(key=lambda r: (year_of(r), name(r)))
    elif sort == "-year":
        records.sort(key=name)
        records.sort(key=year_of, reverse=True)
    elif sort == "province":
        records.sort(key=lambda r: (province_key(r), name(r)))
    elif sort == "-name":
        records.sort(key=name, reverse=True)
    else:
        records.sort(key=name)
    return records


def registry_areas(query=None, language=None):
    """The certified areas that match ``query``, in its order, each with its organisation and provinces."""
    query = query or RegistryQuery()
    queryset = CertifiedCity.objects.select_related("organisation").prefetch_related("provinces")
    queryset = _common_filters(queryset, query)
    if query.year:
        queryset = queryset.filter(award_year=query.year)
    if query.status:
        queryset = queryset.filter(status=query.status)
    return _sorted(list(queryset), query.sort, lambda city: city.award_year, language)


def registry_zones(query=None, language=None):
    """The promotion zones that match ``query``, in its order; ``status`` is ``preparing`` (no certified
    city yet) or ``certified``."""
    query = query or RegistryQuery()
    queryset = PromotionZone.objects.select_related("organisation", "certified_city").prefetch_related(
        "provinces"
    )
    queryset = _common_filters(queryset, query)
    if query.year:
        queryset = queryset.filter(declared_on__year=query.year - BE_OFFSET)
    if query.status == ZONE_PREPARING:
        queryset = queryset.filter(certified_city__isnull=True)
    elif query.status == ZONE_CERTIFIED:
        queryset = queryset.filter(certified_city__isnull=False)
    return _sorted(list(queryset), query.sort, lambda zone: zone.declared_on.year + BE_OFFSET, language)


def registry_area(pk):
    return get_object_or_404(
        CertifiedCity.objects.select_related("organisation__province").prefetch_related("provinces"), pk=pk
    )


def registry_zone(pk):
    return get_object_or_404(
        PromotionZone.objects.select_related("organisation__province", "certified_city").prefetch_related(
            "provinces"
        ),
        pk=pk,
    )


def zone_of(city):
    """The promotion zone an area was certified from, or None."""
    return PromotionZone.objects.filter(certified_city=city).first()


# --- Statistics, computed from the records each time the freshness number changes.


@dataclass
class RoundFigures:
    year: int
    areas: int
    areas_to_date: int
    provinces: int
    provinces_to_date: int
    population: int
    population_to_date: int


@dataclass
class RegistryStatistics:
    areas: int = 0  # every area ever certified
    active_areas: int = 0
    provinces: int = 0  # provinces with at least one area
    active_provinces: int = 0
    population: int = 0  # served by every area (where the record gives it)
    active_population: int = 0
    zones: int = 0
    zones_preparing: int = 0
    rounds: list = field(default_factory=list)  # RoundFigures, oldest first
    by_region: dict = field(default_factory=dict)  # grouping -> [(Region, areas)]
    by_domain: list = field(default_factory=list)  # [(Domain, areas)]
    by_province: dict = field(default_factory=dict)  # Province.code -> areas
    active_by_province: dict = field(default_factory=dict)  # Province.code -> areas certified today
    zones_by_province: dict = field(default_factory=dict)  # Province.code -> zones preparing plans


def registry_statistics():
    """Counts of the registry: every figure of the statistics page and the map, in four queries."""
    cities = list(CertifiedCity.objects.prefetch_related("provinces"))
    zones = list(PromotionZone.objects.prefetch_related("provinces"))
    regions = registry_regions()
    stats = RegistryStatistics(areas=len(cities), zones=len(zones))

    def provinces_of(records):
        return {p.code for record in records for p in record.provinces.all()}

    active = [c for c in cities if c.status == CertifiedCityStatus.ACTIVE]
    stats.active_areas = len(active)
    stats.provinces = len(provinces_of(cities))
    stats.active_provinces = len(provinces_of(active))
    stats.population = sum(c.population or 0 for c in cities)
    stats.active_population = sum(c.population or 0 for c in active)
    preparing = [z for z in zones if z.certified_city_id is None]
    stats.zones_preparing = len(preparing)

    seen, areas_to_date, population_to_date = set(), 0, 0
    for year in sorted({c.award_year for c in cities}):
        batch = [c for c in cities if c.award_year == year]
        seen |= provinces_of(batch)
        areas_to_date += len(batch)
        population = sum(c.population or 0 for c in batch)
        population_to_date += population
        stats.rounds.append(
            RoundFigures(
                year,
                len(batch),
                areas_to_date,
                len(provinces_of(batch)),
                len(seen),
                population,
                population_to_date,
            )
        )

    region_of = {}
    for city in cities:
        for province in city.provinces.all():
            region_of.setdefault(city.pk, set()).update({province.region_id, province.statistical_region_id})
    per_region = Counter(region for ids in region_of.values() for region in ids)
    for region in regions:
        stats.by_region.setdefault(region.grouping, []).append((region, per_region.get(region.pk, 0)))

    per_domain = Counter(code for city in cities for code in {d.value for d in city.domains})
    stats.by_domain = [(domain, per_domain.get(domain.value, 0)) for domain in Domain]
    stats.by_province = Counter(p.code for city in cities for p in city.provinces.all())
    stats.active_by_province = Counter(p.code for city in active for p in city.provinces.all())
    stats.zones_by_province = Counter(p.code for zone in preparing for p in zone.provinces.all())
    return stats


# --- The progress index: each certified area's assessed progress, year by year.


def progress_years(public_only=True):
    """The years (B.E.) with an assessed progress report, newest first."""
    return sorted(set(progress_index(public_only=public_only).values_list("year", flat=True)), reverse=True)


def progress_index(year=None, *, public_only=True, language=None):
    """The lines of the progress index (of one year, or of every year), highest index first and then by
    name; ``public_only`` leaves out the organisations that keep their details out of the registry (the
    fact of the award stays public; the assessment of their progress does not). A queryset when no year
    is given (for counting), a list in the reader's order otherwise."""
    rows = ProgressIndex.objects.select_related("certified_city__organisation")
    if public_only:
        rows = rows.filter(
            Q(certified_city__organisation__isnull=True)
            | Q(certified_city__organisation__registry_details_public=True)
        )
    if year is None:
        return rows
    rows = list(rows.filter(year=year))
    rows.sort(key=lambda row: _name_key(row.certified_city, language))
    rows.sort(key=lambda row: row.index, reverse=True)
    return rows


def area_progress(city):
    """An area's lines of the index, oldest year first, if its organisation lets them be public."""
    if city.organisation is not None and not city.organisation.registry_details_public:
        return []
    return list(city.progress.order_by("year"))
