"""Benchmark of the spreadsheet import pipeline on generated organisation sheets.

    .venv/bin/python bench/import_bench.py --rows 100000          # timings, SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/danvan_bench .venv/bin/python bench/import_bench.py
    .venv/bin/python bench/import_bench.py --rss                  # peak memory, 1,000,000 rows

Timings: (a) python-calamine merely reading every row, (b) our parse + check, (c) parse + check +
insert in one pass (what the commit task does: it checks every row again and inserts the rows and
their audit records in one transaction). The worker's whole flow is (b) + (c). Goal: (c)/(a) <= 3.
With a DATABASE_URL, a fresh database named after it with a "_bench" suffix is created and dropped.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADERS = [
    "Tên tổ chức", "Tên viết tắt", "Loại tổ chức", "Tỉnh/Thành phố", "Xã/Phường/Đặc khu", "Tổ chức cấp trên",
    "Địa chỉ", "Điện thoại", "Email", "Ngày thành lập", "Số thành viên", "Ghi chú",
]  # fmt: skip
KINDS = ["Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Hội Cựu chiến binh", "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
         "Tổ dân vận", "Công đoàn"]  # fmt: skip
PROVINCE_CODE = 22  # Quảng Ninh


def generate(path: Path, rows: int) -> float:
    """An organisation sheet in Vietnamese formats, written row by row (constant_memory)."""
    import random

    import xlsxwriter
    from vietnam_provinces import Ward

    rng = random.Random(7)
    communes = [w.name for w in Ward.iter_all() if int(w.province_code) == PROVINCE_CODE]
    started = time.perf_counter()
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Tổ chức")
    sheet.write_string(0, 0, "DANH SÁCH TỔ CHỨC CHÍNH TRỊ - XÃ HỘI")
    sheet.write_row(2, 0, HEADERS)
    for i in range(rows):
        commune = communes[i % len(communes)]
        kind = KINDS[i % len(KINDS)]
        sheet.write_row(
            3 + i,
            0,
            [
                f"{kind} chi hội số {i + 1}",
                f"CH{i + 1}",
                kind,
                "Quảng Ninh" if i % 2 else "Tỉnh Quảng Ninh",
                commune,
                "",
                f"Thôn {i % 40 + 1}, {commune}",
                f"09{rng.randrange(10**8):08d}"[:4] + " " + f"{rng.randrange(10**6):06d}",
                f"chihoi{i + 1}@example.vn",
                f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{rng.randrange(1960, 2025)}",
                f"{rng.randrange(10, 5000):,}".replace(",", "."),
                "Dữ liệu tổng hợp" if i % 3 == 0 else "",
            ],
        )
    workbook.close()
    return time.perf_counter() - started


def prepare_environment(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.config.settings.local")
    os.environ["DANVAN_DEBUG"] = "0"  # DEBUG keeps every SQL statement in memory
    os.environ["DANVAN_DATA_DIR"] = str(workdir)
    os.environ.setdefault("DANVAN_SECRET_KEY", "bench-only")
    sys.path.insert(0, str(ROOT / "src"))


def fresh_postgres(url: str) -> str:
    import psycopg

    base, _slash, name = url.rpartition("/")
    name = (name.split("?")[0] or "danvan") + "_bench"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def drop_postgres(url: str) -> None:
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_database():
    """Migrate, load the territories, make a territory administrator of Quảng Ninh."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from danvan.accounts.models import RoleGrant, User
    from danvan.territories.models import Era, Level, Territory
    from danvan.territories.services import territories_import

    if not Territory.objects.exists():
        territories_import()
    province = Territory.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=PROVINCE_CODE)
    actor, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"full_name": "Bench"}
    )
    RoleGrant.objects.get_or_create(
        user=actor, role="territory_admin", territory=province, domain=""
    )
    return actor


def calamine_read(path: Path) -> tuple[float, int]:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    count = sum(1 for _row in workbook.get_sheet_by_index(0).iter_rows())
    return time.perf_counter() - started, count


def run_timings(args) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="danvan-import-bench-"))
    prepare_environment(workdir)
    pg_url = None
    if os.environ.get("DATABASE_URL"):
        pg_url = os.environ["DATABASE_URL"] = fresh_postgres(os.environ["DATABASE_URL"])
    try:
        path = workdir / "organisations.xlsx"
        print(f"generating {args.rows:,} rows … ", end="", flush=True)
        print(f"{generate(path, args.rows):.1f} s, {path.stat().st_size / 1e6:.1f} MB")
        actor = setup_database()
        from django.db import connection, transaction

        from danvan.core.context import acting
        from danvan.core.imports.services import check_file, valid_rows
        from danvan.organisations.imports import OrganisationImport
        from danvan.organisations.models import Organisation

        print(f"database: {connection.vendor}")
        read_s, read_rows = calamine_read(path)
        print(f"(a) python-calamine reads every row:      {read_s:7.2f} s ({read_rows:,} rows)")

        started = time.perf_counter()
        result = check_file(OrganisationImport(actor), path, "xlsx")
        check_s = time.perf_counter() - started
        assert result.ok, (result.message, result.errors[:3])
        print(
            f"(b) parse + check:                        {check_s:7.2f} s ({result.valid_count:,} valid)"
        )

        started = time.perf_counter()
        schema = OrganisationImport(actor)
        with acting(source="bench"), transaction.atomic():
            counts = schema.commit(
                valid_rows(schema, path, "xlsx"), batch=type("B", (), {"original_name": path.name})
            )
        total_s = time.perf_counter() - started
        assert counts.created == args.rows == Organisation.objects.count()
        print(
            f"(c) parse + check + insert (one pass):    {total_s:7.2f} s ({counts.created:,} created, with audit rows)"
        )
        print(
            f"ratio (b)/(a): {check_s / read_s:.1f}x   ratio (c)/(a): {total_s / read_s:.1f}x   goal (c)/(a) <= 3x"
        )
        print(f"the worker's full flow, check then import (b)+(c): {check_s + total_s:.2f} s")
    finally:
        if pg_url:
            from django.db import connections

            connections.close_all()
            drop_postgres(pg_url)


def run_rss(args) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="danvan-import-bench-rss-"))
    prepare_environment(workdir)
    pg_url = None
    if os.environ.get("DATABASE_URL"):
        pg_url = os.environ["DATABASE_URL"] = fresh_postgres(os.environ["DATABASE_URL"])
    try:
        path = workdir / "organisations-1m.xlsx"
        print(f"generating {args.rss_rows:,} rows … ", end="", flush=True)
        print(f"{generate(path, args.rss_rows):.1f} s, {path.stat().st_size / 1e6:.1f} MB")
        setup_database()
        from django.db import connections

        connections.close_all()
        child = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--rss-child", str(path)], env=os.environ, capture_output=True, text=True,
            check=False,
        )  # fmt: skip
        print(child.stdout.strip())
        if child.returncode:
            print(child.stderr[-3000:])
            sys.exit(child.returncode)
    finally:
        if pg_url:
            drop_postgres(pg_url)


def rss_child(path: str) -> None:
    """Runs in its own process so ru_maxrss measures the validation alone."""
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from danvan.accounts.models import User
    from danvan.core.imports.services import check_file
    from danvan.organisations.imports import OrganisationImport

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    actor = User.objects.get(username="bench-admin")
    started = time.perf_counter()
    result = check_file(OrganisationImport(actor), path, "xlsx")
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"checked {result.row_count:,} rows ({result.valid_count:,} valid) in {elapsed:.1f} s")
    print(f"peak RSS: {peak:.0f} MB (after Django start-up: {baseline:.0f} MB)   goal ≤ 300 MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--rss", action="store_true", help="measure peak memory while checking a large file"
    )
    parser.add_argument("--rss-rows", type=int, default=1_000_000)
    parser.add_argument("--rss-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        rss_child(args.rss_child)
    elif args.rss:
        run_rss(args)
    else:
        run_timings(args)


if __name__ == "__main__":
    main()
