"""Load on the public citizen portal: tracking-code lookups and petition submissions against
`danvan serve` (gunicorn, production settings) on 127.0.0.1, for a fixed time at a fixed
concurrency, with the standard library only (threads and keep-alive http.client connections).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gen_h6 .venv/bin/python bench/portal_load.py
    DATABASE_URL=... .venv/bin/python bench/portal_load.py --duration 30 --concurrency 16 --submit-share 0.2

The database must be migrated and hold petitions (e.g. after bench/dialogues_bench.py or
`danvan generate`); lookups use tracking codes read from it, half of them answered petitions.
Each simulated citizen sends its own X-Real-IP, as the reverse proxy in front of danvan does,
and no device cookie, so the portal's per-IP and per-device limits apply to each citizen as
in real life and a load test from one machine is not refused; nothing in the portal is
switched off. A lookup is GET /public/petitions/track/ (form and CSRF cookie) and then the POST
of the code, counted as one request each; a submission GETs the form and POSTs a petition (it
is written: run this on a bench database). Prints requests/s, p50 / p99 and errors per kind.
The server is stopped at the end, whatever happens.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from territory_bench import percentile

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TITLES = (
    "Đường bê tông xuống cấp",
    "Rác thải không được thu gom",
    "Chậm chi trả tiền bồi thường",
    "Đèn chiếu sáng bị hỏng",
    "Mương thoát nước bị tắc",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load (default 20)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument(
        "--submit-share", type=float, default=0.2, help="share of submissions (default 0.2)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL bench database.")
    if not 1 <= args.concurrency <= 64 or not 1 <= args.duration <= 600:
        raise SystemExit("Concurrency 1-64 and duration 1-600 s, please.")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.config.settings.local")
    import django

    django.setup()
    codes, places = sample_data(args.seed)
    print(f"Lookup codes: {len(codes)}; communes to submit to: {len(places)}")

    server = start_server(args)
    try:
        wait_until_up(args.port)
        run_load(args, codes, places)
    finally:
        stop_server(server)


def sample_data(seed: int) -> tuple[list[str], list[tuple[int, int]]]:
    from danvan.dialogues.models import ANSWERED_STATES, Petition, PetitionStatus
    from danvan.territories.models import Era, Level, Territory

    rng = random.Random(seed)
    visible = Petition.objects.exclude(status=PetitionStatus.SPAM)
    highest = visible.order_by("-pk").values_list("pk", flat=True).first() or 0
    codes: list[str] = []
    # Sample by key ranges (cheap on millions of rows), half of them answered.
    for answered in (True, False):
        rows = visible.filter(status__in=ANSWERED_STATES) if answered else visible
        for _ in range(100):
            start = rng.randint(0, highest)
            codes += rows.filter(pk__gte=start).order_by("pk").values_list("code", flat=True)[:5]
    if not codes:
        raise SystemExit("No petitions in the database; generate some first.")
    places = list(
        Territory.objects.filter(era=Era.CURRENT, level=Level.COMMUNE)
        .order_by("?")
        .values_list("province_code", "code")[:200]
    )
    return codes, places


def start_server(args) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="danvan.config.settings.production",
        DANVAN_SECRET_KEY=env.get("DANVAN_SECRET_KEY") or secrets.token_urlsafe(50),
        DANVAN_SECURE_COOKIES="0",  # plain http on 127.0.0.1
        DANVAN_ALLOWED_HOSTS=HOST,
        DANVAN_DEBUG="0",
    )
    log = open(Path(tempfile.gettempdir()) / f"portal_load_server_{args.port}.log", "w")  # noqa: SIM115
    command = [
        str(ROOT / ".venv" / "bin" / "danvan"),
        "serve",
        "--bind",
        f"{HOST}:{args.port}",
        "--workers",
        str(args.workers),
    ]
    print(f"Starting: {' '.join(command)} (log {log.name})")
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)  # noqa: S603


def wait_until_up(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/public/petitions/track/")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("The server did not come up; see its log.")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Citizen:
    """One client thread: a keep-alive connection, a new citizen (IP) for every task."""

    def __init__(self, port: int, rng: random.Random, number: int):
        self.port = port
        self.rng = rng
        self.number = number
        self.count = 0
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)
        self.results: list[tuple[str, float, bool]] = []  # (kind, ms, ok)

    def request(self, kind, method, path, *, body=None, headers=None, ok=(200,)):
        started = time.perf_counter()
        good = False
        text = ""
        try:
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            good = response.status in ok
            if response.getheader("Connection", "").lower() == "close":
                self.reconnect()
        except (OSError, http.client.HTTPException):
            self.reconnect()
        self.results.append((kind, (time.perf_counter() - started) * 1000, good))
        return good, text

    def reconnect(self) -> None:
        self.connection.close()
        self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)

    def new_identity(self) -> dict:
        self.count += 1
        ip = f"10.{self.number % 250}.{self.count // 250 % 250}.{self.count % 250 + 1}"
        return {"X-Real-IP": ip, "Host": HOST}

    def lookup(self, code: str) -> None:
        headers = self.new_identity()
        got = self.form_with_cookie("lookup", "/public/petitions/track/", headers)
        if got is None:
            return
        token, cookie = got
        body = urlencode({"csrfmiddlewaretoken": token, "code": code})
        self.request(
            "lookup",
            "POST",
            "/public/petitions/track/",
            body=body,
            headers={
                **headers,
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://{HOST}:{self.port}/public/petitions/track/",
            },
        )

    def submit(self, province: int, commune: int) -> None:
        headers = self.new_identity()
        got = self.form_with_cookie("submit", "/public/petitions/", headers)
        if got is None:
            return
        token, cookie = got
        n = self.rng.randrange(1_000_000)
        body = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "title": f"{self.rng.choice(TITLES)} ở tổ {n % 40 + 1}",
                "content": (
                    f"Kính đề nghị chính quyền kiểm tra tình trạng tại tổ dân phố {n % 40 + 1}, "
                    f"gần nhà số {n % 300 + 1}; người dân đi lại khó khăn đã nhiều tuần nay."
                ),
                "category": "infrastructure",
                "province": province,
                "commune": commune,
                "address": f"Tổ {n % 40 + 1}",
                "submitter_name": "Người Dân Thử Tải",
                "submitter_phone": f"0000{n:06d}",
                "consent": "on",
                "website": "",
            }
        )
        self.request(
            "submit",
            "POST",
            "/public/petitions/",
            body=body,
            headers={
                **headers,
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://{HOST}:{self.port}/public/petitions/",
            },
            ok=(302,),
        )

    def form_with_cookie(self, kind, path, headers):
        started = time.perf_counter()
        good = False
        token = cookie = None
        try:
            self.connection.request("GET", path, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            match = CSRF_INPUT.search(text)
            cookies = [
                value.split(";", 1)[0]
                for name, value in response.getheaders()
                if name.lower() == "set-cookie" and value.startswith("csrftoken=")
            ]
            if response.status == 200 and match and cookies:
                good, token, cookie = True, match.group(1), cookies[0]
        except (OSError, http.client.HTTPException):
            self.reconnect()
        self.results.append((f"{kind} form", (time.perf_counter() - started) * 1000, good))
        return (token, cookie) if good else None


def run_load(args, codes: list[str], places: list[tuple[int, int]]) -> None:
    stop_at = time.monotonic() + args.duration
    citizens = [
        Citizen(args.port, random.Random(f"{args.seed}:{i}"), i) for i in range(args.concurrency)
    ]

    def work(citizen: Citizen) -> None:
        while time.monotonic() < stop_at:
            if citizen.rng.random() < args.submit_share:
                citizen.submit(*citizen.rng.choice(places))
            else:
                citizen.lookup(citizen.rng.choice(codes))
        citizen.connection.close()

    print(
        f"Load: {args.duration:.0f} s, {args.concurrency} clients, {args.workers} workers, "
        f"{args.submit_share:.0%} submissions"
    )
    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in citizens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.duration + 60)
    elapsed = time.monotonic() - started
    results = [r for c in citizens for r in c.results]
    kinds = sorted({k for k, _ms, _ok in results})
    print(f"\n{'kind':<16}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind in [*kinds, "all"]:
        rows = [r for r in results if kind in ("all", r[0])]
        times = [ms for _k, ms, _ok in rows]
        errors = sum(1 for *_rest, ok in rows if not ok)
        print(
            f"{kind:<16}{len(rows):>9}{len(rows) / elapsed:>8.1f}{percentile(times, 0.5):>9.1f}"
            f"{percentile(times, 0.99):>9.1f}{errors:>8}"
        )


if __name__ == "__main__":
    main()
