"""Reads of the certification app, for views, the admin, tasks and the services. Which objects a user
may see is decided by ``rules`` (``rules.applications_of``, ``rules.visible``).

Over 400 lines because every read of the app is here, as the architecture promises (one place to look
for a query); in order: the applicant's applications, reading and completeness, changes between
versions, evaluations and meetings, documents and printing, the applicant's documents, the plan's
prefill and budget, the stage tracker, the applicant's dashboard."""

import difflib
import re
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartcity.thaidate import be_year

from . import geo, rules
from .enums import (
    CLOSED_STATES,
    REVISING_STATES,
    WRITING_STATES,
    AttachmentKind,
    Component,
    ConflictOfInterest,
    DocumentKind,
    DocumentStatus,
    Recommendation,
    ScreeningOutcome,
    Stage,
    Status,
    Validity,
)
from .history import concerns_applicant
from .layout import misfits
from .models import AuditEntry, Document, Meeting, Section
from .sections import sections_for, spec_for


def dashboard_applications(user):
    """The dashboard's list: a fixed number of queries however many applications there are."""
    return (
        rules.applications_of(user)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "audit_entries",
                queryset=AuditEntry.objects.select_related("actor").order_by("created_at", "pk"),
            ),
            Prefetch("sections", queryset=Section.objects.filter(reopened=True), to_attr="reopened_sections"),
            "attachments",
        )
        .order_by("-created_at")
    )


def applicant_timeline(application):
    """The history the applicant reads: what concerns them, not the committee's inner workings."""
    entries = application.audit_entries.select_related("actor").order_by("created_at", "pk")
    return [entry for entry in entries if concerns_applicant(entry)]


# --- Applications under review


def application_reading(application):
    """The whole application as the applicant wrote it, section by section in their order, for staff
    who judge it: every field with its label and the value as typed, the services of each domain as
    tables, the boundary as a drawing, and the attachments."""
    saved = {s.key: s for s in application.sections.all()}
    stages = [Stage.PROPOSAL] if application.stage == Stage.PROPOSAL else [Stage.PROPOSAL, Stage.PLAN]
    sections = []
    for stage in stages:
        for spec in sections_for(application, stage):
            section = saved.get(spec.key)
            form = spec.form(section.data if section else {}, application=application)
            entry = {"spec": spec, "section": section, "items": [], "tables": [], "boundary": None}
            if hasattr(form, "typed_tables"):
                entry["tables"] = form.typed_tables()
            else:
                for name, label, value in form.typed_items():
                    if name == "boundary_geojson":
                        entry["boundary"] = (
                            {"label": label, "outline": geo.outline(value)} if value != "—" else None
                        )
                    else:
                        entry["items"].append((label, value))
            sections.append(entry)
    return {
        "sections": sections,
        "attachments": list(application.attachments.select_related("uploaded_by")),
        "versions": list(application.versions.select_related("submitted_by").order_by("number")),
    }


def _field_names(form):
    if hasattr(form, "fields"):
        return [str(form.fields[name].label) for name in form.errors if name in form.fields]
    return []


def completeness_problems(application):
    """What is missing before the current stage can be submitted, as sentences naming it."""
    problems = []
    sections = {s.key: s for s in application.sections.all()}
    for spec in sections_for(application):
        section = sections.get(spec.key)
        form = spec.form(section.data if section else {}, application=application)
        if not section or not form.is_valid():
            missing = _field_names(form) if section else []
            if missing:
                problems.append(
                    _("“%(section)s” is incomplete: %(fields)s.")
                    % {"section": spec.title, "fields": ", ".join(missing)}
                )
            else:
                problems.append(_("“%(section)s” is incomplete.") % {"section": spec.title})
        if section and section.reopened and not section.applicant_response.strip():
            problems.append(_("Answer the reviewers' request in “%(section)s”.") % {"section": spec.title})
    kinds = set(application.attachments.values_list("kind", flat=True))
    for kind in settings.CERTIFICATION_REQUIRED_ATTACHMENTS.get(application.stage, []):
        if kind not in kinds:
            problems.append(_("Attach the %(kind)s.") % {"kind": AttachmentKind(kind).label.lower()})
    return problems


# What a Thai reader sees as one piece: a consonant with its leading vowel, the marks above and below it
# and a following sara a, aa or am; a Latin word or a number; a run of spaces; any other character.
# Thai has no spaces between words, so a diff by these pieces never splits a vowel from its consonant.
PIECES = re.compile(
    r"[เแโใไ]?[\u0e01-\u0e2e][\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*[ะาำ]?[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]*"
    r"|[A-Za-z0-9.,]+|\s+|.",
    re.S,
)
# Below this likeness the two texts are shown whole, old then new: interleaved, they would not read.
DIFF_INTERLEAVED_FROM = 0.5


def _inline_diff(old, new):
    """HTML marking what was removed and added, piece by piece (``PIECES``)."""
    a, b = PIECES.findall(old), PIECES.findall(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    if matcher.ratio() < DIFF_INTERLEAVED_FROM:
        removed = f"<del>{escape(old)}</del> " if old else ""
        return mark_safe(removed + (f"<ins>{escape(new)}</ins>" if new else ""))  # noqa: S308 - escaped
    # Runs of (removed, added, kept); a single kept piece between two changes joins them.
    runs = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(["", "", "".join(a[a1:a2]), a2 - a1])
        else:
            runs.append(["".join(a[a1:a2]), "".join(b[b1:b2]), "", 0])
    merged = []
    for index, run in enumerate(runs):
        between = 0 < index < len(runs) - 1 and run[3] == 1
        if run[2] and between and merged and not merged[-1][2]:
            merged[-1][0] += run[2]
            merged[-1][1] += run[2]
        elif not run[2] and merged and not merged[-1][2]:
            merged[-1][0] += run[0]
            merged[-1][1] += run[1]
        else:
            merged.append(run)
    parts = []
    for removed, added, kept, _count in merged:
        parts.append(escape(kept))
        if removed:
            parts.append(f"<del>{escape(removed)}</del>")
        if added:
            parts.append(f"<ins>{escape(added)}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def diff_versions(old, new):
    """What changed between two snapshots: [{section, label, old, new, html}] for each changed value."""
    changes = []
    old_sections = {s["key"]: s for s in old["sections"]}
    for section in new["sections"]:
        before = dict(map(tuple, old_sections.get(section["key"], {}).get("items", [])))
        after = dict(map(tuple, section["items"]))
        for label in [*after, *(k for k in before if k not in after)]:
            a, b = before.get(label, ""), after.get(label, "")
            if a != b:
                changes.append(
                    {
                        "section": section["title"],
                        "label": label,
                        "old": a,
                        "new": b,
                        "html": _inline_diff(a, b),
                    }
                )
    old_files = {(f["name"], f["sha256"]) for f in old["attachments"]}
    new_files = {(f["name"], f["sha256"]) for f in new["attachments"]}
    for name, _sha in sorted(new_files - old_files):
        changes.append({"section": _("Attachments"), "label": name, "old": "", "new": _("added"), "html": ""})
    for name, _sha in sorted(old_files - new_files):
        changes.append(
            {"section": _("Attachments"), "label": name, "old": _("removed"), "new": "", "html": ""}
        )
    return changes


def has_passed_screening(application):
    latest = application.screenings.order_by("-screened_at", "-pk").first()
    return latest is not None and latest.outcome == ScreeningOutcome.PASSED


def score_summary(application, assignments=None):
    """The secretariat's view of the evaluations: per-component means, the overall weighted scores'
    mean, median and standard deviation, and whether the evaluators disagree."""
    weights = settings.CERTIFICATION_COMPONENT_WEIGHTS
    if assignments is None:
        assignments = application.assignments.all()
    done = [a for a in assignments if a.submitted_at and a.conflict == ConflictOfInterest.NONE]
    totals = [a.weighted_score(weights) for a in done]
    summary = {
        "count": len(done),
        "assigned": len([a for a in assignments if a.conflict != ConflictOfInterest.CONFLICTED]),
        "totals": totals,
        "components": {c: statistics.fmean(a.scores[c] for a in done) for c in Component.values}
        if done
        else {},
        "mean": statistics.fmean(totals) if totals else None,
        "median": statistics.median(totals) if totals else None,
        "stdev": statistics.stdev(totals) if len(totals) > 1 else 0.0 if totals else None,
        "spread": max(totals) - min(totals) if totals else None,
        "recommendations": sorted({a.recommendation for a in done}),
        # Each recommendation in words, with how many evaluators made it.
        "recommendation_counts": [
            (Recommendation(code).label, sum(a.recommendation == code for a in done))
            for code in Recommendation.values
            if any(a.recommendation == code for a in done)
        ],
    }
    summary["disagreement"] = bool(done) and (
        len(summary["recommendations"]) > 1 or summary["spread"] > settings.CERTIFICATION_DISAGREEMENT_SPREAD
    )
    return summary


def next_meeting_number(body, year):
    return (Meeting.objects.filter(body=body, year=year).aggregate(n=Max("number"))["n"] or 0) + 1


# --- Documents


def area_name(application):
    """The name of the target area as the applicant gave it in the area section."""
    section = application.sections.filter(key="area").first()
    values = (section.data or {}).get("area_name", []) if section else []
    return values[0].strip() if values and values[0] else ""


def current_documents():
    """Documents neither revoked nor superseded."""
    return Document.objects.filter(revoked_at__isnull=True, superseded_by__isnull=True)


def validity(document, today=None):
    """What the verification page says: revoked, superseded, expired or valid."""
    if document.revoked_at:
        return Validity.REVOKED
    if Document.objects.filter(supersedes=document).exists():
        return Validity.SUPERSEDED
    today = today or timezone.localdate()
    if document.valid_until and today > document.valid_until:
        return Validity.EXPIRED
    return Validity.VALID


def unfinished_documents(year):
    return Document.objects.filter(year=year).exclude(status=DocumentStatus.READY).order_by("kind", "number")


def round_problems(award_round):
    """What would leave every document of the round without a proper signature: no signatories, or a
    signatory without an image (or whose file is gone). Shown before awarding, and in the pre-flight."""
    signatories = list(award_round.signatories.all())
    if not signatories:
        return [_("The round of %(year)s has no signatories.") % {"year": award_round.year}]
    problems = []
    for signatory in signatories:
        if not signatory.signature:
            problems.append(_("%(name)s has no signature image.") % {"name": signatory.name})
        elif not signatory.signature.storage.exists(signatory.signature.name):
            problems.append(_("The signature image of %(name)s is missing.") % {"name": signatory.name})
    return problems


def preflight(year):
    """What would make the documents of ``year`` wrong or fail, as sentences, before anything renders
    or is printed: a round without signatories, signatures without an image (or whose file is gone),
    no usable signing certificate, and every current document, ready ones included, whose texts do not
    fit their places (even at their smallest size, wrapped), that has no one to sign it, or whose
    promotion-zone certificate cannot name the committee's meeting."""
    from . import signing

    problems = []
    documents = list(current_documents().filter(year=year).select_related("round").order_by("kind", "number"))
    rounds = {d.round for d in documents if d.round}
    for award_round in sorted(rounds, key=lambda r: r.year):
        problems += round_problems(award_round)
    if any(d.template_version != "v1" for d in documents):
        try:
            if signing.identity() is None:
                problems.append(_("No signing certificate is configured: documents will not be signed."))
        except signing.SigningUnavailable as error:
            problems.append(_("The signing certificate cannot be used: %(error)s.") % {"error": error})
    for document in documents:
        for text, place in misfits(document.kind, document.template_version, document.data):
            if place is None:
                problem = _("%(serial)s: “%(text)s” is too long for its line.") % {
                    "serial": document.serial,
                    "text": text,
                }
            else:
                problem = _(
                    "%(serial)s: “%(text)s” does not fit its place, even at %(size)s pt on %(lines)s lines."
                ) % {
                    "serial": document.serial,
                    "text": text,
                    "size": f"{place.minimum:g}",
                    "lines": place.max_lines,
                }
            problems.append(problem)
        if document.template_version != "v1":
            if not document.data.get("signatories"):
                problems.append(_("%(serial)s has no signatories.") % {"serial": document.serial})
            if document.kind == DocumentKind.PROMOTION_ZONE_CERTIFICATE and not document.data.get(
                "meeting_th"
            ):
                problems.append(
                    _("%(serial)s does not name the committee meeting that acknowledged the zone.")
                    % {"serial": document.serial}
                )
    return list(dict.fromkeys(problems))


def progress(year):
    """Counts per rendering status, and the documents that failed with their errors."""
    counts = dict.fromkeys(DocumentStatus.values, 0)
    for row in Document.objects.filter(year=year).values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    total = sum(counts.values())
    errors = list(
        Document.objects.filter(year=year)
        .exclude(last_error="")
        .exclude(status=DocumentStatus.READY)
        .order_by("kind", "number")
        .values("serial", "status", "attempts", "last_error")
    )
    return {
        "year": year,
        "total": total,
        "counts": counts,
        "done": counts[DocumentStatus.READY],
        "percent": round(100 * counts[DocumentStatus.READY] / total) if total else 100,
        "finished": counts[DocumentStatus.PENDING] + counts[DocumentStatus.RENDERING] == 0,
        "errors": errors,
    }


def printable_documents(year):
    """The current, ready documents of a year in print order: certificates, plaques, promotion-zone
    certificates, each by number."""
    order = {kind: position for position, kind in enumerate(DocumentKind.values)}
    documents = current_documents().filter(year=year, status=DocumentStatus.READY)
    return sorted(documents, key=lambda d: (order[d.kind], d.number))


# --- What the applicant receives


class ApplicantDocumentState(models.TextChoices):
    """A document as its holder sees it (rendering and validity in one word)."""

    PREPARING = "preparing", gettext_lazy("Being prepared")
    READY = "ready", gettext_lazy("Ready")
    EXPIRED = "expired", gettext_lazy("Expired")
    SUPERSEDED = "superseded", gettext_lazy("Superseded")
    REVOKED = "revoked", gettext_lazy("Revoked")


def reference_number(application, version):
    """The number an applicant quotes about one submission: ``SC-2569-0007/2`` is the second version
    submitted of application 7, created in B.E. 2569. The id is the application's for good; the year
    only helps a reader place it."""
    return f"SC-{be_year(application.created_at)}-{application.pk:04d}/{version}"


def latest_reference(application):
    """The reference number of the latest submission, or "" before the first."""
    number = application.versions.aggregate(n=Max("number"))["n"]
    return reference_number(application, number) if number else ""


def applicant_documents(user, application=None):
    """The documents issued to the user's organisations (or to one of their applications), oldest
    first: the promotion-zone certificate before the award's certificate and plaque."""
    documents = Document.objects.filter(application__in=rules.applications_of(user))
    if application is not None:
        documents = documents.filter(application=application)
    order = {
        DocumentKind.PROMOTION_ZONE_CERTIFICATE: 0,
        DocumentKind.AWARD_CERTIFICATE: 1,
        DocumentKind.PLAQUE: 2,
    }
    documents = documents.select_related("application", "superseded_by")
    return sorted(documents, key=lambda d: (d.application_id, d.issued_on, d.created_at, order[d.kind]))


def document_state(document, today=None):
    """What the applicant is told of a document: revoked, superseded, being prepared, expired or ready."""
    if document.revoked_at:
        return ApplicantDocumentState.REVOKED
    if getattr(document, "superseded_by", None) is not None:
        return ApplicantDocumentState.SUPERSEDED
    if document.status != DocumentStatus.READY:
        return ApplicantDocumentState.PREPARING
    today = today or timezone.localdate()
    if document.valid_until and today > document.valid_until:
        return ApplicantDocumentState.EXPIRED
    return ApplicantDocumentState.READY


def is_downloadable(document):
    """Only a current document whose PDF has been rendered is offered (and served)."""
    return document_state(document) in (ApplicantDocumentState.READY, ApplicantDocumentState.EXPIRED)


def downloadable_document(user, serial):
    """The user's document with that serial, if its PDF may be downloaded; None otherwise."""
    return (
        current_documents()
        .filter(application__in=rules.applications_of(user), serial=serial, status=DocumentStatus.READY)
        .exclude(file="")
        .first()
    )


# --- The public record of an application's area


def _typed_value(application, sections, key, name):
    """One field of a section, cleaned as its form cleans it (Thai digits read), None if it does not
    validate or was left empty."""
    spec = spec_for(application, key)
    section = sections.get(key)
    if spec is None or section is None:
        return None
    values = (section.data or {}).get(name) or [""]
    try:
        value = spec.form(application=application).fields[name].clean(values[0])
    except ValidationError:
        return None
    return value.strip() if isinstance(value, str) else value


def registry_facts(application):
    """What the public registry shows of an application's area, from what the applicant wrote: its
    domains, the population served (area section), the vision (the plan's once there is one, the
    proposal's before), the goals (proposal) and who answers questions about the area (the
    organisation: the sections name no coordinator)."""
    sections = {s.key: s for s in application.sections.all()}
    organisation = application.organisation
    plan_vision = _typed_value(application, sections, "plan_vision", "vision")
    return {
        "domain_codes": ",".join(application.domains),
        "population": _typed_value(application, sections, "area", "population"),
        "vision": plan_vision or _typed_value(application, sections, "vision", "vision") or "",
        "goals": _typed_value(application, sections, "vision", "goals") or "",
        "contact": " / ".join(name for name in (organisation.name_th, organisation.name_en) if name),
    }


# --- The applicant's way through: the plan started from the proposal, budgets, the stages


def plan_prefill(application):
    """The first component of the plan as the proposal already says it (vision and goals; the area, its
    provinces, size, population and boundary), for the applicant to edit rather than type again."""
    saved = {s.key: s.data or {} for s in application.sections.filter(key__in=["vision", "area"])}
    vision, area = saved.get("vision", {}), saved.get("area", {})

    def typed(data, name):
        return " ".join(value.strip() for value in data.get(name, []) if value and value.strip())

    goals = typed(vision, "goals")
    vision_text = "\n\n".join(filter(None, [typed(vision, "vision"), goals and f"{_('Goals')}: {goals}"]))
    provinces = ", ".join(str(p) for p in application.provinces.all())
    figures = [
        provinces and f"{_('Provinces')}: {provinces}",
        typed(area, "area_km2") and f"{_('Area (km²)')}: {typed(area, 'area_km2')}",
        typed(area, "population") and f"{_('Population served')}: {typed(area, 'population')}",
    ]
    target_area = "\n".join(
        filter(
            None,
            [
                typed(area, "area_name"),
                " · ".join(filter(None, figures)),
                typed(area, "boundary_description"),
            ],
        )
    )
    return {key: value for key, value in {"vision": vision_text, "target_area": target_area}.items() if value}


def budget_totals(application):
    """{domain code: total budget of its projects as saved}, in the order of the plan's sections, and
    their sum: the running totals the services pages and the review show."""
    from .sections import typed_budget

    saved = {s.key: s.data or {} for s in application.sections.filter(key__startswith="services_")}
    totals = {}
    for spec in sections_for(application, Stage.PLAN):
        if spec.domain:
            totals[spec.domain] = typed_budget(MultiValueDict(saved.get(spec.key, {})))
    return totals, sum(totals.values(), Decimal(0))


@dataclass(frozen=True)
class StageStep:
    number: int
    label: str
    state: str  # "done" | "current" | "upcoming"


# The programme's seven stages, and the states of an application within each.
STAGES = [
    (gettext_lazy("Proposal"), {Status.DRAFT}),
    (gettext_lazy("Screening"), {Status.SUBMITTED, Status.SCREENING, Status.RETURNED}),
    (gettext_lazy("Promotion zone: development plan"), {Status.PROMOTION_ZONE}),
    (gettext_lazy("Plan evaluation"), {Status.PLAN_SUBMITTED, Status.EVALUATION, Status.REVISION_REQUESTED}),
    (gettext_lazy("Subcommittee"), {Status.RECOMMENDED}),
    (gettext_lazy("Committee"), {Status.SUBCOMMITTEE_APPROVED}),
    (gettext_lazy("Award of the logo"), {Status.ENDORSED, Status.AWARDED}),
]

NEXT_STEPS = {
    Status.DRAFT: gettext_lazy("You complete the proposal and submit it."),
    Status.SUBMITTED: gettext_lazy("The secretariat starts screening your proposal."),
    Status.SCREENING: gettext_lazy(
        "The secretariat screens your proposal; if it passes, the committee considers your area as a "
        "promotion zone."
    ),
    Status.RETURNED: gettext_lazy("You revise the sections the secretariat reopened and resubmit."),
    Status.PROMOTION_ZONE: gettext_lazy("You write the development plan and submit it."),
    Status.PLAN_SUBMITTED: gettext_lazy("The secretariat starts the evaluation of your plan."),
    Status.EVALUATION: gettext_lazy(
        "The working group evaluates your plan and recommends it, or asks for revisions."
    ),
    Status.REVISION_REQUESTED: gettext_lazy("You revise the reopened sections of the plan and resubmit."),
    Status.RECOMMENDED: gettext_lazy("The Smart City Subcommittee considers your plan."),
    Status.SUBCOMMITTEE_APPROVED: gettext_lazy("The National Smart City Committee considers your plan."),
    Status.ENDORSED: gettext_lazy("The logo is awarded in the next award round."),
    Status.AWARDED: gettext_lazy("Nothing more: your area is certified."),
    Status.WITHDRAWN: gettext_lazy("Nothing more: the application was withdrawn."),
    Status.REJECTED: gettext_lazy("Nothing more: the application was rejected."),
}


def stage_tracker(application, today=None):
    """Where the application stands among the programme's seven stages, what happens next, and by when
    (the target of its state's service-level clock, in working days from when it entered the state)."""
    from . import clock

    current = next((i for i, (_label, states) in enumerate(STAGES) if application.status in states), None)
    if application.status == Status.AWARDED:
        current = len(STAGES)  # every stage done
    steps = []
    for index, (label, _states) in enumerate(STAGES):
        if current is None:
            state = "upcoming"
        elif index < current:
            state = "done"
        else:
            state = "current" if index == current else "upcoming"
        steps.append(StageStep(index + 1, label, state))
    target = clock.target_date(application)
    return {
        "steps": steps,
        "closed": application.status in (Status.WITHDRAWN, Status.REJECTED),
        "next": NEXT_STEPS.get(application.status, ""),
        "target_date": target,
        "overdue": target is not None and (today or timezone.localdate()) > target,
        "target_days": clock.target_days(application),
    }


def dashboard_filter(queryset, *, text="", state="", organisation=None):
    """The dashboard's list narrowed to what the applicant searched for: words of the title, of a
    province's name (Thai or English) or of the organisation's, a state group (``writing``,
    ``with_programme``, ``closed``) or one state, one of their organisations."""
    for word in text.split():
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(provinces__name_th__icontains=word)
            | Q(provinces__name_en__icontains=word)
            | Q(organisation__name_th__icontains=word)
            | Q(organisation__name_en__icontains=word)
        ).distinct()
    groups = {
        "writing": WRITING_STATES | REVISING_STATES,
        "closed": CLOSED_STATES,
    }
    if state in groups:
        queryset = queryset.filter(status__in=groups[state])
    elif state == "with_programme":
        queryset = queryset.exclude(status__in=WRITING_STATES | REVISING_STATES | CLOSED_STATES)
    elif state:
        queryset = queryset.filter(status=state)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset
