"""Ranges records for the test world: a published framework (version 1, two areas, two
levels, descriptors and expected provision) and a draft copied from it. The framework is
area-wide: both sides' records are in scope for officers, the only role that edits it."""

from __future__ import annotations

from datetime import timedelta

from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    ExpectedProvision,
    FrameworkStatus,
    JudgementTick,
    RangesArea,
    RangesDescriptor,
    RangesFramework,
    RangesJudgement,
    RangesLevel,
    UsuallyNext,
)
from tests.clock import TODAY
from tests.world import World


def _framework(status: FrameworkStatus, number: int | None) -> RangesFramework:
    framework = RangesFramework(
        status=status,
        number=number,
        title="Testshire ranges",
        effective_from=TODAY - timedelta(days=100) if number else None,
    )
    low = RangesLevel(rank=1, name="Universal", usually_next=UsuallyNext.ORDINARILY_AVAILABLE)
    high = RangesLevel(rank=2, name="Targeted", usually_next=UsuallyNext.CLUSTER_REFERRAL)
    framework.levels.extend([low, high])
    for position, (name, codes) in enumerate(
        (
            ("Communication and interaction", "SLCN ASD"),
            ("Social, emotional and mental health", "SEMH"),
        ),
        start=1,
    ):
        area = RangesArea(position=position, name=name, need_codes=codes)
        framework.areas.append(area)
        area.descriptors.extend(
            [
                RangesDescriptor(position=1, level=low, wording=f"{name}: needs a little help"),
                RangesDescriptor(position=1, level=high, wording=f"{name}: needs regular help"),
            ]
        )
        area.provision.extend(
            [
                ExpectedProvision(
                    position=1, level=low, description=f"{name}: visual timetable",
                    provision_type="Classroom strategy",
                ),
                ExpectedProvision(
                    position=1, level=high, description=f"{name}: small-group sessions",
                    provision_type="Small-group intervention", frequency="3 times a week",
                    group_size=4, staff_role="Teaching assistant", minutes_per_week=90, weeks=30,
                ),
            ]
        )  # fmt: skip
    db.session.add(framework)
    return framework


def build(w: World, password: str) -> None:
    del password
    published = _framework(FrameworkStatus.PUBLISHED, 1)
    draft = _framework(FrameworkStatus.DRAFT, None)
    draft.title = "Testshire ranges (draft)"
    db.session.flush()
    for copy, original in zip(draft.areas, published.areas, strict=True):
        copy.lineage_id = original.lineage_id  # the draft is a copy of version 1
    db.session.flush()
    w.ids["ranges_v1"] = published.id
    w.ids["ranges_draft"] = draft.id
    for side, index in (("a", 0), ("b", 1)):
        w.ids[f"ranges_area_{side}"] = published.areas[index].id
        w.ids[f"ranges_level_{side}"] = published.levels[index].id
        w.ids[f"ranges_draft_area_{side}"] = draft.areas[index].id
        w.ids[f"ranges_draft_level_{side}"] = draft.levels[index].id
        w.ids[f"ranges_item_{side}"] = draft.areas[index].provision[1].id
    # Pupil A's open cycle: Communication and interaction judged at Universal, confirmed.
    cycle = w.get(ApdrCycle, "cycle_a")
    area = published.areas[0]
    universal = published.levels[0]
    judgement = RangesJudgement(
        cycle_id=cycle.id,
        pupil_id=cycle.pupil_id,
        setting_id=cycle.setting_id,
        framework_id=published.id,
        area_id=area.id,
        suggested_level_id=universal.id,
        level_id=universal.id,
        judged_on=TODAY - timedelta(days=10),
        judged_by_id=w["senco"],
    )
    judgement.ticks.append(JudgementTick(descriptor_id=area.descriptors[0].id))
    db.session.add(judgement)
    db.session.flush()
    w.ids["ranges_judgement_a"] = judgement.id
    # The same on the B side (school b1, cluster B) and for the restricted child (a1).
    for key, cycle_key in (("b", "cycle_b"), ("restricted", "cycle_restricted")):
        other = w.get(ApdrCycle, cycle_key)
        made = RangesJudgement(
            cycle_id=other.id,
            pupil_id=other.pupil_id,
            setting_id=other.setting_id,
            framework_id=published.id,
            area_id=area.id,
            suggested_level_id=universal.id,
            level_id=universal.id,
            judged_on=TODAY - timedelta(days=10),
        )
        db.session.add(made)
        db.session.flush()
        w.ids[f"ranges_judgement_{key}"] = made.id
