"""Rounds, applications, reviews, awards and documents. This app uses ``cities``, never the reverse."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.enums import CityType

from .enums import (
    PROPOSAL_STATES,
    AttachmentKind,
    AwardStatus,
    DigitStyle,
    DocumentKind,
    DocumentStatus,
    Stage,
    Status,
)


def private_storage():
    """Files under MEDIA_ROOT/private, which no URL serves: they go out only through permission-checked
    views."""
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "private")


class AwardRound(models.Model):
    """The annual batch in which areas receive the logo, labelled by Buddhist year ("ประจำปี 2565")
    even when the ceremony falls in the next calendar year."""

    year = models.PositiveSmallIntegerField(
        _("year (B.E.)"), unique=True, validators=[MinValueValidator(2560), MaxValueValidator(2700)]
    )
    ceremony_date = models.DateField(_("ceremony date"), null=True, blank=True)
    presenter_th = models.CharField(_("presenter (Thai)"), max_length=255, blank=True)
    presenter_en = models.CharField(_("presenter (English)"), max_length=255, blank=True)
    digit_style = models.CharField(
        _("digits on documents"), max_length=8, choices=DigitStyle.choices, default=DigitStyle.THAI
    )
    validity_years = models.PositiveSmallIntegerField(
        _("validity of the award (years)"), default=2, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        ordering = ["-year"]

    def __str__(self):
        return _("Award round %(year)s") % {"year": self.year}


class Application(models.Model):
    """A proposal for a bounded area and, once the area is a promotion zone, its development plan.

    The content lives in its sections; the columns here are what lists, filters and search need, kept in
    step by the services. Only ``workflow.transition`` changes ``status``.
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
        indexes = [models.Index(fields=["status", "created_at"])]

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

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("section"), max_length=32)
    data = models.JSONField(_("content"), default=dict, blank=True)
    is_complete = models.BooleanField(_("complete"), default=False)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("saved"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=32, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class ApplicationVersion(models.Model):
    """What the applicant submitted, frozen: one per submission, so staff can compare versions."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    snapshot = models.JSONField(_("content"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
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
    certified_city = models.OneToOneField(
        "cities.CertifiedCity", verbose_name=_("certified smart city"), on_delete=models.PROTECT,
        related_name="award",
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
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

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
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
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
