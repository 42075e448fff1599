"""Each benchmark page on its own: server time and SQL statements per page, slowest first.

    python bench/pages.py --database-url sqlite:////tmp/county.db [--repeat 3]

The "find" half of find-and-fix: run it on a generated county (bench/generate.py) to see
which pages are slow and why (many statements: N+1; few but slow: a heavy query). It signs
in as each role through the real login form and times the Flask test client (no network)."""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.web_load import CSRF, PASSWORD, role_pages  # noqa: E402


def _sign_in(client: Any, role: str) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    token = CSRF.search(page)
    response = client.post(
        "/sign-in",
        data={
            "email": f"{role}@bench.example",
            "password": PASSWORD,
            "csrf_token": token.group(1) if token else "",
        },
    )
    assert response.status_code == 302, f"{role} could not sign in"


def profile(url: str, repeat: int) -> list[tuple[str, str, float, int, int]]:
    from sqlalchemy import event

    from bench.databases import migrated_app
    from sendtrack.extensions import db

    app = migrated_app(url)
    pages = role_pages(app)
    rows = []
    with app.app_context():
        engine = db.engine
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    # No app context stays pushed around the requests: each request gets its own, as on a
    # real server (a shared one would keep the first person signed in for everyone).
    event.listen(engine, "before_cursor_execute", count)
    seen: set[tuple[str, str]] = set()
    for role in ("senco", "lead", "officer"):
        client = app.test_client()
        _sign_in(client, role)
        for path in pages[role]:
            shape = re.sub(r"[0-9a-f]{32}|[0-9a-f-]{36}", "<id>", path)
            if (role, shape) in seen:
                continue  # one child's page stands for the others
            seen.add((role, shape))
            times = []
            for _ in range(repeat):
                statements[0] = 0
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
            rows.append(
                (role, shape, statistics.median(times) * 1000, statements[0], response.status_code)
            )
    event.remove(engine, "before_cursor_execute", count)
    return sorted(rows, key=lambda r: -r[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'role':8} {'page':48} {'ms':>8} {'SQL':>5} status")
    for role, page, ms, n, status in profile(args.database_url, args.repeat):
        print(f"{role:8} {page:48} {ms:8.1f} {n:5d} {status}")


if __name__ == "__main__":
    main()
