"""What may this user see? Every read that takes an id goes through here with the acting
user, and anything outside the user's scope is reported as not found (a 404, never a 403,
so that a guessed id does not even confirm a record exists).

Scopes, from the domain guide:
- SENCO: children on the roll of their own settings;
- Area SEND Lead: children referred (beyond draft) to panels in their clusters;
- panel member: children on the agenda of meetings in the clusters they sit on;
- LA officer and administrator: the whole area, including restricted records.
Restricted children are hidden from everyone but LA officers and administrators.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    Cluster,
    PanelMeeting,
    Pupil,
    Referral,
    ReferralStatus,
    Setting,
    User,
)
from sendtrack.services.errors import NotFound


def pupil_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Pupil limiting rows to those `user` may see."""
    if user.is_area_wide:
        return Pupil.id.is_not(None)
    clauses: list[ColumnElement[bool]] = []
    if user.setting_ids:
        clauses.append(Pupil.setting_id.in_(user.setting_ids))
    if user.cluster_ids:
        clauses.append(
            exists().where(
                Referral.pupil_id == Pupil.id,
                Referral.cluster_id.in_(user.cluster_ids),
                Referral.status != ReferralStatus.DRAFT,
            )
        )
    if user.panel_cluster_ids:
        clauses.append(
            exists().where(
                Referral.pupil_id == Pupil.id,
                AgendaItem.referral_id == Referral.id,
                AgendaItem.meeting_id == PanelMeeting.id,
                PanelMeeting.cluster_id.in_(user.panel_cluster_ids),
            )
        )
    if not clauses:
        return false()
    return and_(Pupil.is_restricted.is_(False), or_(*clauses))


def visible_pupils(user: User) -> Any:
    return select(Pupil).where(pupil_scope(user))


def get_pupil(user: User, pupil_id: uuid.UUID) -> Pupil:
    pupil = db.session.scalar(select(Pupil).where(Pupil.id == pupil_id, pupil_scope(user)))
    if pupil is None:
        raise NotFound("child")
    return pupil


def setting_scope(user: User) -> ColumnElement[bool]:
    """Settings a user works with: their own (SENCO), their clusters' (lead), or all."""
    if user.is_area_wide:
        return Setting.id.is_not(None)
    clauses: list[ColumnElement[bool]] = []
    if user.setting_ids:
        clauses.append(Setting.id.in_(user.setting_ids))
    clusters = user.cluster_ids | user.panel_cluster_ids
    if clusters:
        clauses.append(Setting.cluster_id.in_(clusters))
    return or_(*clauses) if clauses else false()


def cluster_scope(user: User) -> ColumnElement[bool]:
    if user.is_area_wide:
        return Cluster.id.is_not(None)
    clusters = user.cluster_ids | user.panel_cluster_ids
    return Cluster.id.in_(clusters) if clusters else false()


def get_setting(user: User, setting_id: uuid.UUID) -> Setting:
    setting = db.session.scalar(
        select(Setting).where(Setting.id == setting_id, setting_scope(user))
    )
    if setting is None:
        raise NotFound("setting")
    return setting


def get_cluster(user: User, cluster_id: uuid.UUID) -> Cluster:
    cluster = db.session.scalar(
        select(Cluster).where(Cluster.id == cluster_id, cluster_scope(user))
    )
    if cluster is None:
        raise NotFound("cluster")
    return cluster


def restricted_pupil_ids() -> Select[uuid.UUID]:
    """The restricted children's ids, for `Model.pupil_id.not_in(restricted_pupil_ids())`.

    Equivalent to "NOT EXISTS (restricted pupil of this row)" for a non-null pupil_id, but
    the database reads the (few) restricted children once, through ix_pupil_restricted,
    instead of looking up every row's child: that look-up per row made each count of a
    large school's or cluster's referrals cost tens of milliseconds. An alias, so the
    subquery keeps its own FROM when the outer query joins Pupil."""
    from sqlalchemy.orm import aliased

    restricted = aliased(Pupil)
    return select(restricted.id).where(restricted.is_restricted.is_(True))


def may_read_packs_naming_removed_children(user: User) -> bool:
    """A panel pack version that names a child since taken off the meeting's agenda: LA
    officers and administrators only; the lead and panel members read the current version
    (issue 19, R11)."""
    return user.is_area_wide
