"""The statistics export: an XLSX that opens with python-calamine and holds the page's numbers."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import user_with_role
from danvan.core.models import Job
from danvan.core.roles import Role
from danvan.dialogues.tests.factories import PetitionFactory
from danvan.territories.tests.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def sheet(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def make(territory, day: date, status: str, answered_hours: float | None = None, **extra):
    received = timezone.make_aware(datetime.combine(day, time(8)))
    answered = received + timedelta(hours=answered_hours) if answered_hours is not None else None
    return PetitionFactory(
        territory=territory,
        received_at=received,
        deadline=day + timedelta(days=15),
        status=status,
        answered_at=answered,
        **extra,
    )


@pytest.fixture
def petitions(place):
    _province, a, b = place
    make(a, date(2026, 1, 5), "answered", 24, satisfaction="satisfied")
    make(a, date(2026, 1, 5), "closed", 24 * 20)
    make(a, date(2026, 1, 5), "received")
    make(b, date(2026, 2, 5), "closed", 24 * 3, satisfaction="dissatisfied")
    make(b, date(2026, 2, 5), "spam")
    return place


def test_xlsx_holds_the_page_numbers(petitions, api):
    province, _a, _b = petitions
    client = api(user_with_role(Role.OFFICER, province))

    page = client.get(reverse("dialogues:statistics"))
    response = client.get(reverse("dialogues:statistics-export"))

    assert response.status_code == 200
    rows = sheet(response)
    header = rows[2]
    data = {row[0]: dict(zip(header, row, strict=True)) for row in rows[3:]}
    for shown in page.context["data"].rows:
        figures = shown.figures
        line = data[shown.label]
        assert line["Received"] == figures.received
        assert line["Answered on time"] == figures.on_time
        assert line["Answered late"] == figures.late
        assert line["Overdue now"] == figures.overdue
    total = data["Total"]
    totals = page.context["totals"]
    assert total["Received"] == totals.received == 4
    assert total["Satisfied"] == 1
    assert total["Not satisfied"] == 1
    assert round(total["90th percentile response days"], 1) == float(totals.p90_days)
    assert round(total["On time (%)"] * 100, 1) == float(totals.on_time_rate)


def test_export_by_channel_keeps_the_filters(petitions, api):
    province, _a, _b = petitions
    client = api(user_with_role(Role.OFFICER, province))

    response = client.get(
        reverse("dialogues:statistics-export"),
        {"group_by": "channel", "date_from": "01/02/2026"},
    )

    rows = sheet(response)
    assert "01/02/2026" in rows[1][0]
    assert rows[2][0] == "Channel"
    assert rows[-1][0] == "Total"
    assert rows[-1][1] == 1


def test_export_outside_scope_is_not_found(petitions, api):
    province, _a, _b = petitions
    outsider = user_with_role(Role.OFFICER, ProvinceFactory())

    response = api(outsider).get(reverse("dialogues:statistics-export"), {"territory": province.pk})

    assert response.status_code == 404


@override_settings(DANVAN_EXPORT_INLINE_ROWS=1)
def test_large_export_becomes_a_job(petitions, api):
    province, _a, _b = petitions
    client = api(user_with_role(Role.OFFICER, province))

    response = client.get(reverse("dialogues:statistics-export"))

    assert response.status_code == 302
    job = Job.objects.get()
    assert job.params["export"] == "dialogues.statistics"
