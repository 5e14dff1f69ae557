"""An application's history as sentences, for the applicant's timeline and the staff's history page."""

from django.utils.translation import gettext as _

from .enums import Status

SENTENCES = {
    "certification.application.created": lambda e: _("%(actor)s created the application."),
    "certification.application.submitted": lambda e: _(
        "%(actor)s submitted the proposal (version %(version)s)."
    ),
    "certification.application.plan_submitted": lambda e: _(
        "%(actor)s submitted the development plan (version %(version)s)."
    ),
    "certification.application.screening": lambda e: _("%(actor)s started the screening."),
    "certification.application.returned": lambda e: _("%(actor)s returned the proposal for changes."),
    "certification.application.revision_requested": lambda e: _("%(actor)s asked for revisions of the plan."),
    "certification.application.withdrawn": lambda e: _("%(actor)s withdrew the application."),
    "certification.attachment.added": lambda e: _("%(actor)s attached “%(name)s”."),
    "certification.attachment.removed": lambda e: _("%(actor)s removed the attachment “%(name)s”."),
}


def actor_name(entry, *, for_applicant):
    user = entry.actor
    if user is None:
        return _("The portal")
    if for_applicant and user.is_staff:
        return _("The secretariat")
    return user.get_full_name() or user.get_username()


def describe(entry, *, for_applicant=True):
    """One sentence saying what happened, in the active language."""
    values = {"actor": actor_name(entry, for_applicant=for_applicant), **entry.data}
    values.setdefault("version", "")
    values.setdefault("name", "")
    sentence = SENTENCES.get(entry.action)
    if sentence:
        return sentence(entry) % values
    if entry.action.startswith("certification.application.") and entry.data.get("after") in Status.values:
        return _("%(actor)s moved the application to “%(state)s”.") % {
            **values,
            "state": Status(entry.data["after"]).label,
        }
    return _("%(actor)s: %(action)s") % {**values, "action": entry.action}
