"""Rounds, applications, reviews, awards and documents. This app uses ``cities``, never the reverse."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import DigitStyle


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
