"""Demo data: a realistic, obviously fictional local authority ("Exampleshire").

`flask seed-demo` runs each step in STEPS in order. Features add a step for their own data
(referrals and panels, RTF, EHCNA requests). Deterministic: the same seed gives the same
children, so screenshots and journeys are repeatable."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    password: str
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    # Steps share what they made: clusters, settings, pupils, users by key.
    made: dict[str, Any] = field(default_factory=dict)


def steps() -> list[Callable[[DemoContext], None]]:
    from sendtrack.demo import core

    return [core.seed_core, *EXTRA_STEPS]


# Features append their demo steps here.
EXTRA_STEPS: list[Callable[[DemoContext], None]] = []


def _seed_rtf(ctx: DemoContext) -> None:
    from sendtrack.demo.rtf import seed_rtf

    seed_rtf(ctx)


EXTRA_STEPS.append(_seed_rtf)


def _seed_ehcna(ctx: DemoContext) -> None:
    from sendtrack.demo.ehcna import seed_ehcna

    seed_ehcna(ctx)


EXTRA_STEPS.append(_seed_ehcna)


def _seed_statistics(ctx: DemoContext) -> None:
    from sendtrack.demo.statistics import seed_statistics

    seed_statistics(ctx)


EXTRA_STEPS.append(_seed_statistics)


def _seed_register(ctx: DemoContext) -> None:
    from sendtrack.demo.register import seed_register

    seed_register(ctx)


EXTRA_STEPS.append(_seed_register)


def _seed_panels(ctx: DemoContext) -> None:
    from sendtrack.demo.panels import seed_panels

    seed_panels(ctx)


EXTRA_STEPS.append(_seed_panels)


def seed(password: str) -> DemoContext:
    ctx = DemoContext(password=password)
    for step in steps():
        step(ctx)
    return ctx
