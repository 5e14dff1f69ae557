"""What waits for whom: the work queues of the committee staff, shown on the admin's index page and
offered as a filter of the application list ("Waiting for"), so that the count on the index and the
list behind its link are the same query.

A queue of applications is a key, a label, the roles it is shown to, and a filter; its items are
listed oldest first (by the time they entered their state), and those past their state's target time
(``clock``) are counted as overdue.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import clock, rules
from .enums import (
    ConflictOfInterest,
    DocumentStatus,
    NotificationStatus,
    RenewalStatus,
    ReportStatus,
    Role,
    ScreeningOutcome,
    Status,
)
from .models import (
    Application,
    Document,
    EvaluatorAssignment,
    Notification,
    ProgressReport,
    Renewal,
    Screening,
)


def with_latest_screening(queryset):
    """Each application with the outcome of its latest screening (``latest_screening``), for lists."""
    return queryset.annotate(latest_screening=_latest_screening())


def _latest_screening():
    return Subquery(
        Screening.objects.filter(application=OuterRef("pk"))
        .order_by("-screened_at", "-pk")
        .values("outcome")[:1]
    )


def _evaluators(**filters):
    return Exists(
        EvaluatorAssignment.objects.filter(application=OuterRef("pk"), **filters).exclude(
            conflict=ConflictOfInterest.CONFLICTED
        )
    )


def screening_pending(queryset):
    return queryset.filter(status=Status.SCREENING).exclude(
        pk__in=screening_passed(Application.objects.all()).values("pk")
    )


def screening_passed(queryset):
    """In screening, and the latest screening passed: waiting for the committee to acknowledge the area
    as a promotion zone. (An alias of its own: lists annotate ``latest_screening`` to show it, and an
    alias of the same name would take the annotation out of their rows.)"""
    return queryset.alias(passed_screening=_latest_screening()).filter(
        status=Status.SCREENING, passed_screening=ScreeningOutcome.PASSED
    )


def status_label(application):
    """The application's state in words, telling "screening passed, awaiting the committee" apart from
    "in screening" (from ``with_latest_screening``'s annotation where the list has it)."""
    if application.status != Status.SCREENING:
        return application.get_status_display()
    if hasattr(application, "latest_screening"):
        outcome = application.latest_screening
    else:
        latest = application.screenings.order_by("-screened_at", "-pk").first()
        outcome = latest.outcome if latest else None
    if outcome == ScreeningOutcome.PASSED:
        return _("Screening passed: awaiting the committee")
    return application.get_status_display()


def without_evaluator(queryset):
    return queryset.filter(status=Status.EVALUATION).exclude(_evaluators())


def evaluated(queryset):
    """In evaluation, and every evaluator without a conflict of interest has submitted."""
    return (
        queryset.filter(status=Status.EVALUATION)
        .filter(_evaluators())
        .exclude(_evaluators(submitted_at=None))
    )


def _status(status):
    return lambda queryset: queryset.filter(status=status)


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    roles: frozenset
    select: object  # queryset → queryset


SECRETARIAT, COMMITTEE, OFFICIAL = Role.SECRETARIAT, Role.COMMITTEE_SECRETARY, Role.OFFICIAL
APPLICATION_QUEUES = [
    Queue(
        "submitted", _("Proposals submitted: start the screening"), {SECRETARIAT}, _status(Status.SUBMITTED)
    ),
    Queue("screening", _("In screening: record the screening"), {SECRETARIAT}, screening_pending),
    Queue(
        "screened",
        _("Screening passed: awaiting the committee's acknowledgement as a promotion zone"),
        {SECRETARIAT, COMMITTEE},
        screening_passed,
    ),
    Queue(
        "plan_submitted",
        _("Plans submitted: start the evaluation"),
        {SECRETARIAT},
        _status(Status.PLAN_SUBMITTED),
    ),
    Queue("unassigned", _("Plans in evaluation without an evaluator"), {SECRETARIAT}, without_evaluator),
    Queue("evaluated", _("Evaluated: recommend the plan or ask for revisions"), {SECRETARIAT}, evaluated),
    Queue(
        "recommended",
        _("Recommended by the working group: for the subcommittee"),
        {SECRETARIAT, COMMITTEE},
        _status(Status.RECOMMENDED),
    ),
    Queue(
        "approved",
        _("Approved by the subcommittee: for the committee's endorsement"),
        {SECRETARIAT, COMMITTEE},
        _status(Status.SUBCOMMITTEE_APPROVED),
    ),
    Queue("endorsed", _("Endorsed: to award"), {SECRETARIAT, OFFICIAL}, _status(Status.ENDORSED)),
]
QUEUES_BY_KEY = {queue.key: queue for queue in APPLICATION_QUEUES}


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    url: str
    oldest: object = None  # when the oldest entered its state
    overdue: int = 0


def _application_item(queue, user):
    queryset = queue.select(rules.visible_applications(user, Application.objects.all()))
    figures = queryset.aggregate(
        count=Count("pk"), oldest=Min("state_entered_at"), overdue=Count("pk", filter=clock.overdue_q())
    )
    url = _changelist("application", queue=queue.key)
    return Item(str(queue.label), figures["count"], url, figures["oldest"], figures["overdue"])


def _item(label, queryset, since, url):
    """A queue of other things than applications: how many wait, and since when the oldest does."""
    figures = queryset.aggregate(count=Count("pk"), oldest=Min(since))
    return Item(str(label), figures["count"], url, figures["oldest"])


def _changelist(name, **params):
    return reverse(f"admin:certification_{name}_changelist") + ("?" + urlencode(params) if params else "")


def work_queue(user):
    """What waits for ``user``, by their roles, oldest first within each queue."""
    roles = rules.staff_roles(user)
    items = [_application_item(queue, user) for queue in APPLICATION_QUEUES if roles & queue.roles]
    if Role.EVALUATOR in roles:
        own = EvaluatorAssignment.objects.filter(evaluator=user, application__status=Status.EVALUATION)
        items += [
            _item(
                _("Plans to evaluate: declare your interests first"),
                own.filter(conflict=ConflictOfInterest.UNDECLARED),
                "assigned_at",
                _changelist("evaluatorassignment", progress="undeclared"),
            ),
            _item(
                _("Evaluations to finish and submit"),
                own.filter(conflict=ConflictOfInterest.NONE, submitted_at=None),
                "assigned_at",
                _changelist("evaluatorassignment", progress="draft"),
            ),
        ]
    if Role.SECRETARIAT in roles:
        for status, label in (
            (NotificationStatus.HELD, _("Mail waiting for release in the outbox")),
            (NotificationStatus.FAILED, _("Mail that could not be delivered")),
        ):
            waiting = Notification.objects.filter(status=status)
            items.append(
                _item(label, waiting, "created_at", _changelist("notification", status__exact=status))
            )
    if Role.SECRETARIAT in roles:
        # A report of an award since revoked or superseded has nothing left to assess.
        submitted = ProgressReport.objects.filter(
            status=ReportStatus.SUBMITTED, award__status__in=rules.REPORTING_AWARD_STATES
        )
        url = _changelist("progressreport", status__exact=ReportStatus.SUBMITTED)
        items.append(_item(_("Progress reports submitted: assess them"), submitted, "state_entered_at", url))
    if roles & {Role.SECRETARIAT, Role.COMMITTEE_SECRETARY}:
        waiting = Renewal.objects.filter(status=RenewalStatus.REQUESTED)
        url = _changelist("renewal", status__exact=RenewalStatus.REQUESTED)
        items.append(
            _item(_("Requests for renewal: for the committee's resolution"), waiting, "requested_at", url)
        )
    if rules.may(user, "change", Document):
        for status, label in (
            (DocumentStatus.PENDING, _("Documents waiting to be rendered")),
            (DocumentStatus.FAILED, _("Documents whose rendering failed")),
        ):
            waiting = Document.objects.filter(status=status)
            items.append(_item(label, waiting, "created_at", _changelist("document", status__exact=status)))
    return items
