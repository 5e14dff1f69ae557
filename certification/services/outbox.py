"""The outbox: mail about decisions is created held (``core.notify``); the secretariat releases it,
perhaps edited, or discards it."""

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import NotificationStatus
from ..models import Notification
from .core import WorkflowError, audit


def release_notification(notification, *, actor, subject=None, body=None, recipients=None):
    """Sends a held mail, after the secretariat has read (and perhaps edited) it; records the delivery."""
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status not in (NotificationStatus.HELD, NotificationStatus.FAILED):
            raise WorkflowError(_("This mail has already been sent or discarded."))
        fields = ["status", "released_by", "released_at", "error"]
        for name, value in (("subject", subject), ("body", body), ("recipients", recipients)):
            if value is not None:
                setattr(locked, name, value)
                fields.append(name)
        addresses = [line.strip() for line in locked.recipients.splitlines() if line.strip()]
        locked.released_by, locked.released_at = actor, timezone.now()
        try:
            if not addresses:
                raise ValueError(_("The mail has no recipients."))
            EmailMessage(locked.subject, locked.body, to=addresses).send()
        except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and shown
            locked.status, locked.error = NotificationStatus.FAILED, f"{type(exc).__name__}: {exc}"
        else:
            locked.status, locked.error = NotificationStatus.SENT, ""
        locked.save(update_fields=fields)
        audit(
            locked.application,
            f"certification.notification.{locked.status}",
            actor=actor,
            subject=locked.subject,
            recipients=addresses,
        )
    notification.status, notification.error = locked.status, locked.error
    return locked


def discard_notification(notification, *, actor):
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status != NotificationStatus.HELD:
            raise WorkflowError(_("This mail has already been sent or discarded."))
        locked.status, locked.released_by, locked.released_at = (
            NotificationStatus.DISCARDED,
            actor,
            timezone.now(),
        )
        locked.save(update_fields=["status", "released_by", "released_at"])
        audit(locked.application, "certification.notification.discarded", actor=actor, subject=locked.subject)
    return locked
