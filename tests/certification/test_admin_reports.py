"""The admin after the award (certification/admin/reports.py, renewals.py): the secretariat assesses a
report or returns it; the progress index with its chart and CSV; renewal and decline by the committee's
resolution; revocation by resolution from the award list; who may do which."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from certification.enums import AwardStatus, ReportStatus, Role
from certification.models import Award, Renewal
from certification.services import renewals
from cities.models import ProgressIndex
from tests.certification.monitoring_helpers import (
    SCORES,
    applicant_of,
    assessed_report,
    awarded_with_plan,
    committee_resolution,
    filed_report,
    round_2567,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff(client, role):
    client.force_login(UserFactory(role=role))
    return client


def assessment(outcome="assessed", **overrides):
    data = {
        "outcome": outcome,
        **{f"score_{c}": str(s) for c, s in SCORES.items()},
        "assessed_progress": "๖๒.๕",
    }
    return data | overrides


def test_the_secretariat_reads_the_report_and_records_its_assessment(client):
    report = filed_report(awarded_with_plan())
    client = staff(client, Role.SECRETARIAT)
    url = reverse("admin:certification_progressreport_change", args=[report.pk])
    page = client.get(url).content.decode()
    assert "ค่าฝุ่น PM2.5 เฉลี่ยรายปี" in page and "<strong>30</strong>" in page  # achieved, beside 38 → 25
    assert 'id="assessment-form"' in page
    evidence = report.evidence.get()
    assert reverse("admin:certification_progressreport_evidence", args=[report.pk, evidence.pk]) in page
    missing = client.post(url, assessment(score_services=""))
    assert missing.status_code == 200 and "ต้องระบุเพื่อบันทึกผลการประเมิน" in missing.content.decode()
    done = client.post(url, assessment())
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.index, report.assessed_progress) == (
        ReportStatus.ASSESSED, Decimal("70.83"), Decimal("62.50"),
    )  # fmt: skip
    again = client.get(url).content.decode()
    assert 'id="assessment-form"' not in again and "70.83" in again


def test_returning_a_report_says_what_must_change(client):
    report = filed_report(awarded_with_plan())
    client = staff(client, Role.SECRETARIAT)
    url = reverse("admin:certification_progressreport_change", args=[report.pk])
    assert "โปรดระบุสิ่งที่ต้องแก้ไข" in client.post(url, {"outcome": "returned"}).content.decode()
    assert client.post(url, {"outcome": "returned", "request": "แนบภาพถ่าย"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.reviewer_request) == (ReportStatus.RETURNED, "แนบภาพถ่าย")


def test_the_committee_secretary_reads_reports_but_does_not_assess_and_evaluators_see_none(client):
    report = filed_report(awarded_with_plan())
    url = reverse("admin:certification_progressreport_change", args=[report.pk])
    committee = staff(client, Role.COMMITTEE_SECRETARY)
    page = committee.get(url)
    assert page.status_code == 200 and 'id="assessment-form"' not in page.content.decode()
    assert committee.post(url, assessment()).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    evaluator = staff(client, Role.EVALUATOR)
    assert evaluator.get(url).status_code == 404
    assert evaluator.get(reverse("admin:certification_progressreport_index")).status_code == 404


def test_the_index_lists_every_area_with_its_chart_and_downloads_as_csv(client):
    assessed_report(awarded_with_plan())
    hidden = awarded_with_plan(title="น่านเมืองอัจฉริยะ")
    assessed_report(hidden, scores=dict.fromkeys(SCORES, 50), assessed_progress=40)
    organisation = hidden.certified_city.organisation
    organisation.registry_details_public = False
    organisation.save()
    client = staff(client, Role.SECRETARIAT)
    page = client.get(reverse("admin:certification_progressreport_index")).content.decode()
    table = page.split('id="progress-table"')[1].split("</table>")[0]
    assert table.index("ลำปางเมืองน่าอยู่อัจฉริยะ") < table.index("น่านเมืองอัจฉริยะ")  # highest index first
    assert "<strong>70.83</strong>" in table and "<strong>50.00</strong>" in table
    assert "(ไม่เปิดเผย)" in table
    assert '<svg class="registry-chart"' in page
    response = client.get(reverse("admin:certification_progressreport_index_csv"))
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:4] == ["ปี", "ชื่อ (ภาษาไทย)", "ชื่อ (ภาษาอังกฤษ)", "หน่วยงาน"]
    assert [(row[0], row[1], row[9], row[10]) for row in rows[1:]] == [
        ("2567", "ลำปางเมืองน่าอยู่อัจฉริยะ", "70.83", "62.50"),
        ("2567", "น่านเมืองอัจฉริยะ", "50.00", "40.00"),
    ]


def offered(response):
    """The actions the list offers (none at all: no action form)."""
    form = response.context["action_form"]
    return set(dict(form.fields["action"].choices)) - {""} if form else set()


def renew_action(client, renewal, resolution, award_round):
    return client.post(
        reverse("admin:certification_renewal_changelist"),
        {"action": "renew", "_selected_action": [renewal.pk], "apply": "1", "resolution": resolution.pk,
         "round": award_round.pk, "note": ""},
    )  # fmt: skip


def test_the_committee_secretary_renews_by_resolution_and_a_request_below_the_threshold_stays(client):
    from django.utils import timezone

    above = awarded_with_plan()
    assessed_report(above, assessed_progress=62.5)
    below = awarded_with_plan(title="น่านเมืองอัจฉริยะ")
    assessed_report(below, assessed_progress=50)
    day = timezone.datetime(2024, 12, 1).date()
    first = renewals.request_renewal(above, actor=applicant_of(above), today=day)
    second = renewals.request_renewal(below, actor=applicant_of(below), today=day)
    client = staff(client, Role.COMMITTEE_SECRETARY)
    changelist = reverse("admin:certification_renewal_changelist")
    confirm = client.post(changelist, {"action": "renew", "_selected_action": [first.pk, second.pk]})
    assert confirm.status_code == 200 and "ความก้าวหน้าของแผนร้อยละ 62.50" in confirm.content.decode()
    resolution, award_round = committee_resolution(), round_2567()
    response = client.post(
        changelist,
        {"action": "renew", "_selected_action": [first.pk, second.pk], "apply": "1",
         "resolution": resolution.pk, "round": award_round.pk, "note": ""},
        follow=True,
    )  # fmt: skip
    messages = [str(m) for m in response.context["messages"]]
    assert "ความก้าวหน้าของแผนตามการประเมินคือร้อยละ 50.00" in " ".join(messages)
    assert "ต่ออายุการรับรองแล้ว 1 รายการ กำลังจัดทำเอกสารฉบับใหม่" in messages
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("renewed", "requested")


def test_officials_see_renewals_but_may_not_decide(client):
    award = awarded_with_plan()
    assessed_report(award)
    from django.utils import timezone

    renewal = renewals.request_renewal(
        award, actor=applicant_of(award), today=timezone.datetime(2024, 12, 1).date()
    )
    official = staff(client, Role.OFFICIAL)
    listing = official.get(reverse("admin:certification_renewal_changelist"))
    assert listing.status_code == 200
    assert offered(listing) == set()
    renew_action(official, renewal, committee_resolution(), round_2567())
    renewal.refresh_from_db()
    assert renewal.status == "requested" and Award.objects.count() == 1


def test_an_award_is_revoked_by_resolution_from_the_award_list(client):
    award = awarded_with_plan()
    client = staff(client, Role.SECRETARIAT)
    changelist = reverse("admin:certification_award_changelist")
    resolution = committee_resolution()
    response = client.post(
        changelist,
        {"action": "revoke_by_resolution", "_selected_action": [award.pk], "apply": "1",
         "resolution": resolution.pk, "reason": "ไม่ส่งรายงานความก้าวหน้าสองปี"},
        follow=True,
    )  # fmt: skip
    assert "เพิกถอนการรับรองแล้ว 1 รายการ" in [str(m) for m in response.context["messages"]]
    award.refresh_from_db()
    assert (award.status, award.revocation_reason) == (AwardStatus.REVOKED, "ไม่ส่งรายงานความก้าวหน้าสองปี")
    official = staff(client, Role.OFFICIAL)
    assert offered(official.get(changelist)) == set()
    assert offered(staff(client, Role.COMMITTEE_SECRETARY).get(changelist)) == {"revoke_by_resolution"}


def test_the_index_is_public_in_the_registry_except_where_the_organisation_opted_out(client):
    assessed_report(awarded_with_plan())
    hidden = awarded_with_plan(title="น่านเมืองอัจฉริยะ")
    assessed_report(hidden)
    hidden.certified_city.organisation.registry_details_public = False
    hidden.certified_city.organisation.save()
    page = client.get(reverse("registry:progress")).content.decode()
    assert "ลำปางเมืองน่าอยู่อัจฉริยะ" in page and "น่านเมืองอัจฉริยะ" not in page
    assert client.get(reverse("registry:progress") + "?year=2540").status_code == 400
    assert client.get(reverse("registry:progress") + "?color=red").status_code == 400
    body = client.get(reverse("registry:progress_csv")).content.decode("utf-8")
    assert body.startswith("\ufeff") and "น่านเมืองอัจฉริยะ" not in body
    assert ProgressIndex.objects.count() == 2
    assert Renewal.objects.count() == 0


def test_a_submitted_report_of_a_revoked_award_says_so_and_leaves_the_queue(client):
    report = filed_report(awarded_with_plan())
    client = staff(client, Role.SECRETARIAT)

    def waiting():
        page = client.get(reverse("admin:index")).content.decode()
        return int(
            re.search(r'รายงานความก้าวหน้าที่ส่งแล้ว: รอการประเมิน</a></th>\s*<td class="count">(\d+)', page)[1]
        )

    assert waiting() == 1
    Award.objects.filter(pk=report.award.pk).update(status=AwardStatus.REVOKED)
    page = client.get(reverse("admin:certification_progressreport_change", args=[report.pk])).content.decode()
    assert 'id="assessment-form"' not in page
    assert 'id="nothing-to-assess"' in page and "ถูกเพิกถอน" in page
    assert waiting() == 0
