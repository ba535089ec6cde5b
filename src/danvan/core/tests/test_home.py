import pytest

from danvan.accounts.tests.factories import user_with_role
from danvan.organisations.tests.factories import OrganisationFactory, OrganisationKindFactory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_home_counts_only_what_the_user_may_see(client):
    province = ProvinceFactory()
    mine, theirs = CommuneFactory(parent=province), CommuneFactory(parent=province)
    youth = OrganisationKindFactory(
        code="youth_union", name_vi="Đoàn Thanh niên", name_en="Youth Union"
    )
    for _ in range(3):
        OrganisationFactory(territory=mine, kind=youth)
    for _ in range(5):
        OrganisationFactory(territory=theirs, kind=youth)
    officer = user_with_role("officer", mine)
    client.force_login(officer)

    response = client.get("/")

    rows = {row["kind__code"]: row["total"] for row in response.context["by_kind"]}
    assert rows["youth_union"] == 3
    # The officer's own organisation (from the factory) is the only other one in scope.
    assert response.context["counts"]["organisations"] == 4
    assert "Youth Union" in response.text
