from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles; each is a permission group of the same name, created by a migration.

    Applicants have no group: a user is an applicant through membership of an organisation.
    """

    SECRETARIAT = "Secretariat", _("Secretariat (depa)")
    EVALUATOR = "Evaluator", _("Evaluator (working group)")
    COMMITTEE_SECRETARY = "Committee secretary", _("Committee secretary")
    OFFICIAL = "Official", _("Official")


class DigitStyle(models.TextChoices):
    ARABIC = "arabic", _("Arabic digits (2566)")
    THAI = "thai", _("Thai digits (๒๕๖๖)")
