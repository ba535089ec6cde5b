#!/usr/bin/env bash
# Runs every check: lint, translations, the test suite on SQLite and on PostgreSQL, browser tests.
# PostgreSQL comes from DANVAN_TEST_DATABASE_URL (default: local server, user postgres, trust auth).
# Under CI=true a missing PostgreSQL fails the run instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "ruff check / format"
ruff check .
ruff format --check .

say "Translations complete"
python scripts/check_translations.py

say "Tests on SQLite (with browser tests)"
env -u DATABASE_URL pytest -n 2 -q "$@"

PG_URL=${DANVAN_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/danvan}
if python - "$PG_URL" <<'PY'
import sys, dj_database_url, psycopg
cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(dbname="postgres", user=cfg["USER"], password=cfg["PASSWORD"] or None,
                    host=cfg["HOST"] or None, port=cfg["PORT"] or None, connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  say "Tests on PostgreSQL"
  DATABASE_URL="$PG_URL" pytest -n 2 -q -m "not e2e" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true and PostgreSQL is missing: failing, as the suite must run on both databases." >&2
  exit 1
else
  echo "Skipping the PostgreSQL run (no server); CI would fail here." >&2
fi
say "All checks passed"
