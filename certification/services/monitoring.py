"""Awards over time, after the ceremony: an award past its validity expires, with its record in the
public registry."""

from django.db import transaction
from django.utils import timezone

from cities.enums import CertifiedCityStatus

from ..enums import AwardStatus
from ..models import Award
from .core import audit


@transaction.atomic
def expire_awards(today=None):
    """Marks the active awards whose validity has passed as expired, with their records in the public
    registry; run every night (task ``certification.expire_awards``, command ``expire_awards``). The
    verification pages already say "expired" from the dates; this keeps the admin and the registry in
    step. Returns how many awards expired."""
    today = today or timezone.localdate()
    due = Award.objects.select_for_update().filter(status=AwardStatus.ACTIVE, valid_until__lt=today)
    expired = list(due.select_related("certified_city", "application"))
    for the_award in expired:
        the_award.status = AwardStatus.EXPIRED
        the_award.save(update_fields=["status"])
        city = the_award.certified_city
        if city.status == CertifiedCityStatus.ACTIVE:
            city.status = CertifiedCityStatus.EXPIRED
            city.save(update_fields=["status"])
        audit(the_award.application, "certification.award.expired", actor=None,
              valid_until=the_award.valid_until.isoformat())  # fmt: skip
    return len(expired)
