"""Demo data: a realistic, obviously fictional local authority ("Exampleshire").

`flask seed-demo` runs each step in STEPS in order. Features add a step for their own data
(referrals and panels, RTF, EHCNA requests). Deterministic: the same seed gives the same
children, so screenshots and journeys are repeatable."""

from __future__ import annotations

from collections.abc import Callable

from sendtrack.demo.contacts import seed_contacts
from sendtrack.demo.context import DemoContext
from sendtrack.demo.core import seed_core
from sendtrack.demo.ehcna import seed_ehcna
from sendtrack.demo.panels import seed_panels
from sendtrack.demo.ranges import seed_ranges
from sendtrack.demo.register import seed_register
from sendtrack.demo.rtf import seed_rtf
from sendtrack.demo.statistics import seed_statistics

__all__ = ["STEPS", "DemoContext", "seed"]

# In order: each step may use what the ones before it made.
STEPS: list[Callable[[DemoContext], None]] = [
    seed_core,
    seed_rtf,
    seed_ehcna,
    seed_statistics,
    seed_register,
    seed_panels,
    seed_contacts,
    seed_ranges,
]


def seed(password: str) -> DemoContext:
    ctx = DemoContext(password=password)
    for step in STEPS:
        step(ctx)
    return ctx
