# ruff: noqa: RUF001
"""Synthetic "Dân vận khéo" models for `danvan demo` and `danvan generate`.

Demo scale tells the story of the domain brief: Quảng Ninh with about 1.900 models since 2021,
61 provincial recognitions in 2024 (49 collective, 12 individual) decided by closed provincial
councils, more than 100 models in the communes of old Hải Hà, Đông Triều's campaigns, and an open
provincial council this year for the demo reviewers; Tam Kỳ's wards in Đà Nẵng run "tự quản"
(self-managed) residential models. Province and national scale give every commune about 150 models
(about 500.000 for the country), about 30% recognised at commune and 5% at provincial level.

Everything is drawn from seeded random streams (one per commune in bulk, one per demo area), never
from what the database holds, so the same seed always yields the same models. Rows are inserted
with `bulk_create`; a model whose natural key (unit, year, normalised name) exists is skipped with
everything attached to it, so running again adds nothing. Each province gets one summary audit row
instead of one per model: a national run inserts millions of rows.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.db import connection, models, transaction
from django.utils import timezone

from danvan.accounts.models import User
from danvan.audit import services as audit
from danvan.core.demo.areas import demo_areas
from danvan.core.demo.names import (
    FAMILY_NAMES,
    GIVEN_NAMES_FEMALE,
    GIVEN_NAMES_MALE,
    MIDDLE_NAMES_FEMALE,
    MIDDLE_NAMES_MALE,
)
from danvan.core.demo.registry import GenerationRun, register
from danvan.core.search import nfc, normalize, search_key
from danvan.initiatives.models import (
    Council,
    CouncilMember,
    CriteriaSet,
    Entry,
    Evaluation,
    EvaluationOutcome,
    Field,
    Indicator,
    IndicatorKind,
    Initiative,
    Kind,
    Level,
    MemberRole,
    Recognition,
    Replication,
    ReviewRound,
    RoundStatus,
    ScoreSheet,
    Status,
    Subject,
    Tag,
)
from danvan.initiatives.services.councils import sheet_total
from danvan.organisations.models import Organisation
from danvan.territories.models import Era, Territory, TerritoryMapping
from danvan.territories.models import Level as TerritoryLevel

FIRST_YEAR = 2021
# Old communes and districts were abolished in mid-2025; records up to 2024 may still name them.
LAST_LEGACY_RECORD_YEAR = 2024
LEGACY_SHARE = 0.6
# Models per commune over all years: about 150, so about 500.000 for the 3.321 communes.
MODELS_PER_COMMUNE = (110, 190)
# Bulk outcome shares for years already closed.
P_COMMUNE = 0.35  # recognised at commune level (some of them later at provincial level too)
P_PROVINCE_OF_RECOGNISED = 0.17  # about 5% of all models once the current year is counted
P_REJECTED = 0.22
P_STOPPED = 0.06  # of the recognised: found ineffective at a later yearly evaluation
P_EVALUATED = 0.3
P_REPLICATED = 0.05
P_INDIVIDUAL = 0.2

PASS_SCORE = Decimal(70)
CENTS = Decimal("0.01")
# Organisations that sit on councils never file models, so demo reviewers have no conflict.
NEVER_AUTHOR = {"mass_mobilisation_commission", "emulation_council"}

# --- what models are about --------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    field: str
    text: str  # "{place}" is the village or residential group
    indicators: tuple[str, ...]
    tags: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ("fatherland_front",)  # who runs it, in order of preference
    areas: tuple[str, ...] = ()  # demo areas where the theme is common


_ECONOMY = ("farmers_union", "peoples_committee", "enterprise", "womens_union")
_SOCIETY = ("womens_union", "youth_union", "fatherland_front", "school", "peoples_committee")
_SECURITY = ("veterans_association", "fatherland_front", "youth_union", "task_force")
_PARTY = ("party_committee", "task_force", "fatherland_front")

THEMES: tuple[Theme, ...] = (
    # Kinh tế
    Theme(
        "kinh_te",
        "Vận động nông dân {place} tham gia chuỗi giá trị sản xuất hữu cơ",
        ("households", "participants", "money_mobilised"),
        ("Nông nghiệp hữu cơ", "Nông thôn mới"),
        ("farmers_union", "enterprise"),
        ("dong_trieu",),
    ),
    Theme(
        "kinh_te",
        "Đưa nông sản, sản phẩm OCOP của {place} lên sàn thương mại điện tử",
        ("households", "participants", "money_mobilised"),
        ("OCOP", "Chuyển đổi số"),
        ("farmers_union", "youth_union", "enterprise"),
        ("dong_trieu",),
    ),
    Theme(
        "kinh_te",
        "Nhân dân {place} hiến đất, góp công làm đường giao thông nông thôn",
        ("households", "land_donated_m2", "road_km", "working_days", "money_mobilised"),
        ("Hiến đất làm đường", "Nông thôn mới"),
        ("task_force", "fatherland_front", "peoples_committee"),
        ("hai_ha", "tam_ky"),
    ),
    Theme(
        "kinh_te",
        "Vận động giải phóng mặt bằng dự án trọng điểm qua {place}",
        ("households", "land_donated_m2", "petitions_resolved"),
        ("Giải phóng mặt bằng",),
        ("task_force", "party_committee", "peoples_committee"),
        ("hai_ha", "tam_ky"),
    ),
    Theme(
        "kinh_te",
        "Giúp hộ nghèo, hộ cận nghèo {place} phát triển kinh tế, thoát nghèo bền vững",
        ("households", "money_mobilised", "working_days"),
        ("Giảm nghèo",),
        ("womens_union", "farmers_union", "fatherland_front"),
    ),
    Theme(
        "kinh_te",
        "Tổ hợp tác nuôi trồng thủy sản liên kết với doanh nghiệp ở {place}",
        ("households", "participants", "money_mobilised"),
        (),
        ("farmers_union", "enterprise"),
        ("hai_ha",),
    ),
    Theme(
        "kinh_te",
        "Chuyển đổi cây trồng, trồng rừng gỗ lớn ở {place}",
        ("households", "trees_planted", "money_mobilised"),
        (),
        ("farmers_union", "peoples_committee"),
        ("hai_ha",),
    ),
    Theme(
        "kinh_te",
        "Phát triển du lịch cộng đồng gắn với giữ gìn bản sắc văn hóa ở {place}",
        ("households", "participants", "money_mobilised"),
        (),
        ("peoples_committee", "womens_union", "youth_union"),
    ),
    Theme(
        "kinh_te",
        "Dồn điền đổi thửa, tích tụ ruộng đất sản xuất hàng hóa ở {place}",
        ("households", "land_donated_m2", "working_days"),
        ("Nông thôn mới",),
        ("farmers_union", "peoples_committee"),
        ("hai_ha",),
    ),
    Theme(
        "kinh_te",
        "Xây dựng khu dân cư nông thôn mới kiểu mẫu ở {place}",
        ("households", "money_mobilised", "working_days", "road_km"),
        ("Nông thôn mới",),
        ("fatherland_front", "peoples_committee"),
        ("hai_ha",),
    ),
    # Văn hóa - xã hội
    Theme(
        "van_hoa_xa_hoi",
        "Tuyến đường tự quản xanh – sạch – đẹp ở {place}",
        ("households", "working_days", "trees_planted", "money_mobilised"),
        ("Tự quản", "Bảo vệ môi trường"),
        ("womens_union", "fatherland_front", "youth_union"),
        ("tam_ky", "hai_ha"),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Phụ nữ {place} thực hiện “3T”: Tiết giảm – Tái chế – Tái sử dụng",
        ("households", "participants"),
        ("Bảo vệ môi trường",),
        ("womens_union",),
        ("dong_trieu",),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Phân loại rác thải sinh hoạt tại nguồn ở {place}",
        ("households", "participants", "money_mobilised"),
        ("Bảo vệ môi trường",),
        ("womens_union", "fatherland_front"),
        ("tam_ky",),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Khu dân cư tự quản về vệ sinh môi trường, chỉnh trang đô thị ở {place}",
        ("households", "working_days", "money_mobilised"),
        ("Tự quản", "Đô thị văn minh"),
        ("fatherland_front", "womens_union"),
        ("tam_ky",),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Xây dựng cộng đồng dân cư đoàn kết, gắn bó ở {place}",
        ("households", "participants", "petitions_resolved"),
        ("Đô thị văn minh",),
        ("fatherland_front",),
        ("dong_trieu", "tam_ky"),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Bảo đảm an toàn giao thông cho học sinh trên đường đến trường ở {place}",
        ("participants", "working_days"),
        ("An toàn giao thông",),
        ("school", "youth_union"),
        ("dong_trieu",),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Thanh niên {place} đồng hành hội nhập, hỗ trợ việc làm",
        ("participants", "money_mobilised"),
        ("Thanh niên",),
        ("youth_union",),
        ("dong_trieu",),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Công nhân thực hiện 5 biện pháp bảo đảm an toàn tại doanh nghiệp ở {place}",
        ("participants", "working_days"),
        ("An toàn lao động",),
        ("enterprise", "youth_union"),
        ("dong_trieu",),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Vận động người dân {place} tham gia bảo hiểm y tế, bảo hiểm xã hội tự nguyện",
        ("households", "participants"),
        (),
        ("fatherland_front", "womens_union"),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Tủ sách cộng đồng, khuyến học – khuyến tài ở {place}",
        ("households", "money_mobilised"),
        ("Khuyến học",),
        ("school", "fatherland_front"),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Hướng dẫn người dân {place} sử dụng dịch vụ công trực tuyến",
        ("participants", "households"),
        ("Chuyển đổi số",),
        ("youth_union", "peoples_committee"),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Nhân dân {place} góp công, góp của xây dựng nhà văn hóa",
        ("households", "money_mobilised", "working_days"),
        (),
        ("fatherland_front", "peoples_committee"),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "Trồng và chăm sóc cây xanh, đường hoa ở {place}",
        ("households", "trees_planted", "working_days"),
        ("Bảo vệ môi trường",),
        ("womens_union", "youth_union", "veterans_association"),
        ("hai_ha",),
    ),
    # Quốc phòng - an ninh
    Theme(
        "quoc_phong_an_ninh",
        "Khu dân cư tự quản về an ninh trật tự ở {place}",
        ("households", "petitions_resolved", "money_mobilised"),
        ("Tự quản", "An ninh trật tự"),
        ("fatherland_front", "veterans_association", "task_force"),
        ("tam_ky",),
    ),
    Theme(
        "quoc_phong_an_ninh",
        "Camera an ninh do nhân dân đóng góp lắp đặt ở {place}",
        ("households", "money_mobilised"),
        ("An ninh trật tự", "Chuyển đổi số"),
        ("fatherland_front", "youth_union"),
        ("tam_ky",),
    ),
    Theme(
        "quoc_phong_an_ninh",
        "Tổ tự quản phòng, chống tội phạm và tệ nạn xã hội ở {place}",
        ("households", "participants"),
        ("Tự quản", "An ninh trật tự"),
        ("veterans_association", "fatherland_front"),
        ("tam_ky",),
    ),
    Theme(
        "quoc_phong_an_ninh",
        "Cựu chiến binh {place} tham gia hòa giải ở cơ sở",
        ("petitions_resolved", "participants"),
        ("Hòa giải ở cơ sở",),
        ("veterans_association",),
    ),
    Theme(
        "quoc_phong_an_ninh",
        "Ngư dân {place} bám biển, góp phần bảo vệ chủ quyền biển, đảo",
        ("households", "participants"),
        ("Biển, đảo",),
        ("farmers_union", "veterans_association"),
        ("hai_ha",),
    ),
    Theme(
        "quoc_phong_an_ninh",
        "Tổ liên gia an toàn phòng cháy, chữa cháy ở {place}",
        ("households", "participants"),
        ("An ninh trật tự",),
        ("fatherland_front", "youth_union"),
    ),
    Theme(
        "quoc_phong_an_ninh",
        "Dân quân cùng nhân dân {place} tuần tra, giữ gìn đường biên, mốc giới",
        ("participants", "working_days"),
        ("An ninh trật tự",),
        ("veterans_association", "youth_union"),
        ("hai_ha",),
    ),
    # Xây dựng Đảng và hệ thống chính trị
    Theme(
        "xay_dung_dang_httc",
        "Mỗi đảng viên ở {place} gắn với một nhóm hộ gia đình",
        ("households", "participants"),
        ("Dân chủ ở cơ sở",),
        ("party_committee",),
    ),
    Theme(
        "xay_dung_dang_httc",
        "Đối thoại định kỳ giữa người đứng đầu cấp ủy với nhân dân {place}",
        ("petitions_resolved", "participants"),
        ("Dân chủ ở cơ sở",),
        ("party_committee", "task_force"),
    ),
    Theme(
        "xay_dung_dang_httc",
        "Tiếp nhận, giải quyết kiến nghị của nhân dân {place} qua nhóm Zalo",
        ("petitions_resolved", "households"),
        ("Chuyển đổi số", "Dân chủ ở cơ sở"),
        ("task_force", "fatherland_front"),
        ("tam_ky",),
    ),
    Theme(
        "xay_dung_dang_httc",
        "Chi bộ {place} sinh hoạt chuyên đề về công tác dân vận",
        ("participants",),
        (),
        ("party_committee",),
    ),
    Theme(
        "xay_dung_dang_httc",
        "“Dân biết, dân bàn, dân làm, dân kiểm tra, dân giám sát, dân thụ hưởng” ở {place}",
        ("households", "petitions_resolved", "money_mobilised"),
        ("Dân chủ ở cơ sở",),
        ("fatherland_front", "party_committee"),
    ),
    Theme(
        "xay_dung_dang_httc",
        "Đảng viên gương mẫu nhận đỡ đầu hộ khó khăn ở {place}",
        ("households", "money_mobilised"),
        ("Giảm nghèo",),
        ("party_committee", "veterans_association"),
    ),
)

# Exemplary individuals: "{who}, {position}, {deed}".
PERSON_THEMES: tuple[Theme, ...] = (
    Theme(
        "kinh_te",
        "vận động nhân dân hiến đất làm đường",
        ("households", "land_donated_m2", "road_km"),
        ("Hiến đất làm đường",),
        ("fatherland_front", "party_committee"),
        ("hai_ha",),
    ),
    Theme(
        "kinh_te",
        "đi đầu trong giải phóng mặt bằng",
        ("households", "land_donated_m2"),
        ("Giải phóng mặt bằng",),
        ("party_committee", "task_force"),
        ("hai_ha", "tam_ky"),
    ),
    Theme(
        "kinh_te",
        "giúp hộ nghèo phát triển kinh tế",
        ("households", "money_mobilised"),
        ("Giảm nghèo",),
        ("farmers_union", "womens_union"),
        ("dong_trieu",),
    ),
    Theme(
        "quoc_phong_an_ninh",
        "hòa giải thành nhiều vụ việc ở cơ sở",
        ("petitions_resolved",),
        ("Hòa giải ở cơ sở",),
        ("veterans_association", "fatherland_front"),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "vận động giữ gìn vệ sinh môi trường",
        ("households", "trees_planted"),
        ("Bảo vệ môi trường",),
        ("womens_union",),
        ("dong_trieu",),
    ),
    Theme(
        "quoc_phong_an_ninh",
        "xây dựng khu dân cư tự quản",
        ("households", "petitions_resolved"),
        ("Tự quản",),
        ("fatherland_front",),
        ("tam_ky",),
    ),
    Theme(
        "xay_dung_dang_httc",
        "tận tụy với công tác dân vận",
        ("households", "participants"),
        (),
        ("party_committee",),
    ),
    Theme(
        "van_hoa_xa_hoi",
        "đi đầu chuyển đổi số trong cộng đồng",
        ("participants",),
        ("Chuyển đổi số",),
        ("youth_union",),
    ),
)

POSITIONS = (
    ("Trưởng {place}", "fatherland_front"),
    ("Bí thư Chi bộ {place}", "party_committee"),
    ("Trưởng ban công tác Mặt trận {place}", "fatherland_front"),
    ("Chi hội trưởng Chi hội Phụ nữ {place}", "womens_union"),
    ("Chi hội trưởng Chi hội Cựu chiến binh {place}", "veterans_association"),
    ("Chi hội trưởng Chi hội Nông dân {place}", "farmers_union"),
    ("Bí thư Chi đoàn {place}", "youth_union"),
)

# Results most models can report besides their theme's own.
GENERAL_INDICATORS = ("households", "participants", "working_days", "money_mobilised")

METHODS = (
    "Cấp ủy, chính quyền phối hợp với Mặt trận và các đoàn thể tổ chức họp dân, công khai nội "
    "dung để nhân dân bàn và quyết định.",
    "Cán bộ, đảng viên đi đầu, gương mẫu thực hiện trước để nhân dân làm theo.",
    "Tổ dân vận đến từng hộ gia đình tuyên truyền, lắng nghe và giải đáp kiến nghị của nhân dân.",
    "Việc huy động nguồn lực được công khai, minh bạch, có Ban Thanh tra nhân dân giám sát.",
    "Phát huy vai trò người có uy tín trong cộng đồng, kết hợp tuyên truyền trên loa truyền thanh "
    "và mạng xã hội.",
)
PROBLEMS = (
    "Hạ tầng xuống cấp, nguồn lực của địa phương còn hạn chế.",
    "Một bộ phận nhân dân chưa đồng thuận, còn trông chờ vào Nhà nước.",
    "Vấn đề bức xúc kéo dài, phát sinh nhiều kiến nghị của nhân dân.",
    "Đời sống một bộ phận nhân dân còn khó khăn, thiếu việc làm ổn định.",
    "Tình trạng vi phạm trật tự, vệ sinh môi trường tái diễn ở khu dân cư.",
)
MOTTO = "Thực hiện phương châm “Dân vận khéo thì việc gì cũng thành công”."
REJECTION_NOTES = (
    "Kết quả chưa rõ nét, chưa đủ điều kiện công nhận.",
    "Hồ sơ, minh chứng chưa đầy đủ.",
    "Chưa có khả năng nhân rộng trên địa bàn.",
)
STOP_NOTES = (
    "Thôn, khu sáp nhập; mô hình không còn duy trì.",
    "Nguồn lực xã hội hóa không còn, hoạt động gián đoạn.",
    "Người dân không còn tham gia thường xuyên.",
)

# --- plain specs, built before anything touches the database ----------------------------------


@dataclass(slots=True)
class RecognitionSpec:
    level: str
    year: int
    number: str
    decided_on: date
    issuer_id: int
    score: Decimal
    review_round_id: int | None = None


@dataclass(slots=True)
class SheetSpec:
    member_id: int
    values: dict[str, int]
    total: Decimal


@dataclass(slots=True)
class EntrySpec:
    round_id: int
    level: str
    recognised: bool | None
    sheets: list[SheetSpec] = field(default_factory=list)


@dataclass(slots=True)
class ModelSpec:
    name: str
    summary: str
    problem: str
    mobilisation: str
    kind: str
    subject: str
    field: str
    territory: Territory
    commune: Territory  # the current unit the record rolls up to (itself when current)
    organisation_id: int
    year: int
    started_on: date
    person_name: str = ""
    person_position: str = ""
    registered_years: list[int] = field(default_factory=list)
    status: str = Status.DRAFT
    level: str = ""
    target_level: str = Level.COMMUNE
    score: Decimal | None = None
    status_note: str = ""
    submitted_at: datetime | None = None
    recognised_at: datetime | None = None
    tags: tuple[str, ...] = ()
    indicators: dict[str, Decimal] = field(default_factory=dict)
    recognitions: list[RecognitionSpec] = field(default_factory=list)
    evaluations: list[tuple[int, str, str]] = field(default_factory=list)
    replications: list[tuple[int, int]] = field(default_factory=list)  # (territory id, year)
    entries: list[EntrySpec] = field(default_factory=list)
    search_name: str = ""
    search_text: str = ""
    pk: int | None = None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.territory.pk, self.year, self.search_name)


_piece_key = lru_cache(maxsize=1 << 17)(search_key)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _vn_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _money_words(value: int) -> str:
    if value >= 10**9:
        text = f"{value / 10**9:.1f}".replace(".", ",").removesuffix(",0")
        return f"{text} tỷ đồng"
    return f"{_vn_int(round(value / 10**6))} triệu đồng"


def _indicator_value(rng: random.Random, code: str) -> Decimal:
    if code == "households":
        return Decimal(rng.randint(25, 900))
    if code == "participants":
        return Decimal(rng.randint(60, 3_500))
    if code == "money_mobilised":
        return Decimal(rng.randint(20, 3_500) * 1_000_000)
    if code == "working_days":
        return Decimal(rng.randint(80, 6_000))
    if code == "road_km":
        return Decimal(rng.randint(3, 150)) / 10
    if code == "land_donated_m2":
        return Decimal(rng.randint(150, 18_000))
    if code == "petitions_resolved":
        return Decimal(rng.randint(5, 140))
    return Decimal(rng.randint(200, 25_000))  # trees_planted


def _results_words(indicators: dict[str, Decimal]) -> list[str]:
    """The results sentence ("Kết quả: 120 hộ tham gia; …") as space-separated pieces."""
    parts = []
    for code, value in indicators.items():
        whole = int(value)
        if code == "households":
            parts.append([_vn_int(whole), "hộ tham gia"])
        elif code == "participants":
            parts.append([_vn_int(whole), "lượt người tham gia"])
        elif code == "money_mobilised":
            parts.append(["vận động được", *_money_words(whole).split(" ", 1)])
        elif code == "working_days":
            parts.append([_vn_int(whole), "ngày công"])
        elif code == "road_km":
            parts.append([str(value).replace(".", ","), "km đường được làm mới, sửa chữa"])
        elif code == "land_donated_m2":
            parts.append([_vn_int(whole), "m² đất được hiến"])
        elif code == "petitions_resolved":
            parts.append(["giải quyết", _vn_int(whole), "kiến nghị"])
        else:
            parts.append(["trồng mới", _vn_int(whole), "cây xanh"])
    words = ["Kết quả:"]
    for i, part in enumerate(parts):
        part[-1] += "." if i == len(parts) - 1 else ";"
        words += part
    return words


def _village(territory: Territory, number: int) -> str:
    """The group below the commune, as people there call it."""
    urban = ("phường", "thị trấn", "Phường", "Thị trấn")
    ward = territory.division_type.startswith(urban) or territory.name.startswith(urban)
    if territory.province_code >= 70:  # the South
        return f"khu phố {number}" if ward else f"ấp {number}"
    if ward:
        if territory.province_code == 22:
            return f"khu {number}"
        if territory.province_code in {48, 49}:
            return f"khối phố {number}"
        return f"tổ dân phố số {number}"
    return f"thôn {number}"


def _head_of(place: str) -> str:
    return f"Tổ trưởng {place}" if place.startswith("tổ") else f"Trưởng {place}"


def _unit_label(territory: Territory) -> str:
    return territory.name[:1].lower() + territory.name[1:]


class Author:
    """Draws the models of one province: names, organisations, outcomes and decisions.

    Every random draw happens whether or not the database has what it would pick, so the stream
    (and so every later model) never depends on which organisations exist.
    """

    def __init__(
        self,
        *,
        seed: int,
        province: Territory,
        organisations: dict[tuple[int, str], tuple[int, str]],
        predecessors: dict[int, list[Territory]],
        currents: list[Territory],
        today: date,
    ):
        self.seed = seed
        self.province = province
        self.organisations = organisations
        self.predecessors = predecessors
        self.currents = currents
        self.today = today
        self.this_year = today.year
        self.seen: set[tuple[int, int, str]] = set()
        self._decisions: dict[tuple, tuple[str, date]] = {}

    # organisations and decisions

    def organisation(self, commune: Territory, kinds: tuple[str, ...], draw: float) -> int | None:
        """The preferred organisation of the commune, else of the province."""
        for territory in (commune, self.province):
            found = [
                self.organisations[(territory.pk, k)]
                for k in kinds
                if (territory.pk, k) in self.organisations and k not in NEVER_AUTHOR
            ]
            if found:
                return found[int(draw * len(found))][0]
        fallback = [
            pk
            for (tid, kind), (pk, _n) in self.organisations.items()
            if tid in {commune.pk, self.province.pk} and kind not in NEVER_AUTHOR
        ]
        return min(fallback) if fallback else None

    def issuer(self, level: str, commune: Territory) -> int | None:
        if level == Level.COMMUNE:
            found = self.organisations.get((commune.pk, "party_committee"))
            if found:
                return found[0]
        found = self.organisations.get((self.province.pk, "mass_mobilisation_commission"))
        return found[0] if found else None

    def decision(self, level: str, commune: Territory, year: int) -> tuple[str, date] | None:
        """One decision per issuing body and year lists all its recognitions; None if its day is
        still ahead."""
        unit = commune if level == Level.COMMUNE else self.province
        key = (level, unit.pk, year)
        if key not in self._decisions:
            rng = random.Random(f"{self.seed}:initiatives:decision:{level}:{unit.code}:{year}")  # noqa: S311
            if level == Level.COMMUNE:
                # The commune's party committee decides; where it is not on file, the province.
                own = (commune.pk, "party_committee") in self.organisations
                number = f"{rng.randint(12, 96)}-QĐ/{'ĐU' if own else 'BTGDVTU'}"
                day = date(year, rng.choice((10, 11)), rng.randint(2, 20))
            else:
                number = f"{rng.randint(40, 380)}-QĐ/BTGDVTU"
                day = date(year, 12, rng.randint(10, 28))
            self._decisions[key] = (number, day)
        number, day = self._decisions[key]
        return (number, day) if day <= self.today else None

    # drawing a model

    def place(self, territory: Territory, rng: random.Random) -> str:
        return _village(territory, rng.randint(1, 24))

    def territory_for(self, commune: Territory, year: int, rng: random.Random) -> Territory:
        draw, pick = rng.random(), rng.random()
        old = self.predecessors.get(commune.pk) or []
        if year <= LAST_LEGACY_RECORD_YEAR and old and draw < LEGACY_SHARE:
            return old[int(pick * len(old))]
        return commune

    def draw(
        self,
        commune: Territory,
        year: int,
        rng: random.Random,
        *,
        area: str = "",
        subject: str | None = None,
    ) -> ModelSpec | None:
        territory = self.territory_for(commune, year, rng)
        if subject is None:
            subject = Subject.INDIVIDUAL if rng.random() < P_INDIVIDUAL else Subject.COLLECTIVE
        themes = PERSON_THEMES if subject == Subject.INDIVIDUAL else THEMES
        weights = [6 if area and area in t.areas else 1 for t in themes]
        theme = rng.choices(themes, weights)[0]
        org_draw = rng.random()
        person_name = person_position = ""
        position_kind = ""
        for _attempt in range(12):
            place = self.place(territory, rng)
            if subject == Subject.INDIVIDUAL:
                female = rng.random() < 0.45
                person_name = _person(rng, female=female)
                template, position_kind = POSITIONS[rng.randrange(len(POSITIONS))]
                person_position = (
                    _head_of(place) if template.startswith("Trưởng {") else template
                ).format(place=place)
                name = f"{'Bà' if female else 'Ông'} {person_name}, {person_position}, {theme.text}"
            else:
                name = theme.text.format(place=place)
                name = name[:1].upper() + name[1:]
            name = nfc(name)
            name_key = search_key(name)
            search_name = name_key[:300]
            if (territory.pk, year, search_name) not in self.seen:
                break
        else:
            return None
        self.seen.add((territory.pk, year, search_name))
        kinds = theme.organisations
        if position_kind:
            kinds = (position_kind, *kinds)
        organisation_id = self.organisation(commune, kinds, org_draw)
        started_on = date(year, rng.randint(1, 6), rng.randint(1, 28))
        # The theme's own results first, then general ones: about three per model.
        codes = list(theme.indicators)
        rng.shuffle(codes)
        codes += [c for c in GENERAL_INDICATORS if c not in codes]
        chosen = sorted(codes[: rng.choice((2, 3, 3, 4))])
        indicators = {code: _indicator_value(rng, code) for code in chosen}
        method = METHODS[rng.randrange(len(METHODS))]
        problem = PROBLEMS[rng.randrange(len(PROBLEMS))]
        where = f"{place}, {_unit_label(territory)}"
        since = f"từ tháng {started_on.month}/{year}"
        if subject == Subject.INDIVIDUAL:
            title = "Bà" if name.startswith("Bà") else "Ông"
            words = [
                f"{title} {person_name}",
                f"({person_position})",
                theme.text,
                "ở",
                where,
                f"{since}.",
            ]
            kind = Kind.EXEMPLAR
        else:
            words = [f"Triển khai {since}", "ở", f"{where}."]
            kind = Kind.EXEMPLAR if rng.random() < 0.12 else Kind.MODEL
        words += [method, *_results_words(indicators)]
        joined = " ".join(words)
        summary = nfc(joined)
        if summary == joined:
            # search_key(name, summary) piece by piece: pieces joined by a space normalise
            # independently, and most pieces recur, so each is normalised once per run.
            search_text = " ".join(k for k in (name_key, *map(_piece_key, words)) if k)
        else:
            search_text = search_key(name, summary)
        tags = theme.tags[: rng.randint(0, len(theme.tags))] if theme.tags else ()
        if organisation_id is None:
            return None
        return ModelSpec(
            name=name,
            summary=summary,
            problem=problem,
            mobilisation=f"{method} {MOTTO}",
            kind=kind,
            subject=subject,
            field=theme.field,
            territory=territory,
            commune=commune,
            organisation_id=organisation_id,
            year=year,
            started_on=min(started_on, self.today),
            person_name=nfc(person_name),
            person_position=nfc(person_position),
            registered_years=[year],
            tags=tags,
            indicators=indicators,
            search_name=search_name,
            search_text=search_text,
        )

    # outcomes

    def recognise(
        self, spec: ModelSpec, level: str, year: int, score: Decimal, *, round_id=None
    ) -> bool:
        decision = self.decision(level, spec.commune, year)
        issuer = self.issuer(level, spec.commune)
        if decision is None or issuer is None:
            return False
        number, day = decision
        spec.recognitions.append(
            RecognitionSpec(level, year, number, day, issuer, score, review_round_id=round_id)
        )
        spec.status = Status.RECOGNISED
        spec.level = level
        spec.target_level = level
        spec.score = score
        spec.status_note = ""
        spec.recognised_at = _at(day)
        if spec.submitted_at is None or spec.submitted_at > spec.recognised_at:
            spec.submitted_at = _at(day - timedelta(days=30))
        for y in range(spec.year, year + 1):
            if y not in spec.registered_years:
                spec.registered_years.append(y)
        return True

    def outcome(self, spec: ModelSpec, rng: random.Random, *, provincial: bool) -> None:
        """Status, recognitions, evaluations and replications of a freshly drawn model."""
        draws = [rng.random() for _ in range(8)]
        year = spec.year
        current = year == self.this_year
        share = 0.45 if current else P_COMMUNE
        rejected_share = 0.08 if current else P_REJECTED
        score = Decimal(rng.randint(7000, 9600)) / 100
        if draws[0] < share:
            if not self.recognise(spec, Level.COMMUNE, year, score):
                self.submit(spec, Level.COMMUNE, rng)
                return
            self.later_years(spec, rng, draws, provincial=provincial)
        elif draws[0] < share + rejected_share:
            decision = self.decision(Level.COMMUNE, spec.commune, year)
            if decision is None:
                self.submit(spec, Level.COMMUNE, rng)
                return
            spec.status = Status.REJECTED
            spec.score = Decimal(rng.randint(4500, 6900)) / 100
            spec.submitted_at = _at(decision[1] - timedelta(days=rng.randint(20, 45)))
            spec.status_note = REJECTION_NOTES[int(draws[1] * len(REJECTION_NOTES))]
        elif current and draws[0] < share + rejected_share + 0.12:
            self.submit(spec, Level.COMMUNE, rng)

    def submit(self, spec: ModelSpec, level: str, rng: random.Random) -> None:
        spec.status = Status.SUBMITTED
        spec.target_level = level
        day = min(self.today, date(self.this_year, rng.randint(8, 11), rng.randint(1, 28)))
        spec.submitted_at = _at(max(day, spec.started_on))
        if self.this_year not in spec.registered_years:
            spec.registered_years.append(self.this_year)

    def later_years(
        self, spec: ModelSpec, rng: random.Random, draws: list[float], *, provincial: bool
    ) -> None:
        """After a commune recognition: maybe the province, evaluations, copies, or an end."""
        recognised_in = spec.recognitions[0].year
        if provincial and draws[2] < P_PROVINCE_OF_RECOGNISED:
            province_year = recognised_in + (1 if draws[3] < 0.5 else 0)
            score = Decimal(rng.randint(7500, 9800)) / 100
            if not self.recognise(spec, Level.PROVINCE, province_year, score):
                self.recognise(spec, Level.PROVINCE, recognised_in, score)
        last = spec.recognitions[-1].year
        if last >= self.this_year:
            return
        if draws[4] < P_STOPPED:
            stop_year = min(self.this_year, last + 1 + int(draws[5] * 2))
            note = STOP_NOTES[int(draws[6] * len(STOP_NOTES))]
            spec.evaluations.append((stop_year, EvaluationOutcome.INEFFECTIVE, note))
            spec.status = Status.STOPPED
            spec.status_note = note
            return
        if draws[5] < P_EVALUATED:
            spec.evaluations.append((last + 1, EvaluationOutcome.MAINTAINED, ""))
            if last + 1 not in spec.registered_years:
                spec.registered_years.append(last + 1)
        if draws[6] < P_REPLICATED and len(self.currents) > 1:
            for _ in range(1 + int(draws[7] * 2)):
                target = self.currents[rng.randrange(len(self.currents))]
                if target.pk != spec.territory.pk:
                    replication = (target.pk, rng.randint(last + 1, self.this_year))
                    if replication not in spec.replications:
                        spec.replications.append(replication)


def _person(rng: random.Random, *, female: bool) -> str:
    middles, givens = (
        (MIDDLE_NAMES_FEMALE, GIVEN_NAMES_FEMALE)
        if female
        else (MIDDLE_NAMES_MALE, GIVEN_NAMES_MALE)
    )
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(middles)} {rng.choice(givens)}"


# --- reading what exists -----------------------------------------------------------------------


def _organisations(territories: list[Territory]) -> dict[tuple[int, str], tuple[int, str]]:
    """(territory id, kind code) -> (primary key, name) of the first organisation of that kind."""
    rows = (
        Organisation.objects.filter(territory_id__in=[t.pk for t in territories])
        .order_by("pk")
        .values_list("territory_id", "kind__code", "pk", "name")
    )
    found: dict[tuple[int, str], tuple[int, str]] = {}
    for territory_id, kind, pk, name in rows:
        found.setdefault((territory_id, kind), (pk, name))
    return found


def _predecessors(communes: list[Territory]) -> dict[int, list[Territory]]:
    """Current commune id -> the old communes it was formed from, in code order."""
    links = (
        TerritoryMapping.objects.filter(current_commune__in=communes)
        .select_related("legacy_commune")
        .order_by("current_commune_id", "legacy_commune__code")
    )
    found: dict[int, list[Territory]] = defaultdict(list)
    for link in links:
        found[link.current_commune_id].append(link.legacy_commune)
    return found


def _year_weights(this_year: int) -> tuple[list[int], list[float]]:
    years = list(range(FIRST_YEAR, this_year + 1))
    weights = [1.0 + 0.08 * i for i in range(len(years))]
    weights[-1] *= 0.85  # the current year is still filling up
    return years, weights


# --- writing -------------------------------------------------------------------------------------

INITIATIVE_COLUMNS = (
    "name",
    "summary",
    "problem",
    "mobilisation",
    "kind",
    "subject",
    "field_id",
    "territory_id",
    "organisation_id",
    "person_name",
    "person_position",
    "started_on",
    "year",
    "registered_years",
    "status",
    "level",
    "target_level",
    "score",
    "status_note",
    "search_name",
    "search_text",
    "version",
    "created_by_id",
    "created_at",
    "updated_at",
    "submitted_at",
    "recognised_at",
)
RECOGNITION_COLUMNS = (
    "initiative_id",
    "level",
    "year",
    "decision_number",
    "decision_date",
    "issuer_id",
    "score",
    "review_round_id",
    "territory_id",
    "subject",
    "kind",
    "field_id",
    "created_at",
)
# Column types whose Python values the database driver cannot take as they are.
_ADAPTED = (models.DateTimeField, models.DateField, models.DecimalField, models.JSONField)


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple], *, batch_size: int) -> None:
    """Insert plain tuples with `executemany`, in batches.

    `bulk_create` spends most of a national run building model instances and compiling each
    value in Python (about 300 µs a model with its rows, ten times the database's own work);
    here only dates, decimals and JSON pass through their field's conversion.
    """
    meta = model._meta
    given = [meta.get_field(column) for column in columns]
    # Every other column gets its field's default, as `bulk_create` would give it.
    now = timezone.now()
    rest = [
        f
        for f in meta.concrete_fields
        if f not in given and not f.primary_key and not getattr(f, "db_returning", False)
    ]
    defaults = tuple(
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in rest
    )
    fields = given + rest
    if defaults:
        rows = [(*row, *defaults) for row in rows]
    convert = [
        (i, f) for i, f in enumerate(fields) if isinstance(f, _ADAPTED) and not f.is_relation
    ]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    postgres = connection.vendor == "postgresql"
    # Table and column names come from the model and are quoted by the backend.
    sql = (
        f"COPY {table} ({names}) FROM STDIN"
        if postgres
        else f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            if convert:
                batch = [list(row) for row in batch]
                for row in batch:
                    for i, f in convert:
                        if row[i] is not None:
                            row[i] = f.get_db_prep_save(row[i], connection)
            if postgres:
                # COPY, as the audit trail does: a pipelined INSERT per row costs three times more.
                with cursor.cursor.copy(sql) as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(sql, batch)


class Writer:
    """Inserts the specs that are missing, with everything attached to them, in bulk."""

    def __init__(self, run: GenerationRun):
        self.run = run
        self.fields = dict(Field.objects.values_list("code", "pk"))
        self.kinds = dict(IndicatorKind.objects.values_list("code", "pk"))
        self.tags: dict[str, int] = {}
        self.counts: dict[str, int] = defaultdict(int)

    def tag_ids(self, names: set[str]) -> dict[str, int]:
        wanted = {n for n in names if n not in self.tags}
        if wanted:
            by_key = {normalize(n): n for n in wanted}
            for pk, key in Tag.objects.filter(search_name__in=list(by_key)).values_list(
                "pk", "search_name"
            ):
                self.tags[by_key[key]] = pk
            missing = [
                Tag(name=nfc(n), search_name=normalize(n)) for n in sorted(wanted - set(self.tags))
            ]
            if missing:
                Tag.objects.bulk_create(missing, batch_size=self.run.batch_size)
                for tag in Tag.objects.filter(search_name__in=[t.search_name for t in missing]):
                    self.tags[tag.name] = tag.pk
        return self.tags

    def missing(self, specs: list[ModelSpec]) -> list[ModelSpec]:
        territory_ids = {s.territory.pk for s in specs}
        have: set[tuple[int, int, str]] = set()
        # By unit only: the natural key's unique index then answers without reading the table
        # (adding the years makes SQLite scan by year instead).
        for chunk in self.run.chunked(sorted(territory_ids), 500):
            have.update(
                Initiative.objects.filter(territory_id__in=chunk).values_list(
                    "territory_id", "year", "search_name"
                )
            )
        return [s for s in specs if s.key not in have]

    def write(self, specs: list[ModelSpec]) -> list[ModelSpec]:
        """Insert the missing specs; returns them with their primary keys set."""
        new = self.missing(specs)
        if not new:
            return []
        now = timezone.now()
        actor_id = getattr(self.run.actor, "pk", None)
        fields = self.fields
        rows = [
            (
                s.name,
                s.summary,
                s.problem,
                s.mobilisation,
                s.kind,
                s.subject,
                fields[s.field],
                s.territory.pk,
                s.organisation_id,
                s.person_name,
                s.person_position,
                s.started_on,
                s.year,
                sorted(s.registered_years),
                s.status,
                s.level,
                s.target_level,
                s.score,
                s.status_note,
                s.search_name,
                s.search_text,
                1,
                actor_id,
                now,
                now,
                s.submitted_at,
                s.recognised_at,
            )
            for s in new
        ]
        self._insert(Initiative, INITIATIVE_COLUMNS, rows, "models")
        # Keys come back by natural key: one indexed read instead of a RETURNING per batch.
        keys = {}
        for chunk in self.run.chunked(sorted({s.territory.pk for s in new}), 500):
            for t, y, n, pk in Initiative.objects.filter(territory_id__in=chunk).values_list(
                "territory_id", "year", "search_name", "pk"
            ):
                keys[(t, y, n)] = pk
        for spec in new:
            spec.pk = keys[spec.key]
        self._related(new, now)
        return new

    def _insert(self, model, columns: tuple[str, ...], rows: list[tuple], label: str) -> None:
        if rows:
            insert_rows(model, columns, rows, batch_size=self.run.batch_size)
            self.counts[label] += len(rows)

    def _related(self, specs: list[ModelSpec], now: datetime) -> None:
        tag_ids = self.tag_ids({t for s in specs for t in s.tags})
        kinds = self.kinds
        fields = self.fields
        actor_id = getattr(self.run.actor, "pk", None)
        indicators, links, recognitions, evaluations, replications = [], [], [], [], []
        for s in specs:
            pk = s.pk
            indicators += [(pk, kinds[code], value) for code, value in s.indicators.items()]
            links += [(pk, tag_ids[t]) for t in s.tags]
            recognitions += [
                (
                    pk,
                    r.level,
                    r.year,
                    r.number,
                    r.decided_on,
                    r.issuer_id,
                    r.score,
                    r.review_round_id,
                    s.territory.pk,
                    s.subject,
                    s.kind,
                    fields[s.field],
                    now,
                )
                for r in s.recognitions
            ]
            evaluations += [
                (pk, y, outcome, note, actor_id, now) for y, outcome, note in s.evaluations
            ]
            replications += [(pk, t, y, "", now) for t, y in s.replications]
        self._insert(Indicator, ("initiative_id", "kind_id", "value"), indicators, "indicators")
        self._insert(Initiative.tags.through, ("initiative_id", "tag_id"), links, "tag_links")
        self._insert(Recognition, RECOGNITION_COLUMNS, recognitions, "recognitions")
        self._insert(
            Evaluation,
            ("initiative_id", "year", "outcome", "note", "evaluated_by_id", "created_at"),
            evaluations,
            "evaluations",
        )
        self._insert(
            Replication,
            ("initiative_id", "territory_id", "year", "note", "created_at"),
            replications,
            "replications",
        )
        self._entries(specs)

    def _entries(self, specs: list[ModelSpec]) -> None:
        pending = [(s, e) for s in specs for e in s.entries]
        if not pending:
            return
        entries = [
            Entry(
                review_round_id=e.round_id,
                initiative_id=s.pk,
                level=e.level,
                average=_average(e.sheets),
                score_count=len(e.sheets),
                recognised=e.recognised,
            )
            for s, e in pending
        ]
        Entry.objects.bulk_create(entries, batch_size=self.run.batch_size)
        if any(e.pk is None for e in entries):
            ids = {
                (r, i): pk
                for r, i, pk in Entry.objects.filter(
                    initiative_id__in=[s.pk for s, _e in pending]
                ).values_list("review_round_id", "initiative_id", "pk")
            }
            for entry in entries:
                entry.pk = ids[(entry.review_round_id, entry.initiative_id)]
        self.counts["entries"] += len(entries)
        sheets = [
            ScoreSheet(entry_id=entry.pk, member_id=sh.member_id, values=sh.values, total=sh.total)
            for entry, (_s, e) in zip(entries, pending, strict=True)
            for sh in e.sheets
        ]
        ScoreSheet.objects.bulk_create(sheets, batch_size=self.run.batch_size)
        self.counts["score_sheets"] += len(sheets)

    def audit(self, province: Territory, counts: dict[str, int]) -> None:
        """One summary row per province and run: what was generated there."""
        if not counts.get("models"):
            return
        audit.record(
            [
                audit.Change(
                    action=audit.Action.IMPORT,
                    object_type="initiatives.initiative",
                    object_repr=f"{province.name}: {_vn_int(counts['models'])} mô hình (dữ liệu mẫu)",
                    territory_id=province.pk,
                    changes={name: [None, value] for name, value in counts.items() if value},
                )
            ],
            actor=self.run.actor,
        )


REPORTED = ("models", "indicators", "recognitions", "evaluations", "replications", "tag_links")


def _average(sheets: list[SheetSpec]) -> Decimal | None:
    if not sheets:
        return None
    mean = sum((s.total for s in sheets), Decimal(0)) / len(sheets)
    return mean.quantize(CENTS, rounding=ROUND_HALF_UP)


def _delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


# --- province and national scale ------------------------------------------------------------------


def _bulk(run: GenerationRun) -> dict[str, int]:
    writer = Writer(run)
    today = timezone.localdate()
    years, weights = _year_weights(today.year)
    communes_of: dict[int, list[Territory]] = defaultdict(list)
    for commune in run.communes:
        communes_of[commune.province_code].append(commune)
    for province in run.provinces:
        communes = communes_of.get(province.code, [])
        if not communes:
            continue
        organisations = _organisations([province, *communes])
        author = Author(
            seed=run.seed,
            province=province,
            organisations=organisations,
            predecessors=_predecessors(communes),
            currents=communes,
            today=today,
        )
        specs = []
        for commune in communes:
            rng = run.rng(f"initiatives:{commune.code}")
            for _ in range(rng.randint(*MODELS_PER_COMMUNE)):
                spec = author.draw(commune, rng.choices(years, weights)[0], rng)
                if spec is not None:
                    author.outcome(spec, rng, provincial=True)
                    specs.append(spec)
        before = dict(writer.counts)
        with transaction.atomic():
            created = writer.write(specs)
            writer.audit(province, _delta(before, writer.counts))
        if not organisations:
            run.say(f"  {province.name}: no organisations yet, no models generated")
        else:
            run.say(f"  {province.name}: {len(specs)} models ({len(created)} new)")
    return dict(writer.counts)


# --- demo scale -----------------------------------------------------------------------------------

# Quảng Ninh models registered per year from 2021 on (later years repeat the last figure), and
# how many of them the province recognised; 2024 is the figure the province reported.
QN_MODELS_PER_YEAR = (290, 330, 360, 400, 420)
QN_CURRENT_YEAR_MODELS = 110
QN_PROVINCIAL = {2021: (29, 7), 2022: (35, 9), 2023: (41, 11), 2024: (49, 12), 2025: (46, 12)}
QN_NOT_PASSED = 5  # entries per past provincial round that fell short of the pass score
QN_UNDER_REVIEW = 10
QN_SCORED = 4
QN_AWAITING = 8
# Share of Quảng Ninh's models in the old districts the demo is about; the rest spread over
# the province.
HAI_HA_SHARE = 0.068
DONG_TRIEU_SHARE = 0.136
TAM_KY_MODELS_PER_YEAR = (24, 26, 28, 30, 32)
TAM_KY_CURRENT_YEAR_MODELS = 18
COUNCIL_NAME = "Hội đồng thẩm định mô hình, điển hình “Dân vận khéo” cấp tỉnh năm {year}"
ROUND_NAME = "Xét công nhận mô hình, điển hình “Dân vận khéo” cấp tỉnh năm {year}"


def _per_year(counts: tuple[int, ...], current: int, years: list[int], this_year: int) -> dict:
    return {
        y: current if y == this_year else counts[min(i, len(counts) - 1)]
        for i, y in enumerate(years)
    }


def _current_communes(province: Territory) -> list[Territory]:
    return list(
        Territory.objects.filter(
            era=Era.CURRENT, level=TerritoryLevel.COMMUNE, province_code=province.code
        ).order_by("code")
    )


@dataclass
class Panel:
    """The demo council's people: the chair signs, both score."""

    chair: User
    member: User

    @classmethod
    def load(cls) -> "Panel | None":
        users = {
            u.username: u for u in User.objects.filter(username__in=["lanhdao.qn", "hoidong.qn"])
        }
        if len(users) < 2:
            return None
        return cls(chair=users["lanhdao.qn"], member=users["hoidong.qn"])


def _council(
    *,
    year: int,
    province: Territory,
    issuer_id: int,
    criteria_set: CriteriaSet,
    panel: Panel,
    counts: dict[str, int],
) -> tuple[Council, dict[str, CouncilMember]]:
    council, created = Council.objects.get_or_create(
        territory=province,
        year=year,
        level=Level.PROVINCE,
        name=COUNCIL_NAME.format(year=year),
        defaults={"issuer_id": issuer_id, "criteria_set": criteria_set, "pass_score": PASS_SCORE},
    )
    counts["councils"] += int(created)
    members = {}
    for user, role in ((panel.chair, MemberRole.CHAIR), (panel.member, MemberRole.MEMBER)):
        members[user.username], _created = CouncilMember.objects.get_or_create(
            council=council,
            user=user,
            defaults={"organisation_id": user.organisation_id, "role": role},
        )
    return council, members


def _sheet(criteria, rng: random.Random, target: int, member_id: int) -> SheetSpec:
    values = {}
    for criterion in criteria:
        raw = round(criterion.max_score * target / 100) + rng.randint(-1, 1)
        values[criterion.code] = max(0, min(criterion.max_score, raw))
    return SheetSpec(member_id, values, sheet_total(criteria, values))


class DemoStory:
    """Quảng Ninh's and Tam Kỳ's models, with the provincial councils of Quảng Ninh."""

    def __init__(self, run: GenerationRun, counts: dict[str, int]):
        self.run = run
        self.counts = counts
        self.areas = demo_areas()
        self.today = timezone.localdate()
        self.this_year = self.today.year
        self.years, _weights = _year_weights(self.this_year)
        self.criteria_set = (
            CriteriaSet.objects.filter(territory__isnull=True).order_by("pk").first()
        )
        self.criteria = list(self.criteria_set.criteria.all()) if self.criteria_set else []
        self.panel = Panel.load()

    def author(self, province: Territory, communes: list[Territory]) -> Author:
        return Author(
            seed=self.run.seed,
            province=province,
            organisations=_organisations([province, *communes]),
            predecessors=_predecessors(communes),
            currents=communes,
            today=self.today,
        )

    def quang_ninh(self) -> list[ModelSpec]:
        areas = self.areas
        province = areas.quang_ninh
        communes = _current_communes(province)
        author = self.author(province, communes)
        demo_ids = {c.pk for c in [*areas.hai_ha, *areas.dong_trieu]}
        others = [c for c in communes if c.pk not in demo_ids] or communes
        rng = self.run.rng("initiatives:demo:quang-ninh")
        specs: list[ModelSpec] = []
        counts = _per_year(QN_MODELS_PER_YEAR, QN_CURRENT_YEAR_MODELS, self.years, self.this_year)
        for year, count in counts.items():
            for _ in range(count):
                draw = rng.random()
                if draw < HAI_HA_SHARE:
                    area, pool = "hai_ha", areas.hai_ha
                elif draw < HAI_HA_SHARE + DONG_TRIEU_SHARE:
                    area, pool = "dong_trieu", areas.dong_trieu
                else:
                    area, pool = "", others
                spec = author.draw(pool[rng.randrange(len(pool))], year, rng, area=area)
                if spec is not None:
                    # Provincial recognitions come from the councils below.
                    author.outcome(spec, rng, provincial=False)
                    specs.append(spec)
        self.provincial_rounds(author, specs, rng)
        self.open_round(author, specs, rng)
        return specs

    def _candidates(self, specs: list[ModelSpec], year: int) -> list[ModelSpec]:
        """Models recognised by their commune and still going, ready for the province."""
        return [
            s
            for s in specs
            if s.status == Status.RECOGNISED
            and s.level == Level.COMMUNE
            and s.recognitions[0].year <= year
            and s.year >= year - 2
        ]

    def provincial_rounds(self, author: Author, specs: list[ModelSpec], rng) -> None:
        province = self.areas.quang_ninh
        issuer = author.issuer(Level.PROVINCE, province)
        for year in self.years:
            if year == self.this_year:
                continue
            collective, individual = QN_PROVINCIAL.get(year, (48, 12))
            decision = author.decision(Level.PROVINCE, province, year)
            if decision is None or issuer is None:
                continue
            number, day = decision
            round_id, members = self._closed_round(year, issuer, number, day)
            pool = self._candidates(specs, year)
            chosen: list[ModelSpec] = []
            for subject, count in (
                (Subject.COLLECTIVE, collective),
                (Subject.INDIVIDUAL, individual),
            ):
                of_subject = [s for s in pool if s.subject == subject]
                chosen += rng.sample(of_subject, min(count, len(of_subject)))
            rest = [s for s in pool if s not in chosen]
            short = rng.sample(rest, min(QN_NOT_PASSED, len(rest)))
            for spec in chosen:
                target = rng.randint(78, 96)
                score = Decimal(target)
                if round_id is not None:
                    entry = self._entry(spec, round_id, members, rng, target=target, passed=True)
                    score = _average(entry.sheets) or score
                author.recognise(spec, Level.PROVINCE, year, score, round_id=round_id)
            for spec in short:
                target = rng.randint(50, 64)
                if round_id is not None:
                    self._entry(spec, round_id, members, rng, target=target, passed=False)
                spec.status_note = (
                    f"Chưa được công nhận cấp tỉnh theo Quyết định số {number} ngày {day:%d/%m/%Y}."
                )
                if year not in spec.registered_years:
                    spec.registered_years.append(year)

    def _entry(self, spec, round_id, members, rng, *, target: int, passed: bool) -> EntrySpec:
        entry = EntrySpec(round_id=round_id, level=Level.PROVINCE, recognised=passed)
        for member in members:
            if member.organisation_id != spec.organisation_id:
                entry.sheets.append(_sheet(self.criteria, rng, target, member.pk))
        spec.entries.append(entry)
        return entry

    def _closed_round(self, year: int, issuer_id: int, number: str, day: date):
        if self.panel is None or self.criteria_set is None:
            return None, []
        council, members = _council(
            year=year,
            province=self.areas.quang_ninh,
            issuer_id=issuer_id,
            criteria_set=self.criteria_set,
            panel=self.panel,
            counts=self.counts,
        )
        chair = self.panel.chair
        review_round, created = ReviewRound.objects.get_or_create(
            council=council,
            name=ROUND_NAME.format(year=year),
            defaults={
                "deadline": day - timedelta(days=7),
                "status": RoundStatus.CLOSED,
                "decision_number": number,
                "decision_date": day,
                "signer_name": chair.full_name,
                "signer_position": chair.position,
                "closed_at": _at(day),
                "closed_by": chair,
            },
        )
        self.counts["review_rounds"] += int(created)
        return review_round.pk, list(members.values())

    def open_round(self, author: Author, specs: list[ModelSpec], rng) -> None:
        """This year's provincial council: some entries scored, some models still waiting."""
        province = self.areas.quang_ninh
        issuer = author.issuer(Level.PROVINCE, province)
        if self.panel is None or self.criteria_set is None or issuer is None:
            return
        council, members = _council(
            year=self.this_year,
            province=province,
            issuer_id=issuer,
            criteria_set=self.criteria_set,
            panel=self.panel,
            counts=self.counts,
        )
        review_round, created = ReviewRound.objects.get_or_create(
            council=council,
            name=ROUND_NAME.format(year=self.this_year),
            defaults={"deadline": self.today + timedelta(days=30)},
        )
        self.counts["review_rounds"] += int(created)
        member = members["hoidong.qn"]
        seated = {m.organisation_id for m in members.values()}
        pool = [
            s
            for s in self._candidates(specs, self.this_year)
            if s.recognitions[0].year < self.this_year
            and s.year >= self.this_year - 2
            and s.organisation_id not in seated
        ]
        picked = rng.sample(pool, min(QN_UNDER_REVIEW + QN_AWAITING, len(pool)))
        for i, spec in enumerate(picked):
            author.submit(spec, Level.PROVINCE, rng)
            if i >= QN_UNDER_REVIEW:
                continue  # submitted, waiting to be put before the council
            spec.status = Status.UNDER_REVIEW
            entry = EntrySpec(round_id=review_round.pk, level=Level.PROVINCE, recognised=None)
            if i < QN_SCORED:
                entry.sheets.append(_sheet(self.criteria, rng, rng.randint(62, 94), member.pk))
            spec.entries.append(entry)

    def tam_ky(self) -> list[ModelSpec]:
        areas = self.areas
        author = self.author(areas.da_nang, list(areas.tam_ky))
        rng = self.run.rng("initiatives:demo:tam-ky")
        specs = []
        counts = _per_year(
            TAM_KY_MODELS_PER_YEAR, TAM_KY_CURRENT_YEAR_MODELS, self.years, self.this_year
        )
        for year, count in counts.items():
            for _ in range(count):
                commune = areas.tam_ky[rng.randrange(len(areas.tam_ky))]
                spec = author.draw(commune, year, rng, area="tam_ky")
                if spec is not None:
                    author.outcome(spec, rng, provincial=True)
                    specs.append(spec)
        return specs


def _demo(run: GenerationRun) -> dict[str, int]:
    writer = Writer(run)
    story = DemoStory(run, writer.counts)
    for province, build in (
        (story.areas.quang_ninh, story.quang_ninh),
        (story.areas.da_nang, story.tam_ky),
    ):
        before = dict(writer.counts)
        with transaction.atomic():
            specs = build()
            created = writer.write(specs)
            writer.audit(province, _delta(before, writer.counts))
        run.say(f"  {province.name}: {len(specs)} models ({len(created)} new)")
    return dict(writer.counts)


@register("initiatives", order=200)
def generate_initiatives(run: GenerationRun) -> dict[str, int]:
    """ "Dân vận khéo" models with their results, recognitions, evaluations and reviews."""
    counts = _demo(run) if run.scale == "demo" else _bulk(run)
    _reserve_decision_numbers()
    reported = {name: counts.get(name, 0) for name in REPORTED}
    reported.update({k: v for k, v in counts.items() if k not in reported})
    return reported


def _reserve_decision_numbers() -> None:
    """Move each issuer's decision sequence past the numbers the generated decisions use, so a
    decision made later in the app never repeats one of them."""
    from danvan.core.models import DocumentSequence
    from danvan.initiatives.decisions import DECISION_TYPE

    highest: dict[tuple[int, int], int] = {}
    for issuer_id, year, number in Recognition.objects.values_list(
        "issuer_id", "year", "decision_number"
    ).distinct():
        head = number.split("-", 1)[0].split("/", 1)[0]
        if head.isdigit():
            key = (issuer_id, year)
            highest[key] = max(highest.get(key, 0), int(head))
    existing = {
        (row.issuer_id, row.period): row
        for row in DocumentSequence.objects.filter(doc_type=DECISION_TYPE)
    }
    for (issuer_id, year), number in highest.items():
        row = existing.get((issuer_id, str(year)))
        if row is None:
            DocumentSequence.objects.create(
                issuer_id=issuer_id, doc_type=DECISION_TYPE, period=str(year), last_number=number
            )
        elif row.last_number < number:
            row.last_number = number
            row.save(update_fields=["last_number"])
