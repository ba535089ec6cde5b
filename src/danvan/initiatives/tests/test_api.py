from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone, translation

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.errors import ConflictError
from danvan.core.models import Attachment
from danvan.core.roles import Role
from danvan.initiatives.models import (
    Council,
    CouncilMember,
    Indicator,
    Initiative,
    Level,
    Recognition,
    ScoreSheet,
    Status,
)
from danvan.initiatives.tests.factories import (
    CouncilFactory,
    CouncilMemberFactory,
    CriteriaSetFactory,
    InitiativeFactory,
    ReviewRoundFactory,
)
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/models"
JSON = "application/json"


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def payload(organisation, **overrides):
    body = {
        "name": "Dân vận khéo giữ gìn đường làng",
        "summary": "Người dân tự quản, quét dọn và thắp sáng đường làng.",
        "subject": "tap_the",
        "field": "kinh_te",
        "territory_id": organisation.territory_id,
        "organisation_id": organisation.pk,
        "year": timezone.localdate().year,
    }
    body.update(overrides)
    return body


def submitted(organisation, **overrides) -> Initiative:
    values = {"organisation": organisation, "status": Status.SUBMITTED}
    values.update(overrides)
    return InitiativeFactory(**values)


# --- reference data and list -----------------------------------------------------------------


def test_reference_lists_answer_in_the_request_language(api, place):
    officer = user_with_role(Role.OFFICER, place[1])

    fields = api(officer, "en").get(f"{URL}/fields").json()
    kinds = api(officer, "vi").get(f"{URL}/indicator-kinds").json()

    assert {"code": "kinh_te", "name": "Economy"}.items() <= fields[0].items()
    money = next(kind for kind in kinds if kind["code"] == "money_mobilised")
    assert (money["name"], money["unit"], money["is_money"]) == ("Kinh phí vận động", "VND", True)


def test_list_keeps_to_the_callers_subtree_and_filters(api, place):
    province, commune_a, commune_b = place
    mine = InitiativeFactory(organisation=OrganisationFactory(territory=commune_a))
    submitted(OrganisationFactory(territory=commune_a), name="Tổ tự quản bến đò")
    InitiativeFactory(organisation=OrganisationFactory(territory=commune_b))
    officer = user_with_role(Role.OFFICER, commune_a)
    leader = user_with_role(Role.LEADER, province)

    own = api(officer).get(URL).json()
    drafts = api(officer).get(URL, {"status": "draft"}).json()
    search = api(officer).get(URL, {"q": "ben do"}).json()
    subtree = api(leader).get(URL, {"territory_id": commune_b.pk}).json()

    assert own["count"] == 2
    assert [item["id"] for item in drafts["items"]] == [mine.pk]
    assert [item["name"] for item in search["items"]] == ["Tổ tự quản bến đò"]
    assert [item["territory"]["id"] for item in subtree["items"]] == [commune_b.pk]


def test_list_rejects_an_unknown_sort_or_status(api, place):
    officer = user_with_role(Role.OFFICER, place[1])

    sort = api(officer).get(URL, {"sort": "password"})
    status = api(officer).get(URL, {"status": "secret"})

    assert sort.status_code == status.status_code == 422
    assert sort.json()["details"][0]["field"] == "sort"


# --- create, read, update ----------------------------------------------------------------------


def test_officer_registers_a_draft_with_tags_and_whole_vnd_indicators(api, place):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a)
    body = payload(
        officer.organisation,
        tags=["tự quản", "môi trường"],
        indicators={"money_mobilised": 1_500_000_000, "households": 120, "road_km": 3.5},
    )

    response = api(officer).post(URL, body, content_type=JSON)

    assert response.status_code == 201
    created = response.json()
    assert (created["status"], created["version"], created["steps"]) == ("draft", 1, ["submit"])
    assert sorted(created["tags"]) == ["môi trường", "tự quản"]
    values = {row["kind"]["code"]: row["value"] for row in created["indicators"]}
    assert values == {"money_mobilised": 1_500_000_000, "households": 120, "road_km": 3.5}
    assert Indicator.objects.get(kind__code="money_mobilised").value == Decimal(1_500_000_000)
    event = AuditEvent.objects.get(
        object_type="initiatives.initiative", object_id=str(created["id"]), action="create"
    )
    assert (event.source, event.actor_id) == ("api", officer.pk)


def test_detail_lists_attachments_and_hides_scores_from_officers(api, place):
    province, commune_a, _ = place
    initiative = InitiativeFactory(
        organisation=OrganisationFactory(territory=commune_a), score=Decimal("88.50")
    )
    officer = user_with_role(Role.OFFICER, commune_a)
    reviewer = user_with_role(Role.REVIEWER, province)
    Attachment.objects.create(
        owner_type="initiatives.initiative",
        owner_id=str(initiative.pk),
        kind="pdf",
        original_name="bao-cao.pdf",
        mime_type="application/pdf",
        size=4,
        sha256="0" * 64,
    )

    as_officer = api(officer).get(f"{URL}/{initiative.pk}").json()
    as_reviewer = api(reviewer).get(f"{URL}/{initiative.pk}").json()

    assert (as_officer["score"], as_officer["reviews"]) == (None, None)
    assert (as_reviewer["score"], as_reviewer["reviews"]) == (88.5, [])
    attachment = as_officer["attachments"][0]
    assert attachment["original_name"] == "bao-cao.pdf"
    assert attachment["download_url"] == f"/api/v1/attachments/{attachment['id']}/download"


def test_patch_changes_a_draft_and_put_with_a_stale_version_answers_409(api, place):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a)
    initiative = InitiativeFactory(organisation=officer.organisation, name="Tên cũ")
    client = api(officer)
    url = f"{URL}/{initiative.pk}"

    patched = client.patch(url, {"problem": "Đường tối", "version": 1}, content_type=JSON)
    stale = client.put(
        url, payload(officer.organisation, name="Tên mới", version=1), content_type=JSON
    )

    assert patched.status_code == 200
    assert (patched.json()["problem"], patched.json()["version"]) == ("Đường tối", 2)
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert stale.json()["message"] == ConflictError().message
    initiative.refresh_from_db()
    assert (initiative.name, initiative.version) == ("Tên cũ", 2)


def test_only_drafts_are_edited(api, place):
    officer = user_with_role(Role.OFFICER, place[1])
    initiative = submitted(officer.organisation)

    response = api(officer).patch(f"{URL}/{initiative.pk}", {"name": "Khác"}, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == "not_draft"


def test_outside_scope_answers_404_to_read_edit_and_steps(api, place):
    _, commune_a, commune_b = place
    theirs = InitiativeFactory(organisation=OrganisationFactory(territory=commune_b))
    officer = user_with_role(Role.OFFICER, commune_a)
    client = api(officer)
    url = f"{URL}/{theirs.pk}"

    answers = [
        client.get(url),
        client.put(url, payload(theirs.organisation), content_type=JSON),
        client.patch(url, {"name": "Đổi tên"}, content_type=JSON),
        client.post(f"{url}/transitions", {"name": "submit"}, content_type=JSON),
    ]

    assert [r.status_code for r in answers] == [404, 404, 404, 404]
    assert answers[3].json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.status == Status.DRAFT


def test_viewer_reads_but_gets_403_on_create(api, place):
    commune_a = place[1]
    viewer = user_with_role(Role.VIEWER, commune_a)
    initiative = InitiativeFactory(organisation=viewer.organisation)
    client = api(viewer)

    read = client.get(f"{URL}/{initiative.pk}")
    create = client.post(URL, payload(viewer.organisation), content_type=JSON)

    assert read.status_code == 200
    assert read.json()["steps"] == []
    assert create.status_code == 403
    assert create.json()["code"] == "forbidden"
    assert Initiative.objects.count() == 1


def test_field_errors_are_named_and_said_in_english(api, place):
    officer = user_with_role(Role.OFFICER, place[1])
    client = api(officer)
    organisation = officer.organisation

    money = client.post(
        URL, payload(organisation, indicators={"money_mobilised": 1500.5}), content_type=JSON
    )
    unknown_field = client.post(URL, payload(organisation, field="thien_van"), content_type=JSON)
    no_name = client.post(URL, payload(organisation, name="   "), content_type=JSON)
    negative = client.post(
        URL, payload(organisation, indicators={"households": -3}), content_type=JSON
    )

    assert [money.status_code, unknown_field.status_code, no_name.status_code] == [422] * 3
    assert money.json()["details"] == [
        {
            "field": "indicators.money_mobilised",
            "message": "Money mobilised is an amount in VND: enter a whole number, "
            "without decimals.",
        }
    ]
    assert unknown_field.json()["details"] == [
        {
            "field": "field",
            "message": "Select a valid choice. That choice is not one of the available choices.",
        }
    ]
    assert no_name.json()["details"] == [{"field": "name", "message": "This field is required."}]
    assert negative.json()["details"][0]["field"] == "indicators.households"
    assert not Initiative.objects.exists()


def test_field_errors_follow_accept_language_vi(api, place):
    officer = user_with_role(Role.OFFICER, place[1])
    client = api(officer, "vi")

    no_name = client.post(URL, payload(officer.organisation, name=""), content_type=JSON)
    money = client.post(
        URL, payload(officer.organisation, indicators={"money_mobilised": 0.5}), content_type=JSON
    )

    assert no_name.status_code == money.status_code == 422
    assert no_name.json()["message"] == in_language("vi", "Some values are not valid.")
    assert no_name.json()["details"] == [{"field": "name", "message": "Trường này là bắt buộc."}]
    [detail] = money.json()["details"]
    assert detail["field"] == "indicators.money_mobilised"
    assert isinstance(detail["message"], str)
    assert detail["message"]


def test_organisation_outside_scope_is_an_unknown_choice(api, place):
    _, commune_a, commune_b = place
    officer = user_with_role(Role.OFFICER, commune_a)
    theirs = OrganisationFactory(territory=commune_b)

    response = api(officer).post(
        URL, payload(officer.organisation, organisation_id=theirs.pk), content_type=JSON
    )

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "organisation_id"


# --- lifecycle steps ----------------------------------------------------------------------------


def test_officer_submits_and_viewer_cannot(api, place):
    commune_a = place[1]
    officer = user_with_role(Role.OFFICER, commune_a)
    viewer = user_with_role(Role.VIEWER, commune_a)
    initiative = InitiativeFactory(organisation=officer.organisation)
    url = f"{URL}/{initiative.pk}/transitions"

    refused = api(viewer).post(url, {"name": "submit"}, content_type=JSON)
    done = api(officer).post(url, {"name": "submit", "version": 1}, content_type=JSON)

    assert refused.status_code == 403
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["steps"]) == ("submitted", ["withdraw"])
    assert done.json()["submitted_at"] is not None


def test_reviewer_returns_with_a_reason_and_not_without(api, place):
    province, commune_a, _ = place
    reviewer = user_with_role(Role.REVIEWER, province)
    initiative = submitted(OrganisationFactory(territory=commune_a))
    client = api(reviewer)
    url = f"{URL}/{initiative.pk}/transitions"
    assert "return" in client.get(f"{URL}/{initiative.pk}").json()["steps"]

    without = client.post(url, {"name": "return", "reason": "  "}, content_type=JSON)
    unknown = client.post(url, {"name": "recognise"}, content_type=JSON)
    returned = client.post(url, {"name": "return", "reason": "Bổ sung số liệu"}, content_type=JSON)

    assert without.status_code == 400
    assert without.json()["code"] == "reason_required"
    assert without.json()["details"] == {"field": "reason"}
    assert unknown.status_code == 422
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["status_note"]) == (
        "draft",
        "Bổ sung số liệu",
    )


def test_stale_version_on_a_step_answers_409(api, place):
    officer = user_with_role(Role.OFFICER, place[1])
    initiative = InitiativeFactory(organisation=officer.organisation, version=3)

    response = api(officer).post(
        f"{URL}/{initiative.pk}/transitions", {"name": "submit", "version": 2}, content_type=JSON
    )

    assert response.status_code == 409
    initiative.refresh_from_db()
    assert initiative.status == Status.DRAFT


# --- replications and evaluations ---------------------------------------------------------------


def test_replication_and_evaluation_of_a_recognised_model(api, place):
    province, commune_a, commune_b = place
    officer = user_with_role(Role.OFFICER, commune_a)
    leader = user_with_role(Role.LEADER, province)
    initiative = InitiativeFactory(
        organisation=officer.organisation, status=Status.RECOGNISED, level=Level.COMMUNE
    )
    year = timezone.localdate().year
    url = f"{URL}/{initiative.pk}"

    added = api(officer).post(
        f"{url}/replications", {"territory_id": commune_b.pk, "year": year}, content_type=JSON
    )
    denied = api(officer).post(
        f"{url}/evaluations", {"year": year, "outcome": "maintained"}, content_type=JSON
    )
    evaluated = api(leader).post(
        f"{url}/evaluations", {"year": year, "outcome": "maintained"}, content_type=JSON
    )
    detail = api(officer).get(url).json()
    removed = api(officer).delete(f"{url}/replications/{added.json()['id']}")

    assert added.status_code == 201
    assert added.json()["territory"]["id"] == commune_b.pk
    assert denied.status_code == 403
    assert evaluated.status_code == 201
    assert [e["outcome"] for e in detail["evaluations"]] == ["maintained"]
    assert [r["year"] for r in detail["replications"]] == [year]
    assert removed.status_code == 204
    assert not initiative.replications.exists()


# --- councils, rounds, scoring ---------------------------------------------------------------


def weighted_total(weights_and_scores) -> Decimal:
    """The sheet total written out by hand: Σ weight·score·100/max over Σ weight."""
    numerator = sum(Decimal(w) * Decimal(s) * 100 / Decimal(m) for w, s, m in weights_and_scores)
    denominator = sum(Decimal(w) for w, _, _ in weights_and_scores)
    return (numerator / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def review(place):
    """A provincial council with a chair, a reviewer, and a round holding two submitted models."""
    province, commune_a, _ = place
    year = timezone.localdate().year
    council = CouncilFactory(
        territory=province,
        year=year,
        criteria_set=CriteriaSetFactory(criteria=[("a", 60, 10), ("b", 30, 5), ("c", 10, 20)]),
    )
    chair = user_with_role(Role.LEADER, province)
    reviewer = user_with_role(Role.REVIEWER, province)
    CouncilMemberFactory(council=council, user=chair, role="chair")
    CouncilMemberFactory(council=council, user=reviewer)
    review_round = ReviewRoundFactory(council=council)
    models = [
        submitted(OrganisationFactory(territory=commune_a), target_level=Level.PROVINCE)
        for _ in range(2)
    ]
    return {
        "council": council,
        "chair": chair,
        "reviewer": reviewer,
        "round": review_round,
        "models": models,
    }


def _put_before(api, review) -> list[dict]:
    response = api(review["chair"]).post(
        f"{URL}/rounds/{review['round'].pk}/entries",
        {"initiative_ids": [m.pk for m in review["models"]]},
        content_type=JSON,
    )
    assert response.status_code == 201
    return response.json()["entries"]


def test_council_is_created_members_seated_and_a_round_opened(api, place):
    province = place[0]
    leader = user_with_role(Role.LEADER, province)
    reviewer = user_with_role(Role.REVIEWER, province)
    issuer = OrganisationFactory(territory=province)
    criteria_set = CriteriaSetFactory()
    client = api(leader)

    created = client.post(
        f"{URL}/councils",
        {
            "name": "Hội đồng thẩm định cấp tỉnh",
            "year": timezone.localdate().year,
            "level": "tinh",
            "territory_id": province.pk,
            "issuer_id": issuer.pk,
            "criteria_set_id": criteria_set.pk,
        },
        content_type=JSON,
    )
    council_url = f"{URL}/councils/{created.json()['id']}"
    chair = client.post(
        f"{council_url}/members", {"username": leader.username, "role": "chair"}, content_type=JSON
    )
    member = client.post(
        f"{council_url}/members", {"username": reviewer.username}, content_type=JSON
    )
    nobody = client.post(f"{council_url}/members", {"username": "khong-co"}, content_type=JSON)
    opened = client.post(
        f"{council_url}/rounds",
        {"name": "Đợt 1", "deadline": str(timezone.localdate())},
        content_type=JSON,
    )
    detail = client.get(council_url).json()
    listed = client.get(f"{URL}/councils").json()

    assert created.status_code == 201
    assert created.json()["pass_score"] == 70.0
    assert (chair.status_code, member.status_code) == (201, 201)
    assert nobody.status_code == 422
    assert nobody.json()["details"] == [
        {"field": "username", "message": "No such user in your scope."}
    ]
    assert opened.status_code == 201
    assert opened.json()["status"] == "open"
    assert sorted(m["role"] for m in detail["members"]) == ["chair", "member"]
    assert [c["weight"] for c in detail["criteria"]] == [60.0, 40.0]
    assert [r["name"] for r in detail["rounds"]] == ["Đợt 1"]
    assert detail["can_manage"] is True
    assert listed["count"] == 1


def test_officer_cannot_create_a_council_or_seat_members(api, place):
    province, commune_a, _ = place
    officer = user_with_role(Role.OFFICER, commune_a)
    council = CouncilFactory(territory=province)
    client = api(officer)

    create = client.post(
        f"{URL}/councils",
        {
            "name": "X",
            "year": 2025,
            "level": "tinh",
            "territory_id": province.pk,
            "issuer_id": council.issuer_id,
            "criteria_set_id": council.criteria_set_id,
        },
        content_type=JSON,
    )
    seat = client.post(
        f"{URL}/councils/{council.pk}/members", {"username": officer.username}, content_type=JSON
    )

    assert create.status_code == 403
    assert seat.status_code == 404  # the council's unit lies above the officer's commune
    assert Council.objects.count() == 1


def test_scores_give_the_weighted_mean_and_ranking(api, review):
    entries = _put_before(api, review)
    first, second = review["models"]
    by_model = {e["initiative"]["id"]: e["id"] for e in entries}
    round_url = f"{URL}/rounds/{review['round'].pk}"

    by_reviewer = api(review["reviewer"]).put(
        f"{round_url}/entries/{by_model[first.pk]}/score",
        {"values": {"a": 8, "b": 3, "c": 15}, "comment": "Tốt"},
        content_type=JSON,
    )
    by_chair = api(review["chair"]).put(
        f"{round_url}/entries/{by_model[first.pk]}/score",
        {"values": {"a": 10, "b": 5, "c": 20}},
        content_type=JSON,
    )
    api(review["chair"]).put(
        f"{round_url}/entries/{by_model[second.pk]}/score",
        {"values": {"a": 5, "b": 2, "c": 10}},
        content_type=JSON,
    )
    ranking = api(review["reviewer"]).get(round_url).json()

    reviewer_total = weighted_total([(60, 8, 10), (30, 3, 5), (10, 15, 20)])
    chair_total = weighted_total([(60, 10, 10), (30, 5, 5), (10, 20, 20)])
    expected = ((reviewer_total + chair_total) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert by_reviewer.status_code == by_chair.status_code == 200
    assert Decimal(str(by_reviewer.json()["sheet"]["total"])) == reviewer_total
    assert Decimal(str(by_chair.json()["entry"]["average"])) == expected
    assert by_chair.json()["entry"]["score_count"] == 2
    assert [(e["initiative"]["id"], e["rank"]) for e in ranking["entries"]] == [
        (first.pk, 1),
        (second.pk, 2),
    ]
    assert Decimal(str(ranking["entries"][0]["average"])) == expected


def test_officer_sees_the_ranking_without_averages(api, review, place):
    _put_before(api, review)
    officer = user_with_role(Role.OFFICER, place[0])

    response = api(officer).get(f"{URL}/rounds/{review['round'].pk}").json()

    assert {(e["average"], e["score_count"]) for e in response["entries"]} == {(None, None)}
    assert (response["can_score"], response["can_close"]) == (False, False)


def test_conflict_of_interest_and_non_members_are_refused(api, review, place):
    entries = _put_before(api, review)
    first = review["models"][0]
    conflicted = user_with_role(Role.REVIEWER, place[0], organisation=first.organisation)
    CouncilMemberFactory(council=review["council"], user=conflicted)
    outsider = user_with_role(Role.REVIEWER, place[0])
    entry_id = next(e["id"] for e in entries if e["initiative"]["id"] == first.pk)
    url = f"{URL}/rounds/{review['round'].pk}/entries/{entry_id}/score"
    sheet = {"values": {"a": 9, "b": 4, "c": 18}}

    own = api(conflicted).put(url, sheet, content_type=JSON)
    stranger = api(outsider).put(url, sheet, content_type=JSON)
    to_score = api(conflicted).get(f"{URL}/rounds/{review['round'].pk}/my-entries")
    not_seated = api(outsider).get(f"{URL}/rounds/{review['round'].pk}/my-entries")

    assert own.status_code == 400
    assert own.json()["code"] == "conflict_of_interest"
    assert stranger.status_code == 400
    assert stranger.json()["code"] == "not_member"
    assert not ScoreSheet.objects.exists()
    assert [e["initiative"]["id"] for e in to_score.json()["entries"]] == [review["models"][1].pk]
    assert to_score.json()["conflicted"] == 1
    assert [c["code"] for c in to_score.json()["criteria"]] == ["a", "b", "c"]
    assert not_seated.status_code == 403


def test_score_outside_the_scale_is_refused_with_the_criterion(api, review):
    entries = _put_before(api, review)

    response = api(review["reviewer"]).put(
        f"{URL}/rounds/{review['round'].pk}/entries/{entries[0]['id']}/score",
        {"values": {"a": 11, "b": 3, "c": 3}},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["details"] == {"field": "a"}


def test_chair_closes_the_round_with_recognitions_and_decision_files(api, review):
    entries = _put_before(api, review)
    first, second = review["models"]
    passing = next(e["id"] for e in entries if e["initiative"]["id"] == first.pk)
    round_url = f"{URL}/rounds/{review['round'].pk}"
    for member in ("reviewer", "chair"):
        api(review[member]).put(
            f"{round_url}/entries/{passing}/score",
            {"values": {"a": 9, "b": 4, "c": 16}},
            content_type=JSON,
        )
    close = {
        "decision_date": str(timezone.localdate()),
        "signer_name": "Trần Quang Vinh",
        "signer_position": "Phó Trưởng ban",
        "version": 1,
    }

    by_member = api(review["reviewer"]).post(f"{round_url}/close", close, content_type=JSON)
    outsider = user_with_role(Role.LEADER, review["council"].territory)
    by_leader = api(outsider).post(f"{round_url}/close", close, content_type=JSON)
    closed = api(review["chair"]).post(f"{round_url}/close", close, content_type=JSON)
    again = api(review["chair"]).post(f"{round_url}/close", close, content_type=JSON)

    assert by_member.status_code == 403
    assert by_leader.status_code == 400
    assert by_leader.json()["code"] == "not_chair"
    assert closed.status_code == 200
    body = closed.json()
    assert body["status"] == "closed"
    assert body["decision_number"]
    assert sorted(a["kind"] for a in body["attachments"]) == ["docx", "pdf"]
    download = body["attachments"][0]
    assert download["download_url"] == f"/api/v1/attachments/{download['id']}/download"
    assert again.status_code == 409
    recognition = Recognition.objects.get()
    assert (recognition.initiative_id, recognition.level) == (first.pk, Level.PROVINCE)
    files = Attachment.objects.filter(owner_type="initiatives.initiative", owner_id=str(first.pk))
    assert sorted(f.kind for f in files) == ["docx", "pdf"]
    assert not Attachment.objects.filter(
        owner_type="initiatives.initiative", owner_id=str(second.pk)
    ).exists()
    detail = api(review["chair"]).get(f"{URL}/{first.pk}").json()
    assert detail["status"] == "recognised"
    assert [r["decision_number"] for r in detail["recognitions"]] == [body["decision_number"]]
    assert sorted(a["kind"] for a in detail["attachments"]) == ["docx", "pdf"]
    assert api(review["chair"]).get(f"{URL}/{second.pk}").json()["status"] == "rejected"


def test_close_rejects_entries_of_another_round(api, review):
    _put_before(api, review)

    response = api(review["chair"]).post(
        f"{URL}/rounds/{review['round'].pk}/close",
        {
            "recognised_entry_ids": [999_999],
            "decision_date": str(timezone.localdate()),
            "signer_name": "Trần Quang Vinh",
            "signer_position": "Phó Trưởng ban",
        },
        content_type=JSON,
    )

    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "recognised_entry_ids"


def test_member_with_scores_stays_seated(api, review):
    entries = _put_before(api, review)
    api(review["reviewer"]).put(
        f"{URL}/rounds/{review['round'].pk}/entries/{entries[0]['id']}/score",
        {"values": {"a": 5, "b": 5, "c": 5}},
        content_type=JSON,
    )
    seat = CouncilMember.objects.get(user=review["reviewer"])

    response = api(review["chair"]).delete(
        f"{URL}/councils/{review['council'].pk}/members/{seat.pk}"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "in_use"
    assert CouncilMember.objects.filter(pk=seat.pk).exists()


def test_list_query_count_does_not_grow_with_rows(api, place, django_assert_max_num_queries):
    commune_a = place[1]
    organisation = OrganisationFactory(territory=commune_a)
    for _ in range(20):
        InitiativeFactory(organisation=organisation, score=Decimal(80))
    reviewer = user_with_role(Role.REVIEWER, commune_a)
    client = api(reviewer)

    # session, user, grants, count, page
    with django_assert_max_num_queries(5):
        response = client.get(URL, {"page_size": 50})

    assert response.json()["count"] == 20
    assert {item["score"] for item in response.json()["items"]} == {80}
