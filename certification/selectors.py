"""Reads for the views. Every applicant page starts from ``applications_for(user)``, so another
organisation's application is simply not found (404)."""

from django.db.models import Prefetch

from .models import Application, AuditEntry, Section


def applications_for(user):
    """The applications of every organisation the user belongs to."""
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(organisation__memberships__user=user).distinct()


def dashboard_applications(user):
    """The dashboard's list: a fixed number of queries however many applications there are."""
    return (
        applications_for(user)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "audit_entries",
                queryset=AuditEntry.objects.select_related("actor").order_by("created_at", "pk"),
            ),
            Prefetch("sections", queryset=Section.objects.filter(reopened=True), to_attr="reopened_sections"),
            "attachments",
        )
        .order_by("-created_at")
    )


def timeline(application):
    return application.audit_entries.select_related("actor").order_by("created_at", "pk")
