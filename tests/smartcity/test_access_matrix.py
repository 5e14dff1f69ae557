"""The access matrix: every address the portal serves, generated from the URL resolver, asked by every
role, with the answer each must get written out here.

Roles: anonymous; the applicants of two organisations (A, whose objects the addresses name, and B);
evaluators assigned to A's plan, declared conflicted on it, and not assigned; the secretariat; the
committee secretary; an official; the superuser. Every address is filled with objects of organisation A
(its application, section, attachment, invitation, certificate) or public records.

A new address without a row in ``EXPECTED`` fails the test, as does a row for an address that is gone.
The admin's own addresses (``/admin/…``, from every ModelAdmin's ``get_urls()``, as
tests/certification/test_admin_crawl.py generates them) are asked by the three outsiders to the admin
— anonymous and both applicants — who must be sent to the admin's login page from every one; what each
staff role sees there, object by object, is tests/certification/test_rules.py's table, and that no admin
address fails for any staff role is the crawl's.

Answers: 200; ``LOGIN`` (a redirect to the login page); ``ADMIN_LOGIN``; 302 (another redirect, documented
below); 400, 404, 405. Requests that change something are POSTed and rolled back after each answer.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from certification.enums import DocumentKind, Role, Status
from certification.models import AwardRound, ProgressReport, ReportEvidence
from certification.services import awards, drafting, rendering, review
from cities.models import CertifiedCity, PromotionZone
from cities.services import create_invitation
from tests.factories import ApplicationFactory, OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "applicant_a",
    "applicant_b",
    "evaluator",
    "conflicted",
    "unassigned",
    "secretariat",
    "committee",
    "official",
    "superuser",
]
LOGIN, ADMIN_LOGIN = "login", "admin login"
STAFF = ["evaluator", "conflicted", "unassigned", "secretariat", "committee", "official", "superuser"]


def row(anonymous, applicant_a, applicant_b=None, staff=None):
    """Answers by role: B and the staff answer as given (default: as A answers to a stranger, 404)."""
    answers = {"anonymous": anonymous, "applicant_a": applicant_a}
    answers["applicant_b"] = applicant_b if applicant_b is not None else 404
    for role in STAFF:
        answers[role] = staff if staff is not None else answers["applicant_b"]
    return answers


def everyone(answer):
    return dict.fromkeys(ROLES, answer)


def logged_in(answer):
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], answer)}


# address (its name, or its route when it has none) → (method, answers by role)
EXPECTED = {
    # Public pages.
    "home": ("GET", everyone(200)),
    "healthz": ("GET", everyone(200)),
    "set_language": ("POST", everyone(302)),  # back to the page, with the language cookie
    "verify_lookup": ("GET", everyone(200)),
    "verify": ("GET", everyone(200)),
    "registry:areas": ("GET", everyone(200)),
    "registry:zones": ("GET", everyone(200)),
    "registry:area": ("GET", everyone(200)),
    "registry:badge": ("GET", everyone(200)),
    "registry:zone": ("GET", everyone(200)),
    "registry:statistics": ("GET", everyone(200)),
    "registry:map": ("GET", everyone(200)),
    "registry:areas_csv": ("GET", everyone(200)),
    "registry:zones_csv": ("GET", everyone(200)),
    "registry:progress": ("GET", everyone(200)),
    "registry:progress_csv": ("GET", everyone(200)),
    "verify_file": ("POST", everyone(400)),  # no file dropped: the page says to choose one
    # The open-data API: public, read-only.
    "api-index": ("GET", everyone(200)),
    "api-areas": ("GET", everyone(200)),
    "api-area": ("GET", everyone(200)),
    "api-zones": ("GET", everyone(200)),
    "api-zone": ("GET", everyone(200)),
    "api-provinces": ("GET", everyone(200)),
    "api-province": ("GET", everyone(200)),
    "api-regions": ("GET", everyone(200)),
    "api-region": ("GET", everyone(200)),
    "api-rounds": ("GET", everyone(200)),
    "api-round": ("GET", everyone(200)),
    "api-documents": ("GET", everyone(200)),
    "api-document": ("GET", everyone(200)),
    "api-schema": ("GET", everyone(200)),
    "api-docs": ("GET", everyone(200)),
    "api/v1/^[\\s\\S]*/$": ("GET", everyone(404)),  # any other address under the API: a JSON 404
    # Accounts. A logged-in user asking for the sign-up page is sent to their applications.
    "login": ("GET", everyone(200)),
    "logout": ("POST", everyone(302)),
    "password_reset": ("GET", everyone(200)),
    "password_reset_done": ("GET", everyone(200)),
    "password_reset_confirm": ("GET", everyone(200)),  # a link that is not valid: the page says so
    "password_reset_complete": ("GET", everyone(200)),
    "signup": ("GET", {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    "signup_done": ("GET", everyone(200)),
    "signup_confirm": ("GET", everyone(400)),  # a token that is not valid
    "signup_resend": ("GET", everyone(200)),
    # Organisations: members only; an invitation link is for whoever holds it.
    "organisation_list": ("GET", logged_in(200)),
    "organisation_create": ("GET", {**logged_in(200), "applicant_a": 302, "applicant_b": 302}),
    "organisation_detail": ("GET", row(LOGIN, 200)),
    "invitation_create": ("POST", row(LOGIN, 302)),
    "invitation_revoke": ("POST", row(LOGIN, 302)),
    # Whoever holds the link sees the organisation; its own member is told the link is not for them.
    "invitation_accept": ("GET", {**logged_in(200), "applicant_a": 410}),
    # The applicant area: organisation A's application, section, attachment and certificate.
    "apply:dashboard": ("GET", logged_in(200)),
    # Someone without an organisation is sent to create one first.
    "apply:create": ("GET", {**logged_in(302), "applicant_a": 200, "applicant_b": 200}),
    "apply:certificates": ("GET", logged_in(200)),
    "apply:certificates_status": ("GET", logged_in(200)),
    "apply:certificate_download": ("GET", row(LOGIN, 200)),
    "apply:detail": ("GET", row(LOGIN, 200)),
    "apply:section": ("GET", row(LOGIN, 200)),
    "apply:autosave": ("POST", row(LOGIN, 409)),  # an empty post: not the version on the page
    "apply:attachments": ("GET", row(LOGIN, 200)),
    "apply:attachment": ("GET", row(LOGIN, 200)),
    "apply:attachment_delete": ("POST", row(LOGIN, 302)),
    "apply:review": ("GET", row(LOGIN, 200)),
    "apply:submit": ("POST", row(LOGIN, 302)),
    "apply:withdraw": ("GET", row(LOGIN, 200)),
    # A boundary file previewed, then used: an empty post names no file (400), or no boundary (back to
    # the section, which says so).
    "apply:boundary_preview": ("POST", row(LOGIN, 400)),
    "apply:boundary_use": ("POST", row(LOGIN, 302)),
    # After the award: organisation A's progress report of its award, its evidence, the renewal.
    "apply:reports": ("GET", logged_in(200)),
    "apply:report": ("GET", row(LOGIN, 200)),
    "apply:report_autosave": ("POST", row(LOGIN, 409)),  # an empty post: not the version on the page
    "apply:report_submit": ("POST", row(LOGIN, 302)),  # incomplete: back to the report with the reasons
    "apply:report_evidence": ("GET", row(LOGIN, 200)),
    "apply:evidence": ("GET", row(LOGIN, 200)),
    "apply:evidence_delete": ("POST", row(LOGIN, 302)),
    "apply:report_open": ("POST", row(LOGIN, 302)),
    "apply:renewal": ("GET", row(LOGIN, 200)),
}


# --- The addresses, from the resolver


def portal_patterns(patterns=None, prefix="", namespace=""):
    """(key, route, pattern) of every address outside the admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from portal_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            route = prefix + str(pattern.pattern)
            yield (f"{namespace}{pattern.name}" if pattern.name else route), route, pattern


@pytest.fixture
def world():
    """Organisation A with a draft (section, attachment), an invitation and an awarded application whose
    certificate is rendered; organisation B with its applicant; a plan in evaluation with an assigned
    and a conflicted evaluator; the staff roles; and the demo's public record (certified areas,
    promotion zones, award rounds)."""
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(DEBUG=True):
        call_command("seed_demo", verbosity=0)
    organisation_a, organisation_b = OrganisationFactory(), OrganisationFactory()
    applicant_a = member_of(organisation_a, is_admin=True)
    applicant_b = member_of(organisation_b, is_admin=True)
    draft = ApplicationFactory(organisation=organisation_a, created_by=applicant_a, complete=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.demo.record import SAMPLE_PDF

    attachment = drafting.add_attachment(
        draft, SimpleUploadedFile("แผน.pdf", SAMPLE_PDF), "supporting", actor=applicant_a
    )
    invitation = create_invitation(organisation_a, actor=applicant_a)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    evaluated = ApplicationFactory(organisation=organisation_a, created_by=applicant_a, complete=True,
                                   status=Status.EVALUATION)  # fmt: skip
    evaluator, conflicted = UserFactory(role=Role.EVALUATOR), UserFactory(role=Role.EVALUATOR)
    review.assign_evaluator(evaluated, evaluator, actor=secretariat)
    declared = review.assign_evaluator(evaluated, conflicted, actor=secretariat)
    review.declare_conflict(declared, actor=conflicted, conflicted=True, note="ญาติ")
    endorsed = ApplicationFactory(organisation=organisation_a, created_by=applicant_a, complete=True,
                                  status=Status.ENDORSED)  # fmt: skip
    award = awards.award(endorsed, AwardRound.objects.get(year=2565), actor=secretariat)
    certificate = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE)
    rendering.render_document(certificate.pk)
    report = ProgressReport.objects.create(
        award=award, year=2566, due_on=award.awarded_on.replace(year=award.awarded_on.year + 1)
    )
    evidence = ReportEvidence.objects.create(
        report=report, file=ContentFile(SAMPLE_PDF, name="evidence.pdf"), original_name="หลักฐาน.pdf",
        content_type="application/pdf", size=len(SAMPLE_PDF), sha256="0" * 64, uploaded_by=applicant_a,
    )  # fmt: skip
    superuser = UserFactory(username="matrix-root")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    users = {
        "applicant_a": applicant_a,
        "applicant_b": applicant_b,
        "evaluator": evaluator,
        "conflicted": conflicted,
        "unassigned": UserFactory(role=Role.EVALUATOR),
        "secretariat": secretariat,
        "committee": UserFactory(role=Role.COMMITTEE_SECRETARY),
        "official": UserFactory(role=Role.OFFICIAL),
        "superuser": superuser,
    }
    values = {
        "pk": draft.pk,
        "key": "vision",
        "attachment_pk": attachment.pk,
        "invitation_pk": invitation.pk,
        "token": invitation.token,
        "serial": certificate.serial,
        "uidb64": "MQ",
        "year": 2565,
        "code": "52",
        "grouping": "geographic",
        "award_pk": award.pk,
        "evidence_pk": evidence.pk,
        "report_pk": report.pk,
    }
    return {"users": users, "values": values, "organisation_a": organisation_a, "award": award}


ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def address(key, route, pattern, world):
    values = dict(world["values"])
    if key.startswith("organisation") or (key.startswith("invitation_") and key != "invitation_accept"):
        values["pk"] = world["organisation_a"].pk
    if key.startswith(("apply:report", "apply:evidence")) and key not in (
        "apply:reports",
        "apply:report_open",
    ):
        values["pk"] = values["report_pk"]
    if key == "apply:report_open":
        values["year"] = 2567
    if key in ("registry:area", "registry:badge", "api-area"):
        values["pk"] = CertifiedCity.objects.order_by("pk").first().pk
    if key in ("registry:zone", "api-zone"):
        values["pk"] = PromotionZone.objects.order_by("pk").first().pk
    if key == "api-region":
        values["code"] = "north"
    if key == "signup_confirm":
        values["token"] = "not-a-token"
    if key == "password_reset_confirm":
        values["token"] = "set-password"
    if key == "api/v1/^[\\s\\S]*/$":
        return "/api/v1/nothing-here/"
    if not isinstance(pattern.pattern, RoutePattern):
        raise LookupError(f"{route}: not a path() route")
    return "/" + ARGUMENT.sub(lambda m: str(values[m["name"]]), route)


def client_for(world, role):
    client = Client(raise_request_exception=False)
    client.cookies["language"] = "en"
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def classify(response, url):
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("login")):
            return LOGIN
    return status


def ask(client, method, url):
    """The answer, with whatever the request changed rolled back."""
    with transaction.atomic():
        response = client.post(url) if method == "POST" else client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response


def test_every_address_has_an_expected_answer_for_every_role():
    keys = [key for key, _route, _pattern in portal_patterns()]
    assert sorted(set(keys) - set(EXPECTED)) == [], "addresses without a row in EXPECTED"
    assert sorted(set(EXPECTED) - set(keys)) == [], "rows in EXPECTED for addresses that are gone"
    assert all(set(answers) == set(ROLES) for _method, answers in EXPECTED.values())


def test_every_role_gets_the_expected_answer_from_every_address(world):
    wrong = []
    for key, route, pattern in portal_patterns():
        method, expected = EXPECTED[key]
        url = address(key, route, pattern, world)
        for role in ROLES:  # a fresh browser each time: logging out must not carry over
            answer = classify(ask(client_for(world, role), method, url), url)
            if answer != expected[role]:
                wrong.append(f"{role:12} {method} {url}: {answer} (expected {expected[role]})")
    assert not wrong, f"{len(wrong)} answer(s) not as expected:\n" + "\n".join(wrong)


def admin_addresses():
    """Every admin address of the crawl's plan, on the demo data."""
    from tests.certification.test_admin_crawl import crawl_plan

    plan, _problems = crawl_plan()
    return [url for _model, _pattern, urls in plan for url in urls]


def test_outsiders_are_sent_to_the_admins_login_from_every_admin_address(world):
    urls = [reverse("admin:index"), *admin_addresses()]
    assert len(urls) > 100
    wrong = []
    for role in ("anonymous", "applicant_a", "applicant_b"):
        client = client_for(world, role)
        for url in urls:
            answer = classify(ask(client, "GET", url), url)
            if answer != ADMIN_LOGIN:
                wrong.append(f"{role} GET {url}: {answer}")
    assert not wrong, f"{len(wrong)} admin address(es) not sent to the login page:\n" + "\n".join(wrong[:50])
