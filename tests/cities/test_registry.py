"""The public registry at /registry/: listings with every filter, search, sort and page; a bad value
refused with a sentence and nothing listed; an area's and a zone's page, with what an opted-out
organisation keeps private; statistics counted from the records; CSV exports; the badge; answers cached
under the freshness number with ETags; query counts that do not grow with the list."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities import maps
from cities.enums import CertifiedCityStatus, CityType
from cities.models import CertifiedCity, Province
from tests.api.records import area, organisation, zone

pytestmark = pytest.mark.django_db

# Saved in transactions that commit, as the portal saves them: the freshness number changes on commit.
committed = pytest.mark.django_db(transaction=True)


ROW = re.compile(r'<a href="/registry/(?:areas|zones)/\d+/">([^<]+)</a>')


def listed(response):
    """The names a listing shows, in its order."""
    return ROW.findall(response.content.decode())


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:800])
    return response


@pytest.fixture
def cities():
    """Four areas across regions, rounds, domains, types and statuses, and two zones."""
    lampang_city = organisation("เทศบาลนครลำปาง")
    records = {
        "lampang": area(
            "ลำปางเมืองน่าอยู่", name_en="Lampang Livable City", provinces=("52",), year=2564,
            domains="ENV,MOB", owner=lampang_city, serial="SCT-2564-001", population=60000,
            vision="เมืองน่าอยู่ของทุกคน", contact="กองยุทธศาสตร์ โทร 054-000000",
        ),
        "samyan": area(
            "สามย่านเมืองอัจฉริยะ", name_en="Sam Yan Smart City", provinces=("10",), year=2565,
            domains="ENV,ECO,GOV", city_type=CityType.NEW, population=20000,
            owner=organisation("มหาวิทยาลัยทดสอบ", province="10"),
        ),
        "phuket": area(
            "ภูเก็ตเมืองอัจฉริยะ", name_en="Phuket Smart City", provinces=("83",), year=2564,
            domains="ENV,ECO,PEO", status=CertifiedCityStatus.EXPIRED,
            owner=organisation("อบจ.ภูเก็ต", province="83"),
        ),
        "khorat": area(
            "โคราชเมืองอัจฉริยะ", name_en="Khorat Smart City", provinces=("30",), year=2565, domains="ENV,ENE",
            status=CertifiedCityStatus.REVOKED, owner=None,
        ),
    }  # fmt: skip
    records["zone_lampang"] = zone("เขตส่งเสริมลำปาง", owner=lampang_city, certified=records["lampang"])
    records["zone_preparing"] = zone(
        "เขตส่งเสริมเชียงใหม่", owner=organisation("เทศบาลนครเชียงใหม่", province="50"), provinces=("50",)
    )
    return records


# --- Listings


def test_the_listing_shows_every_area_in_thai_dictionary_order(client, cities):
    page = get(client, "/registry/")
    # โ sorts by the consonant after it (ค), so โคราช comes before ภูเก็ต, ลำปาง and สามย่าน.
    assert listed(page) == ["โคราชเมืองอัจฉริยะ", "ภูเก็ตเมืองอัจฉริยะ", "ลำปางเมืองน่าอยู่", "สามย่านเมืองอัจฉริยะ"]
    text = page.content.decode()
    assert "4 รายการ" in text
    assert 'class="status status-expired">หมดอายุ<' in text
    assert 'class="status status-revoked">ถูกเพิกถอน<' in text


@pytest.mark.parametrize(
    "query, expected",
    [
        ("region=geographic:north", ["ลำปางเมืองน่าอยู่"]),
        ("region=geographic:central", ["สามย่านเมืองอัจฉริยะ"]),
        ("region=statistical:bangkok-vicinity", ["สามย่านเมืองอัจฉริยะ"]),
        ("region=statistical:central", []),
        ("province=83", ["ภูเก็ตเมืองอัจฉริยะ"]),
        ("domain=ECO", ["ภูเก็ตเมืองอัจฉริยะ", "สามย่านเมืองอัจฉริยะ"]),
        ("domain=ENE", ["โคราชเมืองอัจฉริยะ"]),
        ("city_type=new", ["สามย่านเมืองอัจฉริยะ"]),
        ("year=2564", ["ภูเก็ตเมืองอัจฉริยะ", "ลำปางเมืองน่าอยู่"]),
        ("status=expired", ["ภูเก็ตเมืองอัจฉริยะ"]),
        ("status=active&year=2565", ["สามย่านเมืองอัจฉริยะ"]),
        ("q=ลำปาง", ["ลำปางเมืองน่าอยู่"]),
        ("q=phuket", ["ภูเก็ตเมืองอัจฉริยะ"]),
        ("q=มหาวิทยาลัย", ["สามย่านเมืองอัจฉริยะ"]),  # the organisation's name
        ("q=%20%20เมือง%20%20อัจฉริยะ%20", ["โคราชเมืองอัจฉริยะ", "ภูเก็ตเมืองอัจฉริยะ", "สามย่านเมืองอัจฉริยะ"]),
        ("q=ไม่มีชื่อนี้", []),
        ("sort=-year", ["โคราชเมืองอัจฉริยะ", "สามย่านเมืองอัจฉริยะ", "ภูเก็ตเมืองอัจฉริยะ", "ลำปางเมืองน่าอยู่"]),
        ("sort=year", ["ภูเก็ตเมืองอัจฉริยะ", "ลำปางเมืองน่าอยู่", "โคราชเมืองอัจฉริยะ", "สามย่านเมืองอัจฉริยะ"]),
        # by province name: กรุงเทพมหานคร, นครราชสีมา, ภูเก็ต, ลำปาง
        ("sort=province", ["สามย่านเมืองอัจฉริยะ", "โคราชเมืองอัจฉริยะ", "ภูเก็ตเมืองอัจฉริยะ", "ลำปางเมืองน่าอยู่"]),
    ],
)  # fmt: skip
def test_each_filter_search_and_sort(client, cities, query, expected):
    page = get(client, f"/registry/?{query}")
    assert listed(page) == expected
    if not expected:
        assert "ไม่พบรายการที่ตรงกับเงื่อนไข" in page.content.decode()


def test_english_pages_show_english_names_sorted_by_them(english, cities):
    page = get(english, "/registry/")
    assert listed(page) == [
        "Khorat Smart City",
        "Lampang Livable City",
        "Phuket Smart City",
        "Sam Yan Smart City",
    ]
    assert "4 records" in page.content.decode()


@pytest.mark.parametrize(
    "query, field",
    [
        ("region=nowhere", "ภาค"),
        ("region=geographic:atlantis", "ภาค"),
        ("province=99", "จังหวัด"),
        ("domain=XXX", "ด้าน"),
        ("city_type=village", "ประเภทเมือง"),
        ("year=1999", "รอบ"),
        ("year=abc", "รอบ"),
        ("status=dormant", "สถานะ"),
        ("sort=password", "เรียงตาม"),
        ("q=" + "ก" * 101, "ค้นหา"),
        ("page=abc", "ไม่มีหน้านี้"),
        ("page=0", "ไม่มีหน้านี้"),
        ("page=-1", "ไม่มีหน้านี้"),
        ("page=99", "ไม่มีหน้านี้"),
        ("page=99999999999999999999", "ไม่มีหน้านี้"),
    ],
)
def test_a_value_the_registry_does_not_know_is_refused_in_the_readers_language(client, cities, query, field):
    page = get(client, f"/registry/?{query}", status=400)
    text = page.content.decode()
    assert 'id="registry-problems"' in text
    assert field in text
    assert listed(page) == []
    assert "ETag" not in page


def test_pages_of_twenty_keep_the_filters_in_their_links(client, db):
    for number in range(23):
        area(f"เมืองทดสอบที่ {number:02d}", name_en=f"Test city {number:02d}", year=2565)
    first = get(client, "/registry/?year=2565")
    assert len(listed(first)) == 20
    assert "หน้า 1 จาก 2" in first.content.decode()
    assert 'href="?year=2565&amp;page=2"' in first.content.decode()
    second = get(client, "/registry/?year=2565&page=2")
    assert listed(second) == ["เมืองทดสอบที่ 20", "เมืองทดสอบที่ 21", "เมืองทดสอบที่ 22"]


def test_zones_are_listed_preparing_or_certified(client, cities):
    assert listed(get(client, "/registry/zones/")) == ["เขตส่งเสริมเชียงใหม่", "เขตส่งเสริมลำปาง"]
    assert listed(get(client, "/registry/zones/?status=preparing")) == ["เขตส่งเสริมเชียงใหม่"]
    assert listed(get(client, "/registry/zones/?status=certified")) == ["เขตส่งเสริมลำปาง"]
    assert listed(get(client, "/registry/zones/?year=2565")) == ["เขตส่งเสริมเชียงใหม่", "เขตส่งเสริมลำปาง"]
    get(client, "/registry/zones/?status=expired", status=400)


def test_the_registry_only_answers_reading(client, cities):
    assert client.post("/registry/").status_code == 405
    assert client.post("/registry/areas.csv").status_code == 405


# --- A page per area and per zone


def test_an_area_page_says_its_status_and_what_it_holds(client, cities):
    city = cities["lampang"]
    text = get(client, f"/registry/areas/{city.pk}/").content.decode()
    assert "พื้นที่นี้ได้รับตราสัญลักษณ์เมืองอัจฉริยะประเทศไทย" in text
    assert "เทศบาลนครลำปาง" in text and "ลำปาง" in text
    assert "สิ่งแวดล้อมอัจฉริยะ" in text and "การเดินทางและขนส่งอัจฉริยะ" in text
    assert "พ.ศ. 2564" in text
    assert 'href="/verify/SCT-2564-001/"' in text
    assert "เมืองน่าอยู่ของทุกคน" in text and "054-000000" in text
    assert f'href="/registry/zones/{cities["zone_lampang"].pk}/"' in text
    assert "60,000" in text


def test_an_organisation_that_opted_out_keeps_its_details_but_not_the_fact_of_the_award(client, cities):
    city = cities["lampang"]
    city.organisation.registry_details_public = False
    city.organisation.save()
    text = get(client, f"/registry/areas/{city.pk}/").content.decode()
    assert "เมืองน่าอยู่ของทุกคน" not in text and "054-000000" not in text
    assert 'id="details-withheld"' in text
    assert "พื้นที่นี้ได้รับตราสัญลักษณ์เมืองอัจฉริยะประเทศไทย" in text and "SCT-2564-001" in text
    rows = list(csv.reader(io.StringIO(get(client, "/registry/areas.csv").content.decode("utf-8-sig"))))
    lampang = next(row for row in rows if row[0] == "ลำปางเมืองน่าอยู่")
    assert "054-000000" not in lampang


def test_expired_and_revoked_areas_say_so(client, cities):
    assert (
        "การรับรองของพื้นที่นี้หมดอายุแล้ว" in get(client, f"/registry/areas/{cities['phuket'].pk}/").content.decode()
    )
    revoked = get(client, f"/registry/areas/{cities['khorat'].pk}/").content.decode()
    assert "การรับรองของพื้นที่นี้ถูกเพิกถอนแล้ว" in revoked
    assert "ไม่ได้ระบุในข้อมูลสาธารณะ" in revoked  # no organisation in the public record


def test_a_zone_page_and_unknown_records(client, cities):
    text = get(client, f"/registry/zones/{cities['zone_preparing'].pk}/").content.decode()
    assert "เขตส่งเสริมนี้กำลังจัดทำแผน" in text and "มติคณะกรรมการ ครั้งที่ 1/2565" in text
    certified = get(client, f"/registry/zones/{cities['zone_lampang'].pk}/").content.decode()
    assert f'href="/registry/areas/{cities["lampang"].pk}/"' in certified
    for url in ("/registry/areas/999999/", "/registry/zones/999999/", "/registry/areas/999999/badge.svg",
                "/registry/areas/abc/"):  # fmt: skip
        get(client, url, status=404)


# --- Statistics and the map


@committed
def test_statistics_are_counted_from_the_records(reference_data, client, cities):
    text = get(client, "/registry/statistics/").content.decode()
    figures = re.findall(r'<span class="figure-number">(\d+)</span>', text)
    assert figures == ["4", "2", "4", "1"]  # areas ever, certified today, provinces, zones preparing
    rounds = re.search(r'<table[^>]*id="rounds-table".*?</table>', text, re.S).group()
    cells = [re.findall(r">([^<>]+)</t[hd]>", row) for row in re.findall(r"<tr>.*?</tr>", rounds, re.S)[1:]]
    assert cells == [
        ["พ.ศ. 2564", "2", "2", "2", "2", "60,000", "60,000"],
        ["พ.ศ. 2565", "2", "4", "2", "4", "20,000", "80,000"],
    ]
    assert text.count('class="registry-chart"') == 4
    assert "<svg" in text and 'aria-hidden="true"' in text

    area("เมืองใหม่ในรอบนี้", year=2565, provinces=("50",))
    again = get(client, "/registry/statistics/").content.decode()
    assert re.findall(r'<span class="figure-number">(\d+)</span>', again) == ["5", "3", "5", "1"]


def test_every_province_has_a_shape_on_the_map():
    codes = set(Province.objects.values_list("iso_code", flat=True))
    assert len(codes) == 77
    assert set(maps.layout().shapes) == codes


def test_the_map_colours_provinces_and_links_them_to_the_listing(client, cities):
    text = get(client, "/registry/map/").content.decode()
    assert text.count('class="province province-certified"') == 2  # Lampang and Bangkok, certified today
    assert text.count('class="province province-zone"') == 1  # Chiang Mai, a zone preparing its plan
    assert 'href="/registry/?province=52"' in text
    assert 'href="/registry/zones/?province=50&amp;status=preparing"' in text
    assert "กรมแผนที่ทหาร" in text


# --- CSV exports and the badge


def test_the_csv_holds_the_filtered_listing_whole_with_a_byte_order_mark(client, db):
    for number in range(23):
        area(
            f"เมืองทดสอบที่ {number:02d}",
            name_en=f"Test city {number:02d}",
            year=2565,
            serial=f"SCT-2565-{number:03d}",
        )
    area("เมืองของรอบก่อน", year=2564)
    response = get(client, "/registry/areas.csv?year=2565&page=2")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="registry-areas.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["ชื่อ (ภาษาไทย)", "ชื่อ (ภาษาอังกฤษ)", "หน่วยงาน"]
    assert [row[0] for row in rows[1:]] == [f"เมืองทดสอบที่ {n:02d}" for n in range(23)]
    assert rows[1][10] == "SCT-2565-000"
    zones = get(client, "/registry/zones.csv")
    assert zones.content.startswith(b"\xef\xbb\xbf")
    bad = get(client, "/registry/areas.csv?domain=%3Cscript%3E", status=400)
    assert bad["Content-Type"].startswith("text/plain")
    assert "ด้าน" in bad.content.decode()


@committed
def test_the_badge_shows_the_current_status_in_its_own_font(reference_data, client, cities):
    city = cities["lampang"]
    response = get(client, f"/registry/areas/{city.pk}/badge.svg")
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = ET.fromstring(  # noqa: S314 (our own answer)
        response.content
    )
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["เมืองอัจฉริยะประเทศไทย", "รับรองถึง 9 มกราคม 2567"]
    assert "data:font/woff2;base64," in response.content.decode()
    assert "http" not in response.content.decode().replace("http://www.w3.org/2000/svg", "")
    assert int(svg.get("width")) > 100

    city.status = CertifiedCityStatus.REVOKED
    city.save()
    revoked = ET.fromstring(  # noqa: S314 (our own answer)
        get(client, f"/registry/areas/{city.pk}/badge.svg").content
    )
    assert [t.text for t in revoked.iter("{http://www.w3.org/2000/svg}text")][1] == "ถูกเพิกถอน"


# --- Caching under the freshness number


def without_tokens(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@committed
def test_anonymous_answers_are_shared_with_an_etag_and_follow_the_data(
    reference_data, client, cities, settings
):
    settings.PAGE_CACHE_SECONDS = 3600
    first = get(client, "/registry/")
    etag = first["ETag"]
    assert first["Cache-Control"] == "no-cache"
    assert client.get("/registry/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    with CaptureQueriesContext(connection) as queries:
        again = get(client, "/registry/")
    assert without_tokens(again) == without_tokens(first) and not queries.captured_queries

    CertifiedCity.objects.filter(pk=cities["phuket"].pk).update(name_th="ภูเก็ตเปลี่ยนชื่อ")
    assert without_tokens(get(client, "/registry/")) == without_tokens(first)  # update() sends no signal
    cities["phuket"].name_th = "ภูเก็ตเปลี่ยนชื่อ"
    cities["phuket"].save()
    changed = get(client, "/registry/")
    assert changed["ETag"] != etag and "ภูเก็ตเปลี่ยนชื่อ" in changed.content.decode()
    assert client.get("/registry/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_each_visitor_gets_their_own_csrf_token_and_signed_in_visitors_their_own_page(
    client, cities, settings
):
    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 3600
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    one, other = get(client, "/registry/"), get(Client(), "/registry/")
    assert one["ETag"] == other["ETag"]
    assert token.search(one.content.decode()).group(1) != token.search(other.content.decode()).group(1)

    user = get_user_model().objects.create_user("citizen@example.org", "citizen@example.org", "x-secret-9")
    client.force_login(user)
    signed_in = get(client, "/registry/")
    assert "ETag" not in signed_in and "citizen@example.org" in signed_in.content.decode()
    assert "citizen@example.org" not in get(Client(), "/registry/").content.decode()


@pytest.mark.parametrize("url", ["/registry/", "/registry/zones/", "/registry/statistics/", "/registry/map/",
                                 "/registry/areas.csv", "/registry/zones.csv"])  # fmt: skip
def test_query_counts_do_not_grow_with_the_registry(client, settings, url):
    settings.PAGE_CACHE_SECONDS = 0
    owner = organisation()

    def count():
        with CaptureQueriesContext(connection) as queries:
            get(client, url)
        return len(queries.captured_queries)

    area("เมืองแรก", owner=owner)
    zone("เขตแรก", owner=owner)
    one = count()
    for number in range(49):
        area(f"เมืองที่ {number}", owner=owner, provinces=("10", "52"))
        zone(f"เขตที่ {number}", owner=owner)
    assert count() == one


def test_an_award_whose_ceremony_is_still_to_come_says_when_it_takes_effect(client):
    """As the verification page says "not yet issued" before the ceremony, the area's page and its badge
    say the certification starts that day, and the admin's list of awards says so too."""
    import datetime

    from django.utils import timezone

    from certification.enums import Role
    from tests.certification.awards_helpers import awarded, round_2565
    from tests.factories import UserFactory

    ceremony = timezone.localdate() + datetime.timedelta(days=40)
    award_round = round_2565()
    award_round.ceremony_date = ceremony
    award_round.save(update_fields=["ceremony_date"])
    award = awarded(award_round)
    city = award.certified_city
    page = get(client, f"/registry/areas/{city.pk}/").content.decode()
    day = f"{ceremony.day} "
    assert "การรับรองมีผลตั้งแต่พิธีมอบในวันที่" in page and day in page
    assert "พื้นที่นี้ได้รับตราสัญลักษณ์เมืองอัจฉริยะประเทศไทย</p>" not in page.replace("\n", "").replace("  ", "")
    badge = get(client, f"/registry/areas/{city.pk}/badge.svg").content.decode()
    assert "รับรองตั้งแต่" in badge
    row = get(client, "/registry/").content.decode().split(city.name_th)[1].split("</tr>")[0]
    assert "มีผลตั้งแต่" in row and day in row
    assert "มีผลอยู่" not in row
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    awards_list = client.get("/admin/certification/award/").content.decode()
    assert "มีผลตั้งแต่" in awards_list
