"""The household page: masking and logged reveals, locking, money forms, the quick visit entry."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import Action, AuditEvent
from danvan.clearance.models import (
    CaseStatus,
    Category,
    CompensationPlan,
    Household,
    HouseholdMember,
    InventoryItem,
    Payment,
    PlanKind,
    PlanStatus,
    Visit,
)
from danvan.clearance.services import households, money
from danvan.clearance.tests.factories import HouseholdFactory, ProjectFactory

pytestmark = pytest.mark.django_db

HEAD_ID = "049201001234"
HEAD_PHONE = "0905123456"
TODAY = timezone.localdate()


@pytest.fixture
def people(place):
    _province, commune_a, commune_b = place
    return {
        "officer": user_with_role("officer", commune_a),
        "leader": user_with_role("leader", commune_a),
        "viewer": user_with_role("viewer", commune_a),
        "admin": user_with_role("territory_admin", commune_a),
        "commune": commune_a,
        "elsewhere": commune_b,
    }


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


@pytest.fixture
def household(people):
    household = HouseholdFactory(
        project=ProjectFactory(territory=people["commune"]),
        head_name="Phan Văn Bình",
        head_id_number=HEAD_ID,
        phone=HEAD_PHONE,
    )
    households.member_add(
        household=household,
        full_name="Lê Thị Hoa",
        relation="vợ",
        id_number="049301009876",
        phone="0935111222",
        actor=people["officer"],
    )
    return household


def detail_url(household) -> str:
    return reverse("clearance:household-detail", args=[household.pk])


def agreed(people, household, amount: int) -> Household:
    plan = money.plan_create(household, lines={Category.LAND: amount}, actor=people["officer"])
    money.plans_approve(
        [plan], decision_number="77/QĐ-UBND", approved_on=date(2025, 5, 20), actor=people["leader"]
    )
    for step, actor in (("record_inventory", "officer"), ("agree", "leader")):
        household = households.household_transition(
            household=household, name=step, actor=people[actor]
        )
    return household


def reveals() -> int:
    return AuditEvent.objects.filter(action=Action.VIEW_PERSONAL).count()


# --- Reading and scope ---------------------------------------------------------------------------


def test_page_renders_in_scope_with_numbers_masked_and_404_outside(as_user, people, household):
    hidden = HouseholdFactory(project=ProjectFactory(territory=people["elsewhere"]))

    for role in ("viewer", "officer", "leader"):
        response = as_user(people[role]).get(detail_url(household))
        assert response.status_code == 200
        assert "Phan Văn Bình" in response.text
        assert "0492******34" in response.text
        assert "09******56" in response.text
        assert "0493******76" in response.text  # the member's number too
        assert HEAD_ID not in response.text
        assert HEAD_PHONE not in response.text
        assert "049301009876" not in response.text
    assert as_user(people["viewer"]).get(detail_url(hidden)).status_code == 404
    assert reveals() == 0


def test_only_roles_with_personal_rights_see_the_reveal_button(as_user, people, household):
    viewer_page = as_user(people["viewer"]).get(detail_url(household))
    admin_page = as_user(people["admin"]).get(detail_url(household))
    officer_page = as_user(people["officer"]).get(detail_url(household))

    assert "Show full numbers" not in viewer_page.text
    assert "Show full numbers" not in admin_page.text
    assert "Show full numbers" in officer_page.text


def test_reveal_shows_full_numbers_and_logs_it(as_user, people, household):
    client = as_user(people["officer"])

    response = client.post(
        reverse("clearance:household-reveal", args=[household.pk]),
        {"reason": "Gọi điện hẹn chi trả"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="household-personal">')
    assert HEAD_ID in response.text
    assert HEAD_PHONE in response.text
    assert "049301009876" in response.text
    event = AuditEvent.objects.get(action=Action.VIEW_PERSONAL)
    assert event.actor == people["officer"]
    assert event.object_id == str(household.pk)
    assert event.reason == "Gọi điện hẹn chi trả"
    # The next ordinary view is masked again.
    assert HEAD_ID not in client.get(detail_url(household)).text


def test_reveal_is_refused_without_the_right_and_not_logged(as_user, people, household):
    outsider = user_with_role("officer", people["elsewhere"])
    url = reverse("clearance:household-reveal", args=[household.pk])

    viewer = as_user(people["viewer"]).post(url, HTTP_HX_REQUEST="true")
    admin = as_user(people["admin"]).post(url)
    stranger = as_user(outsider).post(url)

    assert viewer.status_code == 403
    assert admin.status_code == 403
    assert stranger.status_code == 404
    assert reveals() == 0


def test_reveal_without_javascript_shows_the_whole_page(as_user, people, household):
    response = as_user(people["leader"]).post(
        reverse("clearance:household-reveal", args=[household.pk])
    )

    assert response.status_code == 200
    assert "<h1>Phan Văn Bình" in response.text
    assert HEAD_ID in response.text
    assert reveals() == 1


# --- Editing -------------------------------------------------------------------------------------


def edit_post(household, **changes) -> dict:
    data = {
        "code": household.code,
        "head_name": household.head_name,
        "head_id_number": "",
        "phone": "",
        "address": "Tổ 5",
        "village": "Khối phố 7",
        "resettlement": "",
        "note": "",
        "version": str(household.version),
    }
    data.update(changes)
    return data


def test_edit_form_never_shows_full_numbers_and_keeps_them_when_empty(as_user, people, household):
    client = as_user(people["officer"])
    url = reverse("clearance:household-edit", args=[household.pk])

    page = client.get(url)
    response = client.post(url, edit_post(household, village="Thôn Phú Ninh"))

    household.refresh_from_db()
    assert HEAD_ID not in page.text
    assert 'placeholder="0492******34"' in page.text
    assert response.status_code == 302
    assert household.village == "Thôn Phú Ninh"
    assert household.head_id_number == HEAD_ID
    assert household.phone == HEAD_PHONE


def test_stale_edit_is_refused_with_the_conflict_message_and_nothing_lost(
    as_user, people, household
):
    url = reverse("clearance:household-edit", args=[household.pk])
    stale = edit_post(household, village="Typed by the second officer")
    first = as_user(people["officer"]).post(url, edit_post(household, village="Saved first"))

    second = as_user(people["admin"]).post(url, stale)

    household.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Someone else changed this record while you were working on it." in second.text
    assert 'value="Typed by the second officer"' in second.text
    assert household.village == "Saved first"
    assert household.version == 2


def test_edit_errors_show_next_to_the_field(as_user, people, household):
    HouseholdFactory(project=household.project, code="H-TAKEN")
    url = reverse("clearance:household-edit", args=[household.pk])
    client = as_user(people["officer"])

    bad_id = client.post(url, edit_post(household, head_id_number="12345"))
    duplicate = client.post(url, edit_post(household, code="H-TAKEN"))

    assert bad_id.status_code == 400
    assert bad_id.context["form"].errors["head_id_number"] == [
        "An ID number has exactly 12 digits."
    ]
    assert duplicate.context["form"].errors["code"] == [
        "Another household of this project already has this code."
    ]
    household.refresh_from_db()
    assert household.head_id_number == HEAD_ID
    assert household.version == 1


def test_officer_adds_a_household_to_the_project(as_user, people):
    project = ProjectFactory(territory=people["commune"])
    url = reverse("clearance:household-create", args=[project.pk])
    client = as_user(people["officer"])

    form_page = client.get(url)
    response = client.post(
        url,
        {
            "code": "H-101",
            "head_name": "Võ Văn Tâm",
            "head_id_number": "049 201 005 555",
            "phone": "0905 000 111",
            "commune": str(people["commune"].pk),
            "officer": str(people["officer"].pk),
        },
    )

    created = Household.objects.get(project=project, code="H-101")
    assert form_page.status_code == 200
    assert response.status_code == 302
    assert created.head_id_number == "049201005555"
    assert created.officer == people["officer"]
    assert as_user(people["viewer"]).get(url).status_code == 403


# --- Money ---------------------------------------------------------------------------------------


def test_inventory_takes_vietnamese_numbers_and_the_service_computes_the_amount(
    as_user, people, household
):
    response = as_user(people["officer"]).post(
        reverse("clearance:household-inventory-add", args=[household.pk]),
        {
            "category": Category.LAND,
            "description": "Đất ở ODT",
            "quantity": "120,5",
            "unit": "m²",
            "unit_price": "3.500.000",
        },
    )

    item = InventoryItem.objects.get(household=household)
    assert response.status_code == 302
    assert item.amount == 421_750_000
    page = as_user(people["viewer"]).get(detail_url(household))
    assert "421.750.000 đ" in page.text


def test_plan_form_starts_from_the_inventory_and_a_leader_approves_it(as_user, people, household):
    money.inventory_add(
        household,
        [money.InventoryLine(Category.STRUCTURES, "Nhà cấp 4", quantity=80, unit_price=2_000_000)],
        actor=people["officer"],
    )
    officer = as_user(people["officer"])
    page = officer.get(detail_url(household))
    assert 'value="160.000.000"' in page.text

    created = officer.post(
        reverse("clearance:household-plan-add", args=[household.pk]),
        {"kind": PlanKind.ORIGINAL, "line_structures": "160.000.000", "line_support": "5 triệu"},
    )
    plan = CompensationPlan.objects.get(household=household)
    approve_url = reverse("clearance:household-plan-approve", args=[household.pk, plan.pk])
    by_officer = officer.post(approve_url, {"decision_number": "9/QĐ", "approved_on": "01/06/2025"})
    by_leader = as_user(people["leader"]).post(
        approve_url, {"decision_number": "9/QĐ", "approved_on": "01/06/2025"}
    )

    assert created.status_code == 302
    assert dict(plan.lines.values_list("category", "amount")) == {
        "structures": 160_000_000,
        "support": 5_000_000,
    }
    assert by_officer.status_code == 403
    assert by_leader.status_code == 302
    plan.refresh_from_db()
    household.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert household.approved_total == 165_000_000


def test_payment_form_records_a_payment_written_with_dots(as_user, people, household):
    household = agreed(people, household, 300_000_000)

    response = as_user(people["officer"]).post(
        reverse("clearance:household-payment-add", args=[household.pk]),
        {
            "amount": "100.000.000",
            "paid_on": "02/06/2025",
            "voucher_number": "PC-001",
            "method": "transfer",
        },
    )

    household.refresh_from_db()
    assert response.status_code == 302
    assert response.url.endswith("#payments")
    assert household.paid_total == 100_000_000
    page = as_user(people["viewer"]).get(detail_url(household))
    assert "200.000.000 đ" in page.text  # still owed


def test_payment_over_the_approved_amount_is_refused_and_writes_nothing(as_user, people, household):
    household = agreed(people, household, 300_000_000)
    before = AuditEvent.objects.count()

    response = as_user(people["officer"]).post(
        reverse("clearance:household-payment-add", args=[household.pk]),
        {
            "amount": "350.000.000",
            "paid_on": "02/06/2025",
            "voucher_number": "PC-002",
            "method": "cash",
        },
    )

    assert response.status_code == 400
    errors = response.context["payment_form"].errors["amount"]
    assert errors == [
        f"Household {household.code} would be paid 350.000.000 đ, more than the approved "
        "300.000.000 đ. Approve a supplementary plan first."
    ]
    assert errors[0] in response.text
    assert 'value="350.000.000"' in response.text  # what was typed stays in the form
    assert not Payment.objects.exists()
    household.refresh_from_db()
    assert household.paid_total == 0
    assert AuditEvent.objects.count() == before


def test_viewer_cannot_pay_or_change_anything(as_user, people, household):
    household = agreed(people, household, 300_000_000)
    client = as_user(people["viewer"])

    posts = {
        "household-payment-add": {"amount": "1.000", "paid_on": "02/06/2025",
                                  "voucher_number": "X", "method": "cash"},
        "household-inventory-add": {"category": "land", "description": "x", "quantity": "1",
                                    "unit": "m²", "unit_price": "1"},
        "household-member-add": {"full_name": "Người lạ"},
        "household-complaint-add": {"content": "x", "received_on": "01/06/2025"},
        "household-step": {"name": "disagree", "reason": "x"},
        "household-visit": {"visited_on": TODAY.isoformat(), "kind": "visit",
                            "outcome": "agreed", "discussed": "x"},
    }  # fmt: skip
    for name, data in posts.items():
        response = client.post(reverse(f"clearance:{name}", args=[household.pk]), data)
        assert response.status_code == 403, name

    assert not Payment.objects.exists()
    assert not Visit.objects.exists()
    assert HouseholdMember.objects.filter(household=household).count() == 1
    household.refresh_from_db()
    assert household.status == CaseStatus.AGREED


def test_hand_over_asks_for_the_date(as_user, people, household):
    household = agreed(people, household, 100_000_000)
    money.payments_record(
        [money.PaymentData(household, 100_000_000, date(2025, 6, 2), "PC-9")],
        actor=people["officer"],
    )
    household.refresh_from_db()
    url = reverse("clearance:household-step", args=[household.pk])
    client = as_user(people["officer"])

    no_date = client.post(url, {"name": "hand_over", "version": household.version}, follow=True)
    with_date = client.post(
        url, {"name": "hand_over", "version": household.version, "handed_over_on": "10/06/2025"}
    )

    household.refresh_from_db()
    assert "Enter the handover date." in no_date.text
    assert with_date.status_code == 302
    assert household.status == CaseStatus.HANDED_OVER
    assert household.handed_over_on == date(2025, 6, 10)


# --- Complaints ----------------------------------------------------------------------------------


def test_complaints_are_recorded_and_settled(as_user, people, household):
    client = as_user(people["officer"])
    client.post(
        reverse("clearance:household-complaint-add", args=[household.pk]),
        {"content": "Đơn giá đất thấp hơn thị trường", "received_on": "01/05/2025"},
    )
    complaint = household.complaints.get()
    url = reverse("clearance:household-complaint-update", args=[household.pk, complaint.pk])

    unexplained = client.post(url, {"status": "resolved"})
    settled = client.post(
        url, {"status": "resolved", "resolution": "Đã giải thích", "resolved_on": "05/05/2025"}
    )

    assert unexplained.status_code == 400
    assert "Write how the complaint was settled." in unexplained.text
    assert settled.status_code == 302
    household.refresh_from_db()
    assert household.open_complaints == 0


# --- The quick visit entry -----------------------------------------------------------------------


def test_visit_form_defaults_to_today_and_records_the_visit(as_user, people, household):
    client = as_user(people["officer"])
    url = reverse("clearance:household-visit", args=[household.pk])

    form_page = client.get(url)
    response = client.post(
        url,
        {
            "visited_on": TODAY.isoformat(),
            "kind": "visit",
            "outcome": "considering",
            "discussed": "Giải thích phương án bồi thường, gia đình xin thêm thời gian.",
            "next_step": "Mời dự họp dân",
            "follow_up_on": (TODAY + timedelta(days=7)).isoformat(),
            "participants": "Trưởng thôn",
        },
    )

    assert form_page.status_code == 200
    assert f'value="{TODAY.isoformat()}"' in form_page.text
    assert 'type="date"' in form_page.text
    assert response.status_code == 302
    visit = Visit.objects.get(household=household)
    assert visit.outcome == "considering"
    assert list(visit.officers.all()) == [people["officer"]]
    household.refresh_from_db()
    assert household.status == CaseStatus.PERSUADING
    page = client.get(detail_url(household))
    assert "Mời dự họp dân" in page.text


def test_visit_form_refuses_bad_input_inline(as_user, people, household):
    client = as_user(people["officer"])
    url = reverse("clearance:household-visit", args=[household.pk])

    future = client.post(
        url,
        {"visited_on": (TODAY + timedelta(days=2)).isoformat(), "kind": "visit",
         "outcome": "agreed", "discussed": "x"},
    )  # fmt: skip
    empty = client.post(url, {"visited_on": TODAY.isoformat(), "kind": "visit"})

    assert future.status_code == 400
    assert future.context["form"].errors["visited_on"] == [
        "Enter the date of the visit; it cannot be in the future."
    ]
    assert set(empty.context["form"].errors) == {"outcome", "discussed"}
    assert not Visit.objects.exists()
    assert client.get(reverse("clearance:household-visit", args=[household.pk])).status_code == 200
    assert as_user(people["viewer"]).get(url).status_code == 403


def test_page_shows_the_history_of_the_household(as_user, people, household):
    households.household_transition(
        household=household, name="start_persuading", actor=people["officer"]
    )

    response = as_user(people["viewer"]).get(detail_url(household))

    assert "History" in response.text
    assert "Status changed" in response.text


def test_a_step_that_would_be_refused_is_greyed_out_with_the_reason(as_user, people, household):
    household = agreed(people, household, 300_000_000)

    response = as_user(people["officer"]).get(detail_url(household))

    button = '<button type="submit" class="button" disabled aria-describedby="blocked-hand_over">'
    assert button in response.text
    assert "300.000.000 đ of the approved amount is still unpaid." in response.text
    assert 'name="handed_over_on"' not in response.text


def test_household_page_reads_a_fixed_number_of_queries(
    as_user, people, household, django_assert_max_num_queries
):
    household = agreed(people, household, 300_000_000)
    for index in range(4):
        money.payments_record(
            [money.PaymentData(household, 10_000_000, date(2025, 6, 2), f"PC-{index}")],
            actor=people["officer"],
        )
        households.member_add(
            household=household, full_name=f"Con {index}", actor=people["officer"]
        )
        households.complaint_add(
            household=household,
            content="Hỏi",
            received_on=date(2025, 6, 1),
            actor=people["officer"],
        )
    client = as_user(people["officer"])
    client.get(detail_url(household))

    with django_assert_max_num_queries(18):
        response = client.get(detail_url(household))

    assert response.status_code == 200
    assert "40.000.000 đ" in response.text  # the running total after the fourth payment
