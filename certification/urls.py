from django.urls import path

from .views import applications, certificates, sections

app_name = "apply"

urlpatterns = [
    path("", applications.dashboard, name="dashboard"),
    path("new/", applications.create, name="create"),
    path("certificates/", certificates.certificates, name="certificates"),
    path("certificates/status.json", certificates.certificates_status, name="certificates_status"),
    path("certificates/<str:serial>/pdf/", certificates.certificate_download, name="certificate_download"),
    path("<int:pk>/", applications.detail, name="detail"),
    path("<int:pk>/sections/<slug:key>/", sections.section, name="section"),
    path("<int:pk>/sections/<slug:key>/autosave/", sections.autosave, name="autosave"),
    path("<int:pk>/boundary/preview/", sections.boundary_preview, name="boundary_preview"),
    path("<int:pk>/boundary/use/", sections.boundary_use, name="boundary_use"),
    path("<int:pk>/attachments/", sections.attachments, name="attachments"),
    path("<int:pk>/attachments/<int:attachment_pk>/", sections.attachment_download, name="attachment"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        sections.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/review/", applications.review, name="review"),
    path("<int:pk>/submit/", applications.submit, name="submit"),
    path("<int:pk>/withdraw/", applications.withdraw, name="withdraw"),
]
