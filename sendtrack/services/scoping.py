"""What may this user see? Every read that takes an id goes through here with the acting
user, and anything outside the user's scope is reported as not found (a 404, never a 403,
so that a guessed id does not even confirm a record exists).

Scopes, from the domain guide:
- SENCO: children on the roll of their own settings;
- Area SEND Lead: children referred (beyond draft) to panels in their clusters;
- panel member: children on the agenda of meetings in the clusters they sit on;
- LA officer and administrator: the whole area, including restricted records.
Restricted children are hidden from everyone but LA officers and administrators: every
record about one (referral, decision and its actions, agenda item, RTF application, EHCNA
request, APDR cycle, annual review, a stored pack that includes their case) is outside the
scope of everyone else. A pack is a document shared with the whole panel, so a restricted
child's case is left out of every new pack, whoever builds it (pack_case_scope).

This module is the only place these rules are written. Other services import the scopes
and the `get_*` functions from here; documents (outcome letters, decision records, packs)
use the same functions as the pages, so a page and its PDF can never disagree.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.base import ExecutableOption

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AnnualReview,
    ApdrCycle,
    Cluster,
    Contact,
    ContactEvent,
    EhcnaRequest,
    GeneratedPack,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    Pupil,
    RangesJudgement,
    Referral,
    ReferralStatus,
    RtfApplication,
    Setting,
    TimescaleException,
    User,
)
from sendtrack.services.errors import NotFound

T = TypeVar("T")
# Rows that belong to one child and are seen by whoever may see the child.
ChildRow = TypeVar("ChildRow", AnnualReview, ApdrCycle)


def _one(query: Select[T], what: str) -> T:
    """The one row `query` finds, or NotFound (a 404) when it is missing or out of scope."""
    found = db.session.scalar(query)
    if found is None:
        raise NotFound(what)
    return found


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
    return and_(unrestricted_pupil(), or_(*clauses))


def unrestricted_pupil() -> ColumnElement[bool]:
    """Pupil rows that are not restricted: for the few searches that look beyond a user's
    scope on purpose (a receiving school looking for a child transferring in)."""
    return Pupil.is_restricted.is_(False)


def visible_pupils(user: User) -> Any:
    return select(Pupil).where(pupil_scope(user))


def get_pupil(user: User, pupil_id: uuid.UUID) -> Pupil:
    return _one(select(Pupil).where(Pupil.id == pupil_id, pupil_scope(user)), "child")


def get_of_child(user: User, model: type[ChildRow], row_id: uuid.UUID, what: str) -> ChildRow:
    """A row of a child's record (an annual review, an APDR cycle), if the user may see the
    child; else NotFound naming `what`."""
    return _one(
        select(model)
        .join(Pupil, Pupil.id == model.pupil_id)
        .where(model.id == row_id, pupil_scope(user)),
        what,
    )


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


def own_setting_scope(user: User) -> ColumnElement[bool]:
    """The settings a user works in as a SENCO (their register, RTF and transfer choices),
    or all for the area-wide; a lead's clusters' settings are not their own."""
    if user.is_area_wide:
        return Setting.id.is_not(None)
    return Setting.id.in_(user.setting_ids) if user.setting_ids else false()


def works_at(user: User, setting_id: uuid.UUID | None) -> bool:
    """The same rule as own_setting_scope, for one setting already in hand: the user works
    there as a SENCO, or is area-wide (the settings they may act for: apply, refer, move a
    child to, record a follow-up)."""
    return user.is_area_wide or (setting_id is not None and setting_id in user.setting_ids)


def leads(user: User, cluster_id: uuid.UUID | None) -> bool:
    """The user is the Area SEND Lead of this cluster, or is area-wide (who may run its
    meetings and record its decisions)."""
    return user.is_area_wide or (cluster_id is not None and cluster_id in user.cluster_ids)


def cluster_scope(user: User) -> ColumnElement[bool]:
    if user.is_area_wide:
        return Cluster.id.is_not(None)
    clusters = user.cluster_ids | user.panel_cluster_ids
    return Cluster.id.in_(clusters) if clusters else false()


def get_setting(user: User, setting_id: uuid.UUID) -> Setting:
    return _one(select(Setting).where(Setting.id == setting_id, setting_scope(user)), "setting")


def get_cluster(user: User, cluster_id: uuid.UUID) -> Cluster:
    return _one(select(Cluster).where(Cluster.id == cluster_id, cluster_scope(user)), "cluster")


def restricted_pupil_ids() -> Select[uuid.UUID]:
    """The restricted children's ids, for `Model.pupil_id.not_in(restricted_pupil_ids())`.

    Equivalent to "NOT EXISTS (restricted pupil of this row)" for a non-null pupil_id, but
    the database reads the (few) restricted children once, through ix_pupil_restricted,
    instead of looking up every row's child: that look-up per row made each count of a
    large school's or cluster's referrals cost tens of milliseconds. An alias, so the
    subquery keeps its own FROM when the outer query joins Pupil."""
    restricted = aliased(Pupil)
    return select(restricted.id).where(restricted.is_restricted.is_(True))


def restricted_referral_ids() -> Select[uuid.UUID]:
    """The ids of restricted children's referrals (few: read through ix_referral_pupil)."""
    return select(Referral.id).where(Referral.pupil_id.in_(restricted_pupil_ids()))


# --- referrals and decisions ------------------------------------------------------------


def referral_scope(user: User) -> ColumnElement[bool]:
    """SENCOs: their settings' referrals (drafts too). Area SEND Leads: their clusters'
    referrals beyond draft. Panel members: referrals on the agenda of a meeting of a cluster
    they sit on (not every referral of the cluster: most decided referrals of a cluster were
    never on an agenda). LA officers and administrators: all."""
    if user.is_area_wide:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if user.setting_ids:
        clauses.append(Referral.setting_id.in_(user.setting_ids))
    if user.cluster_ids:
        clauses.append(
            and_(
                Referral.cluster_id.in_(user.cluster_ids),
                Referral.status != ReferralStatus.DRAFT,
            )
        )
    if user.panel_cluster_ids:
        clauses.append(
            exists().where(
                AgendaItem.referral_id == Referral.id,
                AgendaItem.meeting_id == PanelMeeting.id,
                PanelMeeting.cluster_id.in_(user.panel_cluster_ids),
            )
        )
    if not clauses:
        return false()
    return and_(or_(*clauses), Referral.pupil_id.not_in(restricted_pupil_ids()))


def visible_referrals(user: User) -> Select[Referral]:
    return select(Referral).where(referral_scope(user))


def get_referral(user: User, referral_id: uuid.UUID) -> Referral:
    return _one(
        select(Referral).where(Referral.id == referral_id, referral_scope(user)), "referral"
    )


def decision_scope(user: User) -> ColumnElement[bool]:
    """Decisions on the referrals the user may see."""
    # Every decision belongs to a referral, so for the area-wide this is "all": saying so
    # directly spares the database a lookup of every referral.
    if user.is_area_wide:
        return true()
    return PanelDecision.referral_id.in_(select(Referral.id).where(referral_scope(user)))


def get_decision(user: User, decision_id: uuid.UUID) -> PanelDecision:
    return _one(
        select(PanelDecision).where(PanelDecision.id == decision_id, decision_scope(user)),
        "decision",
    )


def get_action(user: User, action_id: uuid.UUID) -> PanelAction:
    return _one(
        select(PanelAction)
        .join(PanelDecision, PanelDecision.id == PanelAction.decision_id)
        .where(PanelAction.id == action_id, decision_scope(user)),
        "action",
    )


# --- meetings, agendas and packs ----------------------------------------------------------


def meeting_scope(user: User) -> ColumnElement[bool]:
    """Meetings of the clusters a user leads or sits on the panel of."""
    if user.is_area_wide:
        return true()
    clusters = user.cluster_ids | user.panel_cluster_ids
    return PanelMeeting.cluster_id.in_(clusters) if clusters else false()


def get_meeting(user: User, meeting_id: uuid.UUID, *options: ExecutableOption) -> PanelMeeting:
    return _one(
        select(PanelMeeting)
        .where(PanelMeeting.id == meeting_id, meeting_scope(user))
        .options(*options),
        "meeting",
    )


def get_member(user: User, member_id: uuid.UUID) -> PanelMember:
    return _one(
        select(PanelMember)
        .join(PanelMeeting, PanelMeeting.id == PanelMember.meeting_id)
        .where(PanelMember.id == member_id, meeting_scope(user)),
        "member",
    )


def agenda_scope(user: User | None) -> ColumnElement[bool]:
    """The agenda items of a meeting (in meeting_scope) the user may see: all but those
    about restricted children, for all but the area-wide. `None` is the command line."""
    if user is None or user.is_area_wide:
        return true()
    return pack_case_scope()


def pack_case_scope() -> ColumnElement[bool]:
    """The agenda items a pack may include. A pack is shared with the whole panel (and kept
    and downloaded after the meeting), so a restricted child's case is left out of every
    pack, whoever builds it: officers read that child's case from the child's record."""
    return AgendaItem.referral_id.not_in(restricted_referral_ids())


def _pack_referral_ids(pack: GeneratedPack) -> set[str]:
    # A finished pack's case pages are keyed by the referral ids of the cases it includes.
    return {key for key in (pack.case_pages or {}) if key != "__front__"}


def packs_with_restricted_children(packs: list[GeneratedPack]) -> set[uuid.UUID]:
    """The ids of those packs that include a case of a child restricted now (one query)."""
    wanted = {rid for pack in packs for rid in _pack_referral_ids(pack)}
    if not wanted:
        return set()
    ids = [uuid.UUID(rid) for rid in wanted]
    restricted = {
        str(rid)
        for rid in db.session.scalars(
            select(Referral.id).where(
                Referral.id.in_(ids), Referral.pupil_id.in_(restricted_pupil_ids())
            )
        )
    }
    return {pack.id for pack in packs if _pack_referral_ids(pack) & restricted}


def visible_packs(user: User, packs: list[GeneratedPack]) -> list[GeneratedPack]:
    """Those of a meeting's pack versions the user may see: a pack built before one of its
    children was restricted is for the area-wide only."""
    if user.is_area_wide:
        return packs
    hidden = packs_with_restricted_children(packs)
    return [pack for pack in packs if pack.id not in hidden]


def get_pack(user: User, pack_id: uuid.UUID) -> GeneratedPack:
    pack = db.session.scalar(
        select(GeneratedPack)
        .join(PanelMeeting, GeneratedPack.meeting_id == PanelMeeting.id)
        .where(GeneratedPack.id == pack_id, meeting_scope(user))
    )
    if pack is None or not visible_packs(user, [pack]):
        raise NotFound("pack")
    return pack


# --- RTF applications and EHCNA requests --------------------------------------------------


def application_scope(user: User) -> ColumnElement[bool]:
    """SENCOs see RTF applications of their early-years setting, receiving school or
    applying setting; LA officers and administrators see all."""
    if user.is_area_wide:
        return true()
    ids = user.setting_ids
    if not ids:
        return false()
    return and_(
        or_(
            RtfApplication.early_years_setting_id.in_(ids),
            RtfApplication.receiving_setting_id.in_(ids),
            RtfApplication.applied_by_setting_id.in_(ids),
        ),
        RtfApplication.pupil_id.not_in(restricted_pupil_ids()),
    )


def get_application(user: User, application_id: uuid.UUID) -> RtfApplication:
    return _one(
        select(RtfApplication).where(RtfApplication.id == application_id, application_scope(user)),
        "application",
    )


def request_scope(user: User) -> ColumnElement[bool]:
    """LA officers and administrators see every EHCNA request; a SENCO sees requests made for
    their settings' children (by the setting at the time, or the child's setting now)."""
    if user.is_area_wide:
        return true()
    ids = user.setting_ids
    if not ids:
        return false()
    # The same rule as "the request's child is not restricted and is at one of the settings,
    # or the request came from one", written so the database starts from the settings'
    # requests and children (indexes) instead of checking every request in the county.
    # An alias, so the subquery keeps its own FROM when the outer query joins Pupil.
    child = aliased(Pupil)
    return and_(
        or_(
            EhcnaRequest.setting_id.in_(ids),
            EhcnaRequest.pupil_id.in_(select(child.id).where(child.setting_id.in_(ids))),
        ),
        EhcnaRequest.pupil_id.not_in(restricted_pupil_ids()),
    )


def get_request(user: User, request_id: uuid.UUID) -> EhcnaRequest:
    return _one(
        select(EhcnaRequest).where(EhcnaRequest.id == request_id, request_scope(user)), "request"
    )


def get_exception(user: User, exception_id: uuid.UUID) -> TimescaleException:
    return _one(
        select(TimescaleException)
        .join(EhcnaRequest, EhcnaRequest.id == TimescaleException.request_id)
        .where(TimescaleException.id == exception_id, request_scope(user)),
        "exception",
    )


def may_read_packs_naming_removed_children(user: User) -> bool:
    """A panel pack version that names a child since taken off the meeting's agenda: LA
    officers and administrators only; the lead and panel members read the current version
    (issue 19, R11)."""
    return user.is_area_wide


# --- advice and support contacts ----------------------------------------------------------


def contact_setting_scope(user: User) -> ColumnElement[bool]:
    """The settings a user may record contacts for and read contacts of: their own (SENCO,
    reading only), their clusters' (Area SEND Lead, local-area SENCO), or all."""
    if user.is_area_wide:
        return Setting.id.is_not(None)
    clauses: list[ColumnElement[bool]] = []
    if user.setting_ids:
        clauses.append(Setting.id.in_(user.setting_ids))
    if user.cluster_ids:
        clauses.append(Setting.cluster_id.in_(user.cluster_ids))
    return or_(*clauses) if clauses else false()


def contact_scope(user: User) -> ColumnElement[bool]:
    """Contacts about the settings in contact_setting_scope. A contact about a restricted
    child is hidden like the rest of the child's record (LA officers and administrators
    only); a panel member sees none (no contact permission, and no setting here)."""
    if user.is_area_wide:
        return true()
    settings = select(Setting.id).where(contact_setting_scope(user))
    return and_(
        Contact.setting_id.in_(settings),
        or_(Contact.pupil_id.is_(None), Contact.pupil_id.not_in(restricted_pupil_ids())),
    )


def get_contact(user: User, contact_id: uuid.UUID) -> Contact:
    return _one(select(Contact).where(Contact.id == contact_id, contact_scope(user)), "contact")


def get_contact_setting(user: User, setting_id: uuid.UUID) -> Setting:
    return _one(
        select(Setting).where(Setting.id == setting_id, contact_setting_scope(user)), "setting"
    )


def event_scope(user: User) -> ColumnElement[bool]:
    """Events (training, network meetings, drop-ins) a user may see: those a setting in
    their contact scope attended, or that they recorded; all for the area-wide. An event
    names no child."""
    if user.is_area_wide:
        return true()
    settings = select(Setting.id).where(contact_setting_scope(user))
    return or_(
        ContactEvent.recorded_by_id == user.id,
        exists().where(Contact.event_id == ContactEvent.id, Contact.setting_id.in_(settings)),
    )


def get_event(user: User, event_id: uuid.UUID) -> ContactEvent:
    return _one(select(ContactEvent).where(ContactEvent.id == event_id, event_scope(user)), "event")


def moderation_scope(user: User) -> ColumnElement[bool]:
    """Judgements of a child's level (ranges) a user may moderate: those made in their
    clusters' settings (Area SEND Lead), or all (area-wide). A restricted child's are only
    for the area-wide. The moderator reads the judgement, not the child's record."""
    if user.is_area_wide:
        return RangesJudgement.id.is_not(None)
    if not user.cluster_ids:
        return false()
    return and_(
        RangesJudgement.setting_id.in_(
            select(Setting.id).where(Setting.cluster_id.in_(user.cluster_ids))
        ),
        RangesJudgement.pupil_id.not_in(restricted_pupil_ids()),
    )


def get_judgement(user: User, judgement_id: uuid.UUID) -> RangesJudgement:
    return _one(
        select(RangesJudgement).where(RangesJudgement.id == judgement_id, moderation_scope(user)),
        "judgement",
    )
