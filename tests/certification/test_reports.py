"""Yearly progress reports (certification/progress.py, services/reporting.py): when they are due, what
they hold, drafts, submitting, the secretariat's assessment and the index, the workflow table; and the
daily reminders (services/monitoring.py, the task and the command)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from certification import progress, workflow
from certification.enums import AwardStatus, NotificationStatus, ReminderStage, ReportStatus, Role
from certification.models import AuditEntry, Award, AwardRound, Notification, ProgressReport, ReportReminder
from certification.services import monitoring, reporting
from certification.services.core import EditConflict, IncompleteApplication, WorkflowError
from certification.uploads import UploadRefused
from cities.models import ProgressIndex
from tests.certification.awards_helpers import round_2565, secretariat
from tests.certification.monitoring_helpers import (
    PDF,
    SCORES,
    applicant_of,
    assessed_report,
    awarded_with_plan,
    filed_report,
    report_content,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


# --- When reports are due


def test_reports_fall_due_on_each_anniversary_while_the_award_is_valid():
    award = awarded_with_plan()  # 9 January 2023 to 9 January 2025
    assert progress.due_dates(award) == [datetime.date(2024, 1, 9), datetime.date(2025, 1, 9)]
    assert progress.due_on(award, 2567) == datetime.date(2024, 1, 9)
    assert progress.due_on(award, 2566) is None


def test_the_round_sets_the_first_due_date_and_a_date_before_the_award_moves_on_a_year():
    award = awarded_with_plan()
    AwardRound.objects.filter(pk=award.round_id).update(report_due_on=datetime.date(2023, 10, 31))
    award.round.refresh_from_db()
    assert progress.due_dates(award) == [datetime.date(2023, 10, 31), datetime.date(2024, 10, 31)]
    AwardRound.objects.filter(pk=award.round_id).update(report_due_on=datetime.date(2022, 12, 1))
    award.round.refresh_from_db()
    assert progress.due_dates(award) == [datetime.date(2023, 12, 1), datetime.date(2024, 12, 1)]


# --- Opening, writing, submitting


def test_a_report_opens_with_the_plans_indicators_as_they_stand():
    award = awarded_with_plan()
    report = reporting.open_report(award, 2567, actor=applicant_of(award))
    assert (report.status, report.due_on, report.year) == (
        ReportStatus.DRAFT,
        datetime.date(2024, 1, 9),
        2567,
    )
    assert report.indicators == [
        {"domain": "ENV", "project": "ระบบเฝ้าระวังคุณภาพอากาศ", "name": "ค่าฝุ่น PM2.5 เฉลี่ยรายปี",
         "unit": "µg/m³", "baseline": "38", "target": "25", "target_year": 2569},
        {"domain": "MOB", "project": "รถโดยสารไฟฟ้า", "name": "ค่าฝุ่น PM2.5 เฉลี่ยรายปี",
         "unit": "µg/m³", "baseline": "38", "target": "25", "target_year": 2569},
    ]  # fmt: skip
    assert reporting.open_report(award, 2567, actor=applicant_of(award)) == report  # opened once
    entry = AuditEntry.objects.get(action="certification.report.opened")
    assert (entry.application, entry.data) == (award.application, {"year": 2567, "report": report.pk})


def test_no_report_opens_for_a_year_when_none_is_due_nor_for_a_stranger():
    award = awarded_with_plan()
    with pytest.raises(WorkflowError, match="ไม่มีรายงานความก้าวหน้าที่ต้องส่งในปี 2566"):
        reporting.open_report(award, 2566, actor=applicant_of(award))
    with pytest.raises(WorkflowError):
        reporting.open_report(award, 2567, actor=UserFactory())
    assert ProgressReport.objects.count() == 0


def test_a_draft_keeps_what_was_typed_and_a_stale_version_changes_nothing():
    award = awarded_with_plan()
    applicant = applicant_of(award)
    report = reporting.open_report(award, 2567, actor=applicant)
    half = {"achieved_0": ["๓๐.๕"], "progress": ["ไม่ทราบ"]}
    report, form = reporting.save_report(report, half, actor=applicant, expected_version=0)
    assert (report.data, report.is_complete, report.version) == (half, False, 1)
    assert not form.is_valid()
    colleague = UserFactory()
    award.application.organisation.memberships.create(user=colleague)
    with pytest.raises(EditConflict):
        reporting.save_report(report, {"summary": ["ของเพื่อน"]}, actor=colleague, expected_version=0)
    report.refresh_from_db()
    assert (report.data, report.version) == (half, 1)


def test_submitting_needs_a_complete_report_and_evidence():
    award = awarded_with_plan()
    applicant = applicant_of(award)
    report = reporting.open_report(award, 2567, actor=applicant)
    with pytest.raises(IncompleteApplication) as empty:
        reporting.submit_report(report, actor=applicant)
    assert empty.value.problems == ["โปรดกรอกรายงาน", "แนบไฟล์หลักฐานอย่างน้อยหนึ่งไฟล์"]
    content = report_content(2)
    del content["progress"]
    reporting.save_report(report, content, actor=applicant, expected_version=0)
    with pytest.raises(IncompleteApplication) as partial:
        reporting.submit_report(report, actor=applicant)
    assert partial.value.problems[0] == "กรอกรายงานให้ครบ: ความก้าวหน้าโดยรวมของแผน (ร้อยละ)"
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.versions.count() == 0


def test_a_submitted_report_keeps_its_version_and_is_acknowledged_at_once(django_capture_on_commit_callbacks):
    award = awarded_with_plan()
    with django_capture_on_commit_callbacks(execute=True):
        report = filed_report(award)
    assert (report.status, report.versions.count()) == (ReportStatus.SUBMITTED, 1)
    snapshot = report.versions.get().snapshot
    assert snapshot["indicators"][0] | {} == {
        "domain": "ENV", "project": "ระบบเฝ้าระวังคุณภาพอากาศ", "name": "ค่าฝุ่น PM2.5 เฉลี่ยรายปี",
        "unit": "µg/m³", "baseline": "38", "target": "25", "target_year": 2569, "achieved": "30",
        "note": "ติดตั้งเซ็นเซอร์แล้ว 40 จุด",
    }  # fmt: skip
    assert snapshot["components"][3] == {
        "component": "services", "label": "บริการเมืองอัจฉริยะ", "score": 70, "account": "ดำเนินการตามแผน"
    }  # fmt: skip
    assert (snapshot["progress"], [e["name"] for e in snapshot["evidence"]]) == ("62.5", ["หลักฐาน.pdf"])
    (sent,) = mail.outbox
    assert sent.subject == (
        "เมืองอัจฉริยะประเทศไทย: “ลำปางเมืองน่าอยู่อัจฉริยะ” — ได้รับรายงานความก้าวหน้าประจำปี 2567 แล้ว / "
        "Smart City Thailand: “ลำปางเมืองน่าอยู่อัจฉริยะ” — progress report 2567 received"
    )
    received = Notification.objects.get(event="certification.monitoring.report_received")
    assert received.status == NotificationStatus.SENT  # the organisation's own act: not held
    with pytest.raises(WorkflowError, match="ขณะนี้แก้ไขรายงานนี้ไม่ได้"):
        reporting.save_report(report, report_content(2), actor=applicant_of(award), expected_version=3)


def test_evidence_follows_the_upload_rules_of_applications():
    award = awarded_with_plan()
    applicant = applicant_of(award)
    report = reporting.open_report(award, 2567, actor=applicant)
    with pytest.raises(UploadRefused):
        reporting.add_evidence(
            report, SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf"), actor=applicant
        )
    for damaged in (b"%PDF-1.4 %%EOF", PDF[:-40]):  # a PDF's first and last line; one cut short
        with pytest.raises(UploadRefused, match="ไฟล์ PDF นี้เสียหายหรือไม่ครบ"):
            reporting.add_evidence(report, SimpleUploadedFile("หลักฐาน.pdf", damaged), actor=applicant)
    assert not report.evidence.exists()
    evidence = reporting.add_evidence(report, SimpleUploadedFile("หลักฐาน.pdf", PDF), actor=applicant)
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "หลักฐาน.pdf",
        "application/pdf",
        len(PDF),
    )
    assert evidence.file.name.startswith(f"evidence/{report.pk}/")
    assert report.evidence.count() == 1


# --- The workflow and the assessment


def test_the_report_table_lets_each_role_make_only_its_moves():
    assert workflow.can_move_report(ReportStatus.DRAFT, ReportStatus.SUBMITTED, {workflow.APPLICANT})
    assert not workflow.can_move_report(ReportStatus.DRAFT, ReportStatus.SUBMITTED, {Role.SECRETARIAT})
    assert workflow.can_move_report(ReportStatus.SUBMITTED, ReportStatus.ASSESSED, {Role.SECRETARIAT})
    assert not workflow.can_move_report(
        ReportStatus.SUBMITTED, ReportStatus.ASSESSED, {Role.COMMITTEE_SECRETARY}
    )
    assert not workflow.can_move_report(ReportStatus.SUBMITTED, ReportStatus.ASSESSED, {workflow.APPLICANT})
    assert workflow.can_move_report(ReportStatus.RETURNED, ReportStatus.SUBMITTED, {workflow.APPLICANT})
    assert workflow.REPORT_TRANSITIONS[ReportStatus.ASSESSED] == {}


def test_the_assessment_computes_the_index_and_writes_the_public_progress_index():
    award = awarded_with_plan()
    report = filed_report(award)
    with pytest.raises(WorkflowError):  # the organisation does not assess itself
        reporting.assess_report(report, actor=applicant_of(award), scores=SCORES, assessed_progress=60)
    with pytest.raises(WorkflowError, match="ต้องอยู่ระหว่าง 0 ถึง 100"):
        reporting.assess_report(
            report, actor=secretariat(), scores=SCORES | {"vision": 101}, assessed_progress=60
        )
    reporting.assess_report(report, actor=secretariat(), scores=SCORES, assessed_progress=62.5, comment="ดี")
    report.refresh_from_db()
    assert (report.status, report.index, report.assessed_progress) == (
        ReportStatus.ASSESSED, Decimal("70.83"), Decimal("62.50"),
    )  # fmt: skip
    line = ProgressIndex.objects.get()
    assert (line.certified_city, line.year, line.scores, line.index, line.plan_progress) == (
        award.certified_city, 2567, SCORES, Decimal("70.83"), Decimal("62.50"),
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="certification.report.assessed")
    assert entry.data == {"before": "submitted", "after": "assessed", "note": "ดี", "year": 2567,
                          "report": report.pk, "index": "70.83", "progress": "62.5"}  # fmt: skip
    held = Notification.objects.get(event="certification.monitoring.report_assessed")
    assert held.status == NotificationStatus.HELD  # a decision: the secretariat releases it
    assert "ดัชนีความก้าวหน้าร้อยละ 70.83 ความก้าวหน้าของแผนร้อยละ 62.50" in held.body
    with pytest.raises(WorkflowError):  # assessed once
        reporting.assess_report(report, actor=secretariat(), scores=SCORES, assessed_progress=70)


def test_a_returned_report_reopens_and_its_second_submission_is_version_two():
    award = awarded_with_plan()
    report = filed_report(award)
    with pytest.raises(WorkflowError, match="โปรดระบุสิ่งที่ต้องแก้ไข"):
        reporting.return_report(report, actor=secretariat(), request=" ")
    reporting.return_report(report, actor=secretariat(), request="แนบภาพถ่ายจุดติดตั้ง")
    report.refresh_from_db()
    assert (report.status, report.reviewer_request) == (ReportStatus.RETURNED, "แนบภาพถ่ายจุดติดตั้ง")
    applicant = applicant_of(award)
    report, _form = reporting.save_report(
        report, report_content(2, "65"), actor=applicant, expected_version=1
    )
    reporting.submit_report(report, actor=applicant)
    assert [(v.number, v.snapshot["progress"]) for v in report.versions.all()] == [(1, "62.5"), (2, "65")]
    assert list(
        AuditEntry.objects.filter(action__startswith="certification.report.").values_list("action", flat=True)
    ) == [
        "certification.report.opened",
        "certification.report.evidence_added",
        "certification.report.submitted",
        "certification.report.returned",
        "certification.report.submitted",
    ]


# --- Reminders: each once per report and stage, by the day in Bangkok


def at_bangkok(day, hour=0, minute=0):
    """The UTC moment of ``hour:minute`` on ``day`` in Bangkok (UTC+7)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=UTC) - datetime.timedelta(
        hours=7
    )


def reminders():
    return sorted(ReportReminder.objects.values_list("report__year", "stage", "sent_on"))


def test_each_reminder_is_sent_once_on_its_day_in_bangkok(django_capture_on_commit_callbacks):
    award = awarded_with_plan()  # reports due 9 January 2024 (2567) and 9 January 2025 (2568)
    due = datetime.date(2024, 1, 9)
    soon = due - datetime.timedelta(days=30)  # 10 December 2023
    runs = [
        (at_bangkok(soon - datetime.timedelta(days=1), 23, 59), 0),  # 16:59 UTC: still the day before
        (at_bangkok(soon), 1),  # midnight in Bangkok, 17:00 UTC the day before: due in 30 days
        (at_bangkok(soon, 12), 0),  # again the same day: nothing more
        (at_bangkok(due - datetime.timedelta(days=1), 23, 59), 0),  # due soon was said already
        (at_bangkok(due), 1),  # due today
        (at_bangkok(due, 18), 0),
        (at_bangkok(due + datetime.timedelta(days=1)), 1),  # overdue
        (at_bangkok(due + datetime.timedelta(days=40)), 0),  # overdue was said already
    ]
    for now, expected in runs:
        with django_capture_on_commit_callbacks(execute=True):
            assert monitoring.send_report_reminders(now) == expected, now
    assert reminders() == [
        (2567, ReminderStage.DUE_SOON, soon),
        (2567, ReminderStage.DUE_TODAY, due),
        (2567, ReminderStage.OVERDUE, due + datetime.timedelta(days=1)),
    ]
    assert [m.subject.split(" / ")[1] for m in mail.outbox] == [
        "Smart City Thailand: “ลำปางเมืองน่าอยู่อัจฉริยะ” — progress report 2567 due soon",
        "Smart City Thailand: “ลำปางเมืองน่าอยู่อัจฉริยะ” — progress report 2567 due today",
        "Smart City Thailand: “ลำปางเมืองน่าอยู่อัจฉริยะ” — progress report 2567 overdue",
    ]
    assert mail.outbox[0].to == [applicant_of(award).email]
    assert "มีกำหนดส่งวันที่ 9 มกราคม 2567" in mail.outbox[0].body
    assert "is due on 9 January 2024" in mail.outbox[0].body
    report = ProgressReport.objects.get()  # opened by the first reminder, which links it
    assert f"/apply/reports/{report.pk}/" in mail.outbox[0].body
    sent = Notification.objects.filter(event__startswith="certification.monitoring.reminder_")
    assert set(sent.values_list("status", flat=True)) == {NotificationStatus.SENT}  # not held: sent at once


def test_a_day_missed_is_made_up_with_that_days_stage():
    award = awarded_with_plan()
    due = datetime.date(2024, 1, 9)
    assert monitoring.send_report_reminders(at_bangkok(due + datetime.timedelta(days=2))) == 1
    assert reminders() == [(2567, ReminderStage.OVERDUE, due + datetime.timedelta(days=2))]
    assert award.progress_reports.count() == 1


def test_no_reminder_for_a_report_submitted_or_an_award_no_longer_in_force():
    award = awarded_with_plan()
    filed_report(award)
    day = at_bangkok(datetime.date(2024, 1, 9))
    assert monitoring.send_report_reminders(day) == 0
    Award.objects.filter(pk=award.pk).update(status=AwardStatus.REVOKED)
    assert monitoring.send_report_reminders(at_bangkok(datetime.date(2025, 1, 9))) == 0
    assert reminders() == []


def test_two_runs_at_once_send_one_reminder(django_capture_on_commit_callbacks):
    """The unique (report, stage) row is the last word: a second run that found no reminder yet (its check
    raced the first run's insert) rolls its own back, mail included."""
    award = awarded_with_plan()
    report = reporting.open_report(award, 2567)
    ReportReminder.objects.create(
        report=report, stage=ReminderStage.DUE_TODAY, sent_on=datetime.date(2024, 1, 9)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            monitoring._remind(
                award, datetime.date(2024, 1, 9), ReminderStage.DUE_TODAY, datetime.date(2024, 1, 9)
            )
            == 0
        )
    mails = Notification.objects.filter(event__startswith="certification.monitoring.")
    assert (ReportReminder.objects.count(), mails.count(), len(mail.outbox)) == (1, 0, 0)


def test_the_reminders_run_every_morning_and_from_the_command(
    monkeypatch, capsys, django_capture_on_commit_callbacks
):
    from certification.tasks import task_remind_progress_reports
    from smartcity.celery import app

    entry = app.conf.beat_schedule["remind-progress-reports"]
    assert entry["task"] == task_remind_progress_reports.name == "certification.remind_progress_reports"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})
    awarded_with_plan()
    monkeypatch.setattr(timezone, "now", lambda: at_bangkok(datetime.date(2024, 1, 9), 7))
    with django_capture_on_commit_callbacks(execute=True):
        task_remind_progress_reports()
        task_remind_progress_reports()  # beat's run made up after a restart: nothing twice
    assert reminders() == [(2567, ReminderStage.DUE_TODAY, datetime.date(2024, 1, 9))]
    monkeypatch.setattr(timezone, "now", lambda: at_bangkok(datetime.date(2024, 1, 10), 7))
    call_command("remind_progress_reports")
    call_command("remind_progress_reports")
    assert capsys.readouterr().out == "1 reminder(s) sent.\n0 reminder(s) sent.\n"


def test_the_expiry_of_awards_is_kept():
    award = awarded_with_plan(round_2565())
    assert monitoring.expire_awards(today=datetime.date(2025, 1, 10)) == 1
    award.refresh_from_db()
    assert award.status == AwardStatus.EXPIRED


def test_assessed_reports_of_an_expired_award_stay_readable():
    award = awarded_with_plan()
    report = assessed_report(award)
    monitoring.expire_awards(today=datetime.date(2025, 1, 10))
    report.refresh_from_db()
    assert report.status == ReportStatus.ASSESSED


def test_a_colleagues_late_autosave_does_not_touch_a_report_just_submitted():
    award = awarded_with_plan()
    report = filed_report(award)  # saved once (version 1), then submitted
    stale = ProgressReport.objects.get(pk=report.pk)
    stale.status = ReportStatus.DRAFT  # as a request that read it just before the submission
    with pytest.raises(WorkflowError, match="ขณะนี้แก้ไขรายงานนี้ไม่ได้"):
        reporting.save_report(stale, {"summary": ["ทับ"]}, actor=applicant_of(award), expected_version=1)
    report.refresh_from_db()
    assert (report.status, report.data["summary"]) == (ReportStatus.SUBMITTED, ["ปีแรกของแผน"])
