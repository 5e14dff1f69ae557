"""Every public and applicant page of the demo, in Thai and in English, checked by axe-core (WCAG 2.0 and
2.1, A and AA) in Chromium: no serious or critical violation. The demo data is loaded first; the demo
applicant also has a proposal being written and a plan being written, so that every form of the
applicant's area is checked as people fill it in. The same pages are then read at 390 px wide and at
200 % zoom (a 640 px wide window), where nothing may need sideways scrolling."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from certification.enums import Body, Status
from certification.models import Application, ChecklistItem, Document, Resolution
from certification.sections import sections_for
from certification.services import drafting, review
from cities.models import CertifiedCity, Membership, PromotionZone
from tests.browser.axe import violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def writing_applications():
    """A proposal half written and a plan being written, for the demo applicant."""
    from django.contrib.auth import get_user_model

    applicant = get_user_model().objects.get(username="applicant")
    organisation = Membership.objects.filter(user=applicant).first().organisation
    draft = drafting.create_application(
        actor=applicant, organisation=organisation, title="ร่างข้อเสนอ (ข้อมูลทดสอบ)", city_type="new"
    )
    drafting.save_section(
        draft, "area", {"area_name": ["เขตทดสอบ"], "provinces": ["50"]}, actor=applicant, expected_version=0
    )
    submitted = Application.objects.get(organisation=organisation, status=Status.SUBMITTED)
    secretariat, committee = (get_user_model().objects.get(username=u) for u in ("secretariat", "committee"))
    review.start_screening(submitted, actor=secretariat)
    checklist = {str(item.pk): {"met": True} for item in ChecklistItem.objects.filter(is_active=True)}
    review.record_screening(submitted, actor=secretariat, outcome="passed", checklist=checklist)
    resolution = Resolution.objects.filter(meeting__body=Body.COMMITTEE, meeting__year=2569).first()
    review.acknowledge_promotion_zone(submitted, actor=committee, resolution=resolution)
    return draft, Application.objects.get(pk=submitted.pk)


def applicant_paths(applications):
    paths = ["/apply/", "/apply/new/", "/apply/certificates/", "/organisations/"]
    organisation = applications[0].organisation
    paths.append(f"/organisations/{organisation.pk}/")
    for application in Application.objects.filter(organisation=organisation):
        pk = application.pk
        paths += [f"/apply/{pk}/", f"/apply/{pk}/attachments/", f"/apply/{pk}/review/"]
        paths += [f"/apply/{pk}/sections/{spec.key}/" for spec in sections_for(application)]
    paths.append(f"/apply/{applications[0].pk}/withdraw/")
    return paths


def public_paths():
    area = CertifiedCity.objects.order_by("pk").first()
    zone = PromotionZone.objects.order_by("pk").first()
    serial = Document.objects.order_by("pk").first().serial
    return [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/signup/done/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/verify/",
        f"/verify/{serial}/",
        "/verify/?serial=XYZ",
        "/registry/",
        "/registry/zones/",
        "/registry/map/",
        "/registry/statistics/",
        f"/registry/areas/{area.pk}/",
        f"/registry/zones/{zone.pk}/",
        "/api/v1/docs/",
        "/no-such-page/",
    ]


def log_in(page, base):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "applicant@example.com")
    page.fill("#id_password", "applicant-demo")
    page.locator("main").get_by_role("button").last.click()
    page.wait_for_url(re.compile(r"/apply/$"))


# A phone (390 px) and a 1280 px window zoomed to 200 % (640 CSS pixels wide).
NARROW_WIDTHS = (390, 640)
WIDE = {"width": 1280, "height": 900}


def sideways(page):
    """How far the page is wider than the window (CSS pixels), and the deepest elements that stick out;
    (0, []) when nothing needs sideways scrolling."""
    return page.evaluate(
        """() => {
        const width = document.documentElement.clientWidth;
        const sticksOut = e => e.getBoundingClientRect().right > width + 1;
        const out = [...document.body.querySelectorAll("*")]
            .filter(e => sticksOut(e) && ![...e.children].some(sticksOut));
        return [document.documentElement.scrollWidth - width,
                out.slice(0, 3).map(e => e.tagName.toLowerCase() + "#" + e.id + "." + e.className)];
    }"""
    )


def check(page, base, paths, language):
    found = []
    for path in paths:
        page.set_viewport_size(WIDE)
        response = page.goto(base + path)
        assert response.status == {"/no-such-page/": 404, "/verify/?serial=XYZ": 400}.get(path, 200), path
        assert page.locator("html").get_attribute("lang") == language, path
        found += [(language, path, *violation) for violation in violations(page)]
        for width in NARROW_WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            overflow, culprits = sideways(page)
            if overflow > 0:
                found.append((language, path, f"{width} px", f"{overflow} px to scroll sideways", culprits))
    return found


@pytest.fixture
def demo():
    with override_settings(DEBUG=True):  # seed_demo refuses to run on a production server
        call_command("seed_demo", verbosity=0)
    return writing_applications()


def test_no_serious_or_critical_violation_on_any_page(browser, live_server, demo):
    found = []
    for language in ("th", "en"):
        context = browser.new_context(bypass_csp=True, viewport=WIDE)
        context.add_cookies([{"name": "language", "value": language, "url": live_server.url}])
        page = context.new_page()
        found += check(page, live_server.url, public_paths(), language)
        log_in(page, live_server.url)
        found += check(page, live_server.url, applicant_paths(demo), language)
        context.close()
    assert found == [], "\n".join(map(str, found))
