"""Broad searches count their matches only up to a limit."""

import pytest
from django.test import RequestFactory

from danvan.core.pagination import paginate
from danvan.initiatives.models import Initiative
from danvan.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("rows", "bounded", "count"), [(4, False, 4), (5, False, 5), (7, True, 5)])
def test_the_count_stops_at_the_limit(rows, bounded, count):
    InitiativeFactory.create_batch(rows)
    request = RequestFactory().get("/", {"page": "9"})

    page = paginate(request, Initiative.objects.order_by("id"), 2, count_limit=5)

    assert page.paginator.count == count
    assert page.paginator.is_bounded is bounded
    assert page.number == page.paginator.num_pages  # a page past the end gives the last one


def test_the_list_page_says_more_than_when_a_search_is_bounded(client, monkeypatch, place):
    from danvan.accounts.tests.factories import user_with_role
    from danvan.initiatives.views import initiatives as views

    _, commune, _ = place
    for number in range(4):
        InitiativeFactory(territory=commune, name=f"Khu dân cư tự quản số {number}")
    monkeypatch.setattr(views, "SEARCH_COUNT_LIMIT", 3)
    client.force_login(user_with_role("viewer", commune))

    searched = client.get("/models/", {"q": "tu quan"})
    listed = client.get("/models/")

    assert "of more than 3" in searched.text
    assert "of 4" in listed.text
