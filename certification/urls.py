from django.urls import path

from .views import applications, certificates, reports, sections

app_name = "apply"

urlpatterns = [
    path("", applications.dashboard, name="dashboard"),
    path("new/", applications.create, name="create"),
    path("certificates/", certificates.certificates, name="certificates"),
    path("certificates/status.json", certificates.certificates_status, name="certificates_status"),
    path("certificates/<str:serial>/pdf/", certificates.certificate_download, name="certificate_download"),
    path("reports/", reports.reports, name="reports"),
    path("reports/<int:pk>/", reports.report, name="report"),
    path("reports/<int:pk>/autosave/", reports.report_autosave, name="report_autosave"),
    path("reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("reports/<int:pk>/evidence/", reports.evidence, name="report_evidence"),
    path("reports/<int:pk>/evidence/<int:evidence_pk>/", reports.evidence_download, name="evidence"),
    path(
        "reports/<int:pk>/evidence/<int:evidence_pk>/delete/", reports.evidence_delete, name="evidence_delete"
    ),
    path("awards/<int:award_pk>/reports/<int:year>/", reports.report_open, name="report_open"),
    path("awards/<int:award_pk>/renewal/", reports.renewal, name="renewal"),
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
