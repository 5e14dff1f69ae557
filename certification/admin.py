from itertools import pairwise

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import admin_documents
from .models import Application, ApplicationVersion, Attachment, Section
from .services import diff_versions


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ["key", "is_complete", "version", "updated_at", "updated_by", "reopened", "reviewer_request"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "kind", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class VersionInline(ReadOnlyInline):
    model = ApplicationVersion
    fields = ["number", "stage", "submitted_by", "submitted_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "city_type", "status", "submitted_at"]
    list_filter = ["status", "city_type"]
    list_select_related = ["organisation"]
    search_fields = ["title", "organisation__name_th", "organisation__name_en"]
    readonly_fields = [
        "organisation",
        "title",
        "city_type",
        "status",
        "domain_codes",
        "created_by",
        "submitted_at",
        "compare_link",
    ]
    exclude = ["provinces"]
    inlines = [SectionInline, AttachmentInline, VersionInline]
    actions = [admin_documents.award_in_latest_round]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("changes between versions"))
    def compare_link(self, obj):
        if obj.versions.count() < 2:
            return "—"
        url = reverse("admin:certification_application_versions", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Compare the submitted versions"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/versions/",
                self.admin_site.admin_view(self.versions_view),
                name="certification_application_versions",
            ),
            *super().get_urls(),
        ]

    def versions_view(self, request, pk):
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, application):
            raise PermissionDenied
        versions = list(application.versions.order_by("number"))
        comparisons = [
            {"old": old, "new": new, "changes": diff_versions(old.snapshot, new.snapshot)}
            for old, new in pairwise(versions)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "application": application,
            "comparisons": comparisons,
            "title": _("Changes between submitted versions"),
        }
        return TemplateResponse(request, "admin/certification/application/versions.html", context)
