"""Vietnamese display formats (domain brief §6): numbers, money, dates, area, percent."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from danvan.core.templatetags.vn import (
    format_area,
    format_date,
    format_datetime,
    format_money,
    format_money_short,
    format_number,
    format_percent,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234567, 0, "1.234.567"),
        (-1234567, 0, "-1.234.567"),
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
        (93000.5, 1, "93.000,5"),
        (Decimal("93000.50"), 1, "93.000,5"),
        ("1234567", 0, "1.234.567"),
        (Decimal("2.5"), 0, "3"),  # half up, as people round by hand
        (Decimal("0.125"), 2, "0,13"),
        (12345678901234567890, 0, "12.345.678.901.234.567.890"),
        (None, 0, ""),
        ("", 0, ""),
        ("không rõ", 0, "không rõ"),  # shown as typed rather than failing the page
    ],
)
def test_vn_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567, "1.234.567 đ"),
        (0, "0 đ"),
        (Decimal("1500000"), "1.500.000 đ"),
        (None, ""),
    ],
)
def test_vn_money(value, expected):
    assert format_money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (450_000_000_000, "450 tỷ đồng"),
        (1_200_000_000, "1,2 tỷ đồng"),
        (128_600_000, "128,6 triệu đồng"),
        (999_960_000, "1 tỷ đồng"),
        (450_000, "450.000 đ"),
    ],
)
def test_vn_money_short_in_vietnamese(value, expected):
    with translation.override("vi"):
        assert format_money_short(value) == expected


def test_vn_money_short_in_english():
    with translation.override("en"):
        assert format_money_short(450_000_000_000) == "450 billion VND"
        assert format_money_short(128_600_000) == "128,6 million VND"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2025, 3, 5), "05/03/2025"),
        (datetime(2025, 3, 5, 9, 0), "05/03/2025"),  # noqa: DTZ001 - naive input is taken as local
        # 18:30 UTC on 4 March is 01:30 on 5 March in Hà Nội (UTC+7).
        (datetime(2025, 3, 4, 18, 30, tzinfo=UTC), "05/03/2025"),
        (None, ""),
        ("", ""),
    ],
)
def test_vn_date(value, expected):
    assert format_date(value) == expected


def test_vn_datetime_converts_aware_times_to_ho_chi_minh():
    assert format_datetime(datetime(2025, 3, 4, 18, 30, tzinfo=UTC)) == "05/03/2025 01:30"
    assert format_datetime(datetime(2025, 3, 5, 14, 30)) == "05/03/2025 14:30"  # noqa: DTZ001
    assert format_datetime(date(2025, 3, 5)) == "05/03/2025"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (93000, "93.000 m²"),
        (Decimal("93000.00"), "93.000 m²"),
        (120.5, "120,5 m²"),
        (None, ""),
    ],
)
def test_vn_area(value, expected):
    assert format_area(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (93.5, "93,5%"),
        (93, "93%"),
        (Decimal("100.0"), "100%"),
        (0.25, "0,3%"),
        (None, ""),
    ],
)
def test_vn_percent(value, expected):
    assert format_percent(value) == expected


def test_filters_work_in_every_template_without_load():
    template = Template(
        "{{ n|vn_number }} | {{ d|vn_number:1 }} | {{ m|vn_money }} | {{ day|vn_date }} | "
        "{{ a|vn_area }} | {{ p|vn_percent }}"
    )

    rendered = template.render(
        Context(
            {
                "n": 1234567,
                "d": 93000.5,
                "m": 1234567,
                "day": date(2025, 3, 5),
                "a": 93000,
                "p": 93.5,
            }
        )
    )

    assert rendered == "1.234.567 | 93.000,5 | 1.234.567 đ | 05/03/2025 | 93.000 m² | 93,5%"
