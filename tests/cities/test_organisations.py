"""Applicant organisations: creating one, seeing it as a member only, inviting colleagues by link."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from cities import rules, selectors, services
from cities.enums import OrganisationType
from cities.models import Invitation, Membership, Organisation, Province

pytestmark = pytest.mark.django_db

User = get_user_model()


def make_user(username):
    return User.objects.create_user(username, f"{username}@example.org", "Rain-over-Khon-Kaen-42")


def client_for(user, *, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    client.cookies["language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def admin_user():
    return make_user("admin1")


@pytest.fixture
def organisation(admin_user):
    return services.create_organisation(
        actor=admin_user,
        name_th="เทศบาลนครขอนแก่น",
        name_en="Khon Kaen City Municipality",
        org_type=OrganisationType.CITY_MUNICIPALITY,
        province=Province.objects.get(code="40"),
    )


@pytest.fixture
def member(organisation):
    user = make_user("member1")
    Membership.objects.create(organisation=organisation, user=user, is_admin=False)
    return user


@pytest.fixture
def invitation(organisation, admin_user):
    return services.create_invitation(organisation, actor=admin_user)


def memberships():
    return sorted(Membership.objects.values_list("organisation__name_th", "user__username", "is_admin"))


def invitation_state(invitation):
    invitation.refresh_from_db()
    return invitation.accepted_by, invitation.accepted_at, invitation.revoked_at


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Creating


def test_creating_an_organisation_makes_the_creator_its_admin():
    user = make_user("somchai")
    client = client_for(user)
    response = client.post(
        "/organisations/new/",
        {"name_th": "เทศบาลเมืองน่าน", "name_en": "Nan Town Municipality", "org_type": "town_municipality",
         "province": "55"},
    )  # fmt: skip
    organisation = Organisation.objects.get()
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    assert (organisation.name_th, organisation.name_en, organisation.org_type, organisation.province_id) == (
        "เทศบาลเมืองน่าน", "Nan Town Municipality", "town_municipality", "55",
    )  # fmt: skip
    assert memberships() == [("เทศบาลเมืองน่าน", "somchai", True)]
    page = client.get(response["Location"])
    assert messages_of(page) == ["The organisation is created. You are its admin."]
    assert "Organisation admin" in page.content.decode()


@pytest.mark.parametrize(("ticked", "public"), [(True, True), (False, False)])
def test_the_creator_chooses_whether_the_registry_shows_the_contact_and_plan_text(ticked, public):
    client = client_for(make_user("somchai"))
    form = client.get("/organisations/new/").content.decode()
    assert re.search(r'<input type="checkbox" name="registry_details_public"[^>]* checked', form)
    data = {"name_th": "เทศบาลเมืองน่าน", "org_type": "town_municipality", "province": "55"}
    client.post("/organisations/new/", {**data, **({"registry_details_public": "on"} if ticked else {})})
    assert Organisation.objects.get().registry_details_public is public


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name_th": ""}, "name_th", "This field is required."),
        (
            {"org_type": "kingdom"},
            "org_type",
            "Select a valid choice. kingdom is not one of the available choices.",
        ),
        (
            {"province": "99"},
            "province",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_bad_input_shows_an_error_and_creates_nothing(data, field, message):
    client = client_for(make_user("somchai"))
    valid = {"name_th": "เทศบาลเมืองน่าน", "name_en": "", "org_type": "town_municipality", "province": "55"}
    response = client.post("/organisations/new/", {**valid, **data})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert (Organisation.objects.count(), memberships()) == (0, [])


def test_a_name_already_used_in_the_province_is_refused(organisation):
    client = client_for(make_user("somchai"))
    response = client.post(
        "/organisations/new/",
        {"name_th": "เทศบาลนครขอนแก่น", "name_en": "", "org_type": "city_municipality", "province": "40"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name_th": ["An organisation with this name is already registered in this province."]
    }
    assert Organisation.objects.count() == 1
    assert memberships() == [("เทศบาลนครขอนแก่น", "admin1", True)]


def test_a_member_of_an_organisation_cannot_create_another(organisation, admin_user):
    client = client_for(admin_user)
    response = client.post(
        "/organisations/new/",
        {"name_th": "เทศบาลเมืองน่าน", "name_en": "", "org_type": "town_municipality", "province": "55"},
    )
    assert response["Location"] == "/organisations/"
    assert messages_of(client.get("/organisations/")) == ["You are already a member of an organisation."]
    assert list(Organisation.objects.values_list("name_th", flat=True)) == ["เทศบาลนครขอนแก่น"]
    with pytest.raises(services.Refused):
        services.create_organisation(
            actor=admin_user, name_th="อื่น", name_en="", org_type="province", province=organisation.province
        )
    assert Organisation.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/organisations/new/")
    assert response["Location"] == "/accounts/login/?next=/organisations/new/"


# --- Seeing


def test_members_see_the_members(organisation, member):
    html = client_for(member).get(f"/organisations/{organisation.pk}/").content.decode()
    assert "Khon Kaen City Municipality" in html
    assert "admin1@example.org" in html
    assert "member1@example.org" in html
    assert "Create an invitation link" not in html  # members are not admins


def test_a_non_member_gets_404(organisation):
    response = client_for(make_user("stranger")).get(f"/organisations/{organisation.pk}/")
    assert response.status_code == 404
    assert "admin1@example.org" not in response.content.decode()


def test_the_list_shows_only_the_users_organisations(organisation, member):
    other = services.create_organisation(
        actor=make_user("other"), name_th="จังหวัดภูเก็ต", name_en="Phuket Province", org_type="province",
        province=Province.objects.get(code="83"),
    )  # fmt: skip
    response = client_for(member).get("/organisations/")
    assert list(response.context["organisations"]) == [organisation]
    assert other.name_en not in response.content.decode()
    assert response.context["may_create"] is False


def test_selectors_and_rules(organisation, admin_user, member):
    stranger = make_user("stranger")
    assert list(selectors.organisations_of(member)) == [organisation]
    assert list(selectors.organisations_of(stranger)) == []
    assert [rules.is_member_of(u, organisation) for u in (admin_user, member, stranger)] == [
        True,
        True,
        False,
    ]
    assert [rules.is_admin_of(u, organisation) for u in (admin_user, member, stranger)] == [
        True,
        False,
        False,
    ]


# --- Inviting


def test_an_admin_creates_an_invitation_link_valid_for_seven_days(organisation, admin_user):
    client = client_for(admin_user)
    before = timezone.now()
    response = client.post(f"/organisations/{organisation.pk}/invitations/")
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.created_by, invitation.accepted_by) == (
        organisation, admin_user, None,
    )  # fmt: skip
    assert len(invitation.token) == 43
    assert before + timedelta(days=7) <= invitation.expires_at <= timezone.now() + timedelta(days=7)
    html = client.get(response["Location"]).content.decode()
    assert f"http://testserver/organisations/join/{invitation.token}/" in html


def test_tokens_are_unique_and_random(organisation, admin_user):
    tokens = {services.create_invitation(organisation, actor=admin_user).token for _ in range(5)}
    assert len(tokens) == 5


@pytest.mark.parametrize("who", ["member", "stranger"])
def test_only_an_admin_can_invite(organisation, member, who):
    user = member if who == "member" else make_user("stranger")
    response = client_for(user).post(f"/organisations/{organisation.pk}/invitations/")
    assert response.status_code == 404
    assert Invitation.objects.count() == 0
    with pytest.raises(services.NotAllowed):
        services.create_invitation(organisation, actor=user)
    assert Invitation.objects.count() == 0


def test_accepting_an_invitation_makes_a_member(organisation, invitation):
    colleague = make_user("colleague")
    client = client_for(colleague)
    page = client.get(f"/organisations/join/{invitation.token}/")
    assert page.status_code == 200
    assert "Khon Kaen City Municipality" in page.content.decode()
    assert memberships() == [("เทศบาลนครขอนแก่น", "admin1", True)]  # opening the link changes nothing

    response = client.post(f"/organisations/join/{invitation.token}/")
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    assert memberships() == [("เทศบาลนครขอนแก่น", "admin1", True), ("เทศบาลนครขอนแก่น", "colleague", False)]
    accepted_by, accepted_at, revoked_at = invitation_state(invitation)
    assert (accepted_by, revoked_at) == (colleague, None)
    assert accepted_at is not None
    assert messages_of(client.get(response["Location"])) == ["You have joined Khon Kaen City Municipality."]


def unusable(invitation_token, expected_status, expected_message):
    """Both opening and accepting the link are refused with the message, and nothing changes."""
    before = (
        memberships(),
        sorted(Invitation.objects.values_list("pk", "accepted_by", "accepted_at", "revoked_at")),
    )
    client = client_for(make_user("latecomer"))
    for method in (client.get, client.post):
        response = method(f"/organisations/join/{invitation_token}/")
        assert response.status_code == expected_status
        assert response.context["problem"] == expected_message
        assert expected_message in response.content.decode()
        assert "Accept and join" not in response.content.decode()
    after = (
        memberships(),
        sorted(Invitation.objects.values_list("pk", "accepted_by", "accepted_at", "revoked_at")),
    )
    assert after == before


def test_a_used_invitation_is_refused(invitation):
    services.accept_invitation(invitation.token, actor=make_user("colleague"))
    unusable(invitation.token, 410, "This invitation has already been used. Please ask for a new one.")


def test_an_expired_invitation_is_refused(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    unusable(invitation.token, 410, "This invitation has expired. Please ask for a new one.")


def test_an_unknown_invitation_is_refused(invitation):
    other = ("y" if invitation.token.startswith("x") else "x") + invitation.token[1:]
    unusable(other, 404, "This invitation link is not valid. Please ask for a new one.")


def test_a_revoked_invitation_is_refused(invitation, admin_user):
    services.revoke_invitation(invitation, actor=admin_user)
    unusable(invitation.token, 410, "This invitation has been withdrawn. Please ask for a new one.")


def test_a_member_accepting_again_does_not_use_up_the_invitation(organisation, member, invitation):
    response = client_for(member).post(f"/organisations/join/{invitation.token}/")
    assert response.context["problem"] == "You are already a member of this organisation."
    assert invitation_state(invitation) == (None, None, None)
    assert memberships() == [("เทศบาลนครขอนแก่น", "admin1", True), ("เทศบาลนครขอนแก่น", "member1", False)]


def test_anonymous_visitors_log_in_before_joining(client, invitation):
    response = client.get(f"/organisations/join/{invitation.token}/")
    assert response["Location"] == f"/accounts/login/?next=/organisations/join/{invitation.token}/"
    assert invitation_state(invitation) == (None, None, None)


def test_an_admin_revokes_an_unused_invitation(organisation, admin_user, invitation):
    client = client_for(admin_user)
    response = client.post(f"/organisations/{organisation.pk}/invitations/{invitation.pk}/revoke/")
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    assert invitation_state(invitation)[2] is not None
    html = client.get(response["Location"]).content.decode()
    assert "The invitation is revoked; its link no longer works." in html
    assert invitation.token not in html


def test_a_used_invitation_cannot_be_revoked(organisation, admin_user, invitation):
    colleague = make_user("colleague")
    services.accept_invitation(invitation.token, actor=colleague)
    client = client_for(admin_user)
    response = client.post(
        f"/organisations/{organisation.pk}/invitations/{invitation.pk}/revoke/", follow=True
    )
    assert messages_of(response) == ["This invitation has already been used and can no longer be revoked."]
    assert invitation_state(invitation)[0::2] == (colleague, None)


@pytest.mark.parametrize("who", ["member", "stranger"])
def test_only_an_admin_can_revoke(organisation, member, invitation, who):
    user = member if who == "member" else make_user("stranger")
    response = client_for(user).post(f"/organisations/{organisation.pk}/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 404
    assert invitation_state(invitation) == (None, None, None)


def test_posts_need_csrf(organisation, admin_user, invitation):
    newcomer = make_user("newcomer")
    paths_and_users = [
        ("/organisations/new/", newcomer),
        (f"/organisations/{organisation.pk}/invitations/", admin_user),
        (f"/organisations/{organisation.pk}/invitations/{invitation.pk}/revoke/", admin_user),
        (f"/organisations/join/{invitation.token}/", newcomer),
    ]
    data = {"name_th": "เทศบาลเมืองน่าน", "name_en": "", "org_type": "town_municipality", "province": "55"}
    for path, user in paths_and_users:
        response = client_for(user, csrf=True).post(path, data)
        assert response.status_code == 403, path
    assert Organisation.objects.count() == 1
    assert Invitation.objects.count() == 1
    assert invitation_state(invitation) == (None, None, None)
    assert memberships() == [("เทศบาลนครขอนแก่น", "admin1", True)]

    # With the token from the page, the same request goes through.
    client = client_for(newcomer, csrf=True)
    client.get(f"/organisations/join/{invitation.token}/")
    response = client.post(
        f"/organisations/join/{invitation.token}/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    assert memberships()[-1] == ("เทศบาลนครขอนแก่น", "newcomer", False)
