"""Panel pack benchmark: one-process WeasyPrint vs sendtrack's parallel, cached build.

For a 30-case and a 100-case pack on demo-like data, measured side by side in one run:
(a) the whole pack rendered as one HTML document in one process (what a simple
implementation does), (b) sendtrack's cold build (empty cache), (c) the rebuild after one
case changed; ratios b/a and c/b, and peak memory. Both (a) and (b) start from the same
plain data, so the numbers compare rendering, not database reads.

    python bench/packs.py [--quick]
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import Result, peak_memory_mb, table  # noqa: E402

FORENAMES = ["Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Arthur", "Freya", "Jack"]
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans", "Khan"]
NEEDS = [
    ("SLCN", "Speech, language and communication needs"),
    ("SEMH", "Social, emotional and mental health"),
    ("ASD", "Autistic spectrum disorder"),
]


def demo_case(i: int, meeting_date: date) -> dict[str, Any]:
    """A case shaped like services.packs.data.case_data's, with demo-like volumes of text."""
    name = f"{FORENAMES[i % len(FORENAMES)]} {SURNAMES[(i * 7) % len(SURNAMES)]}"
    sentence = (
        "Finds unstructured times hard and needs adult support to join in with peers; "
        "has made progress with a visual timetable and a daily check-in. "
    )
    cycles = []
    for n in (1, 2):
        cycles.append(
            {
                "number": n,
                "status": "Reviewed" if n == 1 else "Open",
                "start_date": meeting_date - timedelta(days=300 - n * 120),
                "review_date": meeting_date - timedelta(days=200 - n * 120),
                "reviewed_on": meeting_date - timedelta(days=190) if n == 1 else None,
                "needs_summary": sentence * 2,
                "assessments_used": "Speech Link, Boxall profile, SDQ",
                "impact_notes": sentence if n == 1 else "",
                "next_step": "Refer to cluster panel" if n == 1 else "",
                "outcomes": [
                    {
                        "description": f"Outcome {k}: {sentence}",
                        "success_criteria": "Observed in 4 of 5 sessions",
                        "progress": "Partly achieved",
                        "progress_notes": "Better in the mornings",
                    }
                    for k in (1, 2, 3)
                ],
                "provisions": [
                    {
                        "description": f"Small-group intervention {k}",
                        "provision_type": "Intervention",
                        "frequency": "3 times a week",
                        "group_size": 3,
                        "delivered_by": "Teaching assistant",
                        "minutes_per_week": 90,
                        "weeks": 38,
                        "annual_cost": f"{1200 + 100 * k}.00",
                    }
                    for k in (1, 2, 3, 4)
                ],
                "total_cost": "5200.00",
            }
        )
    return {
        "referral_id": f"00000000-0000-0000-0000-{i:012d}",
        "position": i,
        "reference": f"REF-2027-{i:05d}",
        "meeting_title": "Northbrook panel, 12 March 2027",
        "pseudonymised": False,
        "child": {
            "name": name,
            "legal_name": name,
            "age": "7 years 3 months",
            "date_of_birth": date(2019, 12, 1),
            "upn": "A936100117001",
            "sex": "Female",
            "year_group": "Year 2",
            "setting": "Northbrook Primary School",
            "looked_after": False,
            "sen_status": "SEN support",
            "needs": [
                {"rank": r + 1, "code": c, "label": label} for r, (c, label) in enumerate(NEEDS[:2])
            ],
            "status_history": [
                {
                    "status": "SEN support",
                    "start_date": date(2025, 9, 10),
                    "reason": "Concerns raised",
                }
            ],
        },
        "cycles": cycles,
        "threshold": "6000.00",
        "latest_cost": "5200.00",
        "over_threshold": "0.00",
        "previous_decisions": [
            {
                "date": date(2026, 1, 10),
                "outcome": "Advice",
                "amount_awarded": "0.00",
                "rationale": sentence,
                "advice_given": "",
                "review_date": None,
            }
        ],
        "rtf_awards": [],
        "request": {
            "type": "Advice and resources",
            "amount": "2500.00",
            "reason": sentence * 3,
            "submitted_date": meeting_date - timedelta(days=20),
            "would_request_ehcna": "Yes",
        },
        "child_views": "I like reading with Mrs Patel. " * 3,
        "parent_views": sentence,
        "professionals_involved": "Educational psychologist; speech and language therapist",
        "conflicts_declared": "",
    }


def demo_meeting(meeting_date: date) -> dict[str, Any]:
    return {
        "council_name": "Exampleshire County Council",
        "cluster_name": "Northbrook",
        "panel_name": "Northbrook cluster panel",
        "title": "Northbrook panel, 12 March 2027",
        "meeting_date": meeting_date,
        "start_time": "09:30",
        "location": "Northbrook Library",
        "online": True,
        "chair_name": "Priya Shah",
        "co_chair_name": "Tom Reed",
        "members": [{"name": f"Member {k}", "role": "Educational psychologist"} for k in range(6)],
    }


def run(sizes: list[int]) -> list[Result]:
    from sendtrack.services.packs import build, render
    from sendtrack.services.packs.cache import PartCache

    meeting_date = date(2027, 3, 12)
    meeting = demo_meeting(meeting_date)
    results: list[Result] = []
    render.pool()  # started once per process, as in the web app; not part of a build
    render.submit_front(
        {
            "meeting": meeting,
            "cases": [],
            "pack": {
                "version": 0,
                "pseudonymised": False,
                "generated_at": "",
                "generated_by": "",
                "fingerprint": "",
            },
            "pages": {},
            "target_counters": False,
            "pdf_title": "warm",
        }
    ).result()
    for size in sizes:
        cases = [demo_case(i, meeting_date) for i in range(1, size + 1)]
        pack = {
            "version": 1,
            "pseudonymised": False,
            "generated_at": "12 March 2027 at 9:00am",
            "generated_by": "Bench",
            "fingerprint": build.fingerprint(meeting, cases, False),
        }
        started = time.perf_counter()
        build.build_whole(meeting, cases, pack)
        whole = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            cache = PartCache(Path(folder))
            started = time.perf_counter()
            cold = build.build(meeting, cases, pack, cache)
            cold_s = time.perf_counter() - started
            changed = copy.deepcopy(cases)
            changed[size // 2]["request"]["reason"] += " Updated after the school's review."
            pack2 = {
                **pack,
                "version": 2,
                "fingerprint": build.fingerprint(meeting, changed, False),
            }
            started = time.perf_counter()
            warm = build.build(meeting, changed, pack2, cache, previous_pages=cold.case_pages)
            warm_s = time.perf_counter() - started
        assert warm.rendered_cases == 1
        label = f"packs {size} cases ({cold.page_count} pages)"
        results += [
            Result("-", f"{label}: (a) one-process WeasyPrint, whole document", whole, "s"),
            Result(
                "-",
                f"{label}: (b) sendtrack cold build, {render.worker_count()} workers",
                cold_s,
                "s",
                ratio=cold_s / whole,
                target="<= 0.60",
                ok=cold_s / whole <= 0.6,
                note="b/a",
            ),
            Result(
                "-",
                f"{label}: (c) rebuild after one case changed",
                warm_s,
                "s",
                ratio=warm_s / cold_s,
                target="<= 0.15",
                ok=warm_s / cold_s <= 0.15,
                note=f"c/b; agenda renders {warm.front_renders}",
            ),
        ]
    results.append(Result("-", "packs: peak memory (largest process)", peak_memory_mb(), "MB"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="10 and 30 cases instead of 30 and 100"
    )
    args = parser.parse_args()
    print(table(run([10, 30] if args.quick else [30, 100])))


if __name__ == "__main__":
    main()
