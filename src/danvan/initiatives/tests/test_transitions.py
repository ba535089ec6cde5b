"""The model lifecycle: who may take each step where, the guards, locking and the audit row."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.errors import ConflictError, DomainError
from danvan.initiatives import services
from danvan.initiatives.models import Initiative, Level, Status, Subject
from danvan.initiatives.tests.factories import InitiativeFactory
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.models import Era
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

ROLES = ("system_admin", "territory_admin", "reviewer", "officer", "leader", "viewer")
PLACES = ("commune_a", "commune_b", "province")

# The state each step starts from, and where it leads.
START = {
    "submit": {"status": Status.DRAFT},
    "withdraw": {"status": Status.SUBMITTED},
    "start_review": {"status": Status.SUBMITTED},
    "return": {"status": Status.UNDER_REVIEW},
    "recognise": {"status": Status.UNDER_REVIEW},
    "reject": {"status": Status.UNDER_REVIEW},
    "keep_level": {
        "status": Status.UNDER_REVIEW,
        "level": Level.COMMUNE,
        "target_level": Level.PROVINCE,
    },
    "propose_higher": {"status": Status.RECOGNISED, "level": Level.COMMUNE},
    "stop": {"status": Status.RECOGNISED, "level": Level.COMMUNE},
}
TARGET = {
    "submit": Status.SUBMITTED,
    "withdraw": Status.DRAFT,
    "start_review": Status.UNDER_REVIEW,
    "return": Status.DRAFT,
    "recognise": Status.RECOGNISED,
    "reject": Status.REJECTED,
    "keep_level": Status.RECOGNISED,
    "propose_higher": Status.SUBMITTED,
    "stop": Status.STOPPED,
}
NEEDS_REASON = {"return", "reject", "keep_level", "stop"}

# Who may take each step (a system administrator may take every step within their grant).
MAY = {
    "submit": {"officer", "territory_admin"},
    "withdraw": {"officer", "territory_admin"},
    "start_review": {"reviewer", "leader"},
    "return": {"reviewer", "leader"},
    "recognise": {"leader"},
    "reject": {"leader"},
    "keep_level": {"leader"},
    "propose_higher": {"officer", "leader"},
    "stop": {"leader"},
}


def expected(step: str, role: str, where: str) -> bool:
    # The model lives in commune A; a grant on commune B never reaches it.
    return where != "commune_b" and (role == "system_admin" or role in MAY[step])


TABLE = [
    (step, role, where, expected(step, role, where))
    for step in START
    for role in ROLES
    for where in PLACES
]
PAGE_TABLE = [row for row in TABLE if row[0] in {"submit", "withdraw", "return", "propose_higher"}]


@pytest.fixture
def world(place):
    province, commune_a, commune_b = place
    return {"province": province, "commune_a": commune_a, "commune_b": commune_b}


def model_in(commune, **fields) -> Initiative:
    organisation = OrganisationFactory(territory=commune)
    return InitiativeFactory(organisation=organisation, territory=commune, **fields)


def audit_rows(initiative: Initiative):
    return AuditEvent.objects.filter(
        object_type="initiatives.initiative", object_id=str(initiative.pk)
    )


def frozen(initiative: Initiative) -> tuple:
    initiative.refresh_from_db()
    return (initiative.status, initiative.version, initiative.level, initiative.target_level)


@pytest.mark.parametrize(("step", "role", "where", "allowed"), TABLE)
def test_service_step_by_role_and_scope(world, step, role, where, allowed):
    initiative = model_in(world["commune_a"], **START[step])
    actor = user_with_role(role, world[where])
    before = frozen(initiative)
    reason = "Hồ sơ cần bổ sung." if step in NEEDS_REASON else ""

    if allowed:
        services.initiative_transition(initiative=initiative, name=step, actor=actor, reason=reason)
        initiative.refresh_from_db()
        assert initiative.status == TARGET[step]
        assert initiative.version == before[1] + 1
        assert audit_rows(initiative).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.initiative_transition(
                initiative=initiative, name=step, actor=actor, reason=reason
            )
        assert frozen(initiative) == before
        assert not audit_rows(initiative).exists()


def test_a_nationwide_system_administrator_takes_any_step(world):
    admin = user_with_role("system_admin", None)
    initiative = model_in(world["commune_b"], **START["recognise"])

    services.initiative_transition(initiative=initiative, name="recognise", actor=admin)

    initiative.refresh_from_db()
    assert initiative.status == Status.RECOGNISED


@pytest.mark.parametrize(("step", "role", "where", "allowed"), PAGE_TABLE)
def test_page_step_by_role_and_scope(client, world, step, role, where, allowed):
    initiative = model_in(world["commune_a"], **START[step])
    client.force_login(user_with_role(role, world[where]))
    before = frozen(initiative)

    response = client.post(
        f"/models/{initiative.pk}/step/",
        {"name": step, "reason": "Cần bổ sung số liệu.", "version": initiative.version},
    )

    if allowed:
        assert response.status_code == 302
        assert frozen(initiative)[0] == TARGET[step]
        assert audit_rows(initiative).count() == 1
    else:
        # Outside the scope the model does not exist; inside it, the right is missing.
        assert response.status_code == (404 if where == "commune_b" else 403)
        assert frozen(initiative) == before
        assert not audit_rows(initiative).exists()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_page_refusal_shows_the_guard_message_and_changes_nothing(client, world):
    initiative = model_in(world["commune_a"], summary="   ")
    client.force_login(user_with_role("officer", world["commune_a"]))
    before = frozen(initiative)

    response = client.post(f"/models/{initiative.pk}/step/", {"name": "submit"})

    assert response.status_code == 302
    assert messages_of(response) == ["Write a summary before submitting."]
    assert frozen(initiative) == before
    assert not audit_rows(initiative).exists()


def test_page_refuses_steps_that_belong_to_councils(client, world):
    initiative = model_in(world["commune_a"], status=Status.UNDER_REVIEW)
    client.force_login(user_with_role("leader", world["commune_a"]))

    response = client.post(f"/models/{initiative.pk}/step/", {"name": "recognise"})

    assert response.status_code == 302
    assert messages_of(response) == ["Unknown step."]
    assert frozen(initiative)[0] == Status.UNDER_REVIEW


def test_page_step_with_a_stale_version_shows_the_conflict(client, world):
    initiative = model_in(world["commune_a"])
    client.force_login(user_with_role("officer", world["commune_a"]))
    stale = initiative.version
    Initiative.objects.filter(pk=initiative.pk).update(version=stale + 1)

    response = client.post(f"/models/{initiative.pk}/step/", {"name": "submit", "version": stale})

    assert "Someone else changed this record" in messages_of(response)[0]
    assert frozen(initiative)[0] == Status.DRAFT


def test_page_return_without_a_reason_is_refused(client, world):
    initiative = model_in(world["commune_a"], status=Status.SUBMITTED)
    client.force_login(user_with_role("reviewer", world["commune_a"]))

    response = client.post(f"/models/{initiative.pk}/step/", {"name": "return", "reason": " "})

    assert messages_of(response) == ["Please give a reason for this step."]
    assert frozen(initiative)[0] == Status.SUBMITTED


# --- guards --------------------------------------------------------------------------------


def refused(initiative, name, actor, reason="", code="guard_failed") -> DomainError:
    before = frozen(initiative)
    with pytest.raises(DomainError) as error:
        services.initiative_transition(initiative=initiative, name=name, actor=actor, reason=reason)
    assert error.value.code == code
    assert frozen(initiative) == before
    assert not audit_rows(initiative).exists()
    return error.value


def test_submit_needs_a_summary(world):
    officer = user_with_role("officer", world["commune_a"])

    error = refused(model_in(world["commune_a"], summary=" \n "), "submit", officer)

    assert "summary" in error.message


def test_submit_of_an_individual_model_needs_the_person(world):
    officer = user_with_role("officer", world["commune_a"])
    initiative = model_in(world["commune_a"], subject=Subject.INDIVIDUAL, person_name=" ")

    error = refused(initiative, "submit", officer)

    assert "person" in error.message
    initiative.person_name = "Nguyễn Thị Hoa"
    initiative.save()
    services.initiative_transition(initiative=initiative, name="submit", actor=officer)
    assert frozen(initiative)[0] == Status.SUBMITTED


def test_submit_of_a_model_filed_under_an_old_unit_is_refused(world):
    legacy = CommuneFactory(
        era=Era.LEGACY,
        parent=ProvinceFactory(era=Era.LEGACY),
        scope_path=world["commune_a"].path,
    )
    officer = user_with_role("officer", world["commune_a"])

    refused(model_in(legacy), "submit", officer)


@pytest.mark.parametrize("step", ["return", "reject"])
def test_return_and_reject_need_a_reason(world, step):
    leader = user_with_role("leader", world["commune_a"])
    initiative = model_in(world["commune_a"], status=Status.UNDER_REVIEW)

    error = refused(initiative, step, leader, reason="  ", code="reason_required")

    assert error.field == "reason"


def test_reject_is_only_for_a_first_time_model(world):
    leader = user_with_role("leader", world["commune_a"])
    initiative = model_in(
        world["commune_a"],
        status=Status.UNDER_REVIEW,
        level=Level.COMMUNE,
        target_level=Level.PROVINCE,
    )

    refused(initiative, "reject", leader, reason="Chưa đạt.")


def test_keep_level_is_only_for_an_already_recognised_model(world):
    leader = user_with_role("leader", world["commune_a"])
    initiative = model_in(world["commune_a"], status=Status.UNDER_REVIEW)

    refused(initiative, "keep_level", leader, reason="Giữ nguyên.")


def test_keep_level_keeps_the_level_and_records_the_reason(world):
    leader = user_with_role("leader", world["commune_a"])
    initiative = model_in(world["commune_a"], **START["keep_level"])

    services.initiative_transition(
        initiative=initiative, name="keep_level", actor=leader, reason="Chưa đủ tiêu chí cấp tỉnh."
    )

    initiative.refresh_from_db()
    assert (initiative.status, initiative.level) == (Status.RECOGNISED, Level.COMMUNE)
    assert initiative.status_note == "Chưa đủ tiêu chí cấp tỉnh."


@pytest.mark.parametrize(
    ("level", "next_level"),
    [
        (Level.COMMUNE, Level.PROVINCE),
        (Level.DISTRICT, Level.PROVINCE),
        (Level.PROVINCE, Level.CENTRAL),
    ],
)
def test_propose_higher_asks_for_the_next_level(world, level, next_level):
    officer = user_with_role("officer", world["commune_a"])
    initiative = model_in(world["commune_a"], status=Status.RECOGNISED, level=level)

    services.initiative_transition(initiative=initiative, name="propose_higher", actor=officer)

    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED
    assert initiative.level == level
    assert initiative.target_level == next_level
    (row,) = audit_rows(initiative)
    assert row.changes["target_level"] == [Level.COMMUNE, next_level]


def test_propose_higher_is_refused_at_central_level(world):
    officer = user_with_role("officer", world["commune_a"])
    initiative = model_in(world["commune_a"], status=Status.RECOGNISED, level=Level.CENTRAL)

    refused(initiative, "propose_higher", officer)


def test_a_step_from_the_wrong_status_is_refused(world):
    leader = user_with_role("leader", world["commune_a"])

    refused(model_in(world["commune_a"]), "recognise", leader, code="transition_not_allowed")


def test_a_stale_version_raises_a_conflict_and_changes_nothing(world):
    officer = user_with_role("officer", world["commune_a"])
    initiative = model_in(world["commune_a"])
    services.initiative_transition(initiative=initiative, name="submit", actor=officer)
    services.initiative_transition(initiative=initiative, name="withdraw", actor=officer)
    stale_version = 1
    before = frozen(initiative)
    rows = audit_rows(initiative).count()

    with pytest.raises(ConflictError):
        services.initiative_transition(
            initiative=initiative, name="submit", actor=officer, expected_version=stale_version
        )

    assert frozen(initiative) == before
    assert audit_rows(initiative).count() == rows


@pytest.mark.parametrize("step", list(START))
def test_each_step_writes_one_audit_row_with_from_and_to(world, step):
    actor = user_with_role("system_admin", None)
    initiative = model_in(world["commune_a"], **START[step])

    services.initiative_transition(
        initiative=initiative, name=step, actor=actor, reason="Lý do ghi nhận."
    )

    (row,) = audit_rows(initiative)
    assert row.action == "transition"
    assert row.changes["status"] == [START[step]["status"], TARGET[step]]
    assert row.changes["transition"] == step
    assert row.actor_id == actor.pk
    assert row.reason == "Lý do ghi nhận."
