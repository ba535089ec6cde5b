"""Synthetic campaigns for `danvan demo` and `danvan generate`.

Demo: the themed campaigns of the Đông Triều wards (Quảng Ninh), owned by the ward's Farmers',
Women's and Youth Unions, the Fatherland Front and the provincial Labour Federation, with 2 to 4
indicators each, six-month and annual figures, the ward's models linked where the initiatives
generator made some, awards on those that ended, one running and one planned. Province and
national scales add 2 to 4 campaigns to every province. Idempotent: a campaign is found again by
its organisation and title.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from danvan.core import links
from danvan.core.demo.registry import GenerationRun, register
from danvan.core.search import search_key
from danvan.organisations.models import Organisation
from danvan.plans.models import (
    AwardSubject,
    Campaign,
    CampaignAward,
    CampaignLink,
    CampaignStatus,
    Indicator,
    IndicatorValue,
    Period,
    ProgressReport,
    ReportStatus,
)

QUANG_NINH = 22
DONG_TRIEU_WARDS = ("Phường Đông Triều", "Phường Mạo Khê", "Phường Bình Khê",
                    "Phường Hoàng Quế", "Phường An Sinh")  # fmt: skip


@dataclass(frozen=True)
class Theme:
    kind: str  # OrganisationKind.code of the owner
    ward: str  # where its owner sits ("" for the provincial body)
    title: str
    theme: str
    description: str
    indicators: tuple[tuple[str, str, int], ...]  # (name, unit, target)
    timing: str  # "ended", "running" or "planned"


DONG_TRIEU = (
    Theme("farmers_union", "Phường Đông Triều",
          "Nông dân Đông Triều tham gia chuỗi giá trị nông sản hữu cơ và thương mại điện tử",
          "Chuỗi giá trị hữu cơ, bán hàng qua sàn thương mại điện tử",
          "Vận động hội viên sản xuất theo tiêu chuẩn hữu cơ, liên kết chuỗi giá trị và đưa "
          "sản phẩm OCOP lên sàn thương mại điện tử.",
          (("Hộ nông dân sản xuất hữu cơ", "hộ", 120),
           ("Sản phẩm được đưa lên sàn thương mại điện tử", "sản phẩm", 40),
           ("Tổ hợp tác, hợp tác xã liên kết chuỗi", "tổ hợp tác", 8)),
          "ended"),
    Theme("womens_union", "Phường Mạo Khê",
          "Phụ nữ Mạo Khê thực hiện “3T” giảm thiểu, tái chế, tái sử dụng rác thải",
          "“3T” (3R): giảm thiểu, tái sử dụng, tái chế",
          "Mỗi chi hội xây dựng mô hình phân loại rác tại nguồn, hạn chế túi ni lông và đồ "
          "nhựa dùng một lần, tái chế phế liệu gây quỹ giúp hội viên khó khăn.",
          (("Hộ phân loại rác tại nguồn", "hộ", 1500),
           ("Chi hội có mô hình “3T”", "chi hội", 20),
           ("Quỹ từ phế liệu tái chế", "đồng", 60_000_000)),
          "ended"),
    Theme("youth_union", "Phường Bình Khê",
          "Thanh niên Bình Khê khởi nghiệp, lập nghiệp và hội nhập",
          "Việc làm và hội nhập cho thanh niên",
          "Tư vấn hướng nghiệp, giới thiệu việc làm, hỗ trợ vốn khởi nghiệp và kỹ năng số "
          "cho đoàn viên thanh niên.",
          (("Thanh niên được giới thiệu việc làm", "người", 300),
           ("Dự án khởi nghiệp được hỗ trợ vốn", "dự án", 12)),
          "running"),
    Theme("youth_union", "Phường Hoàng Quế",
          "Học sinh Hoàng Quế với an toàn giao thông và an toàn trường học",
          "An toàn giao thông, trường học an toàn",
          "Tuyên truyền luật giao thông, đội mũ bảo hiểm đúng cách, cổng trường an toàn giao "
          "thông; phòng chống bạo lực học đường.",
          (("Học sinh cam kết chấp hành luật giao thông", "học sinh", 2500),
           ("Trường có mô hình cổng trường an toàn", "trường", 6),
           ("Buổi tuyên truyền tại trường", "buổi", 24)),
          "ended"),
    Theme("trade_union", "",
          "Công nhân thực hiện “5 an toàn” tại các doanh nghiệp Đông Triều",
          "“5 an toàn”: lao động, giao thông, vệ sinh thực phẩm, phòng cháy, an ninh trật tự",
          "Công đoàn cơ sở vận động công nhân các mỏ than và khu công nghiệp thực hiện năm "
          "biện pháp an toàn, giảm tai nạn lao động.",
          (("Doanh nghiệp ký cam kết “5 an toàn”", "doanh nghiệp", 30),
           ("Công nhân được tập huấn an toàn lao động", "người", 4000),
           ("Vụ tai nạn lao động nghiêm trọng", "vụ", 0),
           ("Tổ an toàn vệ sinh viên được kiện toàn", "tổ", 45)),
          "ended"),
    Theme("fatherland_front", "Phường An Sinh",
          "Xây dựng khu dân cư đoàn kết, gắn bó, nghĩa tình",
          "Khu dân cư đoàn kết, tự quản",
          "Mặt trận chủ trì, các đoàn thể phối hợp vận động nhân dân giữ gìn an ninh trật tự, "
          "vệ sinh môi trường, giúp đỡ hộ khó khăn.",
          (("Khu dân cư đạt danh hiệu văn hóa", "khu", 10),
           ("Hộ nghèo được hỗ trợ nhà ở", "hộ", 5)),
          "planned"),
)  # fmt: skip

PROVINCE_THEMES = (
    ("farmers_union", "Nông dân thi đua sản xuất, kinh doanh giỏi",
     (("Hộ sản xuất kinh doanh giỏi", "hộ", 5000), ("Sản phẩm OCOP mới", "sản phẩm", 30))),
    ("womens_union", "Phụ nữ tích cực học tập, lao động sáng tạo, xây dựng gia đình hạnh phúc",
     (("Hội viên được hỗ trợ sinh kế", "hội viên", 2000), ("Chi hội có mô hình “3T”", "chi hội", 150))),
    ("youth_union", "Tuổi trẻ tình nguyện vì cộng đồng",
     (("Công trình thanh niên", "công trình", 60), ("Lượt đoàn viên tình nguyện", "lượt", 20000))),
    ("fatherland_front", "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh",
     (("Khu dân cư văn hóa", "khu", 400), ("Nhà Đại đoàn kết", "nhà", 150), ("Hộ thoát nghèo", "hộ", 800))),
)  # fmt: skip

AWARDS = (
    (AwardSubject.COLLECTIVE, "Chi hội khu {n}", "Giấy khen"),
    (AwardSubject.COLLECTIVE, "Tổ tự quản số {n}", "Giấy khen"),
    (AwardSubject.INDIVIDUAL, "Bà Nguyễn Thị Hạnh (khu {n})", "Giấy khen"),
    (AwardSubject.INDIVIDUAL, "Ông Trần Văn Lộc (khu {n})", "Bằng khen"),
)


def _period(timing: str, year: int) -> tuple[date, date, str]:
    if timing == "planned":
        return date(year + 1, 1, 1), date(year + 1, 12, 31), CampaignStatus.PLANNED
    if timing == "running":
        return date(year, 1, 1), date(year, 12, 31), CampaignStatus.RUNNING
    return date(year - 1, 1, 1), date(year - 1, 12, 31), CampaignStatus.ENDED


def _organisation(kind: str, territory) -> Organisation | None:
    return (
        Organisation.objects.filter(kind__code=kind, territory=territory, is_active=True)
        .order_by("pk")
        .first()
    )


def _figures(campaign: Campaign, indicators: list[Indicator], rng, today: date) -> int:
    """Six-month and annual figures for the periods already over (cumulative, as reported)."""
    made = 0
    year = campaign.starts_on.year
    periods = []
    if date(year, 6, 30) < today:
        periods.append((Period.H1, Decimal("0.45")))
    if date(year, 12, 31) < today:
        periods.append((Period.YEAR, Decimal("0.9")))
    for period, share in periods:
        report = ProgressReport.objects.create(
            campaign=campaign,
            year=year,
            period=period,
            status=ReportStatus.SUBMITTED
            if campaign.status == CampaignStatus.ENDED
            else ReportStatus.DRAFT,
            note="Các chỉ tiêu cơ bản đạt và vượt kế hoạch đề ra.",
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                report=report,
                indicator=indicator,
                value=(indicator.target_value * share * Decimal(rng.uniform(0.8, 1.3))).quantize(
                    Decimal("1")
                ),
            )
            for indicator in indicators
        )
        made += 1
    return made


def _create(run: GenerationRun, *, owner, title, theme, description, indicators, timing,
            units=(), participants=(), link_within=None) -> dict[str, int]:  # fmt: skip
    counts = {"campaigns": 0, "indicators": 0, "progress_reports": 0, "links": 0, "awards": 0}
    if Campaign.objects.filter(organisation=owner, title=title).exists():
        return counts
    # Its own stream, so a campaign skipped on a second run changes nothing for the others.
    rng = run.rng(f"campaigns:{owner.pk}:{title}")
    today = timezone.localdate()
    starts_on, ends_on, status = _period(timing, today.year)
    campaign = Campaign.objects.create(
        organisation=owner,
        territory=owner.territory,
        title=title,
        theme=theme,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        results="Phong trào được nhân dân hưởng ứng tích cực." if status == "ended" else "",
        search_text=search_key(title, theme, owner.name, owner.short_name)[:800],
        created_by=run.actor,
    )
    campaign.territories.set(units)
    campaign.participants.set(participants)
    rows = Indicator.objects.bulk_create(
        Indicator(campaign=campaign, name=name, unit=unit, target_value=Decimal(target),
                  measurement="Tổng hợp từ báo cáo của các chi hội, tổ dân phố.", sort_order=i)
        for i, (name, unit, target) in enumerate(indicators, start=1)
    )  # fmt: skip
    counts["campaigns"], counts["indicators"] = 1, len(rows)
    if status != CampaignStatus.PLANNED:
        counts["progress_reports"] = _figures(
            campaign, [r for r in rows if r.target_value], rng, today
        )
    if link_within is not None and status != CampaignStatus.PLANNED:
        found = links.search(run.actor, "initiatives.model", "", within=link_within, limit=3)
        CampaignLink.objects.bulk_create(
            CampaignLink(campaign=campaign, target_type=row.type_key, target_id=row.target_id)
            for row in found
        )
        counts["links"] = len(found)
    if status == CampaignStatus.ENDED:
        chosen = rng.sample(AWARDS, k=rng.randint(2, 4))
        CampaignAward.objects.bulk_create(
            CampaignAward(campaign=campaign, subject=subject, name=name.format(n=rng.randint(1, 12)),
                          award=award, territory=owner.territory, awarded_on=date(ends_on.year + 1, 1, 15),
                          reason="Tiêu biểu trong thực hiện phong trào.")
            for subject, name, award in chosen
        )  # fmt: skip
        counts["awards"] = len(chosen)
    return counts


def _add(total: dict[str, int], part: dict[str, int]) -> None:
    for key, value in part.items():
        total[key] = total.get(key, 0) + value


def _dong_trieu(run: GenerationRun, province, communes) -> dict[str, int]:
    total: dict[str, int] = {}
    wards = {c.name: c for c in communes if c.name in DONG_TRIEU_WARDS}
    if not wards:
        return total
    for theme in DONG_TRIEU:
        unit = wards.get(theme.ward) if theme.ward else province
        if unit is None:
            continue
        owner = _organisation(theme.kind, unit)
        if owner is None:
            continue
        partners = [
            org for org in (_organisation(kind, unit) for kind in ("fatherland_front", "school"))
            if org is not None and org.pk != owner.pk
        ]  # fmt: skip
        _add(total, _create(
            run, owner=owner, title=theme.title, theme=theme.theme,
            description=theme.description, indicators=theme.indicators, timing=theme.timing,
            units=list(wards.values()) if unit == province else [],
            participants=partners,
            link_within=unit if unit != province else None,
        ))  # fmt: skip
    return total


def _province(run: GenerationRun, province) -> dict[str, int]:
    total: dict[str, int] = {}
    count = run.rng(f"campaigns:{province.era}:{province.code}").randint(2, 4)
    for index, (kind, title, indicators) in enumerate(PROVINCE_THEMES[:count]):
        owner = _organisation(kind, province)
        if owner is None:
            continue
        timing = ("ended", "running", "ended", "planned")[index]
        _add(total, _create(
            run, owner=owner, title=f"{title} ({province.name})", theme=title,
            description=f"Phong trào thi đua của {owner.name}.", indicators=indicators,
            timing=timing,
        ))  # fmt: skip
    return total


@register("campaigns", order=710)
def generate_campaigns(run: GenerationRun) -> dict[str, int]:
    communes_of: dict[int, list] = {}
    for commune in run.communes:
        communes_of.setdefault(commune.province_code, []).append(commune)
    total: dict[str, int] = {}
    for province in run.provinces:
        with transaction.atomic():
            if province.code == QUANG_NINH:
                _add(total, _dong_trieu(run, province, communes_of.get(province.code, [])))
            if run.scale != "demo":
                _add(total, _province(run, province))
    return total
