"""Web load: gunicorn with several workers on 127.0.0.1, simulated users of the three roles
signing in and reading pages with think time, next to a bare route on the same server; and
audit overhead: a saturating read workload with auditing on and off.

Traffic goes only to 127.0.0.1; every loop is bounded in time and stops by itself."""

from __future__ import annotations

import http.client
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.measure import Result

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-2026"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    by_page: dict[str, list[float]] = field(default_factory=dict)

    def add(self, seconds: float, ok: bool, page: str = "") -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_page.setdefault(_page_kind(page), []).append(seconds)
            if not ok:
                self.errors += 1

    def slowest(self, count: int = 3) -> str:
        """The pages with the highest p95, to show where the time goes."""
        worst = sorted(
            (
                (sorted(v)[min(len(v) - 1, int(0.95 * len(v)))] * 1000, k, len(v))
                for k, v in self.by_page.items()
            ),
            reverse=True,
        )[:count]
        return ", ".join(f"{k} p95 {ms:.0f} ms ({n})" for ms, k, n in worst)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def _page_kind(path: str) -> str:
    """/pupils/<id>/timeline for every child's timeline: pages, not children."""
    return re.sub(r"[0-9a-f]{32}|[0-9a-f-]{36}", "<id>", path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, url: str, audit: bool, workers: int) -> None:
        self.port = _free_port()
        # gunicorn's own messages (worker timeouts, tracebacks), shown when a run has errors.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            "w+", prefix="sendtrack-gunicorn-", suffix=".log"
        )
        env = dict(
            os.environ,
            DATABASE_URL=url,
            SENDTRACK_ENV="development",
            SENDTRACK_AUDIT="1" if audit else "0",
            PYTHONPATH=str(ROOT),
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            text=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start: {self.messages()[-2000:]}")

    def messages(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def report_errors(self, errors: int) -> None:
        if errors:
            lines = self.messages().splitlines()
            summary = [
                line for line in lines if "CRITICAL" in line or "[SQL:" in line or "[ERROR]" in line
            ]
            print(f"--- {errors} errors; gunicorn's error lines ({len(summary)}):")
            print("\n".join(summary[-15:]))


class Browser:
    """One user's keep-alive connection and session cookie."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            return 599, ""
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, text

    def sign_in(self, email: str) -> bool:
        _, page = self.request("GET", "/sign-in")
        token = CSRF.search(page)
        body = urllib.parse.urlencode(
            {"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
        )
        status, _ = self.request("POST", "/sign-in", body)
        return status == 302


def prepare(url: str, scale: float) -> dict[str, list[str]]:
    """Generate the county, add one account per role, and list each role's pages."""
    from bench.databases import migrated_app
    from bench.generate import analyze, generate
    from sendtrack.extensions import db

    app = migrated_app(url)
    with app.app_context():
        with db.engine.begin() as connection:
            generate(connection, scale)
        analyze(db.engine)
    return role_pages(app)


def role_pages(app: Any) -> dict[str, list[str]]:
    """On a generated county: one account per role (made once) and each role's pages."""
    from flask import url_for
    from sqlalchemy import func, select

    from sendtrack.extensions import db
    from sendtrack.models import PanelMeeting, Pupil, Referral, Role, Setting, User
    from sendtrack.services import accounts

    with app.app_context():
        biggest = db.session.execute(
            select(Pupil.setting_id, func.count())
            .group_by(Pupil.setting_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()[0]
        setting = db.session.get(Setting, biggest)
        assert setting is not None and setting.cluster_id is not None
        members = {
            "senco": [accounts.MembershipSpec(Role.SENCO, setting.id)],
            "lead": [accounts.MembershipSpec(Role.AREA_LEAD, cluster_id=setting.cluster_id)],
            "officer": [accounts.MembershipSpec(Role.LA_OFFICER)],
        }
        for key, specs in members.items():
            if db.session.scalar(select(User).where(User.email == f"{key}@bench.example")):
                continue
            accounts.create_user(
                None, email=f"{key}@bench.example", name=key, password=PASSWORD, memberships=specs
            )
        db.session.commit()
        pupils = list(
            db.session.scalars(select(Pupil.id).where(Pupil.setting_id == setting.id).limit(50))
        )
        referred = list(
            db.session.scalars(
                select(Referral.pupil_id).where(Referral.cluster_id == setting.cluster_id).limit(50)
            )
        )
        meetings = list(
            db.session.scalars(
                select(PanelMeeting.id)
                .where(PanelMeeting.cluster_id == setting.cluster_id)
                .order_by(PanelMeeting.meeting_date.desc())
                .limit(3)
            )
        )
        wanted: dict[str, list[tuple[str, dict[str, object]]]] = {
            "senco": [("home.index", {}), ("pupils.register", {}), ("referrals.index", {})]
            + [("pupils.record", {"pupil_id": p}) for p in pupils[:20]]
            + [("pupils.timeline", {"pupil_id": p}) for p in pupils[:10]],
            "lead": [
                ("home.index", {}),
                ("panels.index", {}),
                ("panels.budgets", {}),
                ("referrals.index", {}),
                ("statistics.index", {}),
            ]
            + [("panels.meeting", {"meeting_id": m}) for m in meetings]
            + [("pupils.record", {"pupil_id": p}) for p in referred[:20]],
            "officer": [
                ("home.index", {}),
                ("ehcna.index", {}),
                ("ehcna.sen2", {}),
                ("rtf.index", {}),
                ("statistics.index", {}),
                ("audit_trail.search", {}),
            ]
            + [("pupils.record", {"pupil_id": p}) for p in pupils[:10]],
        }
        missing = [e for es in wanted.values() for e, _ in es if e not in app.view_functions]
        assert not missing, f"benchmark pages name unknown endpoints: {missing}"
        pages: dict[str, list[str]] = {}
        with app.test_request_context():
            for role, endpoints in wanted.items():
                pages[role] = [url_for(e, **kw) for e, kw in endpoints]
            pages["child_records"] = [url_for("pupils.record", pupil_id=p) for p in pupils[:20]]
        db.session.remove()
        db.engine.dispose()
    return pages


def _users(port: int, pages: dict[str, list[str]], count: int) -> list[tuple[Browser, list[str]]]:
    roles = ["senco", "lead", "officer"]
    users = []
    for i in range(count):
        role = roles[i % 3]
        browser = Browser(port)
        if not browser.sign_in(f"{role}@bench.example"):
            raise RuntimeError(f"{role} could not sign in")
        users.append((browser, pages[role]))
    return users


def _drive(
    users: list[tuple[Browser, list[str]]], seconds: float, think: float, sample: Sample, seed: int
) -> int:
    stop = time.monotonic() + seconds
    done = [0]

    def loop(browser: Browser, urls: list[str], rng: random.Random) -> None:
        time.sleep(rng.uniform(0, think))
        while time.monotonic() < stop:
            started = time.perf_counter()
            page = rng.choice(urls)
            status, _ = browser.request("GET", page)
            sample.add(time.perf_counter() - started, status == 200, page)
            done[0] += 1
            if think:
                time.sleep(min(rng.expovariate(1 / think), max(0, stop - time.monotonic())))

    threads = [
        threading.Thread(target=loop, args=(b, u, random.Random(seed + i)), daemon=True)
        for i, (b, u) in enumerate(users)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return done[0]


def run(
    kind: str,
    url: str,
    pages: dict[str, list[str]],
    users: int,
    seconds: float,
    think: float,
    workers: int,
) -> list[Result]:
    """The mixed pages and the bare route are requested at the same time, on the same server,
    so both see the same queueing and CPU contention: the ratio is what the pages' own work
    adds. The bare route alone on the idle server is reported too, for reference."""
    results: list[Result] = []
    server = Server(url, audit=True, workers=workers)
    try:
        idle = Sample()
        _drive([(Browser(server.port), ["/health"]) for _ in range(3)], 5, 0.2, idle, 3)
        mixed, bare = Sample(), Sample()
        people = _users(server.port, pages, users)
        probes = [(Browser(server.port), ["/health"]) for _ in range(max(3, users // 5))]
        counted: list[int] = []
        side = threading.Thread(
            target=lambda: counted.append(_drive(people, seconds, think, mixed, 1))
        )
        side.start()
        _drive(probes, seconds, think, bare, 2)
        side.join(seconds + 120)
        count = counted[0] if counted else len(mixed.latencies)
    finally:
        server.stop()
        server.report_errors(mixed.errors + bare.errors)
    p95_ratio = mixed.percentile(95) / bare.percentile(95)
    # Side by side is only fair while the server keeps up: once saturated, the bare route
    # queues behind the pages and the ratio tends to 1 whatever the pages cost. So the run
    # also has to show the bare route during the load within 10x its idle p95.
    keeping_up = bare.percentile(95) <= 10 * idle.percentile(95)
    results += [
        Result(
            kind,
            "web: bare route /health p95, idle server",
            idle.percentile(95),
            "ms",
            note=f"p50 {idle.percentile(50):.1f} ms, {len(idle.latencies)} requests",
        ),
        Result(
            kind,
            f"web: bare route /health p95 during the load ({len(probes)} probes)",
            bare.percentile(95),
            "ms",
            note=f"p50 {bare.percentile(50):.1f} ms, {len(bare.latencies)} requests",
        ),
        Result(
            kind,
            f"web: mixed 3-role pages p95 ({users} users, {think:.0f}s think)",
            mixed.percentile(95),
            "ms",
            ratio=p95_ratio,
            target="<= 3x",
            ok=p95_ratio <= 3 and mixed.errors == 0 and keeping_up,
            note=f"{count / seconds:.1f} req/s, p50 {mixed.percentile(50):.1f}, "
            f"p99 {mixed.percentile(99):.1f} ms, errors {mixed.errors}; "
            f"{mixed.percentile(95) / idle.percentile(95):.0f}x the idle bare route"
            + ("" if keeping_up else "; SATURATED: bare route > 10x its idle p95")
            + f"; slowest: {mixed.slowest()}",
        ),
    ]
    return results


def audit_overhead(
    kind: str, url: str, pages: dict[str, list[str]], seconds: float, workers: int
) -> list[Result]:
    """Saturating reads of children's records (each view audited) with audit on and off."""
    urls = pages["child_records"] or pages["senco"]
    # Off, on, on, off, twice over (ABBA order), `seconds` in all for each side: whatever drifts during
    # the run (the database settling after the load before, the other core's work) falls
    # on both sides alike. Plain alternation of four phases gave 24-27% lost in one full
    # run and 9-10% standalone on the same data.
    requests = {False: 0, True: 0}
    phases = (False, True, True, False) * 2
    for audit_on in phases:
        server = Server(url, audit=audit_on, workers=workers)
        try:
            users = []
            for _ in range(workers * 3):
                browser = Browser(server.port)
                browser.sign_in("senco@bench.example")
                users.append((browser, urls))
            sample = Sample()
            requests[audit_on] += _drive(users, 2 * seconds / len(phases), 0, sample, 3)
        finally:
            server.stop()
    throughput = {on: count / seconds for on, count in requests.items()}
    lost = 1 - throughput[True] / throughput[False]
    return [
        Result(
            kind,
            "audit overhead: child-record reads, audit on vs off",
            throughput[True],
            "req/s",
            ratio=throughput[True] / throughput[False],
            target="<=15% lost",
            ok=lost <= 0.15,
            note=f"off {throughput[False]:.1f} req/s; {lost:.1%} lost",
        )
    ]
