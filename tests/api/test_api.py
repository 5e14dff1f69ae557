"""The open-data API at /api/v1/: each resource and filter, pages, ordering, the language, ETag and 304,
caching that follows the data, hostile parameters (400 with a message, never a 500), read-only methods,
CORS, what stays private, and query counts that do not grow with the list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification.enums import DocumentStatus
from certification.models import Document
from cities.enums import CertifiedCityStatus, CityType
from cities.models import CertifiedCity
from tests.api.records import area, organisation, registry_with_documents, zone

pytestmark = pytest.mark.django_db


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.content[:500])
    return response.json() if response.content else None


def names(page):
    return [row["name_th"] for row in page["results"]]


@pytest.fixture
def cities():
    """Three areas in different regions, rounds, domains, types and statuses."""
    lampang = area(
        "ลำปางเมืองน่าอยู่", name_en="Lampang", provinces=("52",), year=2564, domains="ENV,MOB",
        owner=organisation("เทศบาลนครลำปาง"), serial="SCT-2564-001", population=60000,
    )  # fmt: skip
    bangkok = area(
        "สามย่านเมืองอัจฉริยะ", name_en="Sam Yan", provinces=("10",), year=2565, domains=",ENV,ECO,GOV,",
        city_type=CityType.NEW, owner=organisation("มหาวิทยาลัยทดสอบ", province="10"), population=20000,
    )  # fmt: skip
    yala = area(
        "ยะลาเมืองอัจฉริยะ", name_en="Yala", provinces=("95",), year=2565, domains="ENV,PEO",
        status=CertifiedCityStatus.EXPIRED,
    )  # fmt: skip
    return {"lampang": lampang, "bangkok": bangkok, "yala": yala}


# --- Areas


def test_an_area_carries_the_registry_facts(client, cities):
    lampang = cities["lampang"]
    assert get(client, f"/api/v1/areas/{lampang.pk}/") == {
        "id": lampang.pk,
        "name_th": "ลำปางเมืองน่าอยู่",
        "name_en": "Lampang",
        "organisation": {
            "id": lampang.organisation_id,
            "name_th": "เทศบาลนครลำปาง",
            "name_en": "เทศบาลนครลำปาง (en)",
            "type": "city_municipality",
            "type_label": "เทศบาลนคร",
        },
        "provinces": [
            {
                "code": "52",
                "iso_code": "TH-52",
                "name_th": "ลำปาง",
                "name_en": "Lampang",
                "region": "north",
                "statistical_region": "north",
            }
        ],
        "domains": [
            {"code": "ENV", "label": "สิ่งแวดล้อมอัจฉริยะ"},
            {"code": "MOB", "label": "การเดินทางและขนส่งอัจฉริยะ"},
        ],
        "city_type": "livable",
        "city_type_label": "เมืองน่าอยู่อัจฉริยะ",
        "round": 2564,
        "certified_on": "2022-01-09",
        "valid_until": "2024-01-09",
        "renewed_on": None,
        "status": "active",
        "status_label": "ได้รับการรับรอง",
        "certificate": {
            "serial": "SCT-2564-001",
            "verification_url": "http://127.0.0.1:8000/verify/SCT-2564-001/",
        },
        "population": 60000,
        "zone": None,
        "is_sample": True,
        "details": {"vision": "", "goals": "", "contact": ""},
    }


def test_labels_follow_the_language_asked_for(client, cities):
    url = f"/api/v1/areas/{cities['bangkok'].pk}/"
    english = get(client, url + "?lang=en")
    assert english["city_type_label"] == "New City"
    assert english["domains"][1] == {"code": "ECO", "label": "Smart Economy"}
    thai = get(client, url)
    assert thai["city_type_label"] == "เมืองใหม่อัจฉริยะ"
    # The browser's language is not followed, as on the portal's pages; the language cookie is.
    assert get(client, url, HTTP_ACCEPT_LANGUAGE="en")["city_type_label"] == "เมืองใหม่อัจฉริยะ"
    client.cookies["language"] = "en"
    response = client.get(url)
    assert response.json()["city_type_label"] == "New City"
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    "query, expected",
    [
        # Newest round first, then by the Thai name's code points.
        ("", ["ยะลาเมืองอัจฉริยะ", "สามย่านเมืองอัจฉริยะ", "ลำปางเมืองน่าอยู่"]),
        ("region=north", ["ลำปางเมืองน่าอยู่"]),
        ("region=central", ["สามย่านเมืองอัจฉริยะ"]),
        ("statistical_region=bangkok-vicinity", ["สามย่านเมืองอัจฉริยะ"]),
        ("statistical_region=central", []),
        ("province=95", ["ยะลาเมืองอัจฉริยะ"]),
        ("domain=ECO", ["สามย่านเมืองอัจฉริยะ"]),
        ("domain=ENV", ["ยะลาเมืองอัจฉริยะ", "สามย่านเมืองอัจฉริยะ", "ลำปางเมืองน่าอยู่"]),
        ("domain=ENE", []),
        ("city_type=new", ["สามย่านเมืองอัจฉริยะ"]),
        ("round=2564", ["ลำปางเมืองน่าอยู่"]),
        ("status=expired", ["ยะลาเมืองอัจฉริยะ"]),
        ("q=ยะลา", ["ยะลาเมืองอัจฉริยะ"]),
        ("q=sam+yan", ["สามย่านเมืองอัจฉริยะ"]),
        ("q=มหาวิทยาลัย", ["สามย่านเมืองอัจฉริยะ"]),  # the organisation's name
        ("q=Lampang", ["ลำปางเมืองน่าอยู่"]),
        ("q=กรุงเทพ", ["สามย่านเมืองอัจฉริยะ"]),  # a province's name
        ("round=2565&domain=ENV&status=active", ["สามย่านเมืองอัจฉริยะ"]),
        ("ordering=population", ["สามย่านเมืองอัจฉริยะ", "ลำปางเมืองน่าอยู่", "ยะลาเมืองอัจฉริยะ"]),
        ("ordering=-population", ["ลำปางเมืองน่าอยู่", "สามย่านเมืองอัจฉริยะ", "ยะลาเมืองอัจฉริยะ"]),
        ("ordering=round", ["ลำปางเมืองน่าอยู่", "สามย่านเมืองอัจฉริยะ", "ยะลาเมืองอัจฉริยะ"]),
        ("ordering=name&lang=en", ["ลำปางเมืองน่าอยู่", "สามย่านเมืองอัจฉริยะ", "ยะลาเมืองอัจฉริยะ"]),
    ],
)
def test_areas_filter_like_the_registry(client, cities, query, expected):
    assert names(get(client, f"/api/v1/areas/?{query}")) == expected


def test_an_area_of_two_provinces_in_one_region_is_listed_once(client):
    area("เชียงใหม่ลำพูน", provinces=("50", "51"))
    page = get(client, "/api/v1/areas/?region=north")
    assert page["count"] == 1
    assert [p["code"] for p in page["results"][0]["provinces"]] == ["50", "51"]


def test_pages_and_their_links(client):
    for n in range(5):
        area(f"เมืองทดสอบ {n}", population=n)
    first = get(client, "/api/v1/areas/?page_size=2&ordering=population")
    assert (first["count"], first["page"], first["pages"], first["page_size"]) == (5, 1, 3, 2)
    assert first["previous"] is None
    assert first["next"] == "http://127.0.0.1:8000/api/v1/areas/?page_size=2&ordering=population&page=2"
    last = get(client, "/api/v1/areas/?page_size=2&ordering=population&page=3")
    assert names(last) == ["เมืองทดสอบ 4"]
    assert last["next"] is None
    assert last["previous"].endswith("page=2")
    assert get(client, "/api/v1/areas/?page=4&page_size=2", status=404) == {
        "detail": "ไม่มีหน้าที่ 4 รายการนี้มีทั้งหมด 3 หน้า"
    }
    assert get(client, "/api/v1/areas/")["page_size"] == 20


def test_an_empty_list_has_one_empty_page(client):
    assert get(client, "/api/v1/areas/") == {
        "count": 0, "page": 1, "pages": 1, "page_size": 20, "next": None, "previous": None, "results": [],
    }  # fmt: skip


# --- What an organisation keeps out of the registry


def test_details_of_an_organisation_that_opted_out_are_absent(client):
    private = organisation("เทศบาลเมืองไม่เปิดเผย", public=False)
    hidden = area("เมืองเงียบ", owner=private, vision="วิสัยทัศน์ลับ", goals="เป้าหมายลับ", contact="โทร 02-000")
    zone(owner=private, certified=hidden, vision="วิสัยทัศน์เขตลับ")
    public = area("เมืองเปิด", owner=organisation("เทศบาลเปิดเผย"), vision="วิสัยทัศน์", contact="โทร 053-111")
    one = get(client, f"/api/v1/areas/{hidden.pk}/")
    assert one["details"] is None
    assert one["name_th"] == "เมืองเงียบ" and one["status"] == "active"  # the fact of the award stays
    assert get(client, f"/api/v1/areas/{public.pk}/")["details"] == {
        "vision": "วิสัยทัศน์", "goals": "", "contact": "โทร 053-111",
    }  # fmt: skip
    for url in ("/api/v1/areas/", "/api/v1/zones/", f"/api/v1/zones/{hidden.promotion_zone.pk}/"):
        body = client.get(url).content.decode()
        for secret in ("วิสัยทัศน์ลับ", "เป้าหมายลับ", "โทร 02-000", "วิสัยทัศน์เขตลับ"):
            assert secret not in body, (url, secret)


# --- Zones, provinces, regions


def test_zones_preparing_and_certified(client, cities):
    owner = organisation("อบจ.ทดสอบ")
    preparing = zone("เขตเตรียมแผน", owner=owner, vision="เมืองสีเขียว", population=5000)
    certified = zone("เขตที่ได้รับรอง", owner=owner, certified=cities["lampang"], provinces=("50",))
    assert get(client, f"/api/v1/zones/{preparing.pk}/") | {"organisation": None, "provinces": None} == {
        "id": preparing.pk,
        "name_th": "เขตเตรียมแผน",
        "name_en": "Zone เขตเตรียมแผน",
        "organisation": None,
        "provinces": None,
        "domains": [{"code": "ENV", "label": "สิ่งแวดล้อมอัจฉริยะ"}, {"code": "ECO", "label": "เศรษฐกิจอัจฉริยะ"}],
        "city_type": "livable",
        "city_type_label": "เมืองน่าอยู่อัจฉริยะ",
        "declared_on": "2022-03-01",
        "resolution": "มติคณะกรรมการ ครั้งที่ 1/2565",
        "population": 5000,
        "status": "preparing",
        "status_label": "กำลังจัดทำแผน",
        "area": None,
        "is_sample": True,
        "details": {"vision": "เมืองสีเขียว"},
    }
    assert names(get(client, "/api/v1/zones/?status=certified")) == ["เขตที่ได้รับรอง"]
    assert names(get(client, "/api/v1/zones/?status=preparing")) == ["เขตเตรียมแผน"]
    assert get(client, f"/api/v1/zones/{certified.pk}/")["area"] == cities["lampang"].pk
    assert get(client, f"/api/v1/areas/{cities['lampang'].pk}/")["zone"] == certified.pk
    assert names(get(client, "/api/v1/zones/?province=50&domain=ENV")) == ["เขตที่ได้รับรอง"]


def test_provinces_in_thai_dictionary_order_with_both_regions(client):
    page = get(client, "/api/v1/provinces/?page_size=100")
    assert page["count"] == 77
    assert [p["name_th"] for p in page["results"][:3]] == ["กระบี่", "กรุงเทพมหานคร", "กาญจนบุรี"]
    north = get(client, "/api/v1/provinces/?region=north&page_size=100")
    assert sorted(p["code"] for p in north["results"]) == [
        "50",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
    ]
    assert get(client, "/api/v1/provinces/10/") == {
        "code": "10",
        "iso_code": "TH-10",
        "name_th": "กรุงเทพมหานคร",
        "name_en": "Bangkok",
        "name_en_iso": "Krung Thep Maha Nakhon",
        "region": {"grouping": "geographic", "code": "central", "name_th": "ภาคกลาง", "name_en": "Central"},
        "statistical_region": {
            "grouping": "statistical",
            "code": "bangkok-vicinity",
            "name_th": "กรุงเทพมหานครและปริมณฑล",
            "name_en": "Bangkok and vicinity",
        },
    }
    assert get(client, "/api/v1/provinces/?statistical_region=bangkok-vicinity")["count"] == 6


def test_regions_of_both_groupings(client):
    assert get(client, "/api/v1/regions/")["count"] == 13
    statistical = get(client, "/api/v1/regions/?grouping=statistical")
    assert [r["code"] for r in statistical["results"]] == [
        "bangkok-vicinity", "central", "east", "north", "northeast", "south", "west",
    ]  # fmt: skip
    assert get(client, "/api/v1/regions/statistical/bangkok-vicinity/")["provinces"] == [
        "10", "11", "12", "13", "73", "74",
    ]  # fmt: skip
    assert get(client, "/api/v1/regions/geographic/bangkok-vicinity/", status=404) == {
        "detail": "ไม่พบรายการนี้"
    }


# --- Rounds and documents


@pytest.fixture
def issued():
    return registry_with_documents()


def test_rounds_count_their_areas(client, issued, cities):
    assert get(client, "/api/v1/rounds/2565/") == {
        "year": 2565,
        "ceremony_date": "2023-01-09",
        "ceremony_place_th": "",
        "ceremony_place_en": "",
        "presenter_th": "",
        "presenter_en": "",
        "validity_years": 2,
        "areas": 4,  # the awarded one and the opted-out one of the registry, Sam Yan and Yala
    }
    assert [r["year"] for r in get(client, "/api/v1/rounds/")["results"]] == [2565]
    get(client, "/api/v1/rounds/2599/", status=404)


def test_a_round_asked_by_its_common_era_year_is_told_the_buddhist_year(client):
    assert get(client, "/api/v1/rounds/2022/", status=404) == {
        "detail": "รอบการรับรองเรียกตามปีพุทธศักราช ค.ศ. 2022 คือ พ.ศ. 2565"
    }
    assert get(client, "/api/v1/rounds/2022/?lang=en", status=404) == {
        "detail": "Rounds are named by their year of the Buddhist Era (B.E.): 2022 C.E. is B.E. 2565."
    }
    assert get(client, "/api/v1/rounds/5/?lang=en", status=404) == {
        "detail": "Rounds are named by their year of the Buddhist Era (B.E.), for example 2565."
    }


def test_documents_say_what_the_verification_page_says(client, issued):
    certificate, plaque = issued["documents"]
    reissued = issued["reissued"]  # pending: not public yet, but it supersedes the certificate
    Document.objects.filter(pk=plaque.pk).update(valid_until=datetime.date(2020, 1, 1))
    assert get(client, f"/api/v1/documents/{certificate.serial}/") == {
        "serial": "SCT-2565-001",
        "kind": "award_certificate",
        "kind_label": "เกียรติบัตร",
        "year": 2565,
        "status": "superseded",
        "status_label": "ถูกแทนที่แล้ว",
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "revoked_on": None,
        "supersedes": None,
        "superseded_by": reissued.serial,
        "area": issued["city"].pk,
        "verification_url": "http://127.0.0.1:8000/verify/SCT-2565-001/",
    }
    assert get(client, f"/api/v1/documents/{plaque.serial.lower()}/")["status"] == "expired"
    for typed in ("sct-๒๕๖๕-๐๐๑", "SCT-2565-1", "sct2565001"):  # as the verification page reads them
        assert get(client, f"/api/v1/documents/{typed}/")["serial"] == "SCT-2565-001", typed
    listed = get(client, "/api/v1/documents/")
    assert [d["serial"] for d in listed["results"]] == ["SCT-2565-001", "SCP-2565-001"]
    get(client, f"/api/v1/documents/{reissued.serial}/", status=404)  # waiting to be rendered

    Document.objects.filter(pk=reissued.pk).update(
        status=DocumentStatus.READY, valid_until=datetime.date(2999, 1, 1)
    )
    Document.objects.filter(pk=plaque.pk).update(
        revoked_at=datetime.datetime(2024, 2, 1, 10, tzinfo=datetime.UTC)
    )
    assert {d["serial"]: d["status"] for d in get(client, "/api/v1/documents/?lang=en")["results"]} == {
        "SCT-2565-001": "superseded",
        "SCT-2565-002": "valid",
        "SCP-2565-001": "revoked",
    }
    assert get(client, "/api/v1/documents/SCP-2565-001/")["revoked_on"] == "2024-02-01"
    assert get(client, f"/api/v1/documents/{reissued.serial}/")["supersedes"] == "SCT-2565-001"
    for query, serials in [
        ("status=valid", ["SCT-2565-002"]),
        ("status=revoked", ["SCP-2565-001"]),
        ("kind=plaque", ["SCP-2565-001"]),
        ("q=sct", ["SCT-2565-001", "SCT-2565-002"]),
        ("year=2564", []),
        ("ordering=-serial", ["SCT-2565-002", "SCT-2565-001", "SCP-2565-001"]),
    ]:
        assert [d["serial"] for d in get(client, f"/api/v1/documents/?{query}")["results"]] == serials, query


def test_documents_never_show_the_file_the_snapshot_or_private_fields(client, issued):
    body = client.get("/api/v1/documents/").content.decode()
    certificate = issued["documents"][0]
    for private in ("sha256", "data", "file", "last_error", "attempts", "application", "template_version"):
        assert f'"{private}"' not in body
    assert certificate.data["area_th"] not in body


# --- The index


def test_the_index_lists_the_endpoints_the_schema_and_the_docs_in_the_language_asked(client):
    thai = get(client, "/api/v1/")
    assert thai["title"] == "ข้อมูลเปิดเมืองอัจฉริยะประเทศไทย"
    assert (thai["schema"], thai["docs"]) == (
        "http://127.0.0.1:8000/api/v1/schema/",
        "http://127.0.0.1:8000/api/v1/docs/",
    )
    addresses = {endpoint["address"]: endpoint for endpoint in thai["endpoints"]}
    assert len(addresses) == 12
    assert "http://127.0.0.1:8000/api/v1/areas/" in addresses
    document = addresses["http://127.0.0.1:8000/api/v1/documents/{serial}/"]
    assert document["example"] == "http://127.0.0.1:8000/api/v1/documents/SCT-2565-001/"
    english = get(client, "/api/v1/?lang=en")
    assert english["title"] == "Smart City Thailand open data"
    assert {e["summary"] for e in english["endpoints"]} >= {"Award rounds", "One document's public status"}
    assert get(client, "/api/v1/?page=2", status=400)["errors"]["page"][0].startswith("ไม่รู้จักพารามิเตอร์นี้")


# --- Caching: ETag, 304, and fresh answers when the data change


def test_etag_and_304(client, cities):
    response = client.get("/api/v1/areas/")
    etag = response["ETag"]
    assert etag.startswith('"') and len(etag) == 34
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in response["Vary"]  # the language cookie chooses the labels
    again = client.get("/api/v1/areas/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get("/api/v1/areas/", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert client.get("/api/v1/areas/?lang=en")["ETag"] != etag  # another language, another body


@pytest.mark.django_db(transaction=True)
def test_a_saved_record_changes_the_next_answer(client, reference_data):
    """Committed for real: the freshness number moves when the transaction commits."""
    yala = area("ยะลาเมืองอัจฉริยะ", provinces=("95",), status=CertifiedCityStatus.EXPIRED)
    url = f"/api/v1/areas/{yala.pk}/"
    before = client.get(url)
    assert before.json()["status"] == "expired"
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url).content == before.content
    assert len(cached.captured_queries) == 0  # from the cache
    yala.status = CertifiedCityStatus.ACTIVE
    yala.save(update_fields=["status"])
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["status"] == "active"
    assert after["ETag"] != before["ETag"]


# --- Hostile and wrong parameters: 400 with a message, in the request's language, never a 500


@pytest.mark.parametrize(
    "query, parameter, message",
    [
        ("page=-1", "page", "ต้องไม่น้อยกว่า 1"),
        ("page=0", "page", "ต้องไม่น้อยกว่า 1"),
        ("page=abc", "page", "ต้องเป็นจำนวนเต็ม"),
        ("page=1.5", "page", "ต้องเป็นจำนวนเต็ม"),
        ("page=99999999999999999999999", "page", "ต้องไม่เกิน 10000"),
        ("page=" + "9" * 2000, "page", "ตัวเลขยาวเกินไป"),
        ("page_size=101", "page_size", "ต้องไม่เกิน 100"),
        ("page_size=0", "page_size", "ต้องไม่น้อยกว่า 1"),
        ("round=1e3", "round", "ต้องเป็นจำนวนเต็ม"),
        ("round=99999999999999999999", "round", "ต้องไม่เกิน 2700"),
        ("region=atlantis", "region", "“atlantis” ไม่ใช่ค่าที่ใช้ได้"),
        ("province=999", "province", "“999” ไม่ใช่ค่าที่ใช้ได้"),
        ("domain=env", "domain", "“env” ไม่ใช่ค่าที่ใช้ได้"),
        ("status=deleted", "status", "“deleted” ไม่ใช่ค่าที่ใช้ได้"),
        ("ordering=password", "ordering", "“password” ไม่ใช่ค่าที่ใช้ได้"),
        ("q=" + "ก" * 101, "q", "ไม่เกิน 100 ตัวอักษร"),
        ("page=1&page=2", "page", "ให้พารามิเตอร์นี้เพียงครั้งเดียว"),
        ("colour=red", "colour", "ไม่รู้จักพารามิเตอร์นี้"),
        ("Region=north", "Region", "ไม่รู้จักพารามิเตอร์นี้"),
        ("format=xml", "format", "API นี้ตอบเป็น JSON เท่านั้น"),
        ("format=json", "format", "API นี้ตอบเป็น JSON เท่านั้น"),
    ],
)
def test_bad_parameters_get_400_naming_them(client, query, parameter, message):
    body = get(client, f"/api/v1/areas/?{query}", status=400)
    assert body["detail"] == "คำค้นมีข้อผิดพลาด"
    assert list(body["errors"]) == [parameter]
    assert body["errors"][parameter][0].startswith(message)


def test_an_unsupported_format_is_a_400_on_a_record_too(client, cities):
    body = get(client, f"/api/v1/areas/{cities['lampang'].pk}/?format=xml&lang=en", status=400)
    assert body["errors"] == {"format": ["This API answers in JSON only: leave out this parameter."]}


def test_messages_in_english_when_asked(client):
    assert get(client, "/api/v1/areas/?page=abc&colour=red&lang=en", status=400) == {
        "detail": "The query has errors.",
        "errors": {
            "colour": [
                "Unknown parameter. Allowed: city_type, domain, lang, ordering, page, page_size, province, "
                "q, region, round, statistical_region, status."
            ],
            "page": ["Must be a whole number."],
        },
    }
    assert get(client, "/api/v1/areas/?lang=fr", status=400)["errors"] == {"lang": ["“fr” ไม่ใช่ค่าที่ใช้ได้"]}


@pytest.mark.parametrize(
    "address, message",
    [
        ("/api/v1/areas/?q=%00", "ที่อยู่มีอักขระ NUL"),
        ("/api/v1/areas/?%00=1", "ที่อยู่มีอักขระ NUL"),
        ("/api/v1/provinces/%00/", "ที่อยู่มีอักขระ NUL"),
        ("/api/v1/areas/?q=%FF%FE", "ที่อยู่ไม่ใช่ข้อความ UTF-8 ที่ถูกต้อง"),
        ("/api/v1/areas/?q=%C3", "ที่อยู่ไม่ใช่ข้อความ UTF-8 ที่ถูกต้อง"),
        ("/api/v1/documents/%FF/", "ที่อยู่ไม่ใช่ข้อความ UTF-8 ที่ถูกต้อง"),
    ],
)
def test_nul_and_invalid_utf8_get_a_json_400(client, address, message):
    response = client.get(address)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": message}
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", [b"/api/v1/documents/\xff/", b"/api/v1/areas/\xc3(/"])
def test_a_path_that_is_not_utf8_gets_a_json_400(wsgi_application, path):
    """Through WSGI as a server passes it: the path's bytes as Latin-1 text (Django's test client keeps
    the percent signs instead)."""
    import io
    import json
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": path.decode("latin-1"), "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    started = []
    body = b"".join(wsgi_application(environ, lambda status, headers: started.append(status)))
    assert started == ["400 Bad Request"]
    assert json.loads(body) == {"detail": "ที่อยู่ไม่ใช่ข้อความ UTF-8 ที่ถูกต้อง"}


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/areas/999999/",
        "/api/v1/areas/99999999999999999999999/",  # beyond the database's integers
        "/api/v1/areas/-1/",
        "/api/v1/areas/abc/",
        "/api/v1/zones/0/",
        "/api/v1/provinces/99/",
        "/api/v1/regions/geographic/atlantis/",
        "/api/v1/rounds/99999999999/",
        "/api/v1/documents/SCT-9999-999/",
        "/api/v1/no-such-thing/",
        "/api/v1/areas/%0A/",  # a line break, which a pattern's "." does not match
        "/api/v1/regions/%EF%BF%BD/north/",  # U+FFFD typed in the address is text, not broken UTF-8
    ],
)
def test_unknown_objects_are_a_json_404(client, address):
    body = get(client, address, status=404)
    assert body["detail"] in ("ไม่พบรายการนี้", "ไม่พบสิ่งใดที่ที่อยู่นี้")


def test_read_only(client, cities):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/areas/", data={}, content_type="application/json")
        assert response.status_code == 405, method
        assert response.json() == {"detail": "API นี้อ่านได้อย่างเดียว ใช้ได้เฉพาะ GET และ HEAD"}
        assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert client.head("/api/v1/areas/").status_code == 200
    assert CertifiedCity.objects.count() == 3


def test_cors_for_any_origin_without_credentials(client, cities):
    response = client.get("/api/v1/areas/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/areas/", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert "Set-Cookie" not in response  # no session, no CSRF cookie


def test_too_many_requests_from_one_address_get_429(client, settings, cities):
    from smartcity.api import PublicThrottle

    PublicThrottle.THROTTLE_RATES = {**PublicThrottle.THROTTLE_RATES, "api": "3/minute"}
    try:
        for _ in range(3):
            assert client.get("/api/v1/areas/").status_code == 200
        response = client.get("/api/v1/areas/")
        assert response.status_code == 429
        assert response.json()["detail"].startswith("มีคำขอจากที่อยู่ของท่านมากเกินไป")
        assert int(response["Retry-After"]) > 0
        # Another address is not held back.
        assert client.get("/api/v1/areas/", REMOTE_ADDR="192.0.2.7").status_code == 200
    finally:
        del PublicThrottle.THROTTLE_RATES


# --- Query counts do not grow with the list


def many_areas(count, start=0):
    owner = organisation(f"เทศบาลนับคำค้น {start}")
    for n in range(start, start + count):
        city = area(f"เมืองนับ {n}", owner=owner, provinces=("50", "52"), serial=f"SCT-2565-{n:03d}")
        zone(f"เขตนับ {n}", owner=owner, certified=city, provinces=("50",))


def queries(client, url):
    from django.core.cache import cache

    cache.clear()  # not the cached answer: the work of computing it
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/areas/?page_size=100",
        "/api/v1/areas/?page_size=100&region=north&domain=ENV&q=เมือง",
        "/api/v1/zones/?page_size=100",
        "/api/v1/documents/?page_size=100",
        "/api/v1/rounds/",
        "/api/v1/provinces/?page_size=100",
        "/api/v1/regions/",
    ],
)
def test_list_queries_are_the_same_for_1_and_50_areas(client, url):
    many_areas(1)
    one = queries(client, url)
    many_areas(49, start=1)
    assert CertifiedCity.objects.count() == 50
    assert queries(client, url) == one
