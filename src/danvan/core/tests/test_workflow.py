"""The workflow mechanism: invariants checked over generated sequences of steps.

The steps run on `tests.workflow_app.Ticket`, a test-only model with status, version and
territory. Each hypothesis example runs in its own transaction (hypothesis' Django TestCase
rolls back between examples), so examples never see each other's rows.
"""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import Action, AuditEvent
from danvan.core import scope, workflow
from danvan.core.errors import ConflictError, DomainError
from danvan.core.roles import Role
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory
from tests.workflow_app.models import Ticket

scope.register(
    {
        "tests.ticket.submit": {Role.OFFICER},
        "tests.ticket.review": {Role.LEADER, Role.REVIEWER},
        "tests.ticket.close": {Role.LEADER},
    }
)


def _needs_attachment(ticket: Ticket) -> str | None:
    return None if ticket.has_attachment else "Attach the evidence first."


TICKET = workflow.Workflow(
    name="tests.ticket",
    transitions=[
        workflow.Transition(
            "submit", source={"draft", "returned"}, target="submitted", action="tests.ticket.submit"
        ),
        workflow.Transition(
            "withdraw", source={"submitted"}, target="draft", action="tests.ticket.submit"
        ),
        workflow.Transition(
            "return",
            source={"submitted"},
            target="returned",
            action="tests.ticket.review",
            requires_reason=True,
        ),
        workflow.Transition(
            "approve",
            source={"submitted"},
            target="approved",
            action="tests.ticket.review",
            guards=[_needs_attachment],
        ),
        workflow.Transition(
            "reject",
            source={"submitted"},
            target="rejected",
            action="tests.ticket.review",
            requires_reason=True,
        ),
        workflow.Transition(
            "close", source={"approved", "rejected"}, target="closed", action="tests.ticket.close"
        ),
        workflow.Transition(
            "reopen",
            source={"closed"},
            target="draft",
            action="tests.ticket.close",
            requires_reason=True,
        ),
    ],
    timestamps={"submitted": "submitted_at", "closed": "closed_at"},
)
STATES = {"draft", "submitted", "returned", "approved", "rejected", "closed"}
STEP_NAMES = [t.name for t in TICKET.transitions]

# Who may do what, written out by hand rather than read back from the registry.
ROLE_OF_ACTOR = {
    "officer_here": Role.OFFICER,
    "leader_province": Role.LEADER,
    "reviewer_here": Role.REVIEWER,
    "leader_sibling": Role.LEADER,
    "viewer_here": Role.VIEWER,
}
ALLOWED = {
    "officer_here": {"submit", "withdraw"},
    "leader_province": {"return", "approve", "reject", "close", "reopen"},
    "reviewer_here": {"return", "approve", "reject"},
    "leader_sibling": set(),  # right role, wrong commune
    "viewer_here": set(),
}


def ticket_events(ticket: Ticket):
    return AuditEvent.objects.filter(object_type="workflow_app.ticket", object_id=str(ticket.pk))


def row_state(ticket: Ticket) -> tuple:
    row = Ticket.objects.values_list("status", "version", "submitted_at", "closed_at").get(
        pk=ticket.pk
    )
    return (*row, ticket_events(ticket).count(), AuditEvent.objects.count())


# Weighted towards steps that can succeed, so that sequences get past the first state.
step_strategy = st.tuples(
    # A named step, or "follow": one of the steps the current status allows.
    st.sampled_from(STEP_NAMES + ["follow"] * len(STEP_NAMES)),
    st.integers(min_value=0, max_value=len(STEP_NAMES)),
    st.sampled_from(["entitled"] * 4 + sorted(ROLE_OF_ACTOR)),  # "entitled": whoever may do it
    st.sampled_from([True, True, True, False]),  # give a reason
    st.sampled_from(["none", "current", "current", "stale"]),  # which expected_version to pass
    st.booleans(),  # attach evidence before the step
)


class WorkflowPropertyTests(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        province = ProvinceFactory()
        cls.here = CommuneFactory(parent=province)
        sibling = CommuneFactory(parent=province)
        cls.actors = {
            "officer_here": user_with_role(Role.OFFICER, cls.here),
            "leader_province": user_with_role(Role.LEADER, province),
            "reviewer_here": user_with_role(Role.REVIEWER, cls.here),
            "leader_sibling": user_with_role(Role.LEADER, sibling),
            "viewer_here": user_with_role(Role.VIEWER, cls.here),
        }

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=st.lists(step_strategy, min_size=1, max_size=15))
    def test_any_sequence_of_steps_keeps_the_invariants(self, steps):
        ticket = Ticket.objects.create(territory=self.here)

        for name, pick, actor_key, give_reason, version_choice, attach in steps:
            if attach:
                Ticket.objects.filter(pk=ticket.pk).update(has_attachment=True)
            if name == "follow":
                allowed_now = TICKET.available(Ticket.objects.get(pk=ticket.pk).status)
                name = allowed_now[pick % len(allowed_now)].name
            if actor_key == "entitled":
                actor_key = next(k for k, names in ALLOWED.items() if name in names)
            actor = self.actors[actor_key]
            copy = Ticket.objects.get(pk=ticket.pk)
            step = TICKET.get(name)
            expected_version = {
                "none": None,
                "current": copy.version,
                "stale": copy.version - 1 if copy.version > 1 else copy.version + 1,
            }[version_choice]
            reason = "Thiếu hồ sơ minh chứng" if give_reason else ""
            # Every reason this step must be refused for; the mechanism may report any of them.
            refusals = set()
            if name not in ALLOWED[actor_key]:
                refusals.add(PermissionDenied)
            if step.requires_reason and not give_reason:
                refusals.add("reason_required")
            if version_choice == "stale":
                refusals.add(ConflictError)
            if copy.status not in step.source:
                refusals.add("transition_not_allowed")
            elif name == "approve" and not copy.has_attachment:
                refusals.add("guard_failed")
            before = row_state(copy)
            started = timezone.now()

            outcome = None
            try:
                result = workflow.apply(
                    TICKET,
                    copy,
                    name=name,
                    actor=actor,
                    reason=reason,
                    expected_version=expected_version,
                )
            except PermissionDenied:
                outcome = PermissionDenied
            except ConflictError:
                outcome = ConflictError
            except DomainError as exc:
                outcome = exc.code

            event(f"{name}: {outcome.__name__ if isinstance(outcome, type) else outcome or 'done'}")
            after = row_state(copy)
            status, version = after[0], after[1]
            assert status in STATES
            if refusals:
                assert outcome in refusals, (name, actor_key, refusals, outcome)
                assert after == before
                continue
            assert outcome is None, (name, actor_key, outcome)
            assert (result.status, result.version) == (step.target, copy.version + 1)
            assert (status, version) == (step.target, copy.version + 1)
            assert after[4] == before[4] + 1
            assert after[5] == before[5] + 1
            audit_row = ticket_events(copy).order_by("-seq").first()
            assert audit_row.action == Action.TRANSITION
            assert audit_row.changes == {"status": [copy.status, step.target], "transition": name}
            assert audit_row.reason == reason
            assert audit_row.actor_id == actor.pk
            stamp = TICKET.timestamps.get(step.target)
            if stamp:
                assert started <= getattr(result, stamp) <= timezone.now()
            # Timestamps of other states stay as they were.
            for target, field in TICKET.timestamps.items():
                if target != step.target:
                    assert getattr(result, field) == getattr(copy, field)


@pytest.fixture
def setting():
    province = ProvinceFactory()
    here = CommuneFactory(parent=province)
    return {
        "here": here,
        "sibling": CommuneFactory(parent=province),
        "officer": user_with_role(Role.OFFICER, here),
        "leader": user_with_role(Role.LEADER, province),
    }


def test_declared_states_are_exactly_the_ticket_states():
    assert TICKET.states() == STATES


def test_duplicate_transition_names_are_refused():
    with pytest.raises(ValueError, match="twice"):
        workflow.Workflow(
            name="broken",
            transitions=[
                workflow.Transition("go", source={"a"}, target="b", action="tests.ticket.submit"),
                workflow.Transition("go", source={"b"}, target="c", action="tests.ticket.submit"),
            ],
        )


@pytest.mark.django_db
def test_unknown_step_is_a_domain_error(setting):
    ticket = Ticket.objects.create(territory=setting["here"])

    with pytest.raises(DomainError) as exc_info:
        workflow.apply(TICKET, ticket, name="teleport", actor=setting["officer"])

    assert exc_info.value.code == "unknown_transition"


@pytest.mark.django_db
def test_submit_sets_status_version_timestamp_and_one_audit_row(setting):
    ticket = Ticket.objects.create(territory=setting["here"])

    result = workflow.apply(
        TICKET, ticket, name="submit", actor=setting["officer"], expected_version=1
    )

    assert (result.status, result.version) == ("submitted", 2)
    assert timezone.now() - result.submitted_at < timedelta(seconds=5)
    (event,) = ticket_events(ticket)
    assert event.changes == {"status": ["draft", "submitted"], "transition": "submit"}
    assert event.territory_id == setting["here"].pk


@pytest.mark.django_db
def test_return_without_reason_is_refused_and_changes_nothing(setting):
    ticket = Ticket.objects.create(territory=setting["here"], status="submitted")

    with pytest.raises(DomainError) as exc_info:
        workflow.apply(TICKET, ticket, name="return", actor=setting["leader"], reason="   ")

    assert (exc_info.value.code, exc_info.value.field) == ("reason_required", "reason")
    assert Ticket.objects.get(pk=ticket.pk).status == "submitted"
    assert not ticket_events(ticket).exists()


@pytest.mark.django_db
def test_guard_message_is_reported_and_nothing_changes(setting):
    ticket = Ticket.objects.create(territory=setting["here"], status="submitted")

    with pytest.raises(DomainError) as exc_info:
        workflow.apply(TICKET, ticket, name="approve", actor=setting["leader"])

    assert exc_info.value.code == "guard_failed"
    assert exc_info.value.message == "Attach the evidence first."
    assert Ticket.objects.get(pk=ticket.pk).version == 1


@pytest.mark.django_db
def test_officer_of_a_sibling_commune_gets_permission_denied(setting):
    outsider = user_with_role(Role.OFFICER, setting["sibling"])
    ticket = Ticket.objects.create(territory=setting["here"])

    with pytest.raises(PermissionDenied):
        workflow.apply(TICKET, ticket, name="submit", actor=outsider)

    assert Ticket.objects.get(pk=ticket.pk).status == "draft"


@pytest.mark.django_db
def test_stale_copy_of_a_ticket_moved_out_of_scope_is_refused(setting):
    ticket = Ticket.objects.create(territory=setting["here"])
    Ticket.objects.filter(pk=ticket.pk).update(territory=setting["sibling"])

    with pytest.raises(PermissionDenied):
        workflow.apply(TICKET, ticket, name="submit", actor=setting["officer"])

    assert Ticket.objects.get(pk=ticket.pk).status == "draft"


@pytest.mark.django_db
def test_available_for_lists_only_steps_the_actor_may_take_now(setting):
    ticket = Ticket.objects.create(territory=setting["here"], status="submitted")

    officer_steps = {t.name for t in TICKET.available_for(ticket, setting["officer"])}
    leader_steps = {t.name for t in TICKET.available_for(ticket, setting["leader"])}

    assert officer_steps == {"withdraw"}
    assert leader_steps == {"return", "approve", "reject"}


@pytest.mark.django_db
def test_of_two_stale_copies_only_the_first_applier_wins(setting):
    Ticket.objects.create(territory=setting["here"])
    first = Ticket.objects.get()
    second = Ticket.objects.get()

    workflow.apply(
        TICKET, first, name="submit", actor=setting["officer"], expected_version=first.version
    )
    with pytest.raises(ConflictError):
        workflow.apply(
            TICKET, second, name="submit", actor=setting["officer"], expected_version=second.version
        )

    assert Ticket.objects.get().version == 2
    assert ticket_events(first).count() == 1


@pytest.mark.django_db
def test_stale_copy_without_expected_version_cannot_repeat_a_step(setting):
    Ticket.objects.create(territory=setting["here"])
    first = Ticket.objects.get()
    second = Ticket.objects.get()

    workflow.apply(TICKET, first, name="submit", actor=setting["officer"])
    with pytest.raises(DomainError) as exc_info:
        workflow.apply(TICKET, second, name="submit", actor=setting["officer"])

    assert exc_info.value.code == "transition_not_allowed"
    assert ticket_events(first).count() == 1


@pytest.mark.django_db
def test_callbacks_run_after_commit_only(setting, django_capture_on_commit_callbacks):
    seen = []
    flow = workflow.Workflow(
        name="tests.ticket.callbacks",
        transitions=list(TICKET.transitions),
        on_commit=[lambda obj, step, actor: seen.append((obj.status, step.name, actor.pk))],
    )
    ticket = Ticket.objects.create(territory=setting["here"])

    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(flow, ticket, name="submit", actor=setting["officer"])
        assert seen == []

    assert seen == [("submitted", "submit", setting["officer"].pk)]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers, so there is no real race to lose; PostgreSQL only",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_appliers_on_one_row_only_one_wins(transactional_db):
    province = ProvinceFactory()
    here = CommuneFactory(parent=province)
    officer = user_with_role(Role.OFFICER, here)
    leader = user_with_role(Role.LEADER, province)
    ticket = Ticket.objects.create(territory=here, status="submitted", has_attachment=True)
    copies = [Ticket.objects.get(pk=ticket.pk), Ticket.objects.get(pk=ticket.pk)]
    steps = [("withdraw", officer), ("approve", leader)]
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def run(i: int) -> None:
        name, actor = steps[i]
        try:
            barrier.wait(timeout=10)
            workflow.apply(TICKET, copies[i], name=name, actor=actor, expected_version=1)
            outcomes[i] = "won"
        except ConflictError:
            outcomes[i] = "conflict"
        except DomainError as exc:  # pragma: no cover - reported in the assertion
            outcomes[i] = exc.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["conflict", "won"]
    final = Ticket.objects.get(pk=ticket.pk)
    assert final.version == 2
    assert ticket_events(ticket).count() == 1
