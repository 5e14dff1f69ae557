"""Renewal on progress (services/renewals.py) and revocation by resolution (services/awards.py), and what
the public sees of them: the verification pages, the API, the registry, the badge — each status change
taking a new freshness number, so that no cached answer outlives it."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from certification import progress
from certification.enums import AwardStatus, Body, DocumentKind, NotificationStatus, RenewalStatus, Role
from certification.models import AuditEntry, Award, Document, Notification, Renewal
from certification.services import awards, monitoring, rendering, renewals, reporting
from certification.services.core import WorkflowError
from cities import freshness
from cities.enums import CertifiedCityStatus
from tests.certification.awards_helpers import secretariat
from tests.certification.monitoring_helpers import (
    SCORES,
    applicant_of,
    assessed_report,
    awarded_with_plan,
    committee_resolution,
    filed_report,
    round_2567,
)
from tests.factories import UserFactory, meeting_resolution

pytestmark = pytest.mark.django_db

IN_WINDOW = datetime.date(2024, 12, 1)  # the award of round 2565 runs to 9 January 2025


def requested(progress_value, title="ลำปางเมืองน่าอยู่อัจฉริยะ"):
    """An award whose latest assessed report finds ``progress_value`` % and whose renewal is requested."""
    award = awarded_with_plan(title=title)
    assessed_report(award, assessed_progress=progress_value)
    return award, renewals.request_renewal(award, actor=applicant_of(award), today=IN_WINDOW)


# --- Asking


def test_renewal_is_asked_in_the_last_months_from_an_assessed_report():
    award = awarded_with_plan()
    applicant = applicant_of(award)
    assert progress.renewal_problems(award, IN_WINDOW) == [
        "การขอต่ออายุต้องอ้างรายงานความก้าวหน้าที่ประเมินแล้ว ขณะนี้ยังไม่มีรายงานที่ประเมินแล้ว"
    ]
    report = assessed_report(award)
    assert progress.renewal_problems(award, datetime.date(2024, 7, 12)) == [
        "ยื่นคำขอต่ออายุได้ตั้งแต่ 13 กรกฎาคม 2567 เมื่อการรับรองใกล้หมดอายุ"
    ]
    assert progress.renewal_problems(award, datetime.date(2025, 1, 10)) == ["ต่ออายุได้เฉพาะการรับรองที่ยังมีผลอยู่"]
    with pytest.raises(WorkflowError):
        renewals.request_renewal(award, actor=UserFactory(), today=IN_WINDOW)  # not a member
    renewal = renewals.request_renewal(award, actor=applicant, note="ขอต่ออายุ", today=IN_WINDOW)
    assert (renewal.report, renewal.progress, renewal.status) == (
        report,
        Decimal("62.50"),
        RenewalStatus.REQUESTED,
    )
    assert progress.renewal_problems(award, IN_WINDOW) == ["มีคำขอต่ออายุรอการพิจารณาของคณะกรรมการอยู่แล้ว"]
    with pytest.raises(WorkflowError, match="มีคำขอต่ออายุรอการพิจารณา"):
        renewals.request_renewal(award, actor=applicant, today=IN_WINDOW)
    assert Renewal.objects.count() == 1


# --- The committee's decision: below, at and above the threshold


@pytest.mark.parametrize(("assessed", "renewed"), [(49.99, False), (50, False), (50.01, True)])
def test_the_committee_renews_only_above_the_threshold(assessed, renewed):
    award, renewal = requested(assessed)
    resolution = committee_resolution()
    if not renewed:
        with pytest.raises(WorkflowError) as refused:
            renewals.renew(renewal, actor=secretariat(), resolution=resolution, award_round=round_2567())
        assert str(refused.value) == (
            f"ความก้าวหน้าของแผนตามการประเมินคือร้อยละ {Decimal(str(assessed)):.2f} "
            "การต่ออายุต้องมีความก้าวหน้ามากกว่าร้อยละ 50"
        )
        renewal.refresh_from_db()
        award.refresh_from_db()
        assert (renewal.status, award.status, Award.objects.count()) == (
            RenewalStatus.REQUESTED, AwardStatus.ACTIVE, 1,
        )  # fmt: skip
        return
    new = renewals.renew(renewal, actor=secretariat(), resolution=resolution, award_round=round_2567())
    award.refresh_from_db()
    renewal.refresh_from_db()
    assert (award.status, renewal.status, renewal.new_award, new.supersedes) == (
        AwardStatus.SUPERSEDED, RenewalStatus.RENEWED, new, award,
    )  # fmt: skip


def test_the_threshold_is_a_setting(settings):
    settings.CERTIFICATION_RENEWAL_THRESHOLD = 60
    _award, renewal = requested(55)
    with pytest.raises(WorkflowError, match="มากกว่าร้อยละ 60"):
        renewals.renew(
            renewal, actor=secretariat(), resolution=committee_resolution(), award_round=round_2567()
        )


def test_renewal_cites_the_national_committee_and_a_later_round():
    award, renewal = requested(62.5)
    subcommittee = meeting_resolution(Body.SUBCOMMITTEE, recorded_by=secretariat(), year=2567)
    with pytest.raises(WorkflowError, match="ต้องอ้างมติของคณะกรรมการขับเคลื่อน"):
        renewals.renew(renewal, actor=secretariat(), resolution=subcommittee, award_round=round_2567())
    with pytest.raises(WorkflowError, match="ได้รับการรับรองในรอบปี 2565 แล้ว"):
        renewals.renew(
            renewal, actor=secretariat(), resolution=committee_resolution(), award_round=award.round
        )
    with pytest.raises(WorkflowError):  # the organisation does not renew itself
        renewals.renew(
            renewal, actor=applicant_of(award), resolution=committee_resolution(2), award_round=round_2567()
        )


def test_a_renewal_issues_a_new_award_and_documents_that_supersede_the_old_ones():
    award, renewal = requested(62.5)
    old_certificate, old_plaque = (award.documents.get(kind=kind) for kind in awards.AWARD_DOCUMENT_KINDS)
    new = renewals.renew(
        renewal,
        actor=secretariat(),
        resolution=committee_resolution(),
        award_round=round_2567(),
        note="ต่ออายุ",
    )
    # From the end of the old award (9 January 2025, after the meeting of 20 November 2024), two years.
    assert (new.round.year, new.awarded_on, new.valid_until) == (
        2567, datetime.date(2024, 11, 20), datetime.date(2027, 1, 9),
    )  # fmt: skip
    certificate, plaque = (new.documents.get(kind=kind) for kind in awards.AWARD_DOCUMENT_KINDS)
    assert (certificate.serial, certificate.supersedes, plaque.serial, plaque.supersedes) == (
        "SCT-2567-001", old_certificate, "SCP-2567-001", old_plaque,
    )  # fmt: skip
    assert (certificate.issued_on, certificate.valid_until) == (
        datetime.date(2024, 11, 20),
        datetime.date(2027, 1, 9),
    )
    assert certificate.data["valid_until_th"] == "๙ มกราคม พ.ศ. ๒๕๗๐" and certificate.data["year"] == 2567
    city = new.certified_city
    assert city == award.certified_city  # the same registry record: its page and badge stay
    assert (city.status, city.valid_until, city.renewed_on, city.certificate_serial) == (
        CertifiedCityStatus.ACTIVE, datetime.date(2027, 1, 9), datetime.date(2024, 11, 20), "SCT-2567-001",
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="certification.renewal.renewed")
    assert (
        entry.data["serials"] == ["SCT-2567-001", "SCP-2567-001"]
        and entry.data["valid_until"] == "2027-01-09"
    )
    held = Notification.objects.get(event="certification.monitoring.renewed")
    assert held.status == NotificationStatus.HELD
    assert "SCT-2567-001: http://127.0.0.1:8000/verify/SCT-2567-001/" in held.body
    assert "มีผลถึง 9 มกราคม 2570" in held.body


def test_an_expired_award_whose_request_was_made_in_time_is_renewed_and_active_again():
    award, renewal = requested(70)
    monitoring.expire_awards(today=datetime.date(2025, 3, 1))
    award.refresh_from_db()
    assert (award.status, award.certified_city.status) == (AwardStatus.EXPIRED, CertifiedCityStatus.EXPIRED)
    late = committee_resolution(year=2568, day=datetime.date(2025, 4, 2))
    new = renewals.renew(renewal, actor=secretariat(), resolution=late, award_round=round_2567())
    assert (new.awarded_on, new.valid_until) == (datetime.date(2025, 4, 2), datetime.date(2027, 4, 2))
    new.certified_city.refresh_from_db()
    assert new.certified_city.status == CertifiedCityStatus.ACTIVE
    assert monitoring.expire_awards(today=datetime.date(2025, 4, 3)) == 0  # the old one is superseded


def test_the_committee_may_decline_with_its_reason():
    award, renewal = requested(70)
    with pytest.raises(WorkflowError):
        renewals.decline(renewal, actor=secretariat(), resolution=committee_resolution(), reason=" ")
    renewals.decline(renewal, actor=secretariat(), resolution=committee_resolution(), reason="ตัวชี้วัดไม่ครบ")
    renewal.refresh_from_db()
    award.refresh_from_db()
    assert (renewal.status, renewal.decision_note, award.status) == (
        RenewalStatus.DECLINED, "ตัวชี้วัดไม่ครบ", AwardStatus.ACTIVE,
    )  # fmt: skip
    with pytest.raises(WorkflowError, match="ได้รับการพิจารณาแล้ว"):
        renewals.renew(
            renewal, actor=secretariat(), resolution=committee_resolution(2), award_round=round_2567()
        )


# --- What the public sees


def render_all():
    for document in Document.objects.all():
        rendering.render_document(document.pk)


def test_verify_and_the_api_say_the_old_documents_are_superseded_and_the_new_ones_valid(client):
    award, renewal = requested(62.5)
    renewals.renew(renewal, actor=secretariat(), resolution=committee_resolution(), award_round=round_2567())
    render_all()
    old = client.get(reverse("verify", args=["SCT-2565-001"])).content.decode()
    assert 'class="verdict verdict-superseded"' in old
    assert '<a href="/verify/SCT-2567-001/">SCT-2567-001</a>' in old
    new = client.get(reverse("verify", args=["SCT-2567-001"])).content.decode()
    assert 'class="verdict verdict-valid"' in new
    assert '<a href="/verify/SCT-2565-001/">SCT-2565-001</a>' in new  # "replaces"
    statuses = {
        d["serial"]: (d["status"], d["superseded_by"])
        for d in client.get("/api/v1/documents/").json()["results"]
    }
    assert statuses == {
        "SCT-2565-001": ("superseded", "SCT-2567-001"),
        "SCP-2565-001": ("superseded", "SCP-2567-001"),
        "SCT-2567-001": ("valid", None),
        "SCP-2567-001": ("valid", None),
    }
    area = client.get(f"/api/v1/areas/{award.certified_city_id}/").json()
    assert (area["status"], area["valid_until"], area["renewed_on"], area["certificate"]["serial"]) == (
        "active", "2027-01-09", "2024-11-20", "SCT-2567-001",
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_the_registry_and_the_badge_show_the_new_validity(client):
    """Committed for real, as the pages are cached under the freshness number that a commit renews."""
    award, renewal = requested(62.5)
    city = award.certified_city
    before = client.get(reverse("registry:badge", args=[city.pk])).content.decode()
    assert "รับรองถึง 9 มกราคม 2568" in before
    renewals.renew(renewal, actor=secretariat(), resolution=committee_resolution(), award_round=round_2567())
    page = client.get(reverse("registry:area", args=[city.pk])).content.decode()
    assert "มีผลถึงวันที่ 9 มกราคม 2570" in page
    assert "ต่ออายุเมื่อ 20 พฤศจิกายน 2567 ตามความก้าวหน้าของแผน" in page
    assert 'href="/verify/SCT-2567-001/"' in page
    badge = client.get(reverse("registry:badge", args=[city.pk])).content.decode()
    assert "รับรองถึง 9 มกราคม 2570" in badge


def test_revocation_by_resolution_revokes_the_award_its_record_and_documents(client):
    award = awarded_with_plan()
    render_all()
    resolution = committee_resolution()
    with pytest.raises(WorkflowError, match="โปรดระบุเหตุผล"):
        awards.revoke_award(award, actor=secretariat(), resolution=resolution, reason="")
    other = meeting_resolution(Body.SUBCOMMITTEE, recorded_by=secretariat(), year=2567)
    with pytest.raises(WorkflowError):
        awards.revoke_award(award, actor=secretariat(), resolution=other, reason="ไม่รายงานความก้าวหน้า")
    awards.revoke_award(award, actor=secretariat(), resolution=resolution, reason="ไม่รายงานความก้าวหน้า")
    award.refresh_from_db()
    city = award.certified_city
    assert (award.status, award.revocation_resolution, city.status) == (
        AwardStatus.REVOKED, resolution, CertifiedCityStatus.REVOKED,
    )  # fmt: skip
    cited = "คณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ ครั้งที่ 1/2567 มติที่ 1"
    page = client.get(reverse("verify", args=["SCT-2565-001"])).content.decode()
    assert 'class="verdict verdict-revoked"' in page
    assert f"ไม่รายงานความก้าวหน้า ({cited})" in page
    api = client.get("/api/v1/documents/SCT-2565-001/").json()
    assert api["status"] == "revoked"
    assert client.get(f"/api/v1/areas/{city.pk}/").json()["status"] == "revoked"
    assert "ถูกเพิกถอน" in client.get(reverse("registry:badge", args=[city.pk])).content.decode()
    entry = AuditEntry.objects.get(action="certification.award.revoked")
    assert entry.data == {"reason": "ไม่รายงานความก้าวหน้า", "resolution": cited, "round": 2565,
                          "serials": ["SCP-2565-001", "SCT-2565-001"], "renewals_declined": []}  # fmt: skip
    assert (
        Notification.objects.get(event="certification.monitoring.revoked").status == NotificationStatus.HELD
    )
    with pytest.raises(WorkflowError):
        awards.revoke_award(award, actor=secretariat(), resolution=resolution, reason="อีกครั้ง")


def test_revoking_declines_a_request_waiting_and_a_renewed_awards_old_documents_cannot_be_revoked():
    award, renewal = requested(62.5)
    awards.revoke_award(award, actor=secretariat(), resolution=committee_resolution(), reason="ละเมิดเงื่อนไข")
    renewal.refresh_from_db()
    assert (renewal.status, renewal.decision_note) == (RenewalStatus.DECLINED, "ละเมิดเงื่อนไข")
    award2, renewal2 = requested(62.5, title="น่านเมืองอัจฉริยะ")
    renewals.renew(
        renewal2, actor=secretariat(), resolution=committee_resolution(2), award_round=round_2567()
    )
    old = award2.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    with pytest.raises(WorkflowError, match="ได้รับการต่ออายุแล้ว"):
        awards.revoke(old, actor=secretariat(), reason="แก้ไข")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_every_status_change_takes_a_new_freshness_number():
    """Committed for real (a transactional test): the number changes when each service's transaction
    commits, whatever model it saved or updated."""

    def changes(act):
        before = freshness.version()
        act()
        return freshness.version() != before

    award = awarded_with_plan()
    report = filed_report(award)
    assert changes(
        lambda: reporting.assess_report(report, actor=secretariat(), scores=SCORES, assessed_progress=62.5)
    )
    renewal = renewals.request_renewal(award, actor=applicant_of(award), today=IN_WINDOW)
    assert changes(
        lambda: renewals.renew(
            renewal, actor=secretariat(), resolution=committee_resolution(), award_round=round_2567()
        )
    )
    new = Award.objects.get(status=AwardStatus.ACTIVE)
    assert changes(lambda: monitoring.expire_awards(today=datetime.date(2027, 1, 10)))
    new.refresh_from_db()
    assert changes(
        lambda: awards.revoke_award(
            new, actor=secretariat(), resolution=committee_resolution(2), reason="เหตุผล"
        )
    )


def test_staff_roles_may_decide_renewals_as_the_rules_say():
    _award, renewal = requested(62.5)
    from certification import rules

    assert rules.can_decide_renewal(UserFactory(role=Role.SECRETARIAT), renewal)
    assert rules.can_decide_renewal(UserFactory(role=Role.COMMITTEE_SECRETARY), renewal)
    assert not rules.can_decide_renewal(UserFactory(role=Role.OFFICIAL), renewal)
    assert not rules.can_decide_renewal(UserFactory(role=Role.EVALUATOR), renewal)
