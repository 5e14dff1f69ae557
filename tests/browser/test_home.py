from urllib.parse import urlsplit

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_home_is_thai_with_sarabun_and_switches_to_english(page, live_server, tmp_path):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.locator("h1").inner_text() == "การรับรองเมืองอัจฉริยะประเทศไทย"

    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replaceAll('\"', ''))"
    )
    assert "Sarabun" in loaded
    assert page.evaluate("getComputedStyle(document.body).fontFamily").replace('"', "").startswith("Sarabun,")
    # Bootstrap's script ran: the collapsed menu toggles on a narrow screen.
    assert page.evaluate("typeof bootstrap.Collapse") == "function"
    page.screenshot(path=tmp_path / "home-th.png", full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Smart City Thailand certification"
    assert page.get_by_role("button", name="ไทย").is_visible()

    # The choice sticks on the next page.
    page.get_by_role("link", name="Log in").first.click()
    assert page.locator("h1").inner_text() == "Log in"

    # Everything the pages asked for came from our own server: no CDN, no web fonts from elsewhere.
    assert page.requested_hosts == {urlsplit(live_server.url).netloc}


def test_navigation_collapses_and_opens_on_a_phone(page, live_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/")
    login = page.locator("#main-nav").get_by_role("link", name="เข้าสู่ระบบ")
    assert not login.is_visible()
    page.get_by_role("button", name="เมนู").click()
    login.wait_for(state="visible")
    assert login.is_visible()
