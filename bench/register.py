"""The register page for a setting with 2,000 children against one with 200: wall time of
the whole request through the test client (median of several), and SQL statements per page.

Targets: time ratio 2,000 / 200 at most 4 (a page shows 50 rows either way; only the counts
and the COUNT(*) grow), and exactly the same number of queries."""

from __future__ import annotations

import statistics
import time

from sqlalchemy import event

from bench.databases import fresh_database, migrated_app
from bench.measure import Result

PASSWORD = "bench-password-2026"


def run(kind: str, repeats: int = 15) -> list[Result]:
    from sendtrack.extensions import db
    from sendtrack.models import Role
    from sendtrack.services import accounts
    from sendtrack.services.accounts import MembershipSpec
    from tests.register_data import bulk_setting

    with fresh_database(kind) as url:
        app = migrated_app(url, AUDIT_ENABLED=True, WTF_CSRF_ENABLED=False)
        with app.app_context():
            small = bulk_setting("Small Primary", "310200", None, 200)
            large = bulk_setting("Large Primary", "312000", None, 2000)
            accounts.create_user(
                None,
                email="bench.senco@example.org",
                name="Bench Senco",
                password=PASSWORD,
                memberships=[MembershipSpec(Role.SENCO, small), MembershipSpec(Role.SENCO, large)],
            )
            db.session.commit()
            client = app.test_client()
            signed = client.post(
                "/sign-in", data={"email": "bench.senco@example.org", "password": PASSWORD}
            )
            assert signed.status_code == 302, signed.status_code
            timings: dict[str, float] = {}
            queries: dict[str, int] = {}
            for label, setting in (("200", small), ("2000", large)):
                page = f"/pupils/?setting={setting}&sort=review"
                client.get(page)  # warm caches and the session
                seen: list[str] = []

                def listener(*args: object, seen: list[str] = seen) -> None:
                    seen.append(str(args[2]))

                event.listen(db.engine, "before_cursor_execute", listener)
                response = client.get(page)
                event.remove(db.engine, "before_cursor_execute", listener)
                assert response.status_code == 200
                queries[label] = len(seen)
                samples = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    client.get(page)
                    samples.append(time.perf_counter() - started)
                timings[label] = statistics.median(samples)
        db_engine_dispose(app)
    ratio = timings["2000"] / timings["200"]
    same = queries["2000"] == queries["200"]
    return [
        Result(kind, "register page, 200 children (median)", timings["200"] * 1000, "ms"),
        Result(
            kind, "register page, 2,000 children (median)", timings["2000"] * 1000, "ms",
            ratio=ratio, target="<= 4", ok=ratio <= 4,
        ),
        Result(
            kind, "register page SQL statements, 2,000 vs 200", queries["2000"], "queries",
            target="same", ok=same, note=f"{queries['200']} with 200 children",
        ),
    ]  # fmt: skip


def db_engine_dispose(app: object) -> None:
    from sendtrack.extensions import db

    with app.app_context():  # type: ignore[attr-defined]
        db.engine.dispose()


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.measure import table

    results: list[Result] = []
    for kind in sys.argv[1:] or ["sqlite"]:
        results += run(kind)
    print(table(results))
