"""Mail to people outside the staff: Thai first, then English, in one message.

Mail is plain text: its templates turn autoescaping off (``&lt;`` would reach the reader as such), and
every header value is one line — a title typed with a line break must not make Django refuse the mail
(``BadHeaderError``) nor add a header.
"""

import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from .throttle import Throttle

MAIL_LANGUAGES = ("th", "en")
SEPARATOR = "\n\n" + "—" * 40 + "\n\n"
# Line breaks and every other control character (tabs too), including Unicode's line separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_value(text, *, max_length=None):
    """``text`` as one line of a mail header: control characters and runs of spaces become one space."""
    value = " ".join(_CONTROL.sub(" ", str(text)).split())
    return value[:max_length] if max_length else value


def render_bilingual(subject_template, body_template, context):
    """The subject (Thai / English, on one line) and the body (Thai, a rule, English)."""
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subjects.append(header_value(render_to_string(subject_template, context)))
            bodies.append(render_to_string(body_template, context).strip())
    unique_subjects = list(dict.fromkeys(subjects))  # the same text twice while a translation is missing
    return " / ".join(unique_subjects), SEPARATOR.join(bodies) + "\n"


def send_mail_message(subject, body, to, *, from_email=None):
    """Sends one plain-text mail, its subject and addresses made single lines."""
    EmailMessage(
        header_value(subject),
        body,
        header_value(from_email or settings.DEFAULT_FROM_EMAIL),
        [header_value(address) for address in to],
    ).send()


def send_bilingual_mail(subject_template, body_template, context, to):
    subject, body = render_bilingual(subject_template, body_template, context)
    send_mail_message(subject, body, [to])


def account_mail_throttle(address):
    """Mails about an account (sign-up links, password resets) to one address: at most
    ``ACCOUNT_MAILS_PER_ADDRESS`` within ``ACCOUNT_MAIL_WINDOW`` seconds."""
    return Throttle(
        "account-mail",
        str(address).strip().lower(),
        limit=settings.ACCOUNT_MAILS_PER_ADDRESS,
        window=settings.ACCOUNT_MAIL_WINDOW,
        lock_seconds=settings.ACCOUNT_MAIL_WINDOW,
    )


def send_account_mail(subject_template, body_template, context, to):
    """A bilingual mail about an account, unless the address has had its share; True when sent."""
    throttle = account_mail_throttle(to)
    if throttle.seconds_left():
        return False
    send_bilingual_mail(subject_template, body_template, context, to)
    throttle.record()
    return True
