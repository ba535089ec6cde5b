"""Nothing of a unit leaks to a user of another unit, by any page, API endpoint, export or count.

The routes are not listed by hand: every pattern of the clearance pages and every clearance path
of the OpenAPI schema is tried, so a route added later is covered without touching this file.
"""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import RoleGrantFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance import urls as clearance_urls
from danvan.clearance.models import (
    CaseStatus,
    Complaint,
    Household,
    HouseholdMember,
    InventoryItem,
    Payment,
    Phase,
    Plot,
    RecoveryDecision,
)
from danvan.clearance.services import households, money
from danvan.clearance.services.money import InventoryLine, PaymentData
from danvan.clearance.tests.factories import (
    CampaignFactory,
    DonationFactory,
    HouseholdFactory,
    ProjectFactory,
    TaskForceFactory,
)
from danvan.config.api import api as ninja_api

pytestmark = pytest.mark.django_db

SECRET = "Bí Mật Xã A"  # carried by every record of commune A, searched for in every answer


@pytest.fixture
def world(place):
    _province, commune_a, commune_b = place
    officer = user_with_role("officer", commune_a)
    leader = user_with_role("leader", commune_a)
    task_force = TaskForceFactory(territory=commune_a, name=f"Tổ {SECRET}")
    project = ProjectFactory(territory=commune_a, name=f"Dự án {SECRET}", task_force=task_force)
    household = HouseholdFactory(project=project, head_name=f"Ông {SECRET}",
                                 status=CaseStatus.INVENTORY_DONE)  # fmt: skip
    plan = money.plan_create(household, lines={"land": 80_000_000}, actor=officer)
    money.plans_approve([plan], decision_number="9/QĐ-UBND", approved_on=date(2025, 4, 1),
                        actor=leader)  # fmt: skip
    household = households.household_transition(household=household, name="agree", actor=leader)
    money.payments_record([PaymentData(household, 30_000_000, date(2025, 4, 2), "PC-A1")],
                          actor=officer)  # fmt: skip
    draft = money.plan_create(household, lines={"support": 5_000_000}, kind="supplementary",
                              actor=officer)  # fmt: skip
    money.inventory_add(household, [InventoryLine("land", "Đất ở", Decimal("80"), 1_000_000)],
                        actor=officer)  # fmt: skip
    households.member_add(household=household, full_name=f"Bà {SECRET}", actor=officer)
    households.plot_save(
        household=household,
        data=households.PlotData("12", "345", Decimal("200"), Decimal("80")),
        actor=officer,
    )
    households.complaint_add(household=household, content=f"Khiếu nại {SECRET}",
                             received_on=date(2025, 4, 3), actor=officer)  # fmt: skip
    RecoveryDecision.objects.create(
        project=project, number="77/QĐ-UBND", signed_on=date(2025, 1, 2)
    )
    Phase.objects.create(project=project, name=f"Giai đoạn {SECRET}")
    campaign = CampaignFactory(territory=commune_a, name=f"Đợt {SECRET}", projects=[project])
    donation = DonationFactory(territory=commune_a, donor_name=f"Hộ {SECRET}", project=project)
    # The outsider holds every role, but only over commune B.
    outsider = user_with_role("leader", commune_b)
    for role in ("officer", "territory_admin", "reviewer", "viewer"):
        RoleGrantFactory(user=outsider, role=role, territory=commune_b)
    ids = {
        "pk": None,
        "decision_pk": project.decisions.get().pk,
        "phase_pk": project.phases.get().pk,
        "member_pk": HouseholdMember.objects.get().pk,
        "plot_pk": Plot.objects.get().pk,
        "item_pk": InventoryItem.objects.get().pk,
        "plan_pk": draft.pk,
        "payment_pk": Payment.objects.get().pk,
        "complaint_pk": Complaint.objects.get().pk,
        "fmt": "xlsx",
        # The API's names for the same things.
        "project_id": project.pk,
        "household_id": household.pk,
        "decision_id": project.decisions.get().pk,
        "phase_id": project.phases.get().pk,
        "member_id": HouseholdMember.objects.get().pk,
        "plot_id": Plot.objects.get().pk,
        "item_id": InventoryItem.objects.get().pk,
        "plan_id": draft.pk,
        "payment_id": Payment.objects.get().pk,
        "complaint_id": Complaint.objects.get().pk,
        "task_force_id": task_force.pk,
        "campaign_id": campaign.pk,
        "donation_id": donation.pk,
    }
    owners = {
        "project": project.pk, "household": household.pk, "taskforce": task_force.pk,
        "campaign": campaign.pk, "donation": donation.pk, "export-payments": project.pk,
        "export-compensation": project.pk, "export-households": project.pk,
    }  # fmt: skip
    return {
        "outsider": outsider, "insider": officer, "ids": ids, "owners": owners,
        "household": household,
    }  # fmt: skip


def text_of(response) -> str:
    """What a person would read in the answer, spreadsheets included."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an XLSX (zip) file
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return " ".join(
            str(cell)
            for name in book.sheet_names
            for row in book.get_sheet_by_name(name).to_python()
            for cell in row
        )
    return content.decode("utf-8", errors="replace")


def snapshot() -> tuple:
    return (
        AuditEvent.objects.exclude(action="login").count(),
        list(Household.objects.values_list("status", "paid_total", "approved_total", "version")),
        Payment.objects.count(),
    )


def page_routes():
    for pattern in clearance_urls.urlpatterns:
        yield pattern.name, re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))


def test_every_page_and_export_of_another_unit_is_not_found(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    tried = 0
    for name, params in page_routes():
        if not params:
            continue
        owner = next(key for key in world["owners"] if name.startswith(key))
        kwargs = {p: world["ids"][p] for p in params}
        kwargs["pk"] = world["owners"][owner]
        url = reverse(f"clearance:{name}", kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in {404, 405}, (method, url, response.status_code)
            assert SECRET not in text_of(response), (method, url)
            tried += 1
    assert tried > 60
    assert snapshot() == before


def test_lists_boards_exports_and_counts_of_another_unit_show_nothing(client, world):
    client.force_login(world["outsider"])
    for name, params in page_routes():
        if params:
            continue
        response = client.get(reverse(f"clearance:{name}"))
        assert response.status_code in {200, 302, 405}, (name, response.status_code)
        assert SECRET not in text_of(response), name
    figures = client.get("/api/v1/clearance/dashboard").json()["totals"]
    assert (figures["projects"], figures["households"], figures["paid_total"]) == (0, 0, 0)
    assert figures["donations"] == 0
    # Searching for the secret (without accents: search ignores them, the echo has none) finds
    # nothing either.
    for url in ("clearance:project-list", "clearance:donation-list"):
        response = client.get(reverse(url), {"q": "bi mat xa a"})
        assert SECRET not in text_of(response)
    # The same searches do find the records for someone of commune A.
    client.force_login(world["insider"])
    for url in ("clearance:project-list", "clearance:donation-list"):
        assert SECRET in text_of(client.get(reverse(url), {"q": "bi mat xa a"}))


def api_routes():
    schema = ninja_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/clearance"):
            for method in operations:
                yield path, method


def test_every_api_endpoint_hides_another_units_records(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    ids = world["ids"]
    household = world["household"]
    bodies = {
        "/api/v1/clearance/households/payments": {
            "payments": [{"household_id": household.pk, "amount": 1000, "paid_on": "2025-05-01",
                          "voucher_number": "X-1"}]
        },
        "/api/v1/clearance/households/plans/approve": {
            "plan_ids": [ids["plan_id"]], "decision_number": "1/QĐ", "approved_on": "2025-05-01",
        },
    }  # fmt: skip
    tried = 0
    for path, method in api_routes():
        params = re.findall(r"{(\w+)}", path)
        url = path.format(**{p: ids[p] for p in params})
        response = getattr(client, method)(
            url, data=bodies.get(path, {}), content_type="application/json"
        )
        if params:
            expected = {404} if method == "get" else {400, 404, 405, 422}
            assert response.status_code in expected, (method, url, response.status_code)
        else:
            assert response.status_code not in {500}, (method, url)
        assert SECRET not in response.content.decode(), (method, url)
        tried += 1
    assert tried > 40
    assert snapshot() == before
