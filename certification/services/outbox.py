"""The outbox: mail about decisions is created held (``core.notify``); the secretariat releases it,
perhaps edited, or discards it. Acknowledgements of the applicant's own act (a proposal, a plan, a
progress report or a request for renewal received) and the reminders of reports due go out at once,
once their transaction is committed; one that cannot be delivered stays in the outbox as failed, for
the secretariat to send again."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
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


class Undeliverable(Exception):
    """A mail that cannot be sent as it stands, said in the reader's language."""


def _check_addresses(addresses):
    if not addresses:
        raise Undeliverable(_("The mail has no recipients."))
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise Undeliverable(_("Not an e-mail address: “%(address)s”.") % {"address": address}) from None


def _deliver(locked, *, actor):
    """Sends a locked mail and records the delivery or the error, with its audit entry."""
    addresses = _addresses(locked)
    locked.released_by, locked.released_at = actor, timezone.now()
    try:
        _check_addresses(addresses)
        send_mail_message(locked.subject, locked.body, addresses)  # header values made one line
    except Undeliverable as exc:
        locked.status, locked.error = NotificationStatus.FAILED, str(exc)
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
        event=locked.event,
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


def monitoring_mail(award, event, *, report=None, renewal=None, documents=(), note=""):
    """A Thai and English mail to the award's organisation about its reports, renewal or revocation,
    written from ``templates/notifications/monitoring``; it waits in the outbox (the caller sends it at
    once when it needs no one's release)."""
    application = award.application
    context = {
        "event": event,
        "award": award,
        "area": award.certified_city.name_th,
        "report": report,
        "renewal": renewal,
        "documents": list(documents),
        "note": note,
        "url": absolute_url(reverse("apply:reports")),
        "report_url": absolute_url(reverse("apply:report", args=[report.pk])) if report else "",
        "certificates_url": absolute_url(reverse("apply:certificates")),
    }
    return queue_mail(
        application,
        f"certification.monitoring.{event}",
        applicant_recipients(application),
        "notifications/monitoring",
        context,
    )
