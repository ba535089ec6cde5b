"""Loading the demo data through the ordinary services, so the audit trail tells how it came in.

Idempotent: every organisation is looked up by its natural key and every user by username before
anything is created, so a second run finds everything in place and writes nothing.
"""

from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from danvan.accounts import services as account_services
from danvan.accounts.models import RoleGrant, User
from danvan.audit import services as audit
from danvan.core.demo.areas import DemoAreas, demo_areas
from danvan.core.demo.organisations import OrgSpec, commune_specs, province_specs
from danvan.core.roles import Role
from danvan.core.search import search_key
from danvan.organisations import services as organisation_services
from danvan.organisations.models import Organisation, OrganisationKind

DEMO_SEED = 2025
# Shared by every demo login and every generated user; printed by `danvan demo`.
DEMO_PASSWORD = "danvan-demo-2025"  # noqa: S105
ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    position: str
    # Where the role applies: "country", "quang_ninh", "da_nang", "dong_trieu", "tam_ky" (the
    # ward of that name), "tam_ky_all" (every ward formed from old Tam Kỳ), "hai_ha".
    area: str
    # The organisation the user works in: "p:<kind>" at the province of the first place,
    # "c:<kind>" at the commune (keys as built in organisations.py).
    organisation: str | None


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        ADMIN_USERNAME, "Quản trị hệ thống", Role.SYSTEM_ADMIN, "Quản trị viên", "country", None
    ),
    DemoLogin(
        "quantri.qn",
        "Phạm Thu Hương",
        Role.TERRITORY_ADMIN,
        "Chuyên viên Văn phòng",
        "quang_ninh",
        "p:mass_mobilisation_commission",
    ),
    DemoLogin(
        "quantri.dn",
        "Lê Minh Quân",
        Role.TERRITORY_ADMIN,
        "Chuyên viên Văn phòng",
        "da_nang",
        "p:mass_mobilisation_commission",
    ),
    DemoLogin(
        "hoidong.qn",
        "Ngô Thị Thanh Hà",
        Role.REVIEWER,
        "Ủy viên Hội đồng",
        "quang_ninh",
        "p:emulation_council",
    ),
    DemoLogin(
        "lanhdao.qn",
        "Trần Quang Vinh",
        Role.LEADER,
        "Phó Trưởng ban Thường trực",
        "quang_ninh",
        "p:mass_mobilisation_commission",
    ),
    DemoLogin(
        "canbo.dongtrieu",
        "Vũ Thị Lan",
        Role.OFFICER,
        "Chuyên viên Ban Xây dựng Đảng",
        "dong_trieu",
        "c:party_committee",
    ),
    DemoLogin(
        "canbo.tamky",
        "Huỳnh Văn Sơn",
        Role.OFFICER,
        "Phó Bí thư Thường trực Đảng ủy phường, Tổ trưởng Tổ dân vận",
        "tam_ky",
        "c:task_force",
    ),
    DemoLogin(
        "lanhdao.tamky",
        "Lê Thị Thu Hằng",
        Role.LEADER,
        "Phó Bí thư Thường trực Thành ủy, Tổ trưởng Tổ dân vận",
        "tam_ky_all",
        "c:task_force",
    ),
    DemoLogin(
        "tiepdan.tamky",
        "Nguyễn Thị Mỹ Duyên",
        Role.OFFICER,
        "Công chức Văn phòng HĐND và UBND phường, phụ trách tiếp công dân",
        "tam_ky",
        "c:peoples_committee",
    ),
    DemoLogin(
        "xem.haiha",
        "Đỗ Hồng Nhung",
        Role.VIEWER,
        "Cán bộ theo dõi phong trào",
        "hai_ha",
        "c:party_committee",
    ),
)


@dataclass
class DemoSummary:
    organisations_created: int = 0
    users_created: int = 0
    grants_created: int = 0
    organisations_total: int = 0
    users_total: int = 0
    logins: list[tuple[DemoLogin, str]] = field(default_factory=list)  # (login, where)

    @property
    def changed(self) -> bool:
        return bool(self.organisations_created or self.users_created or self.grants_created)


def _natural_key(spec: OrgSpec) -> tuple[int, str, str]:
    return (spec.territory.pk, spec.kind, search_key(spec.name, spec.short_name))


def ensure_system_admin(*, password: str = DEMO_PASSWORD) -> tuple[User, bool]:
    """The first administrator: nobody may create users before one exists, so it is created
    directly and then audited with no actor (the acting context names the command)."""
    existing = User.objects.filter(username=ADMIN_USERNAME).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        user = User(
            username=ADMIN_USERNAME,
            full_name="Quản trị hệ thống",
            is_staff=True,
            is_superuser=True,
            position="Quản trị viên",
            search_name=search_key("Quản trị hệ thống", ADMIN_USERNAME),
        )
        validate_password(password, user)
        user.set_password(password)
        user.save()
        RoleGrant.objects.create(user=user, role=Role.SYSTEM_ADMIN, territory=None)
        audit.record(
            [
                audit.Change(
                    action=audit.Action.CREATE,
                    obj=user,
                    changes=audit.diff(
                        {}, audit.snapshot(user, account_services.USER_AUDIT_FIELDS)
                    ),
                ),
                audit.Change(
                    action=audit.Action.GRANT,
                    obj=user,
                    changes={
                        "grant": [
                            None,
                            {"role": Role.SYSTEM_ADMIN, "territory": None, "domain": ""},
                        ]
                    },
                ),
            ],
            actor=None,
        )
    return user, True


def _all_specs(areas: DemoAreas, seed: int) -> list[OrgSpec]:
    specs: list[OrgSpec] = []
    for province in areas.provinces:
        specs += province_specs(province, seed=seed)
    for commune in areas.communes:
        province = (
            areas.quang_ninh if commune.province_code == areas.quang_ninh.code else areas.da_nang
        )
        specs += commune_specs(commune, province, seed=seed)
    return specs


def _create_organisations(
    specs: list[OrgSpec], *, actor: User, summary: DemoSummary
) -> dict[str, Organisation]:
    kinds = {k.code: k for k in OrganisationKind.objects.all()}
    territory_ids = {s.territory.pk for s in specs}
    existing = {
        (o.territory_id, o.kind.code, o.search_name): o
        for o in Organisation.objects.filter(territory_id__in=territory_ids).select_related("kind")
    }
    by_key: dict[str, Organisation] = {}
    # Specs list parents before children, so a parent is always resolved first.
    for spec in specs:
        found = existing.get(_natural_key(spec))
        if found is None:
            found = organisation_services.organisation_create(
                data=organisation_services.OrganisationData(
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=kinds[spec.kind],
                    territory=spec.territory,
                    parent=by_key.get(spec.parent_key) if spec.parent_key else None,
                    address=spec.address,
                    phone=spec.phone,
                    founded_on=spec.founded_on,
                    member_count=spec.member_count,
                    note=spec.note,
                ),
                actor=actor,
            )
            summary.organisations_created += 1
        by_key[spec.key] = found
    return by_key


def _login_places(login: DemoLogin, areas: DemoAreas) -> list:
    """The territories a demo login's grants cover (None: the whole country)."""
    if login.area == "country":
        return [None]
    if login.area == "quang_ninh":
        return [areas.quang_ninh]
    if login.area == "da_nang":
        return [areas.da_nang]
    if login.area == "dong_trieu":
        # The ward that carries the old town's name, not every successor of the old district.
        return [
            next(
                (c for c in areas.dong_trieu if c.name.endswith("Đông Triều")), areas.dong_trieu[0]
            )
        ]
    if login.area == "tam_ky":
        return [next((c for c in areas.tam_ky if c.code == 20341), areas.tam_ky[0])]
    if login.area == "tam_ky_all":
        # Every ward formed from old Tam Kỳ, Phường Tam Kỳ first (its organisation is the
        # login's).
        return sorted(areas.tam_ky, key=lambda c: (c.code != 20341, c.code))
    if login.area == "hai_ha":
        return list(areas.hai_ha)
    raise ValueError(login.area)


def _organisation_for(
    login: DemoLogin, places: list, orgs: dict[str, Organisation]
) -> Organisation | None:
    if login.organisation is None:
        return None
    level, kind = login.organisation.split(":", 1)
    return orgs[f"{level}{places[0].code}:{kind}"]


def demo_load(*, seed: int = DEMO_SEED) -> DemoSummary:
    """Create whatever part of the demo data is missing; returns what was created."""
    summary = DemoSummary()
    areas = demo_areas()
    with transaction.atomic():
        admin, created = ensure_system_admin()
        summary.users_created += int(created)
        summary.grants_created += int(created)
        orgs = _create_organisations(_all_specs(areas, seed), actor=admin, summary=summary)
        for login in DEMO_LOGINS:
            places = _login_places(login, areas)
            summary.logins.append((login, ", ".join(p.name for p in places if p) or ""))
            if login.username == ADMIN_USERNAME:
                continue
            user = User.objects.filter(username=login.username).first()
            if user is None:
                user, _temporary = account_services.user_create(
                    data=account_services.UserData(
                        username=login.username,
                        full_name=login.full_name,
                        organisation=_organisation_for(login, places, orgs),
                        email=f"{login.username}@demo.danvan.test",
                        phone="",
                        position=login.position,
                    ),
                    actor=admin,
                    password=DEMO_PASSWORD,
                )
                summary.users_created += 1
            for place in places:
                before = RoleGrant.objects.filter(user=user).count()
                account_services.grant_add(user=user, role=login.role, territory=place, actor=admin)
                summary.grants_created += RoleGrant.objects.filter(user=user).count() - before
    summary.organisations_total = Organisation.objects.count()
    summary.users_total = User.objects.count()
    return summary
