from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .auth import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

# The admin's login is throttled like the portal's.
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("apply/", include("certification.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("", include("cities.urls")),
    path("registry/", include("cities.registry_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("smartcity.api")),
]

# Public verification of certificates and plaques: the lookup box and the page the QR code on each
# document leads to.
from certification import verify  # noqa: E402

urlpatterns += [
    path("verify/", verify.lookup, name="verify_lookup"),
    path("verify/file/", verify.check_file, name="verify_file"),
    path("verify/<str:serial>/", verify.verify, name="verify"),
]
