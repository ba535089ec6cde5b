import pytest
from django.core.exceptions import PermissionDenied

from danvan.accounts import services
from danvan.accounts.models import ApiToken, RoleGrant, User
from danvan.accounts.tests.factories import UserFactory, user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.errors import ConflictError, DomainError
from danvan.core.roles import Role
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.models import Era
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return ProvinceFactory()


@pytest.fixture
def commune_a(province):
    return CommuneFactory(parent=province, name="Phường Đông Triều")


@pytest.fixture
def commune_b(province):
    return CommuneFactory(parent=province, name="Xã Quảng Hà")


@pytest.fixture
def admin_a(commune_a):
    return user_with_role(Role.TERRITORY_ADMIN, commune_a)


@pytest.fixture
def system_admin():
    return user_with_role(Role.SYSTEM_ADMIN, None, organisation=None)


def audit_rows(obj, action):
    return AuditEvent.objects.filter(
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
        object_id=str(obj.pk),
        action=action,
    )


def data_for(organisation, username="moi01", **overrides):
    values = {"username": username, "full_name": "Lê Văn Mới", "organisation": organisation}
    values.update(overrides)
    return services.UserData(**values)


# --- user_create / user_update ----------------------------------------------------------


def test_user_create_in_scope_returns_temporary_password_and_audits(admin_a, commune_a):
    organisation = OrganisationFactory(territory=commune_a)

    user, temporary = services.user_create(data=data_for(organisation), actor=admin_a)

    assert user.check_password(temporary)
    assert user.must_change_password
    assert user.search_name == "le van moi moi01"
    assert audit_rows(user, "create").get().actor_id == admin_a.pk


def test_user_create_outside_scope_is_refused_and_changes_nothing(admin_a, commune_b):
    elsewhere = OrganisationFactory(territory=commune_b)

    with pytest.raises(PermissionDenied):
        services.user_create(data=data_for(elsewhere), actor=admin_a)

    assert not User.objects.filter(username="moi01").exists()


def test_user_create_refuses_duplicate_username_case_insensitively(admin_a, commune_a):
    organisation = OrganisationFactory(territory=commune_a)
    UserFactory(username="trung", organisation=organisation)

    with pytest.raises(DomainError) as exc:
        services.user_create(data=data_for(organisation, username="TRUNG"), actor=admin_a)

    assert exc.value.field == "username"


def test_user_update_with_stale_version_raises_conflict(admin_a, commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))
    loaded_version = user.version
    services.user_update(
        user=user,
        data=data_for(user.organisation, user.username, full_name="A"),
        actor=admin_a,
        expected_version=loaded_version,
    )

    with pytest.raises(ConflictError):
        services.user_update(
            user=user,
            data=data_for(user.organisation, user.username, full_name="B"),
            actor=admin_a,
            expected_version=loaded_version,
        )

    user.refresh_from_db()
    assert user.full_name == "A"
    assert audit_rows(user, "update").count() == 1


def test_admin_cannot_deactivate_own_account(admin_a):
    data = data_for(admin_a.organisation, admin_a.username, is_active=False)

    with pytest.raises(DomainError):
        services.user_update(user=admin_a, data=data, actor=admin_a)


# --- passwords --------------------------------------------------------------------------


def test_reset_password_sets_temporary_password_and_audits(admin_a, commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))

    temporary = services.user_reset_password(user=user, actor=admin_a)

    user.refresh_from_db()
    assert user.check_password(temporary)
    assert user.must_change_password
    event = audit_rows(user, "password").get()
    assert temporary not in str(event.changes)


def test_reset_password_outside_scope_is_refused(admin_a, commune_b):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_b))

    with pytest.raises(PermissionDenied):
        services.user_reset_password(user=user, actor=admin_a)


def test_change_own_password_clears_the_must_change_flag(commune_a):
    user = UserFactory(
        organisation=OrganisationFactory(territory=commune_a), must_change_password=True
    )

    services.user_change_own_password(
        user=user, old_password="Mat-khau-thu-nghiem-1", new_password="Cau-mat-khau-moi-2025"
    )

    user.refresh_from_db()
    assert user.check_password("Cau-mat-khau-moi-2025")
    assert not user.must_change_password
    assert audit_rows(user, "password").exists()


def test_change_own_password_with_wrong_current_password_is_refused(commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))

    with pytest.raises(DomainError) as exc:
        services.user_change_own_password(
            user=user, old_password="sai", new_password="Cau-mat-khau-moi-2025"
        )

    assert exc.value.field == "old_password"


def test_change_own_password_refuses_weak_password(commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))

    with pytest.raises(DomainError) as exc:
        services.user_change_own_password(
            user=user, old_password="Mat-khau-thu-nghiem-1", new_password="12345678901"
        )

    assert exc.value.field == "password"


# --- grants -----------------------------------------------------------------------------


def test_territory_admin_grants_role_in_scope_and_audits(admin_a, commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))

    grant = services.grant_add(user=user, role=Role.OFFICER, territory=commune_a, actor=admin_a)

    assert grant.granted_by == admin_a
    assert audit_rows(user, "grant").get().changes["grant"][1]["role"] == Role.OFFICER


def test_territory_admin_cannot_grant_system_admin(admin_a, commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))

    with pytest.raises(DomainError) as exc:
        services.grant_add(user=user, role=Role.SYSTEM_ADMIN, territory=commune_a, actor=admin_a)

    assert exc.value.field == "role"
    assert not RoleGrant.objects.filter(user=user).exists()


def test_territory_admin_cannot_grant_outside_scope(admin_a, commune_a, commune_b):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))

    with pytest.raises(PermissionDenied):
        services.grant_add(user=user, role=Role.OFFICER, territory=commune_b, actor=admin_a)

    assert not RoleGrant.objects.filter(user=user).exists()


def test_only_system_admin_grants_nationwide_roles(admin_a, system_admin, commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))

    with pytest.raises(DomainError) as exc:
        services.grant_add(user=user, role=Role.VIEWER, territory=None, actor=admin_a)
    grant = services.grant_add(user=user, role=Role.VIEWER, territory=None, actor=system_admin)

    assert exc.value.field == "territory"
    assert grant.territory is None


def test_roles_are_not_granted_on_historic_units(system_admin, commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))
    legacy = ProvinceFactory(era=Era.LEGACY, code=49)

    with pytest.raises(DomainError):
        services.grant_add(user=user, role=Role.VIEWER, territory=legacy, actor=system_admin)


def test_revoke_grant_removes_it_and_audits(admin_a, commune_a):
    user = user_with_role(Role.OFFICER, commune_a)
    grant = user.grants.get()

    services.grant_revoke(grant=grant, actor=admin_a)

    assert not user.grants.exists()
    assert audit_rows(user, "revoke").get().actor_id == admin_a.pk


def test_territory_admin_cannot_revoke_grant_outside_scope(admin_a, commune_a, commune_b):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))
    elsewhere = RoleGrant.objects.create(user=user, role=Role.OFFICER, territory=commune_b)

    with pytest.raises(PermissionDenied):
        services.grant_revoke(grant=elsewhere, actor=admin_a)

    assert RoleGrant.objects.filter(pk=elsewhere.pk).exists()


# --- API tokens -------------------------------------------------------------------------


def test_token_create_stores_only_a_hash_of_the_secret(commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))

    token, secret = services.token_create(user=user, name="Báo cáo tháng")

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in [str(value) for value in stored.values()]
    assert stored["key_hash"] == ApiToken.hash_key(secret)
    assert secret.startswith(stored["prefix"])
    assert services.token_authenticate(secret) == user
    assert audit_rows(token, "create").exists()


def test_token_create_requires_a_name(commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))

    with pytest.raises(DomainError):
        services.token_create(user=user, name="   ")


def test_revoked_token_no_longer_authenticates(commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))
    token, secret = services.token_create(user=user, name="script")

    services.token_revoke(token=token, actor=user)

    assert services.token_authenticate(secret) is None
    assert audit_rows(token, "update").exists()


def test_only_the_owner_revokes_a_token(admin_a, commune_a):
    user = UserFactory(organisation=OrganisationFactory(territory=commune_a))
    token, _secret = services.token_create(user=user, name="script")

    with pytest.raises(DomainError):
        services.token_revoke(token=token, actor=admin_a)

    token.refresh_from_db()
    assert token.revoked_at is None
