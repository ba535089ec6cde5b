"""The petition API: lists and counts within scope, masking and the logged reveal, entry,
correction with locking, every step by an allowed and a refused role, bulk assign all-or-none."""

from datetime import timedelta

import pytest
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import Action, AuditEvent
from danvan.dialogues.models import Category, Channel, Petition, PetitionStatus
from danvan.dialogues.services.petitions import format_code
from danvan.dialogues.tests.factories import PetitionFactory
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/dialogues/petitions"
ID_NUMBER = "049201001234"
PHONE = "0905123456"
EMAIL = "lethidan@example.vn"


@pytest.fixture
def people(place):
    province, commune_a, commune_b = place
    return {
        "officer": user_with_role("officer", commune_a),
        "leader": user_with_role("leader", commune_a),
        "viewer": user_with_role("viewer", commune_a),
        "admin": user_with_role("territory_admin", commune_a),
        "outsider": user_with_role("officer", commune_b),
        "province": province,
        "commune": commune_a,
        "elsewhere": commune_b,
    }


@pytest.fixture
def petition(people):
    return PetitionFactory(
        territory=people["commune"],
        submitter_id_number=ID_NUMBER,
        submitter_phone=PHONE,
        submitter_email=EMAIL,
        title="Mương thoát nước tổ 5 bị tắc",
    )


def _assigned(petition, people, status=PetitionStatus.ASSIGNED):
    officer = people["officer"]
    Petition.objects.filter(pk=petition.pk).update(
        status=status, agency=officer.organisation, officer=officer
    )
    petition.refresh_from_db()
    return petition


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


# --- lists -----------------------------------------------------------------------------------------


def test_list_shows_only_petitions_in_scope_with_masked_nothing(api, people, petition):
    PetitionFactory(territory=people["elsewhere"])

    response = api(people["viewer"]).get(BASE)

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 1
    assert body["items"][0]["code"] == format_code(petition.code)
    assert "submitter_phone" not in body["items"][0]


def test_list_bucket_and_filters(api, people, petition):
    Petition.objects.filter(pk=petition.pk).update(
        status=PetitionStatus.ASSIGNED, deadline=timezone.localdate() - timedelta(days=3)
    )
    PetitionFactory(territory=people["commune"], category=Category.LAND, title="Đất nông nghiệp")
    client = api(people["officer"])

    overdue = client.get(BASE, {"bucket": "overdue"}).json()
    land = client.get(BASE, {"category": "land"}).json()
    search = client.get(BASE, {"q": "dat nong nghiep"}).json()

    assert [row["id"] for row in overdue["items"]] == [petition.pk]
    assert overdue["items"][0]["is_overdue"] is True
    assert overdue["items"][0]["days_late"] == 3
    assert [row["title"] for row in land["items"]] == ["Đất nông nghiệp"]
    assert search["count"] == 1


def test_list_with_bad_filter_is_422(api, people):
    response = api(people["officer"]).get(BASE, {"bucket": "everything"})

    assert response.status_code == 422


def test_inbox_counts(api, people, petition):
    PetitionFactory(territory=people["elsewhere"])

    response = api(people["officer"]).get(f"{BASE}/inbox-counts")

    assert response.status_code == 200
    assert response.json()["new"] == 1
    assert response.json()["overdue"] == 0


# --- detail and reveal -------------------------------------------------------------------------------


def test_detail_masks_personal_data(api, people, petition):
    response = api(people["officer"]).get(f"{BASE}/{petition.pk}")

    body = response.json()
    assert response.status_code == 200
    assert body["submitter_id_number"] == "0492******34"
    assert body["submitter_phone"] == "09******56"
    assert EMAIL not in body["submitter_email"]
    assert body["revealed"] is False
    assert body["can_reveal"] is True
    assert {s["name"] for s in body["steps"]} == {"assign", "merge", "mark_spam"}
    assert not AuditEvent.objects.filter(action=Action.VIEW_PERSONAL).exists()


def test_reveal_shows_in_full_and_logs(api, people, petition):
    response = api(people["officer"]).get(
        f"{BASE}/{petition.pk}", {"reveal": "1", "reason": "gọi lại"}
    )

    body = response.json()
    assert body["submitter_id_number"] == ID_NUMBER
    assert body["submitter_phone"] == PHONE
    assert body["submitter_email"] == EMAIL
    event = AuditEvent.objects.get(action=Action.VIEW_PERSONAL)
    assert event.actor == people["officer"]
    assert event.reason == "gọi lại"


def test_reveal_without_the_right_is_403_and_not_logged(api, people, petition):
    response = api(people["viewer"]).get(f"{BASE}/{petition.pk}", {"reveal": "1"})

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=Action.VIEW_PERSONAL).exists()


def test_outsider_gets_404_everywhere(api, people, petition):
    client = api(people["outsider"])

    assert client.get(f"{BASE}/{petition.pk}").status_code == 404
    assert _post(client, f"{BASE}/{petition.pk}/spam", {}).status_code == 404
    assert (
        client.patch(
            f"{BASE}/{petition.pk}", {"version": 1}, content_type="application/json"
        ).status_code
        == 404
    )


# --- create and update ----------------------------------------------------------------------------------


def _body(people, **overrides):
    values = {
        "title": "Xin sửa đường bê tông",
        "content": "Đường bê tông thôn 3 hư hỏng nặng sau mùa mưa, đi lại khó khăn.",
        "category": Category.INFRASTRUCTURE,
        "channel": Channel.HOTLINE,
        "territory_id": people["commune"].pk,
        "submitter_name": "Trần Văn Hai",
        "submitter_phone": "0912345678",
    }
    values.update(overrides)
    return values


def test_create_by_officer(api, people):
    response = _post(api(people["officer"]), BASE, _body(people))

    assert response.status_code == 201
    assert response.json()["submitter_phone"] == "09******78"
    assert Petition.objects.get().submitter_phone == "0912345678"


def test_create_with_bad_input_is_400_and_saves_nothing(api, people):
    response = _post(api(people["officer"]), BASE, _body(people, content="ngắn"))

    assert response.status_code == 400
    assert response.json()["details"] == {"field": "content"}
    assert not Petition.objects.exists()


def test_create_in_a_unit_outside_scope_is_403(api, people):
    response = _post(
        api(people["officer"]), BASE, _body(people, territory_id=people["elsewhere"].pk)
    )

    assert response.status_code == 403
    assert not Petition.objects.exists()


def test_create_by_viewer_is_403(api, people):
    response = _post(api(people["viewer"]), BASE, _body(people))

    assert response.status_code == 403


def test_update_keeps_what_is_not_sent(api, people, petition):
    response = api(people["officer"]).patch(
        f"{BASE}/{petition.pk}",
        {"version": petition.version, "title": "Tiêu đề mới"},
        content_type="application/json",
    )

    assert response.status_code == 200
    petition.refresh_from_db()
    assert petition.title == "Tiêu đề mới"
    assert petition.submitter_phone == PHONE


def test_update_refuses_masked_values(api, people, petition):
    response = api(people["officer"]).patch(
        f"{BASE}/{petition.pk}",
        {"version": petition.version, "submitter_phone": "09******56"},
        content_type="application/json",
    )

    assert response.status_code == 422
    petition.refresh_from_db()
    assert petition.submitter_phone == PHONE


def test_update_with_stale_version_is_409(api, people, petition):
    response = api(people["officer"]).patch(
        f"{BASE}/{petition.pk}",
        {"version": petition.version - 1 if petition.version > 1 else 99, "title": "Ghi đè"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    petition.refresh_from_db()
    assert petition.title != "Ghi đè"


def test_update_without_version_is_422(api, people, petition):
    response = api(people["officer"]).patch(
        f"{BASE}/{petition.pk}", {"title": "Không có phiên bản"}, content_type="application/json"
    )

    assert response.status_code == 422


def test_update_by_leader_is_403(api, people, petition):
    response = api(people["leader"]).patch(
        f"{BASE}/{petition.pk}",
        {"version": petition.version, "title": "x"},
        content_type="application/json",
    )

    assert response.status_code == 403


# --- steps --------------------------------------------------------------------------------------------


def test_assign_then_transfer(api, people, petition):
    client = api(people["officer"])
    officer = people["officer"]
    other = OrganisationFactory(territory=people["elsewhere"])

    assigned = _post(
        client,
        f"{BASE}/{petition.pk}/assign",
        {"agency_id": officer.organisation.pk, "officer_id": officer.pk, "version": 1},
    )
    again = _post(client, f"{BASE}/{petition.pk}/assign", {"agency_id": officer.organisation.pk})
    no_reason = _post(client, f"{BASE}/{petition.pk}/transfer", {"agency_id": other.pk})
    transferred = _post(
        client,
        f"{BASE}/{petition.pk}/transfer",
        {"agency_id": other.pk, "reason": "Không đúng thẩm quyền"},
    )

    assert assigned.status_code == 200
    assert assigned.json()["status"] == PetitionStatus.ASSIGNED
    assert assigned.json()["officer"]["id"] == officer.pk
    assert again.status_code == 400
    assert no_reason.status_code == 400
    assert no_reason.json()["code"] == "reason_required"
    assert transferred.status_code == 200
    assert transferred.json()["agency"]["id"] == other.pk


def test_assign_to_an_agency_of_another_province_is_400(api, people, petition):
    foreign = OrganisationFactory()

    response = _post(
        api(people["officer"]), f"{BASE}/{petition.pk}/assign", {"agency_id": foreign.pk}
    )

    assert response.status_code == 400
    assert response.json()["details"] == {"field": "agency_id"}
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECEIVED


def test_assign_with_unknown_agency_is_422(api, people, petition):
    response = _post(api(people["officer"]), f"{BASE}/{petition.pk}/assign", {"agency_id": 999999})

    assert response.status_code == 422


def test_assign_with_stale_version_is_409(api, people, petition):
    response = _post(
        api(people["officer"]),
        f"{BASE}/{petition.pk}/assign",
        {"agency_id": people["officer"].organisation.pk, "version": petition.version + 5},
    )

    assert response.status_code == 409
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECEIVED


@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("assign", {"agency_id": 0}),
        ("spam", {}),
        ("merge", {"into_code": "0000-0000-0000"}),
    ],
)
def test_routing_steps_by_viewer_or_admin_are_403(api, people, petition, step, body):
    for role in ("viewer", "admin"):
        response = _post(api(people[role]), f"{BASE}/{petition.pk}/{step}", body)
        assert response.status_code == 403


@pytest.mark.parametrize("step", ["start", "answer", "close", "reopen"])
def test_handling_steps_by_admin_are_403(api, people, petition, step):
    petition = _assigned(petition, people)

    response = _post(api(people["admin"]), f"{BASE}/{petition.pk}/{step}", {"answer": "Trả lời"})

    assert response.status_code == 403


def test_start_answer_close_reopen(api, people, petition):
    petition = _assigned(petition, people)
    client = api(people["leader"])

    started = _post(client, f"{BASE}/{petition.pk}/start", {"version": petition.version})
    empty = _post(client, f"{BASE}/{petition.pk}/answer", {"answer": "  "})
    answered = _post(
        client, f"{BASE}/{petition.pk}/answer", {"answer": "Đã xử lý.", "public": False}
    )
    closed = _post(client, f"{BASE}/{petition.pk}/close", {})
    reopened = _post(client, f"{BASE}/{petition.pk}/reopen", {"reason": "Chưa thoả đáng"})

    assert started.json()["status"] == PetitionStatus.IN_PROGRESS
    assert empty.status_code == 400
    assert answered.json()["status"] == PetitionStatus.ANSWERED
    assert answered.json()["answer_public"] is False
    assert closed.json()["status"] == PetitionStatus.CLOSED
    assert reopened.json()["status"] == PetitionStatus.IN_PROGRESS
    assert reopened.json()["reopen_count"] == 1


def test_close_from_wrong_status_is_400(api, people, petition):
    response = _post(api(people["officer"]), f"{BASE}/{petition.pk}/close", {})

    assert response.status_code == 400
    assert response.json()["code"] == "transition_not_allowed"


def test_merge_by_code_and_by_id(api, people, petition):
    keep = PetitionFactory(territory=people["commune"], title=petition.title)
    other = PetitionFactory(territory=people["commune"])
    client = api(people["officer"])

    similar = client.get(f"{BASE}/{petition.pk}/similar").json()
    by_code = _post(client, f"{BASE}/{petition.pk}/merge", {"into_code": format_code(keep.code)})
    by_id = _post(client, f"{BASE}/{other.pk}/merge", {"into_id": keep.pk})

    assert similar[0]["petition"]["id"] == keep.pk
    assert by_code.json()["merged_into"]["id"] == keep.pk
    assert by_id.status_code == 200
    detail = client.get(f"{BASE}/{keep.pk}").json()
    assert {d["id"] for d in detail["duplicates"]} == {petition.pk, other.pk}


def test_merge_into_itself_or_foreign_is_refused(api, people, petition):
    foreign = PetitionFactory(territory=people["elsewhere"])
    client = api(people["officer"])

    itself = _post(client, f"{BASE}/{petition.pk}/merge", {"into_id": petition.pk})
    outside = _post(client, f"{BASE}/{petition.pk}/merge", {"into_id": foreign.pk})

    assert itself.status_code == 400
    assert outside.status_code == 422
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECEIVED


def test_spam_and_restore(api, people, petition):
    client = api(people["officer"])

    hidden = _post(client, f"{BASE}/{petition.pk}/spam", {"reason": "quảng cáo"})
    restored = _post(client, f"{BASE}/{petition.pk}/restore", {})

    assert hidden.json()["status"] == PetitionStatus.SPAM
    assert restored.json()["status"] == PetitionStatus.RECEIVED


# --- bulk assign ----------------------------------------------------------------------------------------


def test_bulk_assign_all(api, people, petition):
    other = PetitionFactory(territory=people["commune"])

    response = _post(
        api(people["officer"]),
        f"{BASE}/bulk-assign",
        {"ids": [petition.pk, other.pk], "agency_id": people["officer"].organisation.pk},
    )

    assert response.status_code == 200
    assert response.json() == {"assigned": 2}
    assert set(Petition.objects.values_list("status", flat=True)) == {PetitionStatus.ASSIGNED}


def test_bulk_assign_rolls_back_when_one_is_not_assignable(api, people, petition):
    taken = _assigned(PetitionFactory(territory=people["commune"]), people)

    response = _post(
        api(people["officer"]),
        f"{BASE}/bulk-assign",
        {"ids": [petition.pk, taken.pk], "agency_id": people["officer"].organisation.pk},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "not_received"
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECEIVED
    assert petition.agency_id is None


def test_bulk_assign_with_a_petition_outside_scope_is_422(api, people, petition):
    foreign = PetitionFactory(territory=people["elsewhere"])

    response = _post(
        api(people["officer"]),
        f"{BASE}/bulk-assign",
        {"ids": [petition.pk, foreign.pk], "agency_id": people["officer"].organisation.pk},
    )

    assert response.status_code == 422
    assert not Petition.objects.exclude(status=PetitionStatus.RECEIVED).exists()


def test_bulk_assign_by_viewer_is_403(api, people, petition):
    response = _post(
        api(people["viewer"]),
        f"{BASE}/bulk-assign",
        {"ids": [petition.pk], "agency_id": people["officer"].organisation.pk},
    )

    assert response.status_code == 403
