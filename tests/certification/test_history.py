"""certification/history.py: every audit code the services write reads as a sentence, and each reader
sees what concerns them."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from certification import history
from certification.enums import (
    ConflictOfInterest,
    NotificationStatus,
    ReportStatus,
    Role,
    ScreeningOutcome,
    Status,
)
from certification.models import AuditEntry, Notification
from certification.services import core, outbox, review
from tests.conftest import PROJECT_DIR
from tests.factories import ApplicationFactory, UserFactory

# What the f-string codes of the services are filled with: every value their placeholder can take.
PLACEHOLDERS = {
    "to_state": [s for s in Status.values if s != Status.DRAFT],  # nothing moves back to a draft
    "outcome": ScreeningOutcome.values,
    "locked.conflict": [ConflictOfInterest.NONE, ConflictOfInterest.CONFLICTED],  # declared: never undeclared
    "locked.status": [NotificationStatus.SENT, NotificationStatus.FAILED],  # what release leaves
    "target": [s for s in ReportStatus.values if s != ReportStatus.DRAFT],  # a report's moves
}
CODE = re.compile(r'audit\(\s*[^,]+,\s*(f?)"(certification\.[^"]+)"', re.S)


def audit_codes():
    """Every code written by an ``audit(...)`` call of the app, its placeholders expanded."""
    codes = set()
    for path in (PROJECT_DIR / "certification").rglob("*.py"):
        for is_f, code in CODE.findall(path.read_text()):
            names = re.findall(r"\{([^}]+)\}", code) if is_f else []
            assert all(name in PLACEHOLDERS for name in names), f"{path}: add {names} to PLACEHOLDERS"
            variants = [code]
            for name in names:
                variants = [
                    v.replace("{" + name + "}", value) for v in variants for value in PLACEHOLDERS[name]
                ]
            codes.update(variants)
    return codes


def test_the_services_write_the_codes_we_know():
    codes = audit_codes()
    assert len(codes) > 30
    assert "certification.application.endorsed" in codes
    assert "certification.evaluation.conflict_conflicted" in codes


def test_every_audit_code_has_a_sentence():
    assert sorted(audit_codes() - set(history.SENTENCES)) == []


@pytest.mark.django_db
def test_no_sentence_shows_a_code_or_a_placeholder(settings):
    actor = UserFactory(role=Role.SECRETARIAT, first_name="สมชาย", last_name="ใจดี")
    for code in history.SENTENCES:
        entry = AuditEntry(action=code, actor=actor, data={})
        sentence = history.describe(entry, for_applicant=False)
        assert "certification." not in sentence and "%(" not in sentence, code
        assert re.search("[\u0e00-\u0e7f]", sentence.replace("สมชาย ใจดี", "")), (code, sentence)  # in Thai


@pytest.mark.django_db
def test_the_applicant_reads_neither_conflict_declarations_nor_discarded_mail(client):
    application = ApplicationFactory(complete=True, status=Status.EVALUATION)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    evaluator = UserFactory(role=Role.EVALUATOR, first_name="ผู้ประเมินที่ขัดกัน")
    assignment = review.assign_evaluator(application, evaluator, actor=secretariat)
    review.declare_conflict(assignment, actor=evaluator, conflicted=True, note="ญาติ")
    mail = Notification.objects.create(application=application, event="x", recipients="a@example.com",
                                       subject="ข้อความที่ยกเลิก", body=".")  # fmt: skip
    outbox.discard_notification(mail, actor=secretariat)
    client.force_login(application.created_by)
    for url in (reverse("apply:detail", args=[application.pk]), reverse("apply:dashboard")):
        page = client.get(url).content.decode()
        assert "ผู้ประเมินที่ขัดกัน" not in page
        assert "ส่วนได้เสีย" not in page
        assert "ข้อความที่ยกเลิก" not in page
    client.force_login(secretariat)
    staff = client.get(reverse("admin:certification_application_history", args=[application.pk]))
    assert "ผู้ประเมินที่ขัดกัน" in staff.content.decode()  # the secretariat reads everything


@pytest.mark.django_db
def test_an_evaluator_does_not_learn_who_else_declared_a_conflict(client):
    application = ApplicationFactory(complete=True, status=Status.EVALUATION)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    me = UserFactory(role=Role.EVALUATOR, first_name="ฉันเอง")
    other = UserFactory(role=Role.EVALUATOR, first_name="อีกคนหนึ่ง")
    mine = review.assign_evaluator(application, me, actor=secretariat)
    theirs = review.assign_evaluator(application, other, actor=secretariat)
    review.declare_conflict(mine, actor=me, conflicted=False)
    review.declare_conflict(theirs, actor=other, conflicted=True, note="เคยเป็นที่ปรึกษา")
    client.force_login(me)
    page = client.get(reverse("admin:certification_application_history", args=[application.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "ฉันเอง" in text
    assert "อีกคนหนึ่ง" not in text


@pytest.mark.django_db
def test_the_applicant_reads_neither_the_mail_sent_to_an_evaluator_nor_the_committees_notes(client):
    """The evaluator's mail, released: the applicant's timeline says nothing of it. A note on the
    working group's recommendation is the committee's; a note asking for revisions is the applicant's."""
    application = ApplicationFactory(complete=True, status=Status.EVALUATION)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    review.assign_evaluator(application, UserFactory(role=Role.EVALUATOR), actor=secretariat)
    mail = Notification.objects.get(event="certification.evaluation.assigned")
    outbox.release_notification(mail, actor=secretariat, subject="ขอให้ท่านประเมินแผน")
    assert AuditEntry.objects.filter(action="certification.notification.sent").count() == 1
    core.transition(application, Status.RECOMMENDED, actor=secretariat, note="บันทึกภายในของคณะทำงาน")
    review.return_for_changes(
        application, actor=secretariat, requests={"infrastructure": "ระบุงบ"}, note="โปรดแก้ไขงบลงทุน"
    )
    client.force_login(application.created_by)
    for url in (reverse("apply:detail", args=[application.pk]), reverse("apply:dashboard")):
        page = client.get(url).content.decode()
        assert "ขอให้ท่านประเมินแผน" not in page, url
        assert "บันทึกภายในของคณะทำงาน" not in page, url
    assert "โปรดแก้ไขงบลงทุน" in client.get(reverse("apply:detail", args=[application.pk])).content.decode()
    client.force_login(secretariat)
    staff = client.get(reverse("admin:certification_application_history", args=[application.pk]))
    assert "ขอให้ท่านประเมินแผน" in staff.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("th", "ได้รับข้อเสนอ “ถนน / ทางเท้า” แล้ว"), ("en", "proposal “ถนน / ทางเท้า” received")],
)
def test_a_mail_is_quoted_by_the_half_of_its_subject_in_the_readers_language(language, expected):
    entry = AuditEntry(
        action="certification.notification.sent",
        data={"subject": "ได้รับข้อเสนอ “ถนน / ทางเท้า” แล้ว / proposal “ถนน / ทางเท้า” received"},
    )
    with translation.override(language):
        assert f"“{expected}”" in history.describe(entry)


def test_a_subject_cut_short_is_quoted_whole():
    with translation.override("th"):
        assert history.subject_for_reader("ก / b / ค") == "ก / b / ค"
