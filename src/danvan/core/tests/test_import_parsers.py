from datetime import date, datetime
from decimal import Decimal

import pytest

from danvan.core.imports import parsers
from danvan.core.imports.parsers import ParseError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.234.567", 1234567),
        ("1.234.567 đ", 1234567),
        ("1.234.567đ", 1234567),
        ("1.234.567 đồng", 1234567),
        ("1.234.567 VND", 1234567),
        ("1 234 567", 1234567),
        ("1,2 tỷ", 1_200_000_000),
        ("1,2 ty", 1_200_000_000),
        ("450 triệu", 450_000_000),
        ("128,6 triệu đồng", 128_600_000),
        ("15 nghìn", 15_000),
        ("500", 500),
        (1234567, 1234567),
        (1234567.0, 1234567),
    ],
)
def test_money_reads_vietnamese_formats(raw, expected):
    assert parsers.money(raw) == expected


@pytest.mark.parametrize(
    "raw", ["1.234,5", 1234.5, "-5.000", "abc", "12 đô", "1,2,3", "1,2345 đ", True]
)
def test_money_rejects_fractions_negatives_and_garbage(raw):
    with pytest.raises(ParseError):
        parsers.money(raw)


def test_money_signed_allows_negative_amounts():
    assert parsers.money_signed("-5.000") == -5000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("120,5 m2", Decimal("120.5")),
        ("120,5 m²", Decimal("120.5")),
        ("1.200", Decimal("1200")),
        ("1.200 m2", Decimal("1200")),
        ("0,5 ha", Decimal("5000")),
        ("93.000,25", Decimal("93000.25")),
        (75, Decimal("75")),
        (75.25, Decimal("75.25")),
    ],
)
def test_area_reads_square_metres_and_hectares(raw, expected):
    assert parsers.area(raw) == expected


@pytest.mark.parametrize("raw", ["-5 m2", "5 mẫu", "nhiều"])
def test_area_rejects_negative_and_unknown_units(raw):
    with pytest.raises(ParseError):
        parsers.area(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/03/2025", date(2025, 3, 5)),
        ("5/3/2025", date(2025, 3, 5)),
        ("05-03-2025", date(2025, 3, 5)),
        ("2025-03-05", date(2025, 3, 5)),
        ("05/03/2025 14:30", date(2025, 3, 5)),
        (45721, date(2025, 3, 5)),
        (45721.0, date(2025, 3, 5)),
        ("45721", date(2025, 3, 5)),
        (date(2025, 3, 5), date(2025, 3, 5)),
        (datetime(2025, 3, 5, 8, 0), date(2025, 3, 5)),  # noqa: DTZ001
    ],
)
def test_date_reads_day_first_text_serials_and_cells(raw, expected):
    assert parsers.date_value(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2025", "2025/13/01", "hôm qua", 0, -3, "03/2025"])
def test_date_rejects_impossible_or_unreadable_dates(raw):
    with pytest.raises(ParseError):
        parsers.date_value(raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1.234", 1234), ("1 234", 1234), (42, 42), (42.0, 42), ("7", 7)]
)
def test_integer_reads_dot_thousands(raw, expected):
    assert parsers.non_negative_integer(raw) == expected


@pytest.mark.parametrize("raw", ["1,5", 2.5, "-3", "mười"])
def test_integer_rejects_fractions_negatives_and_words(raw):
    with pytest.raises(ParseError):
        parsers.non_negative_integer(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("001203004567", "001203004567"),
        ("0012 0300 4567", "001203004567"),
        (1203004567, "001203004567"),  # a number cell lost two leading zeros
        (1203004567.0, "001203004567"),
        (79203004567, "079203004567"),
        (123456789012, "123456789012"),
    ],
)
def test_cccd_keeps_or_restores_leading_zeros(raw, expected):
    assert parsers.cccd(raw) == expected


@pytest.mark.parametrize("raw", ["1203004567", "12345", 12345678, "00120300456A", "0012030045678"])
def test_cccd_needs_exactly_twelve_digits(raw):
    with pytest.raises(ParseError):
        parsers.cccd(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        (912345678, "0912345678"),
        ("0203 3870 123", "02033870123"),
    ],
)
def test_phone_normalises_vietnamese_numbers(raw, expected):
    assert parsers.phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "09123", "số máy bàn"])
def test_phone_rejects_short_or_non_numeric_values(raw):
    with pytest.raises(ParseError):
        parsers.phone(raw)


def test_email_lowercases_the_domain_and_rejects_garbage():
    assert parsers.email("Chi.Hoa@Example.VN") == "Chi.Hoa@example.vn"
    with pytest.raises(ParseError):
        parsers.email("chihoa@")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("có", True),
        ("Co", True),
        ("x", True),
        ("không", False),
        ("KHONG", False),
        (True, True),
        (0, False),
    ],
)
def test_yes_no_reads_vietnamese_words(raw, expected):
    assert parsers.yes_no(raw) is expected


def test_yes_no_rejects_other_words():
    with pytest.raises(ParseError):
        parsers.yes_no("có lẽ")


def test_choice_matches_code_or_label_without_accents():
    parse = parsers.choice([("kinh_te", "Kinh tế"), ("van_hoa_xa_hoi", "Văn hóa – xã hội")])  # noqa: RUF001

    assert parse("kinh_te") == "kinh_te"
    assert parse("KINH TE") == "kinh_te"
    assert parse("Văn hóa - xã hội") == "van_hoa_xa_hoi"
    with pytest.raises(ParseError):
        parse("Quốc phòng")


def test_text_max_reports_length_and_collapses_spaces():
    assert parsers.text_max(20)("  Hội   Nông dân \n xã ") == "Hội Nông dân xã"
    with pytest.raises(ParseError):
        parsers.text_max(5)("Hội Nông dân")


def test_parse_errors_are_translated():
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ParseError) as vi_error:
        parsers.cccd("123")
    with translation.override("en"), pytest.raises(ParseError) as en_error:
        parsers.cccd("123")

    assert en_error.value.message == "An ID number has exactly 12 digits."
    assert isinstance(vi_error.value.message, str)
