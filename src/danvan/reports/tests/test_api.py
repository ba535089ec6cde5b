import pytest

from danvan.accounts.tests.factories import user_with_role
from danvan.reports.models import GeneratedReport, ReportStatus, ReportTemplate
from danvan.reports.tests.factories import CommissionFactory, ReportTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commission(place):
    return CommissionFactory(territory=place[0])


def generate_body(organisation, **changes) -> dict:
    return {
        "organisation_id": organisation.pk,
        "kind": "six_month",
        "year": 2025,
        "issued_on": "2025-07-05",
        "signer_name": "Trần Quang Vinh",
    } | changes


def test_generate_answers_202_and_the_report_then_lists_its_files(
    api, commission, people, django_capture_on_commit_callbacks
):
    client = api(people["officer"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/reports/generate", generate_body(commission), content_type="application/json"
        )

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["number_label"] == "Số 1-BC/BTGDVTU"
    detail = client.get(f"/api/v1/reports/{body['report_id']}").json()
    assert detail["status"] == ReportStatus.DONE
    assert detail["job"]["id"] == body["job_id"]
    assert sorted(f["kind"] for f in detail["files"]) == ["docx", "pdf"]
    download = client.get(detail["files"][0]["url"])
    assert download.status_code == 200
    listed = client.get("/api/v1/reports", {"year": 2025}).json()
    assert [row["id"] for row in listed["items"]] == [body["report_id"]]


def test_generate_for_an_organisation_out_of_scope_is_refused_and_numbers_nothing(
    api, commission, people
):
    client = api(people["outsider"])

    response = client.post(
        "/api/v1/reports/generate", generate_body(commission), content_type="application/json"
    )

    assert response.status_code == 422
    assert not GeneratedReport.objects.exists()


def test_bad_date_is_a_clear_400(api, commission, people):
    client = api(people["officer"])

    response = client.post(
        "/api/v1/reports/generate",
        generate_body(commission, issued_on="2029-01-01"),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["message"]


def test_templates_can_be_read_and_updated_with_placeholder_checks(api, place, people):
    template = ReportTemplateFactory(territory=place[0])
    client = api(people["admin"])
    body = {
        "name": template.name,
        "kind": "six_month",
        "territory_id": place[0].pk,
        "title": "Sơ kết {nam}",
        "version": template.version,
    }

    refused = client.put(
        f"/api/v1/reports/templates/{template.pk}", body, content_type="application/json"
    )
    body["title"] = "Sơ kết {period}"
    saved = client.put(
        f"/api/v1/reports/templates/{template.pk}", body, content_type="application/json"
    )
    stale = client.put(
        f"/api/v1/reports/templates/{template.pk}", body, content_type="application/json"
    )

    assert refused.status_code == 400
    assert "{nam}" in refused.json()["message"]
    assert saved.status_code == 200
    assert saved.json()["version"] == 2
    assert stale.status_code == 409
    listed = client.get("/api/v1/reports/templates").json()
    assert template.pk in [row["id"] for row in listed]
    assert client.get(f"/api/v1/reports/templates/{template.pk}").json()["title"] == (
        "Sơ kết {period}"
    )


def test_a_provincial_admin_may_read_but_not_change_nationwide_templates(api, people):
    nationwide = ReportTemplate.objects.filter(territory__isnull=True).first()
    client = api(people["admin"])
    body = {"name": "x", "kind": "annual", "title": "Tổng kết {year}"}

    assert client.get(f"/api/v1/reports/templates/{nationwide.pk}").status_code == 200
    response = client.put(
        f"/api/v1/reports/templates/{nationwide.pk}", body, content_type="application/json"
    )

    assert response.status_code == 403
    nationwide.refresh_from_db()
    assert nationwide.name != "x"


def test_a_system_admin_changes_a_nationwide_template(api):
    nationwide = ReportTemplate.objects.filter(territory__isnull=True).first()
    client = api(user_with_role("system_admin"))
    body = {"name": "Mẫu chung", "kind": nationwide.kind, "title": "Báo cáo {period}"}

    response = client.put(
        f"/api/v1/reports/templates/{nationwide.pk}", body, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["territory"] is None


def test_placeholders_are_documented(api, people):
    names = [
        p["name"]
        for p in api(people["viewer"]).get("/api/v1/reports/templates/placeholders").json()
    ]

    assert names == ["organisation", "unit", "year", "period", "next_period", "date"]


def test_a_failed_report_is_queued_again_over_the_api(
    api, commission, people, django_capture_on_commit_callbacks
):
    client = api(people["officer"])
    created = client.post(
        "/api/v1/reports/generate", generate_body(commission), content_type="application/json"
    ).json()
    GeneratedReport.objects.filter(pk=created["report_id"]).update(status=ReportStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/reports/{created['report_id']}/retry")
    again = client.post(f"/api/v1/reports/{created['report_id']}/retry")

    assert response.status_code == 202
    assert response.json()["number_label"] == created["number_label"]
    assert response.json()["job_id"] != created["job_id"]
    assert again.status_code == 400
    assert GeneratedReport.objects.get().status == ReportStatus.DONE
