"""Records of the registry built for the API's tests (the demo data is not relied upon)."""

import datetime

from cities.enums import CertifiedCityStatus, CityType, OrganisationType
from cities.models import CertifiedCity, Organisation, PromotionZone, Province


def organisation(name="เทศบาลนครทดสอบ", *, province="52", public=True):
    return Organisation.objects.create(
        name_th=name,
        name_en=f"{name} (en)" if not name.isascii() else name,
        org_type=OrganisationType.CITY_MUNICIPALITY,
        province=Province.objects.get(code=province),
        is_sample=True,
        registry_details_public=public,
    )


def area(
    name="ลำปางเมืองน่าอยู่อัจฉริยะ",
    *,
    name_en="Lampang Livable Smart City",
    provinces=("52",),
    year=2565,
    domains="ENV,MOB",
    status=CertifiedCityStatus.ACTIVE,
    city_type=CityType.LIVABLE,
    owner=None,
    serial="",
    population=None,
    **fields,
):
    city = CertifiedCity.objects.create(
        name_th=name,
        name_en=name_en,
        organisation=owner,
        city_type=city_type,
        award_year=year,
        certified_on=datetime.date(year - 543 + 1, 1, 9),
        valid_until=datetime.date(year - 543 + 3, 1, 9),
        status=status,
        certificate_serial=serial,
        domain_codes=domains,
        population=population,
        is_sample=True,
        **fields,
    )
    city.provinces.set(provinces)
    return city


def zone(name="เขตส่งเสริมทดสอบ", *, owner, provinces=("52",), domains=",ENV,ECO,", certified=None, **fields):
    record = PromotionZone.objects.create(
        name_th=name,
        name_en=f"Zone {name}" if not name.isascii() else name,
        organisation=owner,
        city_type=CityType.LIVABLE,
        declared_on=datetime.date(2022, 3, 1),
        resolution="มติคณะกรรมการ ครั้งที่ 1/2565",
        domain_codes=domains,
        certified_city=certified,
        is_sample=True,
        **fields,
    )
    record.provinces.set(provinces)
    return record
