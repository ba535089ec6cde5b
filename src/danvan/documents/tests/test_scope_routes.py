"""Nothing of a unit's document register leaks to a user of another unit, by any page, API
endpoint, count or export. Routes are discovered, so one added later is covered too."""

import io
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import RoleGrantFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.config.api import api as ninja_api
from danvan.documents import services
from danvan.documents import urls as document_urls
from danvan.documents.models import DocumentRelation, GuidanceDocument, RelationKind
from danvan.documents.tests.factories import GuidanceDocumentFactory

pytestmark = pytest.mark.django_db

SECRET = "Bí Mật Xã A"


@pytest.fixture
def world(place):
    _province, commune_a, commune_b = place
    insider = user_with_role("officer", commune_a)
    document = GuidanceDocumentFactory(
        issuer=insider.organisation, title=f"Hướng dẫn {SECRET}", signer=f"Ông {SECRET}"
    )
    other = GuidanceDocumentFactory(issuer=insider.organisation, title=f"Kế hoạch {SECRET}")
    relation = services.document_relate(
        source=document, target=other, kind=RelationKind.IMPLEMENTS, actor=insider
    )
    outsider = user_with_role("leader", commune_b)
    for role in ("officer", "territory_admin", "reviewer", "viewer"):
        RoleGrantFactory(user=outsider, role=role, territory=commune_b)
    ids = {"pk": document.pk, "document_id": document.pk, "relation_id": relation.pk}
    return {"insider": insider, "outsider": outsider, "ids": ids, "other": other}


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
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
        AuditEvent.objects.exclude(action__in=["login", "view_personal"]).count(),
        list(GuidanceDocument.objects.order_by("pk").values_list("version", "validity")),
        DocumentRelation.objects.count(),
    )


def test_every_page_of_another_units_document_is_not_found(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    tried = 0
    for pattern in document_urls.urlpatterns:
        params = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
        if not params:
            continue
        url = reverse(f"documents:{pattern.name}", kwargs={p: world["ids"][p] for p in params})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in {404, 405}, (method, url, response.status_code)
            assert SECRET not in text_of(response), (method, url)
            tried += 1
    assert tried >= 12
    assert snapshot() == before


def test_lists_counts_and_exports_of_another_unit_show_nothing(client, world):
    client.force_login(world["outsider"])
    for pattern in document_urls.urlpatterns:
        if "<" in str(pattern.pattern):
            continue
        for query in ({}, {"q": "bi mat"}, {"issuer_name": "hoi phu nu"}):
            response = client.get(reverse(f"documents:{pattern.name}"), query)
            assert response.status_code in {200, 302, 405}, (pattern.name, response.status_code)
            assert SECRET not in text_of(response), pattern.name
    assert client.get("/api/v1/documents/counts").json()["total"] == 0
    assert client.get("/api/v1/documents", {"q": "bi mat"}).json()["count"] == 0
    # Someone of commune A finds the same documents with the same search.
    client.force_login(world["insider"])
    assert SECRET in text_of(client.get(reverse("documents:document-list"), {"q": "bi mat"}))


def test_every_api_endpoint_hides_another_units_documents(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    bodies = {"/api/v1/documents/{document_id}/relations": {"target_id": world["other"].pk,
                                                             "kind": "amends"}}  # fmt: skip
    tried = 0
    for path, operations in ninja_api.get_openapi_schema()["paths"].items():
        if not path.startswith("/api/v1/documents"):
            continue
        for method in operations:
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
    assert tried >= 9
    assert snapshot() == before
