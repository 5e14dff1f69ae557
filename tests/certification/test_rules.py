"""certification/rules.py: the permission matrix of every role, model by model and page by page.

The expected tables are written out here, not derived from ROLE_PERMISSIONS, so that a change of who may
do what shows up as a failing row.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from certification import rules
from certification.enums import Role, Status
from certification.models import (
    Application,
    Award,
    AwardRound,
    ChecklistItem,
    Document,
    EvaluatorAssignment,
    IntakeRound,
    Meeting,
    Notification,
    ProgressReport,
    Renewal,
    Resolution,
)
from certification.services import drafting, review
from cities.models import CertifiedCity, Organisation, Province, Region
from tests.certification.awards_helpers import awarded, round_2565
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    IntakeRound,
    ChecklistItem,
    Application,
    EvaluatorAssignment,
    Meeting,
    Resolution,
    Notification,
    AwardRound,
    Award,
    Document,
    ProgressReport,
    Renewal,
    Region,
    Province,
    Organisation,
    CertifiedCity,
]
# role → {model: the actions of "vacd" (view, add, change, delete) its admin allows}
EXPECTED = {
    Role.SECRETARIAT: {
        IntakeRound: "vac",
        ChecklistItem: "vac",
        Application: "vc",
        EvaluatorAssignment: "v",
        Meeting: "vac",
        Resolution: "vac",
        Notification: "vc",
        AwardRound: "vac",
        Award: "v",
        Document: "vc",
        ProgressReport: "vc",
        Renewal: "vc",
        Region: "v",
        Province: "v",
        Organisation: "vac",
        CertifiedCity: "vac",
    },
    Role.EVALUATOR: {
        Application: "v",
        EvaluatorAssignment: "vc",
        Region: "v",
        Province: "v",
        Organisation: "v",
    },
    Role.COMMITTEE_SECRETARY: {
        Application: "vc",
        EvaluatorAssignment: "v",
        Meeting: "vac",
        Resolution: "vac",
        AwardRound: "v",
        Award: "v",
        ProgressReport: "v",
        Renewal: "vc",
        Region: "v",
        Province: "v",
        Organisation: "v",
        CertifiedCity: "v",
    },
    Role.OFFICIAL: {
        Application: "v",
        AwardRound: "vac",
        Award: "v",
        Document: "vc",
        ProgressReport: "v",
        Renewal: "v",
        Region: "v",
        Province: "v",
        Organisation: "v",
        CertifiedCity: "v",
    },
}


def allowed(user, model):
    request = RequestFactory().get("/admin/")
    request.user = user
    model_admin = admin.site._registry[model]
    checks = {
        "v": model_admin.has_view_permission(request),
        "a": model_admin.has_add_permission(request),
        "c": model_admin.has_change_permission(request),
        "d": model_admin.has_delete_permission(request),
    }
    return "".join(letter for letter, ok in checks.items() if ok)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.name.lower())
def test_each_role_may_do_with_each_model_what_its_table_says(role):
    user = UserFactory(role=role)
    assert {model: allowed(user, model) for model in MODELS} == {
        model: EXPECTED[role].get(model, "") for model in MODELS
    }


def test_an_applicant_has_no_staff_permission():
    applicant = ApplicationFactory().created_by
    assert rules.staff_roles(applicant) == set()
    assert [model for model in MODELS if rules.may(applicant, "view", model)] == []


# --- Objects: what each role sees, page by page


@pytest.fixture
def world():
    """An application in evaluation with two evaluators (one conflicted), a round with an award and its
    documents."""
    secretariat = UserFactory(role=Role.SECRETARIAT)
    application = ApplicationFactory(complete=True, status=Status.EVALUATION)
    mine, conflicted = UserFactory(role=Role.EVALUATOR), UserFactory(role=Role.EVALUATOR)
    own = review.assign_evaluator(application, mine, actor=secretariat)
    other = review.assign_evaluator(application, conflicted, actor=secretariat)
    review.declare_conflict(other, actor=conflicted, conflicted=True, note="ญาติ")
    award_round = round_2565()
    award = awarded(award_round)
    in_screening = ApplicationFactory(complete=True, status=Status.SCREENING)
    return {
        "users": {
            "secretariat": secretariat,
            "evaluator": mine,
            "conflicted": conflicted,
            "committee": UserFactory(role=Role.COMMITTEE_SECRETARY),
            "official": UserFactory(role=Role.OFFICIAL),
            "applicant": application.created_by,
        },
        "application": application,
        "in screening": in_screening,
        "own": own,
        "other": other,
        "round": award_round,
        "document": award.documents.order_by("pk").first(),
    }


def page(world, name):
    application, own, award_round = world["application"], world["own"], world["round"]
    return {
        "application": reverse("admin:certification_application_change", args=[application.pk]),
        "history": reverse("admin:certification_application_history", args=[application.pk]),
        "revisions": reverse("admin:certification_application_revisions", args=[application.pk]),
        "screen": reverse("admin:certification_application_screen", args=[world["in screening"].pk]),
        "screen, not in screening": reverse("admin:certification_application_screen", args=[application.pk]),
        "evaluation": reverse("admin:certification_evaluatorassignment_change", args=[own.pk]),
        "evaluation history": reverse("admin:certification_evaluatorassignment_history", args=[own.pk]),
        "round documents": reverse("admin:certification_awardround_documents", args=[award_round.pk]),
        "print": reverse("admin:certification_awardround_print", args=[award_round.pk]),
        "document": reverse("admin:certification_document_change", args=[world["document"].pk]),
        "reissue": reverse("admin:certification_document_reissue", args=[world["document"].pk]),
    }[name]


# page → {user: status}; 302 for the applicant, who is sent to the admin's login page.
PAGES = {
    "application": {
        "secretariat": 200,
        "evaluator": 200,
        "conflicted": 404,
        "committee": 200,
        "official": 200,
    },
    "history": {"secretariat": 200, "evaluator": 200, "conflicted": 404, "committee": 200, "official": 200},
    "revisions": {"secretariat": 200, "evaluator": 404, "conflicted": 404, "committee": 404, "official": 404},
    "screen": {"secretariat": 200, "evaluator": 404, "conflicted": 404, "committee": 404, "official": 404},
    "screen, not in screening": {
        "secretariat": 404,
        "evaluator": 404,
        "conflicted": 404,
        "committee": 404,
        "official": 404,
    },
    "evaluation": {
        "secretariat": 200,
        "evaluator": 200,
        "conflicted": 404,
        "committee": 200,
        "official": 404,
    },
    "evaluation history": {
        "secretariat": 200,
        "evaluator": 200,
        "conflicted": 404,
        "committee": 200,
        "official": 404,
    },
    "round documents": {
        "secretariat": 200,
        "evaluator": 404,
        "conflicted": 404,
        "committee": 404,
        "official": 200,
    },
    "print": {"secretariat": 200, "evaluator": 404, "conflicted": 404, "committee": 404, "official": 200},
    "document": {"secretariat": 200, "evaluator": 404, "conflicted": 404, "committee": 404, "official": 200},
    "reissue": {"secretariat": 200, "evaluator": 404, "conflicted": 404, "committee": 404, "official": 200},
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_role_sees_a_page_or_is_told_it_does_not_exist(client, world, name):
    url = page(world, name)
    seen = {}
    for who in [*PAGES[name], "applicant"]:
        client.force_login(world["users"][who])
        seen[who] = client.get(url).status_code
    assert seen == {**PAGES[name], "applicant": 302}


def test_an_official_does_not_find_an_evaluation_with_its_scores(client, world):
    client.force_login(world["users"]["official"])
    response = client.get(page(world, "evaluation"))
    assert response.status_code == 404
    assert world["own"].evaluator.last_name.encode() not in response.content


def test_an_evaluator_does_not_find_another_evaluators_evaluation(client, world):
    client.force_login(world["users"]["evaluator"])
    url = reverse("admin:certification_evaluatorassignment_change", args=[world["other"].pk])
    assert client.get(url).status_code == 404
    listed = client.get(reverse("admin:certification_evaluatorassignment_changelist")).context["cl"]
    assert list(listed.queryset) == [world["own"]]


@pytest.mark.parametrize("address", ["abc", "1.5", "0x1", "-1"])
def test_an_address_that_is_not_an_id_is_not_found(client, world, address):
    client.force_login(world["users"]["secretariat"])
    for model in ("application", "evaluatorassignment", "meeting", "document", "awardround"):
        response = client.get(f"/admin/certification/{model}/{address}/change/")
        assert response.status_code == 404, model


def test_the_admin_attachment_download_is_private_and_not_kept(client, world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.demo.record import SAMPLE_PDF

    application = ApplicationFactory(complete=True)
    attachment = drafting.add_attachment(
        application,
        SimpleUploadedFile("plan.pdf", SAMPLE_PDF),
        "proposal_document",
        actor=application.created_by,
    )
    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED)
    client.force_login(world["users"]["secretariat"])
    response = client.get(
        reverse("admin:certification_application_attachment", args=[application.pk, attachment.pk])
    )
    assert (response.status_code, response["X-Content-Type-Options"]) == (200, "nosniff")
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert b"".join(response.streaming_content) == SAMPLE_PDF
