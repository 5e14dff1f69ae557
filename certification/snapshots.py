"""What a document prints: a snapshot of plain texts (Thai and English, dates in the Buddhist Era, the
round's digits) taken from the records when the document is issued, so that rendering it again gives
the same PDF. Also the sample texts of the admin's template previews.

Every Thai text of a snapshot is written in the round's digit style, the names and titles applicants
typed included (a title typed "ประจำปี 2569" prints "ประจำปี ๒๕๖๙" beside the round's "๒๕๖๙"); the
English line keeps Western digits, and so do the serial and the verification address, which people
type as printed. Dates read "๙ มกราคม พ.ศ. ๒๕๖๖", as formal Thai documents write them.
"""

import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cities.enums import CityType
from smartcity.thaidate import be_year, format_date, to_arabic_digits, to_thai_digits

from . import selectors
from .enums import SERIAL_PREFIXES, DigitStyle, DocumentKind, Status
from .models import AwardRound, Decision

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
    """``text`` with every digit in the digit style: Thai digits, or Western ones."""
    return to_thai_digits(text) if style == DigitStyle.THAI else to_arabic_digits(text)


def _date_texts(prefix, day, style):
    if day is None:
        return {prefix: None, f"{prefix}_th": "", f"{prefix}_en": ""}
    return {
        prefix: day.isoformat(),
        f"{prefix}_th": format_date(day, thai_digits=style == DigitStyle.THAI, era=True),
        f"{prefix}_en": format_date(day, language="en"),
    }


# The Thai texts of a snapshot, written in the document's digit style; the English ones keep Western
# digits whatever the style.
THAI_TEXTS = (
    "area_th", "area_detail_th", "organisation_th", "provinces_th", "city_type_th", "place_th",
    "reason_th", "resolution_th", "meeting_th", "resolution",
)  # fmt: skip
ENGLISH_TEXTS = ("area_en", "organisation_en", "provinces_en", "city_type_en", "statement_en")


def in_digit_style(data, style):
    """The snapshot with one digit style throughout: its Thai texts and its signatories' names and
    positions in ``style``, its English texts in Western digits."""
    data = {**data, "digit_style": str(style)}
    for key in THAI_TEXTS:
        if data.get(key):
            data[key] = _digits(data[key], style)
    for key in ENGLISH_TEXTS:
        if data.get(key):
            data[key] = to_arabic_digits(data[key])
    data["signatories"] = [
        {**s, "name": _digits(s["name"], style), "position": _digits(s["position"], style)}
        for s in data.get("signatories", [])
    ]
    return data


def _signatories(award_round):
    if award_round is None:
        return []
    return [
        {"name": s.name, "position": s.position, "signature": s.signature.name}
        for s in award_round.signatories.all()
    ]


def _emblem(award_round):
    """The round's emblem (a path in the private storage), or "" for the programme's own mark."""
    return award_round.emblem.name if award_round is not None and award_round.emblem else ""


def _award_lines(data):
    """The composed lines of a certificate, as printed."""
    return {
        "place_th": " ".join(filter(None, [data["area_detail_th"], data["provinces_th"]])),
        "reason_th": (f"ได้รับตราสัญลักษณ์เมืองอัจฉริยะประเทศไทย ({data['city_type_th']}) ประจำปี {data['year']}"),
        "statement_en": (
            f"Certified as a Smart City Thailand area ({data['city_type_en']}), batch of B.E. "
            f"{data['year']}: {data['organisation_en']}"
        ),
    }


COMMITTEE_TH = "คณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ"
_MEETING = re.compile(r"([0-9๐-๙]+)\s*/\s*([0-9๐-๙]{4})")


def zone_meeting(application):
    """The committee meeting that acknowledged the zone, as "1/2565": from the decision recorded then,
    or from the resolution as cited on the zone; "" when neither says."""
    decision = (
        Decision.objects.filter(application=application, to_state=Status.PROMOTION_ZONE)
        .select_related("resolution__meeting")
        .order_by("-decided_at", "-pk")
        .first()
    )
    if decision is not None:
        meeting = decision.resolution.meeting
        return f"{meeting.number}/{meeting.year}"
    found = _MEETING.search(application.promotion_zone.resolution or "")
    return to_arabic_digits(f"{found[1]}/{found[2]}") if found else ""


def _zone_lines(data):
    meeting = data["meeting_th"]
    resolution = f"ตามมติ{COMMITTEE_TH}" + (f" ในการประชุมครั้งที่ {meeting}" if meeting else "")
    committee_en = "by the National Smart City Committee" + (f", meeting {meeting}" if meeting else "")
    return {
        "place_th": " ".join(filter(None, [data["area_detail_th"], data["provinces_th"]])),
        "reason_th": f"ได้รับการประกาศเป็นเขตส่งเสริมเมืองอัจฉริยะ ({data['city_type_th']})",
        "resolution_th": resolution,
        "statement_en": (
            f"Acknowledged as a Smart City Promotion Zone ({data['city_type_en']}) {committee_en}: "
            f"{data['organisation_en']}"
        ),
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
    data = {
        "area_th": city.name_th,
        "area_en": city.name_en,
        "area_detail_th": selectors.area_name(award.application),
        **_place_texts(city.organisation, city.provinces.all(), city.city_type),
        "year": award.round.year,
        "year_th": _digits(award.round.year, style),
        **_date_texts("issued_on", award.awarded_on, style),
        **_date_texts("valid_until", award.valid_until, style),
        "signatories": _signatories(award.round),
        "emblem": _emblem(award.round),
    }
    return printed(DocumentKind.AWARD_CERTIFICATE, data, style)


def printed(kind, data, style):
    """The snapshot as printed: its composed lines added (``place_th``, ``reason_th``, …) and every
    text in the digit style."""
    lines = _zone_lines(data) if kind == DocumentKind.PROMOTION_ZONE_CERTIFICATE else _award_lines(data)
    return in_digit_style({**data, **lines}, style)


def zone_snapshot(application):
    zone = application.promotion_zone
    year = be_year(zone.declared_on)
    # The round of the year of the acknowledgement gives the signatories, the emblem and the digits.
    award_round = AwardRound.objects.filter(year=year).first()
    style = award_round.digit_style if award_round else DigitStyle.THAI
    data = {
        "area_th": zone.name_th,
        "area_en": zone.name_en,
        "area_detail_th": selectors.area_name(application),
        **_place_texts(zone.organisation, zone.provinces.all(), zone.city_type),
        "resolution": zone.resolution,
        "year": year,
        "year_th": _digits(year, style),
        **_date_texts("issued_on", zone.declared_on, style),
        **_date_texts("valid_until", None, style),
        "meeting_th": zone_meeting(application),
        "signatories": _signatories(award_round),
        "emblem": _emblem(award_round),
    }
    return printed(DocumentKind.PROMOTION_ZONE_CERTIFICATE, data, style)


def sample_snapshot(kind, award_round=None):
    """Sample data to preview a template before anything is issued (the admin's preview)."""
    style = award_round.digit_style if award_round else DigitStyle.THAI
    year = award_round.year if award_round else be_year(timezone.localdate())
    day = (award_round.ceremony_date if award_round else None) or timezone.localdate()
    serial = format_serial(kind, year, 1)
    data = {
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
        "meeting_th": f"1/{year}",
        "signatories": _signatories(award_round)
        or [{"name": "นายตัวอย่าง ลงนาม", "position": "ประธานกรรมการ (ตัวอย่าง)", "signature": ""}],
        "emblem": _emblem(award_round),
        "serial": serial,
        "verify_url": verification_url(serial),
    }
    return printed(kind, data, style)
