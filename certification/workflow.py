"""The workflow of an application: one table of allowed moves, and who may make each.

Every change of status goes through ``services.core.transition``, which checks this table. Decisions of a
body (promotion-zone acknowledgement, plan approval, endorsement, rejection) are recorded by the staff
who serve it; the resolution they cite is checked by the service.
"""

from .enums import Body, ReportStatus, Role, Status

APPLICANT = "applicant"  # a member of the application's organisation
SECRETARIAT = Role.SECRETARIAT
EVALUATOR = Role.EVALUATOR
COMMITTEE_SECRETARY = Role.COMMITTEE_SECRETARY
OFFICIAL = Role.OFFICIAL

STAFF_DECISION = frozenset({SECRETARIAT, COMMITTEE_SECRETARY})

# state → {next state: roles that may make the move}
TRANSITIONS = {
    Status.DRAFT: {
        Status.SUBMITTED: {APPLICANT},
        Status.WITHDRAWN: {APPLICANT},
    },
    Status.SUBMITTED: {
        Status.SCREENING: {SECRETARIAT},
        Status.WITHDRAWN: {APPLICANT},
        Status.REJECTED: STAFF_DECISION,
    },
    Status.SCREENING: {
        Status.RETURNED: {SECRETARIAT},
        Status.PROMOTION_ZONE: STAFF_DECISION,
        Status.WITHDRAWN: {APPLICANT},
        Status.REJECTED: STAFF_DECISION,
    },
    Status.RETURNED: {
        Status.SUBMITTED: {APPLICANT},
        Status.WITHDRAWN: {APPLICANT},
        Status.REJECTED: STAFF_DECISION,
    },
    Status.PROMOTION_ZONE: {
        Status.PLAN_SUBMITTED: {APPLICANT},
        Status.WITHDRAWN: {APPLICANT},
        Status.REJECTED: STAFF_DECISION,
    },
    Status.PLAN_SUBMITTED: {
        Status.EVALUATION: {SECRETARIAT},
        Status.WITHDRAWN: {APPLICANT},
        Status.REJECTED: STAFF_DECISION,
    },
    Status.EVALUATION: {
        Status.REVISION_REQUESTED: {SECRETARIAT},
        Status.RECOMMENDED: {SECRETARIAT},
        Status.WITHDRAWN: {APPLICANT},
        Status.REJECTED: STAFF_DECISION,
    },
    Status.REVISION_REQUESTED: {
        Status.PLAN_SUBMITTED: {APPLICANT},
        Status.WITHDRAWN: {APPLICANT},
        Status.REJECTED: STAFF_DECISION,
    },
    Status.RECOMMENDED: {
        Status.SUBCOMMITTEE_APPROVED: STAFF_DECISION,
        Status.REVISION_REQUESTED: STAFF_DECISION,
        Status.WITHDRAWN: {APPLICANT},
        Status.REJECTED: STAFF_DECISION,
    },
    Status.SUBCOMMITTEE_APPROVED: {
        Status.ENDORSED: STAFF_DECISION,
        Status.WITHDRAWN: {APPLICANT},
        Status.REJECTED: STAFF_DECISION,
    },
    Status.ENDORSED: {
        Status.AWARDED: {SECRETARIAT, OFFICIAL},
        Status.WITHDRAWN: {APPLICANT},
    },
    Status.AWARDED: {},
    Status.WITHDRAWN: {},
    Status.REJECTED: {},
}


# Decisions of a body must cite a resolution of one of these bodies' meetings.
RESOLUTION_REQUIRED = {
    Status.PROMOTION_ZONE: {Body.COMMITTEE},
    Status.SUBCOMMITTEE_APPROVED: {Body.SUBCOMMITTEE},
    Status.ENDORSED: {Body.COMMITTEE},
}
# May cite one (the working group's, say), and the decision is then recorded with it.
RESOLUTION_ALLOWED = {
    Status.RECOMMENDED: {Body.WORKING_GROUP},
    Status.REVISION_REQUESTED: {Body.WORKING_GROUP, Body.SUBCOMMITTEE},
    Status.REJECTED: set(Body),
}
# A rejection must say why.
REASON_REQUIRED = {Status.REJECTED}
# The applicant hears about these (the mail waits in the outbox until the secretariat releases it).
NOTIFIED_STATES = {
    Status.SUBMITTED,
    Status.RETURNED,
    Status.PROMOTION_ZONE,
    Status.PLAN_SUBMITTED,
    Status.REVISION_REQUESTED,
    Status.SUBCOMMITTEE_APPROVED,
    Status.ENDORSED,
    Status.AWARDED,
    Status.REJECTED,
}


def allowed_roles(from_state, to_state):
    return TRANSITIONS.get(from_state, {}).get(to_state, set())


def can_move(from_state, to_state, roles):
    return bool(allowed_roles(from_state, to_state) & set(roles))


def roles_moving_to(to_state):
    """Every role that may move an application to ``to_state`` from some state."""
    return set().union(*(moves.get(to_state, set()) for moves in TRANSITIONS.values()))


def moves_for(from_state, roles):
    """The states this actor may move an application to from ``from_state``."""
    return [to for to, allowed in TRANSITIONS.get(from_state, {}).items() if allowed & set(roles)]


# --- A yearly progress report: the organisation writes and submits it; the secretariat assesses it or
# returns it for changes. state → {next state: roles that may make the move}
REPORT_TRANSITIONS = {
    ReportStatus.DRAFT: {ReportStatus.SUBMITTED: {APPLICANT}},
    ReportStatus.SUBMITTED: {ReportStatus.ASSESSED: {SECRETARIAT}, ReportStatus.RETURNED: {SECRETARIAT}},
    ReportStatus.RETURNED: {ReportStatus.SUBMITTED: {APPLICANT}},
    ReportStatus.ASSESSED: {},
}
# Returning a report says what must change; the organisation hears of these at once or when released.
REPORT_REASON_REQUIRED = {ReportStatus.RETURNED}
# The organisation is told of these decisions (held in the outbox for the secretariat to release).
REPORT_NOTIFIED_STATES = {ReportStatus.ASSESSED, ReportStatus.RETURNED}


def can_move_report(from_state, to_state, roles):
    return bool(REPORT_TRANSITIONS.get(from_state, {}).get(to_state, set()) & set(roles))
