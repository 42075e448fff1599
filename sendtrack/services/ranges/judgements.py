"""Judging a child's level per area of need in an APDR cycle's assess step.

The SENCO ticks the descriptors that fit, per area; the suggested level is the highest level
with a ticked descriptor. The SENCO confirms it or records a different level with a reason.
A judgement is made against the framework version in effect when the area was first judged
in the cycle, and keeps it: publishing a new version never changes a judgement's words.
Every change moves the cycle's version on (one plan, one version), and is audited against
the child."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    AuditAction,
    JudgementTick,
    RangesArea,
    RangesFramework,
    RangesJudgement,
    RangesLevel,
    User,
)
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.ranges import frameworks

MAX_REASON = 2000


def judgement_in(cycle: ApdrCycle, area_id: uuid.UUID) -> RangesJudgement | None:
    return db.session.scalar(
        select(RangesJudgement).where(
            RangesJudgement.cycle_id == cycle.id, RangesJudgement.area_id == area_id
        )
    )


def judgements_of_cycle(cycle: ApdrCycle) -> list[RangesJudgement]:
    return list(
        db.session.scalars(
            select(RangesJudgement)
            .join(RangesArea, RangesArea.id == RangesJudgement.area_id)
            .where(RangesJudgement.cycle_id == cycle.id)
            .order_by(RangesArea.position)
        )
    )


def area_to_judge(cycle: ApdrCycle, area_id: uuid.UUID) -> RangesArea:
    """An area the cycle may be judged in: one of the version this cycle's judgements were
    made against, or, before the first, of the version in effect. Anything else is a 404:
    one cycle's judgements all belong to one version."""
    area = db.session.get(RangesArea, area_id)
    if area is None:
        raise NotFound("area")
    judged = judgements_of_cycle(cycle)
    framework = judged[0].framework if judged else frameworks.current()
    if framework is None or area.framework_id != framework.id:
        raise NotFound("area")
    return area


@dataclass
class AreaToJudge:
    """An area on the cycle page: its judgement in this cycle, if any."""

    area: RangesArea
    judgement: RangesJudgement | None
    suggested_by_needs: bool


def areas_for_cycle(cycle: ApdrCycle, need_codes: list[str]) -> list[AreaToJudge]:
    """The areas of the version in effect (or of this cycle's judgements' version), with the
    child's census need codes marking the areas to judge first."""
    judged = judgements_of_cycle(cycle)
    framework: RangesFramework | None = judged[0].framework if judged else frameworks.current()
    if framework is None:
        return []
    by_area = {j.area_id: j for j in judged}
    return [
        AreaToJudge(a, by_area.get(a.id), any(c in need_codes for c in a.codes))
        for a in framework.areas
    ]


def _touch(cycle: ApdrCycle, version: int | None) -> None:
    versions.check(cycle, version)
    # Forces an UPDATE of the cycle row, so its version moves on with the judgement.
    cycle.updated_at = datetime.now(UTC)


def _level_names(judgement: RangesJudgement) -> dict[str, object]:
    return {
        "ticked": sorted(t.descriptor.wording for t in judgement.ticks),
        "suggested": judgement.suggested_level.name if judgement.suggested_level else None,
        "level": judgement.level.name if judgement.level else None,
        "reason": judgement.reason,
    }


def save_ticks(
    user: User,
    cycle: ApdrCycle,
    area: RangesArea,
    descriptor_ids: list[uuid.UUID],
    version: int | None,
) -> RangesJudgement:
    """Record the ticked descriptors and work out the suggested level. A confirmed level
    that no longer matches the suggestion has to be confirmed again."""
    _touch(cycle, version)
    by_id = {d.id: d for d in area.descriptors}
    chosen = [by_id[i] for i in dict.fromkeys(descriptor_ids) if i in by_id]
    if not chosen:
        raise DomainError("Tick at least one descriptor that fits the child", field="descriptors")
    suggested = max((d.level for d in chosen), key=lambda lv: lv.rank)
    judgement = judgement_in(cycle, area.id)
    before = _level_names(judgement) if judgement else {}
    if judgement is None:
        judgement = RangesJudgement(
            cycle_id=cycle.id,
            pupil_id=cycle.pupil_id,
            setting_id=cycle.setting_id,
            framework_id=area.framework_id,
            area_id=area.id,
            judged_on=date.today(),
            judged_by_id=user.id,
        )
        db.session.add(judgement)
    wanted = {d.id for d in chosen}
    for tick in [t for t in judgement.ticks if t.descriptor_id not in wanted]:
        judgement.ticks.remove(tick)
    kept = {t.descriptor_id for t in judgement.ticks}
    judgement.ticks.extend(JudgementTick(descriptor=d) for d in chosen if d.id not in kept)
    if judgement.suggested_level_id != suggested.id:
        judgement.level_id = None
        judgement.level = None
        judgement.reason = None
    judgement.suggested_level_id = suggested.id
    judgement.suggested_level = suggested
    judgement.judged_on = date.today()
    judgement.judged_by_id = user.id
    versions.save(cycle)
    audit.record(
        user,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        "ranges_judgement",
        judgement.id,
        pupil_id=cycle.pupil_id,
        summary=f"Ticked descriptors of {area.name} in APDR cycle {cycle.number}",
        changes=audit.diff(before, _level_names(judgement)),
    )
    return judgement


def confirm_level(
    user: User,
    cycle: ApdrCycle,
    judgement: RangesJudgement,
    level_id: uuid.UUID | None,
    reason: str | None,
    version: int | None,
) -> RangesJudgement:
    """Confirm the suggested level, or record another level of the same version with the
    reason for it."""
    _touch(cycle, version)
    level = db.session.get(RangesLevel, level_id) if level_id else None
    if level is None or level.framework_id != judgement.framework_id:
        raise DomainError("Choose the level", field="level")
    reason = (reason or "").strip() or None
    if level.id != judgement.suggested_level_id and reason is None:
        raise DomainError("Enter why the level differs from the suggested level", field="reason")
    if reason is not None and len(reason) > MAX_REASON:
        raise DomainError(f"Keep the reason to {MAX_REASON} characters or fewer", field="reason")
    before = _level_names(judgement)
    judgement.level_id = level.id
    judgement.level = level
    judgement.reason = reason if level.id != judgement.suggested_level_id else None
    judgement.judged_on = date.today()
    judgement.judged_by_id = user.id
    versions.save(cycle)
    audit.record(
        user,
        AuditAction.UPDATE,
        "ranges_judgement",
        judgement.id,
        pupil_id=cycle.pupil_id,
        summary=f"Confirmed {judgement.area.name} at {level.name} in APDR cycle {cycle.number}",
        changes=audit.diff(before, _level_names(judgement)),
    )
    return judgement


@dataclass
class LevelHistory:
    """One area's confirmed levels for a child, latest first (the first is the current)."""

    area_name: str
    entries: list[RangesJudgement]

    @property
    def current(self) -> RangesJudgement:
        return self.entries[0]


def levels_of_child(pupil_id: uuid.UUID) -> list[LevelHistory]:
    """The child's confirmed levels per area across cycles. Areas are matched across versions
    by their lineage (a draft's copy of an area is the same area of need, even renamed)."""
    rows = db.session.scalars(
        select(RangesJudgement)
        .join(ApdrCycle, ApdrCycle.id == RangesJudgement.cycle_id)
        .where(RangesJudgement.pupil_id == pupil_id, RangesJudgement.level_id.is_not(None))
        .order_by(ApdrCycle.number.desc())
    )
    by_area: dict[uuid.UUID, LevelHistory] = {}
    for j in rows:
        by_area.setdefault(j.area.lineage_id, LevelHistory(j.area.name, [])).entries.append(j)
    return sorted(by_area.values(), key=lambda h: h.current.area.position)
