"""The home page (smartcity/views.py HomeView): the serial lookup box, and one shared rendering for
anonymous visitors (smartcity/pagecache.py) that never carries another visitor's token or name."""

import datetime
import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from cities import freshness
from cities.models import CertifiedCity
from smartcity.pagecache import CSRF_PLACEHOLDER, page_key
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_the_home_page_has_the_lookup_box_as_a_get_form_without_a_token(client):
    html = client.get("/").content.decode()
    form = html[html.index('<form class="verify-box"') :].split("</form>")[0]
    assert 'action="/verify/" method="get"' in form
    assert 'name="serial"' in form
    assert 'placeholder="เช่น SCT-2565-001"' in form
    assert "csrfmiddlewaretoken" not in form
    assert "ตรวจสอบเกียรติบัตรหรือโล่" in html


def test_a_second_visitor_is_served_the_shared_copy_without_a_query():
    Client().get("/")
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/")
    assert response.status_code == 200
    assert len(queries) == 0
    assert "การรับรองเมืองอัจฉริยะประเทศไทย" in response.content.decode()


def test_each_visitor_gets_their_own_csrf_token_on_the_shared_copy_and_it_works():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_html = first.get("/").content.decode()
    second_html = second.get("/").content.decode()
    assert CSRF_PLACEHOLDER not in first_html + second_html
    assert csrf_token(first_html) != csrf_token(second_html)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    for visitor, html in ((first, first_html), (second, second_html)):
        response = visitor.post(
            "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": csrf_token(html)}
        )
        assert (response.status_code, response["Location"]) == (302, "/")
        assert "Smart City Thailand certification" in visitor.get("/").content.decode()


def test_a_logged_in_visitors_name_never_reaches_the_shared_copy():
    member = Client()
    member.force_login(UserFactory(first_name="สมชาย", last_name="ใจดี"))
    assert "สมชาย ใจดี" in member.get("/").content.decode()
    anonymous = Client().get("/").content.decode()
    assert "สมชาย" not in anonymous
    assert "ออกจากระบบ" not in anonymous  # "Log out"
    assert "สมัครสมาชิก" in anonymous or "เข้าสู่ระบบ" in anonymous
    # and the other way round: the shared copy exists now, the member still sees their own page
    member_html = member.get("/").content.decode()
    assert "สมชาย ใจดี" in member_html
    assert "ออกจากระบบ" in member_html


def test_messages_waiting_for_a_visitor_are_shown_and_not_shared(client):
    Client().get("/")  # the shared copy exists
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.INFO, "ยินดีต้อนรับกลับ")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    assert "ยินดีต้อนรับกลับ" in client.get("/").content.decode()
    assert "ยินดีต้อนรับกลับ" not in Client().get("/").content.decode()


def test_a_query_string_gets_its_own_rendering_and_is_not_shared(client):
    html = client.get("/", {"utm_source": "เพื่อน"}).content.decode()
    assert 'name="next" value="/?utm_source=' in html
    assert "utm_source" not in Client().get("/").content.decode()


def test_the_shared_copy_is_kept_per_language():
    Client().get("/")
    english = Client()
    english.cookies["language"] = "en"
    assert '<html lang="en">' in english.get("/").content.decode()
    assert '<html lang="th">' in Client().get("/").content.decode()


def stored_copy():
    return cache.get(page_key(RequestFactory().get("/"), version=freshness.version, daily=False))


@pytest.mark.django_db(transaction=True)
def test_a_change_of_a_public_record_makes_the_shared_copy_stale_at_once():
    Client().get("/")
    assert stored_copy() is not None
    CertifiedCity.objects.create(name_th="เมืองทดสอบ", award_year=2565, certified_on=datetime.date(2023, 1, 9))
    assert stored_copy() is None
    assert Client().get("/").status_code == 200
    assert stored_copy() is not None
