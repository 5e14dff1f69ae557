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


def registry_with_documents():
    """Two areas (the second's organisation keeps its details out of the registry), a zone, the round
    of 2565 and its award's documents, one of each public status: valid, superseded by its reissue,
    revoked, expired; and one still waiting to be rendered, which the API does not show."""
    from certification.enums import DocumentStatus
    from certification.models import Document
    from certification.services import awards
    from tests.certification.awards_helpers import awarded, round_2565, secretariat

    award_round = round_2565(signature=False)
    award = awarded(award_round)
    city = award.certified_city
    city.vision, city.goals, city.contact = "เมืองน่าอยู่", "ลดฝุ่น", "โทร 054-000000"
    city.save()
    private = organisation("เทศบาลเมืองไม่เปิดเผย", province="50", public=False)
    hidden = area(
        "เชียงใหม่เมืองเก่าอัจฉริยะ", name_en="Chiang Mai Old City", provinces=("50", "51"), owner=private,
        vision="วิสัยทัศน์ลับ", goals="เป้าหมายลับ", contact="ผู้ติดต่อลับ", population=120000,
    )  # fmt: skip
    zone(owner=private, certified=hidden)
    zone("เขตส่งเสริมที่ยังเตรียมแผน", owner=organisation("อบจ.ทดสอบ", province="10"), provinces=("10",))
    Document.objects.update(status=DocumentStatus.READY)
    documents = list(Document.objects.order_by("pk"))
    actor = secretariat()
    reissued = awards.reissue(documents[0], actor=actor, reason="แก้ชื่อ")
    Document.objects.filter(pk=reissued.pk).update(status=DocumentStatus.PENDING)
    return {"award": award, "city": city, "hidden": hidden, "documents": documents, "reissued": reissued}
