"""What organisations a province and a commune have, as plain specs shared by the demo (which
creates them through the services) and the bulk generator (which inserts them in chunks).

Each unit's specs come from a generator seeded with the seed and the unit code, so the same unit
gets the same organisations whether it is built by `danvan demo` or by `danvan generate`; their
natural keys then match and neither run duplicates the other's rows.
"""

import random
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from danvan.core.demo.names import date_between, fake_phone, street_address
from danvan.territories.models import Territory

# The day the two-tier local government started; every commune-level body dates from it.
TWO_TIER_START = date(2025, 7, 1)

_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")


@dataclass
class OrgSpec:
    key: str  # unique within one build, used to point at the parent
    kind: str  # OrganisationKind.code
    name: str
    territory: Territory
    parent_key: str | None = None
    short_name: str = ""
    address: str = ""
    phone: str = ""
    founded_on: date | None = None
    member_count: int | None = None
    note: str = ""


def bare_name(territory: Territory) -> str:
    """'Phường Mạo Khê' -> 'Mạo Khê'."""
    for prefix in _PREFIXES:
        if territory.name.startswith(prefix):
            return territory.name[len(prefix) :]
    return territory.name


def place_label(territory: Territory) -> str:
    """The unit as it reads inside an organisation name: 'phường Mạo Khê', 'tỉnh Quảng Ninh'."""
    return territory.name[:1].lower() + territory.name[1:]


def unit_rng(seed: int, territory: Territory) -> random.Random:
    return random.Random(f"{seed}:organisations:{territory.era}:{territory.code}")  # noqa: S311


def _is_city(province: Territory) -> bool:
    return province.division_type.startswith("thành phố")


def province_key(province: Territory, kind: str) -> str:
    return f"p{province.code}:{kind}"


def province_specs(province: Territory, *, seed: int) -> list[OrgSpec]:
    """Province-level bodies: every organisation kind, in a realistic hierarchy."""
    rng = unit_rng(seed, province)
    label = place_label(province)
    short = bare_name(province)
    party = "Thành ủy" if _is_city(province) else "Tỉnh ủy"
    youth_short = "Thành Đoàn" if _is_city(province) else "Tỉnh Đoàn"

    def spec(
        kind: str, name: str, parent: str | None = None, *, suffix: str = "", **extra
    ) -> OrgSpec:
        key = province_key(province, kind) + suffix
        extra.setdefault("founded_on", date_between(rng, date(1946, 1, 1), date(1995, 12, 31)))
        return OrgSpec(
            key=key,
            kind=kind,
            name=name,
            territory=province,
            parent_key=province_key(province, parent) if parent else None,
            address=street_address(rng, label),
            phone=fake_phone(rng),
            **extra,
        )

    commission = settings.DANVAN_COMMISSION_NAME
    return [
        spec("party_committee", f"{party} {short}"),
        spec("peoples_committee", f"Ủy ban nhân dân {label}", short_name=f"UBND {short}"),
        spec(
            "fatherland_front",
            f"Ủy ban Mặt trận Tổ quốc Việt Nam {label}",
            short_name=f"MTTQ {short}",
        ),
        spec(
            "trade_union", f"Liên đoàn Lao động {label}", member_count=rng.randint(80_000, 250_000)
        ),
        spec(
            "mass_mobilisation_commission",
            f"{commission} {party} {short}",
            "party_committee",
            founded_on=TWO_TIER_START.replace(month=3),
            note="Hợp nhất Ban Tuyên giáo và Ban Dân vận từ năm 2025.",
        ),
        spec(
            "task_force",
            f"Tổ công tác dân vận {party} {short}",
            "mass_mobilisation_commission",
            founded_on=TWO_TIER_START,
            note="Phối hợp vận động giải phóng mặt bằng các dự án trọng điểm của tỉnh.",
        ),
        spec("school", f"Trường Chính trị {label}", "party_committee"),
        spec("government_department", f"Sở Nội vụ {label}", "peoples_committee", suffix=":noi-vu"),
        spec(
            "government_department",
            f"Sở Nông nghiệp và Môi trường {label}",
            "peoples_committee",
            suffix=":nong-nghiep",
        ),
        spec(
            "government_department", f"Sở Xây dựng {label}", "peoples_committee", suffix=":xay-dung"
        ),
        spec("emulation_council", f"Hội đồng Thi đua – Khen thưởng {label}", "peoples_committee"),  # noqa: RUF001
        # Since 2025 the mass organisations sit under the Fatherland Front.
        spec(
            "farmers_union",
            f"Hội Nông dân {label}",
            "fatherland_front",
            member_count=rng.randint(100_000, 300_000),
        ),
        spec(
            "womens_union",
            f"Hội Liên hiệp Phụ nữ {label}",
            "fatherland_front",
            member_count=rng.randint(150_000, 400_000),
        ),
        spec(
            "youth_union",
            f"Đoàn Thanh niên Cộng sản Hồ Chí Minh {label}",
            "fatherland_front",
            short_name=youth_short,
            member_count=rng.randint(60_000, 200_000),
        ),
        spec(
            "veterans_association",
            f"Hội Cựu chiến binh {label}",
            "fatherland_front",
            member_count=rng.randint(30_000, 90_000),
        ),
    ]


_ENTERPRISES = (
    "Hợp tác xã Nông nghiệp hữu cơ {short}",
    "Hợp tác xã Dịch vụ tổng hợp {short}",
    "Công ty TNHH Thương mại và Dịch vụ {short}",
    "Công ty Cổ phần Xây dựng {short}",
)
_SCHOOLS = ("Trường Tiểu học {short}", "Trường Trung học cơ sở {short}", "Trường Mầm non {short}")


def commune_specs(commune: Territory, province: Territory, *, seed: int) -> list[OrgSpec]:
    """Commune-level bodies under their provincial counterparts."""
    rng = unit_rng(seed, commune)
    label = place_label(commune)
    short = bare_name(commune)
    where = (label, place_label(province))

    def key(kind: str) -> str:
        return f"c{commune.code}:{kind}"

    def spec(kind: str, name: str, parent: str | None, **extra) -> OrgSpec:
        extra.setdefault("founded_on", TWO_TIER_START)
        return OrgSpec(
            key=key(kind),
            kind=kind,
            name=name,
            territory=commune,
            parent_key=parent,
            address=street_address(rng, *where),
            phone=fake_phone(rng),
            **extra,
        )

    return [
        spec("party_committee", f"Đảng ủy {label}", province_key(province, "party_committee")),
        spec(
            "peoples_committee",
            f"Ủy ban nhân dân {label}",
            province_key(province, "peoples_committee"),
            short_name=f"UBND {short}",
        ),
        spec(
            "fatherland_front",
            f"Ủy ban Mặt trận Tổ quốc Việt Nam {label}",
            province_key(province, "fatherland_front"),
            short_name=f"MTTQ {short}",
        ),
        spec(
            "task_force",
            f"Tổ dân vận {label}",
            key("party_committee"),
            note="Tổ trưởng: đồng chí Phó Bí thư Thường trực Đảng ủy. Vận động nhân dân thực "
            "hiện giải phóng mặt bằng, hiến đất làm đường và xây dựng khu dân cư tự quản.",
        ),
        spec(
            "farmers_union",
            f"Hội Nông dân {label}",
            key("fatherland_front"),
            member_count=rng.randint(400, 3_000),
        ),
        spec(
            "womens_union",
            f"Hội Liên hiệp Phụ nữ {label}",
            key("fatherland_front"),
            member_count=rng.randint(600, 4_000),
        ),
        spec(
            "youth_union",
            f"Đoàn Thanh niên {label}",
            key("fatherland_front"),
            member_count=rng.randint(200, 1_500),
        ),
        spec(
            "veterans_association",
            f"Hội Cựu chiến binh {label}",
            key("fatherland_front"),
            member_count=rng.randint(100, 900),
        ),
        spec(
            "school",
            rng.choice(_SCHOOLS).format(short=short),
            key("peoples_committee"),
            founded_on=date_between(rng, date(1960, 1, 1), date(2015, 12, 31)),
        ),
        spec(
            "enterprise",
            rng.choice(_ENTERPRISES).format(short=short),
            None,
            founded_on=date_between(rng, date(2005, 1, 1), date(2023, 12, 31)),
        ),
    ]
