"""The scope policy, checked as a matrix: every role x every scope relation x every action.

The expectation is written out by hand from the tree below and the roles each app declares for
its actions; it never asks `scope` how paths work. Three answers must agree with it: `can` on
each unit, `filter` on organisations and territories, and `get_visible_or_404`.

The tree mirrors the Tam Kỳ case: old Quảng Nam (legacy province 49) and its city of Tam Kỳ
(district 502) now belong to Đà Nẵng (48). Old Phường An Mỹ (legacy 20341) became the current
Phường Tam Kỳ (also code 20341) one-to-one; old Phường Hòa Thuận was split between two wards,
so it rolls up only to the province. Codes that are text prefixes of each other (province 4 vs
48, ward 2034 vs 20341) catch path matching without separators.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from danvan.accounts.models import RoleGrant
from danvan.accounts.tests.factories import UserFactory
from danvan.core import scope
from danvan.core.roles import Domain, Role
from danvan.organisations.models import Organisation
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.territories.models import Era, Level, Territory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

# Actions narrowed to one domain, so that domain-limited grants meet both their own domain and
# another one. Registered under "tests." so they can never clash with a real app's actions.
scope.register(
    {"tests.matrix.clearance.view": {Role.OFFICER, Role.LEADER, Role.VIEWER}},
    domain=Domain.CLEARANCE,
)
scope.register({"tests.matrix.dialogues.answer": {Role.OFFICER}}, domain=Domain.DIALOGUES)

UNITS = ("P", "A", "B", "Q", "C", "LP", "LD", "L1", "L2")

# Which units lie in the subtree of a grant on each unit (None: a nationwide grant).
SUBTREE = {
    "A": {"A", "L1"},  # L1 became A one-to-one
    "B": {"B"},  # a sibling ward sees nothing of the old units
    "P": {"P", "A", "B", "LP", "LD", "L1", "L2"},
    "Q": {"Q", "C"},
    None: set(UNITS),
}


def build_tree() -> dict[str, Territory]:
    p = ProvinceFactory(code=48, name="Thành phố Đà Nẵng", division_type="thành phố trung ương")
    a = CommuneFactory(parent=p, code=20341, name="Phường Tam Kỳ", division_type="phường")
    b = CommuneFactory(parent=p, code=2034, name="Phường Bàn Thạch", division_type="phường")
    q = ProvinceFactory(code=4, name="Tỉnh Cao Bằng")
    c = CommuneFactory(parent=q, code=1273, name="Xã Hòa An")
    lp = ProvinceFactory(era=Era.LEGACY, code=49, name="Tỉnh Quảng Nam", scope_path=p.path)
    ld = CommuneFactory(
        era=Era.LEGACY,
        level=Level.DISTRICT,
        parent=lp,
        code=502,
        name="Thành phố Tam Kỳ",
        division_type="thành phố",
        scope_path=p.path,
        has_several_successors=True,
    )
    l1 = CommuneFactory(
        era=Era.LEGACY,
        parent=ld,
        code=20341,
        name="Phường An Mỹ",
        division_type="phường",
        scope_path=a.path,
    )
    l2 = CommuneFactory(
        era=Era.LEGACY,
        parent=ld,
        code=20340,
        name="Phường Hòa Thuận",
        division_type="phường",
        scope_path=p.path,
        has_several_successors=True,
    )
    return {"P": p, "A": a, "B": b, "Q": q, "C": c, "LP": lp, "LD": ld, "L1": l1, "L2": l2}


def build_organisations(tree: dict[str, Territory]) -> dict[str, Organisation]:
    return {
        key: OrganisationFactory(territory=unit, name=f"Tổ dân vận {key}")
        for key, unit in tree.items()
    }


# relation -> (unit the grant is on, domain of the grant, user flags)
RELATIONS = {
    "grant_on_object_commune": ("A", Domain.ALL, {}),
    "grant_on_object_province": ("P", Domain.ALL, {}),
    "grant_on_sibling_commune": ("B", Domain.ALL, {}),
    "grant_on_other_province": ("Q", Domain.ALL, {}),
    "nationwide_grant": (None, Domain.ALL, {}),
    "province_grant_narrowed_to_clearance": ("P", Domain.CLEARANCE, {}),
    "inactive_user": ("P", Domain.ALL, {"is_active": False}),
    "anonymous": None,
    "superuser_with_sibling_grant": ("B", Domain.ALL, {"is_superuser": True}),
}


def make_user(role: str, relation: str, tree: dict[str, Territory]):
    spec = RELATIONS[relation]
    if spec is None:
        return AnonymousUser()
    unit, domain, flags = spec
    user = UserFactory(organisation=None, **flags)
    RoleGrant.objects.create(
        user=user, role=role, domain=domain, territory=tree[unit] if unit else None
    )
    return user


def expected_units(role: str, relation: str, action: str) -> set[str]:
    """What `role` under `relation` may reach with `action`, by the declared rules."""
    spec = RELATIONS[relation]
    if spec is None:
        return set()
    unit, grant_domain, flags = spec
    if not flags.get("is_active", True):
        return set()
    if flags.get("is_superuser"):
        return set(UNITS)
    declared = scope.rule(action)
    if role != Role.SYSTEM_ADMIN:
        if role not in declared.roles:
            return set()
        # A narrowed grant still covers the shared actions (declared without a domain).
        if grant_domain and declared.domain and grant_domain != declared.domain:
            return set()
    return SUBTREE[unit]


def expects_national_records(role: str, relation: str, action: str) -> bool:
    spec = RELATIONS[relation]
    if spec is None or not expected_units(role, relation, action):
        return False
    unit, _domain, flags = spec
    return unit is None or bool(flags.get("is_superuser"))


@pytest.mark.parametrize("relation", list(RELATIONS))
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_policy_matrix(role, relation):
    tree = build_tree()
    organisations = build_organisations(tree)
    # A unit and organisation far away that nobody in the matrix may reach by subtree.
    stranger = OrganisationFactory(name="Tổ dân vận ngoài cây")
    user = make_user(role, relation, tree)
    key_of_territory = {unit.pk: key for key, unit in tree.items()}
    key_of_organisation = {org.pk: key for key, org in organisations.items()}
    actions = scope.registered_actions()
    assert actions, "no actions registered"
    mismatches = []

    for action in actions:
        expected = expected_units(role, relation, action)
        everywhere = expects_national_records(role, relation, action)

        can = {key for key, unit in tree.items() if scope.can(user, action, unit)}
        territories = {
            key_of_territory.get(pk, "stranger")
            for pk in scope.filter(user, action, Territory.objects.all(), via=None).values_list(
                "pk", flat=True
            )
        }
        orgs = {
            key_of_organisation.get(pk, "stranger")
            for pk in scope.filter(user, action, Organisation.objects.all()).values_list(
                "pk", flat=True
            )
        }
        found = set()
        for key, org in organisations.items():
            try:
                scope.get_visible_or_404(user, action, Organisation.objects.all(), pk=org.pk)
            except Http404:
                continue
            found.add(key)
        sees_stranger_org = scope.filter(
            user, action, Organisation.objects.filter(pk=stranger.pk)
        ).exists()
        answers = {
            "can": can,
            "filter territories": territories - {"stranger"},
            "filter organisations": orgs - {"stranger"},
            "get_visible_or_404": found,
        }
        for name, got in answers.items():
            if got != expected:
                mismatches.append((action, name, sorted(got), sorted(expected)))
        if ("stranger" in orgs or sees_stranger_org) != everywhere:
            mismatches.append((action, "stranger organisation", "stranger" in orgs, everywhere))
        if scope.can(user, action, None) != everywhere:
            mismatches.append((action, "can on a national record", not everywhere, everywhere))
        if scope.can_anywhere(user, action) != bool(expected):
            mismatches.append((action, "can_anywhere", not expected, bool(expected)))

    assert mismatches == []


def test_matrix_covers_every_app_and_both_domains():
    actions = scope.registered_actions()
    prefixes = {action.split(".")[0] for action in actions}

    assert {"accounts", "audit", "organisations", "territories", "tests"} <= prefixes
    assert {scope.rule(a).domain for a in actions} >= {Domain.ALL, Domain.CLEARANCE}


@pytest.fixture
def tree():
    return build_tree()


def officer_on(unit: Territory | None, **grant):
    user = UserFactory(organisation=None)
    RoleGrant.objects.create(user=user, role=Role.OFFICER, territory=unit, **grant)
    return user


def test_record_under_old_tam_ky_rolls_up_to_the_current_province(tree):
    officer = officer_on(tree["P"])

    visible = scope.filter(
        officer, "organisations.view", Territory.objects.filter(era=Era.LEGACY), via=None
    )

    assert set(visible) == {tree["LP"], tree["LD"], tree["L1"], tree["L2"]}


def test_old_ward_with_one_successor_is_visible_to_that_ward_only(tree):
    here, sibling = officer_on(tree["A"]), officer_on(tree["B"])

    assert scope.can(here, "organisations.view", tree["L1"])
    assert not scope.can(sibling, "organisations.view", tree["L1"])


def test_split_old_ward_is_visible_to_neither_successor_ward_alone(tree):
    here, sibling = officer_on(tree["A"]), officer_on(tree["B"])

    assert not scope.can(here, "organisations.view", tree["L2"])
    assert not scope.can(sibling, "organisations.view", tree["L2"])
    assert not scope.can(here, "organisations.view", tree["LD"])


def test_same_code_in_the_other_era_is_a_different_unit(tree):
    # Current ward 20341 and old ward 20341 share a code; a grant on the old province's
    # district says nothing about Cao Bằng, and province 4 is not a prefix of province 48.
    officer = officer_on(tree["Q"])

    assert not scope.can(officer, "organisations.view", tree["A"])
    assert not scope.can(officer, "organisations.view", tree["L1"])


def test_overlapping_grants_collapse_to_the_widest(tree):
    officer = officer_on(tree["P"])
    RoleGrant.objects.create(user=officer, role=Role.OFFICER, territory=tree["A"])
    RoleGrant.objects.create(user=officer, role=Role.OFFICER, territory=tree["Q"])

    assert scope.scope_paths(officer, "organisations.view") == [tree["Q"].path, tree["P"].path]


def test_grant_in_its_own_domain_counts_only_for_that_domain(tree):
    officer = officer_on(tree["P"], domain=Domain.CLEARANCE)

    assert scope.can(officer, "tests.matrix.clearance.view", tree["A"])
    assert not scope.can(officer, "tests.matrix.dialogues.answer", tree["A"])


def test_grant_narrowed_to_a_domain_keeps_the_shared_actions(tree):
    officer = officer_on(tree["P"], domain=Domain.CLEARANCE)

    assert scope.can(officer, "territories.view", tree["A"])
    assert scope.can(officer, "organisations.view", tree["A"])


def test_unknown_action_is_a_programming_error():
    with pytest.raises(LookupError, match=r"policies\.py"):
        scope.can(AnonymousUser(), "nobody.declared.this")


def test_get_visible_or_404_turns_bad_lookups_into_not_found(tree):
    officer = officer_on(tree["P"])

    with pytest.raises(Http404):
        scope.get_visible_or_404(
            officer, "organisations.view", Organisation.objects.all(), pk="abc"
        )
