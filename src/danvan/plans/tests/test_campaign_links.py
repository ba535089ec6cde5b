"""The registry of linkable records: the picker and resolved rows never show what is out of scope."""

import pytest

from danvan.accounts.tests.factories import user_with_role
from danvan.clearance.tests.factories import ProjectFactory
from danvan.core import links
from danvan.core.errors import DomainError
from danvan.initiatives.tests.factories import InitiativeFactory
from danvan.organisations.tests.factories import OrganisationFactory
from danvan.plans.models import CampaignLink
from danvan.plans.services import campaigns as services
from danvan.plans.tests.campaign_factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_the_initiatives_and_clearance_types_are_registered():
    keys = {link_type.key for link_type in links.registered_types()}

    assert {"initiatives.model", "clearance.project"} <= keys


def test_search_finds_only_records_the_user_may_see(place):
    _province, commune_a, commune_b = place
    officer = user_with_role("officer", commune_a)
    mine = InitiativeFactory(territory=commune_a, name="Đường hoa tự quản")
    InitiativeFactory(territory=commune_b, name="Đường hoa Quảng Hà")

    found = links.search(officer, "initiatives.model", "duong hoa")

    assert [row.target_id for row in found] == [str(mine.pk)]


def test_search_narrows_to_a_subtree_and_ignores_unknown_types(place):
    province, commune_a, commune_b = place
    leader = user_with_role("leader", province)
    ProjectFactory(territory=commune_a, name="Đường ven sông")
    there = ProjectFactory(territory=commune_b, name="Đường ven biển")

    found = links.search(leader, "clearance.project", "duong ven", within=commune_b)

    assert [row.target_id for row in found] == [str(there.pk)]
    assert links.search(leader, "no.such.type", "duong") == []


def test_resolve_hides_the_title_of_records_outside_the_scope(place, django_assert_num_queries):
    _province, commune_a, commune_b = place
    officer = user_with_role("officer", commune_a)
    visible = InitiativeFactory(territory=commune_a)
    hidden = InitiativeFactory(territory=commune_b, name="Bí mật xã B")
    project = ProjectFactory(territory=commune_a)
    pairs = [
        ("initiatives.model", visible.pk),
        ("initiatives.model", hidden.pk),
        ("clearance.project", project.pk),
        ("gone.app", "3"),
    ]
    officer.refresh_from_db()
    links.resolve(officer, pairs[:1])  # warm the grant cache

    with django_assert_num_queries(2):  # one query per registered type asked for
        rows = links.resolve(officer, pairs)

    assert [row.is_visible for row in rows] == [True, False, True, False]
    assert rows[0].title == visible.name
    assert rows[1].title == ""
    assert rows[1].url == ""
    assert "Bí mật" not in rows[1].display
    assert rows[2].url.endswith(f"/{project.pk}/")


def test_link_add_refuses_records_outside_the_scope_or_the_campaign_unit(place, people):
    _province, commune_a, commune_b = place
    campaign = CampaignFactory(organisation=OrganisationFactory(territory=commune_a))
    outside_unit = InitiativeFactory(territory=commune_b)
    commune_officer = people["commune_officer"]

    for target in (outside_unit.pk, 999_999, "abc"):
        with pytest.raises(DomainError):
            services.link_add(
                campaign=campaign,
                target_type="initiatives.model",
                target_id=target,
                actor=people["officer"],
            )
    with pytest.raises(DomainError):
        services.link_add(
            campaign=campaign, target_type="no.such", target_id="1", actor=commune_officer
        )

    assert not CampaignLink.objects.exists()


def test_link_add_twice_is_refused_and_unlink_is_audited(place, people):
    _province, commune_a, _ = place
    campaign = CampaignFactory(organisation=OrganisationFactory(territory=commune_a))
    model = InitiativeFactory(territory=commune_a)
    link = services.link_add(
        campaign=campaign, target_type="initiatives.model", target_id=model.pk,
        actor=people["officer"],
    )  # fmt: skip

    with pytest.raises(DomainError) as caught:
        services.link_add(
            campaign=campaign, target_type="initiatives.model", target_id=model.pk,
            actor=people["officer"],
        )  # fmt: skip
    assert caught.value.code == "duplicate"

    services.link_remove(link=link, actor=people["officer"])
    assert not campaign.links.exists()
