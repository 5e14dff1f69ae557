"""Writes: one function per use case, each in one transaction. Views and forms call these."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcity.mail import send_account_mail

from . import rules, selectors
from .models import Invitation, Membership, Organisation

logger = logging.getLogger(__name__)

SIGNUP_SALT = "cities.signup"


class NotAllowed(Exception):
    """The actor may not do this; views answer 404, as for an object they may not see."""


class Refused(Exception):
    """The request cannot be carried out as asked; ``message`` says why, for the person asking."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- Accounts


def signup_token(user):
    return signing.TimestampSigner(salt=SIGNUP_SALT).sign_object({"user": user.pk, "email": user.email})


@transaction.atomic
def register_applicant(*, name, email, password, base_url):
    """A new, inactive account whose username is the email address; the confirmation mail goes out
    once the account is committed. ``base_url`` is the portal's address, for the link.

    An address that already has an account gets no new one, and the page says the same as for a new
    one (the sign-up form must not tell anyone who has an account): the mail says so instead — a fresh
    confirmation link for a sign-up not yet confirmed, otherwise where to log in or reset the password.
    Returns the new account, or None. Every mail counts towards the address's share of account mail
    (smartcity.mail.send_account_mail)."""
    email = email.strip().lower()
    # An earlier sign-up with this address that was never confirmed in time gives way.
    selectors.expired_signups().filter(pk__in=selectors.accounts_with_email(email).values("pk")).delete()
    existing = selectors.accounts_with_email(email).order_by("pk").first()
    if existing is None:
        User = get_user_model()
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=email, email=email, password=password, first_name=name.strip(), is_active=False
                )
        except IntegrityError:  # the same address, signed up a moment ago
            existing = selectors.accounts_with_email(email).order_by("pk").first()
        else:
            _mail_on_commit(_confirmation_mail(user, base_url), email)
            logger.info("cities.account.registered user=%s", user.pk)
            return user
    make_password(password)  # the same work as a new account, so that the answer takes as long
    if existing is not None:
        if not existing.is_active and existing.last_login is None and not existing.is_staff:
            _mail_on_commit(_confirmation_mail(existing, base_url), email)
        else:
            context = {
                "login_url": base_url.rstrip("/") + reverse("login"),
                "reset_url": base_url.rstrip("/") + reverse("password_reset"),
            }
            _mail_on_commit(
                ("accounts/signup_existing_subject.txt", "accounts/signup_existing.txt", context), email
            )
        logger.info("cities.account.signup_for_existing user=%s", existing.pk)
    return None


def _confirmation_mail(user, base_url):
    confirm_url = base_url.rstrip("/") + reverse("signup_confirm", args=[signup_token(user)])
    context = {
        "name": user.first_name,
        "confirm_url": confirm_url,
        "days": settings.SIGNUP_CONFIRMATION_SECONDS // (24 * 3600),
    }
    return "accounts/signup_email_subject.txt", "accounts/signup_email.txt", context


def _mail_on_commit(mail, address):
    subject_template, body_template, context = mail

    def send():
        if not send_account_mail(subject_template, body_template, context, address):
            logger.info("cities.account.mail_withheld (too many to one address)")

    transaction.on_commit(send)


def resend_confirmation(*, email, base_url):
    """Mails a new confirmation link to an account of this address that signed up, has never been
    confirmed and may still be (within the confirmation period). Says nothing either way: the page
    that asks answers the same whether such an account exists or not."""
    email = email.strip().lower()
    pending = (
        selectors.accounts_with_email(email)
        .filter(is_active=False, last_login=None, is_staff=False)
        .exclude(pk__in=selectors.expired_signups().values("pk"))
    )
    user = pending.first()
    if user is None:
        logger.info("cities.account.resend_unknown")
        return
    confirm_url = base_url.rstrip("/") + reverse("signup_confirm", args=[signup_token(user)])
    context = {
        "name": user.first_name,
        "confirm_url": confirm_url,
        "days": settings.SIGNUP_CONFIRMATION_SECONDS // (24 * 3600),
    }
    if send_account_mail(
        "accounts/signup_email_subject.txt", "accounts/signup_email.txt", context, user.email
    ):
        logger.info("cities.account.confirmation_resent user=%s", user.pk)
    else:
        logger.info("cities.account.mail_withheld (too many to one address)")


@transaction.atomic
def confirm_signup(token):
    """Activates the account a sign-up link names; the link works once, within its validity."""
    try:
        payload = signing.TimestampSigner(salt=SIGNUP_SALT).unsign_object(
            token, max_age=settings.SIGNUP_CONFIRMATION_SECONDS
        )
    except signing.SignatureExpired:
        raise Refused(_("This confirmation link has expired. Please sign up again.")) from None
    except signing.BadSignature:
        raise Refused(
            _("This confirmation link is not valid. Please copy the whole link from the email.")
        ) from None
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=payload["user"], email=payload["email"]).first()
    if user is None:
        raise Refused(_("This confirmation link is not valid. Please copy the whole link from the email."))
    if user.is_active or user.last_login is not None:
        raise Refused(_("This email address has already been confirmed. Please log in."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    logger.info("cities.account.confirmed user=%s", user.pk)
    return user


# --- Organisations


@transaction.atomic
def create_organisation(*, actor, name_th, name_en, org_type, province, registry_details_public=True):
    """A new applicant organisation, with the actor as its first admin."""
    get_user_model().objects.select_for_update().get(pk=actor.pk)  # one creation at a time per user
    if not rules.may_create_organisation(actor):
        raise Refused(_("You are already a member of an organisation."))
    organisation = Organisation.objects.create(
        name_th=name_th,
        name_en=name_en,
        org_type=org_type,
        province=province,
        registry_details_public=registry_details_public,
    )
    Membership.objects.create(organisation=organisation, user=actor, is_admin=True)
    logger.info("cities.organisation.created organisation=%s actor=%s", organisation.pk, actor.pk)
    return organisation


@transaction.atomic
def create_invitation(organisation, *, actor):
    if not rules.is_admin_of(actor, organisation):
        raise NotAllowed
    invitation = Invitation.objects.create(
        organisation=organisation,
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    logger.info("cities.invitation.created invitation=%s actor=%s", invitation.pk, actor.pk)
    return invitation


@transaction.atomic
def revoke_invitation(invitation, *, actor):
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not rules.is_admin_of(actor, invitation.organisation):
        raise NotAllowed
    if invitation.accepted_at is not None:
        raise Refused(_("This invitation has already been used and can no longer be revoked."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        logger.info("cities.invitation.revoked invitation=%s actor=%s", invitation.pk, actor.pk)
    return invitation


def invitation_problem(invitation, user, now=None):
    """Why the user cannot accept this invitation, or None when they can."""
    now = now or timezone.now()
    if invitation is None:
        return _("This invitation link is not valid. Please ask for a new one.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used. Please ask for a new one.")
    if invitation.revoked_at is not None:
        return _("This invitation has been withdrawn. Please ask for a new one.")
    if invitation.expires_at <= now:
        return _("This invitation has expired. Please ask for a new one.")
    if rules.is_member_of(user, invitation.organisation):
        return _("You are already a member of this organisation.")
    return None


@transaction.atomic
def accept_invitation(token, *, actor):
    """Makes the actor a member of the inviting organisation; the invitation is used up."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    problem = invitation_problem(invitation, actor)
    if problem:
        raise Refused(problem)
    membership = Membership.objects.create(organisation=invitation.organisation, user=actor, is_admin=False)
    invitation.accepted_by = actor
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    logger.info("cities.invitation.accepted invitation=%s actor=%s", invitation.pk, actor.pk)
    return membership
