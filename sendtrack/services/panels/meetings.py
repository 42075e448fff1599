"""Panel meetings of a cluster: when and where, who sits on it, and the agenda of submitted
referrals. The cluster's Area SEND Lead (or an LA officer) manages them; panel members of
the cluster see them read only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AuditAction,
    Cluster,
    PanelDecision,
    PanelMeeting,
    PanelMember,
    Referral,
    ReferralStatus,
    Role,
    RoleMembership,
    Setting,
    User,
)
from sendtrack.services import audit
from sendtrack.services import versioning as versions
from sendtrack.services.errors import DomainError, NotFound
from sendtrack.services.scoping import agenda_scope, cluster_scope, leads, restricted_pupil_ids
from sendtrack.services.scoping import get_meeting as get_meeting
from sendtrack.services.scoping import get_member as get_member
from sendtrack.services.scoping import meeting_scope as meeting_scope

MEETING_FIELDS = [
    "cluster_id",
    "meeting_date",
    "start_time",
    "location",
    "online_link",
    "chair_name",
    "co_chair_name",
    "status",
]


def get_meeting_page(user: User, meeting_id: uuid.UUID) -> PanelMeeting:
    """get_meeting, with what the meeting page shows loaded up front: the cluster, members,
    and each agenda item's referral, child and setting (a fixed number of queries however
    long the agenda, rather than a few per case). The agenda holds only the items the user
    may see (scoping.agenda_scope): for viewing, never for changing the agenda."""
    meeting = db.session.scalar(
        select(PanelMeeting)
        .where(PanelMeeting.id == meeting_id, meeting_scope(user))
        .options(
            selectinload(PanelMeeting.members),
            selectinload(PanelMeeting.agenda.and_(agenda_scope(user)))
            .selectinload(AgendaItem.referral)
            .options(selectinload(Referral.pupil), selectinload(Referral.setting)),
        )
    )
    if meeting is None:
        raise NotFound("meeting")
    return meeting


def can_manage(user: User, meeting: PanelMeeting) -> bool:
    return leads(user, meeting.cluster_id)


def managed_clusters(user: User) -> list[Cluster]:
    query = select(Cluster).where(Cluster.is_active.is_(True)).order_by(Cluster.name)
    if not user.is_area_wide:
        query = query.where(Cluster.id.in_(user.cluster_ids or {uuid.UUID(int=0)}))
    return list(db.session.scalars(query))


@dataclass
class MeetingList:
    upcoming: list[PanelMeeting]
    past: list[PanelMeeting]
    count: int
    agenda_counts: dict[uuid.UUID, int] = field(default_factory=dict)
    page: int = 1
    pages: int = 1


# Meetings on the same day at the same time keep one order everywhere (the id breaks the
# tie), so the home page's "next meetings" are the first rows of the meetings page and a
# page of past meetings never repeats or skips one.
SOONEST_FIRST = (PanelMeeting.meeting_date, PanelMeeting.start_time, PanelMeeting.id)


def list_meetings(
    user: User,
    *,
    cluster_id: uuid.UUID | None = None,
    page: int = 1,
    page_size: int = 50,
    today: date | None = None,
) -> MeetingList:
    """Upcoming meetings (all of them, soonest first) and one page of past meetings."""
    today = today or date.today()
    clauses: list[ColumnElement[bool]] = [meeting_scope(user)]
    if cluster_id is not None:
        clauses.append(PanelMeeting.cluster_id == cluster_id)
    count = db.session.scalar(select(func.count()).select_from(PanelMeeting).where(*clauses)) or 0
    upcoming = list(
        db.session.scalars(
            select(PanelMeeting)
            .where(*clauses, PanelMeeting.meeting_date >= today)
            .order_by(*SOONEST_FIRST)
        )
    )
    past_count = count - len(upcoming)
    pages = max(1, -(-past_count // page_size))
    page = min(max(page, 1), pages)
    past = list(
        db.session.scalars(
            select(PanelMeeting)
            .where(*clauses, PanelMeeting.meeting_date < today)
            .order_by(
                PanelMeeting.meeting_date.desc(),
                PanelMeeting.start_time.desc(),
                PanelMeeting.id.desc(),
            )
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    )
    ids = [m.id for m in upcoming + past]
    agenda_counts = dict(
        db.session.execute(
            select(AgendaItem.meeting_id, func.count())
            .where(AgendaItem.meeting_id.in_(ids), agenda_scope(user))
            .group_by(AgendaItem.meeting_id)
        ).all()
    )
    return MeetingList(upcoming, past, count, agenda_counts, page, pages)


@dataclass
class MeetingDetails:
    cluster_id: uuid.UUID | None
    meeting_date: date | None
    start_time: time | None = None
    location: str | None = None
    online_link: str | None = None
    chair_name: str | None = None
    co_chair_name: str | None = None


def _check_details(actor: User, details: MeetingDetails, today: date) -> Cluster:
    cluster = db.session.get(Cluster, details.cluster_id) if details.cluster_id else None
    if cluster is None or not leads(actor, cluster.id):
        raise DomainError("Choose the cluster", field="cluster_id")
    if details.meeting_date is None:
        raise DomainError("Enter the date of the meeting", field="meeting_date")
    if details.meeting_date < today:
        raise DomainError(
            "Date of the meeting must be today or in the future", field="meeting_date"
        )
    if not details.location and not details.online_link:
        raise DomainError("Enter where the meeting is, or the online link", field="location")
    link = details.online_link
    if link and not link.lower().startswith("https://"):
        raise DomainError(
            "Online link must be a web address starting with https://", field="online_link"
        )
    return cluster


def _clash(cluster_id: uuid.UUID, on: date, except_id: uuid.UUID | None = None) -> None:
    query = select(PanelMeeting.id).where(
        PanelMeeting.cluster_id == cluster_id, PanelMeeting.meeting_date == on
    )
    if except_id is not None:
        query = query.where(PanelMeeting.id != except_id)
    if db.session.scalar(query) is not None:
        raise DomainError("This cluster already has a meeting on that date", field="meeting_date")


def create_meeting(
    actor: User, details: MeetingDetails, *, today: date | None = None
) -> PanelMeeting:
    today = today or date.today()
    cluster = _check_details(actor, details, today)
    assert details.meeting_date is not None
    _clash(cluster.id, details.meeting_date)
    meeting = PanelMeeting(created_by_id=actor.id, **details.__dict__)
    db.session.add(meeting)
    try:
        db.session.flush()
    except IntegrityError:
        raise DomainError(
            "This cluster already has a meeting on that date", field="meeting_date"
        ) from None
    audit.record_creation(
        actor,
        "panel_meeting",
        meeting,
        MEETING_FIELDS,
        summary=f"{cluster.name} panel on {details.meeting_date.isoformat()}",
    )
    return meeting


def update_meeting(
    actor: User,
    meeting: PanelMeeting,
    details: MeetingDetails,
    *,
    version: int | None,
    today: date | None = None,
) -> PanelMeeting:
    today = today or date.today()
    versions.check(meeting, version)
    if not can_manage(actor, meeting):
        raise DomainError("Only the cluster's Area SEND Lead can change this meeting")
    details.cluster_id = meeting.cluster_id  # a meeting does not move between clusters
    if details.meeting_date != meeting.meeting_date:
        _check_details(actor, details, today)
    else:
        _check_details(actor, MeetingDetails(**{**details.__dict__, "meeting_date": today}), today)
    assert details.meeting_date is not None
    _clash(meeting.cluster_id, details.meeting_date, meeting.id)
    before = audit.snapshot(meeting, MEETING_FIELDS)
    for key, value in details.__dict__.items():
        setattr(meeting, key, value)
    versions.save(meeting)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "panel_meeting",
        meeting.id,
        changes=audit.diff(before, audit.snapshot(meeting, MEETING_FIELDS)),
    )
    return meeting


# --- members ----------------------------------------------------------------------------


def member_user_choices(meeting: PanelMeeting) -> list[User]:
    """People with an account who sit on this cluster's panels or lead it."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleMembership, RoleMembership.user_id == User.id)
            .where(
                RoleMembership.cluster_id == meeting.cluster_id,
                RoleMembership.role.in_([Role.PANEL_MEMBER, Role.AREA_LEAD]),
                User.is_active.is_(True),
            )
            .order_by(User.name)
            .distinct()
        )
    )


def cluster_settings(cluster_id: uuid.UUID) -> list[Setting]:
    return list(
        db.session.scalars(
            select(Setting).where(Setting.cluster_id == cluster_id).order_by(Setting.name)
        )
    )


def add_member(
    actor: User,
    meeting: PanelMeeting,
    name: str | None,
    professional_role: str | None,
    *,
    user_id: uuid.UUID | None = None,
    setting_id: uuid.UUID | None = None,
) -> PanelMember:
    if not can_manage(actor, meeting):
        raise DomainError("Only the cluster's Area SEND Lead can change the members")
    name = (name or "").strip()
    professional_role = (professional_role or "").strip()
    if user_id is not None:
        if user_id not in {u.id for u in member_user_choices(meeting)}:
            raise DomainError("Choose a person from the list", field="user_id")
        if not name:
            user = db.session.get(User, user_id)
            name = user.name if user else ""
    if not name:
        raise DomainError("Enter the member's name", field="name")
    if not professional_role:
        raise DomainError(
            "Enter the member's role, for example educational psychologist",
            field="professional_role",
        )
    if setting_id is not None and setting_id not in {
        s.id for s in cluster_settings(meeting.cluster_id)
    }:
        raise DomainError("Choose a school or setting from the list", field="setting_id")
    member = PanelMember(
        meeting_id=meeting.id,
        name=name,
        professional_role=professional_role,
        user_id=user_id,
        setting_id=setting_id,
    )
    db.session.add(member)
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CREATE,
        "panel_member",
        member.id,
        summary=f"{name} ({professional_role}) added to the panel on "
        f"{meeting.meeting_date.isoformat()}",
    )
    return member


def remove_member(actor: User, member: PanelMember) -> PanelMeeting:
    meeting = member.meeting
    if not can_manage(actor, meeting):
        raise DomainError("Only the cluster's Area SEND Lead can change the members")
    audit.record(
        actor,
        AuditAction.DELETE,
        "panel_member",
        member.id,
        summary=f"{member.name} removed from the panel on {meeting.meeting_date.isoformat()}",
    )
    meeting.members.remove(member)
    db.session.flush()
    return meeting


def setting_names(meeting: PanelMeeting) -> dict[uuid.UUID, str]:
    ids = {m.setting_id for m in meeting.members if m.setting_id}
    if not ids:
        return {}
    return dict(
        db.session.execute(select(Setting.id, Setting.name).where(Setting.id.in_(ids))).all()
    )


def visible_item(user: User, meeting: PanelMeeting, item_id: uuid.UUID | None) -> AgendaItem | None:
    """An item of the meeting's agenda, if the user may see it (scoping.agenda_scope)."""
    if item_id is None:
        return None
    return db.session.scalar(
        select(AgendaItem).where(
            AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id, agenda_scope(user)
        )
    )


def conflicts(meeting: PanelMeeting) -> dict[uuid.UUID, list[PanelMember]]:
    """Agenda item id -> members from the referring school (a declared conflict of interest:
    they do not take part in deciding that case)."""
    found: dict[uuid.UUID, list[PanelMember]] = {}
    for item in meeting.agenda:
        found[item.id] = [m for m in meeting.members if m.setting_id == item.referral.setting_id]
    return found


# --- the agenda -------------------------------------------------------------------------


def candidates(meeting: PanelMeeting) -> list[Referral]:
    """Submitted referrals of the meeting's cluster waiting for a panel."""
    return list(
        db.session.scalars(
            select(Referral)
            .where(
                Referral.cluster_id == meeting.cluster_id,
                Referral.status == ReferralStatus.SUBMITTED,
                Referral.pupil_id.not_in(restricted_pupil_ids()),
            )
            .order_by(Referral.submitted_date, Referral.reference)
            .limit(200)
        )
    )


def _check_agenda_open(actor: User, meeting: PanelMeeting, today: date) -> None:
    if not can_manage(actor, meeting):
        raise DomainError("Only the cluster's Area SEND Lead can change the agenda")
    if meeting.meeting_date < today:
        raise DomainError(
            "This meeting has already taken place: add the referrals to a future meeting",
            field="referral_ids",
        )


def add_to_agenda(
    actor: User,
    meeting: PanelMeeting,
    referral_ids: list[uuid.UUID],
    *,
    today: date | None = None,
) -> int:
    today = today or date.today()
    _check_agenda_open(actor, meeting, today)
    if not referral_ids:
        raise DomainError("Choose at least one referral", field="referral_ids")
    waiting = {r.id: r for r in candidates(meeting)}
    chosen = [waiting.get(rid) for rid in referral_ids]
    if any(r is None for r in chosen):
        raise DomainError(
            "Choose referrals from the list: a referral may have been scheduled or returned "
            "meanwhile",
            field="referral_ids",
        )
    position = max((i.position for i in meeting.agenda), default=0)
    for referral in chosen:
        assert referral is not None
        position += 1
        meeting.agenda.append(AgendaItem(referral_id=referral.id, position=position))
        before = referral.status
        referral.status = ReferralStatus.SCHEDULED
        audit.record(
            actor,
            AuditAction.UPDATE,
            "referral",
            referral.id,
            pupil_id=referral.pupil_id,
            summary=f"Added to the agenda of the panel on {meeting.meeting_date.isoformat()}",
            changes={"status": [before.value, ReferralStatus.SCHEDULED.value]},
        )
    try:
        db.session.flush()
    except StaleDataError:
        raise DomainError(
            "A referral was changed by someone else meanwhile: choose again",
            field="referral_ids",
        ) from None
    return len(chosen)


def _visible_ids(actor: User, meeting: PanelMeeting) -> set[uuid.UUID]:
    return set(
        db.session.scalars(
            select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id, agenda_scope(actor))
        )
    )


def _item(actor: User, meeting: PanelMeeting, item_id: uuid.UUID | None) -> AgendaItem:
    """An agenda item the actor may see: a hidden one is "no longer on the agenda" too."""
    if item_id is not None and item_id in _visible_ids(actor, meeting):
        for item in meeting.agenda:
            if item.id == item_id:
                return item
    raise DomainError("That case is no longer on the agenda")


def move_item(
    actor: User, meeting: PanelMeeting, item_id: uuid.UUID | None, direction: str
) -> None:
    if not can_manage(actor, meeting):
        raise DomainError("Only the cluster's Area SEND Lead can change the agenda")
    items = sorted(meeting.agenda, key=lambda i: i.position)
    item = _item(actor, meeting, item_id)
    # Up or down past the next case the actor sees: a hidden (restricted) case keeps its place.
    shown = _visible_ids(actor, meeting)
    visible = [i for i in items if i.id in shown]
    index = visible.index(item)
    other = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if other is None or not 0 <= other < len(visible):
        return
    a, b = items.index(item), items.index(visible[other])
    items[a], items[b] = items[b], items[a]
    # Positions are renumbered 1..n in two steps so no two items share one mid-way.
    for n, agenda_item in enumerate(items, start=1):
        agenda_item.position = -n
    db.session.flush()
    for n, agenda_item in enumerate(items, start=1):
        agenda_item.position = n
    db.session.flush()
    audit.record(
        actor,
        AuditAction.UPDATE,
        "panel_meeting",
        meeting.id,
        summary=f"Agenda reordered: {item.referral.reference} moved {direction}",
    )


def remove_item(actor: User, meeting: PanelMeeting, item_id: uuid.UUID | None) -> Referral:
    if not can_manage(actor, meeting):
        raise DomainError("Only the cluster's Area SEND Lead can change the agenda")
    item = _item(actor, meeting, item_id)
    referral = item.referral
    decided = db.session.scalar(
        select(PanelDecision.id).where(
            PanelDecision.referral_id == referral.id, PanelDecision.meeting_id == meeting.id
        )
    )
    if decided is not None:
        raise DomainError("This case has a decision from this meeting: it stays on the agenda")
    meeting.agenda.remove(item)
    if referral.status is ReferralStatus.SCHEDULED:
        referral.status = ReferralStatus.SUBMITTED
    for n, agenda_item in enumerate(sorted(meeting.agenda, key=lambda i: i.position), start=1):
        agenda_item.position = n
    db.session.flush()
    audit.record(
        actor,
        AuditAction.UPDATE,
        "referral",
        referral.id,
        pupil_id=referral.pupil_id,
        summary=f"Taken off the agenda of the panel on {meeting.meeting_date.isoformat()}",
        changes={"status": [ReferralStatus.SCHEDULED.value, referral.status.value]},
    )
    return referral


def declare_conflict(
    actor: User,
    meeting: PanelMeeting,
    item_id: uuid.UUID | None,
    text: str | None,
    *,
    version: int | None = None,
) -> AgendaItem:
    """Save the conflicts declared for one case; a form opened before someone else saved
    them is refused (StaleRecord) rather than overwriting what they wrote."""
    if not can_manage(actor, meeting):
        raise DomainError("Only the cluster's Area SEND Lead can record conflicts of interest")
    item = _item(actor, meeting, item_id)
    versions.check(item, version)
    before = item.conflicts_declared
    item.conflicts_declared = (text or "").strip() or None
    versions.save(item)
    audit.record(
        actor,
        AuditAction.UPDATE,
        "agenda_item",
        item.id,
        pupil_id=item.referral.pupil_id,
        summary="Conflicts of interest declared",
        changes={"conflicts_declared": [before, item.conflicts_declared]},
    )
    return item


def decisions_by_referral(meeting: PanelMeeting) -> dict[uuid.UUID, PanelDecision]:
    return {
        d.referral_id: d
        for d in db.session.scalars(
            select(PanelDecision).where(PanelDecision.meeting_id == meeting.id)
        )
    }


def visible_clusters(user: User) -> list[Cluster]:
    return list(
        db.session.scalars(select(Cluster).where(cluster_scope(user)).order_by(Cluster.name))
    )


@dataclass
class UpcomingMeetings:
    meetings: list[PanelMeeting]
    agenda_counts: dict[uuid.UUID, int]


def upcoming_meetings(user: User, *, limit: int = 5, today: date | None = None) -> UpcomingMeetings:
    """The next meetings the user may see, soonest first, with their clusters loaded and
    the number of cases on each agenda: for the home page, in two statements however many
    meetings there are."""
    today = today or date.today()
    found = list(
        db.session.scalars(
            select(PanelMeeting)
            .options(joinedload(PanelMeeting.cluster))
            .where(meeting_scope(user), PanelMeeting.meeting_date >= today)
            .order_by(*SOONEST_FIRST)
            .limit(limit)
        )
    )
    counts: dict[uuid.UUID, int] = {}
    if found:
        counts = dict(
            db.session.execute(
                select(AgendaItem.meeting_id, func.count())
                .where(AgendaItem.meeting_id.in_([m.id for m in found]), agenda_scope(user))
                .group_by(AgendaItem.meeting_id)
            ).all()
        )
    return UpcomingMeetings(found, {m.id: counts.get(m.id, 0) for m in found})
