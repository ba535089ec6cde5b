"""The land-clearance API for household cases: personal data, steps, money, complaints, visits."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import Action, AuditEvent
from danvan.clearance.models import (
    CaseStatus,
    CompensationPlan,
    Household,
    HouseholdMember,
    InventoryItem,
    Payment,
    PlanStatus,
    Plot,
    Visit,
)
from danvan.clearance.services import households as household_services
from danvan.clearance.services import money
from danvan.clearance.tests.factories import HouseholdFactory, ProjectFactory
from danvan.core.roles import Role

pytestmark = pytest.mark.django_db

URL = "/api/v1/clearance/households"
JSON = "application/json"
CCCD = "049203004567"


@pytest.fixture
def people(place):
    _province, commune_a, commune_b = place
    return {
        "officer": user_with_role(Role.OFFICER, commune_a),
        "leader": user_with_role(Role.LEADER, commune_a),
        "viewer": user_with_role(Role.VIEWER, commune_a),
        "outsider": user_with_role(Role.OFFICER, commune_b),
        "a": commune_a,
        "b": commune_b,
    }


@pytest.fixture
def household(people):
    return HouseholdFactory(
        project=ProjectFactory(territory=people["a"]), head_id_number=CCCD, phone="0905123456"
    )


def error_field(response) -> str | None:
    details = response.json()["details"]
    if isinstance(details, list):
        return details[0]["field"]
    return details["field"]


def approved(people, household, lines) -> CompensationPlan:
    plan = money.plan_create(household, lines=lines, actor=people["officer"])
    money.plans_approve(
        [plan], decision_number="125/QĐ-UBND", approved_on=date(2025, 5, 20), actor=people["leader"]
    )
    return plan


def agreed(people, lines, **kwargs) -> Household:
    household = HouseholdFactory(project=ProjectFactory(territory=people["a"]), **kwargs)
    approved(people, household, lines)
    for step, actor in (("record_inventory", "officer"), ("agree", "leader")):
        household = household_services.household_transition(
            household=household, name=step, actor=people[actor]
        )
    return household


# --- create and read -----------------------------------------------------------------------------


def test_household_is_created_in_a_project_and_answers_masked(api, people):
    project = ProjectFactory(territory=people["a"])
    url = f"/api/v1/clearance/projects/{project.pk}/households"
    values = {"code": "H-01", "head_name": "Lê Thị Hoa", "head_id_number": CCCD,
              "phone": "0905 123 456", "village": "Khối phố 3"}  # fmt: skip

    created = api(people["officer"]).post(url, values, content_type=JSON)
    duplicate = api(people["officer"]).post(url, values, content_type=JSON)
    bad_id = api(people["officer"]).post(
        url, {**values, "code": "H-02", "head_id_number": "12345"}, content_type=JSON
    )
    viewer = api(people["viewer"]).post(url, {**values, "code": "H-03"}, content_type=JSON)

    assert created.status_code == 201, created.json()
    answer = created.json()
    assert (answer["head_id_number"], answer["phone"]) == ("0492******67", "09******56")
    assert (answer["revealed"], answer["can_reveal"]) == (False, True)
    assert answer["project"]["id"] == project.pk
    assert Household.objects.get(pk=answer["id"]).phone == "0905123456"
    assert duplicate.status_code == 400
    assert (duplicate.json()["code"], error_field(duplicate)) == ("duplicate", "code")
    assert bad_id.status_code == 400
    assert error_field(bad_id) == "head_id_number"
    assert viewer.status_code == 403
    assert Household.objects.count() == 1
    project.refresh_from_db()
    assert project.households_count == 1


def test_officer_in_charge_must_be_able_to_see_the_project(api, people):
    project = ProjectFactory(territory=people["a"])
    url = f"/api/v1/clearance/projects/{project.pk}/households"
    values = {"code": "H-01", "head_name": "Lê Thị Hoa"}

    outsider = api(people["officer"]).post(
        url, {**values, "officer_id": people["outsider"].pk}, content_type=JSON
    )
    colleague = api(people["officer"]).post(
        url, {**values, "officer_id": people["leader"].pk}, content_type=JSON
    )

    assert outsider.status_code == 422
    assert error_field(outsider) == "officer_id"
    assert colleague.status_code == 201
    assert colleague.json()["officer"]["id"] == people["leader"].pk


def test_detail_masks_and_a_reveal_is_logged(api, people, household):
    HouseholdMember.objects.create(
        household=household, full_name="Lê Văn Tư", id_number="049203001111", phone="0912000111"
    )
    url = f"{URL}/{household.pk}"

    masked = api(people["officer"]).get(url).json()
    assert not AuditEvent.objects.filter(action=Action.VIEW_PERSONAL).exists()
    revealed = api(people["officer"]).get(url, {"reveal": "true", "reason": "Chi trả"}).json()

    assert (masked["head_id_number"], masked["phone"]) == ("0492******67", "09******56")
    assert masked["members"][0]["id_number"] == "0492******11"
    assert (revealed["head_id_number"], revealed["phone"]) == (CCCD, "0905123456")
    assert revealed["members"][0]["phone"] == "0912000111"
    assert revealed["revealed"] is True
    event = AuditEvent.objects.get(action=Action.VIEW_PERSONAL)
    assert (event.actor_id, event.object_type, event.object_id) == (
        people["officer"].pk,
        "clearance.household",
        str(household.pk),
    )
    assert event.reason == "Chi trả"


def test_a_role_without_personal_access_is_refused_the_reveal_and_nothing_is_logged(
    api, people, household
):
    url = f"{URL}/{household.pk}"

    plain = api(people["viewer"]).get(url)
    reveal = api(people["viewer"]).get(url, {"reveal": "true"})

    assert plain.status_code == 200
    assert plain.json()["can_reveal"] is False
    assert CCCD not in plain.content.decode()
    assert reveal.status_code == 403
    assert not AuditEvent.objects.filter(action=Action.VIEW_PERSONAL).exists()


def test_out_of_scope_household_is_not_found_through_every_route(api, people, household):
    client = api(people["outsider"])
    base = f"{URL}/{household.pk}"
    answers = [
        client.get(base),
        client.get(base, {"reveal": "true"}),
        client.patch(base, {"head_name": "X", "version": 1}, content_type=JSON),
        client.post(f"{base}/transitions", {"name": "start_persuading"}, content_type=JSON),
        client.post(f"{base}/members", {"full_name": "X"}, content_type=JSON),
        client.post(
            f"{base}/plots",
            {"map_sheet": "1", "plot_number": "2", "total_area": 10, "recovered_area": 5},
            content_type=JSON,
        ),
        client.post(f"{base}/plans", {"lines": {"land": 1}}, content_type=JSON),
        client.post(
            f"{base}/complaints", {"content": "X", "received_on": "2025-01-02"}, content_type=JSON
        ),
        client.get(f"{base}/visits"),
        client.post(
            f"{base}/visits",
            {"visited_on": "2025-01-02", "outcome": "absent", "discussed": "X"},
            content_type=JSON,
        ),
    ]

    assert [answer.status_code for answer in answers] == [404] * len(answers)
    assert not AuditEvent.objects.filter(action=Action.VIEW_PERSONAL).exists()
    household.refresh_from_db()
    assert (household.version, household.status) == (1, CaseStatus.NOT_CONTACTED)


# --- update and steps ----------------------------------------------------------------------------


def test_patch_keeps_personal_numbers_unless_sent_and_refuses_stale_versions(
    api, people, household
):
    client = api(people["officer"])
    url = f"{URL}/{household.pk}"

    first = client.patch(url, {"village": "Thôn Mỹ Thạch", "version": 1}, content_type=JSON)
    stale = client.patch(url, {"village": "Thôn Khác", "version": 1}, content_type=JSON)
    masked_back = client.patch(
        url, {"head_id_number": "0492******67", "version": 2}, content_type=JSON
    )

    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert masked_back.status_code == 422
    assert error_field(masked_back) == "head_id_number"
    household.refresh_from_db()
    assert (household.village, household.head_id_number, household.version) == (
        "Thôn Mỹ Thạch",
        CCCD,
        2,
    )


def test_case_steps_with_roles_reasons_and_handover_date(api, people):
    household = agreed(people, {"land": 100_000_000})
    money.payments_record(
        [money.PaymentData(household, 100_000_000, date(2025, 6, 1), "PC-1")],
        actor=people["officer"],
    )
    url = f"{URL}/{household.pk}/transitions"

    viewer = api(people["viewer"]).post(
        url, {"name": "hand_over", "handed_over_on": "2025-06-10"}, content_type=JSON
    )
    no_date = api(people["officer"]).post(url, {"name": "hand_over"}, content_type=JSON)
    future = api(people["officer"]).post(
        url,
        {"name": "hand_over", "handed_over_on": (timezone.localdate() + timedelta(1)).isoformat()},
        content_type=JSON,
    )
    done = api(people["officer"]).post(
        url, {"name": "hand_over", "handed_over_on": "2025-06-10"}, content_type=JSON
    )

    assert viewer.status_code == 403
    assert no_date.status_code == future.status_code == 400
    assert error_field(no_date) == error_field(future) == "handed_over_on"
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["handed_over_on"]) == ("handed_over", "2025-06-10")
    household.project.refresh_from_db()
    assert household.project.handed_over_count == 1


# --- members and plots ---------------------------------------------------------------------------


def test_members_are_added_masked_and_deleted(api, people, household):
    client = api(people["officer"])

    added = client.post(
        f"{URL}/{household.pk}/members",
        {"full_name": "Lê Văn Tư", "relation": "Con", "id_number": "049203001111"},
        content_type=JSON,
    )
    bad_year = client.post(
        f"{URL}/{household.pk}/members", {"full_name": "A", "birth_year": 1800}, content_type=JSON
    )
    viewer = api(people["viewer"]).post(
        f"{URL}/{household.pk}/members", {"full_name": "B"}, content_type=JSON
    )

    assert added.status_code == 201
    assert added.json()["id_number"] == "0492******11"
    assert bad_year.status_code == 400
    assert error_field(bad_year) == "birth_year"
    assert viewer.status_code == 403
    deleted = api(people["officer"]).delete(f"{URL}/{household.pk}/members/{added.json()['id']}")
    assert deleted.status_code == 204
    assert not HouseholdMember.objects.exists()


def test_plots_keep_the_recovered_area_totals(api, people, household):
    client = api(people["officer"])
    base = f"{URL}/{household.pk}/plots"
    plot = {"map_sheet": "12", "plot_number": "245", "land_type": "ODT",
            "total_area": "150.5", "recovered_area": "120.25"}  # fmt: skip

    added = client.post(base, plot, content_type=JSON)
    too_much = client.post(
        base, {**plot, "plot_number": "246", "recovered_area": "200"}, content_type=JSON
    )
    plot_id = added.json()["id"]
    changed = client.put(f"{base}/{plot_id}", {**plot, "recovered_area": 100}, content_type=JSON)

    assert added.status_code == 201
    assert added.json()["recovered_area"] == "120.25"
    assert too_much.status_code == 400
    assert error_field(too_much) == "recovered_area"
    assert changed.status_code == 200
    detail = client.get(f"{URL}/{household.pk}").json()
    assert detail["recovered_area"] == "100.00"
    assert client.delete(f"{base}/{plot_id}").status_code == 204
    assert not Plot.objects.exists()
    household.refresh_from_db()
    assert household.recovered_area == 0


# --- inventory and plans -------------------------------------------------------------------------


def test_inventory_lines_are_saved_all_or_none_with_computed_amounts(api, people, household):
    client = api(people["officer"])
    base = f"{URL}/{household.pk}/inventory"
    good = {"category": "land", "description": "Đất ở ODT", "quantity": "120.5",
            "unit_price": 3_500_000}  # fmt: skip

    added = client.post(
        base,
        {
            "lines": [
                good,
                {
                    "category": "crops",
                    "description": "Cây dừa",
                    "quantity": 4,
                    "unit": "cây",
                    "unit_price": 1_250_000,
                },
            ]
        },
        content_type=JSON,
    )
    bad = client.post(base, {"lines": [good, {**good, "quantity": "-1"}]}, content_type=JSON)

    assert added.status_code == 201
    assert [line["amount"] for line in added.json()] == [421_750_000, 5_000_000]
    assert bad.status_code == 422
    assert error_field(bad) == "lines.1.quantity"
    assert InventoryItem.objects.count() == 2
    item_id = added.json()[0]["id"]
    assert api(people["viewer"]).delete(f"{base}/{item_id}").status_code == 403
    assert api(people["officer"]).delete(f"{base}/{item_id}").status_code == 204
    assert InventoryItem.objects.count() == 1


def test_plans_are_drafted_approved_by_leaders_and_kept_once_approved(api, people, household):
    other = HouseholdFactory(project=ProjectFactory(territory=people["b"]))
    other_plan = money.plan_create(other, lines={"land": 5}, actor=people["outsider"])
    base = f"{URL}/{household.pk}/plans"

    drafted = api(people["officer"]).post(
        base, {"lines": {"land": 300_000_000, "structures": 150_000_000, "support": 0}},
        content_type=JSON,
    )  # fmt: skip
    unknown_category = api(people["officer"]).post(base, {"lines": {"gold": 1}}, content_type=JSON)
    too_large = api(people["officer"]).post(base, {"lines": {"land": 10**14}}, content_type=JSON)
    plan_id = drafted.json()["id"]
    approve = {"plan_ids": [plan_id], "decision_number": "301/QĐ-UBND", "approved_on": "2025-07-01"}
    officer = api(people["officer"]).post(f"{URL}/plans/approve", approve, content_type=JSON)
    foreign = api(people["leader"]).post(
        f"{URL}/plans/approve", {**approve, "plan_ids": [plan_id, other_plan.pk]}, content_type=JSON
    )
    leader = api(people["leader"]).post(f"{URL}/plans/approve", approve, content_type=JSON)
    delete = api(people["officer"]).delete(f"{base}/{plan_id}")

    assert drafted.status_code == 201
    assert drafted.json()["total"] == 450_000_000
    assert {line["category"] for line in drafted.json()["lines"]} == {"land", "structures"}
    assert unknown_category.status_code == 422
    assert too_large.status_code == 400
    assert (too_large.json()["code"], error_field(too_large)) == ("amount", "lines.land")
    assert officer.status_code == 403
    assert foreign.status_code == 422
    assert error_field(foreign) == "plan_ids"
    assert other_plan.__class__.objects.get(pk=other_plan.pk).status == PlanStatus.DRAFT
    assert leader.status_code == 200
    assert leader.json()["approved"] == 1
    assert leader.json()["households"][0]["approved_total"] == 450_000_000
    assert delete.status_code == 400
    assert delete.json()["code"] == "approved"
    assert CompensationPlan.objects.filter(pk=plan_id, status=PlanStatus.APPROVED).exists()


# --- payments ------------------------------------------------------------------------------------


def test_payment_batch_is_recorded_and_a_full_payment_marks_the_case_paid(api, people):
    first = agreed(people, {"land": 100_000_000})
    second = agreed(people, {"land": 50_000_000})
    lines = [
        {"household_id": first.pk, "amount": 100_000_000, "paid_on": "2025-06-02",
         "voucher_number": "PC-01"},
        {"household_id": second.pk, "amount": 20_000_000, "paid_on": "2025-06-02",
         "voucher_number": "PC-02", "method": "cash"},
    ]  # fmt: skip

    response = api(people["officer"]).post(
        f"{URL}/payments", {"payments": lines}, content_type=JSON
    )

    assert response.status_code == 201, response.json()
    assert [p["amount"] for p in response.json()] == [100_000_000, 20_000_000]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.paid_total, first.status) == (100_000_000, CaseStatus.PAID)
    assert (second.paid_total, second.status) == (20_000_000, CaseStatus.AGREED)


def test_a_batch_over_the_approved_amount_leaves_nothing_behind(api, people):
    first = agreed(people, {"land": 100_000_000})
    second = agreed(people, {"land": 50_000_000})
    events = AuditEvent.objects.count()
    lines = [
        {"household_id": first.pk, "amount": 100_000_000, "paid_on": "2025-06-02",
         "voucher_number": "PC-01"},
        {"household_id": second.pk, "amount": 50_000_001, "paid_on": "2025-06-02",
         "voucher_number": "PC-02"},
    ]  # fmt: skip

    response = api(people["officer"]).post(
        f"{URL}/payments", {"payments": lines}, content_type=JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == "over_approved"
    assert error_field(response) == "amount"
    assert Payment.objects.count() == 0
    assert AuditEvent.objects.count() == events
    first.refresh_from_db()
    assert (first.paid_total, first.status) == (0, CaseStatus.AGREED)


def test_payment_input_errors_name_the_line_and_roles_are_checked(api, people, household):
    payable = agreed(people, {"land": 100_000_000})
    line = {"household_id": payable.pk, "amount": 1_000, "paid_on": "2025-06-02",
            "voucher_number": "PC-01"}  # fmt: skip
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    foreign = HouseholdFactory(project=ProjectFactory(territory=people["b"]))
    client = api(people["officer"])

    outside = client.post(
        f"{URL}/payments",
        {"payments": [line, {**line, "household_id": foreign.pk, "voucher_number": "PC-02"}]},
        content_type=JSON,
    )
    future = client.post(
        f"{URL}/payments", {"payments": [{**line, "paid_on": tomorrow}]}, content_type=JSON
    )
    fraction = client.post(
        f"{URL}/payments", {"payments": [{**line, "amount": 10.5}]}, content_type=JSON
    )
    not_agreed = client.post(
        f"{URL}/payments", {"payments": [{**line, "household_id": household.pk}]},
        content_type=JSON,
    )  # fmt: skip
    leader = api(people["leader"]).post(f"{URL}/payments", {"payments": [line]}, content_type=JSON)

    assert outside.status_code == 422
    assert error_field(outside) == "payments.1.household_id"
    assert future.status_code == 400
    assert error_field(future) == "paid_on"
    assert fraction.status_code == 422
    assert error_field(fraction) == "payments.0.amount"
    assert not_agreed.status_code == 400
    assert not_agreed.json()["code"] == "not_payable"
    assert leader.status_code == 403
    assert not Payment.objects.exists()


def test_a_cancelled_payment_needs_a_reason_and_reopens_the_case(api, people):
    household = agreed(people, {"land": 100_000_000})
    payment = money.payments_record(
        [money.PaymentData(household, 100_000_000, date(2025, 6, 1), "PC-1")],
        actor=people["officer"],
    )[0]
    url = f"{URL}/{household.pk}/payments/{payment.pk}/cancel"

    no_reason = api(people["officer"]).post(url, {"reason": " "}, content_type=JSON)
    viewer = api(people["viewer"]).post(url, {"reason": "Nhập nhầm"}, content_type=JSON)
    done = api(people["officer"]).post(url, {"reason": "Nhập nhầm số tiền"}, content_type=JSON)

    assert no_reason.status_code == 422
    assert error_field(no_reason) == "reason"
    assert viewer.status_code == 403
    assert done.status_code == 200
    assert (done.json()["paid_total"], done.json()["status"], done.json()["payments"]) == (
        0,
        "agreed",
        [],
    )
    event = AuditEvent.objects.get(object_type="clearance.payment", action=Action.DELETE)
    assert event.changes["amount"] == [100_000_000, None]
    assert event.reason == "Nhập nhầm số tiền"


# --- complaints and visits -----------------------------------------------------------------------


def test_complaints_are_added_and_settled(api, people, household):
    client = api(people["officer"])

    added = client.post(
        f"{URL}/{household.pk}/complaints",
        {"content": "Đơn giá đất thấp", "received_on": "2025-06-01"},
        content_type=JSON,
    )
    url = f"{URL}/{household.pk}/complaints/{added.json()['id']}"
    no_resolution = client.patch(url, {"status": "resolved"}, content_type=JSON)
    counted = client.get(f"{URL}/{household.pk}").json()["open_complaints"]
    viewer = api(people["viewer"]).patch(url, {"status": "handling"}, content_type=JSON)
    settled = api(people["officer"]).patch(
        url,
        {"status": "resolved", "resolution": "Đã giải thích", "resolved_on": "2025-06-15"},
        content_type=JSON,
    )

    assert added.status_code == 201
    assert counted == 1
    assert no_resolution.status_code == 400
    assert error_field(no_resolution) == "resolution"
    assert viewer.status_code == 403
    assert settled.status_code == 200
    assert settled.json()["resolved_on"] == "2025-06-15"
    household.refresh_from_db()
    assert household.open_complaints == 0


def test_visits_are_listed_and_the_first_one_starts_the_persuading(api, people, household):
    client = api(people["officer"])
    base = f"{URL}/{household.pk}/visits"
    visit = {"visited_on": "2025-06-03", "outcome": "considering",
             "discussed": "Giải thích đơn giá bồi thường", "next_step": "Gặp lại",
             "follow_up_on": "2025-06-10", "officer_ids": [people["leader"].pk]}  # fmt: skip

    added = client.post(base, visit, content_type=JSON)
    outsider = client.post(
        base, {**visit, "officer_ids": [people["outsider"].pk]}, content_type=JSON
    )
    backwards = client.post(base, {**visit, "follow_up_on": "2025-06-01"}, content_type=JSON)
    viewer = api(people["viewer"]).post(base, visit, content_type=JSON)
    listed = api(people["viewer"]).get(base).json()

    assert added.status_code == 201
    assert [o["id"] for o in added.json()["officers"]] == [people["leader"].pk]
    assert outsider.status_code == 422
    assert error_field(outsider) == "officer_ids"
    assert backwards.status_code == 400
    assert error_field(backwards) == "follow_up_on"
    assert viewer.status_code == 403
    assert listed["count"] == 1
    assert listed["items"][0]["discussed"] == "Giải thích đơn giá bồi thường"
    assert Visit.objects.count() == 1
    household.refresh_from_db()
    assert household.status == CaseStatus.PERSUADING
