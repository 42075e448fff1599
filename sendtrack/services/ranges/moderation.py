"""Moderating judgements of a child's level: an Area SEND Lead (their clusters' settings)
or an LA officer (all) reads a confirmed judgement (the descriptors ticked, the level and the
reason, without the child's name) and agrees, or records the level they would give and a
comment. The SENCO sees the outcome on the cycle. Figures per setting and per cluster:
judgements moderated and the agreement rate (agreed / moderated)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from sendtrack.extensions import db
from sendtrack.models import (
    AuditAction,
    Cluster,
    RangesJudgement,
    RangesLevel,
    RangesModeration,
    Setting,
    User,
)
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError
from sendtrack.services.scoping import get_judgement, moderation_scope

MAX_COMMENT = 2000
PAGE = 50


def to_moderate(user: User, setting_id: uuid.UUID | None = None) -> list[RangesJudgement]:
    """Confirmed judgements in the user's scope not yet moderated, newest first (the first
    50): the sample to moderate, optionally of one setting."""
    query = (
        select(RangesJudgement)
        .outerjoin(RangesModeration, RangesModeration.judgement_id == RangesJudgement.id)
        .where(
            moderation_scope(user),
            RangesJudgement.level_id.is_not(None),
            RangesModeration.id.is_(None),
        )
        .order_by(RangesJudgement.judged_on.desc(), RangesJudgement.id)
        .limit(PAGE)
    )
    if setting_id is not None:
        query = query.where(RangesJudgement.setting_id == setting_id)
    return list(db.session.scalars(query))


def open_judgement(user: User, judgement_id: uuid.UUID, viewing: bool) -> RangesJudgement:
    judgement = get_judgement(user, judgement_id)
    if viewing:
        audit.record(
            user,
            AuditAction.VIEW,
            "ranges_judgement",
            judgement.id,
            pupil_id=judgement.pupil_id,
            summary=f"Viewed the judgement of {judgement.area.name} to moderate it",
        )
    return judgement


def moderate(
    user: User,
    judgement: RangesJudgement,
    *,
    agreed: bool | None,
    level_id: uuid.UUID | None,
    comment: str | None,
) -> RangesModeration:
    if judgement.level_id is None:
        raise DomainError("This judgement has not been confirmed yet")
    if agreed is None:
        raise DomainError("Choose whether you agree with the level", field="agreed")
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > MAX_COMMENT:
        raise DomainError(f"Keep the comment to {MAX_COMMENT} characters or fewer", field="comment")
    level = None
    if not agreed:
        level = db.session.get(RangesLevel, level_id) if level_id else None
        if level is None or level.framework_id != judgement.framework_id:
            raise DomainError("Choose the level you would give", field="level")
        if level.id == judgement.level_id:
            raise DomainError(
                "Choose a level other than the SENCO's, or agree with it", field="level"
            )
        if comment is None:
            raise DomainError("Enter a comment for the SENCO", field="comment")
    found = judgement.moderation
    before = (
        {"agreed": found.agreed, "level": found.level.name if found.level else None,
         "comment": found.comment}
        if found else {}
    )  # fmt: skip
    if found is None:
        found = RangesModeration(judgement_id=judgement.id, agreed=bool(agreed))
        judgement.moderation = found
        db.session.add(found)
    found.agreed = bool(agreed)
    found.level_id = level.id if level else None
    found.level = level
    found.comment = comment
    found.moderated_on = date.today()
    found.moderated_by_id = user.id
    versions.save(found)
    audit.record(
        user,
        AuditAction.UPDATE if before else AuditAction.CREATE,
        "ranges_moderation",
        found.id,
        pupil_id=judgement.pupil_id,
        summary=f"Moderated {judgement.area.name}: "
        + ("agreed" if agreed else f"would give {level.name if level else ''}"),
        changes=audit.diff(
            before,
            {"agreed": found.agreed, "level": level.name if level else None, "comment": comment},
        ),
    )
    return found


@dataclass
class Agreement:
    """Judgements moderated and how many the moderator agreed with, for one setting or
    cluster. `rate` is agreed / moderated, a whole percentage rounded half up."""

    name: str
    moderated: int
    agreed: int

    @property
    def rate(self) -> int | None:
        if not self.moderated:
            return None
        return (self.agreed * 200 + self.moderated) // (self.moderated * 2)


def figures(user: User) -> tuple[list[Agreement], list[Agreement]]:
    """Per setting and per cluster, in the user's scope: judgements moderated, agreed."""
    agreed = func.sum(case((RangesModeration.agreed.is_(True), 1), else_=0))
    base = (
        select(Setting.name, Cluster.name, func.count(RangesModeration.id), agreed)
        .select_from(RangesModeration)
        .join(RangesJudgement, RangesJudgement.id == RangesModeration.judgement_id)
        .join(Setting, Setting.id == RangesJudgement.setting_id)
        .outerjoin(Cluster, Cluster.id == Setting.cluster_id)
        .where(moderation_scope(user))
        .group_by(Setting.name, Cluster.name)
        .order_by(Setting.name)
    )
    settings: list[Agreement] = []
    clusters: dict[str, Agreement] = {}
    for setting, cluster, moderated, yes in db.session.execute(base):
        settings.append(Agreement(setting, moderated, int(yes or 0)))
        key = cluster or "No cluster"
        total = clusters.setdefault(key, Agreement(key, 0, 0))
        total.moderated += moderated
        total.agreed += int(yes or 0)
    return settings, sorted(clusters.values(), key=lambda a: a.name)
