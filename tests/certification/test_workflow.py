"""The transition table, exhaustively and as a property; decisions citing resolutions; concurrency."""

import contextlib
import threading

import pytest
from django.db import connection
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from certification import workflow
from certification.enums import Body, Role, ScreeningOutcome, Status
from certification.models import Application, AuditEntry, ChecklistItem, Decision, Screening
from certification.services import core, review
from tests.factories import ApplicationFactory, UserFactory, meeting_resolution, member_of

pytestmark = pytest.mark.django_db

ROLES = [workflow.APPLICANT, *Role, "outsider"]


@pytest.fixture
def cast():
    """One application, an actor for each role, and a resolution of each body."""
    application = ApplicationFactory(complete=True)
    actors = {
        workflow.APPLICANT: application.created_by,
        **{role: UserFactory(role=role) for role in Role},
        "outsider": member_of(ApplicationFactory().organisation),
    }
    secretary = actors[Role.COMMITTEE_SECRETARY]
    resolutions = {body: meeting_resolution(body, recorded_by=secretary) for body in Body}
    return application, actors, resolutions


def attempt(application, to_state, actor, resolutions):
    """Tries a move with what a careful clerk would give: a resolution of a fitting body, a reason."""
    bodies = workflow.RESOLUTION_REQUIRED.get(to_state) or workflow.RESOLUTION_ALLOWED.get(to_state)
    resolution = resolutions[sorted(bodies)[0]] if bodies else None
    core.transition(application, to_state, actor=actor, resolution=resolution, note="เหตุผลประกอบ")


def test_every_state_target_and_role_against_the_table(cast):
    application, actors, resolutions = cast
    Screening.objects.create(
        application=application, outcome=ScreeningOutcome.PASSED, screened_by=actors[Role.SECRETARIAT]
    )
    for from_state in Status:
        for to_state in Status:
            for role in ROLES:
                Application.objects.filter(pk=application.pk).update(status=from_state)
                application.refresh_from_db()
                expected = role in workflow.allowed_roles(from_state, to_state)
                try:
                    attempt(application, to_state, actors[role], resolutions)
                    moved = True
                except core.WorkflowError:
                    moved = False
                application.refresh_from_db()
                assert moved is expected, (from_state, to_state, role)
                assert application.status == (to_state if expected else from_state)


def test_a_body_decision_needs_a_resolution_of_that_body(cast):
    application, actors, resolutions = cast
    Application.objects.filter(pk=application.pk).update(status=Status.SUBCOMMITTEE_APPROVED)
    application.refresh_from_db()
    secretary = actors[Role.COMMITTEE_SECRETARY]
    with pytest.raises(core.WorkflowError, match="ต้องอ้างอิงมติของ: คณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ"):
        core.transition(application, Status.ENDORSED, actor=secretary)
    with pytest.raises(core.WorkflowError, match="ไม่สามารถเปลี่ยนสถานะใบสมัครเป็น"):
        core.transition(
            application, Status.ENDORSED, actor=secretary, resolution=resolutions[Body.SUBCOMMITTEE]
        )
    core.transition(application, Status.ENDORSED, actor=secretary, resolution=resolutions[Body.COMMITTEE])
    decision = Decision.objects.get(application=application)
    assert (decision.from_state, decision.to_state, decision.resolution) == (
        "subcommittee_approved", "endorsed", resolutions[Body.COMMITTEE],
    )  # fmt: skip


def test_a_rejection_needs_a_reason(cast):
    application, actors, _resolutions = cast
    Application.objects.filter(pk=application.pk).update(status=Status.SUBMITTED)
    application.refresh_from_db()
    with pytest.raises(core.WorkflowError, match="โปรดระบุเหตุผล"):
        core.transition(application, Status.REJECTED, actor=actors[Role.SECRETARIAT], note="  ")
    core.transition(application, Status.REJECTED, actor=actors[Role.SECRETARIAT], note="ขาดคุณสมบัติ")
    assert Application.objects.get(pk=application.pk).status == Status.REJECTED


def test_one_resolution_decides_many_applications_or_none(cast):
    application, actors, resolutions = cast
    others = [ApplicationFactory(complete=True) for _ in range(2)]
    Application.objects.filter(pk__in=[application.pk, *(o.pk for o in others)]).update(
        status=Status.RECOMMENDED
    )
    batch = list(Application.objects.filter(pk__in=[application.pk, *(o.pk for o in others)]))
    resolution = resolutions[Body.SUBCOMMITTEE]
    review.decide(
        batch,
        resolution=resolution,
        to_state=Status.SUBCOMMITTEE_APPROVED,
        actor=actors[Role.COMMITTEE_SECRETARY],
    )
    assert set(Application.objects.filter(pk__in=[a.pk for a in batch]).values_list("status", flat=True)) == {
        "subcommittee_approved"
    }
    assert resolution.decisions.count() == 3
    # All or nothing: one application in the wrong state stops the whole decision.
    Application.objects.filter(pk=others[0].pk).update(status=Status.EVALUATION)
    batch = list(Application.objects.filter(pk__in=[a.pk for a in batch]))
    with pytest.raises(core.WorkflowError):
        review.decide(
            batch,
            resolution=resolutions[Body.COMMITTEE],
            to_state=Status.ENDORSED,
            actor=actors[Role.COMMITTEE_SECRETARY],
        )
    assert Application.objects.filter(status=Status.ENDORSED).count() == 0


def test_promotion_zone_needs_a_passed_screening(cast):
    application, actors, resolutions = cast
    Application.objects.filter(pk=application.pk).update(status=Status.SCREENING)
    application.refresh_from_db()
    with pytest.raises(core.WorkflowError, match="ผ่านการคัดกรองแล้วเท่านั้น"):
        review.acknowledge_promotion_zone(
            application, actor=actors[Role.SECRETARIAT], resolution=resolutions[Body.COMMITTEE]
        )
    checklist = {str(i.pk): {"met": True} for i in ChecklistItem.objects.filter(is_active=True)}
    review.record_screening(
        application, actor=actors[Role.SECRETARIAT], outcome=ScreeningOutcome.PASSED, checklist=checklist
    )
    zone = review.acknowledge_promotion_zone(
        application, actor=actors[Role.SECRETARIAT], resolution=resolutions[Body.COMMITTEE]
    )
    application.refresh_from_db()
    assert application.status == Status.PROMOTION_ZONE
    assert (zone.name_th, zone.organisation, zone.city_type) == (
        "เขตเทศบาลนครลำปาง", application.organisation, "livable",
    )  # fmt: skip
    assert [p.code for p in zone.provinces.all()] == ["52"]
    assert zone.declared_on == resolutions[Body.COMMITTEE].meeting.date
    assert zone.resolution == str(resolutions[Body.COMMITTEE])
    assert application.promotion_zone == zone
    certificate = application.documents.get()
    assert (certificate.kind, certificate.serial, certificate.status) == (
        "promotion_zone_certificate", "SPZ-2565-001", "pending",
    )  # fmt: skip


# --- The property: random sequences of moves by random roles never break the table, and nothing is
# awarded without passing through every stage.

STAGES_BEFORE_AWARD = ["screening", "promotion_zone", "evaluation", "subcommittee_approved", "endorsed"]


HAPPY_PATH = [
    Status.DRAFT, Status.SUBMITTED, Status.SCREENING, Status.PROMOTION_ZONE, Status.PLAN_SUBMITTED,
    Status.EVALUATION, Status.RECOMMENDED, Status.SUBCOMMITTEE_APPROVED, Status.ENDORSED, Status.AWARDED,
]  # fmt: skip


def drawn_move(data, state):
    """A quarter of the moves are any state by any role (illegal attempts everywhere), a quarter any
    legal move (detours: returns, revisions, withdrawals), and half the next step towards the award,
    so that long paths up to the award happen too."""
    kind = data.draw(st.integers(min_value=0, max_value=3))
    legal = [(to, role) for to, roles in workflow.TRANSITIONS[state].items() for role in roles]
    if kind >= 2 and state in HAPPY_PATH[:-1]:
        target = HAPPY_PATH[HAPPY_PATH.index(state) + 1]
        return target, data.draw(st.sampled_from(sorted(workflow.allowed_roles(state, target))))
    if kind == 1 and legal:
        return data.draw(st.sampled_from(legal))
    return data.draw(st.sampled_from(list(Status))), data.draw(st.sampled_from(ROLES))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), length=st.integers(min_value=0, max_value=40))
def test_random_moves_never_break_the_table(cast, data, length):
    application, actors, resolutions = cast
    Application.objects.filter(pk=application.pk).update(status=Status.DRAFT)
    application.refresh_from_db()
    AuditEntry.objects.filter(application=application).delete()
    Screening.objects.filter(application=application).delete()
    role_of = {actor.pk: role for role, actor in actors.items()}
    for _step in range(length):
        to_state, role = drawn_move(data, application.status)
        if application.status == Status.SCREENING and to_state == Status.PROMOTION_ZONE:
            # The screening that acknowledgement requires (tested on its own above).
            Screening.objects.create(
                application=application, outcome=ScreeningOutcome.PASSED, screened_by=actors[Role.SECRETARIAT]
            )
        with contextlib.suppress(core.WorkflowError):
            attempt(application, to_state, actors[role], resolutions)
    path = list(
        AuditEntry.objects.filter(application=application, action__startswith="certification.application.")
        .order_by("pk")
        .values_list("data", "actor_id")
    )
    state = Status.DRAFT
    for details, actor_id in path:
        assert details["before"] == state
        assert role_of[actor_id] in workflow.allowed_roles(details["before"], details["after"])
        state = details["after"]
    application.refresh_from_db()
    assert application.status == state
    if state == Status.AWARDED:
        event("reached the award")
        visited = [d["after"] for d, _actor in path]
        positions = [visited.index(stage) for stage in STAGES_BEFORE_AWARD]
        assert positions == sorted(positions)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_leave_exactly_one_outcome(reference_data):
    """The committee secretary endorses while the secretariat rejects: whichever locks the row first
    wins, and the other finds a state from which its move is not allowed (in either order)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks across two connections (CI runs it)")
    application = ApplicationFactory(complete=True)
    Application.objects.filter(pk=application.pk).update(status=Status.SUBCOMMITTEE_APPROVED)
    secretary, clerk = UserFactory(role=Role.COMMITTEE_SECRETARY), UserFactory(role=Role.SECRETARIAT)
    endorsement = meeting_resolution(Body.COMMITTEE, recorded_by=secretary)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(actor, target, **kwargs):
        from django.db import connections

        try:
            barrier.wait()
            core.transition(Application.objects.get(pk=application.pk), target, actor=actor, **kwargs)
            outcomes.append(str(target))
        except core.WorkflowError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=decide, args=(secretary, Status.ENDORSED), kwargs={"resolution": endorsement}
        ),
        threading.Thread(target=decide, args=(clerk, Status.REJECTED), kwargs={"note": "ขาดคุณสมบัติ"}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    application.refresh_from_db()
    assert application.status in (Status.ENDORSED, Status.REJECTED)
    assert sorted(outcomes) == sorted([str(application.status), "refused"])
    moves = AuditEntry.objects.filter(
        application=application, action__startswith="certification.application."
    )
    assert [m.data["after"] for m in moves] == [application.status]
    assert Decision.objects.filter(application=application).count() == (application.status == Status.ENDORSED)
