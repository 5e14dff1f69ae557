import re
from pathlib import Path

import pytest
from django.test import override_settings

from smartcity.middleware import PortalErrorPagesMiddleware
from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", re.I)


def test_home_says_what_the_programme_is_and_who_can_apply(client):
    html = client.get("/").content.decode()
    assert "ผู้มีสิทธิ์สมัคร" in html  # who can apply
    for label in ("เทศบาลนคร", "องค์การบริหารส่วนตำบล", "มหาวิทยาลัย", "บริษัทพัฒนาเมือง"):
        assert f"<li>{label}</li>" in html
    assert "สิ่งแวดล้อมอัจฉริยะ" in html  # the seven domains, Smart Environment first
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get("/").content.decode()
    assert "Who can apply" in html
    assert "<li>Subdistrict administrative organisation</li>" in html


def test_nothing_in_templates_or_static_css_points_at_another_host():
    files = [
        *Path(PROJECT_DIR, "templates").rglob("*.html"),
        *Path(PROJECT_DIR, "static", "css").rglob("*.css"),
    ]
    offenders = [str(f.relative_to(PROJECT_DIR)) for f in files if EXTERNAL.search(f.read_text())]
    assert files
    assert offenders == []


def test_static_files_are_served_from_our_own_paths(client):
    html = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/static/vendor/bootstrap/bootstrap.min.css">' in html
    assert '<script src="/static/vendor/bootstrap/bootstrap.bundle.min.js"></script>' in html
    css = (PROJECT_DIR / "static/css/fonts.css").read_text()
    assert 'url("../fonts/sarabun/Sarabun-Regular.ttf")' in css


def test_sarabun_is_found_by_the_static_finders():
    from django.contrib.staticfiles import finders

    found = finders.find("fonts/sarabun/Sarabun-Regular.ttf")
    assert found is not None
    assert Path(found).read_bytes()[:4] == b"\x00\x01\x00\x00"  # a TrueType font


def test_login_page_has_csrf_and_a_translated_form(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert "ที่อยู่อีเมล" in html  # the login field: people sign in with their e-mail address
    assert "ชื่อผู้ใช้" not in html


def test_unknown_page_is_404_with_a_thai_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ไม่พบหน้าที่ต้องการ" in response.content.decode()


def test_server_error_page_speaks_both_languages(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "ระบบขัดข้องชั่วคราว" in html
    assert "Server error" in html


def test_a_request_too_large_gets_a_clear_page_and_changes_nothing(client, settings):
    from tests.factories import ApplicationFactory

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    application = ApplicationFactory()
    client.force_login(application.created_by)
    url = f"/apply/{application.pk}/sections/vision/"
    response = client.post(url, {"version": "0", "vision": "ก" * 2000})
    assert response.status_code == 400
    assert "คำขอไม่ถูกต้อง" in response.content.decode()
    assert not application.sections.filter(key="vision").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/verify/SCT-2565-001%00/",
        "/accounts/confirm/abc%00def/",
        "/organisations/join/abc%00/",
        "/admin/cities/organisation/?q=%00",
        "/admin/certification/application/?status__exact=screening%00",
        "/?%00=x",
    ],
)
def test_a_nul_character_in_the_address_gets_the_bad_request_page(client, url):
    """PostgreSQL refuses text with NUL: without the middleware these were server errors there."""
    from certification.enums import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.SECRETARIAT))
    response = client.get(url)
    assert response.status_code == 400
    assert "คำขอไม่ถูกต้อง" in response.content.decode()


@pytest.mark.parametrize(
    ("address", "status", "thai"),
    [("/no-such-page/", 404, "ไม่พบหน้าที่ต้องการ"), ("/registry/?q=%00", 400, "คำขอไม่ถูกต้อง")],
)
def test_make_run_shows_the_portals_error_pages_not_djangos_debugging_pages(client, address, status, thai):
    from smartcity.settings import development

    with override_settings(DEBUG=True, MIDDLEWARE=development.MIDDLEWARE):
        response = client.get(address)
    html = response.content.decode()
    assert response.status_code == status
    assert thai in html
    assert "DEBUG = True" not in html
    assert PortalErrorPagesMiddleware.DEBUG_PAGE_MARK.decode() not in html


def test_the_portals_own_answers_pass_through_in_debug_mode(client):
    from smartcity.settings import development

    with override_settings(DEBUG=True, MIDDLEWARE=development.MIDDLEWARE):
        response = client.get("/registry/?region=xyz")  # the registry's own 400, naming the field
    assert response.status_code == 400
    html = response.content.decode()
    assert "ทะเบียนสาธารณะ" in html  # the registry's page with its filters and message
    assert "คำขอไม่ถูกต้อง" not in html
