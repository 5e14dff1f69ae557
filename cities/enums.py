"""Choices of the programme's reference data. Labels are English msgids translated to Thai."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionGrouping(models.TextChoices):
    # The six geographic regions of the Royal Institute, and the statistical regions of the NESDB
    # (the National Economic and Social Development Board, now the NESDC).
    GEOGRAPHIC = "geographic", _("Six geographic regions (Royal Institute)")
    STATISTICAL = "statistical", _("Statistical regions (NESDB)")


class OrganisationType(models.TextChoices):
    CITY_MUNICIPALITY = "city_municipality", _("City municipality")
    TOWN_MUNICIPALITY = "town_municipality", _("Town municipality")
    SUBDISTRICT_MUNICIPALITY = "subdistrict_municipality", _("Subdistrict municipality")
    PROVINCE = "province", _("Province")
    PROVINCIAL_ADMINISTRATIVE_ORGANISATION = "pao", _("Provincial administrative organisation")
    SUBDISTRICT_ADMINISTRATIVE_ORGANISATION = "sao", _("Subdistrict administrative organisation")
    BANGKOK_METROPOLITAN_ADMINISTRATION = "bma", _("Bangkok Metropolitan Administration")
    PATTAYA_CITY = "pattaya", _("Pattaya City")
    UNIVERSITY = "university", _("University")
    STATE_ENTERPRISE = "state_enterprise", _("State enterprise")
    PRIVATE_COMPANY = "private_company", _("Private company")
    CITY_DEVELOPMENT_COMPANY = "city_development_company", _("City development company")


class CityType(models.TextChoices):
    LIVABLE = "livable", _("Livable City")
    NEW = "new", _("New City")


class Domain(models.TextChoices):
    """The seven smart-city domains, by the programme's codes."""

    ENVIRONMENT = "ENV", _("Smart Environment")
    ECONOMY = "ECO", _("Smart Economy")
    MOBILITY = "MOB", _("Smart Mobility")
    ENERGY = "ENE", _("Smart Energy")
    PEOPLE = "PEO", _("Smart People")
    LIVING = "LIV", _("Smart Living")
    GOVERNANCE = "GOV", _("Smart Governance")


class CertifiedCityStatus(models.TextChoices):
    ACTIVE = "active", _("Certified")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Component(models.TextChoices):
    """The five components of a plan, each scored 0–100: by the evaluators of a plan, and every
    year by the secretariat assessing the progress report (the public progress index)."""

    VISION = "vision", _("Vision, goals and target area")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    DATA_PLATFORM = "data_platform", _("City data platform")
    SERVICES = "services", _("Smart city services")
    MANAGEMENT = "management", _("Management and investment model")
