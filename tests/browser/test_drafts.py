"""Drafts in a real browser: two editors of one section, and a connection that drops while typing."""

import re
import time

import pytest

from certification.models import Section
from tests.factories import ApplicationFactory, member_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def log_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.locator("main").get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(re.compile(r"/apply/$"))


def test_two_editors_get_a_conflict_message_instead_of_overwriting(browser, live_server):
    application = ApplicationFactory()
    alice, bob = application.created_by, member_of(application.organisation)
    url = f"{live_server.url}/apply/{application.pk}/sections/vision/"
    pages = []
    for user in (alice, bob):
        context = browser.new_context()
        page = context.new_page()
        log_in(page, live_server, user)
        page.goto(url)
        pages.append(page)
    alice_page, bob_page = pages

    bob_page.fill("#id_vision", "วิสัยทัศน์ของบ๊อบ")
    bob_page.locator("#save-status").filter(has_text="บันทึกเมื่อ").wait_for(timeout=15000)
    alice_page.fill("#id_vision", "วิสัยทัศน์ของอลิซ")
    alert = alice_page.locator("#autosave-alert")
    alert.wait_for(state="visible", timeout=15000)
    assert bob.get_full_name() in alert.inner_text()
    assert alice_page.input_value("#id_vision") == "วิสัยทัศน์ของอลิซ"  # still on her page
    assert Section.objects.get(application=application, key="vision").data["vision"] == ["วิสัยทัศน์ของบ๊อบ"]
    for page in pages:
        page.context.close()


def test_text_typed_while_offline_is_kept_and_restored(browser, live_server):
    application = ApplicationFactory()
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server, application.created_by)
    url = f"{live_server.url}/apply/{application.pk}/sections/vision/"
    page.goto(url)

    context.set_offline(True)
    page.fill("#id_goals", "เป้าหมายที่พิมพ์ตอนเน็ตหลุด")
    page.locator("#id_vision").focus()  # leaving the field tries to save at once
    page.locator("#save-status").filter(has_text="ไม่มีการเชื่อมต่อ").wait_for(timeout=15000)
    assert not Section.objects.filter(application=application, key="vision").exists()

    # The tab is closed; later, online again, the page offers the unsaved text back.
    page.close()
    context.set_offline(False)
    page = context.new_page()
    page.goto(url)
    restore = page.locator("#restore-alert")
    # Chromium hands a closed tab's localStorage writes to the other tabs a little later when the machine
    # is busy: the reopened tab may need a reload to see them, as a person reopening it later would.
    deadline = time.monotonic() + 30
    while not restore.is_visible() and time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        if not restore.is_visible():
            page.reload()
    restore.wait_for(state="visible", timeout=10000)  # the last reload's page, once it has loaded
    assert page.input_value("#id_goals") == ""
    restore.get_by_role("button", name="กู้คืน").click()
    assert page.input_value("#id_goals") == "เป้าหมายที่พิมพ์ตอนเน็ตหลุด"
    page.locator("#save-status").filter(has_text="บันทึกเมื่อ").wait_for(timeout=15000)
    section = Section.objects.get(application=application, key="vision")
    assert section.data["goals"] == ["เป้าหมายที่พิมพ์ตอนเน็ตหลุด"]
    context.close()
