"""Django's own admins of users and groups (used by superusers), under the portal's policy: whatever a
user may not see answers 404 there too."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from smartcity.admin import NotFoundAdminMixin, not_found_when_denied


class PortalUserAdmin(NotFoundAdminMixin, UserAdmin):
    def add_view(self, request, form_url="", extra_context=None):
        with not_found_when_denied():  # Django's user admin refuses before its form view is reached
            return super().add_view(request, form_url, extra_context)

    def user_change_password(self, request, id, form_url=""):
        with not_found_when_denied():
            return super().user_change_password(request, id, form_url)


class PortalGroupAdmin(NotFoundAdminMixin, GroupAdmin):
    pass


for model, model_admin in ((get_user_model(), PortalUserAdmin), (Group, PortalGroupAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
