"""Django's makemessages, merging without fuzzy matching: a new message gets no guessed translation
from a similar one (marked fuzzy, left out of the compiled catalog and easy to miss), so every new entry
of the .po is plainly empty until it is translated. ``make makemessages`` runs it for both domains."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
