"""What every admin page of the portal shares (``NotFoundAdminMixin``, the base of every ``ModelAdmin`` of
the portal: ``cities.admin.PortalAdmin``, ``certification.admin.base.RulesAdmin`` and the admins of users
and groups in ``certification.admin.accounts``).

- An object the user may not see, or an address that names nothing (``/admin/…/abc/change/``), answers
  404 — never 403, never Django's redirect to the index with "doesn't exist" — so that a hidden object
  cannot be told from a missing one.
- Dates are typed and shown in the page's era, B.E. on Thai pages (``ThaiDateAdminMixin``): every
  ``DateField`` and ``DateTimeField`` of a model admin and of its inlines gets the fields of
  ``smartcity.forms`` instead of Django's calendar, which writes C.E. dates.
- The delete confirmation leaves out the rows of many-to-many tables, which Django names in English only.
- Permissions are named in the page's language (``PermissionsInThaiMixin``; Django stores their names in
  English), where a group's or a user's permissions are chosen.
- Two rows alike in an inline are named by the field's verbose name (``NamedDuplicatesAdminMixin``), not
  by its name in the code.
"""

from contextlib import contextmanager
from functools import cache

from django.apps import apps
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.forms import ModelMultipleChoiceField
from django.http import Http404
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import adminlog
from .forms import ThaiDateField, ThaiDateInput, ThaiDateTimeField, ThaiSplitDateTimeWidget


@contextmanager
def not_found_when_denied():
    """Turns a refusal (PermissionDenied) into 404 — for the admin's custom views too."""
    try:
        yield
    except PermissionDenied:
        raise Http404 from None


# Dates in the page's era (B.E. in Thai), typed in a plain text input with the format as placeholder.
DATE_FORMFIELD_OVERRIDES = {
    models.DateField: {"form_class": ThaiDateField, "widget": ThaiDateInput},
    models.DateTimeField: {"form_class": ThaiDateTimeField, "widget": ThaiSplitDateTimeWidget},
}


class ThaiDateAdminMixin:
    """For a ``ModelAdmin``: its date fields and those of its inlines are ``smartcity.forms``'
    ``ThaiDateField`` and ``ThaiDateTimeField``."""

    formfield_overrides = DATE_FORMFIELD_OVERRIDES

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            own = type(inline).formfield_overrides
            for field_class, options in DATE_FORMFIELD_OVERRIDES.items():
                if field_class not in own:
                    inline.formfield_overrides[field_class] = dict(options)
        return inlines


class NamedDuplicatesFormSetMixin:
    """For an inline formset: the message about two rows alike names the fields by their verbose names in
    the page's language ("ผู้ประเมิน"), where Django names them as the code does ("evaluator")."""

    def get_unique_error_message(self, unique_check):
        names = []
        for name in unique_check:
            if name == self.fk.name:
                continue
            try:
                names.append(str(self.model._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                names.append(name)
        if len(names) == 1:
            return gettext("Please correct the duplicate data for %(field)s.") % {"field": names[0]}
        return gettext("Please correct the duplicate data for %(field)s, which must be unique.") % {
            "field": get_text_list(names, gettext("and"))
        }


@cache
def naming_duplicates(formset_class):
    """The formset class with ``NamedDuplicatesFormSetMixin`` (the same class each time)."""
    if issubclass(formset_class, NamedDuplicatesFormSetMixin):
        return formset_class
    return type(formset_class.__name__, (NamedDuplicatesFormSetMixin, formset_class), {})


class NamedDuplicatesAdminMixin:
    """For a ``ModelAdmin``: every inline's formset names the fields of two rows alike by their verbose
    names (``NamedDuplicatesFormSetMixin``)."""

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            inline.formset = naming_duplicates(inline.formset)
        return inlines


def _without_links(items, hidden_prefixes):
    """The nested list of the delete confirmation without the rows that only link two objects."""
    kept = []
    for item in items:
        if isinstance(item, list):
            children = _without_links(item, hidden_prefixes)
            if children:
                kept.append(children)
        elif not str(item).startswith(hidden_prefixes):
            kept.append(item)
    return kept


class QuietDeletionAdminMixin:
    """For a ``ModelAdmin``: the delete confirmation without the rows that only link two objects."""

    def get_deleted_objects(self, objs, request):
        """As Django's, less the rows of many-to-many tables ("Certifiedcity-province relationship:
        CertifiedCity_provinces object (2)"): deleting an object unlinks it, which needs no line of
        its own, and Django names these rows only in English."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [m for m in apps.get_models(include_auto_created=True) if m._meta.auto_created]
        prefixes = tuple(f"{capfirst(m._meta.verbose_name)}: " for m in links)
        plural = {str(m._meta.verbose_name_plural) for m in links}
        model_count = {name: count for name, count in model_count.items() if str(name) not in plural}
        return _without_links(to_delete, prefixes), model_count, perms_needed, protected


# Permissions named in the page's language (the admins of users and groups).

DEFAULT_PERMISSIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


class PermissionMultipleChoiceField(ModelMultipleChoiceField):
    """Permissions named in the page's language: Django stores their names in English ("Can add
    application"), so the four permissions every model has are named from the model's own name."""

    def label_from_instance(self, obj):
        model = obj.content_type.model_class()
        action = obj.codename.partition("_")[0]
        if (
            model is not None
            and action in DEFAULT_PERMISSIONS
            and obj.codename == f"{action}_{model._meta.model_name}"
        ):
            name = str(DEFAULT_PERMISSIONS[action]) % {"model": model._meta.verbose_name}
        else:
            name = obj.name
        return f"{obj.content_type} | {name}"


class PermissionsInThaiMixin:
    """For a ``ModelAdmin``: its many-to-many fields to ``Permission`` (a group's permissions, a user's)
    name permissions in the page's language."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.remote_field.model is Permission:
            kwargs["form_class"] = PermissionMultipleChoiceField
            kwargs.setdefault("queryset", db_field.remote_field.model.objects.select_related("content_type"))
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


# The parts of a date a list may be narrowed to (the date hierarchy's links), and their ranges. Django
# checks that they are numbers but not the year's range, and a year such as 99999 fails only when the
# query runs, as a server error.
DATE_LOOKUP_RANGES = {"__year": (1, 9999), "__month": (1, 12), "__day": (1, 31)}


def check_date_lookups(query):
    """Refuses (as Django refuses any other wrong filter: the list again, with "?e=1") a year, month or
    day out of its range."""
    for name, value in query.items():
        for suffix, (low, high) in DATE_LOOKUP_RANGES.items():
            in_range = value.isascii() and value.isdigit() and low <= int(value) <= high
            if name.endswith(suffix) and not in_range:
                raise IncorrectLookupParameters(name)


class NotFoundAdminMixin(
    NamedDuplicatesAdminMixin, ThaiDateAdminMixin, QuietDeletionAdminMixin, PermissionsInThaiMixin
):
    """For every ``ModelAdmin`` of the portal: 404 wherever Django's admin would answer 403 or redirect;
    with duplicates in inlines named by their fields' verbose names, dates in the page's era, quiet delete
    confirmations and permissions named in the page's language (see the module's description)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404
        return obj

    def construct_change_message(self, request, form, formsets, add=False):
        return adminlog.construct_change_message(form, formsets, add)

    def get_changelist_instance(self, request):
        check_date_lookups(request.GET)
        return super().get_changelist_instance(request)

    def changelist_view(self, request, extra_context=None):
        if request.GET.get(ERROR_FLAG) == "1":  # where Django sends a list whose filter it refused
            messages.warning(request, _("A filter in the address was not valid: the whole list is shown."))
        with not_found_when_denied():
            return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with not_found_when_denied():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        with not_found_when_denied():
            return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        with not_found_when_denied():
            return super().delete_view(request, object_id, extra_context)


def people_shown_by_name():
    """A read-only field that names a user (who created, recorded, decided) links to that user's page in
    Django's admin, which only superusers may open: every other role followed it to a 404. People are
    shown by their names, unlinked. Called once from ``SmartCityConfig.ready``."""
    from django.contrib.admin import helpers
    from django.contrib.auth import get_user_model

    if getattr(helpers.AdminReadonlyField.get_admin_url, "names_people", False):
        return
    linked = helpers.AdminReadonlyField.get_admin_url

    def get_admin_url(self, remote_field, remote_obj):
        if remote_field.model is get_user_model():
            return str(remote_obj)
        return linked(self, remote_field, remote_obj)

    get_admin_url.names_people = True
    helpers.AdminReadonlyField.get_admin_url = get_admin_url


def describe_boolean_icons():
    """Django's yes/no icons in lists and read-only fields say "True", "False" or "None" to screen
    readers, whatever the language (their ``alt`` is not translated): these say ใช่, ไม่ใช่, ไม่ทราบ on Thai
    pages. Called once from ``SmartCityConfig.ready``."""
    from django.contrib.admin.templatetags import admin_list
    from django.templatetags.static import static
    from django.utils.html import format_html

    if getattr(admin_list._boolean_icon, "describes_in_words", False):
        return
    names = {True: ("yes", _("Yes")), False: ("no", _("No")), None: ("unknown", _("Unknown"))}

    def _boolean_icon(field_val):
        icon, alt = names[field_val]
        return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), alt)

    _boolean_icon.describes_in_words = True
    admin_list._boolean_icon = _boolean_icon
