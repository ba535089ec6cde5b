from decimal import Decimal

import pytest
from django.urls import reverse

from danvan.core.errors import DomainError
from danvan.core.imports import services as imports
from danvan.core.models import ImportBatch, ImportStatus
from danvan.core.tests.import_helpers import upload
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import Indicator, PlanStatus
from danvan.plans.tests.factories import IndicatorFactory, PlanFactory

pytestmark = pytest.mark.django_db

TITLE = [["BAN DÂN VẬN TỈNH ỦY"], ["BẢNG CHỈ TIÊU KẾ HOẠCH NĂM 2025"], []]
HEADERS = ["STT", "Chỉ tiêu", "Mã", "ĐVT", "Chỉ tiêu kế hoạch", "Cách tính"]


def messy_rows() -> list[list]:
    return [
        HEADERS,
        [1, "  Số mô hình “Dân vận khéo” được công nhận ", "Mô hình công nhận", "mô hình",
         "1.250", "Đếm quyết định công nhận"],
        [2, "Tỷ lệ kiến nghị trả lời đúng hạn", "", "%", "95,5%", ""],
        [3, "Hội nghị đối thoại", "hoi-nghi", "cuộc", 48, None],
        [None, None, None, None, None, None],
        [4, "Lớp tập huấn công tác dân vận", "tap-huan", "lớp", "", "Theo báo cáo"],
    ]  # fmt: skip


@pytest.fixture
def plan(place):
    return PlanFactory(organisation=OrganisationFactory(territory=place[0]), year=2025)


def run(client, plan, rows, capture) -> ImportBatch:
    with capture(execute=True):
        response = client.post(
            reverse("plans:indicator-import", args=[plan.pk]),
            {"file": upload(rows, title_rows=TITLE)},
        )
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportBatch.objects.latest("pk")


def commit(client, batch, capture) -> ImportBatch:
    with capture(execute=True):
        client.post(reverse("core:import-commit", args=[batch.pk]))
    batch.refresh_from_db()
    return batch


def test_messy_sheet_imports_indicators_into_the_plan(
    client, plan, people, django_capture_on_commit_callbacks
):
    existing = IndicatorFactory(plan=plan, code="hoi-nghi", name="Hội nghị", target_value=10)
    client.force_login(people["officer"])

    batch = run(client, plan, messy_rows(), django_capture_on_commit_callbacks)
    assert batch.status == ImportStatus.VALIDATED, batch.errors or batch.message
    batch = commit(client, batch, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.COMMITTED, batch.message
    assert (batch.created_count, batch.updated_count) == (3, 1)
    rows = {i.name: i for i in Indicator.objects.filter(plan=plan)}
    models = rows["Số mô hình “Dân vận khéo” được công nhận"]
    assert (models.code, models.unit, models.target_value) == (
        "mo-hinh-cong-nhan",
        "mô hình",
        Decimal(1250),
    )
    assert models.measurement == "Đếm quyết định công nhận"
    assert rows["Tỷ lệ kiến nghị trả lời đúng hạn"].target_value == Decimal("95.5")
    assert rows["Lớp tập huấn công tác dân vận"].target_value is None
    existing.refresh_from_db()
    assert (existing.name, existing.target_value) == ("Hội nghị đối thoại", 48)


def test_a_bad_row_imports_nothing_and_names_the_cell(
    client, plan, people, django_capture_on_commit_callbacks
):
    rows = messy_rows()
    rows[2][4] = "chín mươi"
    rows[3][3] = None  # the unit is required
    client.force_login(people["officer"])

    batch = run(client, plan, rows, django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.INVALID
    assert batch.error_count == 2
    assert not Indicator.objects.filter(plan=plan).exists()
    with pytest.raises(DomainError):
        imports.import_commit_request(batch=batch, actor=people["officer"])


def test_approved_plan_refuses_an_import(client, plan, people, django_capture_on_commit_callbacks):
    plan.status = PlanStatus.APPROVED
    plan.save()
    client.force_login(people["officer"])

    batch = run(client, plan, messy_rows(), django_capture_on_commit_callbacks)

    assert batch.status == ImportStatus.INVALID
    assert not Indicator.objects.filter(plan=plan).exists()


def test_import_of_another_provinces_plan_is_not_found(client, plan, people):
    client.force_login(people["outsider"])

    response = client.post(
        reverse("plans:indicator-import", args=[plan.pk]), {"file": upload(messy_rows())}
    )

    assert response.status_code == 404
    assert not ImportBatch.objects.exists()
