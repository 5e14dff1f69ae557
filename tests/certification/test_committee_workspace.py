"""The committee's workspace in the admin, through HTTP: an application read whole, meetings and their
resolutions, the evaluator's draft and submission, the work queue of each role, and the award."""

import datetime
import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification.demo.record import SAMPLE_PDF
from certification.enums import Body, ConflictOfInterest, Role, ScreeningOutcome, Status
from certification.models import AuditEntry, Meeting, Notification, Resolution, Screening
from certification.services import drafting, review
from tests.factories import (
    COMPLETE_PLAN,
    COMPLETE_PROPOSAL,
    ApplicationFactory,
    UserFactory,
    services_content,
)

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[99.48, 18.28], [99.52, 18.28], [99.52, 18.31], [99.48, 18.31], [99.48, 18.28]]],
}


@pytest.fixture
def plan():
    """A plan in evaluation, as an applicant typed it (Thai digits included), with a PDF and a PNG."""
    area = {**COMPLETE_PROPOSAL["area"], "boundary_geojson": [json.dumps(SQUARE)]}
    application = ApplicationFactory(
        complete=True,
        status=Status.PROMOTION_ZONE,
        sections={
            "area": area,
            **COMPLETE_PLAN,
            "services_ENV": services_content(),
            "services_MOB": services_content("รถโดยสารไฟฟ้า"),
        },
    )
    applicant = application.created_by
    for name, content in (("แผน.pdf", SAMPLE_PDF), ("แผนที่.png", PNG)):
        drafting.add_attachment(application, SimpleUploadedFile(name, content), "supporting", actor=applicant)
    application.status = Status.EVALUATION
    application.save(update_fields=["status"])
    return application


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_staff_read_the_whole_application_in_the_order_it_was_written(client, plan):
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    html = client.get(reverse("admin:certification_application_change", args=[plan.pk])).content.decode()
    order = [
        "reading-general",
        "reading-area",
        "reading-vision",
        "reading-domains",
        "reading-plan_vision",
        "reading-infrastructure",
        "reading-data_platform",
        "reading-services_ENV",
        "reading-services_MOB",
        "reading-management",
        "reading-attachments",
    ]
    positions = [html.index(f'id="{key}"') for key in order]
    assert positions == sorted(positions)
    assert "๕๕,๐๐๐" in html  # the population as typed, in Thai digits
    assert "เขตเทศบาลนครลำปาง" in html and "เมืองน่าอยู่ของทุกคน" in html and "บริษัทร่วมทุน" in html
    assert "ลำปาง" in html.split('id="reading-area"')[1].split("</fieldset>")[0]  # the province by name
    assert '<path d="M' in html  # the boundary drawn
    services = html.split('id="reading-services_MOB"')[1].split("</fieldset>")[0]
    assert services.count("<table") == 2 and "รถโดยสารไฟฟ้า" in services  # projects and indicators


def test_attachments_are_linked_and_shown_inline_in_the_page(client, plan):
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    html = client.get(reverse("admin:certification_application_change", args=[plan.pk])).content.decode()
    pdf, png = plan.attachments.order_by("pk")
    pdf_url = reverse("admin:certification_application_attachment", args=[plan.pk, pdf.pk])
    png_url = reverse("admin:certification_application_attachment", args=[plan.pk, png.pk])
    # The PDF viewer is put in when the reader opens the preview (static/js/reading.js), not on every visit.
    assert f'data-preview-src="{pdf_url}?inline=1"' in html and "<object" not in html
    assert f'<img class="reading-preview-image" src="{png_url}?inline=1"' in html
    inline = client.get(pdf_url + "?inline=1")
    assert (inline["Content-Disposition"].split(";")[0], inline["X-Frame-Options"]) == (
        "inline",
        "SAMEORIGIN",
    )
    assert b"".join(inline.streaming_content) == SAMPLE_PDF
    assert client.get(pdf_url)["Content-Disposition"].startswith("attachment;")


def test_the_evaluator_reads_the_plan_beside_the_form_saves_a_draft_and_submits(english, plan):
    secretariat, evaluator = UserFactory(role=Role.SECRETARIAT), UserFactory(role=Role.EVALUATOR)
    assignment = review.assign_evaluator(plan, evaluator, actor=secretariat)
    english.force_login(evaluator)
    url = reverse("admin:certification_evaluatorassignment_change", args=[assignment.pk])
    english.post(url, {"conflict": ConflictOfInterest.NONE})
    page = english.get(url).content.decode()
    assert 'class="evaluation-layout"' in page and 'id="reading-services_ENV"' in page
    assert '<option value="" selected>—</option>' in page  # no recommendation chosen for the evaluator
    draft = {"action": "draft", "score_vision": "80", "domain_ENV": "ครอบคลุม", "recommendation": ""}
    assert english.post(url, draft).status_code == 302
    assignment.refresh_from_db()
    assert (assignment.scores, assignment.domain_assessments, assignment.submitted_at) == (
        {"vision": 80},
        {"ENV": "ครอบคลุม"},
        None,
    )
    page = english.get(url).content.decode()
    assert 'name="score_vision" value="80"' in page  # the draft comes back
    full = {
        **draft,
        **{f"score_{c}": "70" for c in ("infrastructure", "data_platform", "services", "management")},
        "domain_MOB": "ดี",
        "recommendation": "approve",
        "action": "submit",
    }
    refused = english.post(url, full)  # not confirmed
    assert refused.status_code == 200
    assert "Confirm that your evaluation is final." in refused.content.decode()
    assignment.refresh_from_db()
    assert assignment.submitted_at is None
    assert english.post(url, {**full, "confirm": "on"}).status_code == 302
    assignment.refresh_from_db()
    assert (assignment.submitted_at is not None, assignment.recommendation) == (True, "approve")


def test_the_same_evaluator_twice_is_named_by_the_fields_name_in_the_pages_language(client, plan):
    """Django's inline formset names the field as the code does ("evaluator"), glued to the Thai words."""
    from tests.certification.test_admin_crawl import page_data

    evaluator = UserFactory(role=Role.EVALUATOR)
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    change = reverse("admin:certification_application_change", args=[plan.pk])
    rows = [{"evaluator": evaluator.pk}, {"evaluator": evaluator.pk}]
    for language, message in (
        ("th", "โปรดแก้ไขข้อมูล ผู้ประเมิน ที่ซ้ำกัน"),
        ("en", "Please correct the duplicate data for evaluator."),
    ):
        client.cookies["language"] = language
        data, unknown = page_data(
            client.get(change).context, {"inlines": {"certification.evaluatorassignment": rows}}
        )
        assert unknown == []
        response = client.post(change, data)
        assert response.status_code == 200
        formset = response.context["inline_admin_formsets"][0].formset
        assert [str(e) for e in formset.non_form_errors()] == [message]
    assert not plan.assignments.exists()


def test_an_evaluator_reads_neither_the_others_rows_nor_their_assignment_in_the_history(client, plan):
    """Assigned in the admin; one evaluator submits, another declares a conflict: the third reads only
    their own row of the evaluations and no line of the history names the others."""
    secretariat = UserFactory(role=Role.SECRETARIAT)
    first, second, third = (
        UserFactory(role=Role.EVALUATOR, first_name=name, last_name="ผู้ประเมิน")
        for name in ("ปรีชา", "มาลี", "วันดี")
    )
    client.force_login(secretariat)
    change = reverse("admin:certification_application_change", args=[plan.pk])
    page = client.get(change)
    from tests.certification.test_admin_crawl import page_data

    rows = [{"evaluator": evaluator.pk} for evaluator in (first, second, third)]
    data, unknown = page_data(page.context, {"inlines": {"certification.evaluatorassignment": rows}})
    assert unknown == []
    assert client.post(change, data).status_code == 302
    assignments = {a.evaluator: a for a in plan.assignments.all()}
    scores = dict.fromkeys(("vision", "infrastructure", "data_platform", "services", "management"), 75)
    review.declare_conflict(assignments[first], actor=first, conflicted=False)
    assessments = {"ENV": "ดี", "MOB": "ดี"}
    review.submit_evaluation(
        assignments[first],
        actor=first,
        scores=scores,
        domain_assessments=assessments,
        recommendation="approve",
    )
    review.declare_conflict(assignments[second], actor=second, conflicted=True, note="เป็นที่ปรึกษาของเมือง")

    client.force_login(third)
    page = client.get(change).content.decode()
    assert "วันดี ผู้ประเมิน" in page
    assert "ปรีชา" not in page and "มาลี" not in page and "75.0" not in page
    history = client.get(reverse("admin:certification_application_history", args=[plan.pk])).content.decode()
    assert "ปรีชา" not in history and "มาลี" not in history
    assert history.count("วันดี ผู้ประเมิน") == 1  # their own assignment
    client.force_login(secretariat)
    history = client.get(reverse("admin:certification_application_history", args=[plan.pk])).content.decode()
    assert "ปรีชา" in history and "มาลี" in history


def test_assigning_an_evaluator_puts_a_mail_to_them_in_the_outbox(plan):
    evaluator = UserFactory(role=Role.EVALUATOR, email="evaluator@example.com")
    assignment = review.assign_evaluator(plan, evaluator, actor=UserFactory(role=Role.SECRETARIAT))
    mail = Notification.objects.get(event="certification.evaluation.assigned")
    assert (mail.recipients, mail.status, mail.application) == ("evaluator@example.com", "held", plan)
    assert plan.title in mail.subject and "\n" not in mail.subject
    assert f"/admin/certification/evaluatorassignment/{assignment.pk}/change/" in mail.body
    assert "--- English ---" in mail.body


def test_evaluators_are_chosen_by_their_full_names(client, plan):
    UserFactory(role=Role.EVALUATOR, username="ev-42", first_name="สมหญิง", last_name="รักเมือง")
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    html = client.get(reverse("admin:certification_application_change", args=[plan.pk])).content.decode()
    assert "สมหญิง รักเมือง" in html
    assert ">ev-42<" not in html


# --- Meetings and resolutions


def test_a_meeting_is_recorded_with_its_agenda_and_resolutions_in_the_admin(client, plan):
    secretary = UserFactory(role=Role.COMMITTEE_SECRETARY)
    client.force_login(secretary)
    data = {
        "body": Body.SUBCOMMITTEE,
        "year": "2569",
        "number": "",
        "date": "2026-03-17",
        "agenda": "พิจารณาแผน",
        "applications": [plan.pk],
        "resolutions-TOTAL_FORMS": "2",
        "resolutions-INITIAL_FORMS": "0",
        "resolutions-MIN_NUM_FORMS": "0",
        "resolutions-MAX_NUM_FORMS": "1000",
        "resolutions-0-number": "",
        "resolutions-0-text": "เห็นชอบแผนพัฒนาเมืองอัจฉริยะ",
        "resolutions-1-number": "",
        "resolutions-1-text": "",
    }
    response = client.post(reverse("admin:certification_meeting_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert (meeting.number, list(meeting.applications.all())) == (1, [plan])
    assert list(meeting.resolutions.values_list("number", "text")) == [(1, "เห็นชอบแผนพัฒนาเมืองอัจฉริยะ")]
    assert str(meeting) == "คณะอนุกรรมการขับเคลื่อนและบริหารโครงการเมืองอัจฉริยะ ครั้งที่ 1/2569"
    assert AuditEntry.objects.filter(action="certification.resolution.recorded", actor=secretary).count() == 1
    # Editing: the first resolution corrected, a second added.
    change = reverse("admin:certification_meeting_change", args=[meeting.pk])
    first = meeting.resolutions.get()
    edit = {
        **data,
        "number": "1",
        "resolutions-TOTAL_FORMS": "2",
        "resolutions-INITIAL_FORMS": "1",
        "resolutions-0-id": first.pk,
        "resolutions-0-meeting": meeting.pk,
        "resolutions-0-number": "1",
        "resolutions-0-text": "เห็นชอบแผน 15 แผน",
        "resolutions-1-meeting": meeting.pk,
        "resolutions-1-text": "รับทราบ",
    }
    assert client.post(change, edit).status_code == 302
    assert list(meeting.resolutions.order_by("number").values_list("number", "text")) == [
        (1, "เห็นชอบแผน 15 แผน"),
        (2, "รับทราบ"),
    ]
    assert AuditEntry.objects.filter(action="certification.resolution.changed").count() == 1
    # Django's history page says the changes in the reader's language, labels and names included.
    history = reverse("admin:certification_meeting_history", args=[meeting.pk])
    page = client.get(history).content.decode()
    changes = re.findall(r"<td>([^<]*)</td>\s*</tr>", page[page.index('id="change-history"') :])
    meeting_name = "คณะอนุกรรมการขับเคลื่อนและบริหารโครงการเมืองอัจฉริยะ ครั้งที่ 1/2569"
    assert [html.unescape(c) for c in changes] == [
        f"เพิ่มแล้ว เพิ่มมติ “{meeting_name} มติที่ 1” แล้ว",
        f"เพิ่มมติ “{meeting_name} มติที่ 2” แล้ว แก้ไข มติ ของมติ “{meeting_name} มติที่ 1” แล้ว",
    ]


@pytest.mark.parametrize(
    ("year", "date", "error"),
    [
        ("3000", "16/12/2569", "ปีต้องเป็น พ.ศ. 2569 ซึ่งเป็นปีของวันที่ประชุม หรือ พ.ศ. 2570 ซึ่งเป็นปีงบประมาณ"),
        ("2568", "16/12/2569", "ปีต้องเป็น พ.ศ. 2569 ซึ่งเป็นปีของวันที่ประชุม หรือ พ.ศ. 2570 ซึ่งเป็นปีงบประมาณ"),
        ("2570", "17/03/2569", "ปีต้องเป็น พ.ศ. 2569 ซึ่งเป็นปีของวันที่ประชุม"),
        ("2569", "16/12/2569", None),
        ("2570", "16/12/2569", None),  # the fiscal year 2570 begins on 1 October 2569
        ("2569", "30/09/2569", None),
    ],
)
def test_a_meetings_year_is_that_of_its_date_or_its_fiscal_year(client, year, date, error):
    from tests.certification.test_admin_crawl import page_data

    client.force_login(UserFactory(role=Role.COMMITTEE_SECRETARY))
    add = reverse("admin:certification_meeting_add")
    values = {"body": Body.COMMITTEE, "year": year, "number": "1", "date": date}
    data, unknown = page_data(client.get(add).context, values)
    assert unknown == []
    response = client.post(add, data)
    if error is None:
        assert response.status_code == 302
        assert Meeting.objects.get().year == int(year)
    else:
        assert response.context["adminform"].form.errors["year"] == [error]
        assert not Meeting.objects.exists()


def test_a_meeting_number_taken_is_refused_naming_the_meeting(client):
    from tests.certification.test_admin_crawl import page_data

    Meeting.objects.create(body=Body.COMMITTEE, year=2569, number=2, date=datetime.date(2026, 3, 17))
    client.force_login(UserFactory(role=Role.COMMITTEE_SECRETARY))
    add = reverse("admin:certification_meeting_add")
    values = {"body": Body.COMMITTEE, "year": "2569", "number": "2", "date": "18/03/2569"}
    data, _unknown = page_data(client.get(add).context, values)
    response = client.post(add, data)
    errors = response.context["adminform"].form.non_field_errors()
    assert list(errors) == ["คณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ ครั้งที่ 2/2569 บันทึกไว้แล้ว"]
    assert Meeting.objects.count() == 1


def test_two_resolutions_with_one_number_are_refused_with_a_message(english, plan):
    english.force_login(UserFactory(role=Role.SECRETARIAT))
    data = {
        "body": Body.COMMITTEE,
        "year": "2569",
        "date": "2026-04-21",
        "resolutions-TOTAL_FORMS": "2",
        "resolutions-INITIAL_FORMS": "0",
        "resolutions-0-number": "3",
        "resolutions-0-text": "ก",
        "resolutions-1-number": "3",
        "resolutions-1-text": "ข",
    }
    response = english.post(reverse("admin:certification_meeting_add"), data)
    assert response.status_code == 200
    assert "Please correct the duplicate data for resolution number." in response.content.decode()
    assert (Meeting.objects.count(), Resolution.objects.count()) == (0, 0)


def test_a_resolutions_number_reads_as_one_and_a_second_of_one_number_is_refused_with_it(client):
    """The meeting's inline labels it "มติที่" as the resolution's own page does, not "ครั้งที่" like the
    meeting's number; a number taken is refused in words, with the number."""
    from tests.certification.test_admin_crawl import page_data
    from tests.factories import meeting_resolution

    secretariat = UserFactory(role=Role.SECRETARIAT)
    resolution = meeting_resolution(Body.COMMITTEE, recorded_by=secretariat)
    client.force_login(secretariat)
    for url in (
        reverse("admin:certification_meeting_add"),
        reverse("admin:certification_meeting_change", args=[resolution.meeting.pk]),
    ):
        page = client.get(url).content.decode()
        assert re.search(r'<label for="id_resolutions-0-number">มติที่:</label>', page), url
    add = reverse("admin:certification_resolution_add")
    data, unknown = page_data(
        client.get(add).context, {"meeting": resolution.meeting.pk, "number": "1", "text": "รับทราบ"}
    )
    assert unknown == []
    response = client.post(add, data)
    assert response.context["adminform"].form.non_field_errors() == ["มติที่ 1 ของการประชุมนี้มีอยู่แล้ว"]
    assert Resolution.objects.count() == 1


def test_the_resolution_chooser_shows_number_and_text(english):
    from tests.factories import meeting_resolution

    resolution = meeting_resolution(Body.COMMITTEE, recorded_by=UserFactory(role=Role.SECRETARIAT))
    application = ApplicationFactory(complete=True, status=Status.SUBCOMMITTEE_APPROVED)
    english.force_login(UserFactory(role=Role.COMMITTEE_SECRETARY))
    page = english.post(
        reverse("admin:certification_application_changelist"),
        {"action": "move_to_endorsed", "_selected_action": [application.pk]},
    ).content.decode()
    assert f"{resolution} — เห็นชอบ" in page


def test_the_resolution_chooser_says_that_it_lists_only_meetings_already_held(client):
    """A resolution of a meeting set for a later date is not listed: the chooser says so."""
    import datetime

    from smartcity.thaidate import be_year
    from tests.factories import meeting_resolution

    later = datetime.date.today() + datetime.timedelta(days=30)
    secretary = UserFactory(role=Role.COMMITTEE_SECRETARY)
    planned = meeting_resolution(Body.COMMITTEE, recorded_by=secretary, year=be_year(later), day=later)
    application = ApplicationFactory(complete=True, status=Status.SUBCOMMITTEE_APPROVED)
    client.force_login(secretary)
    for language, words in (
        ("th", "แสดงเฉพาะมติของการประชุมที่ประชุมไปแล้ว"),
        ("en", "Only resolutions of meetings already held are listed"),
    ):
        client.cookies["language"] = language
        page = client.post(
            reverse("admin:certification_application_changelist"),
            {"action": "move_to_endorsed", "_selected_action": [application.pk]},
        ).content.decode()
        assert re.search(r'<div class="help" id="id_resolution_helptext">' + words, page)
        assert 'aria-describedby="id_resolution_helptext"' in page
        assert str(planned) not in page


# --- The work queue


def test_each_role_sees_what_waits_for_it_with_links_to_the_list(english):
    secretariat = UserFactory(role=Role.SECRETARIAT)
    submitted = [ApplicationFactory(complete=True, status=Status.SUBMITTED) for _ in range(3)]
    screened = ApplicationFactory(complete=True, status=Status.SCREENING)
    Screening.objects.create(application=screened, outcome=ScreeningOutcome.PASSED, screened_by=secretariat)
    in_screening = ApplicationFactory(complete=True, status=Status.SCREENING)
    Notification.objects.create(
        application=screened, event="x", recipients="a@example.com", subject="s", body="."
    )
    english.force_login(secretariat)
    page = english.get("/admin/").content.decode()
    queue = page.split('id="work-queue"')[1].split("</table>")[0]
    found = re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>\s*<td class="count">(\d+)</td>\s*<td>([^<]*)</td>',
        queue,
    )
    rows = {html.unescape(label): count for label, count, _since in found}
    since = {html.unescape(label): oldest for label, _count, oldest in found}
    assert since["Mail waiting for release in the outbox"] != "—"  # the oldest mail's day
    assert since["Proposals submitted: start the screening"] != "—"
    assert rows["Proposals submitted: start the screening"] == "3"
    assert rows["In screening: record the screening"] == "1"
    assert rows["Screening passed: awaiting the committee's acknowledgement as a promotion zone"] == "1"
    listed = english.get(reverse("admin:certification_application_changelist") + "?queue=submitted")
    assert [a.pk for a in listed.context["cl"].result_list] == [a.pk for a in submitted]  # oldest first
    english.get(reverse("admin:certification_application_changelist") + "?queue=screening")
    pending = english.get(reverse("admin:certification_application_changelist") + "?queue=screening")
    assert list(pending.context["cl"].result_list) == [in_screening]
    passed = english.get(reverse("admin:certification_application_changelist") + "?queue=screened")
    assert list(passed.context["cl"].result_list) == [screened]
    assert "Screening passed: awaiting the committee" in passed.content.decode()
    english.force_login(UserFactory(role=Role.COMMITTEE_SECRETARY))
    committee = english.get("/admin/").content.decode().split('id="work-queue"')[1].split("</table>")[0]
    assert "Proposals submitted" not in committee and "Screening passed" in committee


def test_an_evaluator_sees_their_own_evaluations_waiting(english, plan):
    evaluator = UserFactory(role=Role.EVALUATOR)
    review.assign_evaluator(plan, evaluator, actor=UserFactory(role=Role.SECRETARIAT))
    english.force_login(evaluator)
    queue = english.get("/admin/").content.decode().split('id="work-queue"')[1].split("</table>")[0]
    assert 'Plans to evaluate: declare your interests first</a></th>\n          <td class="count">1<' in queue
    listed = english.get(
        reverse("admin:certification_evaluatorassignment_changelist") + "?progress=undeclared"
    )
    assert [a.application for a in listed.context["cl"].result_list] == [plan]


# --- Awarding


def test_an_application_that_is_not_endorsed_is_listed_as_not_awardable(english):
    from tests.certification.awards_helpers import round_2565

    round_2565()
    draft = ApplicationFactory(complete=True)
    english.force_login(UserFactory(role=Role.OFFICIAL))
    url = reverse("admin:certification_application_changelist")
    page = english.post(url, {"action": "award", "_selected_action": [draft.pk]}).content.decode()
    assert "nothing can be awarded" in page and 'id="not-awardable"' in page
    english.post(url, {"action": "award", "_selected_action": [draft.pk], "apply": "1", "round": "1"})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_award_page_warns_of_a_round_whose_documents_would_print_unsigned(client):
    from certification.models import AwardRound
    from tests.certification.awards_helpers import endorsed, round_2565

    round_2565()  # signatories with their images: nothing to say
    AwardRound.objects.create(year=2569, ceremony_date=datetime.date(2026, 12, 20))
    application = endorsed()
    client.force_login(UserFactory(role=Role.OFFICIAL))
    url = reverse("admin:certification_application_changelist")
    page = client.post(url, {"action": "award", "_selected_action": [application.pk]}).content.decode()
    warning = page.split('id="round-problems"')[1].split("</div>")[0]
    assert "รอบปี 2569 ยังไม่มีผู้ลงนาม" in warning
    assert "2565" not in warning
