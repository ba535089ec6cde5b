"""Documents benchmark: the register's search on the national data set (~200,000 documents).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_docs .venv/bin/python bench/documents_bench.py
    .venv/bin/python bench/documents_bench.py --scale province      # quick, SQLite

It migrates, imports the territories and runs `generate --only organisations,users,documents`
at the chosen scale (idempotent: a second run only measures; `--skip-generate` does not even
look). The register page goes through the whole Django stack with the test client (middleware,
session, scope policy, selectors, template, the count on the page) for an officer of the province
with most documents and a national leader, searching a common word, a rare word and a document
number, and without a search; the selector (first page + bounded count) is timed on its own too.
The bare COUNT(*) of all documents is the baseline, measured in the same run. p50 / p95 / max in
milliseconds; goal p95 < 150 ms.
"""

import argparse
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dialogues_bench import bench_user, vn
from territory_bench import measure, percentile, prepare_environment, timed

GOAL_MS = 150
# Words of the generated titles and bodies: one in most documents, one in a few per cent.
COMMON_WORDS = ("dan van", "ke hoach", "nhan dan", "phong trao")
RARE_WORDS = ("thuong mai dien tu", "tai che", "5 an toan", "ban sac van hoa")


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


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from danvan.core.context import acting
    from danvan.core.demo.build import ensure_territories, generate
    from danvan.core.pagination import BoundedPaginator
    from danvan.core.roles import Role
    from danvan.documents import selectors
    from danvan.documents.models import GuidanceDocument
    from danvan.documents.views import SEARCH_COUNT_LIMIT
    from danvan.territories.models import Era, Level, Territory

    settings.ALLOWED_HOSTS = ["*"]
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    print("Setup:")
    timed("migrate", lambda: call_command("migrate", verbosity=0))
    with acting(source="command:bench"):
        timed("import territories", lambda: ensure_territories(only_if_empty=True))
        if not args.skip_generate:
            only = ["organisations", "users", "documents"]
            timed(
                f"generate --scale {args.scale} --only {','.join(only)}",
                lambda: generate(scale=args.scale, only=only),
            )
    if connection.vendor == "postgresql" and not args.skip_generate:
        with connection.cursor() as cursor:
            timed("vacuum analyze", lambda: cursor.execute("VACUUM ANALYZE"))
    total = GuidanceDocument.objects.count()
    print(f"  {vn(total)} documents")

    top = (
        GuidanceDocument.objects.exclude(territory=None)
        .values("territory__province_code")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]
    )
    province = Territory.objects.get(
        era=Era.CURRENT, level=Level.PROVINCE, code=top["territory__province_code"]
    )
    print(f"  province {province.name}: {vn(top['n'])} documents")
    officer = bench_user(f"bench.vanban.{province.code}", Role.OFFICER, province)
    leader = bench_user("bench.lanhdao", Role.LEADER, None)
    sample_numbers = list(
        GuidanceDocument.objects.filter(territory__province_code=province.code)
        .order_by("?")
        .values_list("number_symbol", flat=True)[:20]
    )

    rng = random.Random(args.seed)
    n = args.requests
    list_url = reverse("documents:document-list")

    def page(client: Client, params: dict):
        def request():
            response = client.get(list_url, params)
            if response.status_code != 200:
                raise SystemExit(f"{list_url} {params} answered {response.status_code}")
            return response

        return request

    def selector(user, query: str):
        def call():
            rows = selectors.document_list_for_user(user, selectors.DocumentFilters(q=query))
            paginator = BoundedPaginator(rows, 25, count_limit=SEARCH_COUNT_LIMIT)
            list(paginator.page(1).object_list)

        return call

    kinds = []
    for label, user in (("province officer", officer), ("national leader", leader)):
        client = Client()
        client.force_login(user)
        searches = {
            "common word": COMMON_WORDS,
            "rare word": RARE_WORDS,
            "number": sample_numbers,
        }
        kinds.append((f"register page, no search, {label}", [page(client, {})] * n))
        for kind, words in searches.items():
            kinds.append(
                (
                    f"register page, {kind}, {label}",
                    [page(client, {"q": rng.choice(words)}) for _ in range(n)],
                )
            )
            kinds.append(
                (
                    f"selector, {kind}, {label}",
                    [selector(user, rng.choice(words)) for _ in range(n)],
                )
            )

    def count_all():
        GuidanceDocument.objects.count()

    kinds.append(("COUNT(*) of all documents", [count_all] * n))

    print(f"\n{'measure':<52}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    rows = []
    for label, samples in kinds:
        times = measure(samples)
        rows.append((label, percentile(times, 0.5), percentile(times, 0.95), max(times)))
        print(f"{label:<52}{rows[-1][1]:9.1f}{rows[-1][2]:9.1f}{rows[-1][3]:9.1f}", flush=True)
    worst = max(r[2] for r in rows if not r[0].startswith("COUNT"))
    verdict = "met" if worst < GOAL_MS else "NOT met"
    print(f"\nGoal p95 < {GOAL_MS} ms: {verdict} (worst p95 {worst:.1f} ms)")


if __name__ == "__main__":
    main()
