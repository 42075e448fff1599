"""Planning from the framework: the expected provision for a cycle's confirmed levels,
offered to the plan pre-filled and costed with the unit rates, and the gap.

An expected item is in the plan when a plan item was added from it (the link survives the
SENCO editing the item's wording, frequency or cost) or when a plan item has the same
description (ignoring case and spaces). The **gap** is the expected provision for the
confirmed levels with no plan item in it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    CycleStatus,
    ExpectedProvision,
    PlannedExpectedProvision,
    RangesArea,
    RangesJudgement,
    User,
    UsuallyNext,
)
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError
from sendtrack.services.pupils import apdr
from sendtrack.services.ranges import guide
from sendtrack.services.ranges.judgements import judgements_of_cycle


@dataclass
class Expected:
    """One expected item for a confirmed level, with its cost and whether the plan has it."""

    area: RangesArea
    level_name: str
    item: ExpectedProvision
    yearly_cost: Decimal | None
    in_plan: bool


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


def expected_for(cycle: ApdrCycle) -> list[Expected]:
    """The expected provision at each confirmed level of the cycle, area by area."""
    linked = set(
        db.session.scalars(
            select(PlannedExpectedProvision.expected_id).where(
                PlannedExpectedProvision.provision_id.in_([p.id for p in cycle.provisions])
            )
        )
    )
    described = {_same(p.description) for p in cycle.provisions}
    rates = guide.rates()
    found: list[Expected] = []
    for judgement in judgements_of_cycle(cycle):
        if judgement.level is None:
            continue
        for item in judgement.area.provision:
            if item.level_id != judgement.level_id:
                continue
            found.append(
                Expected(
                    area=judgement.area,
                    level_name=judgement.level.name,
                    item=item,
                    yearly_cost=guide.yearly_cost(item, rates),
                    in_plan=item.id in linked or _same(item.description) in described,
                )
            )
    return found


def gap(cycle: ApdrCycle) -> list[Expected]:
    return [e for e in expected_for(cycle) if not e.in_plan]


def gap_of_child(pupil_id: uuid.UUID) -> list[Expected]:
    """The gap in the child's open cycle (none without one)."""
    cycle = db.session.scalar(
        select(ApdrCycle).where(
            ApdrCycle.pupil_id == pupil_id, ApdrCycle.status == CycleStatus.OPEN
        )
    )
    return gap(cycle) if cycle is not None else []


def add_to_plan(
    user: User, cycle: ApdrCycle, item_ids: list[uuid.UUID], version: int | None
) -> int:
    """Add the chosen expected items to the plan, pre-filled from the framework and costed
    with the unit rates (an item with no staff role at a rate, or no minutes and weeks, is
    added at no extra cost, for the SENCO to cost). Items already in the plan are skipped.
    Returns how many were added."""
    versions.check(cycle, version)
    offered = {e.item.id: e for e in expected_for(cycle) if not e.in_plan}
    chosen = [offered[i] for i in dict.fromkeys(item_ids) if i in offered]
    if not chosen:
        raise DomainError("Choose the expected provision to add to the plan", field="items")
    for n, expected in enumerate(chosen):
        item = expected.item
        details = apdr.ProvisionDetails(
            description=item.description,
            provision_type=item.provision_type,
            frequency=item.frequency,
            group_size=item.group_size,
            delivered_by=item.staff_role,
            minutes_per_week=item.minutes_per_week,
            weeks=item.weeks,
            manual_cost=None if expected.yearly_cost is not None else Decimal(0),
        )
        if expected.yearly_cost is None:
            details.delivered_by = None
        provision = apdr.save_provision(user, cycle, version if n == 0 else None, details)
        db.session.add(PlannedExpectedProvision(provision_id=provision.id, expected_id=item.id))
    db.session.flush()
    return len(chosen)


def ordinarily_available_levels(pupil_id: uuid.UUID) -> list[RangesJudgement]:
    """The child's latest confirmed levels, if every one of them is a level the framework
    says is usually met from ordinarily available provision; else none. For the warning on
    a referral or an EHC needs assessment request."""
    rows = db.session.scalars(
        select(RangesJudgement)
        .join(ApdrCycle, ApdrCycle.id == RangesJudgement.cycle_id)
        .where(RangesJudgement.pupil_id == pupil_id, RangesJudgement.level_id.is_not(None))
        .order_by(ApdrCycle.number.desc())
    )
    latest: dict[uuid.UUID, RangesJudgement] = {}
    for j in rows:
        latest.setdefault(j.area.lineage_id, j)
    levels = list(latest.values())
    if levels and all(
        j.level is not None and j.level.usually_next is UsuallyNext.ORDINARILY_AVAILABLE
        for j in levels
    ):
        return levels
    return []
