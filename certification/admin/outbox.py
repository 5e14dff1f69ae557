"""The outbox in the admin: mail about decisions waits here until the secretariat reads, edits and
releases it, or discards it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from ..enums import NotificationStatus, Status
from ..models import Notification
from ..services import outbox
from ..services.core import WorkflowError
from .base import RulesAdmin


def event_label(event):
    """What a mail is about, in words: the state it announces, or the evaluator's assignment."""
    state = event.removeprefix("certification.application.")
    if state in Status.values:
        return Status(state).label
    if event == "certification.evaluation.assigned":
        return _("An evaluator was assigned")
    return "—"


class NotificationForm(forms.ModelForm):
    def clean_recipients(self):
        lines = [line.strip() for line in self.cleaned_data["recipients"].splitlines() if line.strip()]
        wrong = []
        for line in lines:
            try:
                validate_email(line)
            except ValidationError:
                wrong.append(line)
        if wrong:
            raise ValidationError(
                _("Not an e-mail address: %(lines)s. Write one address per line."),
                params={"lines": ", ".join(f"“{line}”" for line in wrong)},
            )
        if not lines:
            raise ValidationError(_("Write at least one address."))
        return "\n".join(lines)


@admin.register(Notification)
class NotificationAdmin(RulesAdmin):
    """The outbox: mail about decisions waits here until the secretariat reads, edits and releases it."""

    form = NotificationForm
    list_display = [
        "subject",
        "recipient_list",
        "application",
        "about",
        "status",
        "created_at",
        "released_at",
    ]
    list_filter = ["status"]
    list_select_related = ["application"]
    search_fields = ["subject", "recipients", "application__title"]
    fields = [
        "application",
        "about",
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
        locked = ["application", "about", "status", "released_by", "released_at", "error"]
        if obj is None or obj.status in (NotificationStatus.HELD, NotificationStatus.FAILED):
            return locked
        return [*locked, "recipients", "subject", "body"]

    @admin.display(description=_("event announced"))  # not "about": in Thai, the subject's word (เรื่อง)
    def about(self, obj):
        return event_label(obj.event)

    @admin.display(description=_("recipients"), ordering="recipients")
    def recipient_list(self, obj):
        return ", ".join(line.strip() for line in obj.recipients.splitlines() if line.strip())

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
