"""Named permission predicates on applicant organisations. Objects a user may not see answer 404."""

from .models import Membership


def is_member_of(user, organisation):
    return bool(
        user.is_authenticated
        and Membership.objects.filter(user_id=user.pk, organisation_id=organisation.pk).exists()
    )


def is_admin_of(user, organisation):
    """An admin of the organisation: may invite colleagues and revoke invitations."""
    return bool(
        user.is_authenticated
        and Membership.objects.filter(
            user_id=user.pk, organisation_id=organisation.pk, is_admin=True
        ).exists()
    )


def may_create_organisation(user):
    """Each applicant starts one organisation at most; further ones come by invitation."""
    return bool(user.is_authenticated and not Membership.objects.filter(user_id=user.pk).exists())
