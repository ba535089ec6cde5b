"""The conference, yearly plan and deadline rule API: scope (404), roles (403), bad input that
changes nothing, optimistic locking, the follow-up figures and the behind-plan flag.

(The `api` fixture signs one test client in: call `api(user)` again before each request.)
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.dialogues.models import (
    ANSWERED_STATES,
    HIDDEN_STATES,
    OPEN_STATES,
    Conference,
    ConferencePlan,
    ConferenceStatus,
    DeadlineRule,
    PetitionStatus,
)
from danvan.dialogues.tests.factories import (
    ConferenceFactory,
    ConferencePlanFactory,
    PetitionFactory,
)
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/dialogues"
JSON = "application/json"


@pytest.fixture
def people(place):
    province, commune_a, commune_b = place
    return {
        "officer": user_with_role("officer", commune_a),
        "viewer": user_with_role("viewer", commune_a),
        "leader": user_with_role("leader", province),
        "admin": user_with_role("territory_admin", province),
        "outsider": user_with_role("officer", commune_b),
        "province": province,
        "a": commune_a,
        "b": commune_b,
    }


def payload(territory, **changes) -> dict:
    starts = timezone.localtime() + timedelta(days=14)
    data = {
        "territory_id": territory.pk,
        "organiser_role": "committee_chair",
        "organiser_name": "Lê Văn Chủ Tịch",
        "topic": "Đối thoại về tái định cư khu dân cư số 7",
        "starts_at": starts.replace(tzinfo=None, microsecond=0).isoformat(),
        "place": "Hội trường UBND phường",
        "agenda": "Báo cáo và trả lời ý kiến",
    }
    data.update(changes)
    return data


def error_field(response) -> str | None:
    details = response.json()["details"]
    if isinstance(details, list):
        return details[0]["field"]
    return details["field"] if details else None


# --- conferences ----------------------------------------------------------------------------


def test_officer_creates_a_conference_and_others_cannot(api, people):
    agency = OrganisationFactory(territory=people["province"], name="Sở Xây dựng")
    body = payload(people["a"], invited_ids=[agency.pk], organisation_id=agency.pk)

    created = api(people["officer"]).post(f"{API}/conferences", body, content_type=JSON)
    viewer = api(people["viewer"]).post(f"{API}/conferences", body, content_type=JSON)
    outside = api(people["outsider"]).post(f"{API}/conferences", body, content_type=JSON)
    leader = api(people["leader"]).post(f"{API}/conferences", body, content_type=JSON)

    assert created.status_code == 201, created.json()
    answer = created.json()
    assert answer["status"] == "planned"
    assert [o["id"] for o in answer["invited"]] == [agency.pk]
    assert {s["name"] for s in answer["steps"]} == {"hold", "cancel"}
    assert answer["follow_up"] == {
        "total": 0,
        "answered": 0,
        "open": 0,
        "overdue": 0,
        "answered_percent": None,
    }
    assert viewer.status_code == outside.status_code == leader.status_code == 403
    assert Conference.objects.count() == 1


def test_invalid_conference_input_changes_nothing(api, people):
    foreign = OrganisationFactory(territory=CommuneFactory(parent=ProvinceFactory()))
    officer = people["officer"]

    no_topic = api(officer).post(
        f"{API}/conferences", payload(people["a"], topic=""), content_type=JSON
    )
    bad_role = api(officer).post(
        f"{API}/conferences", payload(people["a"], organiser_role="king"), content_type=JSON
    )
    foreign_agency = api(officer).post(
        f"{API}/conferences", payload(people["a"], invited_ids=[foreign.pk]), content_type=JSON
    )
    unknown_unit = api(officer).post(
        f"{API}/conferences", payload(people["a"], territory_id=999999), content_type=JSON
    )

    assert no_topic.status_code == bad_role.status_code == 422
    assert (foreign_agency.status_code, error_field(foreign_agency)) == (422, "invited_ids")
    assert (unknown_unit.status_code, error_field(unknown_unit)) == (422, "territory_id")
    assert not Conference.objects.exists()


def test_list_and_detail_are_scoped(api, people):
    mine = ConferenceFactory(territory=people["a"], topic="Đối thoại đất đai")
    theirs = ConferenceFactory(territory=people["b"])
    ConferenceFactory(territory=people["a"], starts_at=timezone.now() + timedelta(days=5))

    listed = api(people["viewer"]).get(f"{API}/conferences").json()
    upcoming = api(people["viewer"]).get(f"{API}/conferences", {"when": "upcoming"}).json()
    by_text = api(people["viewer"]).get(f"{API}/conferences", {"q": "dat dai"}).json()
    detail = api(people["viewer"]).get(f"{API}/conferences/{mine.pk}")
    hidden = api(people["viewer"]).get(f"{API}/conferences/{theirs.pk}")
    hidden_follow_up = api(people["viewer"]).get(f"{API}/conferences/{theirs.pk}/follow-up")

    assert listed["count"] == 2
    assert theirs.pk not in {row["id"] for row in listed["items"]}
    assert upcoming["count"] == 1
    assert [row["id"] for row in by_text["items"]] == [mine.pk]
    assert detail.status_code == 200
    assert detail.json()["steps"] == []  # a viewer may take no step
    assert hidden.status_code == hidden_follow_up.status_code == 404


def test_update_needs_the_current_version(api, people):
    conference = ConferenceFactory(territory=people["a"], topic="Cũ")
    url = f"{API}/conferences/{conference.pk}"

    stale = api(people["officer"]).put(
        url,
        {**payload(people["a"], topic="Mới"), "version": conference.version + 1},
        content_type=JSON,
    )
    conference.refresh_from_db()
    topic_after_stale = conference.topic
    fresh = api(people["officer"]).put(
        url, {**payload(people["a"], topic="Mới"), "version": conference.version}, content_type=JSON
    )
    outsider = api(people["outsider"]).put(
        url, {**payload(people["a"]), "version": conference.version}, content_type=JSON
    )

    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert topic_after_stale == "Cũ"
    assert fresh.status_code == 200
    assert fresh.json()["topic"] == "Mới"
    assert outsider.status_code == 404


def test_hold_publish_and_cancel_refuse_bad_input(api, people):
    past = ConferenceFactory(territory=people["a"])
    future = ConferenceFactory(territory=people["a"], starts_at=timezone.now() + timedelta(days=2))
    officer = people["officer"]

    no_people = api(officer).post(
        f"{API}/conferences/{past.pk}/hold", {"participants": 0}, content_type=JSON
    )
    too_early = api(officer).post(
        f"{API}/conferences/{future.pk}/hold", {"participants": 30}, content_type=JSON
    )
    no_reason = api(officer).post(
        f"{API}/conferences/{future.pk}/cancel", {"reason": " "}, content_type=JSON
    )
    not_held = api(officer).post(
        f"{API}/conferences/{future.pk}/publish-minutes", {"minutes": "x"}, content_type=JSON
    )
    viewer = api(people["viewer"]).post(
        f"{API}/conferences/{past.pk}/hold", {"participants": 30}, content_type=JSON
    )

    assert (no_people.status_code, error_field(no_people)) == (400, "participants")
    assert (too_early.status_code, too_early.json()["code"]) == (400, "future")
    assert (no_reason.status_code, no_reason.json()["code"]) == (400, "reason_required")
    assert (not_held.status_code, not_held.json()["code"]) == (400, "transition_not_allowed")
    assert viewer.status_code == 403
    assert set(Conference.objects.values_list("status", flat=True)) == {ConferenceStatus.PLANNED}


def test_hold_then_publish_the_minutes(api, people):
    conference = ConferenceFactory(territory=people["a"])
    officer = people["officer"]

    held = api(officer).post(
        f"{API}/conferences/{conference.pk}/hold",
        {"participants": 85, "version": conference.version},
        content_type=JSON,
    )
    stale = api(officer).post(
        f"{API}/conferences/{conference.pk}/publish-minutes",
        {"minutes": "Biên bản", "version": conference.version},
        content_type=JSON,
    )
    empty = api(officer).post(
        f"{API}/conferences/{conference.pk}/publish-minutes", {}, content_type=JSON
    )
    published = api(officer).post(
        f"{API}/conferences/{conference.pk}/publish-minutes",
        {"minutes": "Biên bản hội nghị", "version": held.json()["version"]},
        content_type=JSON,
    )

    assert held.status_code == 200
    assert (held.json()["status"], held.json()["participants"]) == ("held", 85)
    assert stale.status_code == 409
    assert (empty.status_code, error_field(empty)) == (400, "minutes")
    assert published.status_code == 200
    assert published.json()["status"] == "minutes_published"
    assert AuditEvent.objects.filter(object_id=str(conference.pk)).count() >= 2


def test_follow_up_figures_equal_the_counts_of_the_petitions(api, people):
    conference = ConferenceFactory(territory=people["a"], status=ConferenceStatus.HELD)
    today = timezone.localdate()
    statuses = list(PetitionStatus)
    made = [
        PetitionFactory(
            territory=people["a"],
            conference=conference,
            status=statuses[n % len(statuses)],
            deadline=today + timedelta(days=(n % 5) - 2),
        )
        for n in range(23)
    ]
    counted = [p for p in made if p.status not in HIDDEN_STATES]
    expected = {
        "total": len(counted),
        "answered": sum(p.status in ANSWERED_STATES for p in counted),
        "open": sum(p.status in OPEN_STATES for p in counted),
        "overdue": sum(p.status in OPEN_STATES and p.deadline < today for p in counted),
    }

    answer = api(people["viewer"]).get(f"{API}/conferences/{conference.pk}/follow-up").json()
    detail = api(people["viewer"]).get(f"{API}/conferences/{conference.pk}").json()

    assert {key: answer[key] for key in expected} == expected
    assert answer["answered_percent"] == round(100 * expected["answered"] / expected["total"], 1)
    assert detail["follow_up"] == answer


# --- yearly plans ---------------------------------------------------------------------------


def test_plans_show_the_behind_plan_flag(api, people):
    last_year = timezone.localdate().year - 1
    when = datetime(last_year, 3, 1, 1, 0, tzinfo=UTC)
    ConferencePlanFactory(territory=people["a"], year=last_year, planned_count=2)
    ConferencePlanFactory(territory=people["b"], year=last_year, planned_count=1)
    ConferenceFactory(territory=people["a"], starts_at=when, status=ConferenceStatus.HELD)
    ConferenceFactory(territory=people["a"], starts_at=when, status=ConferenceStatus.CANCELLED)
    ConferenceFactory(territory=people["b"], starts_at=when, status=ConferenceStatus.HELD)

    by_leader = api(people["leader"]).get(f"{API}/conference-plans", {"year": last_year}).json()
    by_viewer = api(people["viewer"]).get(f"{API}/conference-plans", {"year": last_year}).json()

    rows = {row["territory"]["id"]: row for row in by_leader}
    assert (rows[people["a"].pk]["held"], rows[people["a"].pk]["behind"]) == (1, True)
    assert (rows[people["b"].pk]["held"], rows[people["b"].pk]["behind"]) == (1, False)
    assert [row["territory"]["id"] for row in by_viewer] == [people["a"].pk]


def test_plan_put_checks_role_scope_and_range(api, people):
    year = timezone.localdate().year
    url = f"{API}/conference-plans/{year}"

    saved = api(people["officer"]).put(
        f"{url}/{people['a'].pk}", {"planned_count": 4}, content_type=JSON
    )
    out_of_range = api(people["officer"]).put(
        f"{url}/{people['a'].pk}", {"planned_count": 367}, content_type=JSON
    )
    bad_year = api(people["officer"]).put(
        f"{API}/conference-plans/1999/{people['a'].pk}", {"planned_count": 2}, content_type=JSON
    )
    viewer = api(people["viewer"]).put(
        f"{url}/{people['a'].pk}", {"planned_count": 9}, content_type=JSON
    )
    outside = api(people["officer"]).put(
        f"{url}/{people['b'].pk}", {"planned_count": 9}, content_type=JSON
    )

    assert saved.status_code == 200
    assert (saved.json()["planned_count"], saved.json()["behind"]) == (
        4,
        saved.json()["held"] < saved.json()["required_by_now"],
    )
    assert (out_of_range.status_code, error_field(out_of_range)) == (400, "planned_count")
    assert (bad_year.status_code, error_field(bad_year)) == (400, "year")
    assert viewer.status_code == 403
    assert outside.status_code == 404
    assert list(ConferencePlan.objects.values_list("planned_count", flat=True)) == [4]


# --- deadline rules -------------------------------------------------------------------------


def rule(territory=None, **changes) -> dict:
    data = {
        "territory_id": territory.pk if territory else None,
        "category": "land",
        "channel": "conference",
        "days": 30,
    }
    data.update(changes)
    return data


def test_rules_are_created_by_configurers_only_and_duplicates_refused(api, people):
    created = api(people["leader"]).post(
        f"{API}/deadline-rules", rule(people["province"]), content_type=JSON
    )
    duplicate = api(people["admin"]).post(
        f"{API}/deadline-rules", rule(people["province"], days=12), content_type=JSON
    )
    national = api(people["leader"]).post(f"{API}/deadline-rules", rule(None), content_type=JSON)
    officer = api(people["officer"]).post(
        f"{API}/deadline-rules", rule(people["a"]), content_type=JSON
    )
    too_long = api(people["leader"]).post(
        f"{API}/deadline-rules", rule(people["a"], days=400), content_type=JSON
    )
    bad_field = api(people["leader"]).post(
        f"{API}/deadline-rules", rule(people["a"], category="weather"), content_type=JSON
    )

    assert created.status_code == 201, created.json()
    assert created.json()["territory"]["id"] == people["province"].pk
    assert (duplicate.status_code, duplicate.json()["code"]) == (400, "duplicate")
    assert national.status_code == officer.status_code == 403
    assert (too_long.status_code, error_field(too_long)) == (400, "days")
    assert bad_field.status_code == 422
    assert list(DeadlineRule.objects.values_list("days", flat=True)) == [30]


def test_rules_list_update_and_delete(api, people):
    national = DeadlineRule.objects.create(category="land", days=45)
    provincial = DeadlineRule.objects.create(territory=people["province"], days=20)
    foreign = DeadlineRule.objects.create(territory=CommuneFactory(), days=9)

    listed = api(people["viewer"]).get(f"{API}/deadline-rules").json()
    stale = api(people["admin"]).put(
        f"{API}/deadline-rules/{provincial.pk}",
        {**rule(people["province"], category="", channel="", days=21), "version": 99},
        content_type=JSON,
    )
    updated = api(people["admin"]).put(
        f"{API}/deadline-rules/{provincial.pk}",
        {
            **rule(people["province"], category="", channel="", days=21),
            "version": provincial.version,
        },
        content_type=JSON,
    )
    national_by_admin = api(people["admin"]).delete(f"{API}/deadline-rules/{national.pk}")
    foreign_delete = api(people["admin"]).delete(f"{API}/deadline-rules/{foreign.pk}")
    deleted = api(people["admin"]).delete(f"{API}/deadline-rules/{provincial.pk}")

    assert {row["id"] for row in listed["items"]} == {national.pk, provincial.pk}
    assert stale.status_code == 409
    assert (updated.status_code, updated.json()["days"]) == (200, 21)
    assert national_by_admin.status_code == 403
    assert foreign_delete.status_code == 404
    assert deleted.status_code == 204
    assert set(DeadlineRule.objects.values_list("pk", flat=True)) == {national.pk, foreign.pk}
