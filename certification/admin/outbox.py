"""The outbox in the admin: mail about decisions waits here until the secretariat reads, edits and
releases it, or discards it."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ..enums import NotificationStatus
from ..models import Notification
from ..services import outbox
from ..services.core import WorkflowError
from .base import RulesAdmin


@admin.register(Notification)
class NotificationAdmin(RulesAdmin):
    """The outbox: mail about decisions waits here until the secretariat reads, edits and releases it."""

    list_display = ["subject", "application", "status", "created_at", "released_at"]
    list_filter = ["status"]
    list_select_related = ["application"]
    search_fields = ["subject", "application__title"]
    fields = [
        "application",
        "event",
        "recipients",
        "subject",
        "body",
        "status",
        "released_by",
        "released_at",
        "error",
    ]
    actions = ["release", "discard"]

    def get_readonly_fields(self, request, obj=None):
        locked = ["application", "event", "status", "released_by", "released_at", "error"]
        if obj is None or obj.status in (NotificationStatus.HELD, NotificationStatus.FAILED):
            return locked
        return [*locked, "recipients", "subject", "body"]

    @admin.action(description=_("Release: send the selected mail"))
    def release(self, request, queryset):
        for notification in queryset:
            try:
                sent = outbox.release_notification(notification, actor=request.user)
            except WorkflowError as exc:
                self.message_user(request, f"{notification}: {exc}", messages.ERROR)
            else:
                level = messages.SUCCESS if sent.status == NotificationStatus.SENT else messages.ERROR
                self.message_user(request, f"{sent}: {sent.get_status_display()} {sent.error}", level)

    @admin.action(description=_("Discard the selected mail"))
    def discard(self, request, queryset):
        for notification in queryset:
            try:
                outbox.discard_notification(notification, actor=request.user)
            except WorkflowError as exc:
                self.message_user(request, f"{notification}: {exc}", messages.ERROR)
