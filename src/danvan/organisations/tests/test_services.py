import pytest
from django.core.exceptions import PermissionDenied

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.core.errors import ConflictError, DomainError
from danvan.organisations import services
from danvan.organisations.models import Organisation
from danvan.organisations.services import OrganisationData, data_from_instance
from danvan.organisations.tests.factories import OrganisationFactory, OrganisationKindFactory
from danvan.territories.models import Era
from danvan.territories.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def _events(organisation_pk, action):
    return AuditEvent.objects.filter(
        object_type="organisations.organisation", object_id=str(organisation_pk), action=action
    )


def test_create_stores_normalised_name_and_one_audit_row(place):
    _, commune_a, _ = place
    officer = user_with_role("officer", commune_a)
    data = OrganisationData(
        name="  Tổ dân vận khu 5 ", kind=OrganisationKindFactory(), territory=commune_a
    )

    organisation = services.organisation_create(data=data, actor=officer)

    assert organisation.name == "Tổ dân vận khu 5"
    assert "to dan van khu 5" in organisation.search_name
    assert _events(organisation.pk, "create").count() == 1


def test_create_outside_the_scope_is_refused(place):
    _, commune_a, commune_b = place
    officer = user_with_role("officer", commune_a)
    data = OrganisationData(name="Tổ dân vận", kind=OrganisationKindFactory(), territory=commune_b)

    with pytest.raises(PermissionDenied):
        services.organisation_create(data=data, actor=officer)

    assert not Organisation.objects.filter(name="Tổ dân vận").exists()


def test_viewer_cannot_create_in_own_commune(place):
    _, commune_a, _ = place
    viewer = user_with_role("viewer", commune_a)
    data = OrganisationData(name="Tổ dân vận", kind=OrganisationKindFactory(), territory=commune_a)

    with pytest.raises(PermissionDenied):
        services.organisation_create(data=data, actor=viewer)


def test_create_under_a_historic_unit_is_refused():
    legacy = CommuneFactory(era=Era.LEGACY)
    admin = user_with_role("system_admin")
    data = OrganisationData(name="Hội cũ", kind=OrganisationKindFactory(), territory=legacy)

    with pytest.raises(DomainError) as refused:
        services.organisation_create(data=data, actor=admin)

    assert refused.value.field == "territory"


def test_duplicate_name_kind_and_unit_is_a_field_error(place):
    _, commune_a, _ = place
    existing = OrganisationFactory(territory=commune_a, name="Hội Phụ nữ Đông Triều")
    officer = user_with_role("officer", commune_a)
    data = OrganisationData(name="hội phụ nữ đông triều", kind=existing.kind, territory=commune_a)

    with pytest.raises(DomainError) as refused:
        services.organisation_create(data=data, actor=officer)

    assert refused.value.field == "name"
    assert Organisation.objects.filter(search_name=existing.search_name).count() == 1


def test_update_bumps_version_and_records_the_changed_fields(place):
    _, commune_a, _ = place
    organisation = OrganisationFactory(territory=commune_a, name="Tên cũ")
    officer = user_with_role("officer", commune_a)

    updated = services.organisation_update(
        organisation=organisation,
        data=data_from_instance(organisation, name="Tên mới"),
        actor=officer,
        expected_version=organisation.version,
    )

    assert updated.version == organisation.version + 1
    event = _events(organisation.pk, "update").get()
    assert set(event.changes) == {"name"}


def test_update_with_a_stale_version_changes_nothing(place):
    _, commune_a, _ = place
    organisation = OrganisationFactory(territory=commune_a, name="Tên cũ")
    officer = user_with_role("officer", commune_a)

    with pytest.raises(ConflictError):
        services.organisation_update(
            organisation=organisation,
            data=data_from_instance(organisation, name="Tên mới"),
            actor=officer,
            expected_version=organisation.version + 5,
        )

    organisation.refresh_from_db()
    assert organisation.name == "Tên cũ"
    assert not _events(organisation.pk, "update").exists()


def test_an_organisation_cannot_sit_below_its_own_child(place):
    _, commune_a, _ = place
    parent = OrganisationFactory(territory=commune_a)
    child = OrganisationFactory(territory=commune_a, parent=parent)
    officer = user_with_role("officer", commune_a)

    with pytest.raises(DomainError) as refused:
        services.organisation_update(
            organisation=parent, data=data_from_instance(parent, parent=child), actor=officer
        )

    assert refused.value.code == "parent_loop"


def test_parent_outside_the_scope_is_refused(place):
    _, commune_a, commune_b = place
    foreign = OrganisationFactory(territory=commune_b)
    officer = user_with_role("officer", commune_a)
    data = OrganisationData(
        name="Chi hội", kind=OrganisationKindFactory(), territory=commune_a, parent=foreign
    )

    with pytest.raises(DomainError) as refused:
        services.organisation_create(data=data, actor=officer)

    assert refused.value.field == "parent"


def test_delete_leaves_an_audit_row(place):
    _, commune_a, _ = place
    organisation = OrganisationFactory(territory=commune_a)
    pk = organisation.pk
    admin = user_with_role("territory_admin", commune_a)

    services.organisation_delete(organisation=organisation, actor=admin)

    assert not Organisation.objects.filter(pk=pk).exists()
    assert _events(pk, "delete").count() == 1


def test_delete_of_an_organisation_with_members_is_refused(place):
    _, commune_a, _ = place
    admin = user_with_role("territory_admin", commune_a)

    with pytest.raises(DomainError) as refused:
        services.organisation_delete(organisation=admin.organisation, actor=admin)

    assert refused.value.code == "in_use"
    assert Organisation.objects.filter(pk=admin.organisation.pk).exists()


def test_officer_may_not_delete(place):
    _, commune_a, _ = place
    organisation = OrganisationFactory(territory=commune_a)
    officer = user_with_role("officer", commune_a)

    with pytest.raises(PermissionDenied):
        services.organisation_delete(organisation=organisation, actor=officer)
