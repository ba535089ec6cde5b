"""Land-clearance benchmark: project page, dashboard and a 100,000-row household import on the
national data set (~125,000 projects, ~5,000,000 households).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench .venv/bin/python bench/clearance_bench.py
    .venv/bin/python bench/clearance_bench.py --scale province --import-rows 20000   # quick, SQLite

Like bench/initiatives_bench.py it migrates, imports the territories and runs
`generate --scale national --only organisations,users,clearance` (idempotent: a second run on
the same PostgreSQL database finds the projects by code and only measures; `--skip-generate`
does not even look). Pages go through the whole Django stack with the test client —
middleware, session, scope policy, selectors, template — for a national leader and for province
officers, with the bare COUNT(*) of all projects as a baseline measured in the same run.
p50 / p95 / max in milliseconds.

The import part writes a household list of `--import-rows` rows with XlsxWriter (Vietnamese
headers, a merged title row, money as "1.234.567" or "1,2 tỷ", areas as "120,5 m2", ID numbers
that lost their leading zero in number cells) for new projects of one province, then times
(a) python-calamine merely reading the rows, (b) the pipeline's parse and check, and (c) parse,
check and insert in one pass as the import task does; goal (c)/(a) <= 3. Everything the import
wrote is rolled back afterwards, so the data set stays as generated.
"""

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from territory_bench import measure, percentile, prepare_environment, timed

IMPORT_HEADERS = [
    "STT", "Mã dự án", "Mã hộ", "Họ và tên chủ hộ", "Số CCCD", "Số điện thoại", "Địa chỉ",
    "Thôn/Tổ dân phố", "Tờ bản đồ số", "Thửa đất số", "Loại đất", "Diện tích thửa",
    "Diện tích thu hồi", "Bồi thường về đất", "Nhà, vật kiến trúc", "Cây cối, hoa màu",
    "Chi phí di chuyển", "Hỗ trợ", "Tổng cộng",
]  # fmt: skip
IMPORT_PROJECTS = 20
LAND_TYPES = ["ODT", "ONT", "LUA", "CLN", "HNK", "NTS"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Minh Đức", "Thị Hoa", "Quang Hải"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=100, help="requests per kind (default 100, 0: none)"
    )
    parser.add_argument(
        "--import-rows", type=int, default=100_000, help="rows of the import (0: no import)"
    )
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


def bench_user(username: str, role: str, territory):
    """A bench login with one grant (national when `territory` is None)."""
    from danvan.accounts.models import RoleGrant, User

    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": username, "search_name": username}
    )
    RoleGrant.objects.get_or_create(user=user, role=role, territory=territory, domain="")
    return user


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from danvan.clearance.models import Household, Project
    from danvan.core.context import acting
    from danvan.core.demo.build import ensure_territories, generate
    from danvan.core.roles import Role
    from danvan.territories.models import Era, Level, Territory

    settings.ALLOWED_HOSTS = ["*"]
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    print("Setup:")
    timed("migrate", lambda: call_command("migrate", verbosity=0))
    with acting(source="command:bench"):
        timed("import territories", lambda: ensure_territories(only_if_empty=False))
        if not args.skip_generate:
            # Only what the clearance pages read: the other domains' national data would
            # lengthen the setup without touching these queries.
            only = ["organisations", "users", "clearance"]
            timed(
                f"generate --scale {args.scale} --only {','.join(only)}",
                lambda: generate(scale=args.scale, only=only),
            )
    if connection.vendor == "postgresql" and not args.skip_generate:
        # What autovacuum does after a bulk load: statistics and the visibility map.
        timed("vacuum analyze", lambda: _vacuum(connection))
    print(f"  {vn(Project.objects.count())} projects, {vn(Household.objects.count())} households")

    rng = random.Random(args.seed)
    n = args.requests
    provinces = [
        p
        for p in Territory.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("code")
        if Project.objects.filter(territory__scope_path__startswith=p.path).exists()
    ]
    leader = bench_user("bench.lanhdao", Role.LEADER, None)
    officers = {p.code: bench_user(f"bench.canbo.{p.code}", Role.OFFICER, p) for p in provinces}
    national = Client()
    national.force_login(leader)
    clients: dict[int, Client] = {}

    def client_for(province) -> Client:
        if province.code not in clients:
            client = Client()
            client.force_login(officers[province.code])
            clients[province.code] = client
        return clients[province.code]

    def get(client: Client, url: str, params: dict | None = None):
        def request():
            response = client.get(url, params or {})
            if response.status_code != 200:
                raise SystemExit(f"{url} {params} answered {response.status_code}")
            return response

        return request

    ids = list(Project.objects.values_list("pk", flat=True))
    by_province = {
        p.code: list(
            Project.objects.filter(territory__scope_path__startswith=p.path).values_list(
                "pk", flat=True
            )[:5000]
        )
        for p in provinces
    }
    years = sorted(set(Project.objects.values_list("year", flat=True).distinct()))

    def project_url(pk: int) -> str:
        return f"/clearance/projects/{pk}/"

    def officer_project():
        province = rng.choice(provinces)
        return get(client_for(province), project_url(rng.choice(by_province[province.code])))

    def period() -> dict:
        choice = rng.random()
        if choice < 0.3:
            return {}
        year = rng.choice(years)
        if choice < 0.7:
            return {"year_from": year, "year_to": year}
        return {"year_from": min(years), "year_to": year}

    def baseline():
        return Project.objects.count()

    kinds = [
        ("baseline: COUNT(*) of all projects", [baseline] * n),
        (
            "project page, national leader",
            [get(national, project_url(rng.choice(ids))) for _ in range(n)],
        ),
        ("project page, province officer", [officer_project() for _ in range(n)]),
        (
            "dashboard, whole country",
            [get(national, "/clearance/dashboard/", period()) for _ in range(n)],
        ),
        (
            "dashboard, one province (drill-down)",
            [
                get(national, "/clearance/dashboard/", {**period(), "territory": p.pk})
                for p in rng.choices(provinces, k=n)
            ],
        ),
        (
            "dashboard, province officer",
            [
                get(client_for(p), "/clearance/dashboard/", period())
                for p in rng.choices(provinces, k=n)
            ],
        ),
    ]
    if n:
        print(f"Requests ({n} per kind, ms):                p50      p95      max")
    for label, samples in kinds if n else []:
        started = time.perf_counter()
        times = measure(samples)
        print(
            f"  {label:<38}{percentile(times, 0.5):8.1f} {percentile(times, 0.95):8.1f} "
            f"{max(times):8.1f}   ({time.perf_counter() - started:.0f} s)"
        )
    if args.import_rows:
        province = max(provinces, key=lambda p: len(by_province[p.code]))
        import_households(args.import_rows, province, officers[province.code])


def _vacuum(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def write_sheet(path: Path, rows: int, codes: list[str]) -> float:
    """A messy household list: title rows, Vietnamese number formats, mixed cell types."""
    import xlsxwriter

    rng = random.Random(5)
    started = time.perf_counter()
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Danh sách hộ")
    sheet.merge_range(0, 0, 0, len(IMPORT_HEADERS) - 1, "DANH SÁCH CÁC HỘ BỊ ẢNH HƯỞNG")
    sheet.write_string(1, 0, "(Kèm theo phương án bồi thường, hỗ trợ và tái định cư)")
    sheet.write_row(2, 0, IMPORT_HEADERS)
    for i in range(rows):
        land = rng.randrange(10, 2_000) * 1_000_000
        structures = rng.randrange(0, 500) * 1_000_000
        crops = rng.randrange(0, 50_000) * 1_000
        support = rng.randrange(0, 40) * 1_000_000
        total_area = rng.randrange(500, 30_000) / 10
        recovered = min(total_area, rng.randrange(100, 30_000) / 10)
        id_number = f"0{rng.randrange(1, 96):02d}{rng.randrange(10**9):09d}"
        sheet.write_row(
            3 + i,
            0,
            [
                i + 1,
                codes[i % len(codes)],
                f"H{i:06d}",
                f"{FAMILY[i % len(FAMILY)]} {GIVEN[i % len(GIVEN)]}",
                int(id_number) if i % 2 else id_number,  # a number cell drops the leading zero
                f"0000 {rng.randrange(1000):03d} {rng.randrange(1000):03d}",
                f"Số {i % 200 + 1}, tổ {i % 30 + 1}",
                f"Thôn {i % 12 + 1}",
                str(rng.randrange(1, 60)),
                str(rng.randrange(1, 900)),
                LAND_TYPES[i % len(LAND_TYPES)],
                f"{total_area:.1f}".replace(".", ",") + " m2" if i % 3 == 0 else total_area,
                f"{recovered:.1f}".replace(".", ","),
                f"{land / 10**9:.1f}".replace(".", ",") + " tỷ"
                if land % 100_000_000 == 0 and land >= 10**9
                else land,
                f"{structures:,}".replace(",", ".") if i % 2 else structures,
                crops,
                5_000_000,
                f"{support // 1_000_000} triệu" if i % 5 == 0 and support else support,
                land + structures + crops + 5_000_000 + support,
            ],
        )
    workbook.close()
    return time.perf_counter() - started


def import_households(rows: int, province, actor) -> None:
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from danvan.clearance.imports import HouseholdImport
    from danvan.clearance.models import Household, Project
    from danvan.core.context import acting
    from danvan.core.imports.services import check_file, valid_rows
    from danvan.core.search import search_key
    from danvan.territories.models import Era, Level, Territory

    workdir = Path(tempfile.mkdtemp(prefix="danvan-clearance-import-"))
    try:
        path = workdir / "ho-bi-anh-huong.xlsx"
        codes = [f"BENCH-{province.code}-{i:02d}" for i in range(1, IMPORT_PROJECTS + 1)]
        print(f"Household import ({vn(rows)} rows into {IMPORT_PROJECTS} new projects):")
        print(f"  written with XlsxWriter in {write_sheet(path, rows, codes):.1f} s, "
              f"{path.stat().st_size / 1e6:.1f} MB")  # fmt: skip
        commune = Territory.objects.filter(
            era=Era.CURRENT, level=Level.COMMUNE, province_code=province.code
        ).order_by("code")[0]
        with transaction.atomic():
            for code in codes:
                Project.objects.create(
                    code=code,
                    name=f"Dự án thử tải {code}",
                    territory=commune,
                    year=2026,
                    search_name=search_key(code, "Dự án thử tải"),
                )
            before = Household.objects.count()

            started = time.perf_counter()
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            read_rows = sum(1 for _row in sheet.iter_rows())
            read_s = time.perf_counter() - started
            print(
                f"  (a) python-calamine reads every row:   {read_s:7.2f} s ({vn(read_rows)} rows)"
            )

            started = time.perf_counter()
            result = check_file(HouseholdImport(actor), path, "xlsx", write_rejected=False)
            check_s = time.perf_counter() - started
            if not result.ok:
                raise SystemExit(f"the sheet did not pass: {result.message} {result.errors[:3]}")
            print(f"  (b) parse + check:                     {check_s:7.2f} s "
                  f"({vn(result.valid_count)} valid)")  # fmt: skip

            started = time.perf_counter()
            schema = HouseholdImport(actor)
            with acting(source="bench"), transaction.atomic():
                counts = schema.commit(
                    valid_rows(schema, path, "xlsx"),
                    batch=type("Batch", (), {"original_name": path.name}),
                )
            commit_s = time.perf_counter() - started
            added = Household.objects.count() - before
            if added != rows:
                raise SystemExit(f"{vn(added)} households added, expected {vn(rows)}")
            print(f"  (c) parse + check + insert, one pass:  {commit_s:7.2f} s "
                  f"({vn(counts.created)} created, with plots, plans and audit rows)")  # fmt: skip
            print(f"  ratio (c)/(a): {commit_s / read_s:.1f}x (goal <= 3x)   "
                  f"(b)/(a): {check_s / read_s:.1f}x   "
                  f"worker's whole flow (b)+(c): {check_s + commit_s:.1f} s")  # fmt: skip
            transaction.set_rollback(True)  # leave the national data as generated
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
