"""The admin's own change log, read in the reader's language.

Django writes a change ("Changed Date. Added resolution “…”.") with translation turned off: field
labels such as "Date" and the names of the objects added are stored in English, and are translated when
read only where the catalog happens to hold the very same text, which for labels it does not (the
catalog has "date"). So a Thai history page read "แก้ไข Date แล้ว เพิ่มมติ “National Smart City Committee,
meeting 3/2569, resolution 3” แล้ว".

``construct_change_message`` (used by every admin of the portal, ``NotFoundAdminMixin``) stores what
Django stores plus what it takes to say it again in any language: the names of the changed fields, and
the model of each object an inline added, changed or deleted with its name in each language at the time.
``change_sentence`` says a log entry in the active language from those; for entries written before, it
matches the stored English labels with the model's fields.
"""

import json

from django.apps import apps
from django.conf import settings
from django.contrib.admin.utils import construct_change_message as django_change_message
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext


def construct_change_message(form, formsets, add):
    message = django_change_message(form, formsets, add)
    entries = iter(message)
    if not add and form.changed_data:
        next(entries)["changed"]["field_names"] = list(form.changed_data)
    elif add:
        next(entries)
    for formset in formsets or ():
        touched = [
            *((obj, None) for obj in formset.new_objects),
            *formset.changed_objects,
            *((obj, None) for obj in formset.deleted_objects),
        ]
        for obj, fields in touched:
            details = next(iter(next(entries).values()))
            details |= {"model": obj._meta.label_lower, "names": names_of(obj)}
            if fields is not None:
                details["field_names"] = list(fields)
    return message


def names_of(obj):
    """The object's name in every language of the portal, as it reads at the time of the change."""
    names = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names[code] = str(obj)
    return names


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _label(model, name, stored):
    """A changed field's label in the active language: the model field's, else the stored text."""
    if model is not None and name:
        try:
            return capfirst(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            pass
    if model is not None:  # an entry written before the names were kept: match the English label
        with translation.override("en"):
            english = {
                str(capfirst(field.verbose_name)): field
                for field in model._meta.get_fields()
                if hasattr(field, "verbose_name")
            }
        if stored in english:
            return capfirst(english[stored].verbose_name)
    return gettext(stored)


def _labels(model, details):
    names = details.get("field_names") or [None] * len(details.get("fields", []))
    labels = [
        _label(model, name, stored) for name, stored in zip(names, details.get("fields", []), strict=False)
    ]
    return get_text_list([str(label) for label in labels], gettext("and"))


def _object(details):
    """The inline object's model name and its name at the time, in the active language."""
    model = _model(details.get("model", ""))
    name = str(model._meta.verbose_name) if model is not None else gettext(details.get("name", ""))
    names = details.get("names", {})
    return name, names.get(translation.get_language(), details.get("object", ""))


def change_sentence(log, *, hidden_models=()):
    """The log entry as sentences in the active language, leaving out what concerns ``hidden_models``
    (labels, e.g. "certification.evaluatorassignment") — an empty text when nothing is left."""
    if not log.change_message or log.change_message[0] != "[":
        return log.get_change_message()
    try:
        parts = json.loads(log.change_message)
    except json.JSONDecodeError:
        return log.change_message
    own_model = log.content_type.model_class() if log.content_type_id else None
    sentences = []
    for part in parts:
        kind, details = next(iter(part.items()))
        if details.get("model") in hidden_models:
            continue
        if kind == "added" and not details:
            sentences.append(gettext("Added."))
        elif kind == "changed" and "name" not in details:
            sentences.append(gettext("Changed {fields}.").format(fields=_labels(own_model, details)))
        else:
            name, obj = _object(details)
            if kind == "added":
                sentences.append(gettext("Added {name} “{object}”.").format(name=name, object=obj))
            elif kind == "changed":
                fields = _labels(_model(details.get("model", "")), details)
                sentences.append(
                    gettext("Changed {fields} for {name} “{object}”.").format(
                        fields=fields, name=name, object=obj
                    )
                )
            else:
                sentences.append(gettext("Deleted {name} “{object}”.").format(name=name, object=obj))
    return " ".join(sentences)
