"""What every model admin of the certification app shares: its permissions and its lists come from
``rules`` (``rules.may`` and ``rules.visible``), and whatever the user may not see answers 404."""

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse

from smartcity.admin import NotFoundAdminMixin

from .. import rules


class RulesAdmin(NotFoundAdminMixin, admin.ModelAdmin):
    def get_queryset(self, request):
        return rules.visible(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return rules.may(request.user, "view", self.model if obj is None else obj)

    def has_add_permission(self, request):
        return rules.may(request.user, "add", self.model)

    def has_change_permission(self, request, obj=None):
        return rules.may(request.user, "change", self.model if obj is None else obj)

    def has_delete_permission(self, request, obj=None):
        return rules.may(request.user, "delete", self.model if obj is None else obj)

    def visible_object(self, request, pk):
        """The object for a custom view, if this user may see it; 404 otherwise (an id that is not a
        number included)."""
        obj = self.get_queryset(request).filter(pk=pk).first() if str(pk).isdigit() else None
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404
        return obj

    def render_page(self, request, template, title, obj=None, **context):
        """A custom page in the admin's frame (breadcrumbs, the user's links)."""
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "title": title,
                **context,
            },
        )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
