"""Writes the demo's progress reports and requests for renewal (``record.PROGRESS_2564``), as history:
assessed reports of some 2564 areas for 2565 and 2566 with their evidence and versions, the progress
index of the registry, and requests for renewal waiting for the committee. All of it is sample data,
marked so. Idempotent: what is there is left as it is."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from cities.models import ProgressIndex

from .. import progress
from ..enums import Component, RenewalStatus, ReportStatus
from ..models import AuditEntry, Award, ProgressReport, Renewal, ReportEvidence, ReportVersion
from .record import (
    PROGRESS_2564,
    RENEWAL_REQUESTED_2564,
    RENEWAL_REQUESTS_2564,
    REPORT_DATES_2564,
    REPORT_DUE_2564,
    SAMPLE_PDF,
)

SAMPLE = "(ข้อมูลตัวอย่าง)"


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _content(scores, assessed):
    """What the organisation typed (sample): its scores a little above the secretariat's."""
    content = {}
    for component, score in zip(Component.values, scores, strict=True):
        content[f"score_{component}"] = [str(min(score + 5, 100))]
        content[f"account_{component}"] = [f"ดำเนินการตามแผนในปีนี้ {SAMPLE}"]
    content["progress"] = [str(min(assessed + 5, 100))]
    content["summary"] = [f"สรุปความก้าวหน้าประจำปี {SAMPLE}"]
    return content


def seed_progress(users, rounds):
    """Reports, the index and the requests for renewal of ``record.PROGRESS_2564``. Returns how many
    reports there are."""
    secretariat = users["secretariat"]
    award_round = rounds[2564]
    if award_round.report_due_on is None:
        award_round.report_due_on = REPORT_DUE_2564
        award_round.save(update_fields=["report_due_on"])
    awards = {
        a.certified_city.name_th: a
        for a in Award.objects.filter(
            round=award_round, certified_city__name_th__in=PROGRESS_2564
        ).select_related("certified_city", "application", "round")
    }
    existing = set(ProgressReport.objects.filter(award__in=awards.values()).values_list("award_id", "year"))
    for name, years in PROGRESS_2564.items():
        award = awards.get(name)
        if award is None:
            continue
        for (year, submitted_on, assessed_on), (scores, assessed) in zip(
            REPORT_DATES_2564, years, strict=True
        ):
            if (award.pk, year) not in existing:
                _report(award, year, submitted_on, assessed_on, scores, assessed, secretariat)
    _renewal_requests(awards, secretariat)
    return ProgressReport.objects.filter(award__in=awards.values()).count()


def _report(award, year, submitted_on, assessed_on, scores, assessed, secretariat):
    by_component = dict(zip(Component.values, scores, strict=True))
    index = progress.weighted_index(by_component)
    content = _content(scores, assessed)
    report = ProgressReport.objects.create(
        award=award, year=year, due_on=progress.due_on(award, year), status=ReportStatus.ASSESSED,
        indicators=[], data=content, is_complete=True, version=1, updated_at=_at(submitted_on, 9),
        updated_by=secretariat, state_entered_at=_at(assessed_on, 15), submitted_at=_at(submitted_on),
        scores=by_component, assessed_progress=assessed, index=index,
        assessment_comment=f"ความก้าวหน้าตามแผน {SAMPLE}", assessed_by=secretariat,
        assessed_at=_at(assessed_on, 15), is_sample=True,
    )  # fmt: skip
    evidence = ReportEvidence(report=report, original_name=f"หลักฐานความก้าวหน้า-{year}.pdf",
                              content_type="application/pdf", size=len(SAMPLE_PDF), uploaded_by=secretariat,
                              sha256=hashlib.sha256(SAMPLE_PDF).hexdigest())  # fmt: skip
    evidence.file.save("upload", ContentFile(SAMPLE_PDF), save=True)
    ReportVersion.objects.create(
        report=report, number=1, snapshot=progress.snapshot(report), submitted_by=secretariat
    )
    ReportVersion.objects.filter(report=report).update(submitted_at=_at(submitted_on))
    ReportEvidence.objects.filter(pk=evidence.pk).update(uploaded_at=_at(submitted_on, 9))
    ProgressReport.objects.filter(pk=report.pk).update(created_at=_at(submitted_on, 8))
    ProgressIndex.objects.update_or_create(
        certified_city=award.certified_city, year=year,
        defaults={"scores": by_component, "index": index, "plan_progress": assessed, "assessed_on": assessed_on,
                  "is_sample": True},
    )  # fmt: skip
    common = {"year": year, "report": report.pk}
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(application=award.application, action="certification.report.submitted", actor=secretariat,
                       created_at=_at(submitted_on), data={**common, "before": "draft", "after": "submitted",
                                                           "note": SAMPLE, "version": 1}),
            AuditEntry(application=award.application, action="certification.report.assessed", actor=secretariat,
                       created_at=_at(assessed_on, 15), data={**common, "before": "submitted", "after": "assessed",
                                                              "note": "", "index": str(index),
                                                              "progress": str(assessed)}),
        ]
    )  # fmt: skip


def _renewal_requests(awards, secretariat):
    for name in RENEWAL_REQUESTS_2564:
        award = awards.get(name)
        if award is None or award.renewals.exists():
            continue
        report = progress.latest_assessed_report(award)
        renewal = Renewal.objects.create(
            award=award, report=report, progress=report.assessed_progress, status=RenewalStatus.REQUESTED,
            note=f"ยื่นคำขอเป็นหนังสือ บันทึกโดยสำนักงานเลขานุการ {SAMPLE}", requested_by=secretariat,
            requested_at=_at(RENEWAL_REQUESTED_2564),
        )  # fmt: skip
        AuditEntry.objects.create(
            application=award.application, action="certification.renewal.requested", actor=secretariat,
            created_at=_at(RENEWAL_REQUESTED_2564),
            data={"progress": str(report.assessed_progress), "year": report.year, "renewal": renewal.pk},
        )  # fmt: skip
