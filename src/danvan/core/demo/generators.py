"""Core's bulk generators: organisations, then users with their role grants.

Rows are built in memory from the same specs the demo uses and inserted with `bulk_create` in
chunks, one province per transaction; each chunk is audited with one `audit.record` call. What
already exists (matched by natural key or username) is skipped, so running again adds nothing.
At demo scale these generators step aside: `demo_load` creates the same rows through the services.
"""

from django.db import transaction

from danvan.accounts.models import RoleGrant, User
from danvan.accounts.services import USER_AUDIT_FIELDS
from danvan.audit import services as audit
from danvan.core.demo.names import fake_phone, person_name
from danvan.core.demo.organisations import OrgSpec, commune_specs, province_specs
from danvan.core.demo.registry import GenerationRun, register
from danvan.core.roles import Role
from danvan.core.search import nfc, search_key
from danvan.organisations.models import Organisation, OrganisationKind


def _by_province(run: GenerationRun) -> list[tuple]:
    communes: dict[int, list] = {p.code: [] for p in run.provinces}
    for commune in run.communes:
        communes.setdefault(commune.province_code, []).append(commune)
    return [(p, communes[p.code]) for p in run.provinces]


def specs_for(province, communes, seed: int) -> list[OrgSpec]:
    specs = province_specs(province, seed=seed)
    for commune in communes:
        specs += commune_specs(commune, province, seed=seed)
    return specs


def _natural_key(spec: OrgSpec) -> tuple[int, str]:
    return (spec.territory.pk, search_key(spec.name, spec.short_name))


def existing_organisations(specs: list[OrgSpec], kinds: dict[str, int]) -> dict[str, int]:
    """Spec key -> primary key for the specs already in the database."""
    territory_ids = {s.territory.pk for s in specs}
    rows = Organisation.objects.filter(territory_id__in=territory_ids).values_list(
        "territory_id", "kind_id", "search_name", "pk"
    )
    found = {(t, k, name): pk for t, k, name, pk in rows}
    result = {}
    for spec in specs:
        territory_id, name = _natural_key(spec)
        pk = found.get((territory_id, kinds[spec.kind], name))
        if pk is not None:
            result[spec.key] = pk
    return result


def _depth(spec: OrgSpec, by_key: dict[str, OrgSpec]) -> int:
    depth = 0
    while spec.parent_key and spec.parent_key in by_key:
        spec = by_key[spec.parent_key]
        depth += 1
    return depth


@register("organisations", order=10)
def generate_organisations(run: GenerationRun) -> dict[str, int]:
    if run.scale == "demo":
        return {}
    kinds = dict(OrganisationKind.objects.values_list("code", "pk"))
    created = 0
    for province, communes in _by_province(run):
        specs = specs_for(province, communes, run.seed)
        by_key = {s.key: s for s in specs}
        with transaction.atomic():
            pks = existing_organisations(specs, kinds)
            # Parents first: insert by depth so every parent has its primary key in time.
            missing = [s for s in specs if s.key not in pks]
            for depth in sorted({_depth(s, by_key) for s in missing}):
                wave = [s for s in missing if _depth(s, by_key) == depth]
                for chunk in run.chunked(wave, run.batch_size):
                    objs = [_organisation(s, kinds, pks) for s in chunk]
                    Organisation.objects.bulk_create(objs, batch_size=run.batch_size)
                    if any(o.pk is None for o in objs):  # backends that do not return keys
                        pks.update(existing_organisations(chunk, kinds))
                    else:
                        pks.update({s.key: o.pk for s, o in zip(chunk, objs, strict=True)})
                    audit.record(
                        [
                            audit.Change(
                                action=audit.Action.CREATE,
                                obj=o,
                                changes=audit.diff({}, audit.snapshot(o)),
                            )
                            for o in objs
                        ],
                        actor=run.actor,
                    )
                    created += len(objs)
        run.say(f"  {province.name}: {len(specs)} organisations ({len(missing)} new)")
    return {"organisations": created}


def _organisation(spec: OrgSpec, kinds: dict[str, int], pks: dict[str, int]) -> Organisation:
    name = nfc(spec.name)
    return Organisation(
        name=name,
        short_name=spec.short_name,
        kind_id=kinds[spec.kind],
        territory=spec.territory,
        parent_id=pks.get(spec.parent_key) if spec.parent_key else None,
        address=spec.address,
        phone=spec.phone,
        founded_on=spec.founded_on,
        member_count=spec.member_count,
        note=spec.note,
        search_name=search_key(name, spec.short_name),
    )


# Generated staff per unit: (username pattern, role, organisation kind, position).
PROVINCE_STAFF = (
    (
        "t{code}.quantri",
        Role.TERRITORY_ADMIN,
        "mass_mobilisation_commission",
        "Chuyên viên Văn phòng",
    ),
    ("t{code}.hoidong", Role.REVIEWER, "emulation_council", "Ủy viên Hội đồng"),
)
COMMUNE_STAFF = (
    ("x{code}.canbo", Role.OFFICER, "task_force", "Cán bộ Tổ dân vận"),
    ("x{code}.lanhdao", Role.LEADER, "party_committee", "Phó Bí thư Thường trực Đảng ủy"),
    ("x{code}.xem", Role.VIEWER, "fatherland_front", "Cán bộ Mặt trận"),
)


@register("users", order=20)
def generate_users(run: GenerationRun) -> dict[str, int]:
    if run.scale == "demo":
        return {}
    kinds = dict(OrganisationKind.objects.values_list("code", "pk"))
    rng = run.rng("users")
    users_created = grants_created = 0
    for province, communes in _by_province(run):
        org_pks = existing_organisations(specs_for(province, communes, run.seed), kinds)
        wanted: list[tuple[User, str, object]] = []
        units = [(province, "p", PROVINCE_STAFF)] + [(c, "c", COMMUNE_STAFF) for c in communes]
        for unit, level, staff in units:
            for pattern, role, kind, position in staff:
                username = pattern.format(code=unit.code)
                # Drawn for every unit, created or not, so the stream never depends on the database.
                full_name = person_name(rng)
                phone = fake_phone(rng)
                user = User(
                    username=username,
                    full_name=full_name,
                    password=run.password_hash,
                    organisation_id=org_pks.get(f"{level}{unit.code}:{kind}"),
                    position=position,
                    phone=phone,
                    email=f"{username}@generated.danvan.test",
                    search_name=search_key(full_name, username),
                )
                wanted.append((user, role, unit))
        with transaction.atomic():
            have = set(
                User.objects.filter(username__in=[u.username for u, _r, _t in wanted]).values_list(
                    "username", flat=True
                )
            )
            missing = [w for w in wanted if w[0].username not in have]
            for chunk in run.chunked(missing, run.batch_size):
                users = [u for u, _r, _t in chunk]
                User.objects.bulk_create(users, batch_size=run.batch_size)
                if any(u.pk is None for u in users):
                    ids = dict(
                        User.objects.filter(username__in=[u.username for u in users]).values_list(
                            "username", "pk"
                        )
                    )
                    for u in users:
                        u.pk = ids[u.username]
                grants = [
                    RoleGrant(user_id=u.pk, role=role, territory=unit, granted_by=run.actor)
                    for u, role, unit in chunk
                ]
                RoleGrant.objects.bulk_create(grants, batch_size=run.batch_size)
                changes = []
                for u, role, unit in chunk:
                    changes.append(
                        audit.Change(
                            action=audit.Action.CREATE,
                            obj=u,
                            territory_id=unit.pk,
                            changes=audit.diff({}, audit.snapshot(u, USER_AUDIT_FIELDS)),
                        )
                    )
                    changes.append(
                        audit.Change(
                            action=audit.Action.GRANT,
                            obj=u,
                            territory_id=unit.pk,
                            changes={
                                "grant": [
                                    None,
                                    {"role": role, "territory": unit.path, "domain": ""},
                                ]
                            },
                        )
                    )
                audit.record(changes, actor=run.actor)
                users_created += len(users)
                grants_created += len(grants)
        run.say(f"  {province.name}: {len(wanted)} users ({len(missing)} new)")
    return {"users": users_created, "grants": grants_created}
