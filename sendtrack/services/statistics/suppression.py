"""Small-number suppression for figures shared beyond the LA.

A count of children or records from 1 up to (not including) the threshold is shown as "c"
(the DfE's mark for "confidential"); 0 identifies no one and is shown. Figures that would
give a suppressed count away are suppressed with it: the pounds awarded beside a
suppressed number of awards, and the rate avoided when avoided or escalated is suppressed.
The threshold is the LA's setting (LocalAuthority.suppression_threshold, default 5), which
SENDTRACK_SUPPRESSION_THRESHOLD in the environment overrides.
"""

from __future__ import annotations

from sqlalchemy import select

from sendtrack import settings
from sendtrack.extensions import db
from sendtrack.models import LocalAuthority

SUPPRESSED = "c"
DEFAULT_THRESHOLD = 5
# Money and rates are suppressed when the counts they come from are.
DEPENDS_ON = {
    "referrals.amount_awarded": ("referrals.decided",),
    "rtf.amount_awarded": ("rtf.approved",),
    "avoided.rate": ("avoided.avoided", "avoided.escalated"),
}
NOT_COUNTS = frozenset(DEPENDS_ON)

Shown = int | float | str


def threshold() -> int:
    configured = settings.config().get("SUPPRESSION_THRESHOLD")
    if configured is not None:
        return int(configured)
    value = db.session.scalar(select(LocalAuthority.suppression_threshold).limit(1))
    return DEFAULT_THRESHOLD if value is None else int(value)


def is_small(value: int | float, limit: int) -> bool:
    return isinstance(value, int) and 0 < value < limit


def suppress(measures: dict[str, int | float], limit: int) -> dict[str, Shown]:
    """The figures with small counts (and what would reveal them) replaced by "c"."""
    out: dict[str, Shown] = {}
    for measure, value in measures.items():
        if measure in DEPENDS_ON:
            hidden = any(is_small(measures.get(m, 0), limit) for m in DEPENDS_ON[measure])
            out[measure] = SUPPRESSED if hidden else value
        else:
            out[measure] = SUPPRESSED if is_small(value, limit) else value
    return out


def note(limit: int) -> str:
    return (
        f'Counts from 1 to {limit - 1} are shown as "{SUPPRESSED}" to protect children\'s '
        "privacy, with the pounds awarded beside them and the rate avoided when either of its "
        "counts is suppressed. Totals may therefore be more than the sum of the figures shown."
    )
