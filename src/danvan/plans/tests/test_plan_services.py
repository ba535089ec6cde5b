from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from danvan.audit.models import AuditEvent
from danvan.core.errors import ConflictError, DomainError
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import Indicator, Period, PlanStatus, ReportStatus, TaskStatus
from danvan.plans.services import plans as services
from danvan.plans.tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    PlanFactory,
    PlanTaskFactory,
    ProgressReportFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(place):
    return PlanFactory(organisation=OrganisationFactory(territory=place[0]), year=2025)


def data_of(plan, **changes) -> services.PlanData:
    values = {"organisation": plan.organisation, "year": plan.year, "title": plan.title,
              "goals": plan.goals}  # fmt: skip
    values.update(changes)
    return services.PlanData(**values)


def test_update_records_old_and_new_values(plan, people):
    services.plan_update(
        plan=plan, data=data_of(plan, title="  Tên mới  "), actor=people["officer"],
        version=plan.version,
    )  # fmt: skip

    plan.refresh_from_db()
    event = AuditEvent.objects.filter(object_type="plans.plan").latest("seq")
    assert plan.title == "Tên mới"
    assert event.changes["title"][1] == "Tên mới"
    assert plan.version == 2


def test_second_editor_with_the_old_version_gets_a_conflict(plan, people):
    services.plan_update(plan=plan, data=data_of(plan, title="A"), actor=people["officer"],
                         version=1)  # fmt: skip

    with pytest.raises(ConflictError):
        services.plan_update(plan=plan, data=data_of(plan, title="B"), actor=people["officer"],
                             version=1)  # fmt: skip

    plan.refresh_from_db()
    assert plan.title == "A"


def test_approved_plan_cannot_be_edited_until_returned_to_draft(plan, people):
    plan = services.plan_transition(plan=plan, name="approve", actor=people["leader"])

    with pytest.raises(DomainError):
        services.plan_update(plan=plan, data=data_of(plan, title="X"), actor=people["officer"],
                             version=None)  # fmt: skip
    with pytest.raises(DomainError):
        services.indicator_create(
            plan=plan, data=services.IndicatorData(name="X", unit="cái"), actor=people["officer"]
        )
    plan = services.plan_transition(
        plan=plan, name="return_to_draft", actor=people["leader"], reason="Bổ sung chỉ tiêu"
    )
    services.indicator_create(
        plan=plan, data=services.IndicatorData(name="X", unit="cái"), actor=people["officer"]
    )
    assert plan.status == PlanStatus.DRAFT
    assert Indicator.objects.filter(plan=plan, name="X").exists()


@pytest.mark.parametrize(
    ("role", "step", "allowed"),
    [("officer", "approve", False), ("viewer", "approve", False), ("leader", "approve", True),
     ("outside_leader", "approve", False)],
)  # fmt: skip
def test_who_may_approve(plan, people, role, step, allowed):
    if allowed:
        assert services.plan_transition(plan=plan, name=step, actor=people[role]).status == (
            PlanStatus.APPROVED
        )
    else:
        with pytest.raises(PermissionDenied):
            services.plan_transition(plan=plan, name=step, actor=people[role])


def test_lifecycle_closes_and_reopens_with_a_reason(plan, people):
    leader = people["leader"]
    plan = services.plan_transition(plan=plan, name="approve", actor=leader)
    plan = services.plan_transition(plan=plan, name="close", actor=leader)

    with pytest.raises(DomainError):
        services.plan_transition(plan=plan, name="approve", actor=leader)
    with pytest.raises(DomainError):
        services.plan_transition(plan=plan, name="reopen", actor=leader)
    plan = services.plan_transition(plan=plan, name="reopen", actor=leader, reason="Bổ sung")

    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_at is not None
    steps = list(
        AuditEvent.objects.filter(object_type="plans.plan", action="transition")
        .order_by("seq")
        .values_list("changes__transition", flat=True)
    )
    assert steps == ["approve", "close", "reopen"]


def test_tasks_move_on_an_approved_plan_but_not_on_a_closed_one(plan, people):
    task = PlanTaskFactory(plan=plan)
    plan = services.plan_transition(plan=plan, name="approve", actor=people["leader"])
    data = services.TaskData(title=task.title, status=TaskStatus.DONE, done_on=date(2025, 3, 1))

    task = services.task_update(task=task, data=data, actor=people["officer"], version=1)
    services.plan_transition(plan=plan, name="close", actor=people["leader"])

    assert task.done_on == date(2025, 3, 1)
    with pytest.raises(DomainError):
        services.task_update(task=task, data=data, actor=people["officer"], version=None)


def test_task_owner_of_another_province_is_refused(plan, people):
    outside = OrganisationFactory(territory=people["other_province"])

    with pytest.raises(DomainError):
        services.task_create(
            plan=plan, data=services.TaskData(title="X", owner=outside), actor=people["officer"]
        )


def test_indicator_with_submitted_figures_cannot_be_removed(plan, people):
    indicator = IndicatorFactory(plan=plan)
    report = ProgressReportFactory(plan=plan, status=ReportStatus.SUBMITTED)
    IndicatorValueFactory(report=report, indicator=indicator, value=Decimal(3))

    with pytest.raises(DomainError):
        services.indicator_delete(indicator=indicator, actor=people["officer"])

    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_indicator_code_is_slugged_and_target_checked(plan, people):
    indicator = services.indicator_create(
        plan=plan,
        data=services.IndicatorData(name="Mô hình", unit="mô hình", code="Mô Hình Khéo",
                                    target_value=Decimal("12.5")),
        actor=people["officer"],
    )  # fmt: skip

    assert indicator.code == "mo-hinh-kheo"
    with pytest.raises(DomainError):
        services.indicator_create(
            plan=plan,
            data=services.IndicatorData(name="X", unit="x", target_value=Decimal("-1")),
            actor=people["officer"],
        )


def test_plan_page_query_count_does_not_grow_with_lower_plans(
    client, plan, place, people, django_assert_max_num_queries
):
    IndicatorFactory(plan=plan, code="mo-hinh")
    PlanTaskFactory(plan=plan)

    def add_lower(n: int) -> None:
        for _ in range(n):
            lower = PlanFactory(organisation=OrganisationFactory(territory=place[1]), year=2025)
            indicator = IndicatorFactory(plan=lower, code="mo-hinh")
            IndicatorValueFactory(
                report=ProgressReportFactory(plan=lower, period=Period.H1), indicator=indicator
            )

    client.force_login(people["viewer"])
    add_lower(2)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("plans:plan-detail", args=[plan.pk]))
    add_lower(10)
    with django_assert_max_num_queries(40) as many:
        response = client.get(reverse("plans:plan-detail", args=[plan.pk]))

    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_plan_page_shows_only_the_documents_the_reader_may_read(client, place, people):
    from danvan.accounts.tests.factories import user_with_role
    from danvan.documents.tests.factories import GuidanceDocumentFactory

    province, commune_a, _ = place
    provincial = GuidanceDocumentFactory(
        number_symbol="20-NQ/TU", issuer=OrganisationFactory(territory=province)
    )
    central = GuidanceDocumentFactory(number_symbol="25-NQ/TW", issuer=None)
    plan = PlanFactory(organisation=OrganisationFactory(territory=commune_a), year=2025)
    plan.documents.set([provincial, central])
    commune_viewer = user_with_role("viewer", commune_a)

    client.force_login(commune_viewer)
    commune_page = client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()
    client.force_login(people["viewer"])
    province_page = client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()

    assert "25-NQ/TW" in commune_page
    assert "20-NQ/TU" not in commune_page
    assert "20-NQ/TU" in province_page


def test_editing_keeps_links_the_editor_cannot_read(place, people):
    from danvan.accounts.tests.factories import user_with_role
    from danvan.documents.tests.factories import GuidanceDocumentFactory

    province, commune_a, _ = place
    provincial = GuidanceDocumentFactory(issuer=OrganisationFactory(territory=province))
    local = GuidanceDocumentFactory(issuer=OrganisationFactory(territory=commune_a))
    plan = PlanFactory(organisation=OrganisationFactory(territory=commune_a), year=2025)
    plan.documents.set([provincial])
    commune_officer = user_with_role("officer", commune_a)

    services.plan_update(
        plan=plan, data=data_of(plan, documents=[local]), actor=commune_officer, version=None
    )

    assert set(plan.documents.all()) == {provincial, local}
