"""The admin, crawled as every staff role: every address the admin site serves answers without a server
error, every add form saves with valid data and every change form saves as it stands.

The addresses come from the admin site itself, not from a list written here: every registered
``ModelAdmin``'s ``get_urls()`` (Django's changelist, add, change, history, delete and the old change
address, and every custom view), plus the index and each app's index. Each pattern's arguments are filled
from real objects of the demo data (``seed_demo``) and a few more made here, so that every model and every
custom view has something to open: the object itself for the first argument, its related objects for the
others (``<int:attachment_pk>``: the application's attachments; ``<slug:kind>``: the kinds its documents
may have).

What may answer what: 200; 404 for whatever the role may not see (the portal answers 404, never 403);
302 only where a redirect is the view's documented answer (``DOCUMENTED_REDIRECTS``). Each test collects
every failure (role, address, status, and the traceback's last lines for a server error) and asserts the
list is empty.

One seeded database serves the whole module (``_seeded``, rolled back at the end); each test runs in a
savepoint of it, so the saves of one test are gone for the next.
"""

import datetime
import itertools
import logging
import re
import shutil
import traceback
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.forms.widgets import ChoiceWidget
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, reverse
from django.urls.resolvers import RoutePattern

from certification.enums import Body, Component, DigitStyle
from certification.models import (
    Application,
    AwardRound,
    Document,
    IntakeRound,
    Meeting,
    Notification,
    Signatory,
)
from certification.services import awards, outbox, rendering, review
from cities.enums import CertifiedCityStatus, CityType, OrganisationType
from cities.models import Organisation, Province
from cities.services import create_invitation
from tests.certification.awards_helpers import endorsed, signature_png
from tests.certification.monitoring_helpers import filed_report
from tests.conftest import load_reference_data

pytestmark = pytest.mark.django_db

# The demo users of the staff roles (README "Demo logins"), and the superuser.
ROLES = ["secretariat", "evaluator1", "committee", "official", "admin"]

# A model with more rows than this is opened at its first and its last row only (provinces, cities).
MAX_OBJECTS = 10

# Django's own patterns of a ModelAdmin (``ModelAdmin.get_urls``); everything else is a custom view.
STANDARD_ROUTES = {"", "add/", "<path:object_id>/history/", "<path:object_id>/delete/",
                   "<path:object_id>/change/", "<path:object_id>/"}  # fmt: skip
NOT_AN_ID = "abc"

# Patterns whose documented answer to a GET is a redirect: pattern name (or route) → why.
DOCUMENTED_REDIRECTS = {
    "<path:object_id>/": "Django's old change address goes to the change page",
    "certification_awardround_render": "rendering is a POST; a GET goes back to the round's documents page",
}


def _first_meeting():
    return Meeting.objects.order_by("pk").first().pk


# Valid values of every add form some role may open, by model: field → value (a callable is called when
# the form is filled). "inlines": inline model → one dict of values per new row. Values are Python
# values, written into the POST the way the field's widget shows them (dates in the active language).
ADD_VALUES = {
    "auth.user": {
        "username": "crawl-user",
        "usable_password": "true",
        "password1": "Crawl-walk-2569!",
        "password2": "Crawl-walk-2569!",
    },
    "auth.group": {"name": "Crawl group"},
    "cities.organisation": {
        "name_th": "เทศบาลตำบลทดสอบการเดินสำรวจ",
        "name_en": "Crawl Subdistrict Municipality",
        "org_type": OrganisationType.SUBDISTRICT_MUNICIPALITY,
        "province": "52",
    },
    "cities.certifiedcity": {
        "name_th": "เมืองทดสอบการเดินสำรวจ",
        "name_en": "Crawl City",
        "award_year": 2566,
        "certified_on": datetime.date(2024, 1, 15),
        "city_type": CityType.LIVABLE,
        "status": CertifiedCityStatus.ACTIVE,
        "provinces": ["52"],
    },
    "certification.intakeround": {
        "year": 2569,
        "number": 9,
        "opens_on": datetime.date(2026, 1, 5),
        "closes_on": datetime.date(2026, 6, 30),
    },
    "certification.checklistitem": {"text_th": "มีแผนที่แสดงขอบเขตพื้นที่", "text_en": "A map", "order": 99},
    "certification.meeting": {
        "body": Body.SUBCOMMITTEE,
        "year": 2570,
        "number": 7,
        "date": datetime.date(2027, 2, 9),
        "agenda": "พิจารณาแผน (การเดินสำรวจ)",
        "inlines": {"certification.resolution": [{"number": 1, "text": "เห็นชอบแผน"}]},
    },
    "certification.resolution": {"meeting": _first_meeting, "number": 9, "text": "รับทราบ"},
    "certification.awardround": {
        "year": 2571,
        "ceremony_date": datetime.date(2028, 1, 10),
        "presenter_th": "ประธานกรรมการ",
        "digit_style": DigitStyle.THAI,
        "validity_years": 2,
        "inlines": {
            "certification.signatory": [{"order": 1, "name": "นายทดสอบ ลงนาม", "position": "ประธานกรรมการ"}]
        },
    },
}

# What a change form needs beyond its current values: the evaluator's own page is a declaration form,
# empty until the evaluator declares.
CHANGE_VALUES = {
    "certification.evaluatorassignment": {"conflict": "none", "note": "ไม่มีส่วนได้เสีย"},
    # The secretariat's page of a submitted progress report is its assessment form.
    "certification.progressreport": {
        "outcome": "assessed",
        **{f"score_{component}": 70 for component in Component.values},
        "assessed_progress": "60",
    },
}


# --- The data: the demo data and what it lacks for every page to have an object to open


def build_world():
    """Adds to the demo data: the submitted proposal in screening; the submitted plan in evaluation with
    evaluator1 assigned (undeclared); an intake round holding both; the round 2565 with a signatory, an
    award and its documents, rendered (with the zone certificate the demo data issued), and its progress
    report of 2567 submitted (the demo's reports are assessed); a mail sent from the outbox (the others
    stay held); an invitation."""
    users = {user.username: user for user in get_user_model().objects.all()}
    secretariat = users["secretariat"]
    proposal, plan = Application.objects.filter(created_by=users["applicant"]).order_by("pk")
    intake = IntakeRound.objects.create(year=2569, number=1, opens_on=datetime.date(2026, 1, 5))
    Application.objects.filter(pk__in=[proposal.pk, plan.pk]).update(intake_round=intake)
    review.start_screening(proposal, actor=secretariat)
    review.start_evaluation(plan, actor=secretariat)
    review.assign_evaluator(plan, users["evaluator1"], actor=secretariat)

    award_round = AwardRound.objects.get(year=2565)
    signatory = Signatory(round=award_round, order=1, name="นายทดสอบ ลงนาม", position="ประธานกรรมการ")
    signatory.signature.save("chair.png", ContentFile(signature_png()), save=False)
    signatory.save()
    award = awards.award(endorsed(title="เมืองทดสอบการเดินสำรวจอัจฉริยะ"), award_round, actor=secretariat)
    filed_report(award, 2567)
    for document in Document.objects.all():
        rendering.render_document(document.pk)

    outbox.release_notification(Notification.objects.order_by("pk").first(), actor=secretariat)
    create_invitation(
        Organisation.objects.get(memberships__user=users["applicant"]), actor=users["applicant"]
    )


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data and ``build_world``, once for the module, rolled back at its end. Returns a copy of
    the private files (attachments, signature, rendered PDFs), which conftest removes after every test."""
    private = Path(settings.MEDIA_ROOT) / "private"
    with django_db_blocker.unblock(), transaction.atomic():
        if not Province.objects.exists():  # emptied by a transactional test that ran before
            load_reference_data()
        with override_settings(DEBUG=True):
            call_command("seed_demo", verbosity=0)
        build_world()
        copy = tmp_path_factory.mktemp("crawl") / "private"
        shutil.copytree(private, copy)
        yield copy
        transaction.set_rollback(True)
    shutil.rmtree(private, ignore_errors=True)


@pytest.fixture
def world(_seeded):
    """The seeded data with its private files back; Django's log of every 404 and 500 kept quiet (the
    failures say what failed, with the traceback's last lines)."""
    private = Path(settings.MEDIA_ROOT) / "private"
    shutil.rmtree(private, ignore_errors=True)
    shutil.copytree(_seeded, private)
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def logged_in(username):
    client = Client(raise_request_exception=False)  # a view's exception answers 500 with exc_info
    client.force_login(get_user_model().objects.get(username=username))
    return client


# --- Addresses, from the admin site


ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def admin_prefix(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def pattern_key(pattern):
    return pattern.name or str(pattern.pattern)


def sample_objects(model):
    """A few real objects: all of them when there are few, else the first and the last, and the first
    of each status (a custom view may answer only in some states)."""
    queryset = model._default_manager.order_by("pk")
    objects = list(queryset[: MAX_OBJECTS + 1])
    if len(objects) > MAX_OBJECTS:
        objects = [objects[0], queryset.last()]
        if any(field.name == "status" for field in model._meta.fields):
            for status in queryset.order_by().values_list("status", flat=True).distinct():
                objects.append(queryset.filter(status=status).first())
        objects = list({obj.pk: obj for obj in objects}.values())
    return objects


def related_values(obj, argument):
    """The values of a further argument of a custom view, from the object's related objects:
    ``<x>_pk`` → the primary keys of its related ``x`` rows; another name → the choices of the field
    of that name on a related model (``kind`` of a round's documents)."""
    for relation in obj._meta.related_objects:
        related = relation.related_model
        if argument == f"{related._meta.model_name}_pk" and relation.one_to_many:
            return list(getattr(obj, relation.get_accessor_name()).values_list("pk", flat=True))
        field = next((f for f in related._meta.fields if f.name == argument and f.choices), None)
        if field is not None:
            return [value for value, _label in field.choices]
    raise LookupError(f"no related objects of {obj._meta.label} fill <{argument}>")


def pattern_urls(model, pattern, objects):
    """Every address of one pattern: the first argument is the object's key, the others come from
    ``related_values``."""
    route = str(pattern.pattern)
    matches = list(ARGUMENT.finditer(route))
    if not matches:
        return [admin_prefix(model) + route]
    converters = pattern.pattern.converters
    first, *rest = [m["name"] for m in matches]
    urls = []
    for obj in objects:
        choices = [[quote(str(obj.pk))], *(related_values(obj, name) for name in rest)]
        for combination in itertools.product(*choices):
            values = dict(zip([first, *rest], combination, strict=True))
            path = ARGUMENT.sub(lambda m, v=values: converters[m["name"]].to_url(v[m["name"]]), route)
            urls.append(admin_prefix(model) + path)
    if not urls and rest:
        # None of the samples has the related rows this view needs (an attachment, say): the first
        # object of the model that has them.
        for obj in model._default_manager.order_by("pk").iterator():
            if all(related_values(obj, name) for name in rest):
                return pattern_urls(model, pattern, [obj])
    return urls


def crawl_plan():
    """[(model, pattern, [urls])] for every pattern of every registered ModelAdmin, and the problems
    (an argument no related object fills, a pattern with no real object to open)."""
    plan, problems = [], []
    for model, model_admin in registered():
        objects = sample_objects(model)
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not isinstance(pattern.pattern, RoutePattern):
                problems.append(f"{model._meta.label} {pattern.pattern}: not a path() route, not crawled")
                continue
            try:
                urls = pattern_urls(model, pattern, objects)
            except LookupError as error:
                problems.append(f"{model._meta.label} {pattern.pattern}: {error}")
                continue
            if not urls:
                problems.append(f"{model._meta.label} {pattern.pattern}: no real object to open")
            plan.append((model, pattern, urls))
    return plan, problems


# --- Answers


def last_lines(response, count=6):
    if not getattr(response, "exc_info", None):
        return ""
    lines = "".join(traceback.format_exception(*response.exc_info)).rstrip().splitlines()
    return "\n      " + "\n      ".join(lines[-count:])


def describe(role, method, url, response, note=""):
    status = response.status_code
    text = f"{role} {method} {url} → {status}"
    if status in (301, 302):
        text += f" to {response.get('Location')}"
    if note:
        text += f" ({note})"
    return text + last_lines(response)


def get(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # reads the download to its end, which closes the file
    return response


def acceptable(response, pattern):
    status = response.status_code
    if status in (200, 404):
        return True
    login = reverse("admin:login")
    return (
        status == 302
        and pattern is not None
        and pattern_key(pattern) in DOCUMENTED_REDIRECTS
        and not response["Location"].startswith(login)
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_address_answers_200_302_or_404_never_an_error(world, role):
    client = logged_in(role)
    failures, opened = [], set()
    index = client.get(reverse("admin:index"))
    if index.status_code != 200:
        failures.append(describe(role, "GET", reverse("admin:index"), index))
    # What the index offers this role must open (a 404 there would hide a page the role should have).
    offered = {
        url
        for app in (index.context or {}).get("app_list", [])
        for entry in app["models"]
        for url in (entry.get("admin_url"), entry.get("add_url"))
        if url
    }
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    for app_label in app_labels:
        url = reverse("admin:app_list", kwargs={"app_label": app_label})
        response = get(client, url)
        if not acceptable(response, None):
            failures.append(describe(role, "GET", url, response))

    plan, problems = crawl_plan()
    failures += [f"{role}: {problem}" for problem in problems]
    requests = 0
    for model, pattern, urls in plan:
        for url in urls:
            response = get(client, url)
            requests += 1
            if url in offered and response.status_code != 200:
                failures.append(describe(role, "GET", url, response, "offered on the index"))
            elif not acceptable(response, pattern):
                failures.append(describe(role, "GET", url, response))
            elif response.status_code != 404:
                opened.add((model, pattern_key(pattern)))
        if str(pattern.pattern).startswith("<path:object_id>/") and pattern.name:
            url = admin_prefix(model) + str(pattern.pattern).replace("<path:object_id>", NOT_AN_ID)
            response = get(client, url)
            if response.status_code != 404:
                failures.append(describe(role, "GET", url, response, "not an id: 404 expected"))

    if role == "admin":  # the superuser opens every custom view: the data gives each a real object
        for model, pattern, _urls in plan:
            if str(pattern.pattern) not in STANDARD_ROUTES and (model, pattern_key(pattern)) not in opened:
                failures.append(f"{role}: {model._meta.label} {pattern.pattern} never opened (200 or 302)")
    assert requests > 100, requests
    assert not failures, f"{len(failures)} failing admin address(es):\n" + "\n".join(failures)


# --- Forms: what a browser posts back


def encode(widget, name, value):
    """The POST data of one field, as its widget shows ``value``."""
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        data = {}
        for suffix, subwidget, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
            data.update(encode(subwidget, name + suffix, part))
        return data
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if widget.check_test(value) else {}
    if isinstance(widget, forms.FileInput):
        return {}  # keeps the stored file
    formatted = widget.format_value(value)
    if isinstance(widget, ChoiceWidget):
        chosen = [formatted] if isinstance(formatted, str) else [v for v in formatted if v != ""]
        if widget.allow_multiple_selected:
            return {name: chosen}
        return {name: chosen[0] if chosen else ""}
    return {name: "" if formatted is None else formatted}


def form_data(form, values):
    """The form's fields as shown (initial or current values), with ``values`` typed over them; the names
    of ``values`` the form does not have are returned too."""
    values = dict(values)
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = values.pop(name) if name in values else bound.value()
        value = value() if callable(value) else value
        data.update(encode(field.widget, bound.html_name, value))
        if field.show_hidden_initial:
            data.update(encode(field.hidden_widget(), bound.html_initial_name, bound.initial))
    return data, sorted(values)


def formset_data(formset, rows):
    """An inline formset as shown, its management form included; ``rows`` fill new forms, after the
    existing ones (and beyond the extra forms shown, raising TOTAL_FORMS)."""
    data, unknown = {}, []
    forms_shown = list(formset.forms)
    start = formset.initial_form_count()
    filled = {start + i: row for i, row in enumerate(rows)}
    total = max(len(forms_shown), start + len(rows))
    for index in range(total):
        if index < len(forms_shown):
            form = forms_shown[index]
        else:
            form = formset.empty_form
            form.prefix = formset.add_prefix(index)
        values, missing = form_data(form, filled.get(index, {}))
        data.update(values)
        unknown += missing
    management, _none = form_data(formset.management_form, {"TOTAL_FORMS": total})
    data.update(management)
    return data, unknown


def page_data(context, values):
    """What the page's form posts back: the admin's form and inline formsets, or a custom view's form."""
    values = dict(values)
    rows = values.pop("inlines", {})
    if "adminform" in context:
        form = context["adminform"].form
        formsets = [inline.formset for inline in context["inline_admin_formsets"]]
    else:
        form, formsets = context.get("form"), []
    data, unknown = form_data(form, values) if form is not None else ({}, sorted(values))
    seen = set()
    for formset in formsets:
        label = formset.model._meta.label_lower
        seen.add(label)
        formset_values, missing = formset_data(formset, rows.get(label, []))
        data.update(formset_values)
        unknown += [f"{label}.{name}" for name in missing]
    unknown += [f"inline {label}" for label in rows if label not in seen]
    return data, unknown


def form_errors(response):
    context = response.context or {}
    errors = []
    if "adminform" in context:
        errors.append(context["adminform"].form.errors.as_json())
        for inline in context["inline_admin_formsets"]:
            errors += [str(inline.formset.non_form_errors()), str(inline.formset.errors)]
    elif context.get("form") is not None:
        errors.append(context["form"].errors.as_json())
    return " ".join(e for e in errors if e not in ("", "{}", "[]", "[{}]"))


@pytest.mark.parametrize("role", ROLES)
def test_every_add_form_saves_with_valid_data(world, role):
    client = logged_in(role)
    failures = []
    for model, _model_admin in registered():
        label = model._meta.label_lower
        url = admin_prefix(model) + "add/"
        page = get(client, url)
        if page.status_code != 200:
            continue  # not this role's to add (the crawl checks the answer)
        if label not in ADD_VALUES:
            failures.append(f"{role}: {label} may be added but ADD_VALUES has no valid values for it")
            continue
        data, unknown = page_data(page.context, ADD_VALUES[label])
        if unknown:
            failures.append(f"{role}: the add form of {label} has no field(s) {unknown}")
            continue
        expected = {label: 1} | {
            inline: len(rows) for inline, rows in ADD_VALUES[label].get("inlines", {}).items()
        }
        before = {name: apps.get_model(name)._default_manager.count() for name in expected}
        response = client.post(url, data)
        added = {name: apps.get_model(name)._default_manager.count() - before[name] for name in expected}
        if response.status_code != 302 or added != expected:
            note = f"added {added}, expected {expected}; {form_errors(response)}".rstrip("; ")
            failures.append(describe(role, "POST", url, response, note))
    assert not failures, f"{len(failures)} add form(s) failing:\n" + "\n".join(failures)


def editable_fields(context):
    """How many fields the page lets the user edit: its form's and every inline form's."""
    if "adminform" not in context:
        return len(context["form"].fields) if context.get("form") is not None else 0
    inline_forms = [form for inline in context["inline_admin_formsets"] for form in inline.formset.forms]
    return len(context["adminform"].form.fields) + sum(len(form.fields) for form in inline_forms)


@pytest.mark.parametrize("role", ROLES)
def test_every_change_form_saves_as_it_stands(world, role):
    """Per model, the change form of the object the role may change with the most to edit (a held mail
    rather than a sent one; the evaluator's own evaluation), posted back as shown."""
    client = logged_in(role)
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username=role)
    failures, saved = [], []
    for model, model_admin in registered():
        label = model._meta.label_lower
        pages = []
        for obj in sample_objects(model):
            if not model_admin.has_change_permission(request, obj):
                continue
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[quote(obj.pk)]
            )
            page = get(client, url)
            if page.status_code == 200:
                pages.append((editable_fields(page.context), -len(pages), url, page))
            else:
                failures.append(describe(role, "GET", url, page, "the role may change it"))
        if not pages:
            continue
        _fields, _order, url, page = max(pages, key=lambda item: item[:2])
        data, unknown = page_data(page.context, CHANGE_VALUES.get(label, {}))
        if unknown:
            failures.append(f"{role}: the change form of {label} has no field(s) {unknown}")
            continue
        response = client.post(url, data)
        if response.status_code != 302:
            failures.append(describe(role, "POST", url, response, form_errors(response)))
        else:
            saved.append(url)
    assert not failures, f"{len(failures)} change form(s) failing:\n" + "\n".join(failures)
    assert saved, f"{role} saved no change form"
