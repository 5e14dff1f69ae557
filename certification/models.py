"""Rounds, applications, reviews, awards and documents. This app uses ``cities``, never the reverse.

One file of about 800 lines on purpose: the models are declarations (fields, constraints, labels) that
refer to each other throughout, and reading them side by side is how one learns the schema; the logic
that works on them lives in the services, selectors and rules.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.enums import CityType
from smartcity.thaidate import be_year

from .enums import (
    PROPOSAL_STATES,
    AttachmentKind,
    AwardStatus,
    Body,
    Component,
    ConflictOfInterest,
    DigitStyle,
    DocumentKind,
    DocumentStatus,
    NotificationStatus,
    Recommendation,
    ReminderStage,
    RenewalStatus,
    ReportStatus,
    ScreeningOutcome,
    Stage,
    Status,
)


def private_storage():
    """Files under MEDIA_ROOT/private, which no URL serves: they go out only through permission-checked
    views."""
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "private")


# An award's validity, at most (the programme publishes none; the round sets it, two years by default).
MAX_VALIDITY_YEARS = 10


def validity_message():
    """What a validity out of range is told, below 1 year or above the most alike."""
    return _("From 1 to %(years)s years.") % {"years": MAX_VALIDITY_YEARS}


def emblem_path(instance, filename):
    return f"emblems/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class AwardRound(models.Model):
    """The annual batch in which areas receive the logo, labelled by Buddhist year ("ประจำปี 2565")
    even when the ceremony falls in the next calendar year."""

    year = models.PositiveSmallIntegerField(
        _("year (B.E.)"), unique=True, validators=[MinValueValidator(2560), MaxValueValidator(2700)]
    )
    ceremony_date = models.DateField(_("ceremony date"), null=True, blank=True)
    ceremony_place_th = models.CharField(_("ceremony place (Thai)"), max_length=255, blank=True)
    ceremony_place_en = models.CharField(_("ceremony place (English)"), max_length=255, blank=True)
    presenter_th = models.CharField(_("presenter (Thai)"), max_length=255, blank=True)
    presenter_en = models.CharField(_("presenter (English)"), max_length=255, blank=True)
    digit_style = models.CharField(
        _("digits on documents"), max_length=8, choices=DigitStyle.choices, default=DigitStyle.THAI
    )
    validity_years = models.PositiveSmallIntegerField(
        _("validity of the award (years)"), default=2, validators=[MinValueValidator(1)]
    )
    report_due_on = models.DateField(
        _("first progress report due on"),
        null=True,
        blank=True,
        help_text=_(
            "Each award of the round reports its progress once a year: first on this day, then on the same "
            "day of every following year while it is valid. Empty: on each anniversary of the award."
        ),
    )
    # Checked and cleaned by emblems.clean_emblem (the admin's form); empty: the programme's own mark.
    emblem = models.FileField(
        _("emblem"),
        upload_to=emblem_path,
        storage=private_storage,
        max_length=255,
        blank=True,
        help_text=_(
            "Printed on the round's certificates, plaques and promotion-zone certificates: an SVG drawing "
            "(cleaned of scripts and external references) or a PNG picture. Empty: the programme's mark."
        ),
    )

    class Meta:
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        ordering = ["-year"]

    def __str__(self):
        return _("Award round %(year)s") % {"year": self.year}

    def clean(self):
        super().clean()
        if self.validity_years is not None and self.validity_years > MAX_VALIDITY_YEARS:
            raise ValidationError({"validity_years": validity_message()})


class IntakeRound(models.Model):
    """Applications are taken all year and handled in numbered rounds: "รอบที่ 1/2563"."""

    year = models.PositiveSmallIntegerField(_("year (B.E.)"), validators=[MinValueValidator(2560)])
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake round")
        verbose_name_plural = _("intake rounds")
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="intake_round_unique_number")]

    def __str__(self):
        return _("Round %(number)s/%(year)s") % {"number": self.number, "year": self.year}

    def clean(self):
        super().clean()
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The round cannot close before it opens.")})


class Application(models.Model):
    """A proposal for a bounded area and, once the area is a promotion zone, its development plan.

    The content lives in its sections; the columns here are what lists, filters and search need, kept in
    step by the services. Only ``services.core.transition`` changes ``status``.
    """

    organisation = models.ForeignKey(
        "cities.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    title = models.CharField(_("title"), max_length=255)
    city_type = models.CharField(_("city type"), max_length=16, choices=CityType.choices)
    status = models.CharField(_("status"), max_length=32, choices=Status.choices, default=Status.DRAFT)
    provinces = models.ManyToManyField(
        "cities.Province", verbose_name=_("provinces"), related_name="applications", blank=True
    )
    # ",ENV,ECO," — filterable with a plain LIKE on every database.
    domain_codes = models.CharField(_("domains"), max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    intake_round = models.ForeignKey(
        IntakeRound,
        verbose_name=_("intake round"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    state_entered_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    promotion_zone = models.OneToOneField(
        "cities.PromotionZone",
        verbose_name=_("promotion zone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["-created_at"])]

    def __str__(self):
        return self.title

    @property
    def domains(self):
        return [code for code in self.domain_codes.split(",") if code]

    @property
    def stage(self):
        return Stage.PROPOSAL if self.status in PROPOSAL_STATES else Stage.PLAN

    def get_stage_display(self):
        return Stage(self.stage).label


class Section(models.Model):
    """One form page of an application. ``data`` is what the applicant typed, saved as a draft even when
    incomplete; ``version`` rises with every save so that two editors cannot overwrite each other."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="sections"
    )
    key = models.CharField(_("section"), max_length=32)
    data = models.JSONField(_("content"), default=dict, blank=True)
    is_complete = models.BooleanField(_("complete"), default=False)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("saved"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when staff return the application or ask for revisions: only reopened sections can be edited.
    reopened = models.BooleanField(_("reopened for changes"), default=False)
    reviewer_request = models.TextField(_("reviewer's request"), blank=True)
    applicant_response = models.TextField(_("applicant's answer"), blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["application", "key"], name="section_unique_key")]

    def __str__(self):
        return f"{self.application_id}/{self.key}"


def attachment_path(instance, filename):
    # Stored under a random name: the applicant's file name is kept only as a label.
    return f"attachments/{instance.application_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class ApplicationVersion(models.Model):
    """What the applicant submitted, frozen: one per submission, so staff can compare versions."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    snapshot = models.JSONField(_("content"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="version_unique_number")
        ]

    def __str__(self):
        return _("Version %(number)s") % {"number": self.number}


class AuditEntry(models.Model):
    """Who did what, when: every change of state, with a dotted action code and the before and after."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="audit_entries", null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.action} #{self.application_id}"


class Meeting(models.Model):
    """A numbered meeting of a body: "ครั้งที่ 1/2565" is the first meeting of B.E. 2565."""

    body = models.CharField(_("body"), max_length=32, choices=Body.choices)
    year = models.PositiveSmallIntegerField(_("year (B.E.)"), validators=[MinValueValidator(2560)])
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    date = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)
    applications = models.ManyToManyField(
        "Application", verbose_name=_("applications on the agenda"), related_name="meetings", blank=True
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "body"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"], name="meeting_unique_number_per_body_year"
            )
        ]

    def __str__(self):
        return _("%(body)s, meeting %(number)s/%(year)s") % {
            "body": self.get_body_display(),
            "number": self.number,
            "year": self.year,
        }

    def clean(self):
        """The year is that of the date, B.E., or the fiscal year of the date (from 1 October: a meeting
        of 16 December 2569 may be numbered in 2569 or in fiscal 2570)."""
        super().clean()
        if self.year is None or self.date is None:
            return
        calendar = be_year(self.date)
        fiscal = calendar + 1 if self.date.month >= 10 else calendar
        if self.year in (calendar, fiscal):
            return
        if fiscal == calendar:
            message = _("The year must be B.E. %(year)s, the year of the meeting's date.")
        else:
            message = _(
                "The year must be B.E. %(year)s, the year of the meeting's date, or B.E. %(fiscal)s, "
                "its fiscal year."
            )
        raise ValidationError({"year": ValidationError(message, params={"year": calendar, "fiscal": fiscal})})

    def unique_error_message(self, model_class, unique_check):
        """A meeting number taken: said with the meeting, not Django's "Meeting with this Body, Year and
        Number already exists"."""
        if model_class is Meeting and tuple(unique_check) == ("body", "year", "number"):
            return ValidationError(
                _("%(meeting)s is already recorded."), code="unique_together", params={"meeting": str(self)}
            )
        return super().unique_error_message(model_class, unique_check)


class Resolution(models.Model):
    """A resolution of a meeting. One resolution may decide many applications at once."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="resolutions"
    )
    number = models.PositiveSmallIntegerField(_("resolution number"), validators=[MinValueValidator(1)])
    text = models.TextField(_("resolution"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-meeting__date", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="resolution_unique_number")]

    def __str__(self):
        return _("%(meeting)s, resolution %(number)s") % {"meeting": self.meeting, "number": self.number}

    def unique_error_message(self, model_class, unique_check):
        """A second resolution of one number: said with the number, not Django's "Resolution with this
        Meeting and Resolution number already exists"."""
        if model_class is Resolution and tuple(unique_check) == ("meeting", "number"):
            return ValidationError(
                _("Resolution %(number)s of this meeting already exists."),
                code="unique_together",
                params={"number": self.number},
            )
        return super().unique_error_message(model_class, unique_check)


class Decision(models.Model):
    """A change of state of one application decided by a body, citing its resolution."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="decisions"
    )
    resolution = models.ForeignKey(
        Resolution, verbose_name=_("resolution"), on_delete=models.PROTECT, related_name="decisions"
    )
    from_state = models.CharField(_("from"), max_length=32, choices=Status.choices)
    to_state = models.CharField(_("to"), max_length=32, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.application} → {self.get_to_state_display()} ({self.resolution})"


class ChecklistItem(models.Model):
    """One qualification the secretariat checks at screening; the list is edited in the admin."""

    text_th = models.CharField(_("criterion (Thai)"), max_length=500)
    text_en = models.CharField(_("criterion (English)"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("qualification criterion")
        verbose_name_plural = _("qualification checklist")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text_th


class Screening(models.Model):
    """The secretariat's qualification check and preliminary screening of one submission."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="screenings"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=ScreeningOutcome.choices)
    # {"<criterion id>": {"text": "...", "met": true, "note": "..."}}, with the criterion's text as checked.
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    reason = models.TextField(_("reason or comments"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("screened by"), on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(_("screened"), auto_now_add=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["screened_at", "pk"]

    def __str__(self):
        return f"{self.application} — {self.get_outcome_display()}"


class EvaluatorAssignment(models.Model):
    """A working-group evaluator assigned to a plan. Until they declare no conflict of interest they
    cannot score; with a conflict they no longer see the application anywhere."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    conflict = models.CharField(
        _("conflict of interest"),
        max_length=16,
        choices=ConflictOfInterest.choices,
        default=ConflictOfInterest.UNDECLARED,
    )
    conflict_note = models.TextField(_("declaration"), blank=True)
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    # The evaluation itself; draft until submitted_at is set.
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    domain_assessments = models.JSONField(_("assessment per domain"), default=dict, blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("evaluation submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "evaluator"], name="assignment_unique_evaluator")
        ]

    def __str__(self):
        return f"{self.application} — {self.evaluator}"

    def weighted_score(self, weights):
        """The evaluator's overall score, 0–100: the weighted mean of the five components."""
        total = sum(weights[c] for c in Component.values)
        return sum(self.scores[c] * weights[c] for c in Component.values) / total


class Notification(models.Model):
    """A mail to an applicant about a decision, held in the outbox until the secretariat releases it."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(_("event"), max_length=64)
    recipients = models.TextField(_("recipients"), help_text=_("One address per line."))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.HELD
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    error = models.TextField(_("delivery error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return self.subject


# --- Awards and their documents (certificates, plaques, promotion-zone certificates).


def signature_path(instance, filename):
    return f"signatures/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Signatory(models.Model):
    """Who signs the documents of a round, in print order (left to right)."""

    round = models.ForeignKey(
        AwardRound, verbose_name=_("award round"), on_delete=models.CASCADE, related_name="signatories"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name (as printed)"), max_length=255)
    position = models.CharField(_("position (as printed)"), max_length=255)
    signature = models.ImageField(
        _("signature image"), upload_to=signature_path, storage=private_storage, max_length=255, blank=True
    )

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["round", "order", "pk"]

    def __str__(self):
        return self.name


class Award(models.Model):
    """The logo given to an area in a round. Renewal issues a new award that supersedes this one."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="awards"
    )
    round = models.ForeignKey(
        AwardRound, verbose_name=_("award round"), on_delete=models.PROTECT, related_name="awards"
    )
    # An area keeps its registry record across renewals: each renewal's award points at the same record,
    # which carries the current validity and status.
    certified_city = models.ForeignKey(
        "cities.CertifiedCity", verbose_name=_("certified smart city"), on_delete=models.PROTECT,
        related_name="awards",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=16, choices=AwardStatus.choices, default=AwardStatus.ACTIVE
    )
    awarded_on = models.DateField(_("awarded on"))
    valid_until = models.DateField(_("valid until"))
    supersedes = models.OneToOneField(
        "self", verbose_name=_("supersedes"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="superseded_by",
    )  # fmt: skip
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("awarded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    revocation_resolution = models.ForeignKey(
        "Resolution", verbose_name=_("revoked by resolution"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-round__year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "round"], name="award_unique_per_round")
        ]

    def __str__(self):
        return f"{self.certified_city.name_th} ({self.round.year})"


class SerialCounter(models.Model):
    """The last serial number given for a kind of document in a Buddhist year. Its row is locked
    (select_for_update) while a number is taken, so numbers are consecutive and never reused."""

    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="serial_counter_unique")]

    def __str__(self):
        return f"{self.kind} {self.year}: {self.last_number}"


def document_path(instance, filename):
    return f"documents/{instance.year}/{instance.serial}.pdf"


class Document(models.Model):
    """A certificate, plaque or promotion-zone certificate: an immutable record of what was issued.

    ``data`` is the snapshot the PDF is rendered from (every text as printed), so that re-rendering
    gives the same PDF. A correction is a new document that supersedes this one.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField(_("year (B.E.)"))
    number = models.PositiveIntegerField(_("number"))
    round = models.ForeignKey(
        AwardRound, verbose_name=_("award round"), on_delete=models.PROTECT, related_name="documents",
        null=True, blank=True,
    )  # fmt: skip
    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="documents",
        null=True, blank=True,
    )  # fmt: skip
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="documents"
    )
    template_version = models.CharField(_("template version"), max_length=16)
    data = models.JSONField(_("data snapshot"))
    status = models.CharField(
        _("rendering"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    file = models.FileField(
        _("PDF"), upload_to=document_path, storage=private_storage, max_length=255, blank=True
    )
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, db_index=True)  # of the signed file
    supersedes = models.OneToOneField(
        "self", verbose_name=_("supersedes"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="superseded_by",
    )  # fmt: skip
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["year", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="document_unique_number")
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return self.serial


# --- After the award: yearly progress reports, their reminders, and renewal.


class ProgressReport(models.Model):
    """An awarded area's yearly report of progress on its plan, written by its organisation and assessed
    by the secretariat. ``data`` is what was typed (a draft keeps it even while incomplete, like a
    section); ``indicators`` are the plan's indicators as they stood when the report was opened, so that
    the report reads the same later. Only ``services.reporting.transition`` changes ``status``."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    year = models.PositiveSmallIntegerField(_("year (B.E.)"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    indicators = models.JSONField(_("indicators of the plan"), default=list, blank=True)
    data = models.JSONField(_("content"), default=dict, blank=True)
    is_complete = models.BooleanField(_("complete"), default=False)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("saved"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    state_entered_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    # The secretariat's assessment: a score per component, and the plan's progress as it finds it.
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    assessed_progress = models.DecimalField(
        _("plan progress, assessed (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    index = models.DecimalField(
        _("progress index (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    assessment_comment = models.TextField(_("assessment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    reviewer_request = models.TextField(_("what must change"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-year", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["award", "year"], name="progress_report_unique_year_per_award")
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return _("Progress report %(year)s: %(area)s") % {
            "year": self.year,
            "area": self.award.certified_city.name_th,
        }


def evidence_path(instance, filename):
    return f"evidence/{instance.report_id}/{uuid.uuid4().hex}"


class ReportEvidence(models.Model):
    """A file attached to a progress report as evidence, under the same rules as an application's."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, storage=private_storage, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ReportVersion(models.Model):
    """A progress report as submitted, frozen: one per submission."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique_number")
        ]

    def __str__(self):
        return _("Version %(number)s") % {"number": self.number}


class ReportReminder(models.Model):
    """A reminder sent about a report: at most one per report and stage (the unique constraint holds even
    when two runs of the daily task overlap)."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="reminders"
    )
    stage = models.CharField(_("reminder"), max_length=16, choices=ReminderStage.choices)
    sent_on = models.DateField(_("sent on"))
    notification = models.ForeignKey(
        Notification, verbose_name=_("mail"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "stage"], name="report_reminder_once_per_stage")
        ]

    def __str__(self):
        return f"{self.report_id} {self.stage}"


class Renewal(models.Model):
    """An organisation's request to renew its award as it nears expiry, from its latest assessed report,
    and the committee's decision on it: renewed (a new award supersedes this one) or declined."""

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="renewals"
    )
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.PROTECT, related_name="renewals"
    )
    progress = models.DecimalField(_("plan progress, assessed (%)"), max_digits=5, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=16, choices=RenewalStatus.choices, default=RenewalStatus.REQUESTED
    )
    note = models.TextField(_("the organisation's note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    resolution = models.ForeignKey(
        Resolution, verbose_name=_("resolution"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="renewals",
    )  # fmt: skip
    decision_note = models.TextField(_("note or reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    new_award = models.OneToOneField(
        Award, verbose_name=_("new award"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="renewed_from",
    )  # fmt: skip

    class Meta:
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["award"],
                condition=models.Q(status="requested"),
                name="renewal_one_open_request_per_award",
            )
        ]

    def __str__(self):
        return _("Renewal of %(area)s") % {"area": self.award.certified_city.name_th}
