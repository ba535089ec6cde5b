"""Synthetic annual plans for `danvan demo` and `danvan generate`.

Demo: the Quảng Ninh Commission for Propaganda, Education and Mass Mobilisation's plans for
2024 and 2025 implementing 25-NQ/TW, 20-NQ/TU and 05-CT/TW (linked when the documents generator
made them), with indicators some of which are computed from the platform's records, tasks in
every status and six-month and annual progress; plans of the communes formed from old Đông
Triều and Hải Hà and of the provincial mass organisations with the same indicator codes, so
the roll-up shows numbers; the Đà Nẵng commission and Phường Tam Kỳ likewise. Province and
national scales add one plan per province commission and year, inserted in bulk.
Idempotent: a plan is found again by its organisation and year.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from danvan.core import indicators
from danvan.core.demo.registry import GenerationRun, register
from danvan.core.search import search_key
from danvan.organisations.models import Organisation
from danvan.plans.models import (
    Aggregation,
    Indicator,
    IndicatorValue,
    Period,
    Plan,
    PlanStatus,
    PlanTask,
    ProgressReport,
    ReportStatus,
    TaskStatus,
    period_bounds,
)

QUANG_NINH, DA_NANG = 22, 48
YEARS = (2024, 2025)
DOCUMENTS = ("25-NQ/TW", "20-NQ/TU", "05-CT/TW")
LOWER_KINDS = ("womens_union", "farmers_union", "youth_union", "fatherland_front")


@dataclass(frozen=True)
class Template:
    code: str
    name: str
    unit: str
    province_target: int  # the commune target is about a twentieth of it
    source: str = ""
    aggregation: str = Aggregation.SUM
    measurement: str = ""


TEMPLATES = (
    Template("mo-hinh-dang-ky", "Mô hình “Dân vận khéo” đăng ký mới", "mô hình", 120,
             "initiatives.registered", measurement="Mô hình đăng ký trong kỳ trên nền tảng."),
    Template("mo-hinh-cong-nhan", "Mô hình “Dân vận khéo” được công nhận", "mô hình", 60,
             "initiatives.recognised", measurement="Quyết định công nhận ký trong kỳ."),
    Template("hoi-nghi-doi-thoai", "Hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền "
             "với Nhân dân", "hội nghị", 40, "dialogues.conferences_held"),
    Template("kien-nghi-dung-han", "Kiến nghị của Nhân dân được trả lời đúng hạn", "kiến nghị",
             400, "dialogues.petitions_answered_on_time"),
    Template("ho-dong-y-bgmb", "Hộ dân đồng ý bàn giao mặt bằng", "hộ", 300,
             "clearance.households_agreed"),
    Template("van-ban-ban-hanh", "Văn bản chỉ đạo, hướng dẫn công tác dân vận ban hành",
             "văn bản", 45, measurement="Theo sổ đăng ký văn bản đi."),
    Template("lop-tap-huan", "Lớp tập huấn nghiệp vụ công tác dân vận", "lớp", 12,
             measurement="Theo báo cáo của các đơn vị."),
    Template("ty-le-hai-long", "Tỷ lệ người dân hài lòng với kết quả giải quyết kiến nghị", "%",
             90, aggregation=Aggregation.AVERAGE, measurement="Khảo sát sau khi trả lời."),
)  # fmt: skip

TASKS = (
    ("Quán triệt, triển khai Nghị quyết 25-NQ/TW và Nghị quyết 20-NQ/TU đến các chi bộ", 1),
    ("Xây dựng kế hoạch học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", 2),
    ("Tổ chức hội nghị đối thoại giữa Bí thư cấp ủy với Nhân dân về giải phóng mặt bằng", 4),
    ("Sơ kết 6 tháng phong trào thi đua “Dân vận khéo”", 7),
    ("Kiểm tra, giám sát việc thực hiện Quy chế dân chủ ở cơ sở", 9),
    ("Tổng kết công tác dân vận năm, đề xuất khen thưởng", 12),
)
TASK_STATUSES = (TaskStatus.DONE, TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.TODO,
                 TaskStatus.CANCELLED, TaskStatus.TODO)  # fmt: skip


def _organisation(kind: str, unit) -> Organisation | None:
    return Organisation.objects.filter(kind__code=kind, territory=unit).order_by("pk").first()


def _documents():
    from danvan.documents.models import GuidanceDocument

    return list(GuidanceDocument.objects.filter(number_symbol__in=DOCUMENTS))


def _target(template: Template, scale: Decimal) -> Decimal:
    if template.unit == "%":
        return Decimal(template.province_target)
    return max(Decimal(1), (template.province_target * scale).quantize(Decimal(1)))


def _periods(year: int, today: date) -> list[tuple[str, str]]:
    """(period, status) of the reports a plan of `year` has by `today`."""
    found = []
    if period_bounds(year, Period.H1)[1] < today:
        found.append((Period.H1, ReportStatus.SUBMITTED))
    if period_bounds(year, Period.YEAR)[1] < today:
        found.append((Period.YEAR, ReportStatus.SUBMITTED))
    elif year == today.year:
        found.append((Period.YEAR, ReportStatus.DRAFT))
    return found


def _make_plan(run: GenerationRun, owner, year: int, title: str, scale: Decimal, *,
               documents=(), computed: bool = True, with_tasks: bool = True) -> dict[str, int]:  # fmt: skip
    counts = {"plans": 0, "indicators": 0, "tasks": 0, "progress_reports": 0}
    if owner is None or Plan.objects.filter(organisation=owner, year=year).exists():
        return counts
    rng = run.rng(f"plans:{owner.pk}:{year}")
    today = timezone.localdate()
    # Last year's plan stays open for the annual review; older ones are closed.
    closed = year < today.year - 1
    plan = Plan.objects.create(
        organisation=owner,
        territory=owner.territory,
        year=year,
        title=title,
        goals=(
            "Nâng cao chất lượng, hiệu quả công tác dân vận của hệ thống chính trị; phát huy "
            "quyền làm chủ của Nhân dân; nhân rộng mô hình “Dân vận khéo”; giải quyết kịp thời "
            "kiến nghị chính đáng của Nhân dân ngay từ cơ sở."
        ),
        status=PlanStatus.CLOSED if closed else PlanStatus.APPROVED,
        approved_at=datetime(year, 1, 20, 2, tzinfo=UTC),
        search_text=search_key(title, owner.name)[:600],
        created_by=run.actor,
    )
    plan.documents.set(documents)
    rows = Indicator.objects.bulk_create(
        Indicator(
            plan=plan, code=t.code, name=t.name, unit=t.unit, target_value=_target(t, scale),
            measurement=t.measurement, aggregation=t.aggregation,
            source=t.source if computed else "", sort_order=i,
        )
        for i, t in enumerate(TEMPLATES, start=1)
    )  # fmt: skip
    counts["plans"], counts["indicators"] = 1, len(rows)
    if with_tasks:
        PlanTask.objects.bulk_create(
            PlanTask(
                plan=plan, title=task, owner_name=owner.short_name or owner.name,
                deadline=date(year, month, 28), sort_order=i,
                status=status,
                done_on=date(year, month, 20) if status == TaskStatus.DONE else None,
            )
            for i, ((task, month), status) in enumerate(zip(TASKS, TASK_STATUSES, strict=True))
        )  # fmt: skip
        counts["tasks"] = len(TASKS)
    for period, status in _periods(year, today):
        first, last = period_bounds(year, period)
        report = ProgressReport.objects.create(
            plan=plan, year=year, period=period, status=status,
            note="Các chỉ tiêu cơ bản đạt tiến độ đề ra." if status == ReportStatus.SUBMITTED else "",
            submitted_at=timezone.now() if status == ReportStatus.SUBMITTED else None,
        )  # fmt: skip
        share = Decimal("0.5") if period == Period.H1 else Decimal(1)
        values = []
        for indicator in rows:
            if indicator.source:
                value = indicators.compute(indicator.source, owner.territory, first, last)
                values.append(IndicatorValue(report=report, indicator=indicator, value=value,
                                             source=indicator.source, computed_at=timezone.now()))  # fmt: skip
                continue
            factor = Decimal(str(round(rng.uniform(0.75, 1.2), 2)))
            value = (
                min(Decimal(100), indicator.target_value * factor).quantize(Decimal("0.1"))
                if indicator.unit == "%"
                else (indicator.target_value * share * factor).quantize(Decimal(1))
            )
            values.append(IndicatorValue(report=report, indicator=indicator, value=value))
        IndicatorValue.objects.bulk_create(values)
        counts["progress_reports"] += 1
    return counts


def _add(total: dict[str, int], part: dict[str, int]) -> None:
    for key, value in part.items():
        total[key] = total.get(key, 0) + value


def _demo_sides(run: GenerationRun) -> list[tuple]:
    """(province, lower communes) of Quảng Ninh and Đà Nẵng: the communes formed from old Đông
    Triều and Hải Hà and three Tam Kỳ wards, or, without the old units loaded, a few communes."""
    from danvan.core.demo import areas as demo_areas
    from danvan.core.errors import DomainError

    by_code = {p.code: p for p in run.provinces}
    communes_of: dict[int, list] = {}
    for commune in run.communes:
        communes_of.setdefault(commune.province_code, []).append(commune)
    try:
        areas = demo_areas.demo_areas()
        lower = {QUANG_NINH: [*areas.dong_trieu, *areas.hai_ha], DA_NANG: areas.tam_ky[:3]}
    except DomainError:
        lower = {code: communes_of.get(code, [])[:5] for code in (QUANG_NINH, DA_NANG)}
    return [(by_code[code], lower[code]) for code in (QUANG_NINH, DA_NANG) if code in by_code]


def _demo(run: GenerationRun) -> dict[str, int]:
    total: dict[str, int] = {}
    documents = _documents()
    for province, communes in _demo_sides(run):
        is_quang_ninh = province.code == QUANG_NINH
        docs = [d for d in documents if is_quang_ninh or d.number_symbol != "20-NQ/TU"]
        for year in YEARS:
            commission = _organisation("mass_mobilisation_commission", province)
            _add(total, _make_plan(
                run, commission, year,
                f"Kế hoạch công tác dân vận năm {year} thực hiện Nghị quyết 25-NQ/TW, "
                f"Chỉ thị 05-CT/TW{' và Nghị quyết 20-NQ/TU' if is_quang_ninh else ''}",
                Decimal(1), documents=docs,
            ))  # fmt: skip
            for kind in LOWER_KINDS:
                org = _organisation(kind, province)
                _add(total, _make_plan(
                    run, org, year, f"Kế hoạch công tác dân vận năm {year} của {org.name}"
                    if org else "", Decimal("0.1"), documents=docs[:1], computed=False,
                    with_tasks=kind == "womens_union",
                ))  # fmt: skip
            for commune in communes:
                org = _organisation("party_committee", commune)
                _add(total, _make_plan(
                    run, org, year, f"Kế hoạch công tác dân vận năm {year} của {org.name}"
                    if org else "", Decimal("0.05"), documents=docs[:1],
                    with_tasks=commune == communes[0],
                ))  # fmt: skip
    return total


def _national(run: GenerationRun) -> dict[str, int]:
    """One plan per province commission and year, with typed figures, in bulk."""
    owners = {
        o.territory_id: o
        for o in Organisation.objects.filter(
            kind__code="mass_mobilisation_commission",
            territory__in=run.provinces,
        )
        .select_related("territory")
        .order_by("-pk")
    }
    existing = set(
        Plan.objects.filter(organisation__in=owners.values()).values_list("organisation_id", "year")
    )
    today = timezone.localdate()
    new_plans = [
        Plan(organisation=owner, territory_id=owner.territory_id, year=year,
             title=f"Kế hoạch công tác dân vận năm {year} ({owner.territory.name})",
             status=PlanStatus.APPROVED, approved_at=timezone.now(), created_by=run.actor,
             search_text=search_key(f"Kế hoạch công tác dân vận năm {year}", owner.name)[:600])
        for owner in owners.values() for year in YEARS if (owner.pk, year) not in existing
    ]  # fmt: skip
    if not new_plans:
        return {}
    plans = Plan.objects.bulk_create(new_plans, batch_size=run.batch_size)
    indicator_rows = Indicator.objects.bulk_create(
        [Indicator(plan=plan, code=t.code, name=t.name, unit=t.unit, target_value=_target(t, Decimal(1)),
                   aggregation=t.aggregation, measurement=t.measurement, sort_order=i)
         for plan in plans for i, t in enumerate(TEMPLATES, start=1)],
        batch_size=run.batch_size,
    )  # fmt: skip
    by_plan: dict[int, list[Indicator]] = {}
    for row in indicator_rows:
        by_plan.setdefault(row.plan_id, []).append(row)
    reports = ProgressReport.objects.bulk_create(
        [ProgressReport(plan=plan, year=plan.year, period=period, status=status)
         for plan in plans for period, status in _periods(plan.year, today)],
        batch_size=run.batch_size,
    )  # fmt: skip
    rng = run.rng("plans:national")
    values = []
    for report in reports:
        share = Decimal("0.5") if report.period == Period.H1 else Decimal(1)
        for indicator in by_plan[report.plan_id]:
            factor = Decimal(str(round(rng.uniform(0.7, 1.2), 2)))
            value = indicator.target_value * (factor if indicator.unit == "%" else share * factor)
            values.append(IndicatorValue(report=report, indicator=indicator,
                                         value=min(value, Decimal(100)) if indicator.unit == "%"
                                         else value.quantize(Decimal(1))))  # fmt: skip
    IndicatorValue.objects.bulk_create(values, batch_size=run.batch_size)
    return {"plans": len(plans), "indicators": len(indicator_rows),
            "progress_reports": len(reports)}  # fmt: skip


@register("plans", order=700)
def generate_plans(run: GenerationRun) -> dict[str, int]:
    total: dict[str, int] = {}
    with transaction.atomic():
        _add(total, _demo(run))
        if run.scale != "demo":
            _add(total, _national(run))
    return total
