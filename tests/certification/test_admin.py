import re

import pytest
from django.urls import reverse

from certification.enums import Role, Status
from certification.services import core, drafting, review
from tests.certification.test_services import submitted_proposal
from tests.conftest import count_queries
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resubmitted():
    secretariat = UserFactory(role=Role.SECRETARIAT)
    application = submitted_proposal()
    core.transition(application, Status.SCREENING, actor=secretariat)
    review.return_for_changes(application, actor=secretariat, requests={"vision": "ระบุเป้าหมายเป็นตัวเลข"})
    section = application.sections.get(key="vision")
    drafting.save_section(
        application,
        "vision",
        {"vision": ["เมืองน่าอยู่ของทุกคน"], "goals": ["ลดฝุ่น PM2.5 ร้อยละ 40"]},
        actor=application.created_by,
        expected_version=section.version,
        response="แก้แล้ว",
    )
    drafting.submit(application, actor=application.created_by)
    return application, secretariat


def test_staff_see_what_changed_between_versions(client, resubmitted):
    application, secretariat = resubmitted
    client.force_login(secretariat)
    change = client.get(
        reverse("admin:certification_application_change", args=[application.pk])
    ).content.decode()
    url = reverse("admin:certification_application_versions", args=[application.pk])
    assert url in change
    html = client.get(url).content.decode()
    assert "ฉบับที่ 1 → ฉบับที่ 2" in html
    assert "ลดฝุ่น PM2.5 ร้อยละ <del>30</del><ins>40</ins>" in html


def test_applicants_and_unassigned_evaluators_cannot_compare(client, resubmitted):
    application, _secretariat = resubmitted
    url = reverse("admin:certification_application_versions", args=[application.pk])
    client.force_login(application.created_by)
    assert client.get(url)["Location"].startswith("/admin/login/")
    client.force_login(UserFactory(role=Role.EVALUATOR))  # not assigned to it
    assert client.get(url).status_code == 404


def test_the_changelist_runs_a_constant_number_of_queries_at_10000_applications(client):
    from tests.factories import bulk_applications

    client.force_login(UserFactory(role=Role.SECRETARIAT))
    url = reverse("admin:certification_application_changelist")
    bulk_applications(10)
    small, _html = count_queries(client, url)
    bulk_applications(9_990, start=10)
    large, html = count_queries(client, url)
    assert large == small
    assert "10000 ใบสมัคร" in html or "10,000" in html
    filtered, html = count_queries(client, url + "?status__exact=screening&q=ลำดับที่+1234")
    assert filtered <= small + 3  # the filtered count, and the organisations matching each of two words
    assert "ลำดับที่ 1234" in html


@pytest.mark.parametrize("listed", [1000, 1], ids=["organisations-listed", "organisations-in-a-subquery"])
def test_the_application_search_finds_titles_and_organisation_names_word_by_word(client, monkeypatch, listed):
    from certification.admin import applications as certification_admin
    from tests.factories import bulk_applications

    monkeypatch.setattr(certification_admin, "SEARCH_ORGANISATIONS_LISTED", listed)
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    url = reverse("admin:certification_application_changelist")
    bulk_applications(12, organisations=3)  # organisation n has the applications n, n + 3, n + 6, n + 9

    def titles(query):
        response = client.get(url, {"q": query})
        assert response.status_code == 200
        return sorted(int(a.title.rsplit(" ", 1)[1]) for a in response.context["cl"].result_list)

    assert titles("ลำดับที่ 7") == [7]
    assert titles("หน่วยงานทดสอบ 1") == [1, 4, 7, 10, 11]  # organisation 1, or "1" in the title
    assert titles("BULK organisation 2") == [2, 5, 8, 11]  # the English name, in any case
    assert titles('"organisation 2" 11') == [11]  # a quoted phrase, and a word of the title
    assert titles("ไม่มีคำนี้") == []


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.OFFICIAL, ["award"]),
        (Role.EVALUATOR, []),
        (
            Role.COMMITTEE_SECRETARY,
            [
                "move_to_promotion_zone",
                "move_to_subcommittee_approved",
                "move_to_endorsed",
                "move_to_rejected",
            ],
        ),
    ],
)
def test_each_role_is_offered_only_the_actions_the_workflow_lets_it_take(rf, role, expected):
    from django.contrib.admin.sites import site

    from certification.models import Application

    request = rf.get("/admin/certification/application/")
    request.user = UserFactory(role=role)
    assert list(site._registry[Application].get_actions(request)) == expected


def test_the_secretariat_has_every_decision_action(rf):
    from django.contrib.admin.sites import site

    from certification.models import Application

    request = rf.get("/admin/certification/application/")
    request.user = UserFactory(role=Role.SECRETARIAT)
    actions = list(site._registry[Application].get_actions(request))
    assert actions[0] == "start_screening"
    assert {"move_to_endorsed", "move_to_rejected", "award"} <= set(actions)


def test_asking_for_revisions_in_the_admin_reopens_only_the_sections_named(client):
    from certification.models import Application
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(complete=True, status=Status.EVALUATION)
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    url = reverse("admin:certification_application_revisions", args=[application.pk])
    page = client.get(url).content.decode()
    assert 'name="request_infrastructure"' in page and 'name="request_services_ENV"' in page
    response = client.post(url, {"request_infrastructure": "ระบุงบลงทุนรายปี", "note": ""})
    assert response.status_code == 302
    application = Application.objects.get(pk=application.pk)
    assert application.status == Status.REVISION_REQUESTED
    reopened = list(application.sections.filter(reopened=True).values_list("key", "reviewer_request"))
    assert reopened == [("infrastructure", "ระบุงบลงทุนรายปี")]


def test_a_refused_screening_keeps_every_tick_and_note_and_says_what_is_wrong(client, reference_data):
    """A note over its 500 characters, and a NUL character in the reason: the page comes back with a
    message beside each, the ticks and the texts as they were typed, and nothing recorded."""
    from certification.models import AuditEntry, ChecklistItem

    application = submitted_proposal()
    secretariat = UserFactory(role=Role.SECRETARIAT)
    core.transition(application, Status.SCREENING, actor=secretariat)
    client.force_login(secretariat)
    url = reverse("admin:certification_application_screen", args=[application.pk])
    items = list(ChecklistItem.objects.filter(is_active=True))
    assert len(items) >= 2
    data = {f"met_{item.pk}": "on" for item in items}
    data |= {f"note_{items[0].pk}": "ก" * 501, f"note_{items[1].pk}": "ครบถ้วน"}
    data |= {"outcome": "passed", "reason": "ผ่าน\x00", "request_vision": "ระบุเป้าหมาย"}
    before = AuditEntry.objects.count()

    response = client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "โปรดแก้ไขข้อผิดพลาดด้านล่าง" in page
    form = response.context["form"]
    assert set(form.errors) == {f"note_{items[0].pk}", "reason"}
    assert page.count("checked") >= len(items) + 1  # every tick, and the outcome chosen
    assert 'value="ครบถ้วน"' in page and "ระบุเป้าหมาย" in page
    assert page.count('maxlength="500"') == len(items)
    application.refresh_from_db()
    assert application.status == Status.SCREENING
    assert AuditEntry.objects.count() == before


def test_screening_passed_reads_apart_from_in_screening_in_the_queue_and_on_the_decision_page(
    client, reference_data
):
    from certification.models import ChecklistItem

    secretariat = UserFactory(role=Role.SECRETARIAT)
    passed, pending = submitted_proposal(), submitted_proposal()
    for application in (passed, pending):
        core.transition(application, Status.SCREENING, actor=secretariat)
    checklist = {
        str(item.pk): {"met": True, "note": ""} for item in ChecklistItem.objects.filter(is_active=True)
    }
    review.record_screening(passed, actor=secretariat, outcome="passed", checklist=checklist)
    client.force_login(secretariat)
    changelist = reverse("admin:certification_application_changelist")
    queue = client.get(changelist, {"queue": "screened"}).content.decode()
    assert "ผ่านการคัดกรองแล้ว: รอคณะกรรมการ" in queue
    everything = client.get(changelist).content.decode()
    statuses = re.findall(r'<td class="field-status_label">([^<]*)', everything)
    assert sorted(statuses) == ["ผ่านการคัดกรองแล้ว: รอคณะกรรมการ", "อยู่ระหว่างคัดกรอง"]
    decide = client.post(
        changelist, {"action": "move_to_promotion_zone", "_selected_action": [passed.pk, pending.pk]}
    ).content.decode()
    assert f"{passed} — ผ่านการคัดกรองแล้ว: รอคณะกรรมการ" in decide
    assert f"{pending} — อยู่ระหว่างคัดกรอง" in decide
    award = client.post(
        changelist, {"action": "award", "_selected_action": [passed.pk, pending.pk]}
    ).content.decode()
    assert f"{passed} — ผ่านการคัดกรองแล้ว: รอคณะกรรมการ" in award
    assert f"{pending} — อยู่ระหว่างคัดกรอง" in award
    for application, label in ((passed, "ผ่านการคัดกรองแล้ว: รอคณะกรรมการ"), (pending, "อยู่ระหว่างคัดกรอง")):
        change = client.get(reverse("admin:certification_application_change", args=[application.pk]))
        status = re.search(
            r'field-status_label">.*?<div class="readonly">([^<]*)', change.content.decode(), re.S
        )
        assert status.group(1) == label


def test_no_role_is_shown_a_link_it_would_follow_to_a_404(client, reference_data):
    """People on read-only fields are named, not linked to the user admin (superusers only); the
    committee secretary's list of rounds has no link to documents it may not open."""
    from tests.certification.awards_helpers import round_2565

    application = submitted_proposal()
    for role in (Role.SECRETARIAT, Role.COMMITTEE_SECRETARY):
        client.force_login(UserFactory(role=role))
        page = client.get(reverse("admin:certification_application_change", args=[application.pk]))
        assert page.status_code == 200
        assert "/admin/auth/user/" not in page.content.decode(), role
        assert str(application.created_by) in page.content.decode()
    award_round = round_2565()
    rounds = reverse("admin:certification_awardround_changelist")
    documents = reverse("admin:certification_awardround_documents", args=[award_round.pk])
    assert client.get(documents).status_code == 404
    assert documents not in client.get(rounds).content.decode()
    client.force_login(UserFactory(role=Role.OFFICIAL))
    assert documents in client.get(rounds).content.decode()
    assert client.get(documents).status_code == 200


def test_rounds_refuse_a_validity_out_of_reason_and_dates_out_of_order(client):
    from tests.certification.awards_helpers import round_2565
    from tests.certification.test_admin_crawl import page_data

    client.force_login(UserFactory(role=Role.SECRETARIAT))
    award_round = round_2565()
    url = reverse("admin:certification_awardround_change", args=[award_round.pk])
    for years in (1000, 11, 0, -1):  # one range, one message (Django's own said "at least 0" for -1)
        data, _unknown = page_data(client.get(url).context, {"validity_years": years})
        response = client.post(url, data)
        assert response.context["adminform"].form.errors["validity_years"] == ["ตั้งแต่ 1 ถึง 10 ปี"]
    award_round.refresh_from_db()
    assert award_round.validity_years == 2
    assert 'min="1" max="10"' in client.get(url).content.decode()
    add = reverse("admin:certification_intakeround_add")
    values = {"year": "2570", "number": "1", "opens_on": "01/06/2570", "closes_on": "01/01/2570"}
    data, _unknown = page_data(client.get(add).context, values)
    response = client.post(add, data)
    assert response.context["adminform"].form.errors["closes_on"] == ["วันปิดรับสมัครต้องไม่ก่อนวันเปิดรับสมัคร"]


@pytest.mark.parametrize("query", ["queue=bogus", "queue=", "domain=XXX", "overdue=no"])
def test_an_unknown_queue_or_filter_value_shows_the_whole_list_with_a_word(client, query):
    """It showed every application as if filtered; now as Django's own refusal of a wrong filter."""
    application = submitted_proposal()
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    url = reverse("admin:certification_application_changelist")
    response = client.get(f"{url}?{query}")
    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")
    page = client.get(response["Location"]).content.decode()
    assert "ตัวกรองในที่อยู่ไม่ถูกต้อง จึงแสดงรายการทั้งหมด" in page
    assert application.title in page
    assert client.get(f"{url}?queue=screening").status_code == 200


def test_the_screenings_checklist_answers_and_notes_stay_readable_on_the_application(client, reference_data):
    from certification.models import ChecklistItem

    secretariat = UserFactory(role=Role.SECRETARIAT)
    application = submitted_proposal()
    core.transition(application, Status.SCREENING, actor=secretariat)
    items = list(ChecklistItem.objects.filter(is_active=True))
    checklist = {str(item.pk): {"met": True, "note": ""} for item in items}
    checklist[str(items[0].pk)] = {"met": False, "note": "ขาดหนังสือรับรอง <b>ตัวจริง</b>"}
    review.record_screening(
        application, actor=secretariat, outcome="rejected", checklist=checklist, reason="ไม่ผ่านคุณสมบัติ"
    )
    client.force_login(secretariat)
    page = client.get(
        reverse("admin:certification_application_change", args=[application.pk])
    ).content.decode()
    answers = page.split('<ul class="screening-checklist">')[1].split("</ul>")[0]
    assert f"<li>{items[0].text_th}: ไม่ผ่าน — <em>ขาดหนังสือรับรอง &lt;b&gt;ตัวจริง&lt;/b&gt;</em></li>" in answers
    assert f"<li>{items[1].text_th}: ผ่าน</li>" in answers
