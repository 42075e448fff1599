"""What the RTF forms offer to choose from that more than one page needs: the bands on
offer, as the application and decision forms list them."""

from __future__ import annotations

from sendtrack.services.rtf import budgets as rtf_budget
from sendtrack.wording import money


def band_choices(empty: str) -> list[tuple[str, str]]:
    return [("", empty)] + [
        (str(b.id), f"{b.name} (up to {money(b.amount)})") for b in rtf_budget.active_bands()
    ]
