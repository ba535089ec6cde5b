from datetime import date

import pytest
from django.urls import reverse

from danvan.accounts.tests.factories import user_with_role
from danvan.documents.models import DocumentRelation, GuidanceDocument, Validity
from danvan.documents.tests.factories import GuidanceDocumentFactory, doc_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(place):
    return user_with_role("officer", place[1])


def form_data(officer, **overrides):
    values = {
        "number_symbol": "7-KH/ĐU",
        "doc_type": doc_type("KH").pk,
        "issued_on": "05/03/2024",
        "issuer": officer.organisation.pk,
        "title": "Kế hoạch công tác dân vận năm 2024",
        "validity": Validity.IN_FORCE,
    }
    values.update(overrides)
    return values


def test_register_page_creates_a_document_and_shows_it(client, officer):
    client.force_login(officer)

    response = client.post(reverse("documents:document-create"), form_data(officer))

    document = GuidanceDocument.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("documents:document-detail", args=[document.pk]))
    assert "7-KH/ĐU" in page.content.decode()
    assert document.issued_on == date(2024, 3, 5)


def test_a_stale_edit_answers_409_with_a_message(client, officer):
    client.force_login(officer)
    document = GuidanceDocumentFactory(issuer=officer.organisation, version=3)

    response = client.post(
        reverse("documents:document-edit", args=[document.pk]),
        form_data(officer, version=2, number_symbol=document.number_symbol),
    )

    assert response.status_code == 409
    document.refresh_from_db()
    assert document.version == 3


def test_list_search_counts_and_export_pages_answer(client, officer):
    client.force_login(officer)
    GuidanceDocumentFactory(issuer=officer.organisation, title="Hướng dẫn hiến đất làm đường")

    listing = client.get(reverse("documents:document-list"), {"q": "hien dat"})
    partial = client.get(
        reverse("documents:document-list"), {"q": "hien dat"}, HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="document-table",
    )  # fmt: skip
    counts = client.get(reverse("documents:document-counts"))
    export = client.get(reverse("documents:document-export"))

    assert "Hướng dẫn hiến đất làm đường" in listing.content.decode()
    assert "<html" not in partial.content.decode()
    assert counts.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_relation_added_on_the_page_shows_in_both_directions(client, officer):
    client.force_login(officer)
    plan = GuidanceDocumentFactory(issuer=officer.organisation, number_symbol="3-KH/ĐU")
    resolution = GuidanceDocumentFactory(issuer=None, number_symbol="25-NQ/TW")

    response = client.post(
        reverse("documents:relation-add", args=[plan.pk]),
        {"kind": "implements", "target": resolution.pk},
    )

    assert response.status_code == 302
    assert DocumentRelation.objects.filter(source=plan, target=resolution).exists()
    assert (
        "3-KH/ĐU"
        in client.get(reverse("documents:document-detail", args=[resolution.pk])).content.decode()
    )


def test_api_create_update_relate_and_delete(api, officer):
    client = api(officer)
    body = {
        "number_symbol": "9-HD/ĐU", "doc_type_id": doc_type("HD").pk, "issued_on": "2024-04-01",
        "title": "Hướng dẫn đăng ký mô hình", "issuer_id": officer.organisation.pk,
    }  # fmt: skip

    created = client.post("/api/v1/documents", body, content_type="application/json")
    assert created.status_code == 201, created.content
    doc_id = created.json()["id"]
    again = client.post("/api/v1/documents", body, content_type="application/json")
    assert again.status_code == 400
    assert again.json()["code"] == "duplicate"

    stale = client.put(
        f"/api/v1/documents/{doc_id}", {**body, "title": "Mới", "version": 0},
        content_type="application/json",
    )  # fmt: skip
    assert stale.status_code == 409
    updated = client.put(
        f"/api/v1/documents/{doc_id}", {**body, "title": "Mới", "version": 1},
        content_type="application/json",
    )  # fmt: skip
    assert updated.json()["title"] == "Mới"

    target = GuidanceDocumentFactory(issuer=officer.organisation)
    related = client.post(
        f"/api/v1/documents/{doc_id}/relations", {"target_id": target.pk, "kind": "replaces"},
        content_type="application/json",
    )  # fmt: skip
    assert related.status_code == 201
    target.refresh_from_db()
    assert target.validity == Validity.REPLACED

    listing = client.get("/api/v1/documents", {"q": "moi"}).json()
    assert [row["id"] for row in listing["items"]] == [doc_id]
    assert client.get("/api/v1/documents/types").status_code == 200
    assert client.get("/api/v1/documents/counts").json()["total"] == 2

    assert client.delete(f"/api/v1/documents/{doc_id}").status_code == 204
    assert not GuidanceDocument.objects.filter(pk=doc_id).exists()
