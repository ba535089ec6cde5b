"""Territory benchmark: subtree queries and accent-insensitive search at national scale.

    .venv/bin/python bench/territory_bench.py                  # temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench .venv/bin/python bench/territory_bench.py

With DATABASE_URL the named PostgreSQL database is created when missing and reused otherwise
(the setup is idempotent, so a second run only measures). The script migrates, imports every
territory of both eras, generates the national data (34 provinces, every commune, organisations
and users), then times, over many random targets:

  a) "all organisations under unit X" through the scope policy, for users whose grant is a
     province or a commune: the count and the first page of a list;
  b) accent-insensitive search over all current and historic units, typed without accents;
  c) the same search over organisations.

It prints p50 / p95 / max in milliseconds per query kind.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def prepare_environment() -> str | None:
    """Point the settings at a throw-away SQLite file unless DATABASE_URL is given."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.config.settings.local")
    os.environ["DANVAN_DEBUG"] = "0"  # no query log, no debug overhead
    if os.environ.get("DATABASE_URL"):
        create_postgres_database(os.environ["DATABASE_URL"])
        return None
    data_dir = tempfile.mkdtemp(prefix="danvan-bench-")
    os.environ["DANVAN_DATA_DIR"] = data_dir
    return data_dir


def create_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "select 1 from pg_database where datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(config["NAME"])))


def timed(label: str, func: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = func()
    print(f"  {label:<34}{time.perf_counter() - started:8.1f} s")
    return result


def measure(samples: list[Callable[[], object]], warmup: int = 5) -> list[float]:
    for run in samples[:warmup]:
        run()
    times = []
    for run in samples:
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=200, help="queries per kind (default 200)")
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


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from danvan.accounts.models import User
    from danvan.core import scope
    from danvan.core.context import acting
    from danvan.core.demo.build import ensure_territories, generate
    from danvan.core.search import filter_by_search, normalize, strip_admin_prefix
    from danvan.organisations.models import Organisation
    from danvan.organisations.selectors import organisation_list_for_user
    from danvan.territories.models import Era, Level, Territory

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    print("Setup:")
    timed("migrate", lambda: call_command("migrate", verbosity=0))
    with acting(source="command:bench"):
        timed("import territories", lambda: ensure_territories(only_if_empty=False))
        timed("generate --scale national", lambda: generate(scale="national"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def vn(number: int) -> str:
        return f"{number:,}".replace(",", ".")

    print(
        f"  {vn(Territory.objects.count())} territories, "
        f"{vn(Organisation.objects.count())} organisations, {vn(User.objects.count())} users"
    )

    rng = random.Random(args.seed)
    n = args.queries
    provinces = list(Territory.objects.filter(era=Era.CURRENT, level=Level.PROVINCE))
    communes = list(Territory.objects.filter(era=Era.CURRENT, level=Level.COMMUNE))
    users = {u.username: u for u in User.objects.filter(username__regex=r"^[tx][0-9]+\.")}
    admin = User.objects.get(username="admin")

    def subtree(user, page: bool) -> Callable[[], object]:
        def query():
            scope.forget_grants(user)  # every request reads the grants afresh
            qs = organisation_list_for_user(user)
            return list(qs[:25]) if page else qs.count()

        return query

    def subtree_by_range(unit) -> Callable[[], object]:
        # For comparison: the same subtree as a range on the path ('/' sorts just before '0'),
        # which a plain B-tree index serves on SQLite too (LIKE 'x%' there is case-insensitive
        # and cannot use the index).
        upper = unit.path[:-1] + "0"

        def query():
            qs = Organisation.objects.filter(
                territory__scope_path__gte=unit.path, territory__scope_path__lt=upper
            ).select_related("kind", "territory", "parent")
            return list(qs.order_by("search_name", "id")[:25])

        return query

    province_users = [users[f"t{p.code}.quantri"] for p in rng.choices(provinces, k=n)]
    commune_users = [users[f"x{c.code}.canbo"] for c in rng.choices(communes, k=n)]
    roll_up_targets = rng.choices(provinces, k=n)

    every_unit = list(Territory.objects.values_list("name", flat=True))
    territory_queries = []
    for name in rng.choices(every_unit, k=n):
        words = strip_admin_prefix(normalize(name)).split()
        # People type the whole name, or just its first word or two, without accents.
        territory_queries.append(" ".join(words[: rng.choice([1, 2, len(words)])]))
    org_names = list(Organisation.objects.values_list("name", flat=True)[:100_000])
    org_queries = []
    for name in rng.choices(org_names, k=n):
        words = normalize(name).split()
        tail = words[-2:] if len(words) > 2 else words
        org_queries.append(" ".join(rng.choice([words[:3], tail, words])))

    kinds = [
        ("a) subtree count, province grant", [subtree(u, False) for u in province_users]),
        ("a) subtree page of 25, province", [subtree(u, True) for u in province_users]),
        ("a) subtree count, commune grant", [subtree(u, False) for u in commune_users]),
        ("a) subtree page of 25, commune", [subtree(u, True) for u in commune_users]),
        (
            "a) same page, commune, path range",
            [subtree_by_range(u.grants.get().territory) for u in commune_users],
        ),
        (
            "a) units rolling up to a province",
            [
                (lambda p=p: Territory.objects.filter(scope_path__under=p.path).count())
                for p in roll_up_targets
            ],
        ),
        (
            "b) territory search, first 20",
            [
                (
                    lambda q=q: list(
                        filter_by_search(Territory.objects.all(), q).order_by("search_name")[:20]
                    )
                )
                for q in territory_queries
            ],
        ),
        (
            "b) territory search, count",
            [
                (lambda q=q: filter_by_search(Territory.objects.all(), q).count())
                for q in territory_queries
            ],
        ),
        (
            "c) organisation search, first 25",
            [
                (lambda q=q: list(organisation_list_for_user(admin, query=q)[:25]))
                for q in org_queries
            ],
        ),
        (
            "c) organisation search, count",
            [(lambda q=q: organisation_list_for_user(admin, query=q).count()) for q in org_queries],
        ),
        (
            "c) organisation search in a province",
            [
                (lambda u=u, q=q: list(organisation_list_for_user(u, query=q)[:25]))
                for u, q in zip(province_users, org_queries, strict=True)
            ],
        ),
    ]
    print(f"\nQueries ({n} per kind, milliseconds):")
    print(f"  {'query':<40}{'p50':>8}{'p95':>8}{'max':>8}{'mean':>8}")
    for label, samples in kinds:
        times = measure(samples)
        print(
            f"  {label:<40}{percentile(times, 0.5):8.2f}{percentile(times, 0.95):8.2f}"
            f"{max(times):8.2f}{statistics.fmean(times):8.2f}"
        )
    print("\nSample queries:", ", ".join(repr(q) for q in territory_queries[:4] + org_queries[:4]))


if __name__ == "__main__":
    main()
