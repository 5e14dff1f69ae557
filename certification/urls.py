from django.urls import path

from . import views

app_name = "apply"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.create, name="create"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/status.json", views.certificates_status, name="certificates_status"),
    path("certificates/<str:serial>/pdf/", views.certificate_download, name="certificate_download"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sections/<slug:key>/", views.section, name="section"),
    path("<int:pk>/sections/<slug:key>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/attachments/", views.attachments, name="attachments"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_delete, name="attachment_delete"
    ),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
