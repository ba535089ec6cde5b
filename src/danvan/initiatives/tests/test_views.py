"""Staff pages for models and councils: scope, search, filters, forms, scoring and closing."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from danvan.accounts.tests.factories import UserFactory, user_with_role
from danvan.initiatives import services
from danvan.initiatives.models import (
    Council,
    CouncilMember,
    Entry,
    Initiative,
    Level,
    Recognition,
    ReviewRound,
    RoundStatus,
    ScoreSheet,
    Status,
    Subject,
)
from danvan.initiatives.tests.factories import (
    CouncilFactory,
    CriteriaSetFactory,
    InitiativeFactory,
    ReviewRoundFactory,
    field,
)
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def model_in(commune, **fields) -> Initiative:
    return InitiativeFactory(organisation=OrganisationFactory(territory=commune), **fields)


def listed_names(response) -> list[str]:
    """Model names in the list table, in order."""
    return re.findall(r'<td><a href="/models/\d+/">([^<]+)</a>', response.text)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- list -----------------------------------------------------------------------------------


def test_the_list_shows_only_models_in_scope_even_when_searched(client, place):
    _, commune_a, commune_b = place
    mine = model_in(commune_a, name="Mô hình tự quản Đông Triều")
    other = model_in(commune_b, name="Mô hình tự quản Quảng Hà")
    client.force_login(user_with_role("officer", commune_a))

    for query in ({}, {"q": "tu quan"}, {"q": "quang ha"}):
        response = client.get("/models/", query)
        assert response.status_code == 200
        assert other.name not in response.text

    assert listed_names(client.get("/models/", {"q": "tu quan"})) == [mine.name]
    assert listed_names(client.get("/models/", {"q": "quang ha"})) == []


def test_search_ignores_accents_and_reads_the_summary_too(client, place):
    _, commune_a, _ = place
    by_name = model_in(commune_a, name="Khu dân cư tự quản", summary="Giữ gìn an ninh.")
    by_summary = model_in(
        commune_a, name="Đường hoa nông thôn mới", summary="Các hộ tự quản trồng và chăm hoa."
    )
    model_in(commune_a, name="Chợ văn minh", summary="Tiểu thương giữ vệ sinh chợ.")
    client.force_login(user_with_role("viewer", commune_a))

    names = listed_names(client.get("/models/", {"q": "tu quan"}))

    assert sorted(names) == sorted([by_name.name, by_summary.name])
    assert listed_names(client.get("/models/", {"q": "TỰ QUẢN trồng"})) == [by_summary.name]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": "2024"}, ["Năm 2024"]),
        ({"level": Level.PROVINCE}, ["Cấp tỉnh"]),
        ({"field": "quoc_phong_an_ninh"}, ["An ninh"]),
        ({"subject": Subject.INDIVIDUAL}, ["Cá nhân"]),
        ({"status": Status.SUBMITTED}, ["Năm 2024", "Đã gửi"]),
        ({"status": Status.DRAFT, "year": "2025"}, ["An ninh", "Cá nhân"]),
        ({"year": "ba"}, ["An ninh", "Cá nhân", "Cấp tỉnh", "Năm 2024", "Đã gửi"]),
    ],
)
def test_filters_narrow_the_list(client, place, query, expected):
    _, commune_a, _ = place
    model_in(commune_a, name="Năm 2024", year=2024, status=Status.SUBMITTED)
    model_in(commune_a, name="Cấp tỉnh", status=Status.RECOGNISED, level=Level.PROVINCE)
    model_in(commune_a, name="An ninh", field=field("quoc_phong_an_ninh"))
    model_in(commune_a, name="Cá nhân", subject=Subject.INDIVIDUAL, person_name="Lê Văn Tám")
    model_in(commune_a, name="Đã gửi", status=Status.SUBMITTED, year=2025)
    client.force_login(user_with_role("viewer", commune_a))

    names = listed_names(client.get("/models/", {**query, "sort": "name"}))

    assert sorted(names) == sorted(expected)


def test_sort_by_name_both_ways(client, place):
    _, commune_a, _ = place
    for name in ("Bình yên", "Ánh sáng", "Cầu nối"):
        model_in(commune_a, name=name)
    client.force_login(user_with_role("viewer", commune_a))

    assert listed_names(client.get("/models/", {"sort": "name"})) == [
        "Ánh sáng",
        "Bình yên",
        "Cầu nối",
    ]
    assert listed_names(client.get("/models/", {"sort": "-name"})) == [
        "Cầu nối",
        "Bình yên",
        "Ánh sáng",
    ]


def test_htmx_filter_returns_only_the_table(client, place):
    model_in(place[1], name="Tổ hòa giải")
    client.force_login(user_with_role("viewer", place[1]))

    response = client.get(
        "/models/",
        {"q": "hoa giai"},
        headers={"HX-Request": "true", "HX-Target": "initiative-table"},
    )

    assert response.text.lstrip().startswith('<div id="initiative-table"')
    assert "<html" not in response.text
    assert "Tổ hòa giải" in response.text


def test_the_list_renders_in_vietnamese(client, place):
    client.force_login(user_with_role("viewer", place[1]))

    response = client.get("/models/", headers={"Accept-Language": "vi"})

    assert response.status_code == 200
    assert '<html lang="vi">' in response.text


def test_someone_without_a_role_cannot_open_the_list(client):
    client.force_login(UserFactory())

    assert client.get("/models/").status_code == 403


# --- detail ---------------------------------------------------------------------------------


def test_detail_outside_the_scope_is_not_found(client, place):
    other = model_in(place[2])
    client.force_login(user_with_role("leader", place[1]))

    assert client.get(f"/models/{other.pk}/").status_code == 404
    assert client.get(f"/models/{other.pk}/edit/").status_code == 404
    assert client.get("/models/99999999999999/").status_code == 404


@pytest.mark.parametrize(
    ("role", "sees_scores"),
    [("reviewer", True), ("leader", True), ("officer", False), ("viewer", False)],
)
def test_scores_are_shown_to_reviewers_and_leaders_only(client, place, role, sees_scores):
    province, commune_a, _ = place
    chair = user_with_role("leader", province)
    council = CouncilFactory(territory=province)
    services.council_member_add(council=council, user=chair, role="chair", actor=chair)
    initiative = model_in(commune_a, status=Status.SUBMITTED, target_level=Level.PROVINCE)
    entry = services.entry_add(
        review_round=ReviewRoundFactory(council=council), initiative=initiative, actor=chair
    )
    services.score_submit(
        entry=entry, actor=chair, values={"a": 9, "b": 7}, comment="Nhận xét nội bộ"
    )
    client.force_login(user_with_role(role, commune_a))

    response = client.get(f"/models/{initiative.pk}/")

    assert response.status_code == 200
    assert ("Council scores" in response.text) is sees_scores
    assert ("Nhận xét nội bộ" in response.text) is sees_scores


# --- register and edit ----------------------------------------------------------------------


def form_data(officer, **overrides) -> dict:
    values = {
        "name": "Mô hình dân vận khéo mới",
        "kind": "mo_hinh",
        "subject": Subject.COLLECTIVE,
        "field": field("kinh_te").pk,
        "year": TODAY.year,
        "territory": officer.organisation.territory.pk,
        "organisation": officer.organisation.pk,
        "summary": "Vận động nhân dân góp công làm đường.",
        "tags": "giao thông, Giao Thông, nông thôn",
        "indicator_households": "120",
        "indicator_money_mobilised": "1500000",
    }
    values.update(overrides)
    return values


def test_register_creates_a_draft_and_opens_it(client, place):
    officer = user_with_role("officer", place[1])
    client.force_login(officer)

    response = client.post("/models/new/", form_data(officer))

    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response.url == f"/models/{initiative.pk}/"
    assert initiative.status == Status.DRAFT
    assert initiative.created_by == officer
    assert initiative.tags.count() == 2
    assert {i.kind.code: int(i.value) for i in initiative.indicators.all()} == {
        "households": 120,
        "money_mobilised": 1_500_000,
    }


def error_under(response, name: str) -> str:
    """The text of the error block under one field of the form."""
    match = re.search(rf'<div id="err-{name}" aria-live="polite">(.*?)</div>', response.text, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize(
    ("overrides", "field_name", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"year": "1990"}, "year", "greater than or equal to 2000"),
        ({"indicator_households": "-5"}, "indicator_households", "greater than or equal to 0"),
        ({"subject": Subject.INDIVIDUAL}, "person_name", "Name the person"),
        ({"started_on": "31/02/2025"}, "started_on", "Enter a date as dd/mm/yyyy."),
    ],
)
def test_an_invalid_form_shows_the_error_under_the_field(
    client, place, overrides, field_name, message
):
    officer = user_with_role("officer", place[1])
    client.force_login(officer)

    response = client.post("/models/new/", form_data(officer, **overrides))

    assert response.status_code == 400
    assert message in error_under(response, field_name)
    assert not Initiative.objects.exists()


def test_a_service_refusal_appears_under_its_field(client, place):
    officer = user_with_role("officer", place[1])
    model_in(place[1], name="Mô hình dân vận khéo mới", year=TODAY.year)
    client.force_login(officer)

    response = client.post("/models/new/", form_data(officer))

    assert response.status_code == 400
    assert "already registered" in error_under(response, "name")
    assert Initiative.objects.count() == 1


def test_a_unit_outside_the_scope_is_refused_by_the_form(client, place):
    officer = user_with_role("officer", place[1])
    client.force_login(officer)

    response = client.post("/models/new/", form_data(officer, territory=place[2].pk))

    assert response.status_code == 400
    assert place[2].name not in response.text
    assert not Initiative.objects.exists()


def test_inline_validation_reports_one_field(client, place):
    officer = user_with_role("officer", place[1])
    client.force_login(officer)

    empty = client.post("/models/validate/?field=name", form_data(officer, name=""))
    good = client.post("/models/validate/?field=name", form_data(officer))
    unknown = client.post("/models/validate/?field=nonsense", form_data(officer, name=""))

    assert empty.status_code == 200
    assert "This field is required." in empty.text
    assert 'class="errorlist"' not in good.text
    assert good.text.strip() == ""
    assert unknown.text.strip() == ""
    assert not Initiative.objects.exists()


def test_a_viewer_cannot_register(client, place):
    viewer = user_with_role("viewer", place[1])
    client.force_login(viewer)

    assert client.get("/models/new/").status_code == 403
    assert client.post("/models/new/", form_data(viewer)).status_code == 403
    assert not Initiative.objects.exists()


def test_edit_saves_a_draft(client, place):
    officer = user_with_role("officer", place[1])
    initiative = services.initiative_create(
        data=services.InitiativeData(
            name="Tên cũ",
            summary="Tóm tắt.",
            subject=Subject.COLLECTIVE,
            field=field("kinh_te"),
            territory=place[1],
            organisation=officer.organisation,
            year=TODAY.year,
        ),
        actor=officer,
    )
    client.force_login(officer)

    form = client.get(f"/models/{initiative.pk}/edit/")
    response = client.post(
        f"/models/{initiative.pk}/edit/",
        form_data(officer, name="Tên mới", version=initiative.version),
    )

    assert form.status_code == 200
    assert 'value="Tên cũ"' in form.text
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.name, initiative.version) == ("Tên mới", 2)


def test_edit_is_refused_once_submitted(client, place):
    officer = user_with_role("officer", place[1])
    initiative = model_in(place[1], status=Status.SUBMITTED, name="Đã nộp")
    client.force_login(officer)

    shown = client.get(f"/models/{initiative.pk}/edit/")
    posted = client.post(f"/models/{initiative.pk}/edit/", form_data(officer, name="Đổi tên"))

    assert shown.status_code == 302
    assert shown.url == f"/models/{initiative.pk}/"
    assert "Only drafts can be edited" in messages_of(shown)[0]
    assert posted.status_code == 302
    initiative.refresh_from_db()
    assert initiative.name == "Đã nộp"


# --- councils -------------------------------------------------------------------------------


@pytest.fixture
def province_staff(place):
    province = place[0]
    return {
        "chair": user_with_role("leader", province),
        "reviewer": user_with_role("reviewer", province),
        "officer": user_with_role("officer", place[1]),
    }


def test_a_council_is_created_from_its_page(client, place, province_staff):
    chair = province_staff["chair"]
    criteria = CriteriaSetFactory()
    issuer = OrganisationFactory(territory=place[0], name="Ban Dân vận Tỉnh ủy")
    client.force_login(chair)

    response = client.post(
        "/models/councils/new/",
        {
            "name": "Hội đồng thẩm định cấp tỉnh",
            "year": TODAY.year,
            "level": Level.PROVINCE,
            "territory": place[0].pk,
            "issuer": issuer.pk,
            "criteria_set": criteria.pk,
            "pass_score": "75.5",
        },
    )

    council = Council.objects.get()
    assert response.status_code == 302
    assert response.url == f"/models/councils/{council.pk}/"
    assert (council.issuer, str(council.pass_score)) == (issuer, "75.50")


def test_council_pages_seat_members_and_open_a_round(client, place, province_staff):
    chair, reviewer = province_staff["chair"], province_staff["reviewer"]
    council = CouncilFactory(territory=place[0])
    client.force_login(chair)
    url = f"/models/councils/{council.pk}/"

    unknown = client.post(url, {"username": "khong-ton-tai", "role": "member"})
    officer = client.post(url, {"username": province_staff["officer"].username, "role": "member"})
    seated_chair = client.post(url, {"username": chair.username, "role": "chair"})
    seated = client.post(url, {"username": reviewer.username, "role": "member"})
    opened = client.post(
        url, {"name": "Đợt 1", "deadline": (TODAY + timedelta(days=5)).strftime("%d/%m/%Y")}
    )

    assert seated_chair.status_code == seated.status_code == 302
    assert set(CouncilMember.objects.values_list("user__username", "role")) == {
        (chair.username, "chair"),
        (reviewer.username, "member"),
    }
    assert unknown.status_code == 400
    assert "No such user in your scope." in unknown.text
    assert officer.status_code == 400
    assert "holds no reviewer role" in officer.text
    review_round = ReviewRound.objects.get()
    assert opened.url == f"/models/rounds/{review_round.pk}/"
    assert review_round.deadline == TODAY + timedelta(days=5)


def test_a_council_outside_the_scope_is_not_found(client, place):
    council = CouncilFactory(territory=place[0])
    client.force_login(user_with_role("leader", place[2]))

    response = client.post(f"/models/councils/{council.pk}/", {"username": "x", "role": "member"})

    # A commune leader sees the province's council only when seated on it.
    assert response.status_code == 404


@pytest.fixture
def scoring(client, place, province_staff):
    """A council with a chair and a reviewer, an open round and two submitted models."""
    chair, reviewer = province_staff["chair"], province_staff["reviewer"]
    council = CouncilFactory(territory=place[0], year=TODAY.year, pass_score=70)
    services.council_member_add(council=council, user=chair, role="chair", actor=chair)
    services.council_member_add(council=council, user=reviewer, actor=chair)
    review_round = ReviewRoundFactory(council=council)
    strong = model_in(
        place[1], name="Mô hình mạnh", status=Status.SUBMITTED, target_level=Level.PROVINCE
    )
    weak = model_in(
        place[2], name="Mô hình yếu", status=Status.SUBMITTED, target_level=Level.PROVINCE
    )
    return {**province_staff, "round": review_round, "strong": strong, "weak": weak}


def test_entries_are_added_from_the_round_page(client, scoring):
    review_round = scoring["round"]
    client.force_login(scoring["reviewer"])

    page = client.get(f"/models/rounds/{review_round.pk}/")
    response = client.post(
        f"/models/rounds/{review_round.pk}/entries/",
        {"initiative": [scoring["strong"].pk, scoring["weak"].pk, "x"]},
    )

    assert "Mô hình mạnh" in page.text
    assert "Mô hình yếu" in page.text
    assert response.status_code == 302
    assert Entry.objects.filter(review_round=review_round).count() == 2
    assert set(Initiative.objects.values_list("status", flat=True)) == {Status.UNDER_REVIEW}


def test_the_scoring_screen_leaves_out_models_of_the_member_organisation(client, place, scoring):
    review_round = scoring["round"]
    own = InitiativeFactory(
        name="Mô hình của cơ quan mình",
        status=Status.SUBMITTED,
        target_level=Level.PROVINCE,
        organisation=scoring["reviewer"].organisation,
    )
    for initiative in (scoring["strong"], own):
        services.entry_add(review_round=review_round, initiative=initiative, actor=scoring["chair"])
    client.force_login(scoring["reviewer"])

    response = client.get(f"/models/rounds/{review_round.pk}/score/")

    assert response.status_code == 200
    assert "Mô hình mạnh" in response.text
    assert "Mô hình của cơ quan mình" not in response.text
    assert "1 model of your own organisation is left out." in response.text


def test_only_members_open_the_scoring_screen(client, scoring):
    client.force_login(user_with_role("reviewer", scoring["round"].council.territory))

    assert client.get(f"/models/rounds/{scoring['round'].pk}/score/").status_code == 403


def test_htmx_score_save_returns_the_card_marked_scored(client, scoring):
    review_round = scoring["round"]
    entry = services.entry_add(
        review_round=review_round, initiative=scoring["strong"], actor=scoring["chair"]
    )
    client.force_login(scoring["reviewer"])
    url = f"/models/rounds/{review_round.pk}/score/{entry.pk}/"

    refused = client.post(url, {"a": "11", "b": "5"}, headers={"HX-Request": "true"})
    saved = client.post(url, {"a": "9", "b": "7"}, headers={"HX-Request": "true"})

    assert refused.status_code == 400
    assert "Tiêu chí a" in refused.text
    assert 'value="11"' in refused.text
    assert saved.status_code == 200
    assert saved.text.lstrip().startswith(
        f'<article class="panel score-card is-scored" id="entry-{entry.pk}"'
    )
    assert "Scored: 82" in saved.text
    # The progress line above the cards is swapped out of band: one of one scored now.
    assert 'id="score-progress" hx-swap-oob="true"' in saved.text
    assert "1 of 1 scored." in saved.text
    assert "<html" not in saved.text
    assert ScoreSheet.objects.get().total == 82


def test_score_save_without_htmx_redirects_with_a_message(client, scoring):
    review_round = scoring["round"]
    entry = services.entry_add(
        review_round=review_round, initiative=scoring["strong"], actor=scoring["chair"]
    )
    client.force_login(scoring["reviewer"])

    response = client.post(
        f"/models/rounds/{review_round.pk}/score/{entry.pk}/", {"a": "9", "b": "7"}
    )

    assert response.status_code == 302
    assert response.url == f"/models/rounds/{review_round.pk}/score/"
    assert messages_of(response) == ["Your scores were saved."]


def test_closing_the_round_from_its_page_issues_the_recognitions(client, scoring):
    review_round = scoring["round"]
    strong = services.entry_add(
        review_round=review_round, initiative=scoring["strong"], actor=scoring["chair"]
    )
    weak = services.entry_add(
        review_round=review_round, initiative=scoring["weak"], actor=scoring["chair"]
    )
    services.score_submit(entry=strong, actor=scoring["reviewer"], values={"a": 9, "b": 9})
    services.score_submit(entry=weak, actor=scoring["reviewer"], values={"a": 3, "b": 3})
    client.force_login(scoring["chair"])
    url = f"/models/rounds/{review_round.pk}/"

    closed = client.post(
        f"{url}close/",
        {
            "recognise": [strong.pk],
            "decision_date": TODAY.strftime("%d/%m/%Y"),
            "signer_name": "Trần Văn Bình",
            "signer_position": "Trưởng ban",
            "version": review_round.version,
        },
    )

    assert closed.status_code == 302
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.CLOSED
    assert review_round.signer_name == "Trần Văn Bình"
    recognition = Recognition.objects.get()
    assert recognition.initiative == scoring["strong"]
    scoring["weak"].refresh_from_db()
    assert scoring["weak"].status == Status.REJECTED


def test_a_member_who_is_not_the_chair_cannot_close_from_the_page(client, scoring):
    review_round = scoring["round"]
    services.entry_add(
        review_round=review_round, initiative=scoring["strong"], actor=scoring["chair"]
    )
    client.force_login(scoring["reviewer"])

    posted = client.post(
        f"/models/rounds/{review_round.pk}/close/",
        {"decision_date": TODAY.strftime("%d/%m/%Y"), "signer_name": "A", "signer_position": "B"},
    )

    assert posted.status_code == 403
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.OPEN


# The history block under these pages names fields that are reverse relations (entries,
# members, indicators): it must label them instead of failing.


def test_the_round_page_ranks_entries_and_offers_closing_to_the_chair(client, scoring):
    review_round = scoring["round"]
    strong = services.entry_add(
        review_round=review_round, initiative=scoring["strong"], actor=scoring["chair"]
    )
    services.entry_add(
        review_round=review_round, initiative=scoring["weak"], actor=scoring["chair"]
    )
    services.score_submit(entry=strong, actor=scoring["reviewer"], values={"a": 9, "b": 9})
    url = f"/models/rounds/{review_round.pk}/"
    client.force_login(scoring["reviewer"])
    as_member = client.get(url)
    client.force_login(scoring["chair"])

    page = client.get(url)
    incomplete = client.post(f"{url}close/", {"recognise": [strong.pk], "signer_name": ""})

    assert "Close and issue the decision" not in as_member.text
    assert f'name="recognise" value="{strong.pk}" aria-label' in page.text
    assert "Close and issue the decision" in page.text
    assert incomplete.status_code == 400
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.OPEN


def test_the_council_page_lists_its_members(client, place, province_staff):
    chair = province_staff["chair"]
    council = CouncilFactory(territory=place[0])
    services.council_member_add(council=council, user=chair, role="chair", actor=chair)
    client.force_login(chair)

    page = client.get(f"/models/councils/{council.pk}/")

    assert chair.full_name in page.text


def test_the_detail_of_a_model_registered_with_results_renders(client, place):
    officer = user_with_role("officer", place[1])
    client.force_login(officer)
    client.post("/models/new/", form_data(officer))

    page = client.get(f"/models/{Initiative.objects.get().pk}/")

    assert "Mô hình dân vận khéo mới" in page.text
