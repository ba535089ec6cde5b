"""Nothing of a unit's reports and report templates leaks to a user of another unit, by any page
or API endpoint of the reports app, nor through the files' download links.

Routes are not listed by hand: every page pattern and every reports path of the OpenAPI schema
is tried, so a route added later is covered without touching this file.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from danvan.accounts.tests.factories import RoleGrantFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.config.api import api as ninja_api
from danvan.core import attachments
from danvan.core.models import Attachment, DocumentSequence
from danvan.reports import services
from danvan.reports import urls as report_urls
from danvan.reports.models import GeneratedReport, ReportStatus, ReportTemplate
from danvan.reports.tests.factories import CommissionFactory, ReportTemplateFactory

pytestmark = pytest.mark.django_db

SECRET = "Bí Mật Xã A"  # carried by every record of commune A, searched for in every answer


@pytest.fixture
def world(place, django_capture_on_commit_callbacks):
    _province, commune_a, commune_b = place
    officer = user_with_role("officer", commune_a)
    body = CommissionFactory(territory=commune_a, name=f"Ban Dân vận {SECRET}")
    template = ReportTemplateFactory(
        territory=commune_a, name=f"Mẫu {SECRET}", opening=f"Mở đầu {SECRET} {{period}}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_generate(
            organisation=body, kind="six_month", year=2025,
            issued_on=date(2025, 7, 5),
            signer_name=f"Ông {SECRET}", actor=officer,
        )  # fmt: skip
    failed = services.report_generate(
        organisation=body, kind="annual", year=2025,
        issued_on=date(2025, 12, 20), signer_name=f"Bà {SECRET}",
        actor=officer,
    )  # fmt: skip
    GeneratedReport.objects.filter(pk=failed.pk).update(status=ReportStatus.FAILED)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    outsider = user_with_role("leader", commune_b)
    for role in ("officer", "territory_admin", "viewer"):
        RoleGrantFactory(user=outsider, role=role, territory=commune_b)
    ids = {
        "pk": None,
        "report_id": report.pk,
        "template_id": template.pk,
    }
    owners = {"report": report.pk, "template": template.pk}
    return {"outsider": outsider, "insider": officer, "ids": ids, "owners": owners,
            "report": report, "failed": failed, "body": body}  # fmt: skip


def snapshot() -> tuple:
    return (
        AuditEvent.objects.exclude(action__in=["login", "view_personal"]).count(),
        list(GeneratedReport.objects.order_by("pk").values_list("status", "number", "job_id")),
        list(ReportTemplate.objects.order_by("pk").values_list("version", "title")),
        list(DocumentSequence.objects.values_list("last_number", flat=True)),
        Attachment.objects.count(),
    )


def page_routes():
    for pattern in report_urls.urlpatterns:
        yield pattern.name, re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))


def test_every_page_of_another_unit_is_not_found(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    tried = 0
    for name, params in page_routes():
        if not params:
            continue
        owner = "template" if name.startswith("template") else "report"
        pks = [world["owners"][owner]] + ([world["failed"].pk] if owner == "report" else [])
        for pk in pks:
            url = reverse(f"reports:{name}", kwargs={"pk": pk})
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code in {404, 405}, (method, url, response.status_code)
                assert SECRET not in response.content.decode(), (method, url)
                tried += 1
    assert tried >= 14
    assert snapshot() == before


def test_lists_and_forms_of_another_unit_show_nothing(client, world):
    client.force_login(world["outsider"])
    for name, params in page_routes():
        if params:
            continue
        response = client.get(reverse(f"reports:{name}"))
        assert response.status_code in {200, 302, 403, 405}, (name, response.status_code)
        assert SECRET not in response.content.decode(), name
    options = client.get(reverse("reports:organisation-options"), {"organisation_q": "bi mat"})
    assert SECRET not in options.content.decode()
    # Someone of commune A sees the same records.
    client.force_login(world["insider"])
    assert SECRET in client.get(reverse("reports:report-list")).content.decode()
    assert SECRET in client.get(reverse("reports:template-list")).content.decode()


def test_the_files_of_another_units_report_cannot_be_downloaded(client, world):
    files = list(attachments.attachments_for(world["report"]))
    assert len(files) == 2
    client.force_login(world["outsider"])

    for attachment in files:
        url = reverse("core:attachment-download", args=[attachment.pk])
        assert client.get(url).status_code == 404

    client.force_login(world["insider"])
    assert client.get(reverse("core:attachment-download", args=[files[0].pk])).status_code == 200


def test_generating_for_another_units_organisation_is_refused(client, world):
    client.force_login(world["outsider"])
    before = snapshot()

    response = client.post(
        reverse("reports:report-generate"),
        {"organisation": world["body"].pk, "kind": "six_month", "year": 2025,
         "issued_on": "05/07/2025", "signer_name": "Người ngoài"},
    )  # fmt: skip

    assert response.status_code == 400
    assert SECRET not in response.content.decode()
    assert snapshot() == before


def api_routes():
    schema = ninja_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/reports"):
            for method in operations:
                yield path, method


def test_every_api_endpoint_hides_another_units_records(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    bodies = {
        "/api/v1/reports/generate": {"organisation_id": world["body"].pk, "kind": "six_month",
                                     "year": 2025, "issued_on": "2025-07-05",
                                     "signer_name": "Người ngoài"},
        "/api/v1/reports/templates/{template_id}": {"name": "x", "kind": "annual",
                                                    "title": "Tổng kết {year}"},
        "/api/v1/reports/templates": {"name": "x", "kind": "annual", "title": "{year}",
                                      "territory_id": world["report"].territory_id},
    }  # fmt: skip
    tried = 0
    for path, method in api_routes():
        params = re.findall(r"{(\w+)}", path)
        url = path.format(**{p: world["ids"][p] for p in params})
        response = getattr(client, method)(
            url, data=bodies.get(path, {}), content_type="application/json"
        )
        if params:
            expected = {404} if method == "get" else {400, 403, 404, 405, 422}
            assert response.status_code in expected, (method, url, response.status_code)
        else:
            assert response.status_code != 500, (method, url)
        assert SECRET not in response.content.decode(), (method, url)
        tried += 1
    assert tried >= 7
    listed = client.get("/api/v1/reports").json()
    assert listed["count"] == 0
    assert snapshot() == before
