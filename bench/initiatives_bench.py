"""Models benchmark: list, search and statistics pages on the national data set (~500,000 models).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench .venv/bin/python bench/initiatives_bench.py
    .venv/bin/python bench/initiatives_bench.py          # temporary SQLite database

Like bench/territory_bench.py it migrates, imports the territories and runs
`generate --scale national` (idempotent: a second run on the same PostgreSQL database only
measures). Each request goes through the whole Django stack with the test client — middleware,
session, scope policy, selectors, template — so the figures are what a user waits for at the
view, without the network. It prints p50 / p95 / max in milliseconds per page kind, for a
national user and for province users, and the time of the bare COUNT(*) over all models as a
baseline measured in the same run.
"""

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from territory_bench import measure, percentile, prepare_environment, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="requests per kind (default 100)")
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
    from django.test import Client

    from danvan.accounts.models import User
    from danvan.core.context import acting
    from danvan.core.demo.build import ensure_territories, generate
    from danvan.initiatives.models import Field, Initiative, Recognition
    from danvan.territories.models import Era, Level, Territory

    settings.ALLOWED_HOSTS = ["*"]
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    print("Setup:")
    timed("migrate", lambda: call_command("migrate", verbosity=0))
    with acting(source="command:bench"):
        timed("import territories", lambda: ensure_territories(only_if_empty=False))
        timed("generate --scale national", lambda: generate(scale="national"))
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: statistics, and the visibility map that lets
        # counts read the indexes alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    def vn(number: int) -> str:
        return f"{number:,}".replace(",", ".")

    print(
        f"  {vn(Initiative.objects.count())} models, {vn(Recognition.objects.count())} recognitions"
    )

    rng = random.Random(args.seed)
    n = args.requests
    provinces = list(Territory.objects.filter(era=Era.CURRENT, level=Level.PROVINCE))
    fields = list(Field.objects.values_list("code", flat=True))
    years = list(range(2021, 2027))
    names = list(Initiative.objects.values_list("name", flat=True)[:200_000:7])
    admin = User.objects.get(username="admin")
    province_users = {
        u.username: u for u in User.objects.filter(username__regex=r"^t[0-9]+\.quantri$")
    }

    national = Client()
    national.force_login(admin)
    clients: dict[int, Client] = {}

    def client_for(province) -> Client:
        if province.code not in clients:
            client = Client()
            client.force_login(province_users[f"t{province.code}.quantri"])
            clients[province.code] = client
        return clients[province.code]

    def get(client: Client, url: str, params: dict):
        def request():
            response = client.get(url, params)
            if response.status_code != 200:
                raise SystemExit(f"{url} {params} answered {response.status_code}")
            return response

        return request

    def search_words() -> str:
        from danvan.core.search import normalize

        words = normalize(rng.choice(names)).split()
        start = rng.randrange(max(1, len(words) - 1))
        return " ".join(words[start : start + rng.choice([1, 2, 3])])

    def list_params() -> dict:
        params = {"year": rng.choice(years), "field": rng.choice(fields)}
        if rng.random() < 0.5:
            params["status"] = "recognised"
        return params

    def stats_params() -> dict:
        return {"measure": "recognised", "year": rng.choice(years)}

    def baseline():
        return Initiative.objects.count()

    kinds = [
        ("baseline: COUNT(*) of all models", [baseline] * n),
        (
            "list, filtered, national",
            [get(national, "/models/", list_params()) for _ in range(n)],
        ),
        (
            "list, filtered, province user",
            [get(client_for(p), "/models/", list_params()) for p in rng.choices(provinces, k=n)],
        ),
        (
            "full-text search, national",
            [get(national, "/models/", {"q": search_words()}) for _ in range(n)],
        ),
        (
            "full-text search, province user",
            [
                get(client_for(p), "/models/", {"q": search_words()})
                for p in rng.choices(provinces, k=n)
            ],
        ),
        (
            "statistics, whole country",
            [get(national, "/models/statistics/", stats_params()) for _ in range(n)],
        ),
        (
            "statistics, one province",
            [
                get(national, "/models/statistics/", {**stats_params(), "territory": p.pk})
                for p in rng.choices(provinces, k=n)
            ],
        ),
        (
            "statistics, province user",
            [
                get(client_for(p), "/models/statistics/", stats_params())
                for p in rng.choices(provinces, k=n)
            ],
        ),
    ]
    print(f"Requests ({n} per kind, ms):            p50      p95      max")
    for label, samples in kinds:
        started = time.perf_counter()
        times = measure(samples)
        print(
            f"  {label:<34}{percentile(times, 0.5):8.1f} {percentile(times, 0.95):8.1f} "
            f"{max(times):8.1f}   ({time.perf_counter() - started:.0f} s)"
        )


if __name__ == "__main__":
    main()
