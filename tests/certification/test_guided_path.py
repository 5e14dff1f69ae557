"""The applicant's guided path through HTTP and the selectors: boundary files (GeoJSON, KML, hostile
XML), their preview and use, numbering and the order of "save and continue", the plan prefilled,
indicators' projects, budget totals, the stage tracker's target date, the dashboard's search."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certification import clock, geo, selectors
from certification.demo.record import services_content
from certification.enums import Status
from certification.models import Application, Section
from certification.sections import sections_for, spec_for
from tests.factories import ApplicationFactory, member_of

pytestmark = pytest.mark.django_db

SQUARE = [[98.95, 18.77], [99.02, 18.77], [99.02, 18.82], [98.95, 18.82], [98.95, 18.77]]
KML = (
    '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><Polygon><outerBoundaryIs>'
    "<LinearRing><coordinates>{}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>"
)


def kml_of(ring):
    return KML.format(" ".join(f"{lon},{lat},0" for lon, lat in ring))


def upload(text, name="area.kml"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


# --- Boundary files


def test_a_kml_polygon_becomes_a_geojson_multipolygon():
    text = geo.boundary_from_file(upload(kml_of(SQUARE)))
    assert json.loads(text) == {"type": "MultiPolygon", "coordinates": [[SQUARE]]}


def test_a_geojson_file_is_taken_as_it_is():
    geometry = json.dumps({"type": "Polygon", "coordinates": [SQUARE]})
    assert geo.boundary_from_file(upload("\ufeff" + geometry, "area.geojson")) == geometry


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (  # an entity expanding into millions of characters ("billion laughs")
            '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            "<kml>&b;</kml>",
            "อ่านไฟล์ KML ไม่ได้",
        ),
        (  # an external entity reading a file of the server
            '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml>&x;</kml>',
            "อ่านไฟล์ KML ไม่ได้",
        ),
        ("<kml><Document/></kml>", "ไม่มีรูปหลายเหลี่ยม"),
        ("<kml><Polygon><outerBoundaryIs><LinearRing><coordinates>a,b</coordinates>", "อ่านไฟล์ KML ไม่ได้"),
        (kml_of([[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 1.0]]), "อยู่นอกประเทศไทย"),
        (b"PK\x03\x04zipped", "KMZ"),
        (b"\xff\xfe\x00binary", "ไม่ใช่ไฟล์ข้อความ GeoJSON หรือ KML"),
        ("just words", "ไม่ใช่ไฟล์ข้อความ GeoJSON หรือ KML"),
        ("{" * 3_000_000, "ใหญ่เกินไป"),
    ],
)
def test_boundary_files_that_cannot_be_used_say_why(content, message):
    with pytest.raises(ValidationError) as refused:
        geo.boundary_from_file(upload(content))
    assert message in " ".join(refused.value.messages)


def test_the_boundary_is_previewed_and_saved_only_when_used(client):
    application = ApplicationFactory(sections={"area": {"area_name": ["เขตเมือง"], "provinces": ["50"]}})
    client.force_login(application.created_by)
    response = client.post(
        reverse("apply:boundary_preview", args=[application.pk]), {"boundary_file": upload(kml_of(SQUARE))}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="area-boundary" d="M' in html and "province province-chosen" in html
    section = Section.objects.get(application=application, key="area")
    assert "boundary_geojson" not in section.data
    geojson = response.context["use_form"].initial["boundary_geojson"]
    response = client.post(
        reverse("apply:boundary_use", args=[application.pk]), {"boundary_geojson": geojson}
    )
    assert response["Location"] == reverse("apply:section", args=[application.pk, "area"]) + "#boundary"
    section.refresh_from_db()
    assert section.data == {"area_name": ["เขตเมือง"], "provinces": ["50"], "boundary_geojson": [geojson]}
    assert section.version == 2


def test_a_bad_boundary_file_changes_nothing(client):
    application = ApplicationFactory()
    client.force_login(application.created_by)
    response = client.post(
        reverse("apply:boundary_preview", args=[application.pk]), {"boundary_file": upload("<kml>")}
    )
    assert response.status_code == 400
    assert "อ่านไฟล์ KML ไม่ได้" in response.content.decode()
    response = client.post(reverse("apply:boundary_use", args=[application.pk]), {"boundary_geojson": "{}"})
    assert not Section.objects.filter(application=application, key="area").exists()


def test_outsiders_and_submitted_applications_cannot_use_a_boundary(client):
    application = ApplicationFactory(status=Status.SUBMITTED)
    geojson = json.dumps({"type": "Polygon", "coordinates": [SQUARE]})
    client.force_login(member_of(ApplicationFactory().organisation))
    for name, data in (("boundary_preview", {"boundary_file": upload(kml_of(SQUARE))}), ("boundary_use", {})):
        assert client.post(reverse(f"apply:{name}", args=[application.pk]), data).status_code == 404
    client.force_login(application.created_by)
    client.post(reverse("apply:boundary_use", args=[application.pk]), {"boundary_geojson": geojson})
    assert not Section.objects.filter(application=application, key="area").exists()


# --- The path through the sections


def test_sections_are_numbered_once_and_save_and_next_reaches_the_attachments(client):
    application = ApplicationFactory(promotion_zone=True)
    headings = [spec.heading for spec in sections_for(application)]
    assert headings == [
        "1. วิสัยทัศน์ เป้าหมาย และพื้นที่เป้าหมาย",
        "2. แผนการลงทุนและพัฒนาโครงสร้างพื้นฐาน",
        "3. ระบบฐานข้อมูลเมือง",
        "4.1. บริการเมืองอัจฉริยะ: สิ่งแวดล้อมอัจฉริยะ",
        "4.2. บริการเมืองอัจฉริยะ: การเดินทางและขนส่งอัจฉริยะ",
        "5. รูปแบบการบริหารจัดการและการลงทุนอย่างยั่งยืน",
    ]
    client.force_login(application.created_by)
    data = {"version": "0", "action": "next", "description": "ก", "partners": "ข", "model": "ppp"}
    response = client.post(reverse("apply:section", args=[application.pk, "management"]), data)
    assert response["Location"] == reverse("apply:attachments", args=[application.pk])
    html = client.get(response["Location"]).content.decode()
    assert 'id="section-list"' in html and 'id="next-page"' in html


def test_the_plan_starts_from_the_proposal(client):
    application = ApplicationFactory(promotion_zone=True)
    assert selectors.plan_prefill(application) == {
        "vision": "เมืองน่าอยู่ของทุกคน\n\nเป้าหมาย: ลดฝุ่น PM2.5 ร้อยละ 30",
        "target_area": "เขตเทศบาลนครลำปาง\n"
        "จังหวัด: ลำปาง · พื้นที่ (ตร.กม.): 22.17 · จำนวนประชากรที่ได้รับบริการ: ๕๕,๐๐๐\n"
        "ทิศเหนือจรดแม่น้ำวัง",
    }
    client.force_login(application.created_by)
    html = client.get(reverse("apply:section", args=[application.pk, "plan_vision"])).content.decode()
    assert 'id="prefilled"' in html and "เป้าหมาย: ลดฝุ่น PM2.5 ร้อยละ 30</textarea>" in html
    assert not Section.objects.filter(application=application, key="plan_vision").exists()  # not yet saved


def test_indicators_pick_their_project_and_budgets_add_up(client):
    application = ApplicationFactory(promotion_zone=True)
    content = services_content("รถโดยสารไฟฟ้า")
    content["indicators-0-project"] = ["ชื่อเดิมที่พิมพ์ไว้"]  # typed before the names changed: kept
    Section.objects.create(application=application, key="services_ENV", data=services_content(), version=1)
    Section.objects.create(application=application, key="services_MOB", data=content, version=1)
    form = spec_for(application, "services_MOB").form(content, application=application)
    choices = form.indicators.forms[0].fields["project"].widget.choices
    assert [value for value, _label in choices] == ["", "รถโดยสารไฟฟ้า", "ชื่อเดิมที่พิมพ์ไว้"]
    assert not form.is_valid()  # and it must name one of the projects to be complete
    totals, plan = selectors.budget_totals(application)
    assert (totals, plan) == ({"ENV": Decimal("12500000"), "MOB": Decimal("12500000")}, Decimal("25000000"))
    client.force_login(application.created_by)
    html = client.get(reverse("apply:section", args=[application.pk, "services_MOB"])).content.decode()
    assert '<strong id="budget-domain" aria-live="polite">12,500,000.00</strong>' in html
    assert '<strong id="budget-plan" aria-live="polite">25,000,000.00</strong>' in html


def test_the_domains_rule_is_stated_before_saving(client):
    application = ApplicationFactory(city_type="new")
    client.force_login(application.created_by)
    html = client.get(reverse("apply:section", args=[application.pk, "domains"])).content.decode()
    assert "ทุกข้อเสนอต้องมีสิ่งแวดล้อมอัจฉริยะ และเมืองใหม่อัจฉริยะต้องเลือกอย่างน้อย 3 ด้าน" in html
    html = client.get(reverse("apply:attachments", args=[application.pk])).content.decode()
    assert "ขนาดไม่เกิน 20.0\xa0เมกะไบต์ ต่อไฟล์" in html


# --- Where the application is


def test_the_target_date_counts_working_days_from_the_state(settings):
    settings.CERTIFICATION_HOLIDAYS = ["2026-04-13"]
    application = ApplicationFactory(status=Status.SUBMITTED)
    # Friday 10 April 2026, 5 working days: Monday 13 is a holiday, so Tuesday 14 … Monday 20.
    application.state_entered_at = timezone.make_aware(datetime.datetime(2026, 4, 10, 16, 0))
    assert clock.target_date(application) == datetime.date(2026, 4, 20)
    assert not selectors.stage_tracker(application, today=datetime.date(2026, 4, 20))["overdue"]
    tracker = selectors.stage_tracker(application, today=datetime.date(2026, 4, 21))
    assert [step.state for step in tracker["steps"]] == ["done", "current", *["upcoming"] * 5]
    assert tracker["overdue"] and tracker["target_days"] == 5
    application.status = Status.AWARDED
    assert {step.state for step in selectors.stage_tracker(application)["steps"]} == {"done"}
    application.status = Status.PROMOTION_ZONE
    assert selectors.stage_tracker(application)["target_date"] is None  # the applicant's own time


def test_the_dashboard_searches_and_filters_the_organisations_applications(client):
    draft = ApplicationFactory(title="ลำพูนเมืองเก่า")
    organisation = draft.organisation
    submitted = ApplicationFactory(organisation=organisation, title="น่านน่าอยู่", status=Status.SUBMITTED)
    ApplicationFactory(title="ลำพูนของหน่วยงานอื่น")  # another organisation's: never listed
    client.force_login(draft.created_by)
    url = reverse("apply:dashboard")

    def listed(**query):
        return [a.pk for a in client.get(url, query).context["applications"]]

    assert sorted(listed()) == sorted([draft.pk, submitted.pk])
    assert listed(q="ลำพูน") == [draft.pk]
    assert listed(state="writing") == [draft.pk]
    assert listed(state="with_programme") == [submitted.pk]
    assert listed(state="submitted") == [submitted.pk]
    assert listed(q="ไม่มีคำนี้") == []
    assert "แสดง 0 จาก 2 ใบสมัคร" in client.get(url, {"q": "ไม่มีคำนี้"}).content.decode()


def test_the_organisation_page_starts_a_proposal_for_it(client):
    application = ApplicationFactory()
    organisation = application.organisation
    client.force_login(application.created_by)
    html = client.get(reverse("organisation_detail", args=[organisation.pk])).content.decode()
    start = reverse("apply:create") + f"?organisation={organisation.pk}"
    assert f'href="{start}"' in html
    assert client.get(start).context["form"]["organisation"].value() == organisation.pk
    assert Application.objects.count() == 1
