"""The outbox: mail about decisions is created held (``core.notify``); the secretariat releases it,
perhaps edited, or discards it. Acknowledgements of the applicant's own act (a proposal or a plan
received) go out at once, once the submission is committed; one that cannot be delivered stays in the
outbox as failed, for the secretariat to send again."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcity.mail import send_mail_message

from .. import selectors
from ..enums import NotificationStatus, Stage
from ..models import Notification
from .core import WorkflowError, absolute_url, applicant_recipients, audit, queue_mail


def _addresses(notification):
    return [line.strip() for line in notification.recipients.splitlines() if line.strip()]


def _deliver(locked, *, actor):
    """Sends a locked mail and records the delivery or the error, with its audit entry."""
    addresses = _addresses(locked)
    locked.released_by, locked.released_at = actor, timezone.now()
    try:
        if not addresses:
            raise ValueError(_("The mail has no recipients."))
        send_mail_message(locked.subject, locked.body, addresses)  # header values made one line
    except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and shown
        locked.status, locked.error = NotificationStatus.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        locked.status, locked.error = NotificationStatus.SENT, ""
    audit(
        locked.application,
        f"certification.notification.{locked.status}",
        actor=actor,
        subject=locked.subject,
        recipients=addresses,
    )


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
        _deliver(locked, actor=actor)
        locked.save(update_fields=fields)
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


def acknowledge_submission(application, *, version):
    """Tells the organisation at once that the proposal or the plan was received, with the reference
    number to quote. Call it inside the submission's transaction: the mail is written there and sent
    when that transaction commits (never for a submission that rolled back)."""
    state = "proposal" if application.stage == Stage.PROPOSAL else "plan"
    context = {
        "application": application,
        "received": state,
        "reference": selectors.reference_number(application, version),
        "submitted_at": application.submitted_at,
        "url": absolute_url(reverse("apply:detail", args=[application.pk])),
    }
    notification = queue_mail(
        application,
        f"certification.application.{application.status}",
        applicant_recipients(application),
        "notifications/received",
        context,
    )
    transaction.on_commit(lambda: send_at_once(notification), robust=True)
    return notification


def send_at_once(notification):
    """Sends a mail that needs no one's release (an acknowledgement), if it is still waiting."""
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status != NotificationStatus.HELD:
            return locked
        _deliver(locked, actor=None)
        locked.save(update_fields=["status", "released_by", "released_at", "error"])
    notification.status, notification.error = locked.status, locked.error
    return locked
