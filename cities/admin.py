from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smartcity.admin import NotFoundAdminMixin

from .models import CertifiedCity, Invitation, Membership, Organisation, Province, Region


class PortalAdmin(NotFoundAdminMixin, admin.ModelAdmin):
    """404 for what the user may not see, as everywhere in the portal."""


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
    list_display = ["name_th", "name_en", "code", "iso_code", "region", "statistical_region"]
    list_filter = ["region", "statistical_region"]
    list_select_related = ["region", "statistical_region"]
    search_fields = ["name_th", "name_en", "name_en_iso", "code", "iso_code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(PortalAdmin):
    list_display = ["name_th", "name_en", "org_type", "province", "is_sample"]
    list_filter = ["org_type", "province__region", "is_sample"]
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
    list_filter = ["award_year", "status", "city_type", "provinces__region", "is_sample"]
    search_fields = ["name_th", "name_en", "organisation__name_th", "organisation__name_en"]
    autocomplete_fields = ["organisation", "provinces"]
    date_hierarchy = "certified_on"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("provinces")

    @admin.display(description=_("provinces"))
    def province_names(self, obj):
        return ", ".join(p.name for p in obj.provinces.all())
