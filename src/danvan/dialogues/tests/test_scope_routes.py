"""Nothing of a unit's dialogues and petitions leaks to a user of another unit, by any page,
API endpoint, export, count or the public portal.

Routes are not listed by hand: every staff page pattern and every dialogues path of the OpenAPI
schema is tried, so a route added later is covered without touching this file.
"""

import io
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from danvan.accounts.tests.factories import RoleGrantFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.config.api import api as ninja_api
from danvan.dialogues import urls as dialogue_urls
from danvan.dialogues.models import Conference, DeadlineRule, Petition
from danvan.dialogues.services import conferences, petitions
from danvan.dialogues.tests.factories import (
    ConferenceFactory,
    ConferencePlanFactory,
    PetitionFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "Bí Mật Xã A"  # carried by every record of commune A, searched for in every answer


@pytest.fixture
def world(place):
    _province, commune_a, commune_b = place
    officer = user_with_role("officer", commune_a)
    admin = user_with_role("territory_admin", commune_a)
    conference = ConferenceFactory(territory=commune_a, topic=f"Đối thoại {SECRET}")
    petition = PetitionFactory(
        territory=commune_a,
        title=f"Kiến nghị {SECRET}",
        submitter_name=f"Ông {SECRET}",
        conference=conference,
    )
    duplicate = PetitionFactory(territory=commune_a, title=f"Trùng {SECRET}")
    # One answered with a non-public answer: the portal's public list must not show it either.
    hidden = PetitionFactory(territory=commune_a, title=f"Riêng {SECRET}")
    hidden = petitions.petition_assign(petition=hidden, agency=officer.organisation, actor=officer)
    petitions.petition_answer(petition=hidden, answer=f"Trả lời {SECRET}", public=False,
                              actor=officer)  # fmt: skip
    rule = conferences.rule_save(actor=admin, territory=commune_a, days=9,
                                 note=f"Quy định {SECRET}")  # fmt: skip
    plan = ConferencePlanFactory(territory=commune_a, note=f"Kế hoạch {SECRET}")
    outsider = user_with_role("leader", commune_b)
    for role in ("officer", "territory_admin", "reviewer", "viewer"):
        RoleGrantFactory(user=outsider, role=role, territory=commune_b)
    ids = {
        "pk": None,
        "name": "hold",
        "petition_id": petition.pk,
        "conference_id": conference.pk,
        "rule_id": rule.pk,
        "year": plan.year,
        "territory_id": commune_a.pk,
    }
    owners = {"petition": petition.pk, "conference": conference.pk, "rule": rule.pk}
    return {"outsider": outsider, "insider": officer, "ids": ids, "owners": owners,
            "petition": petition, "duplicate": duplicate, "commune_a": commune_a}  # fmt: skip


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
        list(Petition.objects.order_by("pk").values_list("status", "version", "agency_id")),
        list(Conference.objects.values_list("status", "version")),
        list(DeadlineRule.objects.values_list("days", "version")),
    )


def page_routes():
    for pattern in dialogue_urls.urlpatterns:
        yield pattern.name, re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))


def test_every_page_of_another_unit_is_not_found(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    tried = 0
    for name, params in page_routes():
        if not params:
            continue
        owner = next(key for key in world["owners"] if name.startswith(key))
        kwargs = {p: world["ids"][p] for p in params}
        kwargs["pk"] = world["owners"][owner]
        url = reverse(f"dialogues:{name}", kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in {404, 405}, (method, url, response.status_code)
            assert SECRET not in text_of(response), (method, url)
            tried += 1
    assert tried > 25
    assert snapshot() == before


def test_lists_counts_statistics_and_exports_of_another_unit_show_nothing(client, world):
    client.force_login(world["outsider"])
    for name, params in page_routes():
        if params:
            continue
        response = client.get(reverse(f"dialogues:{name}"))
        assert response.status_code in {200, 302, 405}, (name, response.status_code)
        assert SECRET not in text_of(response), name
    for bucket in ("new", "answered", "overdue"):
        response = client.get(
            reverse("dialogues:petition_inbox"), {"bucket": bucket, "q": "bi mat"}
        )
        assert SECRET not in text_of(response)
    counts = client.get("/api/v1/dialogues/petitions/inbox-counts").json()
    assert all(value == 0 for value in counts.values()), counts
    totals = client.get("/api/v1/dialogues/statistics").json()["totals"]
    assert totals["received"] == 0
    # Someone of commune A finds the same records with the same search.
    client.force_login(world["insider"])
    response = client.get(reverse("dialogues:petition_inbox"), {"q": "bi mat xa a"})
    assert SECRET in text_of(response)


def api_routes():
    schema = ninja_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/dialogues"):
            for method in operations:
                yield path, method


def test_every_api_endpoint_hides_another_units_records(client, world):
    client.force_login(world["outsider"])
    before = snapshot()
    ids = world["ids"]
    bodies = {
        "/api/v1/dialogues/petitions/bulk-assign": {"petition_ids": [world["petition"].pk],
                                                    "agency_id": world["outsider"].organisation_id},
        "/api/v1/dialogues/petitions/{petition_id}/merge": {"into_id": world["duplicate"].pk},
    }  # fmt: skip
    tried = 0
    for path, method in api_routes():
        params = re.findall(r"{(\w+)}", path)
        url = path.format(**{p: ids[p] for p in params})
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
    assert tried > 25
    assert snapshot() == before


def test_the_public_portal_shows_no_unpublished_or_personal_data(client, world):
    for url in ("/public/petitions/answered/", "/api/v1/public/petitions/answered",
                "/public/petitions/conferences/", "/api/v1/public/petitions/conferences"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in text_of(response), url
    # The tracking code shows the petition's own public facts only, never the submitter.
    code = world["petition"].code
    response = client.get(f"/api/v1/public/petitions/{code}")
    assert response.status_code == 200
    assert f"Ông {SECRET}" not in response.content.decode()
