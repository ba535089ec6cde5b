"""Word search over long texts: every word must be there, accents optional, the last word may be
unfinished. On PostgreSQL this is full-text (whole words); elsewhere a substring match."""

import pytest
from django.db import connection

from danvan.core.search import filter_by_words
from danvan.initiatives.models import Initiative
from danvan.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def _names(query: str) -> set[str]:
    return set(filter_by_words(Initiative.objects.all(), query).values_list("name", flat=True))


def test_every_word_must_match_without_accents():
    InitiativeFactory(name="Khu dân cư tự quản", summary="Giữ gìn vệ sinh môi trường.")
    InitiativeFactory(name="Đường hoa nông thôn mới", summary="Trồng cây xanh.")

    assert _names("tu quan") == {"Khu dân cư tự quản"}
    assert _names("ve sinh moi") == {"Khu dân cư tự quản"}  # summary words, last one unfinished
    assert _names("duong hoa") == {"Đường hoa nông thôn mới"}
    assert _names("tu hoa") == set()
    assert _names("") == {"Khu dân cư tự quản", "Đường hoa nông thôn mới"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="whole words on PostgreSQL only")
def test_on_postgresql_a_short_last_word_is_matched_whole():
    InitiativeFactory(name="Cụm dân cư kiểu mẫu", summary="Cùng nhau làm đường.")
    InitiativeFactory(name="Khu dân cư tự quản", summary="Giữ gìn an ninh.")

    # "cu" is the whole word "cư", not the start of "cụm" or "cùng".
    assert _names("dan cu") == {"Cụm dân cư kiểu mẫu", "Khu dân cư tự quản"}
    assert _names("cum") == {"Cụm dân cư kiểu mẫu"}
    assert _names("kieu m") == set()  # one letter stays a whole word
