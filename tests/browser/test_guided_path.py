"""The applicant's guided path in a real browser: a proposal written from an empty organisation to
submitted with the keyboard alone; the province picker found by typing; a boundary uploaded (KML) and
one drawn on the map, both shown; the plan opened prefilled from the proposal; the stage tracker with
the next step and its target date."""

import datetime
import re

import pytest
from django.utils import timezone

from certification import clock
from certification.demo.record import SAMPLE_PDF
from certification.enums import Status
from certification.models import Application, Section
from smartcity.thaidate import be_year
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PDF = SAMPLE_PDF  # a PDF of one blank page
KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>เขตเมือง</name><Polygon>
<outerBoundaryIs><LinearRing><coordinates>
98.95,18.77,0 99.02,18.77,0 99.02,18.82,0 98.95,18.82,0 98.95,18.77,0
</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>"""


def tab_to(page, selector, limit=400):
    """Presses Tab until the element matching ``selector`` has the focus, as a keyboard user does."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def keyboard_log_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(email)
    tab_to(page, "#id_password")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/apply/$"))


def log_in(page, base, user):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", "pw")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/apply/$"))


def next_page(page, pattern):
    tab_to(page, "button[name=action][value=next]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(pattern))


def test_a_proposal_from_an_empty_organisation_to_submitted_with_the_keyboard_alone(
    page, live_server, tmp_path
):
    user = UserFactory(email="somchai@lamphun.example")
    organisation = MembershipFactory(user=user, is_admin=True).organisation
    keyboard_log_in(page, live_server.url, "somchai@lamphun.example", "pw")
    page.goto(f"{live_server.url}/organisations/{organisation.pk}/")

    tab_to(page, "#start-proposal")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/apply/new/\?organisation="))
    assert page.input_value("#id_organisation") == str(organisation.pk)  # the organisation came along
    tab_to(page, "#id_title")
    page.keyboard.type("ลำพูนเมืองน่าอยู่ (ข้อมูลทดสอบ)")
    tab_to(page, "input[name=city_type][value=livable]")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sections/area/$"))

    tab_to(page, "#id_area_name")
    page.keyboard.type("เขตเทศบาลเมืองลำพูน")
    tab_to(page, "#id_provinces-filter")
    page.keyboard.type("ลำพูน")
    page.keyboard.press("Enter")  # the only province found is ticked
    assert page.is_checked("#id_provinces_51")
    page.keyboard.press("Enter")  # and stays ticked
    assert page.is_checked("#id_provinces_51")
    assert page.locator("[data-chosen]").inner_text() == "ลำพูน"
    for field, value in (
        ("#id_area_km2", "๒๒.๕"),
        ("#id_population", "1,250"),
        ("#id_boundary_description", "ทิศเหนือจรดแม่น้ำกวง"),
    ):
        tab_to(page, field)
        page.keyboard.type(value)
    next_page(page, r"/sections/vision/$")
    tab_to(page, "#id_vision")
    page.keyboard.type("เมืองเก่าที่มีชีวิต")
    tab_to(page, "#id_goals")
    page.keyboard.type("ลดการใช้พลังงานร้อยละ 20")
    next_page(page, r"/sections/domains/$")
    assert "สิ่งแวดล้อมอัจฉริยะ" in page.locator("#id_domains_helptext").inner_text()  # the rule, up front
    for code in ("ENV", "ENE"):
        tab_to(page, f"input[name=domains][value={code}]")
        page.keyboard.press("Space")
    next_page(page, r"/attachments/$")  # the sidebar's order: attachments before the review

    assert "20" in page.locator("#attachment-rules").inner_text()  # the size limit, before uploading
    pdf = tmp_path / "ข้อเสนอโครงการ.pdf"
    pdf.write_bytes(PDF)
    tab_to(page, "#id_file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(pdf))
    tab_to(page, "#upload-form button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("#attachment-list").filter(has_text="ข้อเสนอโครงการ.pdf").wait_for()
    tab_to(page, "#next-page")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/review/$"))
    assert page.locator("#problems").count() == 0
    tab_to(page, "form[action$='/submit/'] button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/apply/\d+/$"))

    application = Application.objects.get(organisation=organisation)
    assert application.status == Status.SUBMITTED
    assert list(application.provinces.values_list("code", flat=True)) == ["51"]
    assert page.locator("#stage-tracker li.current").inner_text().startswith("2. การคัดกรอง")


@pytest.mark.parametrize(
    ("language", "typed", "found"),
    [("th", "เชียง", ["เชียงราย", "เชียงใหม่"]), ("en", "Chiang", ["Chiang Mai", "Chiang Rai"])],
)
def test_the_province_picker_finds_provinces_by_typing(browser, live_server, language, typed, found):
    application = ApplicationFactory()
    context = browser.new_context()
    context.add_cookies([{"name": "language", "value": language, "url": live_server.url}])
    page = context.new_page()
    log_in(page, live_server.url, application.created_by)
    page.goto(f"{live_server.url}/apply/{application.pk}/sections/area/")
    page.fill("#id_provinces-filter", typed)
    visible = page.locator("#id_provinces li[data-names]:visible label")
    assert visible.all_inner_texts() == found
    assert (
        page.locator("#id_provinces-found").inner_text()
        == {"th": "พบ 2 จังหวัด", "en": "Provinces found: 2"}[language]
    )
    page.locator("#id_provinces li[data-names]:visible input[value='50']").check()  # Chiang Mai
    assert page.locator("#area-map path[data-iso='TH-50'].province-chosen").count() == 1  # drawn on the map
    page.locator("#save-status").filter(has_text=re.compile("บันทึกเมื่อ|Saved at")).wait_for(timeout=15000)
    assert Section.objects.get(application=application, key="area").data["provinces"] == ["50"]
    # The sidebar's badge follows the autosave: the section is still incomplete.
    assert page.locator("[data-progress-key=area] [data-state=incomplete]").is_visible()
    context.close()


def test_a_boundary_uploaded_as_kml_is_shown_before_and_after_it_is_saved(page, live_server, tmp_path):
    application = ApplicationFactory(sections={"area": {"area_name": ["เขตเมือง"], "provinces": ["50"]}})
    log_in(page, live_server.url, application.created_by)
    page.goto(f"{live_server.url}/apply/{application.pk}/sections/area/")
    kml = tmp_path / "เขตเมือง.kml"
    kml.write_text(KML, encoding="utf-8")
    page.set_input_files("#id_boundary_file", str(kml))
    page.get_by_role("button", name="แสดงบนแผนที่").click()
    page.wait_for_url(re.compile(r"/boundary/preview/$"))
    assert page.locator("#boundary-preview path#area-boundary").get_attribute("d").startswith("M")
    assert "5 จุด" in page.locator("main").inner_text()
    assert "boundary_geojson" not in str(Section.objects.get(application=application, key="area").data)
    page.get_by_role("button", name="ใช้แนวเขตนี้").click()
    page.wait_for_url(re.compile(r"/sections/area/#boundary$"))
    assert page.locator("#area-map path#area-boundary").get_attribute("d").startswith("M")
    saved = Section.objects.get(application=application, key="area").data
    assert saved["area_name"] == ["เขตเมือง"] and '"MultiPolygon"' in saved["boundary_geojson"][0]

    # Drawn instead: three corners clicked on the map replace it.
    page.get_by_role("button", name="วาดแนวเขตบนแผนที่").click()
    page.locator("#area-map").scroll_into_view_if_needed()
    box = page.locator("#area-map").bounding_box()
    for dx, dy in ((0.45, 0.45), (0.55, 0.45), (0.5, 0.55)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    assert page.locator("[data-draw-status]").inner_text().endswith("3 มุม")
    page.get_by_role("button", name="วาดเสร็จแล้ว").click()
    page.locator("#save-status").filter(has_text="บันทึกเมื่อ").wait_for(timeout=15000)
    drawn = Section.objects.get(application=application, key="area").data["boundary_geojson"][0]
    assert drawn.startswith('{"type":"Polygon"')
    page.reload()
    assert page.locator("#area-map path#area-boundary").get_attribute("d").count("L") == 3


def test_the_plan_opens_prefilled_and_the_tracker_says_what_comes_next_and_by_when(page, live_server):
    application = ApplicationFactory(complete=True)
    application.status = Status.PROMOTION_ZONE
    application.save()
    log_in(page, live_server.url, application.created_by)

    page.goto(f"{live_server.url}/apply/{application.pk}/")
    assert page.locator("#stage-tracker li.current").inner_text().startswith("3. เขตส่งเสริม")
    assert page.locator("#stage-tracker li.done").count() == 2
    assert "จัดทำแผนพัฒนาเมืองอัจฉริยะและส่ง" in page.locator("#next-step").inner_text()
    page.locator("#continue").click()
    page.wait_for_url(re.compile(r"/sections/plan_vision/$"))
    assert page.locator("#prefilled").is_visible()
    assert page.input_value("#id_vision") == "เมืองน่าอยู่ของทุกคน\n\nเป้าหมาย: ลดฝุ่น PM2.5 ร้อยละ 30"
    assert page.input_value("#id_target_area").startswith("เขตเทศบาลนครลำปาง\nจังหวัด: ลำปาง")
    assert page.locator("#section-list li.current a").inner_text() == "1. วิสัยทัศน์ เป้าหมาย และพื้นที่เป้าหมาย"
    assert page.locator("#section-list a").all_inner_texts()[3:5] == [
        "4.1. บริการเมืองอัจฉริยะ: สิ่งแวดล้อมอัจฉริยะ",
        "4.2. บริการเมืองอัจฉริยะ: การเดินทางและขนส่งอัจฉริยะ",
    ]

    # Submitted a moment ago: the secretariat's turn, with the target of its clock.
    Application.objects.filter(pk=application.pk).update(
        status=Status.PLAN_SUBMITTED, state_entered_at=timezone.now()
    )
    application.refresh_from_db()
    target = clock.target_date(application)
    assert clock.working_days_between(timezone.localdate(), target) == 5
    page.goto(f"{live_server.url}/apply/{application.pk}/")
    assert page.locator("#stage-tracker li.current").inner_text().startswith("4. ประเมินแผน")
    assert "สำนักงานเลขานุการเริ่มการประเมินแผนของท่าน" in page.locator("#next-step").inner_text()
    assert str(be_year(target)) in page.locator("#target-date").inner_text()
    assert isinstance(target, datetime.date)
