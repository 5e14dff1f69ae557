"""Awards and their documents: awarding, promotion-zone certificates, reissue, revocation (of a document,
or of an award by the committee's resolution). Renewal is in ``renewals``, expiry in ``monitoring``.
Every write is atomic and audited; the documents are rendered after commit (``rendering``).

Serial numbers come from one ``SerialCounter`` row per (kind, Buddhist year), locked with
``select_for_update`` inside the transaction that creates the document: numbers are consecutive, and
a transaction that rolls back gives its number back. The unique constraints on ``Document`` (serial;
kind, year, number) hold even if this code were bypassed.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cities import freshness
from cities.enums import CertifiedCityStatus
from cities.models import CertifiedCity
from smartcity.thaidate import be_year

from .. import layout, selectors, snapshots
from ..enums import AwardStatus, Body, DocumentKind, RenewalStatus, Status
from ..models import Application, Award, Document, SerialCounter
from . import outbox, rendering
from .core import WorkflowError, audit, notify, transition

logger = logging.getLogger(__name__)


AWARD_DOCUMENT_KINDS = (DocumentKind.AWARD_CERTIFICATE, DocumentKind.PLAQUE)


def next_serial(kind, year):
    """Takes the next number of ``kind`` in ``year``; call it inside the transaction that creates the
    document, so that the counter row stays locked until that document is committed."""
    counter, _created = SerialCounter.objects.select_for_update().get_or_create(kind=kind, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, snapshots.format_serial(kind, year, counter.last_number)


def issue_document(
    kind, *, year, application, data, actor, issued_on, valid_until=None, award=None, supersedes=None
):
    """Issues a document of ``kind`` under the next serial of ``year``; rendered after commit. Call it
    inside the transaction of the act that issues it (an award, a renewal, a correction)."""
    number, serial = next_serial(kind, year)
    document = Document.objects.create(
        kind=kind,
        serial=serial,
        year=year,
        number=number,
        round=award.round if award else None,
        award=award,
        application=application,
        template_version=layout.CURRENT_TEMPLATE_VERSION,
        data={**data, "serial": serial, "verify_url": snapshots.verification_url(serial)},
        issued_on=issued_on,
        valid_until=valid_until,
        supersedes=supersedes,
    )
    audit(
        application,
        "certification.document.issued",
        actor=actor,
        serial=serial,
        kind=str(kind),
        supersedes=supersedes.serial if supersedes else "",
    )
    rendering.queue_rendering([document.pk])
    return document


@transaction.atomic
def award(application, award_round, *, actor, awarded_on=None):
    """Awards the logo to an endorsed application in ``award_round``: the award, the certified
    smart-city record of the public registry (its domains, population, vision, goals and contact from
    the application; its promotion zone linked to it) and the documents (certificate and plaque), in
    one transaction; the documents are rendered after it commits. The mail naming their serials waits
    in the outbox."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.ENDORSED:
        raise WorkflowError(_("Only an application endorsed by the committee can be awarded."))
    if CertifiedCity.objects.filter(award_year=award_round.year, name_th=locked.title).exists():
        raise WorkflowError(
            _("An area named “%(name)s” is already certified in the round of %(year)s.")
            % {"name": locked.title, "year": award_round.year}
        )
    transition(locked, Status.AWARDED, actor=actor, data={"round": award_round.year}, notify_applicant=False)
    application.status = locked.status
    awarded_on = awarded_on or award_round.ceremony_date or timezone.localdate()
    valid_until = snapshots.add_years(awarded_on, award_round.validity_years)
    city = CertifiedCity.objects.create(
        name_th=locked.title,
        organisation=locked.organisation,
        city_type=locked.city_type,
        award_year=award_round.year,
        certified_on=awarded_on,
        valid_until=valid_until,
        status=CertifiedCityStatus.ACTIVE,
        is_sample=locked.organisation.is_sample,
        **selectors.registry_facts(locked),
    )
    city.provinces.set(locked.provinces.all())
    if locked.promotion_zone_id:
        zone = locked.promotion_zone
        zone.certified_city = city
        zone.save(update_fields=["certified_city"])
    new_award = Award.objects.create(
        application=locked,
        round=award_round,
        certified_city=city,
        awarded_on=awarded_on,
        valid_until=valid_until,
        awarded_by=actor,
    )
    audit(locked, "certification.award.created", actor=actor, round=award_round.year, city=city.name_th)
    data = snapshots.award_snapshot(new_award)
    documents = [
        issue_document(
            kind,
            year=award_round.year,
            application=locked,
            data=data,
            actor=actor,
            issued_on=awarded_on,
            valid_until=valid_until,
            award=new_award,
        )
        for kind in AWARD_DOCUMENT_KINDS
    ]
    city.certificate_serial = documents[0].serial
    city.save(update_fields=["certificate_serial"])
    # The decision's mail names the serials, so it is written once they exist; it waits in the outbox.
    notify(locked, Status.AWARDED, data={"round": award_round.year}, documents=documents)
    return new_award


@transaction.atomic
def issue_promotion_zone_certificate(application, *, actor):
    """Issues the promotion-zone certificate of an application whose area has been acknowledged as a
    promotion zone (``application.promotion_zone`` set). Issuing again returns the current one."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.promotion_zone is None:
        raise WorkflowError(_("This application's area has not been acknowledged as a promotion zone."))
    current = selectors.current_documents().filter(
        application=locked, kind=DocumentKind.PROMOTION_ZONE_CERTIFICATE
    )
    if existing := current.first():
        return existing
    return issue_document(
        DocumentKind.PROMOTION_ZONE_CERTIFICATE,
        year=be_year(locked.promotion_zone.declared_on),
        application=locked,
        data=snapshots.zone_snapshot(locked),
        actor=actor,
        issued_on=locked.promotion_zone.declared_on,
    )


@transaction.atomic
def reissue(document, *, actor, reason):
    """Issues a corrected copy of a document under a new serial of the same kind and year, from the
    records as they are now; the old one is superseded (its verification page names the new one)."""
    if not reason.strip():
        raise WorkflowError(_("Say why the document is reissued."))
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.revoked_at:
        raise WorkflowError(_("A revoked document cannot be reissued."))
    if successor := Document.objects.filter(supersedes=locked).first():
        raise WorkflowError(
            _("This document has already been superseded by %(serial)s.") % {"serial": successor.serial}
        )
    data = (
        snapshots.award_snapshot(locked.award)
        if locked.award_id
        else snapshots.zone_snapshot(locked.application)
    )
    new = issue_document(
        locked.kind,
        year=locked.year,
        application=locked.application,
        data=data,
        actor=actor,
        issued_on=locked.issued_on,
        valid_until=locked.valid_until,
        award=locked.award,
        supersedes=locked,
    )
    if locked.kind == DocumentKind.AWARD_CERTIFICATE and locked.award_id:
        city = locked.award.certified_city
        city.certificate_serial = new.serial
        city.save(update_fields=["certificate_serial"])
    audit(
        locked.application,
        "certification.document.reissued",
        actor=actor,
        serial=locked.serial,
        new_serial=new.serial,
        reason=reason,
    )
    return new


@transaction.atomic
def revoke(document, *, actor, reason):
    """Revokes a document. A document of an award revokes the award itself: the logo, the registry
    record and every current document of the award."""
    if not reason.strip():
        raise WorkflowError(_("Say why the document is revoked."))
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.revoked_at:
        raise WorkflowError(_("This document is already revoked."))
    if locked.award_id:
        the_award = Award.objects.select_for_update().get(pk=locked.award_id)
        if the_award.status == AwardStatus.SUPERSEDED:
            raise WorkflowError(_("This award was renewed: revoke the documents of the renewed award."))
        serials = _revoke_award(the_award, reason=reason)
    else:
        serials = [locked.serial]
        Document.objects.filter(pk=locked.pk).update(revoked_at=timezone.now(), revocation_reason=reason)
        freshness.bump()  # update() sends no post_save; the verification pages must say "revoked" at once
    audit(locked.application, "certification.document.revoked", actor=actor, serials=serials, reason=reason)
    return Document.objects.get(pk=locked.pk)


def _revoke_award(the_award, *, reason, resolution=None, cited=""):
    """Revokes a locked award, its registry record and every current document of it; returns the
    documents' serials. The documents' reason cites the resolution, for their verification pages."""
    the_award.status, the_award.revocation_reason = AwardStatus.REVOKED, reason
    the_award.revocation_resolution = resolution
    the_award.save(update_fields=["status", "revocation_reason", "revocation_resolution"])
    city = the_award.certified_city
    city.status = CertifiedCityStatus.REVOKED
    city.save(update_fields=["status"])
    targets = selectors.current_documents().filter(award=the_award)
    serials = sorted(targets.values_list("serial", flat=True))
    printed = f"{reason} ({cited})" if cited else reason
    targets.update(revoked_at=timezone.now(), revocation_reason=printed)
    freshness.bump()  # update() sends no post_save; the verification pages must say "revoked" at once
    return serials


@transaction.atomic
def revoke_award(award, *, actor, resolution, reason):
    """Revokes an award by a resolution of the national committee, with its reason: the award, its
    registry record and its current documents (their verification pages say revoked, with the reason
    and the resolution). A request for its renewal still waiting is declined with it. The organisation's
    mail waits in the outbox."""
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the revocation."))
    check_committee_resolution(resolution)
    locked = (
        Award.objects.select_for_update().select_related("certified_city", "application").get(pk=award.pk)
    )
    if locked.status not in (AwardStatus.ACTIVE, AwardStatus.EXPIRED):
        raise WorkflowError(
            _("An award that is “%(state)s” cannot be revoked.") % {"state": locked.get_status_display()}
        )
    with translation.override(settings.LANGUAGE_CODE):
        cited = str(resolution)  # cited in Thai, as the committee writes it
    serials = _revoke_award(locked, reason=reason, resolution=resolution, cited=cited)
    open_requests = locked.renewals.filter(status=RenewalStatus.REQUESTED)
    declined = list(open_requests.values_list("pk", flat=True))
    open_requests.update(
        status=RenewalStatus.DECLINED, resolution=resolution, decision_note=reason, decided_by=actor,
        decided_at=timezone.now(),
    )  # fmt: skip
    audit(locked.application, "certification.award.revoked", actor=actor, reason=reason, resolution=cited,
          serials=serials, round=locked.round.year, renewals_declined=declined)  # fmt: skip
    outbox.monitoring_mail(locked, "revoked", note=reason)
    return locked


def check_committee_resolution(resolution):
    """Renewal and revocation are the national committee's decisions: they cite its resolution."""
    if resolution is None or resolution.meeting.body != Body.COMMITTEE:
        raise WorkflowError(
            _("This decision must cite a resolution of the %(body)s.") % {"body": Body.COMMITTEE.label}
        )
