"""Reports benchmark: generating one provincial annual report (goal < 5 s) on generated data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reports .venv/bin/python bench/reports_bench.py
    .venv/bin/python bench/reports_bench.py --runs 3           # quick, throw-away SQLite

It migrates, imports the territories and runs `generate --scale province` (Quảng Ninh by default:
organisations, users, models, land clearance, petitions, documents, plans and campaigns, as far
as their generators exist; idempotent, `--skip-generate` does not even look). Each run numbers a
new annual report of the province's mass-mobilisation commission through the service and builds
it with the task body, exactly as the worker does: gathering the figures (plans, campaigns and
every registered indicator source over the province's subtree), writing DOCX and PDF, storing
both files. Prints min / median / max of the whole run and the share of each step.
"""

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from territory_bench import prepare_environment, timed

GOAL_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="reports to generate (default 7)")
    parser.add_argument("--province", type=int, default=22, help="province code (default 22)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--skip-generate", action="store_true", help="use the data as it is")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite directory")
    args = parser.parse_args()

    data_dir = prepare_environment()
    import django

    django.setup()
    try:
        run(args)
    finally:
        if data_dir and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        elif data_dir:
            print(f"Database kept in {data_dir}")


def run(args: argparse.Namespace) -> None:
    from datetime import date

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from danvan.accounts.models import RoleGrant, User
    from danvan.core.context import acting
    from danvan.core.demo.build import ensure_territories, generate
    from danvan.core.roles import Role
    from danvan.organisations.models import Organisation
    from danvan.plans.models import Campaign, Plan
    from danvan.reports import services
    from danvan.reports.models import GeneratedReport, ReportKind, ReportStatus
    from danvan.territories.models import Era, Level, Territory

    settings.ALLOWED_HOSTS = ["*"]
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    print("Setup:")
    timed("migrate", lambda: call_command("migrate", verbosity=0))
    with acting(source="command:bench"):
        timed("import territories", lambda: ensure_territories(only_if_empty=True))
        if not args.skip_generate:
            timed(
                f"generate --scale province (code {args.province})",
                lambda: generate(scale="province", province_code=args.province),
            )
    province = Territory.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=args.province)
    commission = (
        Organisation.objects.filter(territory=province, kind__code="mass_mobilisation_commission")
        .select_related("kind", "territory")
        .first()
    )
    if commission is None:
        sys.exit(
            f"No mass-mobilisation commission in {province.name}; run without --skip-generate."
        )
    subtree = {"territory__scope_path__under": province.path}
    if not args.skip_generate and not Plan.objects.filter(organisation=commission, year=args.year):
        timed(
            "plans and campaigns (bench's own)", lambda: add_plans(commission, province, args.year)
        )
    print(
        f"  {province.name}: {Plan.objects.filter(**subtree).count()} plans, "
        f"{Campaign.objects.filter(**subtree).count()} campaigns; "
        f"commission plans for {args.year}: "
        f"{Plan.objects.filter(organisation=commission, year=args.year).count()}"
    )
    officer, _created = User.objects.get_or_create(
        username=f"bench.baocao.{province.code}",
        defaults={"full_name": "Bench", "search_name": "bench", "organisation": commission},
    )
    RoleGrant.objects.get_or_create(user=officer, role=Role.OFFICER, territory=province, domain="")

    totals, steps = [], []
    print(f"Generating {args.runs} annual reports of {commission.name}:")
    with acting(source="command:bench"):
        for number in range(args.runs):
            timings = services.BuildTimings()
            started = time.perf_counter()
            report = services.report_generate(
                organisation=commission,
                kind=ReportKind.ANNUAL,
                year=args.year,
                issued_on=date(args.year, 12, 20),
                signer_name="Bench",
                actor=officer,
            )
            numbered = time.perf_counter() - started
            services.report_build_run(report.pk, timings=timings)
            total = time.perf_counter() - started
            report = GeneratedReport.objects.get(pk=report.pk)
            if report.status != ReportStatus.DONE:
                sys.exit(f"The report failed: {report.error}")
            totals.append(total)
            steps.append((numbered, timings.gathering, timings.rendering, timings.storing))
            if number == 0:
                figures = report.figures
                print(
                    f"  {report.number_label}: {len(figures.get('plans', []))} plans, "
                    f"{len(figures.get('campaigns', []))} campaigns, "
                    f"{len(figures.get('domains', []))} computed sources"
                )
    median = statistics.median(totals)
    print(
        f"Whole report: min {min(totals):.2f} s, median {median:.2f} s, max {max(totals):.2f} s "
        f"(goal < {GOAL_SECONDS:.0f} s: {'met' if max(totals) < GOAL_SECONDS else 'MISSED'})"
    )
    labels = (
        "numbering and queueing",
        "gathering figures",
        "writing DOCX and PDF",
        "storing files",
    )
    whole = sum(totals)
    others = [total - sum(step) for total, step in zip(totals, steps, strict=True)]
    columns = [*zip(*steps, strict=True), others]
    for label, values in zip((*labels, "status, job and audit"), columns, strict=True):
        print(
            f"  {label:<24} median {statistics.median(values):.3f} s "
            f"({sum(values) / whole:.0%} of the time)"
        )


def add_plans(commission, province, year: int) -> None:
    """A plan of the commission and campaigns across the province, for when the plans app's
    generators add none: 15 indicators (4 computed), 30 tasks, H1 and year progress; 60 campaigns
    in the communes with 4 indicators, a Q2 report and awards each."""
    import random
    from datetime import date
    from decimal import Decimal

    from danvan.core import indicators
    from danvan.plans.models import (
        Campaign,
        CampaignAward,
        Indicator,
        IndicatorValue,
        Plan,
        PlanTask,
        ProgressReport,
    )
    from danvan.territories.models import Territory

    rng = random.Random(year)
    sources = [s.key for s in indicators.registered_sources()][:4]
    plan = Plan.objects.create(
        organisation=commission, territory=province, year=year,
        title=f"Kế hoạch công tác dân vận năm {year}", status="approved",
    )  # fmt: skip
    plan_indicators = Indicator.objects.bulk_create(
        Indicator(plan=plan, name=f"Chỉ tiêu số {n + 1}", unit="mô hình",
                  target_value=rng.randint(10, 500), sort_order=n,
                  source=sources[n] if n < len(sources) else "")
        for n in range(15)
    )  # fmt: skip
    PlanTask.objects.bulk_create(
        PlanTask(plan=plan, title=f"Nhiệm vụ số {n + 1}", deadline=date(year, rng.randint(1, 12), 1),
                 status=rng.choice(["todo", "in_progress", "done", "done"]), sort_order=n)
        for n in range(30)
    )  # fmt: skip
    for period in ("h1", "year"):
        report = ProgressReport.objects.create(plan=plan, year=year, period=period)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(report=report, indicator=i, value=Decimal(rng.randint(0, 600)))
            for i in plan_indicators if not i.source
        )  # fmt: skip
    communes = list(Territory.objects.filter(parent=province).order_by("code")[:60])
    for number, commune in enumerate(communes):
        campaign = Campaign.objects.create(
            organisation=commission, territory=commune, title=f"Phong trào thi đua số {number + 1}",
            starts_on=date(year, rng.randint(1, 6), 1), ends_on=date(year, 12, 31), status="running",
        )  # fmt: skip
        campaign_indicators = Indicator.objects.bulk_create(
            Indicator(campaign=campaign, name=f"Mục tiêu {n + 1}", unit="hộ",
                      target_value=rng.randint(50, 900), sort_order=n)
            for n in range(4)
        )  # fmt: skip
        report = ProgressReport.objects.create(campaign=campaign, year=year, period="q2")
        IndicatorValue.objects.bulk_create(
            IndicatorValue(report=report, indicator=i, value=Decimal(rng.randint(0, 900)))
            for i in campaign_indicators
        )
        CampaignAward.objects.bulk_create(
            CampaignAward(campaign=campaign, subject="collective", name=f"Tập thể {n + 1}",
                          award="Giấy khen", awarded_on=date(year, 12, 1))
            for n in range(3)
        )  # fmt: skip


if __name__ == "__main__":
    main()
