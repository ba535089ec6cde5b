import io
import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from danvan.accounts.models import RoleGrant, User
from danvan.audit.models import AuditEvent
from danvan.core.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_areas, pick_legacy_tam_ky_commune
from danvan.core.roles import Role
from danvan.organisations.models import Organisation, OrganisationKind
from danvan.territories.models import Era, Level, Territory

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--no-server", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "grants": RoleGrant.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_demo_twice_changes_nothing_and_every_login_signs_in(client):
    first_output = run_demo()
    after_first = counts()

    second_output = run_demo()

    assert counts() == after_first
    assert after_first["organisations"] > 100
    assert "0 organisations and 0 users created" in second_output
    for output in (first_output, second_output):
        assert DEMO_PASSWORD in output
        assert all(login.username in output for login in DEMO_LOGINS)
    assert set(RoleGrant.objects.values_list("role", flat=True)) == set(Role.values)
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD), login.username
        assert user.grants.filter(role=login.role).exists(), login.username
    response = client.post(
        reverse("accounts:login"), {"username": "canbo.tamky", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(User.objects.get(username="canbo.tamky").pk)


def test_demo_data_follows_the_territory_mapping_and_is_audited():
    run_demo()

    areas = demo_areas()
    assert areas.quang_ninh.code == 22
    assert areas.da_nang.code == 48
    assert sorted(c.code for c in areas.tam_ky) == [20335, 20341, 20350, 20356]
    assert {"Phường Đông Triều", "Phường Mạo Khê"} <= {c.name for c in areas.dong_trieu}
    assert {"Xã Quảng Hà", "Xã Đường Hoa"} <= {c.name for c in areas.hai_ha}
    # Every kind of organisation exists, in the demo places only.
    assert set(Organisation.objects.values_list("kind__code", flat=True)) == set(
        OrganisationKind.objects.values_list("code", flat=True)
    )
    demo_ids = {t.pk for t in [*areas.provinces, *areas.communes]}
    assert set(Organisation.objects.values_list("territory_id", flat=True)) == demo_ids
    task_force = Organisation.objects.get(territory__code=20341, kind__code="task_force")
    assert task_force.parent.name == "Đảng ủy phường Tam Kỳ"
    assert "Phó Bí thư Thường trực" in task_force.note
    assert User.objects.get(username="canbo.tamky").organisation == task_force
    assert all(p.startswith("0000 ") for p in Organisation.objects.values_list("phone", flat=True))
    viewer_places = RoleGrant.objects.filter(user__username="xem.haiha").values_list(
        "territory__code", flat=True
    )
    assert set(viewer_places) == {c.code for c in areas.hai_ha}
    sources = set(
        AuditEvent.objects.filter(object_type="organisations.organisation").values_list(
            "source", flat=True
        )
    )
    assert sources == {"command:demo"}


def test_legacy_tam_ky_units_roll_up_into_da_nang():
    call_command("import_territories", stdout=io.StringIO())

    picked = {pick_legacy_tam_ky_commune(random.Random(seed)).pk for seed in range(20)}

    again = {pick_legacy_tam_ky_commune(random.Random(seed)).pk for seed in range(20)}
    assert picked == again
    for commune in Territory.objects.filter(pk__in=picked):
        assert (commune.era, commune.level) == (Era.LEGACY, Level.COMMUNE)
        assert commune.path.startswith("legacy/49/502/")
        assert commune.scope_path.startswith("2025/48/")
