"""What each staff role may do in the admin, as Django permissions of its group.

The groups themselves are created by migration ``0002_role_groups``; their permissions are set from
``ROLE_PERMISSIONS`` after every ``migrate`` (see ``apps.py``), so a new model's permissions reach the
roles in the same release that adds it. Object-level rules (which application a user may see) live in
``rules.py`` and the selectors, not here.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .enums import Role

VIEW = ("view",)
EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")

# role → {"app_label.model": actions}
REFERENCE = {"cities.region": VIEW, "cities.province": VIEW, "cities.organisation": VIEW}

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
    },
    Role.OFFICIAL: {
        **REFERENCE,
        "cities.certifiedcity": VIEW,
        "cities.promotionzone": VIEW,
        "certification.awardround": EDIT,
        "certification.application": VIEW,
    },
}


# Awards and documents: the secretariat awards and reissues; officials render, download and reissue.
ROLE_PERMISSIONS[Role.SECRETARIAT].update(
    {"certification.signatory": ALL, "certification.award": VIEW, "certification.document": EDIT}
)
ROLE_PERMISSIONS[Role.COMMITTEE_SECRETARY].update({"certification.award": VIEW})
ROLE_PERMISSIONS[Role.OFFICIAL].update(
    {"certification.signatory": ALL, "certification.award": VIEW, "certification.document": EDIT}
)


def sync_role_permissions(**kwargs):
    """Gives each role group exactly the permissions of ROLE_PERMISSIONS (idempotent)."""
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = Q(pk__in=[])
        for model_label, actions in grants.items():
            app_label, model = model_label.split(".")
            wanted |= Q(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        group.permissions.set(Permission.objects.filter(wanted))
