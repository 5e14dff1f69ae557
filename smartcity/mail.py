"""Mail to people outside the staff: Thai first, then English, in one message."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

MAIL_LANGUAGES = ("th", "en")
SEPARATOR = "\n\n" + "—" * 40 + "\n\n"


def render_bilingual(subject_template, body_template, context):
    """The subject (Thai / English, on one line) and the body (Thai, a rule, English)."""
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subjects.append(" ".join(render_to_string(subject_template, context).split()))
            bodies.append(render_to_string(body_template, context).strip())
    unique_subjects = list(dict.fromkeys(subjects))  # the same text twice while a translation is missing
    return " / ".join(unique_subjects), SEPARATOR.join(bodies) + "\n"


def send_bilingual_mail(subject_template, body_template, context, to):
    subject, body = render_bilingual(subject_template, body_template, context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
