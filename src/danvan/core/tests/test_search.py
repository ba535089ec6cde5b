"""Accent- and case-insensitive search: the normal form, optional prefixes, and the SQL it makes."""

import unicodedata

import pytest
from django.db import connection

from danvan.core.search import (
    filter_by_search,
    normalize,
    query_tokens,
    search_key,
    strip_admin_prefix,
)
from danvan.territories.models import Era, Level, Territory
from danvan.territories.tests.factories import CommuneFactory, ProvinceFactory


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đông Triều", "dong trieu"),
        ("đông triều", "dong trieu"),
        ("ĐÔNG TRIỀU", "dong trieu"),
        (nfd("Đông Triều"), "dong trieu"),
        (unicodedata.normalize("NFC", "Quảng Ninh"), "quang ninh"),
        (nfd("Quảng Ninh"), "quang ninh"),
        ("  Hạ   Long  ", "ha long"),
        ("Phường\tTam  Kỳ\n", "phuong tam ky"),
        ("TP. Hạ Long", "tp ha long"),
        ("Thừa Thiên - Huế", "thua thien hue"),
        ("Phường 12", "phuong 12"),
        ("Ðông Hà", "dong ha"),  # Ð (U+00D0) is often typed for Đ (U+0110)
        ("", ""),
        (None, ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_d_and_stroked_d_normalise_alike():
    assert normalize("đ") == normalize("d") == normalize("Đ") == normalize("D") == "d"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tinh quang ninh", "quang ninh"),
        ("thanh pho ha noi", "ha noi"),
        ("thanh pho trung uong can tho", "can tho"),
        ("tp ha long", "ha long"),
        ("phuong tam ky", "tam ky"),
        ("xa hai ha", "hai ha"),
        ("dac khu van don", "van don"),
        ("thi xa dong trieu", "dong trieu"),
        ("thi tran cai rong", "cai rong"),
        ("huyen hai ha", "hai ha"),
        ("quan hai chau", "hai chau"),
        ("quang ninh", "quang ninh"),  # "quan" is a prefix only as a whole word
        ("xanh", "xanh"),
        ("tinh", "tinh"),  # a bare prefix is a query in its own right
    ],
)
def test_strip_admin_prefix(query, expected):
    assert strip_admin_prefix(query) == expected


def test_query_tokens_normalise_then_drop_the_prefix():
    assert query_tokens("  Tỉnh   QUẢNG ninh ") == ["quang", "ninh"]
    assert query_tokens("") == []
    assert query_tokens("  ") == []


@pytest.fixture
def units(db):
    quang_ninh = ProvinceFactory(code=22, name="Tỉnh Quảng Ninh")
    ha_long = CommuneFactory(
        parent=quang_ninh, code=6901, name="Phường Hạ Long", division_type="phường"
    )
    dong_trieu = CommuneFactory(
        parent=quang_ninh, code=7132, name="Phường Đông Triều", division_type="phường"
    )
    da_nang = ProvinceFactory(
        code=48, name="Thành phố Đà Nẵng", division_type="thành phố trung ương"
    )
    tam_ky = CommuneFactory(
        parent=da_nang, code=20341, name="Phường Tam Kỳ", division_type="phường"
    )
    old_province = ProvinceFactory(
        era=Era.LEGACY, code=22, name="Tỉnh Quảng Ninh", scope_path=quang_ninh.path
    )
    old_dong_trieu = CommuneFactory(
        era=Era.LEGACY,
        level=Level.DISTRICT,
        parent=old_province,
        code=205,
        name="Thị xã Đông Triều",
        division_type="thị xã",
        scope_path=quang_ninh.path,
    )
    return {
        "quang_ninh": quang_ninh,
        "ha_long": ha_long,
        "dong_trieu": dong_trieu,
        "da_nang": da_nang,
        "tam_ky": tam_ky,
        "old_province": old_province,
        "old_dong_trieu": old_dong_trieu,
    }


def found(query: str) -> set[Territory]:
    return set(filter_by_search(Territory.objects.all(), query))


def test_unaccented_query_finds_the_accented_name(units):
    assert found("quang ninh") == {units["quang_ninh"], units["old_province"]}


def test_administrative_prefix_is_optional_in_the_query(units):
    assert found("tinh quang ninh") == found("Quảng Ninh") == found("quang ninh")
    assert found("TP Hạ Long") == found("ha long") == {units["ha_long"]}
    assert found("phường tam kỳ") == {units["tam_ky"]}
    assert found("thanh pho da nang") == {units["da_nang"]}


def test_dong_trieu_finds_the_unit_in_both_eras(units):
    assert found("dong trieu") == {units["dong_trieu"], units["old_dong_trieu"]}
    assert found("ĐÔNG TRIỀU") == found(nfd("Đông Triều")) == found("dong trieu")


def test_every_word_must_match_in_any_order(units):
    assert found("trieu dong") == found("dong trieu")
    assert found("dong ninh") == set()


def test_empty_query_keeps_the_queryset(units):
    assert found("") == set(Territory.objects.all())
    assert found("   ") == set(Territory.objects.all())


def test_stored_key_is_what_the_factories_and_services_write(units):
    assert units["dong_trieu"].search_name == search_key("Phường Đông Triều") == "phuong dong trieu"


def test_search_is_one_sql_query_on_the_search_column(units, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        list(filter_by_search(Territory.objects.all(), "tinh quang ninh"))

    sql = captured.captured_queries[0]["sql"].lower()
    assert "search_name" in sql
    assert sql.count("like") == 2  # one condition per word, no Python-side filtering
    assert "quang" in sql
    assert "ninh" in sql


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only"
)
def test_postgresql_answers_from_the_trigram_index(units):
    qs = filter_by_search(Territory.objects.all(), "dong trieu")

    with connection.cursor() as cursor:
        # On a handful of rows the planner may walk any index and filter; rule out the
        # plans that do not use an index condition so the question is only "can it use trgm".
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = qs.explain()

    assert "territory_search_trgm" in plan
