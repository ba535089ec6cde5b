"""Citizen ID and phone numbers: masked by default, shown in full only when a role allows, logged."""

import pytest
from django.core.exceptions import PermissionDenied

from danvan.accounts.tests.factories import user_with_role
from danvan.audit.models import AuditEvent
from danvan.clearance import selectors
from danvan.clearance.services import households
from danvan.clearance.tests.factories import HouseholdFactory, ProjectFactory
from danvan.core.errors import DomainError
from danvan.core.personal import mask_id_number, mask_phone

pytestmark = pytest.mark.django_db


def test_masks_keep_only_the_ends():
    assert mask_id_number("001203004567") == "0012******67"
    assert mask_phone("0912345689") == "09******89"
    assert mask_id_number("") == ""
    assert mask_id_number("12345") == "*****"


def test_fields_are_masked_and_a_reveal_is_logged(place):
    _province, commune_a, _commune_b = place
    household = HouseholdFactory(
        project=ProjectFactory(territory=commune_a),
        head_id_number="049201001234",
        phone="0905123456",
    )
    masked = selectors.personal_fields(household, revealed=False)
    assert masked["head_id_number"] == "0492******34"
    assert "049201001234" not in str(masked)

    viewer = user_with_role("viewer", commune_a)
    assert not selectors.may_see_personal(viewer, household)
    with pytest.raises(PermissionDenied):
        selectors.reveal_personal(viewer, household)
    assert not AuditEvent.objects.filter(action="view_personal").exists()

    officer = user_with_role("officer", commune_a)
    shown = selectors.reveal_personal(officer, household, reason="Gọi điện hẹn kiểm đếm")
    assert shown["head_id_number"] == "049201001234"
    event = AuditEvent.objects.get(action="view_personal")
    assert (event.actor_id, event.object_id, event.reason) == (
        officer.pk,
        str(household.pk),
        "Gọi điện hẹn kiểm đếm",
    )
    assert event.territory_id == commune_a.pk


def test_the_audit_trail_never_holds_the_numbers(place):
    _province, commune_a, _commune_b = place
    officer = user_with_role("officer", commune_a)
    project = ProjectFactory(territory=commune_a)
    household = households.household_create(
        project=project,
        data=households.HouseholdData(
            code="H01", head_name="Lê Thị Hoa", head_id_number="049301000111", phone="0905000111"
        ),
        actor=officer,
    )
    households.household_update(
        household=household,
        data=households.HouseholdData(
            code="H01", head_name="Lê Thị Hoa", head_id_number="049301000222", phone="0905000111"
        ),
        actor=officer,
    )
    events = AuditEvent.objects.filter(object_type="clearance.household")
    assert events.count() == 2
    for event in events:
        assert "049301000" not in str(event.changes)
        assert "0905000111" not in str(event.changes)
    assert events.filter(changes__has_key="head_id_number").count() == 2


def test_a_malformed_id_number_is_refused(place):
    _province, commune_a, _commune_b = place
    officer = user_with_role("officer", commune_a)
    with pytest.raises(DomainError) as error:
        households.household_create(
            project=ProjectFactory(territory=commune_a),
            data=households.HouseholdData(
                code="H02", head_name="Võ Văn An", head_id_number="12345"
            ),
            actor=officer,
        )
    assert error.value.field == "head_id_number"
