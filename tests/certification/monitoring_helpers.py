"""Shared set-up of the tests of progress reports, renewal and revocation: an award whose plan names
indicators, a report filled in as a browser would post it, the committee's resolutions."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from certification.demo.record import SAMPLE_PDF
from certification.enums import Body, Component, Role, Status
from certification.models import AwardRound
from certification.services import awards, reporting
from tests.certification.awards_helpers import round_2565, secretariat
from tests.factories import (
    COMPLETE_PLAN,
    COMPLETE_PROPOSAL,
    ApplicationFactory,
    UserFactory,
    meeting_resolution,
    services_content,
)

PDF = SAMPLE_PDF  # a PDF of one blank page
PLAN = {**COMPLETE_PLAN, "services_ENV": services_content(), "services_MOB": services_content("รถโดยสารไฟฟ้า")}
# The secretariat's scores: services weigh twice (CERTIFICATION_COMPONENT_WEIGHTS), so the index is
# (80 + 70 + 60 + 2 × 75 + 65) / 6 = 70.83.
SCORES = {"vision": 80, "infrastructure": 70, "data_platform": 60, "services": 75, "management": 65}


def awarded_with_plan(award_round=None, title="ลำปางเมืองน่าอยู่อัจฉริยะ"):
    """An award (round 2565 by default: 9 January 2023 to 9 January 2025) of an application whose plan
    has two domains with one indicator each."""
    award_round = award_round or AwardRound.objects.filter(year=2565).first() or round_2565()
    application = ApplicationFactory(
        status=Status.ENDORSED, complete=True, title=title, sections={**COMPLETE_PROPOSAL, **PLAN}
    )
    return awards.award(application, award_round, actor=secretariat())


def applicant_of(award):
    return award.application.created_by


def report_content(indicators=2, progress="62.5", **overrides):
    """What a browser posts for a complete report (Thai digits and separators included)."""
    content = {f"achieved_{n}": ["๓๐"] for n in range(indicators)}
    content |= {f"note_{n}": ["ติดตั้งเซ็นเซอร์แล้ว 40 จุด"] for n in range(indicators)}
    for component in Component.values:
        content[f"score_{component}"] = ["70"]
        content[f"account_{component}"] = ["ดำเนินการตามแผน"]
    content["progress"] = [progress]
    content["summary"] = ["ปีแรกของแผน"]
    return content | {key: [value] for key, value in overrides.items()}


def filed_report(award, year=2567, *, progress="62.5"):
    """The award's report of ``year``, written, with evidence, and submitted by its organisation."""
    applicant = applicant_of(award)
    report = reporting.open_report(award, year, actor=applicant)
    report, _form = reporting.save_report(
        report, report_content(len(report.indicators), progress), actor=applicant, expected_version=0
    )
    reporting.add_evidence(report, SimpleUploadedFile("หลักฐาน.pdf", PDF), actor=applicant)
    return reporting.submit_report(report, actor=applicant)


def assessed_report(award, year=2567, *, assessed_progress=62.5, scores=None):
    report = filed_report(award, year)
    return reporting.assess_report(
        report,
        actor=secretariat(),
        scores=scores or SCORES,
        assessed_progress=assessed_progress,
        comment="ก้าวหน้าตามแผน",
    )


def committee_resolution(number=1, year=2567, day=datetime.date(2024, 11, 20)):
    return meeting_resolution(
        Body.COMMITTEE,
        recorded_by=UserFactory(role=Role.COMMITTEE_SECRETARY),
        number=number,
        year=year,
        day=day,
    )


def round_2567():
    return AwardRound.objects.get_or_create(
        year=2567, defaults={"ceremony_date": datetime.date(2025, 1, 15)}
    )[0]
