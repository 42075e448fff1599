"""Results and their table: every ratio is measured side by side in the same run."""

from __future__ import annotations

import resource
from dataclasses import dataclass


@dataclass
class Result:
    database: str
    name: str
    value: float
    unit: str
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None
    note: str = ""


def peak_memory_mb() -> float:
    """Peak resident memory of this process and its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def table(results: list[Result]) -> str:
    header = f"{'db':10} {'benchmark':62} {'value':>12} {'ratio':>8} {'target':>9}  ok  note"
    lines = [header, "-" * len(header)]
    for r in results:
        value = f"{r.value:,.3f} {r.unit}" if r.unit in ("s", "ms") else f"{r.value:,.1f} {r.unit}"
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else ""
        ok = "" if r.ok is None else ("yes" if r.ok else "NO")
        lines.append(
            f"{r.database:10} {r.name[:62]:62} {value:>12} {ratio:>8} {r.target:>9}"
            f"  {ok:3} {r.note}"
        )
    return "\n".join(lines)
