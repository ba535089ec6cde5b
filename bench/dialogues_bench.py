"""Dialogues benchmark: the officer's petition inbox and the statistics page on the national data
set (~2,000,000 petitions, conferences and plans in every commune).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gen_h6 .venv/bin/python bench/dialogues_bench.py
    .venv/bin/python bench/dialogues_bench.py --scale province      # quick, SQLite

It migrates, imports the territories and runs `generate --only organisations,users,dialogues`
at the chosen scale (idempotent: units that have this year's plan are skipped, so a second run
only measures; `--skip-generate` does not even look). Pages go through the whole Django stack
with the test client (middleware, session, scope policy, selectors, template) for an officer of
the largest province, an officer of its largest commune and a national leader; the selectors
(`inbox` first page + `inbox_counts`) and the statistics function are timed on their own too,
as are other statistics questions (by field, one field by month, last month: read from the
counts kept per unit and month; the last ten days: counted live) and the recount every change
of a petition adds. The kept counts are rebuilt first when they are not for today.
The bare COUNT(*) of all petitions is the baseline, measured in the same run. p50 / p95 / max
in milliseconds; goal p95 < 200 ms.
"""

import argparse
import random
import shutil
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from territory_bench import measure, percentile, prepare_environment, timed

GOAL_MS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=60, help="requests per kind (default 60)")
    parser.add_argument("--scale", choices=("national", "province"), default="national")
    parser.add_argument("--skip-generate", action="store_true", help="use the data as it is")
    parser.add_argument("--seed", type=int, default=1)
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


def vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def bench_user(username: str, role: str, territory, organisation_id=None):
    """A bench login with one grant (national when `territory` is None)."""
    from danvan.accounts.models import RoleGrant, User

    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": username,
            "search_name": username,
            "organisation_id": organisation_id,
        },
    )
    RoleGrant.objects.get_or_create(user=user, role=role, territory=territory, domain="")
    return user


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from danvan.accounts.models import User
    from danvan.core.context import acting
    from danvan.core.demo.build import ensure_territories, generate
    from danvan.core.roles import Role
    from danvan.dialogues import selectors
    from danvan.dialogues.models import Petition
    from danvan.organisations.models import Organisation
    from danvan.territories.models import Era, Level, Territory

    settings.ALLOWED_HOSTS = ["*"]
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    print("Setup:")
    timed("migrate", lambda: call_command("migrate", verbosity=0))
    with acting(source="command:bench"):
        timed("import territories", lambda: ensure_territories(only_if_empty=True))
        if not args.skip_generate:
            only = ["organisations", "users", "dialogues"]
            timed(
                f"generate --scale {args.scale} --only {','.join(only)}",
                lambda: generate(scale=args.scale, only=only),
            )
    if connection.vendor == "postgresql" and not args.skip_generate:
        timed("vacuum analyze", lambda: _vacuum(connection))
    total = Petition.objects.count()
    print(f"  {vn(total)} petitions")

    # The busiest province and, in it, the busiest commune.
    by_province = (
        Petition.objects.values("territory__province_code").annotate(n=Count("pk")).order_by("-n")
    )
    top = by_province[0]
    province = Territory.objects.get(
        era=Era.CURRENT, level=Level.PROVINCE, code=top["territory__province_code"]
    )
    by_commune = (
        Petition.objects.filter(territory__province_code=province.code)
        .values("territory")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    commune = Territory.objects.get(pk=by_commune[0]["territory"])
    print(
        f"  province {province.name}: {vn(top['n'])} petitions; "
        f"commune {commune.name}: {vn(by_commune[0]['n'])}"
    )
    province_agency = (
        Organisation.objects.filter(territory=province, kind__code="peoples_committee")
        .values_list("pk", flat=True)
        .first()
    )
    province_officer = bench_user(
        f"bench.canbo.{province.code}", Role.OFFICER, province, province_agency
    )
    # The generated commune officer (x<code>.canbo) when there is one, else a bench one.
    commune_officer = User.objects.filter(username=f"x{commune.code}.canbo").first()
    if commune_officer is None:
        commune_officer = bench_user(f"bench.canbo.{commune.code}", Role.OFFICER, commune)
    leader = bench_user("bench.lanhdao", Role.LEADER, None)

    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    if not figures_current():
        from danvan.dialogues import figures

        timed("rebuild petition figures", figures.rebuild)
    from danvan.dialogues.services import deadlines

    today = deadlines.today()
    inbox_url = reverse("dialogues:petition_inbox")
    statistics_url = reverse("dialogues:statistics")
    rng = random.Random(args.seed)
    n = args.requests

    def get(client: Client, url: str, params: dict | None = None):
        def request():
            response = client.get(url, params or {})
            if response.status_code != 200:
                raise SystemExit(f"{url} {params} answered {response.status_code}")
            return response

        return request

    def inbox_query(user, bucket):
        def query():
            list(selectors.inbox(user, bucket)[:25])
            selectors.inbox_counts(user)

        return query

    def statistics_call(user, params: dict | None = None, group_by: str = "unit"):
        from danvan.dialogues import statistics as stats

        filters, _errors = stats.StatisticsFilters.from_params(params or {})
        unit = stats.statistics_unit_for_user(user)

        def call():
            stats.petition_statistics_for_user(user, filters, unit, group_by)

        return call

    kinds = []
    for label, user in (
        ("province officer", province_officer),
        ("commune officer", commune_officer),
        ("national leader", leader),
    ):
        client = client_for(user)
        tabs = ["new", "overdue", "due_soon", "mine", "answered"]
        kinds.append(
            (
                f"inbox page, {label}",
                [get(client, inbox_url, {"tab": rng.choice(tabs)}) for _ in range(n)],
            )
        )
        kinds.append(
            (
                f"inbox selectors, {label}",
                [inbox_query(user, rng.choice(tabs)) for _ in range(n)],
            )
        )
        kinds.append((f"statistics page, {label}", [get(client, statistics_url) for _ in range(n)]))
        kinds.append((f"statistics function, {label}", [statistics_call(user)] * n))
        # Other questions the kept counts answer, and one they cannot (a period that does not
        # start and end with a month is counted live from the petitions).
        month_start = today.replace(day=1) - timedelta(days=1)
        last_month = {
            "date_from": month_start.replace(day=1).strftime("%d/%m/%Y"),
            "date_to": month_start.strftime("%d/%m/%Y"),
        }
        for what, params, group_by in (
            ("by field", {}, "category"),
            ("by month, land", {"category": "land"}, "month"),
            ("last month", last_month, "unit"),
            (
                "last 10 days (live)",
                {"date_from": (today - timedelta(days=10)).strftime("%d/%m/%Y")},
                "unit",
            ),
        ):
            kinds.append(
                (f"statistics {what}, {label}", [statistics_call(user, params, group_by)] * n)
            )

    def count_all():
        Petition.objects.count()

    kinds.append(("COUNT(*) of all petitions", [count_all] * n))

    # What every change of a petition adds: recounting its unit and month (and the province's
    # rollup of that month) in the busiest commune.
    from danvan.dialogues import figures

    busiest = Petition.objects.filter(territory=commune).order_by("-received_at").first()

    def recount():
        figures.refresh_petitions([busiest])

    kinds.append(("recount one unit and month", [recount] * n))

    print(f"\n{'measure':<42}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    rows = []
    for label, samples in kinds:
        times = measure(samples)
        rows.append((label, percentile(times, 0.5), percentile(times, 0.95), max(times)))
        print(f"{label:<42}{rows[-1][1]:9.1f}{rows[-1][2]:9.1f}{rows[-1][3]:9.1f}", flush=True)
    # The goal is for pages and their reads; live counts of odd periods are shown, not judged.
    judged = [r for r in rows if not r[0].startswith(("COUNT", "recount")) and "(live)" not in r[0]]
    worst = max(r[2] for r in judged)
    verdict = "met" if worst < GOAL_MS else "NOT met"
    print(f"\nGoal p95 < {GOAL_MS} ms: {verdict} (worst p95 {worst:.1f} ms)")


def figures_current() -> bool:
    from danvan.dialogues import figures
    from danvan.dialogues.services import deadlines

    return figures.is_current(deadlines.today())


def _vacuum(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


if __name__ == "__main__":
    main()
