"""Statistics speed: the full measure set from sendtrack's SQL against pandas reading a CSV
export of the same tables and computing the same figures, in one run on the same county.

    python bench/stats_vs_pandas.py --database-url sqlite:///county.db   (an existing county)

The CSV export is written first and not timed; pandas is timed from reading the files to
the last figure, sendtrack from the first query to the last. Each side runs three times
and its best time counts. The figures must be identical: a mismatch is printed loudly and
fails the run. Both sides compute the full measure set: register, referrals, RTF, requests
avoided and the EHCNA (SEN2) measures.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import Result  # noqa: E402

PERIOD = (date(2025, 4, 1), date(2026, 3, 31))
AS_AT = date(2026, 11, 23)
WINDOW = 12
TABLES = {
    "pupil": ["id", "sen_status", "sen_status_since", "left_date"],
    "sen_status_change": ["id", "pupil_id", "status", "start_date", "recorded_at"],
    "referral": ["id", "pupil_id", "submitted_date", "would_request_ehcna"],
    "panel_decision": [
        "id", "referral_id", "decision_date", "outcome", "amount_awarded", "confirmed_at",
    ],
    "rtf_application": [
        "id", "pupil_id", "application_date", "decision", "decision_date", "amount_awarded",
        "would_request_ehcna",
    ],
    "ehcna_request": [
        "id", "pupil_id", "received_date", "decision", "decision_date", "plan_issued_date",
    ],
    "timescale_exception": ["id", "request_id"],
}  # fmt: skip
OUTCOMES = [
    "advice", "resources", "advice_and_resources", "signposted", "recommend_ehcna",
    "declined", "deferred", "withdrawn",
]  # fmt: skip
EARLY = {"advice", "resources", "advice_and_resources"}
AWARDS = {"approved", "part_approved"}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def export_csv(connection: Any, folder: Path) -> None:
    """The tables the measures read, as CSV (what an officer would hand to pandas)."""
    from sqlalchemy import column, select, table

    for name, columns in TABLES.items():
        rows = connection.execute(select(*map(column, columns)).select_from(table(name)))
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_plain(v) for v in row])


def _money(value: Any) -> float:
    return float(Decimal(str(round(float(value or 0), 2))).quantize(Decimal("0.01")))


def pandas_measures(folder: Path) -> dict[str, int | float]:
    """The same figures as sendtrack.services.statistics.compute, with pandas."""
    import pandas as pd

    dates = {
        "pupil": ["sen_status_since", "left_date"],
        "sen_status_change": ["start_date"],
        "referral": ["submitted_date"],
        "panel_decision": ["decision_date"],
        "rtf_application": ["application_date", "decision_date"],
        "ehcna_request": ["received_date", "decision_date", "plan_issued_date"],
        "timescale_exception": [],
    }
    t = {
        name: pd.read_csv(
            folder / f"{name}.csv",
            parse_dates=dates[name],
            dtype={c: str for c in TABLES[name] if c == "id" or c.endswith("_id")},
            # Text columns stay text even when a table has no rows.
        )
        for name in TABLES
    }
    start, end, as_at = (pd.Timestamp(d) for d in (*PERIOD, AS_AT))
    m: dict[str, int | float] = {}

    # Register as at the as-at date, from the dated history.
    p = t["pupil"]
    still = p.left_date.isna() | (p.left_date > as_at)
    applies = p.sen_status_since.isna() | (p.sen_status_since <= as_at)
    statuses = list(p.loc[still & applies, "sen_status"])
    waiting = set(p.loc[still & ~applies, "id"])
    h = t["sen_status_change"]
    h = h[h.pupil_id.isin(waiting) & (h.start_date <= as_at)]
    h = h.sort_values(["start_date", "recorded_at", "id"], ascending=False)
    statuses += list(h.drop_duplicates("pupil_id").status)
    m["register.sen_support"] = statuses.count("K")
    m["register.ehc_plan"] = statuses.count("E")

    # Referrals.
    r = t["referral"]
    m["referrals.received"] = int(r.submitted_date.between(start, end).sum())
    d = t["panel_decision"]
    d = d[d.confirmed_at.notna() & d.decision_date.between(start, end)]
    d = d.sort_values(["decision_date", "confirmed_at", "id"], ascending=False)
    d = d.drop_duplicates("referral_id").merge(
        r[["id", "pupil_id"]], left_on="referral_id", right_on="id", suffixes=("", "_r")
    )
    counts = d.outcome.value_counts()
    m["referrals.decided"] = len(d)
    for outcome in OUTCOMES:
        m[f"referrals.outcome.{outcome}"] = int(counts.get(outcome, 0))
    m["referrals.pupils_supported"] = int(d[d.outcome.isin(EARLY)].pupil_id.nunique())
    m["referrals.amount_awarded"] = _money(d.amount_awarded.sum())

    # RTF.
    a = t["rtf_application"]
    m["rtf.applications"] = int(a.application_date.between(start, end).sum())
    approved = a[a.decision.isin(AWARDS) & a.decision_date.between(start, end)]
    m["rtf.approved"] = len(approved)
    m["rtf.amount_awarded"] = _money(approved.amount_awarded.sum())

    # Requests avoided: each child's first early-support episode ever.
    all_d = t["panel_decision"]
    panel = all_d[all_d.confirmed_at.notna() & all_d.outcome.isin(EARLY)].merge(
        r[["id", "pupil_id", "would_request_ehcna"]],
        left_on="referral_id",
        right_on="id",
        suffixes=("", "_r"),
    )
    episodes = pd.concat(
        [
            pd.DataFrame(
                {
                    "pupil_id": panel.pupil_id,
                    "decision_date": panel.decision_date,
                    "source": "panel",
                    "source_id": panel.id,
                    "answer": panel.would_request_ehcna,
                }
            ),
            pd.DataFrame(
                {
                    "pupil_id": a.pupil_id,
                    "decision_date": a.decision_date,
                    "source": "rtf",
                    "source_id": a.id,
                    "answer": a.would_request_ehcna,
                }
            )[a.decision.isin(AWARDS)],
        ]
    )
    first = episodes.sort_values(["pupil_id", "decision_date", "source", "source_id"])
    first = first.drop_duplicates("pupil_id")
    first = first[first.decision_date.between(start, end)].copy()
    first["window_end"] = first.decision_date + pd.DateOffset(months=WINDOW)
    e = t["ehcna_request"]
    e = e.loc[e.received_date <= as_at, ["pupil_id", "received_date"]].merge(
        first[["pupil_id", "decision_date", "window_end"]], on="pupil_id"
    )
    inside = e[(e.received_date >= e.decision_date) & (e.received_date <= e.window_end)]
    escalated = set(inside.pupil_id)
    first = first.merge(p[["id", "left_date"]], left_on="pupil_id", right_on="id")
    flagged = first.answer == "yes"
    is_escalated = first.pupil_id.isin(escalated)
    lost = (
        first.left_date.notna() & (first.left_date < first.window_end) & (first.left_date <= as_at)
    )
    pending = first.window_end > as_at
    m["avoided.not_flagged"] = int((~flagged).sum())
    m["avoided.escalated"] = int((flagged & is_escalated).sum())
    m["avoided.lost_to_follow_up"] = int((flagged & ~is_escalated & lost).sum())
    m["avoided.pending"] = int((flagged & ~is_escalated & ~lost & pending).sum())
    m["avoided.avoided"] = int((flagged & ~is_escalated & ~lost & ~pending).sum())
    # EHCNA (SEN2): sendtrack.services.statistics.ehcna.
    e = t["ehcna_request"]
    got = e[e.received_date.between(start, end)]
    known = got.decision_date.notna() & (got.decision_date <= as_at)
    m["ehcna.requests_received"] = len(got)
    for decision, key in (
        ("assess", "decided_to_assess"),
        ("not_assess", "decided_not_to_assess"),
        ("withdrawn", "withdrawn"),
    ):
        m[f"ehcna.requests_{key}"] = int((known & (got.decision == decision)).sum())
    m["ehcna.requests_decision_not_made"] = int((~known).sum())
    decided = e[e.decision.isin(["assess", "not_assess"]) & e.decision_date.between(start, end)]
    within_6 = decided.decision_date <= decided.received_date + pd.Timedelta(days=42)
    m["ehcna.decisions_within_6_weeks"] = int(within_6.sum())
    m["ehcna.decisions_over_6_weeks"] = int((~within_6).sum())
    plans = e[e.plan_issued_date.between(start, end)]
    within_20 = plans.plan_issued_date <= plans.received_date + pd.Timedelta(days=140)
    clean = ~plans.id.isin(set(t["timescale_exception"].request_id))
    m["ehcna.plans_issued"] = len(plans)
    m["ehcna.plans_issued_within_20_weeks"] = int(within_20.sum())
    m["ehcna.plans_issued_excluding_exceptions"] = int(clean.sum())
    m["ehcna.plans_issued_within_20_weeks_excluding_exceptions"] = int((clean & within_20).sum())

    denominator = m["avoided.avoided"] + m["avoided.escalated"]
    if denominator:
        exact = Decimal(m["avoided.avoided"]) / Decimal(denominator)
        m["avoided.rate"] = float(exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))
    return dict(sorted(m.items()))


def _best(fn: Any, repeats: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def run(kind: str, url: str) -> list[Result]:
    """Both sides on the county already in `url`; returns the two timings and the ratio."""
    from bench.databases import migrated_app
    from sendtrack.extensions import db
    from sendtrack.services import statistics

    app = migrated_app(url)
    with app.app_context(), tempfile.TemporaryDirectory(prefix="sendtrack-stats-") as tmp:
        folder = Path(tmp)
        with db.engine.connect() as connection:
            export_csv(connection, folder)

        def ours() -> dict[str, int | float]:
            measures = statistics.compute(*PERIOD, AS_AT, WINDOW)
            db.session.rollback()
            return measures

        ours_s, mine = _best(ours)
        theirs_s, theirs = _best(lambda: pandas_measures(folder))
    compared = mine
    identical = compared == theirs
    if not identical:
        print(f"\n!!!!! [{kind}] STATISTICS MISMATCH: sendtrack and pandas disagree !!!!!")
        for key in sorted(set(compared) | set(theirs)):
            if compared.get(key) != theirs.get(key):
                print(f"  {key}: sendtrack={compared.get(key)!r} pandas={theirs.get(key)!r}")
    ratio = ours_s / theirs_s
    print(
        f"[{kind}] statistics: sendtrack {ours_s:.3f}s, pandas {theirs_s:.3f}s, "
        f"ratio {ratio:.2f} (target <= 0.25), figures {'identical' if identical else 'DIFFER'}",
        flush=True,
    )
    return [
        Result(kind, "statistics: pandas from CSV export (full measure set)", theirs_s, "s"),
        Result(
            kind,
            "statistics: sendtrack SQL (full measure set)",
            ours_s,
            "s",
            ratio=ratio,
            target="<= 0.25x",
            ok=ratio <= 0.25 and identical,
            note=f"{len(compared)} figures {'identical' if identical else 'DIFFER'}",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    results = run(args.database_url.split(":")[0].split("+")[0], args.database_url)
    if not all(r.ok is not False for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
