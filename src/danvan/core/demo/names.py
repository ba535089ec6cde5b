"""Synthetic Vietnamese people, streets and phone numbers for demo and generated data.

Everything here is made up. Phone numbers start with "0000", a prefix no Vietnamese operator
uses, so nobody can mistake a demo number for a real one (domain brief §7).
"""

import random
from datetime import date, timedelta

FAMILY_NAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Đoàn",
    "Lương",
)
MIDDLE_NAMES_MALE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh", "Công", "Ngọc", "Đình")
MIDDLE_NAMES_FEMALE = (
    "Thị",
    "Thu",
    "Ngọc",
    "Thanh",
    "Minh",
    "Hồng",
    "Mai",
    "Phương",
    "Kim",
    "Diệu",
)
GIVEN_NAMES_MALE = (
    "Hùng",
    "Dũng",
    "Tuấn",
    "Long",
    "Nam",
    "Sơn",
    "Thắng",
    "Hải",
    "Phong",
    "Quân",
    "Trung",
    "Hiếu",
    "Cường",
    "Bình",
    "Khánh",
    "Toàn",
    "Tài",
    "Lộc",
    "Vinh",
    "Đạt",
)
GIVEN_NAMES_FEMALE = (
    "Lan",
    "Hương",
    "Hoa",
    "Mai",
    "Hạnh",
    "Thảo",
    "Trang",
    "Linh",
    "Nhung",
    "Yến",
    "Loan",
    "Huyền",
    "Ngân",
    "Vân",
    "Hằng",
    "Thủy",
    "Dung",
    "Oanh",
    "Giang",
    "Quyên",
)
STREETS = (
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Hùng Vương",
    "Quang Trung",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Phan Bội Châu",
    "Nguyễn Du",
    "Lê Duẩn",
    "Nguyễn Văn Cừ",
    "Trần Phú",
    "Bạch Đằng",
    "Phan Chu Trinh",
    "Võ Thị Sáu",
    "Nguyễn Huệ",
)


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES_MALE)} {rng.choice(GIVEN_NAMES_MALE)}"
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES_FEMALE)} {rng.choice(GIVEN_NAMES_FEMALE)}"


def fake_phone(rng: random.Random) -> str:
    return f"0000 {rng.randrange(1000):03d} {rng.randrange(1000):03d}"


def street_address(rng: random.Random, *places: str) -> str:
    parts = [f"Số {rng.randint(1, 250)}, đường {rng.choice(STREETS)}", *places]
    return ", ".join(p for p in parts if p)


def date_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))
