"""Reads used by the views, the forms and the admin."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from smartcity.collation import sort_key

from .models import Invitation, Membership, Organisation, Province

# --- Provinces in the reader's order: Thai dictionary order on Thai pages, by English name on English ones.


def _is_thai(language):
    return (language or get_language() or settings.LANGUAGE_CODE).startswith("th")


def province_sort_key(province, language=None):
    """The sort key of a province for ``language`` (the active language if None)."""
    if _is_thai(language) or not province.name_en:
        return sort_key(province.name_th)
    return sort_key(province.name_en)


def provinces_in_order(language=None, queryset=None):
    """The provinces (all of them, or those of ``queryset``) as a list in the order of ``language``,
    the active language if None: ``กระบี่, กรุงเทพมหานคร, …, เชียงใหม่, ตรัง, …`` in Thai (leading vowels
    do not count, see smartcity.collation), ``Amnat Charoen, Ang Thong, Bangkok, …`` in English."""
    provinces = list(Province.objects.all() if queryset is None else queryset)
    provinces.sort(key=lambda province: province_sort_key(province, language))
    return provinces


def province_ordering(language=None):
    """An expression to ``order_by`` a queryset of provinces in the order of ``provinces_in_order``, on
    any database (SQLite has no Thai collation): the rank of each province, computed here from the 77
    names (one small query)."""
    codes = [p.pk for p in provinces_in_order(language, Province.objects.only("code", "name_th", "name_en"))]
    return Case(
        *(When(pk=code, then=Value(rank)) for rank, code in enumerate(codes)),
        default=Value(len(codes)),
        output_field=IntegerField(),
    )


def organisations_of(user):
    """The organisations the user is a member of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user_id=user.pk).select_related("province")


def organisation_for_member(user, pk):
    """The organisation, if the user is one of its members; 404 otherwise (never 403)."""
    return get_object_or_404(organisations_of(user), pk=pk)


def members_of(organisation):
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_admin", "joined_at", "pk")
    )


def open_invitations_of(organisation, now=None):
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now or timezone.now(),
    ).select_related("created_by")


def invitation_by_token(token):
    return Invitation.objects.select_related("organisation__province").filter(token=token).first()


def accounts_with_email(email):
    """Accounts whose username or email address is this address, in any case."""
    User = get_user_model()
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email))


def expired_signups(now=None):
    """Sign-ups never confirmed within the confirmation period: their address may sign up again."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.SIGNUP_CONFIRMATION_SECONDS)
    return get_user_model().objects.filter(
        is_active=False, last_login=None, is_staff=False, date_joined__lt=cutoff
    )


def email_is_registered(email):
    return accounts_with_email(email).exclude(pk__in=expired_signups().values("pk")).exists()
