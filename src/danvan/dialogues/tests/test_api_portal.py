"""The public portal API under /api/v1/public/petitions: no sign-in, same checks and limits."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from danvan.audit.models import AuditEvent
from danvan.core.models import Attachment
from danvan.dialogues.models import Category, Petition, PetitionStatus
from danvan.dialogues.services import petitions as svc
from danvan.dialogues.services import portal as portal_svc
from danvan.dialogues.tests.factories import ConferenceFactory, PetitionFactory
from danvan.dialogues.tests.test_portal import _answered, counts, pdf, png, vi

pytestmark = pytest.mark.django_db

BASE = "/api/v1/public/petitions"
PERSONAL = (
    "Hoàng Văn Riêng",
    "0987654321",
    "001203004567",
    "rieng@example.org",
    "Số 99 ngõ Bí Mật",
)


def body(unit, **overrides) -> dict:
    data = {
        "title": "Mương thoát nước bị tắc",
        "content": "Mương thoát nước dọc đường liên thôn bị tắc, mưa xuống nước tràn vào nhà dân.",
        "category": Category.INFRASTRUCTURE,
        "province": unit.parent.code,
        "commune": unit.code,
        "submitter_name": "Phạm Văn Tám",
        "submitter_phone": "0911222333",
        "consent": True,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit_json(client, data, *, ip="10.1.1.1", **extra):
    return client.post(
        BASE,
        json.dumps(data),
        content_type="application/json",
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="vi",
        **extra,
    )


def test_json_submission_answers_201_with_a_tracking_code(client, place):
    _, commune, _ = place

    response = submit_json(client, body(commune))

    assert response.status_code == 201
    receipt = response.json()
    assert re.fullmatch(
        rf"[{svc.CODE_ALPHABET}]{{4}}(-[{svc.CODE_ALPHABET}]{{4}}){{2}}", receipt["code"]
    )
    petition = Petition.objects.get()
    assert svc.format_code(petition.code) == receipt["code"]
    assert petition.channel == "portal"
    assert receipt["deadline"] == petition.deadline.isoformat()
    assert client.get(receipt["track_url"]).status_code == 200
    assert portal_svc.DEVICE_COOKIE in response.cookies


def test_multipart_submission_stores_the_files(client, place):
    _, commune, _ = place
    data = body(commune, consent="true")
    data["attachments"] = [png(), pdf()]

    response = client.post(BASE, data, REMOTE_ADDR="10.1.1.2")

    assert response.status_code == 201
    petition = Petition.objects.get()
    assert Attachment.objects.filter(owner_id=str(petition.pk), uploaded_by=None).count() == 2


BAD = [
    ({"title": ""}, "title", "This field is required."),
    ({"content": "Ngắn quá mà"}, "content",
     "The description is too short: describe what happened, where and since when."),
    ({"content": "MƯƠNG THOÁT NƯỚC BỊ TẮC HOÀN TOÀN RỒI ĐỀ NGHỊ XỬ LÝ NGAY"}, "content",
     "Please do not write everything in capital letters; it is hard to read."),
    ({"commune": 1}, "commune", "Choose the commune or ward the petition is about."),
    ({"consent": False}, "consent",
     "Please agree to the use of your information for handling the petition."),
    ({"submitter_name": ""}, "submitter_name", "Enter your name, or send anonymously."),
    ({"title": ["a", "b"]}, "title", "Enter a valid value."),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "field", "message"), BAD)
def test_bad_input_answers_422_with_clear_messages_and_writes_nothing(
    client, place, overrides, field, message
):
    _, commune, _ = place
    before = counts()

    response = submit_json(client, body(commune, **overrides))

    assert response.status_code == 422
    details = response.json()["details"]
    assert {"field": field, "message": vi(message)} in details
    assert counts() == before


def test_a_body_that_is_not_json_is_refused(client, place):
    response = client.post(BASE, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert Petition.objects.count() == 0


def test_honeypot_answers_201_and_writes_nothing(client, place):
    _, commune, _ = place
    before = counts()

    response = submit_json(client, body(commune, website="http://spam.example"))

    assert response.status_code == 201
    assert svc.petition_by_code(response.json()["code"]) is None
    assert counts() == before


def test_submissions_over_the_ip_limit_answer_429(client, place):
    _, commune, _ = place
    for _i in range(portal_svc.SUBMIT_PER_IP[0]):
        client.cookies.clear()
        assert submit_json(client, body(commune), ip="10.7.7.7").status_code == 201
    client.cookies.clear()
    before = counts()

    response = submit_json(client, body(commune), ip="10.7.7.7")

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert response["Retry-After"] == str(portal_svc.SUBMIT_PER_IP[1])
    assert counts() == before


def test_submissions_over_the_device_limit_answer_429(client, place):
    _, commune, _ = place
    for i in range(portal_svc.SUBMIT_PER_DEVICE[0]):
        assert submit_json(client, body(commune), ip=f"10.8.0.{i}").status_code == 201
    before = counts()

    response = submit_json(client, body(commune), ip="10.8.0.99")

    assert response.status_code == 429
    assert counts() == before


def test_lookup_answers_public_fields_only(client, place):
    _, commune, _ = place
    officer, petition = _answered(commune)
    svc.petition_answer(petition=petition, answer="Đã nạo vét xong.", actor=officer)

    response = client.get(f"{BASE}/{svc.format_code(petition.code).lower()}")

    assert response.status_code == 200
    data = response.json()
    assert data["code"] == svc.format_code(petition.code)
    assert data["answer"] == "Đã nạo vét xong."
    assert data["agency"] == officer.organisation.name
    assert data["can_rate"] is True
    raw = response.content.decode()
    for secret in (*PERSONAL, "tranh chấp đất đai", officer.username):
        assert secret not in raw
    assert not {"submitter_name", "content", "address", "status_note"} & set(data)


@pytest.mark.parametrize("code", ["ABC", "0000-0000-0000", "KN4X7Q2M9D0A", "%27%20OR%201"])
def test_lookup_of_an_unknown_or_malformed_code_is_the_same_404(client, place, code):
    PetitionFactory(territory=place[1])

    response = client.get(f"{BASE}/{code}", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": vi("No petition was found with this code."),
        "details": None,
    }


def test_lookups_over_the_limit_answer_429(client, place):
    petition = PetitionFactory(territory=place[1])
    for _i in range(portal_svc.LOOKUP_PER_IP[0]):
        client.get(f"{BASE}/0000-0000-0000", REMOTE_ADDR="10.3.3.3")

    response = client.get(f"{BASE}/{petition.code}", REMOTE_ADDR="10.3.3.3")

    assert response.status_code == 429
    assert petition.title not in response.content.decode()


def test_dissatisfied_feedback_reopens(client, place):
    _, commune, _ = place
    officer, petition = _answered(commune)
    svc.petition_answer(petition=petition, answer="Đã xử lý.", actor=officer)
    url = f"{BASE}/{petition.code}/feedback"

    missing = client.post(
        url, {"satisfaction": "dissatisfied"}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )  # fmt: skip
    wrong = client.post(url, {"satisfaction": "meh"}, content_type="application/json")
    response = client.post(
        url,
        {"satisfaction": "dissatisfied", "note": "Vẫn còn ngập."},
        content_type="application/json",
    )
    again = client.post(url, {"satisfaction": "satisfied"}, content_type="application/json")

    assert missing.status_code == 422
    assert {
        "field": "note",
        "message": vi("Please say what is missing from the answer."),
    } in missing.json()["details"]
    assert wrong.status_code == 422
    assert response.status_code == 200
    assert response.json()["status"] == PetitionStatus.IN_PROGRESS
    petition.refresh_from_db()
    assert petition.reopen_count == 1
    assert again.status_code == 409


def test_feedback_before_an_answer_is_refused(client, place):
    _, petition = _answered(place[1])
    audit_before = AuditEvent.objects.count()

    response = client.post(
        f"{BASE}/{petition.code}/feedback", {"satisfaction": "satisfied"},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 409
    assert AuditEvent.objects.count() == audit_before


def test_answered_list_is_paginated_and_has_no_personal_data(client, place):
    province, commune_a, commune_b = place
    officer, shown = _answered(commune_a)
    svc.petition_answer(petition=shown, answer="Công khai.", actor=officer)
    officer_b, other = _answered(commune_b, category=Category.LAND)
    svc.petition_answer(petition=other, answer="Cũng công khai.", actor=officer_b)

    everything = client.get(f"{BASE}/answered", {"page_size": 1})
    in_b = client.get(f"{BASE}/answered", {"province": province.code, "unit": commune_b.code})
    land = client.get(f"{BASE}/answered", {"field": Category.LAND})

    assert everything.status_code == 200
    assert everything.json()["count"] == 2
    assert len(everything.json()["items"]) == 1
    assert [item["title"] for item in in_b.json()["items"]] == [other.title]
    assert [item["title"] for item in land.json()["items"]] == [other.title]
    raw = everything.content.decode() + in_b.content.decode()
    for secret in PERSONAL:
        assert secret not in raw


def test_upcoming_conferences(client, place):
    _, commune, _ = place
    soon = ConferenceFactory(territory=commune, starts_at=timezone.now() + timedelta(days=2))
    ConferenceFactory(territory=commune)  # a week ago

    response = client.get(f"{BASE}/conferences")

    assert response.status_code == 200
    assert [c["topic"] for c in response.json()] == [soon.topic]
    assert commune.parent.name in response.json()[0]["unit"]
