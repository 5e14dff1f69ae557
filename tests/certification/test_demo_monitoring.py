"""seed_demo after the award: assessed progress reports of some 2564 areas, marked as sample data, the
progress index they make, and requests for renewal that the committee can decide after `make run`."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from certification.enums import Body, RenewalStatus, ReportStatus
from certification.models import AwardRound, ProgressReport, Renewal, Resolution
from certification.services import renewals
from certification.services.core import WorkflowError
from cities.models import ProgressIndex

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def test_assessed_reports_of_2564_areas_are_sample_data(seeded):
    reports = ProgressReport.objects.select_related("award__round", "award__certified_city")
    assert reports.count() == 16
    assert {(r.award.round.year, r.year, r.status, r.is_sample) for r in reports} == {
        (2564, 2565, ReportStatus.ASSESSED, True),
        (2564, 2566, ReportStatus.ASSESSED, True),
    }
    phuket = reports.get(award__certified_city__name_th="ภูเก็ตเมืองอัจฉริยะ", year=2566)
    # (84 + 78 + 88 + 2 × 82 + 75) / 6
    assert (phuket.due_on, phuket.index, phuket.assessed_progress) == (
        datetime.date(2023, 10, 31), Decimal("81.50"), Decimal("68.00"),
    )  # fmt: skip
    assert "ข้อมูลตัวอย่าง" in phuket.assessment_comment and phuket.evidence.count() == 1
    assert phuket.versions.get().snapshot["summary"] == "สรุปความก้าวหน้าประจำปี (ข้อมูลตัวอย่าง)"
    assert ProgressIndex.objects.filter(is_sample=True).count() == 16


def test_the_index_is_public_in_the_registry(seeded, client):
    page = client.get(reverse("registry:progress")).content.decode()
    assert '<option value="2566" selected>พ.ศ. 2566</option>' in page
    table = page.split('id="progress-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 9  # the heading and eight areas
    assert table.index("สามย่านสมาร์ทซิตี้") < table.index("ภูเก็ตเมืองอัจฉริยะ")  # 84.67 before 81.50


def test_the_requests_for_renewal_wait_and_the_committee_can_decide_them(seeded):
    waiting = Renewal.objects.select_related("award__certified_city").order_by("progress")
    assert [(r.award.certified_city.name_th, r.progress, r.status) for r in waiting] == [
        ("พื้นที่ตัวอย่าง นครสวรรค์ (ข้อมูลตัวอย่าง)", Decimal("40.00"), RenewalStatus.REQUESTED),
        ("เมืองยะลา", Decimal("50.00"), RenewalStatus.REQUESTED),
        ("ภูเก็ตเมืองอัจฉริยะ", Decimal("68.00"), RenewalStatus.REQUESTED),
        ("สามย่านสมาร์ทซิตี้", Decimal("76.00"), RenewalStatus.REQUESTED),
    ]
    committee = get_user_model().objects.get(username="committee")
    resolution = Resolution.objects.filter(meeting__body=Body.COMMITTEE, meeting__year=2569).first()
    this_year = AwardRound.objects.create(year=2569)
    yala, phuket = waiting[1], waiting[2]
    with pytest.raises(WorkflowError):
        renewals.renew(yala, actor=committee, resolution=resolution, award_round=this_year)
    new = renewals.renew(phuket, actor=committee, resolution=resolution, award_round=this_year)
    assert (new.awarded_on, new.valid_until) == (datetime.date(2026, 4, 21), datetime.date(2028, 4, 21))
    assert new.certified_city.status == "active"


def test_seeding_again_changes_nothing_after_the_award(seeded, settings):
    before = (
        sorted(ProgressReport.objects.values_list("award_id", "year", "index", "assessed_progress")),
        sorted(ProgressIndex.objects.values_list("certified_city_id", "year", "index")),
        sorted(Renewal.objects.values_list("award_id", "progress", "status")),
    )
    call_command("seed_demo", verbosity=0)
    assert before == (
        sorted(ProgressReport.objects.values_list("award_id", "year", "index", "assessed_progress")),
        sorted(ProgressIndex.objects.values_list("certified_city_id", "year", "index")),
        sorted(Renewal.objects.values_list("award_id", "progress", "status")),
    )
