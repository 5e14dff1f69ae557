"""Named permission predicates. Views combine them; objects a user may not see answer 404."""

from cities.rules import is_member_of

from . import workflow
from .enums import REVISING_STATES, WRITING_STATES, Role


def staff_roles(user):
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return set()
    if user.is_superuser:
        return set(Role)
    return {Role(name) for name in user.groups.values_list("name", flat=True) if name in Role.values}


def roles_for(user, application):
    """The workflow roles ``user`` holds towards ``application``."""
    roles = staff_roles(user)
    if is_member_of(user, application.organisation):
        roles.add(workflow.APPLICANT)
    return roles


def is_applicant_of(user, application):
    return is_member_of(user, application.organisation)


def can_edit_section_state(application, section):
    """Every section of the stage is open while drafting; only reopened ones while revising."""
    if application.status in WRITING_STATES:
        return True
    return application.status in REVISING_STATES and section.reopened


def can_edit_section(user, application, section):
    return is_applicant_of(user, application) and can_edit_section_state(application, section)


def can_manage_attachments(user, application):
    return is_applicant_of(user, application) and application.status in WRITING_STATES | REVISING_STATES
