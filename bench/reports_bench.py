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


if __name__ == "__main__":
    main()
