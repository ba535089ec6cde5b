import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.reports.models import GeneratedReport, ReportStatus
from danvan.reports.tests.factories import (
    CommissionFactory,
    GeneratedReportFactory,
    ReportTemplateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commission(place):
    return CommissionFactory(territory=place[0])


def test_generate_form_creates_the_report_and_the_page_offers_both_files(
    client, commission, people, django_capture_on_commit_callbacks
):
    client.force_login(people["officer"])
    form = client.get(reverse("reports:report-generate"))
    assert commission.name in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report-generate"),
            {
                "organisation": commission.pk,
                "kind": "six_month",
                "year": timezone.localdate().year,
                "issued_on": timezone.localdate().strftime("%d/%m/%Y"),
                "signer_name": "Trần Quang Vinh",
            },
        )

    report = GeneratedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report-detail", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="download-docx"' in page
    assert 'id="download-pdf"' in page
    assert "Số 1-BC/BTGDVTU" in page


def test_generate_form_shows_errors_and_creates_nothing(client, commission, people):
    client.force_login(people["officer"])

    response = client.post(
        reverse("reports:report-generate"),
        {"organisation": commission.pk, "kind": "six_month", "year": timezone.localdate().year,
         "issued_on": "31/02/2025", "signer_name": ""},
    )  # fmt: skip

    assert response.status_code == 400
    assert not GeneratedReport.objects.exists()


def test_a_queued_report_polls_its_status_and_a_finished_one_stops(client, commission, people):
    client.force_login(people["officer"])
    report = GeneratedReportFactory(organisation=commission)

    pending = client.get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    GeneratedReport.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error="Lỗi X")
    finished = client.get(
        reverse("reports:report-status", args=[report.pk]), headers={"HX-Request": "true"}
    )

    assert 'hx-trigger="every 1s"' in pending
    assert finished.status_code == 200
    assert 'hx-trigger="every 1s"' not in finished.content.decode()
    assert "Lỗi X" in finished.content.decode()
    assert finished["HX-Refresh"] == "true"


def test_report_list_filters_and_keeps_a_fixed_number_of_queries(
    client, place, commission, people, django_assert_max_num_queries
):
    client.force_login(people["officer"])
    for year in (2024, 2025, 2025):
        GeneratedReportFactory(organisation=commission, year=year)
    other = CommissionFactory(territory=place[1])
    GeneratedReportFactory(organisation=other, year=2025)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:report-list"), {"year": 2025})
    by_unit = client.get(reverse("reports:report-list"), {"territory": place[1].pk})

    assert response.context["page"].paginator.count == 3
    assert by_unit.context["page"].paginator.count == 1


def test_template_form_refuses_an_unknown_placeholder(client, place, people):
    client.force_login(people["admin"])
    template = ReportTemplateFactory(territory=place[0])

    response = client.post(
        reverse("reports:template-edit", args=[template.pk]),
        {"name": template.name, "kind": "six_month", "territory": place[0].pk,
         "title": "Sơ kết {ky_bao_cao}", "version": template.version, "is_active": "on"},
    )  # fmt: skip

    assert response.status_code == 400
    assert "{ky_bao_cao}" in response.content.decode()
    template.refresh_from_db()
    assert template.version == 1


def test_template_pages_for_an_administrator(client, place, people):
    client.force_login(people["admin"])

    listing = client.get(reverse("reports:template-list"))
    created = client.post(
        reverse("reports:template-create"),
        {"name": "Mẫu tỉnh", "kind": "annual", "territory": place[0].pk,
         "title": "Tổng kết {period}", "is_active": "on", "include_plans": "on"},
    )  # fmt: skip

    assert listing.status_code == 200
    assert created.status_code == 302
    assert "Mẫu tỉnh" in client.get(reverse("reports:template-list")).content.decode()


def test_viewer_cannot_open_the_generate_form(client, people):
    client.force_login(people["viewer"])

    assert client.get(reverse("reports:report-generate")).status_code == 403


def test_territory_admin_is_offered_the_generate_form(client, people):
    # The provincial administrator runs the province's reporting like the other domains' data.
    client.force_login(people["admin"])

    listing = client.get(reverse("reports:report-list")).content.decode()

    assert reverse("reports:report-generate") in listing
    assert client.get(reverse("reports:report-generate")).status_code == 200


def test_report_page_reads_a_fixed_number_of_queries(
    client, commission, people, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(people["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:report-generate"),
            {"organisation": commission.pk, "kind": "annual", "year": timezone.localdate().year,
             "issued_on": timezone.localdate().strftime("%d/%m/%Y"), "signer_name": "Ông A"},
        )  # fmt: skip
    report = GeneratedReport.objects.get()

    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:report-detail", args=[report.pk]))

    assert response.status_code == 200
    assert "Số 1-BC/BTGDVTU" in response.content.decode()
