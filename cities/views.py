from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcity.auth import client_ip
from smartcity.ratelimit import allow

from . import rules, selectors, services
from .forms import OrganisationForm, ResendConfirmationForm, SignupForm

# --- Accounts


def signup(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_applicant(
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                base_url=request.build_absolute_uri("/"),
            )
        except services.Refused as refusal:
            form.add_error("email", refusal.message)
        else:
            request.session["signup_email"] = form.cleaned_data["email"]
            return redirect("signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request):
    return render(request, "accounts/signup_done.html", {"email": request.session.get("signup_email", "")})


def signup_resend(request):
    """Sends the confirmation link again. The answer is the same whether an account waits for
    confirmation at the address or not; each address and each client may ask a few times an hour."""
    form = ResendConfirmationForm(
        request.POST or None, initial={"email": request.session.get("signup_email", "")}
    )
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        window = settings.SIGNUP_RESEND_WINDOW
        # Both counted every time, so that asking for many addresses from one client is limited too.
        by_address = allow("resend-address", email, limit=settings.SIGNUP_RESEND_PER_ADDRESS, window=window)
        by_client = allow(
            "resend-client", client_ip(request), limit=settings.SIGNUP_RESEND_PER_CLIENT, window=window
        )
        if not (by_address and by_client):
            form.add_error(None, _("Too many requests. Please wait an hour before asking again."))
            return render(request, "accounts/signup_resend.html", {"form": form}, status=429)
        services.resend_confirmation(email=email, base_url=request.build_absolute_uri("/"))
        messages.success(
            request,
            _(
                "If an account at this address is waiting for its confirmation, we have sent it a new "
                "link. Check your inbox, and your spam folder."
            ),
        )
        return redirect("signup_resend")
    return render(request, "accounts/signup_resend.html", {"form": form})


def signup_confirm(request, token):
    try:
        user = services.confirm_signup(token)
    except services.Refused as refusal:
        context = {"message": refusal.message}
        return render(request, "accounts/signup_confirm_failed.html", context, status=400)
    login(request, user, backend="smartcity.auth.EmailOrUsernameBackend")
    messages.success(request, _("Your email address is confirmed. Welcome to the portal."))
    return redirect(settings.LOGIN_REDIRECT_URL)


# --- Organisations


@login_required
def organisation_list(request):
    return render(
        request,
        "cities/organisation_list.html",
        {
            "organisations": selectors.organisations_of(request.user),
            "may_create": rules.may_create_organisation(request.user),
        },
    )


@login_required
def organisation_create(request):
    if not rules.may_create_organisation(request.user):
        messages.info(request, _("You are already a member of an organisation."))
        return redirect("organisation_list")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(actor=request.user, **form.cleaned_data)
        except services.Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The organisation is created. You are its admin."))
            return redirect("organisation_detail", pk=organisation.pk)
    return render(request, "cities/organisation_form.html", {"form": form})


@login_required
def organisation_detail(request, pk):
    organisation = selectors.organisation_for_member(request.user, pk)
    is_admin = rules.is_admin_of(request.user, organisation)
    invitations = []
    if is_admin:
        invitations = [
            (invitation, request.build_absolute_uri(reverse("invitation_accept", args=[invitation.token])))
            for invitation in selectors.open_invitations_of(organisation)
        ]
    return render(
        request,
        "cities/organisation_detail.html",
        {
            "organisation": organisation,
            "members": selectors.members_of(organisation),
            "is_admin": is_admin,
            "invitations": invitations,
        },
    )


@login_required
@require_POST
def invitation_create(request, pk):
    organisation = selectors.organisation_for_member(request.user, pk)
    try:
        services.create_invitation(organisation, actor=request.user)
    except services.NotAllowed:
        raise Http404 from None
    messages.success(
        request, _("A new invitation link is ready below. Send it to your colleague; it works once.")
    )
    return redirect("organisation_detail", pk=organisation.pk)


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    organisation = selectors.organisation_for_member(request.user, pk)
    invitation = get_object_or_404(organisation.invitations, pk=invitation_pk)
    try:
        services.revoke_invitation(invitation, actor=request.user)
    except services.NotAllowed:
        raise Http404 from None
    except services.Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The invitation is revoked; its link no longer works."))
    return redirect("organisation_detail", pk=organisation.pk)


@login_required
def invitation_accept(request, token):
    invitation = selectors.invitation_by_token(token)
    if request.method == "POST":
        try:
            membership = services.accept_invitation(token, actor=request.user)
        except services.Refused as refusal:
            problem = refusal.message
        else:
            messages.success(
                request,
                _("You have joined %(organisation)s.") % {"organisation": membership.organisation.name},
            )
            return redirect("organisation_detail", pk=membership.organisation_id)
    else:
        problem = services.invitation_problem(invitation, request.user)
    context = {"invitation": invitation if invitation and problem is None else None, "problem": problem}
    status = 200 if problem is None else (404 if invitation is None else 410)
    return render(request, "cities/invitation_accept.html", context, status=status)
