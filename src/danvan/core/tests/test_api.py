import uuid

import pytest

from danvan.accounts.tests.factories import user_with_role
from danvan.core.models import Job, JobStatus
from danvan.core.roles import Role
from danvan.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client):
    user = user_with_role(Role.OFFICER, CommuneFactory())
    client.force_login(user)
    return user


def test_openapi_schema_and_docs_page_load(client, officer):
    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/organisations/{organisation_id}", "/api/v1/me", "/api/v1/audit/events"} <= set(
        paths
    )
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content
    # Swagger UI comes from the installed package's static files, never from a CDN.
    assert b"ninja/swagger-ui-bundle.js" in docs.content
    assert b"cdn" not in docs.content.lower()


def test_own_job_shows_status_progress_and_error(client, officer):
    job = Job.objects.create(
        kind="import",
        title="Nhập tổ chức",
        created_by=officer,
        status=JobStatus.FAILED,
        progress_done=40,
        progress_total=80,
        error="Dòng 12: thiếu tên",
    )

    response = client.get(f"/api/v1/jobs/{job.pk}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_label"], body["percent"]) == ("failed", "Failed", 50)
    assert body["error"] == "Dòng 12: thiếu tên"
    assert body["is_finished"] is True
    assert body["result_file"] is None


def test_someone_elses_job_is_404(client, officer):
    other = user_with_role(Role.OFFICER, CommuneFactory())
    job = Job.objects.create(kind="export", title="Xuất", created_by=other)

    theirs = client.get(f"/api/v1/jobs/{job.pk}")
    missing = client.get(f"/api/v1/jobs/{uuid.uuid4()}")

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["code"] == "not_found"


def test_unparsable_json_is_a_400_in_the_shared_format(client, officer):
    response = client.post(
        "/api/v1/tokens", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "The request body is not valid JSON.",
        "details": None,
    }


def test_page_size_is_capped(client, officer):
    response = client.get("/api/v1/tokens", {"page_size": 10_000})

    assert response.json()["page_size"] == 200
