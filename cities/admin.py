from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smartcity.admin import NotFoundAdminMixin

from . import selectors
from .forms import RegistryRecordForm
from .models import CertifiedCity, Invitation, Membership, Organisation, Province, Region


class PortalAdmin(NotFoundAdminMixin, admin.ModelAdmin):
    """404 for what the user may not see, and dates in the page's era, as everywhere in the portal."""


class ProvinceListFilter(admin.RelatedFieldListFilter):
    """A filter by province whose provinces are listed in the reader's order: Thai dictionary order on
    Thai pages (เชียงใหม่ under ช), by English name on English ones. For a foreign key or a many-to-many
    field to ``Province``: ``list_filter = [("provinces", ProvinceListFilter)]``."""

    def field_choices(self, field, request, model_admin):
        queryset = field.related_model._default_manager.complex_filter(field.get_limit_choices_to())
        return [(province.pk, str(province)) for province in selectors.provinces_in_order(queryset=queryset)]


class ReferenceDataAdmin(PortalAdmin):
    """Regions and provinces come from a data migration: readable here, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    list_display = ["name_th", "name_en", "grouping", "code"]
    list_filter = ["grouping"]


@admin.register(Province)
class ProvinceAdmin(ReferenceDataAdmin):
    """Listed in the reader's order (the list, the autocomplete of the forms that name provinces, and
    Django's filters by province all take ``get_ordering``); the name columns sort by it too."""

    list_display = ["thai_name", "english_name", "code", "iso_code", "region", "statistical_region"]
    list_filter = ["region", "statistical_region"]
    list_select_related = ["region", "statistical_region"]
    search_fields = ["name_th", "name_en", "name_en_iso", "code", "iso_code"]

    def get_ordering(self, request):
        return [selectors.province_ordering()]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                thai_order=selectors.province_ordering("th"), english_order=selectors.province_ordering("en")
            )
        )

    @admin.display(description=_("name (Thai)"), ordering="thai_order")
    def thai_name(self, obj):
        return obj.name_th

    @admin.display(description=_("name (English)"), ordering="english_order")
    def english_name(self, obj):
        return obj.name_en


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(PortalAdmin):
    list_display = ["name_th", "name_en", "org_type", "province", "is_sample"]
    list_filter = ["org_type", "province__region", ("province", ProvinceListFilter), "is_sample"]
    list_select_related = ["province"]
    search_fields = ["name_th", "name_en"]
    autocomplete_fields = ["province"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(PortalAdmin):
    """Invitations are created and accepted by applicants; the admin shows them and may revoke one by
    setting "revoked"."""

    list_display = ["organisation", "created_by", "created_at", "expires_at", "accepted_by", "revoked_at"]
    list_filter = ["created_at"]
    list_select_related = ["organisation", "created_by", "accepted_by"]
    search_fields = [
        "organisation__name_th",
        "organisation__name_en",
        "created_by__email",
        "accepted_by__email",
    ]
    readonly_fields = ["organisation", "token", "created_by", "created_at", "accepted_by", "accepted_at"]

    def has_add_permission(self, request):
        return False


@admin.register(CertifiedCity)
class CertifiedCityAdmin(PortalAdmin):
    list_display = ["name_th", "name_en", "award_year", "city_type", "status", "province_names", "is_sample"]
    list_filter = [
        "award_year",
        "status",
        "city_type",
        "provinces__region",
        ("provinces", ProvinceListFilter),
        "is_sample",
    ]
    search_fields = ["name_th", "name_en", "organisation__name_th", "organisation__name_en"]
    autocomplete_fields = ["organisation", "provinces"]
    date_hierarchy = "certified_on"
    form = RegistryRecordForm

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("provinces")

    @admin.display(description=_("provinces"))
    def province_names(self, obj):
        return ", ".join(p.name for p in selectors.provinces_in_order(queryset=obj.provinces.all()))
