"""The suite's clock: every test (and the shared world) runs at one fixed moment.

Tests reason about "today": a referral received ten days ago, a 20-week EHCNA deadline, this
financial year's budget. Read from the machine's clock, those dates crossed a school-year,
financial-year or calendar-year boundary on some days of the year and not others, so a
test could pass in November and fail on 1 September. Instead, `conftest.py` moves the clock
of this process to FROZEN_AT for the session's world and for every test (time-machine, which
also patches the C-level `date.today()` and `datetime.now()` the app's services call), and
tests name the date as TODAY rather than asking the machine.

Why this moment: a Wednesday in the middle of the autumn term, in GMT (so the London date
and the UTC date agree all day), at least 21 days after a month start and well away from
1 September (school year), 1 January and 1 April (financial year and quarter), so the
world's "three weeks ago" meetings, "ten weeks ago" requests and "this quarter" figures all
fall in the same year and term as today. The clock ticks from there (tick=True): durations
(session timeouts, lock waits, heartbeats) behave as in production.

What the frozen clock does not reach (see docs/testing.md): other processes (the pack
render pool, `flask import` subprocesses, spawned workers), the browser in tests/e2e (its
server is a thread here, frozen with the test, and its cookies carry no expiry date), and
the database's own clock (`server_default=func.now()` stamps such as `created_at`), which
stay on the machine's time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

FROZEN_AT = datetime(2026, 11, 18, 10, 30, tzinfo=UTC)
TODAY: date = FROZEN_AT.date()

# Tests whose other half runs in another process and compares dates with this one (the
# import crash loop) carry this marker and run on the machine's clock.
REAL_CLOCK = "real_clock"


def frozen(at: datetime | date = FROZEN_AT) -> time_machine.travel:
    """The clock moved to `at` and ticking from there; use as a context manager."""
    return time_machine.travel(at, tick=True)
