"""Gives the staff role groups their model permissions, as ``rules.ROLE_PERMISSIONS`` lists them.

The groups themselves are created by migration ``0002_role_groups``; their permissions are set after
every ``migrate`` (see ``apps.py``), so a new model's permissions reach the roles in the same release
that adds it.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .rules import ROLE_PERMISSIONS


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
