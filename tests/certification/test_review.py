"""Evaluation with conflicts of interest and scores, the outbox, the audit trail and the clocks."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certification import clock, selectors
from certification.enums import Body, NotificationStatus, Role, ScreeningOutcome, Status
from certification.models import Application, AuditEntry, ChecklistItem, Notification
from certification.services import core, drafting, outbox, review
from tests.factories import ApplicationFactory, UserFactory, meeting_resolution, member_of

pytestmark = pytest.mark.django_db

WEIGHTS = {"vision": 1, "infrastructure": 1, "data_platform": 1, "services": 2, "management": 1}


@pytest.fixture
def plan_in_evaluation(settings):
    settings.CERTIFICATION_COMPONENT_WEIGHTS = WEIGHTS
    settings.CERTIFICATION_DISAGREEMENT_SPREAD = 15
    application = ApplicationFactory(complete=True, status=Status.EVALUATION)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    return application, secretariat


def evaluate(application, secretariat, scores, recommendation):
    evaluator = UserFactory(role=Role.EVALUATOR)
    assignment = review.assign_evaluator(application, evaluator, actor=secretariat)
    review.declare_conflict(assignment, actor=evaluator, conflicted=False)
    return review.submit_evaluation(
        assignment,
        actor=evaluator,
        scores=dict(zip(WEIGHTS, scores, strict=True)),
        domain_assessments={"ENV": "ดี", "MOB": "พอใช้"},
        recommendation=recommendation,
    )


def test_score_summary_on_a_worked_example(plan_in_evaluation):
    application, secretariat = plan_in_evaluation
    evaluate(application, secretariat, [80, 70, 60, 90, 50], "approve")  # (80+70+60+180+50)/6 = 73.33
    evaluate(application, secretariat, [70, 70, 70, 70, 70], "approve")  # 70
    evaluate(application, secretariat, [90, 80, 70, 60, 100], "revise")  # (90+80+70+120+100)/6 = 76.67
    summary = selectors.score_summary(application)
    assert [round(t, 2) for t in summary["totals"]] == [73.33, 70.0, 76.67]
    assert round(summary["mean"], 2) == 73.33
    assert round(summary["median"], 2) == 73.33
    assert round(summary["stdev"], 2) == 3.33
    assert round(summary["spread"], 2) == 6.67
    assert summary["components"] == {
        "vision": 80, "infrastructure": pytest.approx(73.333, abs=1e-3), "data_platform": 66.66666666666667,
        "services": 73.33333333333333, "management": 73.33333333333333,
    }  # fmt: skip
    assert summary["recommendations"] == ["approve", "revise"]
    assert summary["disagreement"] is True  # the recommendations differ


def test_disagreement_also_when_scores_lie_far_apart(plan_in_evaluation):
    application, secretariat = plan_in_evaluation
    evaluate(application, secretariat, [90, 90, 90, 90, 90], "approve")
    evaluate(application, secretariat, [80, 80, 80, 80, 80], "approve")
    assert selectors.score_summary(application)["disagreement"] is False  # 10 points apart
    evaluate(application, secretariat, [70, 70, 70, 70, 70], "approve")
    assert selectors.score_summary(application)["disagreement"] is True  # 20 points apart


def test_an_evaluator_must_declare_before_scoring_and_scores_are_checked(plan_in_evaluation):
    application, secretariat = plan_in_evaluation
    evaluator = UserFactory(role=Role.EVALUATOR)
    assignment = review.assign_evaluator(application, evaluator, actor=secretariat)
    scores = dict.fromkeys(WEIGHTS, 50)
    with pytest.raises(core.WorkflowError, match="โปรดแจ้งว่าไม่มีส่วนได้เสียก่อนประเมิน"):
        review.submit_evaluation(
            assignment, actor=evaluator, scores=scores, domain_assessments={}, recommendation="approve"
        )
    review.declare_conflict(assignment, actor=evaluator, conflicted=False)
    with pytest.raises(core.IncompleteApplication) as incomplete:
        review.submit_evaluation(
            assignment, actor=evaluator, scores={**scores, "services": 101}, domain_assessments={"ENV": "ดี"},
            recommendation="maybe",
        )  # fmt: skip
    assert incomplete.value.problems == [
        "ให้คะแนน “บริการเมืองอัจฉริยะ” ตั้งแต่ 0 ถึง 100",
        "ให้ความเห็นด้าน “การเดินทางและขนส่งอัจฉริยะ”",
        "โปรดเลือกข้อเสนอแนะ",
    ]
    assignment.refresh_from_db()
    assert (assignment.scores, assignment.submitted_at) == ({}, None)


def test_only_working_group_members_are_assigned(plan_in_evaluation):
    application, secretariat = plan_in_evaluation
    with pytest.raises(core.WorkflowError, match="ไม่ได้เป็นคณะทำงาน"):
        review.assign_evaluator(application, UserFactory(role=Role.OFFICIAL), actor=secretariat)


@pytest.fixture
def conflicted(plan_in_evaluation, client):
    application, secretariat = plan_in_evaluation
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.demo.record import SAMPLE_PDF

    application.status = Status.PROMOTION_ZONE
    attachment = drafting.add_attachment(
        application,
        SimpleUploadedFile("แผน.pdf", SAMPLE_PDF),
        "plan_document",
        actor=application.created_by,
    )
    Application.objects.filter(pk=application.pk).update(status=Status.EVALUATION)
    application.status = Status.EVALUATION
    evaluator = UserFactory(role=Role.EVALUATOR)
    assignment = review.assign_evaluator(application, evaluator, actor=secretariat)
    client.force_login(evaluator)
    return application, assignment, evaluator, attachment


def admin_urls(application, attachment):
    return [
        reverse("admin:certification_application_change", args=[application.pk]),
        reverse("admin:certification_application_history", args=[application.pk]),
        reverse("admin:certification_application_versions", args=[application.pk]),
        reverse("admin:certification_application_attachment", args=[application.pk, attachment.pk]),
    ]


def test_an_assigned_evaluator_sees_the_plan_until_declaring_a_conflict(client, conflicted):
    application, assignment, evaluator, attachment = conflicted
    changelist = reverse("admin:certification_application_changelist")
    assert application.title in client.get(changelist).content.decode()
    for url in admin_urls(application, attachment):
        assert client.get(url).status_code == 200, url
    review.declare_conflict(assignment, actor=evaluator, conflicted=True, note="เคยเป็นที่ปรึกษาของเทศบาล")
    html = client.get(changelist).content.decode()
    assert application.title not in html
    assert "0 ใบสมัคร" in html or "0 applications" in html
    for url in admin_urls(application, attachment):
        assert client.get(url).status_code == 404, url
    # Nor through the evaluations list: the declaration is there, the application is not named.
    page = client.get(reverse("admin:certification_evaluatorassignment_change", args=[assignment.pk]))
    assert application.title not in page.content.decode()


def test_evaluators_do_not_see_others_scores_before_submitting(client, plan_in_evaluation):
    application, secretariat = plan_in_evaluation
    evaluate(application, secretariat, [90, 90, 90, 90, 90], "approve")
    late = UserFactory(role=Role.EVALUATOR)
    assignment = review.assign_evaluator(application, late, actor=secretariat)
    review.declare_conflict(assignment, actor=late, conflicted=False)
    client.force_login(late)
    url = reverse("admin:certification_application_change", args=[application.pk])
    html = client.get(url).content.decode()
    assert "แสดงเมื่อท่านส่งผลการประเมินของท่านแล้ว" in html
    assert 'id="score-mean"' not in html
    review.submit_evaluation(
        assignment,
        actor=late,
        scores=dict.fromkeys(WEIGHTS, 60),
        domain_assessments={"ENV": "ดี", "MOB": "ดี"},
        recommendation="revise",
    )
    html = client.get(url).content.decode()
    assert '<td id="score-mean">75.0</td>' in html  # (90 + 60) / 2
    assert "<td>เห็นชอบ (1), เห็นชอบในหลักการ โดยให้ปรับปรุง (1)</td>" in html  # in words, not codes


def test_the_outbox_holds_mail_until_released(plan_in_evaluation):
    application, secretariat = plan_in_evaluation
    member_of(application.organisation)
    review.return_for_changes(application, actor=secretariat, requests={"infrastructure": "ระบุงบลงทุนรายปี"})
    notification = Notification.objects.get(application=application)
    assert notification.status == NotificationStatus.HELD
    assert notification.event == "certification.application.revision_requested"
    assert mail.outbox == []
    assert "ระบุงบลงทุนรายปี" in notification.body
    assert "Plan revisions requested" in notification.body  # the English part
    assert sorted(notification.recipients.splitlines()) == sorted(
        m.user.email for m in application.organisation.memberships.all()
    )
    outbox.release_notification(notification, actor=secretariat, subject="แก้ไขแผน / Revise the plan")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "แก้ไขแผน / Revise the plan"
    notification.refresh_from_db()
    assert (notification.status, notification.released_by) == (NotificationStatus.SENT, secretariat)
    assert AuditEntry.objects.filter(action="certification.notification.sent").count() == 1
    with pytest.raises(core.WorkflowError):
        outbox.release_notification(notification, actor=secretariat)
    assert len(mail.outbox) == 1


def test_a_failed_delivery_is_recorded(plan_in_evaluation):
    application, secretariat = plan_in_evaluation
    core.transition(application, Status.RECOMMENDED, actor=secretariat)
    assert not Notification.objects.exists()  # a working-group recommendation is not sent to applicants
    core.transition(application, Status.REJECTED, actor=secretariat, note="ไม่ผ่าน")
    notification = Notification.objects.get()
    outbox.release_notification(notification, actor=secretariat, recipients="")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.error == "จดหมายไม่มีผู้รับ"
    assert mail.outbox == []
    outbox.release_notification(notification, actor=secretariat, recipients="a@example.com\nnot-an-email")
    notification.refresh_from_db()
    assert (notification.status, notification.error) == (
        NotificationStatus.FAILED,
        "ไม่ใช่ที่อยู่อีเมล: “not-an-email”",
    )
    assert mail.outbox == []


def test_the_outbox_refuses_recipients_that_are_not_addresses_and_says_what_a_mail_is_about(
    client, plan_in_evaluation
):
    from tests.certification.test_admin_crawl import page_data

    application, secretariat = plan_in_evaluation
    member_of(application.organisation)
    review.return_for_changes(application, actor=secretariat, requests={"infrastructure": "ระบุงบลงทุนรายปี"})
    notification = Notification.objects.get(application=application)
    client.force_login(secretariat)
    url = reverse("admin:certification_notification_change", args=[notification.pk])
    page = client.get(url)
    text = page.content.decode()
    assert "ขอให้ปรับปรุงแผน" in text and "certification." not in text
    data, _unknown = page_data(
        page.context, {"recipients": "ok@example.com\nnot-an-email\n<script>x</script>"}
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["recipients"] == [
        "ไม่ใช่ที่อยู่อีเมล: “not-an-email”, “<script>x</script>” เขียนที่อยู่บรรทัดละหนึ่งที่อยู่"
    ]
    before = notification.recipients
    notification.refresh_from_db()
    assert notification.recipients == before
    listing = client.get(reverse("admin:certification_notification_changelist")).content.decode()
    assert before.splitlines()[0] in listing


def test_the_outbox_list_heads_each_column_apart(client):
    """The subject and the event a mail announces were both headed เรื่อง."""
    from django.contrib.admin.templatetags.admin_list import result_headers

    client.force_login(UserFactory(role=Role.SECRETARIAT))
    response = client.get(reverse("admin:certification_notification_changelist"))
    headers = [str(header["text"]) for header in result_headers(response.context["cl"])][1:]
    assert headers == [
        "เรื่อง",
        "ผู้รับ",
        "ใบสมัคร",
        "เหตุการณ์ที่แจ้ง",
        "สถานะ",
        "สร้างเมื่อ",
        "อนุมัติส่งเมื่อ",
    ]


def test_every_step_of_the_walk_leaves_an_audit_entry():
    application = ApplicationFactory(complete=True, status=Status.SUBMITTED)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    secretary = UserFactory(role=Role.COMMITTEE_SECRETARY)
    committee = meeting_resolution(Body.COMMITTEE, recorded_by=secretary)
    subcommittee = meeting_resolution(Body.SUBCOMMITTEE, recorded_by=secretary)
    review.start_screening(application, actor=secretariat)
    checklist = {str(i.pk): {"met": True, "note": ""} for i in ChecklistItem.objects.filter(is_active=True)}
    review.record_screening(
        application, actor=secretariat, outcome=ScreeningOutcome.PASSED, checklist=checklist
    )
    review.acknowledge_promotion_zone(application, actor=secretary, resolution=committee)
    Application.objects.filter(pk=application.pk).update(status=Status.PLAN_SUBMITTED)
    application.refresh_from_db()
    review.start_evaluation(application, actor=secretariat)
    evaluator = UserFactory(role=Role.EVALUATOR)
    assignment = review.assign_evaluator(application, evaluator, actor=secretariat)
    review.declare_conflict(assignment, actor=evaluator, conflicted=False)
    review.submit_evaluation(
        assignment,
        actor=evaluator,
        scores=dict.fromkeys(WEIGHTS, 80),
        domain_assessments={"ENV": "ดี", "MOB": "ดี"},
        recommendation="approve",
    )
    core.transition(application, Status.RECOMMENDED, actor=secretariat)
    core.transition(application, Status.SUBCOMMITTEE_APPROVED, actor=secretary, resolution=subcommittee)
    core.transition(application, Status.ENDORSED, actor=secretary, resolution=committee)
    actions = list(
        AuditEntry.objects.filter(application=application).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "certification.application.screening",
        "certification.screening.passed",
        "certification.application.promotion_zone",
        "certification.document.issued",  # the promotion-zone certificate
        "certification.application.evaluation",
        "certification.evaluation.assigned",
        "certification.evaluation.conflict_none",
        "certification.evaluation.submitted",
        "certification.application.recommended",
        "certification.application.subcommittee_approved",
        "certification.application.endorsed",
    ]
    client_view = application.decisions.values_list("to_state", "resolution__meeting__body")
    assert list(client_view) == [
        ("promotion_zone", "committee"), ("subcommittee_approved", "subcommittee"), ("endorsed", "committee"),
    ]  # fmt: skip


def test_screening_that_misses_a_criterion_cannot_pass():
    application = ApplicationFactory(complete=True, status=Status.SCREENING)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    items = list(ChecklistItem.objects.filter(is_active=True))
    checklist = {str(i.pk): {"met": i != items[0]} for i in items}
    with pytest.raises(core.WorkflowError, match="ไม่ผ่านเกณฑ์ข้อใดข้อหนึ่ง"):
        review.record_screening(
            application, actor=secretariat, outcome=ScreeningOutcome.PASSED, checklist=checklist
        )
    with pytest.raises(core.WorkflowError, match="โปรดตอบทุกเกณฑ์"):
        review.record_screening(application, actor=secretariat, outcome=ScreeningOutcome.PASSED, checklist={})
    review.record_screening(
        application, actor=secretariat, outcome=ScreeningOutcome.RETURNED, checklist=checklist,
        reason="ขอบเขตไม่ชัด", section_requests={"area": "ระบุขอบเขตเป็นแผนที่"},
    )  # fmt: skip
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    assert application.sections.get(key="area").reviewer_request == "ระบุขอบเขตเป็นแผนที่"


def test_meetings_are_numbered_per_body_and_buddhist_year():
    secretary = UserFactory(role=Role.COMMITTEE_SECRETARY)
    resolution = meeting_resolution(Body.SUBCOMMITTEE, recorded_by=secretary, number=1, year=2565)
    assert str(resolution.meeting) == "คณะอนุกรรมการขับเคลื่อนและบริหารโครงการเมืองอัจฉริยะ ครั้งที่ 1/2565"
    assert str(resolution) == f"{resolution.meeting} มติที่ 1"
    assert selectors.next_meeting_number(Body.SUBCOMMITTEE, 2565) == 2
    assert selectors.next_meeting_number(Body.COMMITTEE, 2565) == 1
    second = review.record_resolution(resolution.meeting, actor=secretary, text="เห็นชอบแผน 15 แผน")
    assert second.number == 2


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (datetime.date(2026, 11, 20), datetime.date(2026, 11, 23), 1),  # Friday → Monday
        (datetime.date(2026, 11, 23), datetime.date(2026, 11, 30), 5),
        (datetime.date(2026, 12, 30), datetime.date(2027, 1, 4), 2),  # Thu 31, (holiday Fri 1), Mon 4
        (datetime.date(2026, 11, 25), datetime.date(2026, 11, 25), 0),
    ],
)
def test_working_days_skip_weekends_and_holidays(settings, start, end, days):
    settings.CERTIFICATION_HOLIDAYS = ["2027-01-01"]
    assert clock.working_days_between(start, end) == days


def test_overdue_applications_match_in_python_and_in_the_database(settings):
    settings.CERTIFICATION_STATE_TARGET_DAYS = {"screening": 3}
    today = timezone.localdate()
    fresh = ApplicationFactory(status=Status.SCREENING)
    late = ApplicationFactory(status=Status.SCREENING)
    Application.objects.filter(pk=late.pk).update(
        state_entered_at=timezone.now() - datetime.timedelta(days=10)
    )
    draft = ApplicationFactory(status=Status.DRAFT)
    Application.objects.filter(pk=draft.pk).update(
        state_entered_at=timezone.now() - datetime.timedelta(days=100)
    )
    overdue = set(Application.objects.filter(clock.overdue_q(today)).values_list("pk", flat=True))
    assert overdue == {late.pk}
    assert [clock.is_overdue(a, today) for a in Application.objects.order_by("pk")] == [False, True, False]
    assert fresh.pk not in overdue


def test_a_decision_cites_a_meeting_already_held_with_the_application_on_its_agenda(plan_in_evaluation):
    application, secretariat = plan_in_evaluation
    core.transition(application, Status.RECOMMENDED, actor=secretariat)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    upcoming = meeting_resolution(
        Body.SUBCOMMITTEE, recorded_by=secretariat, number=2, year=2569, day=tomorrow
    )
    with pytest.raises(core.WorkflowError, match="จะอ้างมติของการประชุมนี้ได้เมื่อประชุมแล้ว"):
        review.decide(
            [application], resolution=upcoming, to_state=Status.SUBCOMMITTEE_APPROVED, actor=secretariat
        )
    held = meeting_resolution(Body.SUBCOMMITTEE, recorded_by=secretariat, number=1, year=2569)
    other = ApplicationFactory(complete=True, status=Status.RECOMMENDED)
    held.meeting.applications.set([other])
    with pytest.raises(core.WorkflowError, match="ไม่อยู่ในระเบียบวาระ"):
        review.decide(
            [application], resolution=held, to_state=Status.SUBCOMMITTEE_APPROVED, actor=secretariat
        )
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED
    held.meeting.applications.add(application)
    review.decide([application], resolution=held, to_state=Status.SUBCOMMITTEE_APPROVED, actor=secretariat)
    application.refresh_from_db()
    assert application.status == Status.SUBCOMMITTEE_APPROVED
