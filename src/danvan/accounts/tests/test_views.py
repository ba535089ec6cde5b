import pytest
from django.conf import settings
from django.urls import reverse

from danvan.accounts.models import ApiToken, RoleGrant, User
from danvan.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.roles import Role
from danvan.core.search import search_key
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _english(settings):
    # Assertions read English text; the Vietnamese catalogue is checked elsewhere.
    settings.LANGUAGE_CODE = "en"


def named_user(username, full_name, organisation):
    # The factory leaves the search column empty; the services fill it in real use.
    return UserFactory(
        username=username,
        full_name=full_name,
        organisation=organisation,
        search_name=search_key(full_name, username),
    )


@pytest.fixture
def province():
    return ProvinceFactory(name="Tỉnh Quảng Ninh")


@pytest.fixture
def commune_a(province):
    return CommuneFactory(parent=province, name="Phường Đông Triều")


@pytest.fixture
def commune_b(province):
    return CommuneFactory(parent=province, name="Xã Quảng Hà")


@pytest.fixture
def org_a(commune_a):
    return OrganisationFactory(territory=commune_a, name="Hội Nông dân Đông Triều")


@pytest.fixture
def org_b(commune_b):
    return OrganisationFactory(territory=commune_b, name="Đoàn Thanh niên Quảng Hà")


@pytest.fixture
def admin_a(commune_a, org_a):
    return user_with_role(Role.TERRITORY_ADMIN, commune_a, username="quantri_a", organisation=org_a)


@pytest.fixture
def member_a(org_a):
    return named_user("dao_a", "Trần Thị Đào", org_a)


@pytest.fixture
def member_b(org_b):
    return named_user("dao_b", "Trần Thị Đào Bê", org_b)


@pytest.fixture
def admin_client(client, admin_a):
    client.force_login(admin_a)
    return client


def sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# --- Sign-in, lockout -------------------------------------------------------------------


def test_login_page_renders_for_anonymous_visitors(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert 'class="auth-box"' in response.text


def test_login_with_correct_password_redirects_home(client, member_a):
    response = sign_in(client, "dao_a", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_failed_login_does_not_reveal_whether_the_username_exists(client, member_a):
    wrong_password = sign_in(client, "dao_a", "not-the-password")
    unknown_user = sign_in(client, "nobody_here", "not-the-password")

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert (
        wrong_password.context["form"].non_field_errors()
        == unknown_user.context["form"].non_field_errors()
    )
    assert "The username or password is not correct." in wrong_password.text


def test_inactive_account_gets_the_same_message_as_a_wrong_password(client, member_a):
    member_a.is_active = False
    member_a.save()

    response = sign_in(client, "dao_a", DEFAULT_PASSWORD)

    assert response.status_code == 200
    assert "The username or password is not correct." in response.text


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, member_a):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "dao_a", "not-the-password")

    response = sign_in(client, "dao_a", DEFAULT_PASSWORD)

    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session


def test_unknown_usernames_are_locked_out_the_same_way(client):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "nobody_here", "not-the-password")

    response = sign_in(client, "nobody_here", "still-wrong")

    assert response.status_code == 429


def test_logout_requires_post(admin_client):
    assert admin_client.get(reverse("accounts:logout")).status_code == 405
    assert admin_client.post(reverse("accounts:logout")).status_code == 302


# --- Own account ------------------------------------------------------------------------


def test_profile_lists_own_grants(admin_client, commune_a):
    response = admin_client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert commune_a.name in response.text
    assert "Territory administrator" in response.text


def test_password_change_shows_service_errors_inline(admin_client):
    response = admin_client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "wrong",
            "new_password1": "Mat-khau-moi-2025",
            "new_password2": "Mat-khau-moi-2025",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"] == [
        "Your current password is not correct."
    ]


def test_password_change_rejects_mismatched_confirmation(admin_client, admin_a):
    response = admin_client.post(
        reverse("accounts:password-change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "Mat-khau-moi-2025",
            "new_password2": "Khac-hoan-toan-1",
        },
    )

    admin_a.refresh_from_db()
    assert "new_password2" in response.context["form"].errors
    assert admin_a.check_password(DEFAULT_PASSWORD)


# --- API tokens -------------------------------------------------------------------------


def test_token_secret_is_shown_once_and_only_its_hash_is_stored(admin_client, admin_a):
    created = admin_client.post(reverse("accounts:token-list"), {"name": "Báo cáo tháng"})
    secret = created.context["secret"]
    listed_again = admin_client.get(reverse("accounts:token-list"))

    token = ApiToken.objects.get(user=admin_a)
    assert secret in created.text
    assert "no-store" in created["Cache-Control"]
    assert secret not in listed_again.text
    assert token.key_hash == ApiToken.hash_key(secret)
    assert secret not in [token.name, token.prefix, token.key_hash]


def test_token_with_empty_name_shows_an_inline_error(admin_client, admin_a):
    response = admin_client.post(reverse("accounts:token-list"), {"name": ""})

    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.filter(user=admin_a).exists()


def test_token_revoke_asks_then_revokes(admin_client, admin_a):
    admin_client.post(reverse("accounts:token-list"), {"name": "script"})
    token = ApiToken.objects.get(user=admin_a)
    url = reverse("accounts:token-revoke", args=[token.pk])

    confirm = admin_client.get(url)
    revoke = admin_client.post(url)

    token.refresh_from_db()
    assert confirm.status_code == 200
    assert revoke.status_code == 302
    assert token.revoked_at is not None


def test_someone_elses_token_cannot_be_revoked(admin_client, member_a):
    other = ApiToken.objects.create(user=member_a, name="x", prefix="dv_x", key_hash="0" * 64)

    response = admin_client.post(reverse("accounts:token-revoke", args=[other.pk]))

    other.refresh_from_db()
    assert response.status_code == 404
    assert other.revoked_at is None


# --- User list: scope, search, filters, htmx -------------------------------------------


def test_user_list_shows_only_users_in_scope(admin_client, member_a, member_b):
    response = admin_client.get(reverse("accounts:user-list"))

    assert response.status_code == 200
    usernames = [u.username for u in response.context["page"].object_list]
    assert sorted(usernames) == ["dao_a", "quantri_a"]
    assert response.context["page"].paginator.count == 2
    assert "dao_b" not in response.text
    assert "Quảng Hà" not in response.text


def test_user_search_is_accent_insensitive_and_scoped(admin_client, member_a, member_b):
    response = admin_client.get(reverse("accounts:user-list"), {"q": "tran thi dao"})

    assert [u.username for u in response.context["page"].object_list] == ["dao_a"]
    assert "1 user" in response.text


def test_user_search_for_a_user_outside_scope_finds_nothing(admin_client, member_b):
    response = admin_client.get(reverse("accounts:user-list"), {"q": "dao be"})

    assert response.context["page"].paginator.count == 0


def test_organisation_filter_offers_only_organisations_in_scope(admin_client, org_a, org_b):
    response = admin_client.get(reverse("accounts:user-list"))

    choices = dict(response.context["filter_form"].fields["organisation"].choices)
    assert org_a.pk in choices
    assert org_b.pk not in choices


def test_filtering_by_an_organisation_outside_scope_shows_nothing(admin_client, org_b, member_b):
    response = admin_client.get(reverse("accounts:user-list"), {"organisation": org_b.pk})

    assert "dao_b" not in response.text


def test_user_list_filters_by_role_and_status(admin_client, member_a):
    member_a.is_active = False
    member_a.save()

    by_role = admin_client.get(reverse("accounts:user-list"), {"role": Role.TERRITORY_ADMIN})
    inactive = admin_client.get(reverse("accounts:user-list"), {"active": "0"})

    assert [u.username for u in by_role.context["page"].object_list] == ["quantri_a"]
    assert [u.username for u in inactive.context["page"].object_list] == ["dao_a"]


def test_user_list_sorts_by_full_name_descending(admin_client, member_a, org_a):
    named_user("zz_an", "An Văn Zê", org_a)

    response = admin_client.get(reverse("accounts:user-list"), {"sort": "-name"})

    usernames = [u.username for u in response.context["page"].object_list]
    # Sorted on the accent-free name: "tran…", "nguyen…" (the factory's name), "an…".
    assert usernames == ["dao_a", "quantri_a", "zz_an"]


def test_htmx_filter_request_renders_only_the_table(admin_client, member_a):
    response = admin_client.get(reverse("accounts:user-list"), {"q": "dao"}, headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="user-table"')
    assert "<html" not in response.text
    assert "dao_a" in response.text
    assert "HX-Request" in response["Vary"]


def test_user_list_query_count_does_not_grow_with_rows(
    admin_client, org_a, django_assert_max_num_queries
):
    for _n in range(15):
        user_with_role(Role.OFFICER, org_a.territory, organisation=org_a)

    with django_assert_max_num_queries(12):
        admin_client.get(reverse("accounts:user-list"), headers=HTMX)


def test_users_without_a_user_role_get_403_on_the_list(client, commune_a):
    client.force_login(user_with_role(Role.OFFICER, commune_a))

    assert client.get(reverse("accounts:user-list")).status_code == 403


# --- User detail, create, edit ---------------------------------------------------------


def test_user_detail_in_scope_shows_grants_and_history(admin_client, admin_a):
    response = admin_client.get(reverse("accounts:user-detail", args=[admin_a.pk]))

    assert response.status_code == 200
    assert "Territory administrator" in response.text
    assert 'id="history-title"' in response.text


def test_user_detail_outside_scope_is_404(admin_client, member_b):
    assert admin_client.get(reverse("accounts:user-detail", args=[member_b.pk])).status_code == 404
    assert admin_client.get(reverse("accounts:user-update", args=[member_b.pk])).status_code == 404
    assert (
        admin_client.post(reverse("accounts:user-reset-password", args=[member_b.pk])).status_code
        == 404
    )


def test_grants_outside_the_viewers_scope_are_counted_not_named(admin_client, member_a, commune_b):
    RoleGrant.objects.create(user=member_a, role=Role.VIEWER, territory=commune_b)

    response = admin_client.get(reverse("accounts:user-detail", args=[member_a.pk]))

    assert commune_b.name not in response.text
    assert response.context["hidden_grant_count"] == 1


def test_leader_in_scope_may_look_but_not_change(client, commune_a, member_a):
    client.force_login(user_with_role(Role.LEADER, commune_a))

    assert client.get(reverse("accounts:user-detail", args=[member_a.pk])).status_code == 200
    assert client.get(reverse("accounts:user-update", args=[member_a.pk])).status_code == 403
    assert (
        client.post(reverse("accounts:user-reset-password", args=[member_a.pk])).status_code == 403
    )
    assert client.get(reverse("accounts:grant-create", args=[member_a.pk])).status_code == 403


def test_create_user_shows_temporary_password_once(admin_client, admin_a, org_a):
    response = admin_client.post(
        reverse("accounts:user-create"),
        {"username": "moi_01", "full_name": "Lê Văn Mới", "organisation": org_a.pk, "email": ""},
    )

    user = User.objects.get(username="moi_01")
    temporary = response.context["temporary_password"]
    assert response.status_code == 200
    assert temporary in response.text
    assert "no-store" in response["Cache-Control"]
    assert user.check_password(temporary)
    assert user.must_change_password
    assert AuditEvent.objects.filter(
        object_type="accounts.user", object_id=str(user.pk), action="create", actor=admin_a
    ).exists()


def test_create_user_offers_only_organisations_in_scope(admin_client, org_b):
    response = admin_client.post(
        reverse("accounts:user-create"),
        {"username": "moi_02", "full_name": "Lê Văn Hai", "organisation": org_b.pk},
    )

    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(username="moi_02").exists()


def test_create_user_with_taken_username_shows_the_error_on_the_field(
    admin_client, org_a, member_a
):
    response = admin_client.post(
        reverse("accounts:user-create"),
        {"username": "DAO_A", "full_name": "Trùng Tên", "organisation": org_a.pk},
    )

    assert response.context["form"].errors["username"] == ["This username is already taken."]


def test_edit_with_a_stale_version_shows_a_conflict_and_changes_nothing(
    admin_client, member_a, org_a
):
    url = reverse("accounts:user-update", args=[member_a.pk])
    form = {
        "username": "dao_a",
        "full_name": "Tên Mới",
        "organisation": org_a.pk,
        "version": member_a.version,
    }
    admin_client.post(url, form)

    response = admin_client.post(url, {**form, "full_name": "Tên Khác"})

    member_a.refresh_from_db()
    assert response.status_code == 200
    assert "Someone else changed this record" in response.text
    assert member_a.full_name == "Tên Mới"


def test_reset_password_confirms_then_shows_the_temporary_password(admin_client, member_a):
    url = reverse("accounts:user-reset-password", args=[member_a.pk])

    confirm = admin_client.get(url)
    reset = admin_client.post(url)

    member_a.refresh_from_db()
    assert confirm.status_code == 200
    assert not member_a.check_password(DEFAULT_PASSWORD)
    assert member_a.check_password(reset.context["temporary_password"])
    assert member_a.must_change_password


def test_deactivate_and_reactivate(admin_client, member_a):
    url = reverse("accounts:user-set-active", args=[member_a.pk])

    admin_client.post(url, {"active": "0", "version": member_a.version})
    member_a.refresh_from_db()
    deactivated = member_a.is_active
    admin_client.post(url, {"active": "1"})
    member_a.refresh_from_db()

    assert deactivated is False
    assert member_a.is_active is True


def test_admin_cannot_deactivate_self_through_the_page(admin_client, admin_a):
    response = admin_client.post(
        reverse("accounts:user-set-active", args=[admin_a.pk]), {"active": "0"}, follow=True
    )

    admin_a.refresh_from_db()
    assert admin_a.is_active
    assert "You cannot deactivate your own account." in response.text


# --- Grants -----------------------------------------------------------------------------


def test_grant_form_role_choices_exclude_system_admin(admin_client, member_a):
    response = admin_client.get(reverse("accounts:grant-create", args=[member_a.pk]))

    roles = [value for value, _label in response.context["form"].fields["role"].choices]
    assert roles[0] == ""
    assert Role.SYSTEM_ADMIN not in roles
    assert Role.OFFICER in roles


def test_posting_system_admin_role_is_rejected_inline(admin_client, member_a, commune_a):
    response = admin_client.post(
        reverse("accounts:grant-create", args=[member_a.pk]),
        {"role": Role.SYSTEM_ADMIN, "territory": commune_a.pk},
    )

    assert "role" in response.context["form"].errors
    assert not member_a.grants.exists()


def test_grant_on_a_unit_outside_scope_is_rejected_inline(admin_client, member_a, commune_b):
    response = admin_client.post(
        reverse("accounts:grant-create", args=[member_a.pk]),
        {"role": Role.OFFICER, "territory": commune_b.pk},
    )

    assert response.context["form"].errors["territory"] == ["Choose a unit from the list."]
    assert not member_a.grants.exists()


def test_nationwide_grant_is_only_for_system_admins(admin_client, member_a):
    response = admin_client.post(
        reverse("accounts:grant-create", args=[member_a.pk]),
        {"role": Role.VIEWER, "territory": "country"},
    )

    assert "territory" in response.context["form"].errors
    assert not member_a.grants.exists()


def test_system_admin_grants_a_nationwide_role(client, member_a):
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, None, organisation=None))

    response = client.post(
        reverse("accounts:grant-create", args=[member_a.pk]),
        {"role": Role.VIEWER, "territory": "country"},
    )

    assert response.status_code == 302
    assert member_a.grants.get().territory is None


def test_grant_in_scope_is_saved_and_audited(admin_client, admin_a, member_a, commune_a):
    response = admin_client.post(
        reverse("accounts:grant-create", args=[member_a.pk]),
        {"role": Role.OFFICER, "territory": commune_a.pk, "domain": "clearance"},
    )

    grant = member_a.grants.get()
    assert response.status_code == 302
    assert (grant.role, grant.territory, grant.domain) == (Role.OFFICER, commune_a, "clearance")
    assert AuditEvent.objects.filter(
        object_id=str(member_a.pk), action="grant", actor=admin_a
    ).exists()


def test_territory_picker_searches_accent_insensitively_within_scope(
    admin_client, commune_a, commune_b
):
    response = admin_client.get(
        reverse("accounts:grant-territory-options"), {"q": "dong trieu"}, headers=HTMX
    )
    outside = admin_client.get(
        reverse("accounts:grant-territory-options"), {"q": "quang ha"}, headers=HTMX
    )

    assert f'value="{commune_a.pk}"' in response.text
    assert "Quảng Hà" not in outside.text
    assert f'value="{commune_b.pk}"' not in outside.text


def test_revoke_grant_asks_then_revokes(admin_client, member_a, commune_a):
    grant = RoleGrant.objects.create(user=member_a, role=Role.OFFICER, territory=commune_a)
    url = reverse("accounts:grant-revoke", args=[member_a.pk, grant.pk])

    confirm = admin_client.get(url)
    revoke = admin_client.post(url)

    assert confirm.status_code == 200
    assert revoke.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()


def test_revoking_a_grant_outside_scope_is_404(admin_client, member_a, commune_b):
    grant = RoleGrant.objects.create(user=member_a, role=Role.VIEWER, territory=commune_b)

    response = admin_client.post(reverse("accounts:grant-revoke", args=[member_a.pk, grant.pk]))

    assert response.status_code == 404
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


# --- Django admin -----------------------------------------------------------------------


def test_admin_refuses_staff_without_the_system_admin_grant(client, admin_a):
    admin_a.is_staff = True
    admin_a.save()
    client.force_login(admin_a)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403


def test_admin_sends_anonymous_visitors_to_the_application_login(client):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))


def test_admin_is_open_to_system_admins(client):
    client.force_login(user_with_role(Role.SYSTEM_ADMIN, None, organisation=None))

    index = client.get("/admin/")
    audit_list = client.get(reverse("admin:audit_auditevent_changelist"))
    audit_add = client.get(reverse("admin:audit_auditevent_add"))

    assert index.status_code == 200
    assert audit_list.status_code == 200
    assert audit_add.status_code == 403


def test_user_changes_in_the_admin_are_audited(client, member_a, org_a):
    system_admin = user_with_role(Role.SYSTEM_ADMIN, None, organisation=None)
    client.force_login(system_admin)
    form = {"full_name": "Đỗ Văn Tư", "email": "tu@example.org", "organisation": org_a.pk}

    response = client.post(
        reverse("admin:accounts_user_change", args=[member_a.pk]), {**form, "is_active": "on"}
    )

    member_a.refresh_from_db()
    event = AuditEvent.objects.get(object_id=str(member_a.pk), action="update")
    assert response.status_code == 302
    assert member_a.search_name == "do van tu dao a"
    assert event.actor == system_admin
    assert event.changes["full_name"] == ["Trần Thị Đào", "Đỗ Văn Tư"]
    assert event.territory_id == org_a.territory_id
