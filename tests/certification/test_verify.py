"""certification/verify.py: the serial lookup box and the verification page a citizen reads."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from certification.enums import DocumentKind, Status
from certification.models import AwardRound, Document
from certification.services import awards
from certification.snapshots import add_years
from certification.verify import normalise_serial
from cities.models import PromotionZone
from smartcity.thaidate import THAI_MONTHS, format_date
from tests.certification.awards_helpers import awarded, round_2565, secretariat
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db


def recent_round():
    """The round of 2565 with its ceremony a month ago, so that its documents are in force today."""
    award_round = round_2565()
    award_round.ceremony_date = timezone.localdate() - datetime.timedelta(days=30)
    award_round.save(update_fields=["ceremony_date"])
    return award_round


def in_force_until():
    return add_years(timezone.localdate() - datetime.timedelta(days=30), 2)


def certificate(award):
    return award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)


def zone_certificate():
    application = ApplicationFactory(status=Status.PROMOTION_ZONE, complete=True)
    zone = PromotionZone.objects.create(
        name_th="เขตส่งเสริมเมืองอัจฉริยะลำพูน",
        organisation=application.organisation,
        city_type="livable",
        declared_on=datetime.date(2022, 11, 9),
        resolution="มติคณะกรรมการ ครั้งที่ 1/2565",
        domain_codes="ENV,MOB",
    )
    zone.provinces.set(["51"])
    application.promotion_zone = zone
    application.save(update_fields=["promotion_zone"])
    return awards.issue_promotion_zone_certificate(application, actor=secretariat())


def verdict(response):
    """The text of the verdict block, in one line."""
    block = re.search(
        r'<div class="verdict[^"]*" id="validity"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", block.group(1)).split())


# --- What people type


@pytest.mark.parametrize(
    "typed",
    [
        "SCT-2565-001",
        "sct-2565-001",
        " sct-๒๕๖๕-๐๐๑ ",
        "SCT 2565 001",
        "sct2565001",
        "SCT-2565001",
        "SCT–2565—001",  # en and em dashes from a word processor
        "ＳＣＴ－２５６５－００１",  # full-width, from a phone keyboard
        "SCT-2565-1",
        "\tSCT - ๒๕๖๕ - 001\n",
        "\u200bSCT-2565-001\u200c",  # zero-width characters copied along from a web page or a chat
        "\ufeffSCT-\u200d2565-001",
    ],
)
def test_serials_are_read_as_people_type_them(typed):
    assert normalise_serial(typed) == "SCT-2565-001"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "SCT",
        "SCT-256-001",  # the year has four digits
        "SCT-25650-01",
        "XYZ-2565-001",  # no such series
        "SCT-2565-",
        "SCT-2565-0000001",
        "SCT_2565_001",
        "<script>alert(1)</script>",
        "SCT-2565-001\ufffd",  # what invalid UTF-8 becomes
        "S" * 10_000,
    ],
)
def test_what_cannot_be_a_serial_is_refused(typed):
    assert normalise_serial(typed) is None


def test_the_other_series_are_recognised():
    assert (normalise_serial("scp ๒๕๖๕ ๒"), normalise_serial("spz-2564-012")) == (
        "SCP-2565-002",
        "SPZ-2564-012",
    )


# --- The lookup box


def test_a_found_serial_with_thai_digits_and_spaces_leads_to_its_page(client):
    awarded(recent_round())
    response = client.get("/verify/", {"serial": " sct-๒๕๖๕-๐๐๑ "})
    assert (response.status_code, response["Location"]) == (302, "/verify/SCT-2565-001/")


def test_the_lookup_page_has_the_box_and_says_what_verification_is(client):
    html = client.get("/verify/").content.decode()
    assert '<form class="verify-box" action="/verify/" method="get"' in html
    assert 'name="serial"' in html
    assert "csrfmiddlewaretoken" not in html.split('class="verify-box"')[1].split("</form>")[0]
    assert "การตรวจสอบบอกอะไรคุณ" in html


def test_an_unknown_serial_shows_the_box_again_with_a_thai_message_and_404(client):
    response = client.get("/verify/", {"serial": "sct-2565-999"})
    html = response.content.decode()
    assert response.status_code == 404
    assert "โครงการเมืองอัจฉริยะประเทศไทยไม่เคยออกเกียรติบัตรหรือโล่เลขที่ “SCT-2565-999”" in html
    assert 'name="serial"' in html and 'value="sct-2565-999"' in html


def test_a_malformed_serial_shows_the_box_again_with_an_english_message_and_400(english):
    response = english.get("/verify/", {"serial": "SCT-25-1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "“SCT-25-1” is not a serial number of the programme. Serial numbers look like SCT-2565-001" in html
    assert 'class="form-control is-invalid"' in html


@pytest.mark.parametrize("typed", ["", "   ", "\u200b", " \ufeff\u200c\u200d "])
def test_an_empty_box_asks_for_a_serial_with_400(client, typed):
    response = client.get("/verify/", {"serial": typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert "โปรดพิมพ์เลขที่ที่พิมพ์อยู่บนเกียรติบัตรหรือโล่ เช่น SCT-2565-001" in html
    assert "ไม่ใช่เลขที่เอกสารของโครงการ" not in html and "“”" not in html


def test_zero_width_characters_around_a_serial_are_ignored_in_the_box(client):
    awarded(recent_round())
    response = client.get("/verify/", {"serial": "\u200b SCT-2565-001\ufeff"})
    assert (response.status_code, response["Location"]) == (302, "/verify/SCT-2565-001/")


def test_html_typed_into_the_box_is_shown_as_text(client):
    response = client.get("/verify/", {"serial": '"><script>alert(1)</script>'})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def box(response):
    html = response.content.decode()
    return html[html.index('<form class="verify-box"') :].split("</form>")[0]


def test_ten_thousand_characters_are_refused_and_not_repeated_in_the_box(client):
    response = client.get("/verify/", {"serial": "A" * 10_000})
    assert response.status_code == 400
    assert 'value=""' in box(response)
    assert f"“{'A' * 39}…”" in box(response)


@pytest.mark.parametrize(
    "address",
    [
        "/verify/?serial=%FF%FE",  # invalid UTF-8
        "/verify/?serial=SCT-2565-001%00",
        "/verify/%FF/",
        "/verify/%3Cb%3ESCT%3C%5Cb%3E/",
        "/verify/SCT-2565-001%00/",
        "/verify/" + "9" * 10_000 + "/",
        "/verify/?serial=a&serial=b",
    ],
)
def test_hostile_addresses_get_400_never_a_server_error(client, address):
    awarded(recent_round())
    response = client.get(address)
    assert response.status_code == 400
    assert "<b>" not in response.content.decode()


def test_a_serial_in_the_address_typed_loosely_moves_to_the_page_as_printed(client):
    response = client.get("/verify/sct-๒๕๖๕-1/")
    assert (response.status_code, response["Location"]) == (301, "/verify/SCT-2565-001/")


def test_an_unknown_serial_in_the_address_answers_404_with_the_box(client):
    response = client.get("/verify/SCT-2565-999/")
    assert response.status_code == 404
    assert 'name="serial"' in response.content.decode()


# --- The page a citizen reads


def test_a_valid_certificate_says_so_first_in_thai_with_buddhist_era_dates(client):
    award = awarded(recent_round())
    response = client.get("/verify/SCT-2565-001/")
    html = response.content.decode()
    assert response.status_code == 200
    assert verdict(response) == (
        "มีผลใช้บังคับ เอกสารฉบับนี้มีผลใช้ได้ ออกโดยโครงการเมืองอัจฉริยะประเทศไทย "
        f"และมีผลถึงวันที่ {format_date(in_force_until())}"
    )
    assert html.index('id="validity"') < html.index("ลำปางเมืองน่าอยู่อัจฉริยะ") < html.index('id="sha256"')
    assert format_date(timezone.localdate() - datetime.timedelta(days=30)) in html  # issued on
    assert '<dd class="col-sm-9">พ.ศ. 2565</dd>' in html
    assert not re.search(r"\b20[0-9]{2}\b", html.split("<main")[1].split("</main>")[0])
    domains = [str(label) for label in award.application.domains]
    assert domains and "สิ่งแวดล้อมอัจฉริยะ" in html


def test_the_round_and_what_is_certified_in_english(english):
    awarded(recent_round())
    response = english.get("/verify/SCT-2565-001/")
    html = response.content.decode()
    until = in_force_until()
    assert verdict(response) == (
        "Valid This document is valid. The Smart City Thailand programme issued it, and it is in force until "
        f"{until.day} {until:%B} {until.year}."
    )
    assert '<dt class="col-sm-3">Award round</dt>\n    <dd class="col-sm-9">B.E. 2565</dd>' in html
    assert "Smart Environment" in html


def test_an_expired_certificate_says_until_when_it_was_valid(client, english):
    award = awarded(round_2565())
    awarded_on = timezone.localdate() - datetime.timedelta(days=800)
    award.documents.update(issued_on=awarded_on, valid_until=awarded_on + datetime.timedelta(days=730))
    until = awarded_on + datetime.timedelta(days=730)
    assert verdict(english.get("/verify/SCT-2565-001/")) == (
        f"Expired This document has expired. It was valid until {until.day} {until:%B} {until.year}."
    )
    client.cookies["language"] = "th"
    thai = verdict(client.get("/verify/SCT-2565-001/"))
    assert thai.startswith("หมดอายุ เอกสารฉบับนี้หมดอายุแล้ว มีผลถึงวันที่")
    assert thai.endswith(str(until.year + 543))


def test_a_revoked_certificate_gives_the_reason_and_the_date(english):
    award = awarded(recent_round())
    awards.revoke(certificate(award), actor=secretariat(), reason="ไม่รายงานความก้าวหน้า")
    today = timezone.localdate()
    assert verdict(Client().get("/verify/SCT-2565-001/")) == (
        "ถูกเพิกถอน เอกสารฉบับนี้ถูกเพิกถอนแล้ว และไม่มีผลอีกต่อไป "
        f"ถูกเพิกถอนเมื่อวันที่ {today.day} {THAI_MONTHS[today.month - 1]} {today.year + 543} "
        "เหตุผล: ไม่รายงานความก้าวหน้า"
    )
    assert verdict(english.get("/verify/SCP-2565-001/")).startswith(
        "Revoked This document has been revoked and is no longer valid. It was revoked on"
    )


def test_a_superseded_certificate_links_the_newer_serial(client):
    award = awarded(recent_round())
    awards.reissue(certificate(award), actor=secretariat(), reason="แก้ไขชื่อ")
    response = client.get("/verify/SCT-2565-001/")
    assert verdict(response) == "ถูกแทนที่แล้ว เอกสารฉบับนี้ถูกแทนที่ด้วยฉบับใหม่แล้ว ฉบับที่มีผลอยู่คือ SCT-2565-002 ."
    assert '<a href="/verify/SCT-2565-002/">SCT-2565-002</a>' in response.content.decode()
    newer = client.get("/verify/SCT-2565-002/").content.decode()
    assert '<a href="/verify/SCT-2565-001/">SCT-2565-001</a>' in newer  # "replaces"


def test_a_certificate_awarded_ahead_of_its_ceremony_is_not_yet_issued(english):
    ceremony = timezone.localdate() + datetime.timedelta(days=30)
    award = awarded(AwardRound.objects.create(year=2569, ceremony_date=ceremony))
    assert verdict(english.get(f"/verify/{certificate(award).serial}/")) == (
        "Not yet issued This document has not been issued yet. It takes effect on "
        f"{ceremony.day} {ceremony:%B} {ceremony.year}, the date of its award."
    )


def test_a_promotion_zone_certificate_names_its_year_and_domains(client):
    document = zone_certificate()
    html = client.get(f"/verify/{document.serial}/").content.decode()
    assert "เขตส่งเสริมเมืองอัจฉริยะลำพูน" in html
    assert "สิ่งแวดล้อมอัจฉริยะ, การเดินทางและขนส่งอัจฉริยะ" in html
    assert "ไม่มีวันหมดอายุ" not in html
    assert "ออกโดยโครงการเมืองอัจฉริยะประเทศไทย และยังมีผลอยู่" in html


def test_the_page_links_the_area_in_the_public_registry_once_it_exists(client):
    award = awarded(recent_round())
    html = client.get("/verify/SCT-2565-001/").content.decode()
    try:
        url = reverse("registry:area", args=[award.certified_city.pk])
    except NoReverseMatch:
        assert "ข้อมูลพื้นที่ในทะเบียนสาธารณะ" not in html
    else:
        assert f'<a href="{url}">ข้อมูลพื้นที่ในทะเบียนสาธารณะ</a>' in html


def test_the_checksum_and_how_to_check_it_come_below_for_experts(client):
    awarded(recent_round())
    html = client.get("/verify/SCT-2565-001/").content.decode()
    assert html.index("สำหรับผู้เชี่ยวชาญ") > html.index("เอกสารฉบับนี้รับรองอะไร")
    assert "<code>sha256sum certificate.pdf</code>" in html


def test_a_document_not_rendered_yet_says_so_in_the_page_font_not_in_monospace(client):
    awarded(recent_round())
    html = client.get("/verify/SCT-2565-001/").content.decode()
    answer = re.search(r'<dd class="col-sm-9" id="sha256">(.*?)</dd>', html, re.S).group(1)
    assert answer == "ยังไม่ได้จัดทำ"  # no <code>: monospace faces have no Thai glyphs


# --- The shared copy of the page (transactional tests: the freshness number changes on commit)


@pytest.mark.django_db(transaction=True)
def test_a_revoked_document_shows_revoked_at_once_though_its_page_was_cached(client, reference_data):
    award = awarded(recent_round())
    assert verdict(client.get("/verify/SCT-2565-001/")).startswith("มีผลใช้บังคับ")
    with CaptureQueriesContext(connection) as queries:
        assert verdict(Client().get("/verify/SCT-2565-001/")).startswith("มีผลใช้บังคับ")
    assert len(queries) == 0  # the second visitor got the shared copy
    awards.revoke(certificate(award), actor=secretariat(), reason="ทดสอบ")
    assert verdict(Client().get("/verify/SCT-2565-001/")).startswith("ถูกเพิกถอน")


@pytest.mark.django_db(transaction=True)
def test_a_revoked_promotion_zone_certificate_shows_revoked_at_once(client, reference_data):
    document = zone_certificate()
    assert verdict(client.get(f"/verify/{document.serial}/")).startswith("มีผลใช้บังคับ")
    awards.revoke(document, actor=secretariat(), reason="ทดสอบ")
    assert verdict(Client().get(f"/verify/{document.serial}/")).startswith("ถูกเพิกถอน")


@pytest.mark.django_db(transaction=True)
def test_a_reissued_document_shows_superseded_at_once(client, reference_data):
    award = awarded(recent_round())
    assert verdict(client.get("/verify/SCT-2565-001/")).startswith("มีผลใช้บังคับ")
    awards.reissue(certificate(award), actor=secretariat(), reason="แก้ไข")
    assert verdict(Client().get("/verify/SCT-2565-001/")).startswith("ถูกแทนที่แล้ว")


def test_the_cached_page_is_kept_per_language(client):
    awarded(recent_round())
    assert verdict(client.get("/verify/SCT-2565-001/")).startswith("มีผลใช้บังคับ")
    assert verdict(Client().get("/verify/SCT-2565-001/")).startswith("มีผลใช้บังคับ")
    other = Client()
    other.cookies["language"] = "en"
    assert verdict(other.get("/verify/SCT-2565-001/")).startswith("Valid")


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_cached_page_carries_each_visitors_own_csrf_token_which_works():
    awarded(recent_round())
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_html = first.get("/verify/SCT-2565-001/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        response = second.get("/verify/SCT-2565-001/")
    assert len(queries) == 0
    second_html = response.content.decode()
    assert "csrf-token-of-the-visitor" not in second_html
    assert csrf_token(first_html) != csrf_token(second_html)
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    switch = second.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/verify/SCT-2565-001/", "csrfmiddlewaretoken": csrf_token(second_html)},
    )
    assert (switch.status_code, switch["Location"]) == (302, "/verify/SCT-2565-001/")
    stolen = Client(enforce_csrf_checks=True)
    stolen.get("/verify/")
    refused = stolen.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": csrf_token(first_html)})
    assert refused.status_code == 403


def test_a_logged_in_visitors_navigation_never_reaches_the_shared_copy(client):
    awarded(recent_round())
    user = UserFactory(first_name="สมหญิง", last_name="รักเมือง")
    client.force_login(user)
    own = client.get("/verify/SCT-2565-001/").content.decode()
    assert "สมหญิง รักเมือง" in own
    anonymous = Client().get("/verify/SCT-2565-001/").content.decode()
    assert "สมหญิง" not in anonymous
    assert "ออกจากระบบ" not in anonymous
    assert "สมหญิง รักเมือง" in client.get("/verify/SCT-2565-001/").content.decode()


# --- Queries


def queries_of(path):
    cache.clear()  # the page as rendered, not its shared copy
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(path).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_every_kind_and_standing():
    award_round = recent_round()
    for index in range(50):
        awarded(award_round, title=f"เมืองทดสอบ {index}")
    valid = queries_of("/verify/SCT-2565-001/")
    awards.reissue(Document.objects.get(serial="SCT-2565-002"), actor=secretariat(), reason="แก้ไข")
    awards.revoke(Document.objects.get(serial="SCP-2565-003"), actor=secretariat(), reason="ทดสอบ")
    zone = zone_certificate()
    assert valid == 1
    assert [
        queries_of("/verify/SCT-2565-002/"),
        queries_of("/verify/SCT-2565-051/"),
        queries_of("/verify/SCP-2565-003/"),
        queries_of(f"/verify/{zone.serial}/"),
    ] == [valid] * 4
