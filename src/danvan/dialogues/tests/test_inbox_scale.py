"""The inbox on large scopes: tab counts split over open and closed petitions, capped badges,
the agency list loaded on use, and statistics totals added up from the groups."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from danvan.accounts.tests.factories import user_with_role
from danvan.dialogues import selectors
from danvan.dialogues import statistics as stats
from danvan.dialogues.models import Petition
from danvan.dialogues.tests.factories import PetitionFactory
from danvan.dialogues.views import petitions as views
from danvan.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(place):
    province, commune_a, commune_b = place
    return {
        "officer": user_with_role("officer", commune_a),
        "leader": user_with_role("leader", commune_a),
        "viewer": user_with_role("viewer", commune_a),
        "province": province,
        "commune": commune_a,
        "elsewhere": commune_b,
    }


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


def _in_states(people, states: dict) -> None:
    """Petitions of the commune in the given states, {status: how many}."""
    today = timezone.localdate()
    officer = people["officer"]
    for n, (status, count) in enumerate(states.items()):
        for i in range(count):
            petition = PetitionFactory(territory=people["commune"])
            Petition.objects.filter(pk=petition.pk).update(
                status=status,
                deadline=today + timedelta(days=(i % 3) * 3 - 2 + n),
                agency=officer.organisation if i % 2 else None,
                officer=officer if i % 2 else None,
                answered_at=timezone.now() if status in ("answered", "closed") else None,
                escalated_at=timezone.now() if i == 1 else None,
            )


def test_tab_counts_equal_the_size_of_each_tab(people):
    _in_states(
        people,
        {"received": 3, "assigned": 4, "in_progress": 3, "answered": 2, "closed": 1, "spam": 2},
    )
    PetitionFactory(territory=people["elsewhere"])  # out of scope
    user = people["officer"]

    counts = selectors.inbox_counts(user)

    assert counts == {b: selectors.inbox(user, b).count() for b in selectors.INBOX_BUCKETS}
    assert counts["new"] == 3
    assert counts["answered"] == 3
    assert counts["spam"] == 2
    assert counts["mine"] > 0
    assert counts["overdue"] > 0
    assert counts["due_soon"] > 0


def test_answered_and_spam_counts_stop_past_the_cap(people):
    _in_states(people, {"answered": 4, "spam": 1})
    user = people["officer"]

    capped = selectors.inbox_counts(user, cap=2)

    assert capped["answered"] == 3  # cap + 1: "more than 2"
    assert capped["spam"] == 1
    assert selectors.inbox_counts(user)["answered"] == 4


def test_a_capped_tab_badge_reads_plus(as_user, people, monkeypatch):
    monkeypatch.setattr(views, "TAB_COUNT_CAP", 2)
    _in_states(people, {"answered": 3, "received": 1})

    response = as_user(people["officer"]).get(reverse("dialogues:petition_inbox"))

    tabs = {key: (count, capped) for key, _label, count, capped in response.context["tabs"]}
    assert tabs["answered"] == (2, True)
    assert tabs["new"] == (1, False)
    assert "2+</span>" in response.content.decode()


def test_a_long_agency_list_is_loaded_when_used(as_user, people, monkeypatch):
    monkeypatch.setattr(views, "AGENCY_INLINE_MAX", 1)
    first = OrganisationFactory(territory=people["commune"], name="Ban Địa chính xã")
    OrganisationFactory(territory=people["commune"], name="Ban Văn hóa xã")
    client = as_user(people["leader"])

    page = client.get(reverse("dialogues:petition_inbox"))
    chosen = client.get(reverse("dialogues:petition_inbox"), {"agency": first.pk})
    options = client.get(reverse("dialogues:petition_agency_options"), {"empty": "choose"})
    marked = client.get(reverse("dialogues:petition_agency_options"), {"agency": first.pk})

    assert page.status_code == 200
    assert page.context["agency_options"]["lazy"]
    assert "Ban Văn hóa xã" not in page.content.decode()
    assert reverse("dialogues:petition_agency_options") in page.content.decode()
    # The chosen agency stays shown in the filter before the list is loaded.
    assert f'<option value="{first.pk}" selected>Ban Địa chính xã</option>' in (
        chosen.content.decode()
    )
    assert options.status_code == 200
    text = options.content.decode()
    assert text.startswith('<option value="">— choose —</option>')
    assert "Ban Văn hóa xã" in text
    assert "Ban Địa chính xã" in text
    assert f'<option value="{first.pk}" selected>' in marked.content.decode()


def test_a_short_agency_list_is_written_into_the_page(as_user, people):
    OrganisationFactory(territory=people["commune"], name="Ban <Văn hóa> xã")

    response = as_user(people["leader"]).get(reverse("dialogues:petition_inbox"))

    assert not response.context["agency_options"]["lazy"]
    assert response.content.decode().count("Ban &lt;Văn hóa&gt; xã") == 2  # filter and bulk


def test_agency_options_need_the_assign_right(as_user, people):
    response = as_user(people["viewer"]).get(reverse("dialogues:petition_agency_options"))

    assert response.status_code == 403


def test_statistics_totals_add_up_the_groups(people):
    _in_states(people, {"received": 2, "assigned": 2, "answered": 3, "closed": 2})
    Petition.objects.filter(status="answered").update(satisfaction="satisfied")
    filters, _errors = stats.StatisticsFilters.from_params({})

    for group_by in stats.GROUP_VALUES:
        data = stats.petition_statistics_for_user(people["leader"], filters, None, group_by)
        assert data.totals.received == 9
        assert data.totals.answered == 5
        assert data.totals.open == 4
        assert data.totals.satisfied == 3
        assert data.totals.p90_days is not None
        assert sum(r.figures.received for r in data.rows) == 9
