"""What every admin page of the portal shares: an object the user may not see, or an address that names
nothing (``/admin/…/abc/change/``), answers 404 — never 403, never Django's redirect to the index with
"doesn't exist" — so that a hidden object cannot be told from a missing one."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.http import Http404


@contextmanager
def not_found_when_denied():
    """Turns a refusal (PermissionDenied) into 404 — for the admin's custom views too."""
    try:
        yield
    except PermissionDenied:
        raise Http404 from None


class NotFoundAdminMixin:
    """For a ``ModelAdmin``: 404 wherever Django's admin would answer 403 or redirect."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404
        return obj

    def changelist_view(self, request, extra_context=None):
        with not_found_when_denied():
            return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with not_found_when_denied():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        with not_found_when_denied():
            return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        with not_found_when_denied():
            return super().delete_view(request, object_id, extra_context)
