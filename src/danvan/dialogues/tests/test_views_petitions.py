"""The officers' petition screens: inbox, page, steps, entry, masking and the logged reveal."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import Action, AuditEvent
from danvan.dialogues.models import Category, Channel, Petition, PetitionStatus
from danvan.dialogues.tests.factories import PetitionFactory
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

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
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


@pytest.fixture
def petition(people):
    return PetitionFactory(
        territory=people["commune"],
        submitter_id_number=ID_NUMBER,
        submitter_phone=PHONE,
        submitter_email=EMAIL,
        title="Mương thoát nước tổ 5 bị tắc",
    )


def _url(name, petition):
    return reverse(f"dialogues:{name}", args=[petition.pk])


def _assigned(petition, people, status=PetitionStatus.ASSIGNED):
    officer = people["officer"]
    Petition.objects.filter(pk=petition.pk).update(
        status=status, agency=officer.organisation, officer=officer
    )
    petition.refresh_from_db()
    return petition


# --- inbox -----------------------------------------------------------------------------------------


def test_inbox_lists_new_petitions_in_scope_with_tab_counts(as_user, people, petition):
    PetitionFactory(territory=people["elsewhere"], title="Ở xã khác không được thấy")

    response = as_user(people["viewer"]).get(reverse("dialogues:petition_inbox"))

    assert response.status_code == 200
    content = response.content.decode()
    assert petition.title in content
    assert "Ở xã khác" not in content
    assert response.context["tabs"][0][2] == 1  # "new" tab count
    assert response.context["nav"]["dialogues"]


def test_inbox_marks_overdue_rows_with_days_late(as_user, people, petition):
    Petition.objects.filter(pk=petition.pk).update(
        status=PetitionStatus.ASSIGNED, deadline=timezone.localdate() - timedelta(days=4)
    )

    response = as_user(people["officer"]).get(
        reverse("dialogues:petition_inbox"), {"tab": "overdue"}
    )

    assert response.status_code == 200
    assert "4 days late" in response.content.decode()
    assert [p.pk for p in response.context["page"]] == [petition.pk]


def test_inbox_search_ignores_accents_and_filters_by_field(as_user, people, petition):
    PetitionFactory(territory=people["commune"], title="Đèn đường hỏng", category=Category.LAND)
    client = as_user(people["officer"])

    found = client.get(reverse("dialogues:petition_inbox"), {"q": "BI TAC"})
    by_field = client.get(reverse("dialogues:petition_inbox"), {"category": Category.LAND})

    assert [p.pk for p in found.context["page"]] == [petition.pk]
    assert [p.title for p in by_field.context["page"]] == ["Đèn đường hỏng"]


def test_inbox_narrows_to_unit_subtree(as_user, people, petition):
    leader = user_with_role("leader", people["province"])
    PetitionFactory(territory=people["elsewhere"], title="Ở xã B")

    everything = as_user(leader).get(reverse("dialogues:petition_inbox"))
    narrowed = as_user(leader).get(
        reverse("dialogues:petition_inbox"), {"territory": people["elsewhere"].pk}
    )

    assert len(everything.context["page"]) == 2
    assert [p.title for p in narrowed.context["page"]] == ["Ở xã B"]


def test_inbox_htmx_returns_the_table_only(as_user, people, petition):
    response = as_user(people["officer"]).get(
        reverse("dialogues:petition_inbox"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="petition-table",
    )

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'id="petition-table"' in response.content


def test_inbox_without_dialogues_role_is_403(as_user, people):
    from danvan.accounts.tests.factories import UserFactory

    response = as_user(UserFactory()).get(reverse("dialogues:petition_inbox"))

    assert response.status_code == 403


# --- bulk assign ----------------------------------------------------------------------------------


def test_bulk_assign_assigns_all_ticked(as_user, people, petition):
    other = PetitionFactory(territory=people["commune"])
    agency = people["officer"].organisation

    response = as_user(people["officer"]).post(
        reverse("dialogues:petition_bulk_assign"),
        {"ids": [petition.pk, other.pk], "agency": agency.pk},
        follow=True,
    )

    assert response.status_code == 200
    assert set(Petition.objects.values_list("status", flat=True)) == {PetitionStatus.ASSIGNED}
    assert "2 petitions were assigned" in response.content.decode()


def test_bulk_assign_rolls_back_when_one_is_not_assignable(as_user, people, petition):
    taken = _assigned(PetitionFactory(territory=people["commune"]), people)
    agency = people["officer"].organisation

    response = as_user(people["officer"]).post(
        reverse("dialogues:petition_bulk_assign"),
        {"ids": [petition.pk, taken.pk], "agency": agency.pk},
        follow=True,
    )

    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECEIVED
    assert petition.agency_id is None
    assert "Nothing was assigned" in response.content.decode()


def test_bulk_assign_refuses_a_petition_outside_scope(as_user, people, petition):
    foreign = PetitionFactory(territory=people["elsewhere"])

    as_user(people["officer"]).post(
        reverse("dialogues:petition_bulk_assign"),
        {"ids": [petition.pk, foreign.pk], "agency": people["officer"].organisation.pk},
    )

    assert not Petition.objects.exclude(status=PetitionStatus.RECEIVED).exists()


def test_bulk_assign_by_viewer_is_403(as_user, people, petition):
    response = as_user(people["viewer"]).post(
        reverse("dialogues:petition_bulk_assign"),
        {"ids": [petition.pk], "agency": people["officer"].organisation.pk},
    )

    assert response.status_code == 403


def test_officer_options_lists_the_agency_staff(as_user, people):
    agency = people["officer"].organisation

    response = as_user(people["leader"]).get(
        reverse("dialogues:petition_officers"), {"agency": agency.pk}
    )

    assert response.status_code == 200
    assert people["officer"].display_name in response.content.decode()


# --- the page, masking and reveal ---------------------------------------------------------------------


def test_page_masks_personal_numbers(as_user, people, petition):
    response = as_user(people["viewer"]).get(_url("petition_detail", petition))

    content = response.content.decode()
    assert response.status_code == 200
    for secret in (ID_NUMBER, PHONE, EMAIL):
        assert secret not in content
    assert "0492******34" in content
    assert "Show in full" not in content  # a viewer may not


def test_outsider_gets_404_on_page_and_steps(as_user, people, petition):
    client = as_user(people["outsider"])

    assert client.get(_url("petition_detail", petition)).status_code == 404
    assert client.post(_url("petition_start", petition)).status_code == 404
    assert client.post(_url("petition_reveal", petition)).status_code == 404


def test_reveal_shows_numbers_and_logs_the_view(as_user, people, petition):
    response = as_user(people["officer"]).post(
        _url("petition_reveal", petition), {"reason": "gọi lại cho công dân"}
    )

    content = response.content.decode()
    for secret in (ID_NUMBER, PHONE, EMAIL):
        assert secret in content
    event = AuditEvent.objects.get(action=Action.VIEW_PERSONAL)
    assert event.actor == people["officer"]
    assert event.object_id == str(petition.pk)
    assert event.reason == "gọi lại cho công dân"


def test_reveal_by_viewer_is_403_and_not_logged(as_user, people, petition):
    response = as_user(people["viewer"]).post(_url("petition_reveal", petition))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=Action.VIEW_PERSONAL).exists()


def test_page_offers_only_allowed_steps(as_user, people, petition):
    officer_page = as_user(people["officer"]).get(_url("petition_detail", petition))
    viewer_page = as_user(people["viewer"]).get(_url("petition_detail", petition))

    assert set(officer_page.context["steps"]) == {"assign", "merge", "mark_spam"}
    assert viewer_page.context["steps"] == {}
    assert b"petitions/%d/assign/" % petition.pk not in viewer_page.content


def test_merge_suggestions_are_listed_with_scores(as_user, people, petition):
    twin = PetitionFactory(territory=people["commune"], title=petition.title)

    response = as_user(people["officer"]).get(_url("petition_detail", petition))

    suggestions = response.context["suggestions"]
    assert [s.petition.pk for s in suggestions] == [twin.pk]
    assert "% alike" in response.content.decode()


# --- the steps -------------------------------------------------------------------------------------


def test_assign_by_officer(as_user, people, petition):
    officer = people["officer"]

    response = as_user(officer).post(
        _url("petition_assign", petition),
        {"agency": officer.organisation.pk, "officer": officer.pk, "version": petition.version},
    )

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ASSIGNED
    assert petition.officer == officer


def test_assign_by_viewer_is_403(as_user, people, petition):
    response = as_user(people["viewer"]).post(
        _url("petition_assign", petition), {"agency": people["officer"].organisation.pk}
    )

    assert response.status_code == 403
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECEIVED


def test_assign_to_agency_of_another_province_shows_a_message(as_user, people, petition):
    foreign = OrganisationFactory()  # a commune of another province

    response = as_user(people["officer"]).post(
        _url("petition_assign", petition), {"agency": foreign.pk, "version": petition.version}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECEIVED


def test_assign_with_stale_version_is_a_conflict(as_user, people, petition):
    Petition.objects.filter(pk=petition.pk).update(version=petition.version + 1)

    response = as_user(people["officer"]).post(
        _url("petition_assign", petition),
        {"agency": people["officer"].organisation.pk, "version": petition.version},
    )

    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECEIVED


def test_transfer_needs_a_reason(as_user, people, petition):
    petition = _assigned(petition, people)
    other_agency = OrganisationFactory(territory=people["elsewhere"])
    client = as_user(people["leader"])

    refused = client.post(
        _url("petition_assign", petition),
        {"agency": other_agency.pk, "version": petition.version},
    )
    done = client.post(
        _url("petition_assign", petition),
        {"agency": other_agency.pk, "version": petition.version, "reason": "Thuộc thẩm quyền xã B"},
    )

    assert refused.status_code == 400
    assert "Please give a reason" in refused.content.decode()
    assert done.status_code == 302
    petition.refresh_from_db()
    assert petition.agency == other_agency


def test_start_answer_close_by_leader(as_user, people, petition):
    petition = _assigned(petition, people)
    client = as_user(people["leader"])

    client.post(_url("petition_start", petition), {"version": petition.version})
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.IN_PROGRESS
    client.post(
        _url("petition_answer", petition),
        {"answer": "Đã nạo vét xong mương.", "public": "on", "version": petition.version},
    )
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ANSWERED
    assert petition.answer_public
    client.post(_url("petition_close", petition), {"version": petition.version})
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.CLOSED


@pytest.mark.parametrize("step", ["petition_start", "petition_answer", "petition_close"])
def test_handling_steps_by_admin_without_handle_right_are_403(as_user, people, petition, step):
    petition = _assigned(petition, people)

    response = as_user(people["admin"]).post(
        _url(step, petition), {"version": petition.version, "answer": "x" * 30}
    )

    assert response.status_code == 403


def test_empty_answer_shows_a_message_and_changes_nothing(as_user, people, petition):
    petition = _assigned(petition, people, PetitionStatus.IN_PROGRESS)

    response = as_user(people["officer"]).post(
        _url("petition_answer", petition), {"answer": "   ", "version": petition.version}
    )

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.IN_PROGRESS


def test_reopen_requires_a_reason_and_sets_a_new_deadline(as_user, people, petition):
    petition = _assigned(petition, people, PetitionStatus.ANSWERED)
    client = as_user(people["officer"])

    refused = client.post(_url("petition_reopen", petition), {"version": petition.version})
    done = client.post(
        _url("petition_reopen", petition),
        {"version": petition.version, "reason": "Công dân chưa đồng ý"},
    )

    assert refused.status_code == 400
    assert done.status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.IN_PROGRESS
    assert petition.reopen_count == 1


def test_start_on_wrong_status_shows_a_message(as_user, people, petition):
    response = as_user(people["officer"]).post(
        _url("petition_start", petition), {"version": petition.version}
    )

    assert response.status_code == 400
    assert "not possible from the current status" in response.content.decode()


def test_merge_by_tracking_code(as_user, people, petition):
    keep = PetitionFactory(territory=people["commune"])
    code = f"{keep.code[:4]}-{keep.code[4:8]}-{keep.code[8:]}".lower()

    response = as_user(people["officer"]).post(
        _url("petition_merge", petition), {"code": code, "version": petition.version}
    )

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.MERGED
    assert petition.merged_into == keep
    page = as_user(people["officer"]).get(_url("petition_detail", keep))
    assert petition in page.context["duplicates"]


def test_merge_with_unknown_or_foreign_code_changes_nothing(as_user, people, petition):
    foreign = PetitionFactory(territory=people["elsewhere"])

    response = as_user(people["officer"]).post(
        _url("petition_merge", petition), {"code": foreign.code, "version": petition.version}
    )

    assert response.status_code == 400
    assert "No petition within your scope" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECEIVED


def test_spam_and_restore(as_user, people, petition):
    client = as_user(people["leader"])

    client.post(_url("petition_spam", petition), {"version": petition.version, "reason": "rác"})
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.SPAM
    client.post(_url("petition_restore", petition), {"version": petition.version})
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECEIVED


def test_spam_by_viewer_is_403(as_user, people, petition):
    response = as_user(people["viewer"]).post(_url("petition_spam", petition))

    assert response.status_code == 403


# --- entry and correction ------------------------------------------------------------------------------


def _form(people, **overrides):
    values = {
        "title": "Xin sửa đường bê tông",
        "content": "Đường bê tông thôn 3 hư hỏng nặng sau mùa mưa, đi lại khó khăn.",
        "category": Category.INFRASTRUCTURE,
        "channel": Channel.RECEPTION,
        "territory": people["commune"].pk,
        "submitter_name": "Trần Văn Hai",
        "submitter_phone": "0912345678",
    }
    values.update(overrides)
    return values


def test_create_by_officer_registers_and_redirects(as_user, people):
    response = as_user(people["officer"]).post(reverse("dialogues:petition_create"), _form(people))

    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response.url == _url("petition_detail", petition)
    assert petition.submitter_phone == "0912345678"


def test_create_with_bad_id_number_shows_message_and_saves_nothing(as_user, people):
    response = as_user(people["officer"]).post(
        reverse("dialogues:petition_create"), _form(people, submitter_id_number="12345")
    )

    assert response.status_code == 400
    assert "exactly 12 digits" in response.content.decode()
    assert not Petition.objects.exists()


def test_create_by_viewer_is_403(as_user, people):
    response = as_user(people["viewer"]).post(reverse("dialogues:petition_create"), _form(people))

    assert response.status_code == 403
    assert not Petition.objects.exists()


def test_update_keeps_masked_numbers_when_left_empty(as_user, people, petition):
    response = as_user(people["officer"]).post(
        _url("petition_update", petition),
        _form(people, title="Tiêu đề mới", version=petition.version, submitter_phone=""),
    )

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.title == "Tiêu đề mới"
    assert petition.submitter_phone == PHONE
    assert petition.submitter_id_number == ID_NUMBER


def test_update_with_stale_version_is_a_conflict(as_user, people, petition):
    stale = petition.version
    Petition.objects.filter(pk=petition.pk).update(version=stale + 1)

    response = as_user(people["officer"]).post(
        _url("petition_update", petition), _form(people, title="Ghi đè", version=stale)
    )

    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    petition.refresh_from_db()
    assert petition.title != "Ghi đè"


def test_update_by_leader_without_change_right_is_403(as_user, people, petition):
    response = as_user(people["leader"]).get(_url("petition_update", petition))

    assert response.status_code == 403


def test_update_by_outsider_is_404(as_user, people, petition):
    response = as_user(people["outsider"]).get(_url("petition_update", petition))

    assert response.status_code == 404
