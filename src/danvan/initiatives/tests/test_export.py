import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import RoleGrantFactory, UserFactory, user_with_role
from danvan.core import current_territory
from danvan.core.models import Job, JobStatus
from danvan.initiatives.models import (
    Indicator,
    IndicatorKind,
    Level,
    Recognition,
    Status,
    Tag,
)
from danvan.initiatives.tests.factories import InitiativeFactory
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = reverse("initiatives:initiative-export")
LIST_URL = reverse("initiatives:initiative-list")


@pytest.fixture
def models(place):
    _province, commune_a, commune_b = place
    union_a = OrganisationFactory(territory=commune_a, name="Hội Nông dân phường Đông Triều")
    union_b = OrganisationFactory(territory=commune_b, name="Hội Nông dân xã Quảng Hà")
    recognised = InitiativeFactory(
        name="Đường hoa khu phố",
        organisation=union_a,
        year=2025,
        status=Status.RECOGNISED,
        level=Level.COMMUNE,
        score=Decimal("86.50"),
    )
    kinds = {k.code: k for k in IndicatorKind.objects.all()}
    Indicator.objects.create(
        initiative=recognised, kind=kinds["money_mobilised"], value=Decimal(1_234_567_890)
    )
    Indicator.objects.create(initiative=recognised, kind=kinds["households"], value=120)
    Indicator.objects.create(initiative=recognised, kind=kinds["road_km"], value=Decimal("3.5"))
    recognised.tags.add(
        Tag.objects.create(name="giao thông", search_name="giao thong"),
        Tag.objects.create(name="hiến đất", search_name="hien dat"),
    )
    Recognition.objects.create(
        initiative=recognised, level=Level.COMMUNE, year=2025, decision_number="12/QĐ-UBND",
        decision_date=date(2025, 11, 20), issuer=union_a, territory=commune_a,
        subject=recognised.subject, kind=recognised.kind, field=recognised.field,
    )  # fmt: skip
    older = InitiativeFactory(name="Tổ tự quản an ninh", organisation=union_a, year=2024)
    other = InitiativeFactory(name="Mô hình xã Quảng Hà", organisation=union_b, year=2025)
    return {"recognised": recognised, "older": older, "other": other}


def sheet_rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def table(rows: list[list]) -> tuple[list, list[dict]]:
    """The header row and the data rows (as dicts by header) below the title lines."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Name")
    header = rows[start]
    return header, [dict(zip(header, row, strict=True)) for row in rows[start + 1 :]]


def download(client, query: str = "") -> list[dict]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return table(sheet_rows(b"".join(response.streaming_content)))[1]


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    return [m.name for m in response.context["page"].object_list]


@pytest.mark.parametrize("query", ["", "year=2025", "q=duong+hoa", "status=draft", "sort=name"])
def test_export_has_exactly_the_rows_of_the_list_for_the_same_filters(client, place, models, query):
    client.force_login(user_with_role("officer", place[1]))

    exported = [row["Name"] for row in download(client, query)]

    assert exported == listed(client, query)
    assert "Mô hình xã Quảng Hà" not in exported  # another commune's model


def test_columns_hold_typed_values_and_money_as_whole_numbers(client, place, models):
    client.force_login(user_with_role("officer", place[1]))

    rows = download(client, "year=2025")

    assert len(rows) == 1
    row = rows[0]
    assert row["Model or exemplar"] == "Model"
    assert row["Subject"] == "Collective"
    assert row["Organisation"] == "Hội Nông dân phường Đông Triều"
    assert row["Field"] == "Economy"
    assert row["Unit"] == "Phường Đông Triều"
    assert row["Province"] == "Tỉnh Quảng Ninh"
    assert row["Year"] == 2025
    assert row["Status"] == "Recognised"
    assert row["Recognised level"] == "Commune level"
    assert row["Score"] == 86.5
    money = row["Money mobilised (VND)"]
    assert isinstance(money, (int, float))
    assert money == 1_234_567_890
    assert row["Households taking part (hộ)"] == 120
    assert row["Roads built or repaired (km)"] == 3.5
    assert row["Land donated (m²)"] in ("", None)
    assert row["Keywords"] == "giao thông, hiến đất"
    assert row["Recognition decision"] == "12/QĐ-UBND, 20/11/2025"


def test_current_unit_of_the_header_narrows_the_export_like_the_list(client, place, models):
    province, _commune_a, commune_b = place
    client.force_login(user_with_role("officer", province))
    session = client.session
    session[current_territory.SESSION_KEY] = commune_b.pk
    session.save()

    exported = [row["Name"] for row in download(client)]

    assert exported == ["Mô hình xã Quảng Hà"]
    assert exported == listed(client)


def test_large_export_becomes_a_job_whose_file_has_only_rows_in_scope(
    client, place, models, settings, django_capture_on_commit_callbacks
):
    settings.DANVAN_EXPORT_INLINE_ROWS = 0
    officer = user_with_role("officer", place[1])
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL)

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job-detail", args=[job.pk])
    assert job.created_by == officer
    assert job.status == JobStatus.SUCCEEDED, job.error
    with job.result_file.open("rb") as handle:
        header, rows = table(sheet_rows(handle.read()))
    assert "Money mobilised (VND)" in header
    assert sorted(row["Name"] for row in rows) == ["Tổ tự quản an ninh", "Đường hoa khu phố"]
    assert job.result["rows"] == 2


def test_user_without_the_view_right_cannot_export(client, place, models):
    # A grant narrowed to another work area gives no right over the models.
    user = UserFactory(organisation=OrganisationFactory(territory=place[1]))
    RoleGrantFactory(user=user, role="officer", territory=place[1], domain="clearance")
    client.force_login(user)

    assert client.get(URL).status_code == 403
