from django.urls import path

from . import views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/done/", views.signup_done, name="signup_done"),
    path("accounts/signup/resend/", views.signup_resend, name="signup_resend"),
    path("accounts/confirm/<str:token>/", views.signup_confirm, name="signup_confirm"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/invitations/", views.invitation_create, name="invitation_create"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("organisations/join/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
