"""What the demo's steps share while they seed: the password, the random generator and
what each step made."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    password: str
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    # Steps share what they made: clusters, settings, pupils, users by key.
    made: dict[str, Any] = field(default_factory=dict)
