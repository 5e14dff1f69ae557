"""An application's history as sentences, for the applicant's timeline and the staff's history page.

Every audit code the services write has its sentence here, and says who reads it: the applicant too
(``APPLICANT``) or the staff only (``STAFF``: evaluators' assignments and declarations, mail that failed
or was discarded, the secretariat's own book-keeping). A test fails when a code has no sentence.
"""

import datetime

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smartcity.thaidate import format_date

from .enums import DocumentKind, Status

APPLICANT, STAFF = "applicant", "staff"

# code → (who reads it, the sentence); a sentence names its details as %(name)s, from the entry's data.
SENTENCES = {
    "certification.application.created": (APPLICANT, lambda: _("%(actor)s created the application.")),
    "certification.application.submitted": (
        APPLICANT,
        lambda: _("%(actor)s submitted the proposal (version %(version)s)."),
    ),
    "certification.application.screening": (APPLICANT, lambda: _("%(actor)s started the screening.")),
    "certification.application.returned": (
        APPLICANT,
        lambda: _("%(actor)s returned the proposal for changes."),
    ),
    "certification.application.promotion_zone": (
        APPLICANT,
        lambda: _("%(actor)s recorded that the area is a Smart City Promotion Zone (%(resolution)s)."),
    ),
    "certification.application.plan_submitted": (
        APPLICANT,
        lambda: _("%(actor)s submitted the development plan (version %(version)s)."),
    ),
    "certification.application.evaluation": (
        APPLICANT,
        lambda: _("%(actor)s started the evaluation of the plan."),
    ),
    "certification.application.revision_requested": (
        APPLICANT,
        lambda: _("%(actor)s asked for revisions of the plan."),
    ),
    "certification.application.recommended": (
        APPLICANT,
        lambda: _("%(actor)s recorded the working group's recommendation of the plan."),
    ),
    "certification.application.subcommittee_approved": (
        APPLICANT,
        lambda: _("%(actor)s recorded the subcommittee's approval of the plan (%(resolution)s)."),
    ),
    "certification.application.endorsed": (
        APPLICANT,
        lambda: _("%(actor)s recorded the committee's endorsement (%(resolution)s)."),
    ),
    "certification.application.awarded": (
        APPLICANT,
        lambda: _("%(actor)s awarded the Smart City Thailand logo in the round of %(round)s."),
    ),
    "certification.application.withdrawn": (APPLICANT, lambda: _("%(actor)s withdrew the application.")),
    "certification.application.rejected": (APPLICANT, lambda: _("%(actor)s rejected the application.")),
    "certification.attachment.added": (APPLICANT, lambda: _("%(actor)s attached “%(name)s”.")),
    "certification.attachment.removed": (
        APPLICANT,
        lambda: _("%(actor)s removed the attachment “%(name)s”."),
    ),
    "certification.screening.passed": (
        APPLICANT,
        lambda: _("%(actor)s recorded the screening: passed; the proposal goes to the committee."),
    ),
    "certification.screening.returned": (
        STAFF,
        lambda: _("%(actor)s recorded the screening: returned for changes."),
    ),
    "certification.screening.rejected": (STAFF, lambda: _("%(actor)s recorded the screening: rejected.")),
    "certification.evaluation.assigned": (
        STAFF,
        lambda: _("%(actor)s asked %(evaluator_name)s to evaluate the plan."),
    ),
    "certification.evaluation.conflict_none": (
        STAFF,
        lambda: _("%(actor)s declared no conflict of interest."),
    ),
    "certification.evaluation.conflict_conflicted": (
        STAFF,
        lambda: _("%(actor)s declared a conflict of interest and no longer evaluates the plan."),
    ),
    "certification.evaluation.submitted": (STAFF, lambda: _("%(actor)s submitted an evaluation.")),
    "certification.notification.sent": (APPLICANT, lambda: _("A mail was sent: “%(subject)s”.")),
    "certification.notification.failed": (
        STAFF,
        lambda: _("%(actor)s released the mail “%(subject)s”, but it could not be delivered."),
    ),
    "certification.notification.discarded": (
        STAFF,
        lambda: _("%(actor)s discarded the mail “%(subject)s”."),
    ),
    "certification.award.created": (
        STAFF,
        lambda: _("%(actor)s recorded the award of %(city)s in the round of %(round)s."),
    ),
    "certification.award.expired": (APPLICANT, lambda: _("The award expired after %(valid_until)s.")),
    "certification.document.issued": (APPLICANT, lambda: _("%(actor)s issued the %(kind)s %(serial)s.")),
    "certification.document.reissued": (
        APPLICANT,
        lambda: _("%(actor)s reissued %(serial)s as %(new_serial)s."),
    ),
    "certification.document.revoked": (APPLICANT, lambda: _("%(actor)s revoked %(serials)s.")),
    "certification.documents.render_queued": (
        STAFF,
        lambda: _("%(actor)s queued %(count)s documents of %(year)s for rendering."),
    ),
    "certification.award.revoked": (
        APPLICANT,
        lambda: _("%(actor)s recorded the committee's revocation of the award (%(resolution)s): %(reason)s"),
    ),
    "certification.report.opened": (
        APPLICANT,
        lambda: _("%(actor)s opened the progress report of %(year)s."),
    ),
    "certification.report.evidence_added": (
        APPLICANT,
        lambda: _("%(actor)s attached “%(name)s” to the progress report of %(year)s."),
    ),
    "certification.report.evidence_removed": (
        APPLICANT,
        lambda: _("%(actor)s removed “%(name)s” from the progress report of %(year)s."),
    ),
    "certification.report.submitted": (
        APPLICANT,
        lambda: _("%(actor)s submitted the progress report of %(year)s (version %(version)s)."),
    ),
    "certification.report.assessed": (
        APPLICANT,
        lambda: _(
            "%(actor)s assessed the progress report of %(year)s: progress index %(index)s %%, plan "
            "progress %(progress)s %%."
        ),
    ),
    "certification.report.returned": (
        APPLICANT,
        lambda: _("%(actor)s returned the progress report of %(year)s for changes."),
    ),
    "certification.renewal.requested": (
        APPLICANT,
        lambda: _(
            "%(actor)s asked for the renewal of the certification, from the progress report of %(year)s "
            "(plan progress %(progress)s %%)."
        ),
    ),
    "certification.renewal.renewed": (
        APPLICANT,
        lambda: _(
            "%(actor)s recorded the committee's renewal of the certification (%(resolution)s): valid until "
            "%(valid_until)s."
        ),
    ),
    "certification.renewal.declined": (
        APPLICANT,
        lambda: _(
            "%(actor)s recorded the committee's decision not to renew the certification (%(resolution)s)."
        ),
    ),
    "certification.resolution.recorded": (STAFF, lambda: _("%(actor)s recorded %(resolution)s.")),
    "certification.resolution.changed": (STAFF, lambda: _("%(actor)s corrected %(resolution)s.")),
}


class _Details(dict):
    """The entry's details for its sentence; a detail an older entry lacks reads "—"."""

    def __missing__(self, key):
        return "—"


def actor_name(entry, *, for_applicant):
    user = entry.actor
    if user is None:
        return _("The portal")
    if for_applicant and user.is_staff:
        return _("The secretariat")
    return user.get_full_name() or user.get_username()


def subject_for_reader(subject):
    """The reader's half of a mail's subject. Mails go out in Thai and English under one subject,
    "Thai / English"; the fixed words of the subjects hold no " / ", so a title typed with some repeats
    them equally in both halves, and the middle separator is the one between the languages. A subject
    cut short (255 characters) is quoted whole."""
    parts = subject.split(" / ")
    if len(parts) % 2:
        return subject
    half = len(parts) // 2
    english = (get_language() or "th").startswith("en")
    return " / ".join(parts[half:] if english else parts[:half])


def _detail(key, value):
    if key == "subject" and isinstance(value, str):
        return subject_for_reader(value)
    if key == "kind" and value in DocumentKind.values:
        return str(DocumentKind(value).label).lower()
    if key == "valid_until":
        try:
            return format_date(datetime.date.fromisoformat(value), language=get_language() or "th")
        except (TypeError, ValueError):
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def describe(entry, *, for_applicant=True):
    """One sentence saying what happened, in the active language."""
    details = _Details({key: _detail(key, value) for key, value in (entry.data or {}).items()})
    details["actor"] = actor_name(entry, for_applicant=for_applicant)
    if entry.action == "certification.evaluation.assigned" and "evaluator_name" not in details:
        details["evaluator_name"] = details["evaluator"]
    known = SENTENCES.get(entry.action)
    if known:
        return known[1]() % details
    if entry.action.startswith("certification.application.") and entry.data.get("after") in Status.values:
        return _("%(actor)s moved the application to “%(state)s”.") % {
            **details,
            "state": Status(entry.data["after"]).label,
        }
    return _("%(actor)s recorded a change.") % details


# Mails the portal writes to staff, not to the applicant (their delivery is the committee's business).
STAFF_MAIL_EVENTS = frozenset({"certification.evaluation.assigned"})
# The moves whose note is written to the applicant (what to change, why it ends); the notes of the
# bodies' other decisions are the committee's own.
NOTES_FOR_APPLICANT = frozenset(
    {
        "certification.application.returned",
        "certification.application.revision_requested",
        "certification.application.rejected",
        "certification.application.withdrawn",
    }
)


def concerns_applicant(entry):
    """Shown on the applicant's timeline: what concerns them, not the committee's inner workings (nor
    the delivery of a mail written to staff)."""
    known = SENTENCES.get(entry.action)
    if known is None or known[0] != APPLICANT:
        return False
    return (entry.data or {}).get("event") not in STAFF_MAIL_EVENTS


def note_for_applicant(entry):
    """The note of a move, where it is written to the applicant; otherwise nothing."""
    return (entry.data or {}).get("note", "") if entry.action in NOTES_FOR_APPLICANT else ""


def evaluators_may_read(entry, user):
    """An evaluator's view of the staff history: the committee's work, but of the evaluations only
    their own (nobody learns from it who else evaluates, or who declared a conflict of interest)."""
    if not entry.action.startswith("certification.evaluation."):
        return True
    return entry.actor_id == user.pk or entry.data.get("evaluator") == user.get_username()
