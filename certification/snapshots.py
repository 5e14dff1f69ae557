"""What a document prints: a snapshot of plain texts (Thai and English, dates in the Buddhist Era, the
round's digits) taken from the records when the document is issued, so that rendering it again gives
the same PDF. Also the sample texts of the admin's template previews."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cities.enums import CityType
from smartcity.thaidate import be_year, format_date, to_thai_digits

from . import selectors
from .enums import SERIAL_PREFIXES, DigitStyle
from .models import AwardRound

BANGKOK = "10"


def format_serial(kind, year, number):
    return f"{SERIAL_PREFIXES[kind]}-{year}-{number:03d}"


def verification_url(serial):
    return settings.SITE_URL + reverse("verify", args=[serial])


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _digits(text, style):
    return to_thai_digits(text) if style == DigitStyle.THAI else str(text)


def _date_texts(prefix, day, style):
    if day is None:
        return {prefix: None, f"{prefix}_th": "", f"{prefix}_en": ""}
    return {
        prefix: day.isoformat(),
        f"{prefix}_th": format_date(day, thai_digits=style == DigitStyle.THAI),
        f"{prefix}_en": format_date(day, language="en"),
    }


def _labels(choice):
    with translation.override("th"):
        thai = str(choice.label)
    with translation.override("en"):
        english = str(choice.label)
    return thai, english


def _place_texts(organisation, provinces, city_type):
    provinces = sorted(provinces, key=lambda p: p.name_th)
    city_type_th, city_type_en = _labels(CityType(city_type)) if city_type else ("", "")
    return {
        "organisation_th": organisation.name_th,
        "organisation_en": organisation.name_en,
        "provinces_th": " ".join(p.name_th if p.code == BANGKOK else f"จังหวัด{p.name_th}" for p in provinces),
        "provinces_en": ", ".join(p.name_en for p in provinces),
        "city_type_th": city_type_th,
        "city_type_en": city_type_en,
        "sample": organisation.is_sample,
    }


def award_snapshot(award):
    style = award.round.digit_style
    city = award.certified_city
    return {
        "area_th": city.name_th,
        "area_en": city.name_en,
        "area_detail_th": selectors.area_name(award.application),
        **_place_texts(city.organisation, city.provinces.all(), city.city_type),
        "year": award.round.year,
        "year_th": _digits(award.round.year, style),
        **_date_texts("issued_on", award.awarded_on, style),
        **_date_texts("valid_until", award.valid_until, style),
        "signatories": [
            {"name": s.name, "position": s.position, "signature": s.signature.name}
            for s in award.round.signatories.all()
        ],
    }


def zone_snapshot(application):
    zone = application.promotion_zone
    year = be_year(zone.declared_on)
    award_round = AwardRound.objects.filter(year=year).first()
    style = award_round.digit_style if award_round else DigitStyle.THAI
    return {
        "area_th": zone.name_th,
        "area_en": zone.name_en,
        "area_detail_th": selectors.area_name(application),
        **_place_texts(zone.organisation, zone.provinces.all(), zone.city_type),
        "resolution": zone.resolution,
        "year": year,
        "year_th": _digits(year, style),
        **_date_texts("issued_on", zone.declared_on, style),
        **_date_texts("valid_until", None, style),
        "signatories": [],
    }


def sample_snapshot(kind, award_round=None):
    """Sample data to preview a template before anything is issued (the admin's preview)."""
    style = award_round.digit_style if award_round else DigitStyle.THAI
    year = award_round.year if award_round else be_year(timezone.localdate())
    day = (award_round.ceremony_date if award_round else None) or timezone.localdate()
    serial = format_serial(kind, year, 1)
    signatories = list(award_round.signatories.all()) if award_round else []
    return {
        "area_th": "ลำปางเมืองน่าอยู่อัจฉริยะ (ตัวอย่าง)",
        "area_en": "Lampang Livable Smart City (sample)",
        "area_detail_th": "เขตเทศบาลนครลำปาง",
        "organisation_th": "เทศบาลนครลำปาง (ข้อมูลตัวอย่าง)",
        "organisation_en": "Lampang City Municipality (sample data)",
        "provinces_th": "จังหวัดลำปาง",
        "provinces_en": "Lampang",
        "city_type_th": "เมืองน่าอยู่อัจฉริยะ",
        "city_type_en": "Livable City",
        "sample": True,
        "resolution": "มติคณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ ครั้งที่ 1/2565",
        "year": year,
        "year_th": _digits(year, style),
        **_date_texts("issued_on", day, style),
        **_date_texts("valid_until", add_years(day, 2), style),
        "signatories": [
            {"name": s.name, "position": s.position, "signature": s.signature.name} for s in signatories
        ]
        or [{"name": "นายตัวอย่าง ลงนาม", "position": "ประธานกรรมการ (ตัวอย่าง)", "signature": ""}],
        "serial": serial,
        "verify_url": verification_url(serial),
    }
