"""The published guide: a framework version read as the council's ordinarily available
provision guide, filtered by area and level and searched for a word. Plain values only, so
the same content feeds the web page and the PDF."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sendtrack.models import (
    ExpectedProvision,
    NeedCode,
    RangesArea,
    RangesFramework,
    RangesLevel,
    UnitRate,
)
from sendtrack.services.errors import DomainError
from sendtrack.services.pupils.apdr import ProvisionDetails, active_rates, cost_of


@dataclass
class GuideItem:
    description: str
    provision_type: str | None
    frequency: str | None
    group_size: int | None
    staff_role: str | None
    minutes_per_week: int | None
    weeks: int | None
    yearly_cost: Decimal | None


@dataclass
class GuideCell:
    level_id: uuid.UUID
    level_name: str
    rank: int
    usually_next: str
    descriptors: list[str]
    provision: list[GuideItem]


@dataclass
class GuideArea:
    id: uuid.UUID
    name: str
    need_labels: list[str]
    cells: list[GuideCell] = field(default_factory=list)


@dataclass
class Guide:
    framework_id: uuid.UUID
    number: int | None
    title: str
    introduction: str | None
    effective_from: date | None
    levels: list[dict[str, Any]]
    areas: list[GuideArea]

    @property
    def is_empty(self) -> bool:
        return not any(a.cells for a in self.areas)


def rates() -> dict[str, UnitRate]:
    """The active unit rates by staff role (the plan's own list: apdr.active_rates)."""
    return {r.staff_role: r for r in active_rates()}


def yearly_cost(item: ExpectedProvision, by_role: dict[str, UnitRate]) -> Decimal | None:
    """What the item costs a year per child at the unit rates, or None when it cannot be
    costed (no staff role with a rate, or no minutes and weeks)."""
    rate = by_role.get(item.staff_role or "")
    if rate is None or item.minutes_per_week is None or item.weeks is None:
        return None
    try:
        return cost_of(
            ProvisionDetails(
                description=item.description,
                group_size=item.group_size,
                minutes_per_week=item.minutes_per_week,
                weeks=item.weeks,
            ),
            rate,
        )
    except DomainError:
        return None


def _matches(word: str, *texts: str | None) -> bool:
    return any(word in (t or "").lower() for t in texts)


def guide(
    framework: RangesFramework,
    *,
    area_id: uuid.UUID | None = None,
    level_id: uuid.UUID | None = None,
    search: str | None = None,
) -> Guide:
    word = " ".join((search or "").split()).lower()
    by_role = rates()
    levels: list[RangesLevel] = list(framework.levels)
    areas: list[GuideArea] = []
    for area in framework.areas:
        if area_id is not None and area.id != area_id:
            continue
        shown = GuideArea(
            id=area.id,
            name=area.name,
            need_labels=[NeedCode(c).label for c in area.codes if c in NeedCode.__members__],
        )
        for level in levels:
            if level_id is not None and level.id != level_id:
                continue
            cell = _cell(area, level, by_role, word)
            if cell is not None:
                shown.cells.append(cell)
        if shown.cells or not word:
            areas.append(shown)
    return Guide(
        framework_id=framework.id,
        number=framework.number,
        title=framework.title,
        introduction=framework.introduction,
        effective_from=framework.effective_from,
        levels=[
            {
                "id": lv.id,
                "name": lv.name,
                "rank": lv.rank,
                "summary": lv.summary,
                "usually_next": lv.usually_next.label,
            }
            for lv in levels
        ],
        areas=areas,
    )


def _cell(
    area: RangesArea, level: RangesLevel, by_role: dict[str, UnitRate], word: str
) -> GuideCell | None:
    descriptors = [d.wording for d in area.descriptors if d.level_id == level.id]
    items = [p for p in area.provision if p.level_id == level.id]
    if word:
        descriptors = [d for d in descriptors if word in d.lower()]
        items = [
            p
            for p in items
            if _matches(word, p.description, p.provision_type, p.frequency, p.staff_role)
        ]
        if not descriptors and not items:
            return None
    return GuideCell(
        level_id=level.id,
        level_name=level.name,
        rank=level.rank,
        usually_next=level.usually_next.label,
        descriptors=descriptors,
        provision=[
            GuideItem(
                description=p.description,
                provision_type=p.provision_type,
                frequency=p.frequency,
                group_size=p.group_size,
                staff_role=p.staff_role,
                minutes_per_week=p.minutes_per_week,
                weeks=p.weeks,
                yearly_cost=yearly_cost(p, by_role),
            )
            for p in items
        ],
    )
