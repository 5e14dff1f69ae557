"""Reference data (regions, provinces), applicant organisations and the public records of areas:
the certified smart cities. ``certification`` keeps these records up to date; this app never imports it."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from smartcity.thaidate import format_datetime

from .enums import CertifiedCityStatus, CityType, Component, Domain, OrganisationType, RegionGrouping


class BilingualName(models.Model):
    """A Thai name, with an English one beside it; ``name`` follows the active language."""

    name_th = models.CharField(_("name (Thai)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        if self.name_en and not (get_language() or "th").startswith("th"):
            return self.name_en
        return self.name_th


class Region(BilingualName):
    grouping = models.CharField(_("grouping"), max_length=16, choices=RegionGrouping.choices)
    code = models.SlugField(_("code"), max_length=32)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["grouping", "code"]
        constraints = [
            models.UniqueConstraint(fields=["grouping", "code"], name="region_unique_code_per_grouping")
        ]


class Province(BilingualName):
    """One of the 77 first-level units (76 provinces and Bangkok), keyed by its DOPA code."""

    code = models.CharField(_("DOPA code"), max_length=2, primary_key=True)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=5, unique=True)
    name_en_iso = models.CharField(_("name (ISO 3166-2)"), max_length=64, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="provinces",
        limit_choices_to={"grouping": RegionGrouping.GEOGRAPHIC},
    )
    statistical_region = models.ForeignKey(
        Region,
        verbose_name=_("statistical region"),
        on_delete=models.PROTECT,
        related_name="statistical_provinces",
        limit_choices_to={"grouping": RegionGrouping.STATISTICAL},
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name_th"]


class Organisation(BilingualName):
    """An applicant organisation ("city developer"): a municipality, a province, a university, ..."""

    org_type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="organisations"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("members"),
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Invented for the demonstration; not a real body.")
    )
    registry_details_public = models.BooleanField(
        _("details shown in the public registry"),
        default=True,
        help_text=_(
            "Off: the registry shows only the fact of the award (area, provinces, domains, rounds, "
            "validity, status), not the contact or the plan's text."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("applicant organisation")
        verbose_name_plural = _("applicant organisations")
        ordering = ["name_th"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_th", "province"], name="organisation_unique_name_per_province"
            )
        ]


class Membership(models.Model):
    """A user's place in an organisation; members share the organisation's applications."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField(
        _("organisation admin"), default=False, help_text=_("May invite colleagues to the organisation.")
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="membership_unique_user_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation}"


class InRegistry:
    """What the registry reads of a zone and of a certified city alike."""

    @property
    def domains(self):
        """The domains in the programme's order; a code that is not one (typed before forms checked
        them) is left out rather than breaking every public page that lists the record."""
        codes = {code.strip().upper() for code in self.domain_codes.split(",")}
        return [domain for domain in Domain if domain.value in codes]

    def clean(self):
        super().clean()
        unknown = [code for code in self.domain_codes.split(",") if code and code not in Domain.values]
        if unknown:
            raise ValidationError(
                {
                    "domain_codes": _("Unknown domain codes: %(codes)s. Choose among the seven domains.")
                    % {"codes": ", ".join(unknown)}
                }
            )


class PromotionZone(InRegistry, BilingualName):
    """A Smart City Promotion Zone (เขตส่งเสริมเมืองอัจฉริยะ): an area the national committee has
    acknowledged, which now writes its full development plan. The public registry lists these, and the
    promotion-zone certificate names them."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="promotion_zones"
    )
    provinces = models.ManyToManyField(Province, verbose_name=_("provinces"), related_name="promotion_zones")
    city_type = models.CharField(_("city type"), max_length=16, choices=CityType.choices)
    declared_on = models.DateField(_("declared on"))
    resolution = models.CharField(
        _("resolution"),
        max_length=255,
        help_text=_("The committee's resolution that acknowledged the zone, as cited."),
    )
    domain_codes = models.CharField(
        _("domains"), max_length=64, blank=True, default="", help_text=_("Domain codes, comma-separated.")
    )
    population = models.PositiveIntegerField(_("population served"), null=True, blank=True)
    vision = models.TextField(_("vision"), blank=True)
    certified_city = models.OneToOneField(
        "CertifiedCity", verbose_name=_("certified smart city"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="promotion_zone", help_text=_("Empty while the zone prepares its plan."),
    )  # fmt: skip
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("promotion zone")
        verbose_name_plural = _("promotion zones")
        ordering = ["-declared_on", "name_th"]


class CertifiedCity(InRegistry, BilingualName):
    """An area that holds (or held) the Smart City Thailand logo: what the public registry shows."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="certified_cities",
        null=True,
        blank=True,
        help_text=_("Empty where the public record does not name the applicant."),
    )
    provinces = models.ManyToManyField(Province, verbose_name=_("provinces"), related_name="certified_cities")
    city_type = models.CharField(
        _("city type"),
        max_length=16,
        choices=CityType.choices,
        blank=True,
        help_text=_("Empty where the public record does not say."),
    )
    award_year = models.PositiveSmallIntegerField(
        _("award year (B.E.)"), help_text=_("The annual batch, e.g. 2565 for the batch of B.E. 2565.")
    )
    certified_on = models.DateField(_("certified on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CertifiedCityStatus.choices, default=CertifiedCityStatus.ACTIVE
    )
    certificate_serial = models.CharField(_("current certificate serial"), max_length=32, blank=True)
    renewed_on = models.DateField(
        _("last renewed on"), null=True, blank=True, help_text=_("Empty until the certification is renewed.")
    )
    domain_codes = models.CharField(
        _("domains"), max_length=64, blank=True, default="", help_text=_("Domain codes, comma-separated.")
    )
    population = models.PositiveIntegerField(_("population served"), null=True, blank=True)
    vision = models.TextField(_("vision"), blank=True, help_text=_("From the approved plan."))
    goals = models.TextField(_("goals"), blank=True, help_text=_("From the approved plan."))
    contact = models.TextField(_("contact"), blank=True, help_text=_("Who answers questions about the area."))
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Invented for the demonstration; not a real city.")
    )

    class Meta:
        verbose_name = _("certified smart city")
        verbose_name_plural = _("certified smart cities")
        ordering = ["award_year", "name_th"]
        constraints = [
            models.UniqueConstraint(
                fields=["award_year", "name_th"], name="certified_city_unique_name_per_year"
            )
        ]
        indexes = [models.Index(fields=["status", "award_year"])]

    @property
    def takes_effect_later(self):
        """Awarded in a round whose ceremony is still to come: the certification starts on that day."""
        return self.status == CertifiedCityStatus.ACTIVE and self.certified_on > timezone.localdate()

    def clean(self):
        super().clean()
        if self.certified_on and self.valid_until and self.valid_until < self.certified_on:
            raise ValidationError(
                {"valid_until": _("The end of validity cannot come before the day the area was certified.")}
            )


class ProgressIndex(models.Model):
    """An area's progress in one year, as the secretariat assessed its progress report: a score of 0–100
    for each of the five components, their weighted mean (the index) and the plan's progress. Copied
    here by certification when it assesses a report, so that the registry reads ``cities`` alone."""

    certified_city = models.ForeignKey(
        CertifiedCity,
        verbose_name=_("certified smart city"),
        on_delete=models.CASCADE,
        related_name="progress",
    )
    year = models.PositiveSmallIntegerField(_("year (B.E.)"))
    scores = models.JSONField(_("scores"), default=dict)  # Component value → 0–100
    index = models.DecimalField(_("progress index (%)"), max_digits=5, decimal_places=2)
    plan_progress = models.DecimalField(_("plan progress (%)"), max_digits=5, decimal_places=2)
    assessed_on = models.DateField(_("assessed on"))
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("progress index")
        verbose_name_plural = _("progress index")
        ordering = ["-year", "-index", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["certified_city", "year"], name="progress_index_unique_year")
        ]

    def __str__(self):
        return f"{self.certified_city.name_th} {self.year}: {self.index}"

    def component_scores(self):
        """[(Component, score or None)] in the components' order."""
        return [(component, self.scores.get(component.value)) for component in Component]


def new_invitation_token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A link an organisation admin sends to a colleague: valid for one use, until it expires."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="invitations"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_invitation_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.CASCADE,
        related_name="invitations_created",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
        null=True,
        blank=True,
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        # In the reader's language and era: "… — 9 มกราคม 2569 14:30" on Thai pages.
        return f"{self.organisation} — {format_datetime(self.created_at, language=get_language())}"

    def is_open(self, now=None):
        """Neither used, revoked nor expired: it can still be accepted."""
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
