from django.db import models
from django.utils.translation import gettext_lazy as _

# The five components of a plan live in cities: the public progress index of the registry names them too.
from cities.enums import Component  # noqa: F401


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


class Status(models.TextChoices):
    """The states of an application; the allowed moves are in workflow.TRANSITIONS."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Proposal submitted")
    SCREENING = "screening", _("In screening")
    RETURNED = "returned", _("Returned for changes")
    PROMOTION_ZONE = "promotion_zone", _("Promotion zone: plan in preparation")
    PLAN_SUBMITTED = "plan_submitted", _("Plan submitted")
    EVALUATION = "evaluation", _("Plan in evaluation")
    REVISION_REQUESTED = "revision_requested", _("Plan revisions requested")
    RECOMMENDED = "recommended", _("Recommended by the working group")
    SUBCOMMITTEE_APPROVED = "subcommittee_approved", _("Plan approved by the subcommittee")
    ENDORSED = "endorsed", _("Endorsed by the committee")
    AWARDED = "awarded", _("Awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


CLOSED_STATES = frozenset({Status.AWARDED, Status.WITHDRAWN, Status.REJECTED})
# States in which the applicant writes: every section of the stage, or only the reopened ones.
WRITING_STATES = frozenset({Status.DRAFT, Status.PROMOTION_ZONE})
REVISING_STATES = frozenset({Status.RETURNED, Status.REVISION_REQUESTED})
PROPOSAL_STATES = frozenset({Status.DRAFT, Status.SUBMITTED, Status.SCREENING, Status.RETURNED})


class Stage(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    PLAN = "plan", _("Development plan")


class AttachmentKind(models.TextChoices):
    PROPOSAL_DOCUMENT = "proposal_document", _("Proposal document")
    AREA_MAP = "area_map", _("Map of the target area")
    PLAN_DOCUMENT = "plan_document", _("Smart city development plan")
    SUPPORTING = "supporting", _("Supporting document")


class Body(models.TextChoices):
    """The bodies that meet and decide (DOMAIN.md)."""

    WORKING_GROUP = "working_group", _("Working group evaluating 7-domain plans")
    SUBCOMMITTEE = "subcommittee", _("Smart City Subcommittee")
    COMMITTEE = "committee", _("National Smart City Committee")


class ScreeningOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")


class ConflictOfInterest(models.TextChoices):
    UNDECLARED = "undeclared", _("Not declared yet")
    NONE = "none", _("No conflict of interest")
    CONFLICTED = "conflicted", _("Conflict of interest")


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_REVISIONS = "revise", _("Approve in principle, with revisions")
    NOT_APPROVE = "not_approve", _("Do not approve")


class NotificationStatus(models.TextChoices):
    HELD = "held", _("Held for review")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")


class AwardStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class DocumentKind(models.TextChoices):
    """What is printed. Each kind has its own serial series per Buddhist year (see SERIAL_PREFIXES)."""

    AWARD_CERTIFICATE = "award_certificate", _("Award certificate")
    PLAQUE = "plaque", _("Plaque")
    PROMOTION_ZONE_CERTIFICATE = "promotion_zone_certificate", _("Promotion-zone certificate")


# Serial numbers: PREFIX-<B.E. year>-<number, at least three digits>, e.g. SCT-2565-001.
SERIAL_PREFIXES = {
    DocumentKind.AWARD_CERTIFICATE: "SCT",  # Smart City Thailand certificate
    DocumentKind.PLAQUE: "SCP",  # Smart City plaque
    DocumentKind.PROMOTION_ZONE_CERTIFICATE: "SPZ",  # Smart city Promotion Zone
}


class DocumentStatus(models.TextChoices):
    """Where the rendering of a document stands (not whether it is still valid: see Validity)."""

    PENDING = "pending", _("Waiting to be rendered")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Rendering failed")


class Validity(models.TextChoices):
    """What the public verification page says about a document."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class ReportStatus(models.TextChoices):
    """The states of a yearly progress report; the allowed moves are in workflow.REPORT_TRANSITIONS."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ASSESSED = "assessed", _("Assessed")
    RETURNED = "returned", _("Returned for changes")


# States in which the organisation writes its report.
REPORT_WRITING_STATES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class ReminderStage(models.TextChoices):
    """The reminders of a report that is due, each sent once (``monitoring.send_report_reminders``)."""

    DUE_SOON = "due_soon", _("Due soon")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE = "overdue", _("Overdue")


class RenewalStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the committee")
    RENEWED = "renewed", _("Renewed")
    DECLINED = "declined", _("Declined")
