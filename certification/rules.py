"""Who may do what in the certification app: every permission decision, as named predicates.

Three layers, all in this file:

- **Roles.** A staff member holds a role by belonging to its permission group (``enums.Role``); an
  applicant is a member of the application's organisation (``cities.rules.is_member_of``).
- **What each role may do with each model** (``ROLE_PERMISSIONS``): Django's view / add / change /
  delete permissions, given to the role groups after every ``migrate`` (``roles.sync_role_permissions``).
- **Which objects.** ``OBJECT_RULES`` narrows a model permission to the objects a user may act on, and
  ``VISIBLE`` gives the same objects as a queryset for lists. ``may(user, action, obj)`` combines the two
  layers; the admin asks nothing else (``certification.admin.base.RulesAdmin``), nor do the views.

An object a user may not see answers 404 everywhere, never 403: nothing is revealed.

Who may see an evaluation? ``may(user, "view", assignment)``: the roles with ``view`` on
``certification.evaluatorassignment`` (secretariat, committee secretary, evaluators), evaluators their
own only (``OBJECT_RULES``).
"""

from django.db.models import Q

from cities.rules import is_member_of

from . import workflow
from .enums import (
    REPORT_WRITING_STATES,
    REVISING_STATES,
    WRITING_STATES,
    AwardStatus,
    ConflictOfInterest,
    RenewalStatus,
    ReportStatus,
    Role,
    Status,
)
from .models import (
    Application,
    Award,
    Document,
    EvaluatorAssignment,
    Notification,
    ProgressReport,
    Renewal,
)

# --- Roles


def staff_roles(user):
    """The staff roles a user holds (every role for a superuser; none for an inactive or non-staff user)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return set()
    if user.is_superuser:
        return set(Role)
    return {Role(name) for name in user.groups.values_list("name", flat=True) if name in Role.values}


def has_role(user, *roles):
    return bool(staff_roles(user) & set(roles))


def is_secretariat(user):
    return has_role(user, Role.SECRETARIAT)


def is_evaluator(user):
    return has_role(user, Role.EVALUATOR)


def sees_every_application(user):
    """The secretariat, the committee secretaries and the officials see every application."""
    return has_role(user, Role.SECRETARIAT, Role.COMMITTEE_SECRETARY, Role.OFFICIAL)


def decides_for_the_bodies(user):
    """The staff who record the bodies' decisions and resolutions."""
    return has_role(user, Role.SECRETARIAT, Role.COMMITTEE_SECRETARY)


def roles_for(user, application):
    """The workflow roles ``user`` holds towards ``application`` (``workflow.TRANSITIONS`` names them)."""
    roles = staff_roles(user)
    if is_member_of(user, application.organisation):
        roles.add(workflow.APPLICANT)
    return roles


# --- What each role may do with each model (Django permissions of its group)

VIEW = ("view",)
EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")
REFERENCE = {"cities.region": VIEW, "cities.province": VIEW, "cities.organisation": VIEW}

# role → {"app_label.model": actions}
ROLE_PERMISSIONS = {
    Role.SECRETARIAT: {
        **REFERENCE,
        "cities.organisation": EDIT,
        "cities.membership": ALL,
        "cities.certifiedcity": EDIT,
        "cities.promotionzone": VIEW,
        "certification.awardround": EDIT,
        "certification.intakeround": EDIT,
        "certification.application": ("view", "change"),
        "certification.checklistitem": EDIT,
        "certification.screening": VIEW,
        "certification.evaluatorassignment": VIEW,
        "certification.meeting": EDIT,
        "certification.resolution": EDIT,
        "certification.decision": VIEW,
        "certification.notification": ("view", "change"),
        "certification.signatory": ALL,
        "certification.award": VIEW,
        "certification.document": EDIT,
        "certification.progressreport": ("view", "change"),
        "certification.renewal": ("view", "change"),
    },
    Role.EVALUATOR: {
        **REFERENCE,
        "certification.application": VIEW,
        "certification.evaluatorassignment": ("view", "change"),
    },
    Role.COMMITTEE_SECRETARY: {
        **REFERENCE,
        "cities.certifiedcity": VIEW,
        "cities.promotionzone": VIEW,
        "certification.awardround": VIEW,
        "certification.application": ("view", "change"),
        "certification.evaluatorassignment": VIEW,
        "certification.meeting": EDIT,
        "certification.resolution": EDIT,
        "certification.decision": VIEW,
        "certification.award": VIEW,
        "certification.progressreport": VIEW,
        "certification.renewal": ("view", "change"),
    },
    Role.OFFICIAL: {
        **REFERENCE,
        "cities.certifiedcity": VIEW,
        "cities.promotionzone": VIEW,
        "certification.awardround": EDIT,
        "certification.application": VIEW,
        "certification.signatory": ALL,
        "certification.award": VIEW,
        "certification.document": EDIT,
        "certification.progressreport": VIEW,
        "certification.renewal": VIEW,
    },
}


def has_model_permission(user, action, model):
    """The role's permission on a model, as its group holds it (``ROLE_PERMISSIONS``)."""
    opts = model._meta
    return user.is_active and user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


# --- Applications


def is_applicant_of(user, application):
    return is_member_of(user, application.organisation)


def applications_of(user):
    """The applications of every organisation the user belongs to: where every applicant page starts,
    so that another organisation's application, section or attachment is simply not found (404)."""
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(organisation__memberships__user=user).distinct()


def is_assigned_evaluator(user, application):
    """Assigned to the plan and not declared conflicted: a conflicted evaluator loses sight of it."""
    return (
        is_evaluator(user)
        and application.assignments.filter(evaluator_id=user.pk)
        .exclude(conflict=ConflictOfInterest.CONFLICTED)
        .exists()
    )


def can_view_application(user, application):
    return sees_every_application(user) or is_assigned_evaluator(user, application)


def can_change_application(user, application):
    """Record the decisions on an application (its admin page, its actions and decision pages)."""
    return decides_for_the_bodies(user)


def visible_applications(user, queryset=None):
    """The applications a staff member may see, for lists; the same as ``can_view_application``."""
    queryset = Application.objects.all() if queryset is None else queryset
    if sees_every_application(user):
        return queryset
    if is_evaluator(user):
        return queryset.filter(
            Q(assignments__evaluator=user) & ~Q(assignments__conflict=ConflictOfInterest.CONFLICTED)
        )
    return queryset.none()


def may_move(user, application, to_state):
    """The workflow table allows this user to move the application, as it stands, to ``to_state``."""
    return workflow.can_move(application.status, to_state, roles_for(user, application))


def may_ever_move(user, to_state):
    """Some state of the workflow table lets this user move an application to ``to_state``: the list
    offers the action that does it."""
    return bool(staff_roles(user) & workflow.roles_moving_to(to_state))


def can_withdraw(user, application):
    """The applicant withdraws an application that is still open (not once it is awarded)."""
    return may_move(user, application, Status.WITHDRAWN)


def can_screen(user, application):
    """Record the screening: the secretariat, while the application is in screening."""
    return is_secretariat(user) and application.status == Status.SCREENING


def can_request_revisions(user, application):
    """Send the plan back for revisions: whoever the workflow table lets make that move now (the
    secretariat during the evaluation; the subcommittee's staff once the plan is recommended)."""
    return may_move(user, application, Status.REVISION_REQUESTED)


def can_assign_evaluators(user, application=None):
    return is_secretariat(user)


def sees_score_summary(user, application):
    """The secretariat's summary of the evaluations; an evaluator sees it only after submitting their own
    evaluation, so that the others' scores cannot sway it."""
    if sees_every_application(user):
        return True
    return application.assignments.filter(evaluator_id=user.pk, submitted_at__isnull=False).exists()


# --- The applicant's own writing


def can_edit_section_state(application, section):
    """Every section of the stage is open while drafting; only reopened ones while revising."""
    if application.status in WRITING_STATES:
        return True
    return application.status in REVISING_STATES and section.reopened


def can_edit_section(user, application, section):
    return is_applicant_of(user, application) and can_edit_section_state(application, section)


def can_manage_attachments(user, application):
    return is_applicant_of(user, application) and application.status in WRITING_STATES | REVISING_STATES


# --- Evaluations


def sees_every_evaluation(user):
    return decides_for_the_bodies(user)


def is_own_evaluation(user, assignment):
    return assignment.evaluator_id == user.pk


def can_view_evaluation(user, assignment):
    return sees_every_evaluation(user) or is_own_evaluation(user, assignment)


def visible_evaluations(user, queryset=None):
    queryset = EvaluatorAssignment.objects.all() if queryset is None else queryset
    if sees_every_evaluation(user):
        return queryset
    return queryset.filter(evaluator_id=user.pk)


# --- After the award: progress reports, renewal, revocation

# A report is written for an award in force, or for one that expired (its last report may come late);
# not for one revoked or superseded by its renewal.
REPORTING_AWARD_STATES = frozenset({AwardStatus.ACTIVE, AwardStatus.EXPIRED})


def awards_of(user):
    """The awards of every organisation the user belongs to: where the applicant's monitoring pages
    start, so that another organisation's award, report or evidence is simply not found (404)."""
    if not user.is_authenticated:
        return Award.objects.none()
    return Award.objects.filter(application__organisation__memberships__user=user).distinct()


def reports_of(user):
    """The progress reports of the user's organisations' awards."""
    if not user.is_authenticated:
        return ProgressReport.objects.none()
    return ProgressReport.objects.filter(award__application__organisation__memberships__user=user).distinct()


def is_reporter_of(user, award):
    """A member of the organisation the award was given to."""
    return is_member_of(user, award.application.organisation)


def can_open_report(user, award):
    return is_reporter_of(user, award) and award.status in REPORTING_AWARD_STATES


def can_edit_report(user, report):
    """The organisation writes its report while it is a draft or returned for changes."""
    return (
        is_reporter_of(user, report.award)
        and report.status in REPORT_WRITING_STATES
        and report.award.status in REPORTING_AWARD_STATES
    )


def can_assess_report(user, report):
    """Record the assessment or return the report: the secretariat, once it is submitted."""
    return (
        workflow.can_move_report(report.status, ReportStatus.ASSESSED, staff_roles(user))
        and report.award.status in REPORTING_AWARD_STATES
    )


def can_request_renewal(user, award):
    return is_reporter_of(user, award) and award.status == AwardStatus.ACTIVE


def can_decide_renewal(user, renewal):
    """Record the committee's resolution renewing the award or declining: the staff who serve it."""
    return decides_for_the_bodies(user) and renewal.status == RenewalStatus.REQUESTED


def can_revoke_award(user, award=None):
    """Record the committee's resolution revoking an award (in force or expired)."""
    return decides_for_the_bodies(user) and (award is None or award.status in REPORTING_AWARD_STATES)


# --- The object layer, for every model that has one: action → predicate(user, obj)

OBJECT_RULES = {
    Application: {"view": can_view_application, "change": can_change_application},
    EvaluatorAssignment: {"view": can_view_evaluation, "change": is_own_evaluation},
    ProgressReport: {"change": can_assess_report},
    Renewal: {"change": can_decide_renewal},
}
VISIBLE = {Application: visible_applications, EvaluatorAssignment: visible_evaluations}
# Nobody adds or deletes these in the admin: they come from the applicant's pages and the services.
CREATED_BY_SERVICES = {
    Application,
    EvaluatorAssignment,
    Notification,
    Award,
    Document,
    ProgressReport,
    Renewal,
}


def may(user, action, obj_or_model):
    """May ``user`` take ``action`` ("view", "add", "change", "delete") on this object — or, given a model
    class, on some object of that model? The role's model permission, then the object's rule."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    if action in ("add", "delete") and model in CREATED_BY_SERVICES:
        return False
    if not has_model_permission(user, action, model):
        return False
    rule = OBJECT_RULES.get(model, {}).get(action)
    return obj_or_model is model or rule is None or rule(user, obj_or_model)


def visible(user, queryset):
    """The objects of ``queryset`` the user may see: narrowed by the model's rule, or all of them when
    the role may view (or change) the model, or none."""
    model = queryset.model
    if not (has_model_permission(user, "view", model) or has_model_permission(user, "change", model)):
        return queryset.none()
    narrow = VISIBLE.get(model)
    return narrow(user, queryset) if narrow else queryset
