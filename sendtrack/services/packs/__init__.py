"""Panel packs: build a version, list versions, download one (audited), and the decision
record and outcome letters. Reads take the acting user and go through services.scoping:
outside the user's scope -> NotFound.

A build request records the pseudonymise choice on the meeting and either reuses the
version whose fingerprint matches (same agenda, same case data, same templates) or adds a
new queued version, which services.packs.jobs renders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    AuditAction,
    Cluster,
    GeneratedPack,
    PackStatus,
    PanelMeeting,
    Referral,
    User,
)
from sendtrack.role_permissions import Permission, user_has
from sendtrack.services import audit, scoping, transactions
from sendtrack.services.errors import NotFound
from sendtrack.services.packs import build, data, pseudonyms
from sendtrack.services.scoping import get_pack as get_pack

# A build's worker stamps its version every few seconds (jobs.HEARTBEAT_SECONDS); a version
# still "in progress" with no stamp for this long lost its worker (the process died), so it
# shows as failed and a build request makes a new version instead of reusing it.
STALE_AFTER = timedelta(minutes=2)


def get_meeting(user: User, meeting_id: uuid.UUID) -> PanelMeeting:
    """The meeting, its members, and the agenda items the user may see (the letters listed)."""
    return scoping.get_meeting(
        user,
        meeting_id,
        selectinload(PanelMeeting.members),
        selectinload(PanelMeeting.agenda.and_(scoping.agenda_scope(user))),
    )


def find_meeting(cluster_name: str, meeting_date: Any) -> PanelMeeting:
    """The CLI's way in: a meeting by cluster name and date."""
    meeting = db.session.scalar(
        select(PanelMeeting)
        .join(Cluster, PanelMeeting.cluster_id == Cluster.id)
        .where(Cluster.name == cluster_name, PanelMeeting.meeting_date == meeting_date)
    )
    if meeting is None:
        raise NotFound("panel meeting")
    return meeting


def versions(meeting: PanelMeeting) -> list[GeneratedPack]:
    return list(
        db.session.scalars(
            select(GeneratedPack)
            .where(GeneratedPack.meeting_id == meeting.id)
            .order_by(GeneratedPack.version_number.desc())
        )
    )


def is_stale(pack: GeneratedPack) -> bool:
    if pack.status not in (PackStatus.QUEUED, PackStatus.BUILDING):
        return False
    seen = pack.heartbeat_at or pack.generated_at
    if seen.tzinfo is None:
        seen = seen.replace(tzinfo=UTC)
    return datetime.now(UTC) - seen > STALE_AFTER


@dataclass
class Snapshot:
    meeting: dict[str, Any]
    cases: list[dict[str, Any]]
    fingerprint: str
    referral_ids: list[str]
    pupil_ids: list[str]
    names: pseudonyms.Pseudonyms  # the children on the pack, for the final check


def snapshot(meeting: PanelMeeting, pseudonymised: bool) -> Snapshot:
    meeting_dict = data.meeting_data(meeting)
    cases = data.case_data(meeting, pseudonymised)
    referral_ids = [c["referral_id"] for c in cases]
    pupils = {
        str(r.id): r.pupil
        for r in db.session.scalars(
            select(Referral)
            .where(Referral.id.in_([uuid.UUID(i) for i in referral_ids]))
            .options(selectinload(Referral.pupil))
        )
    }
    children = [pupils[i] for i in referral_ids]
    names = pseudonyms.Pseudonyms([pseudonyms.child(p) for p in children])
    if pseudonymised:
        # The cover's free text too (place, chair, members): a relative on the panel.
        meeting_dict = names.replaced(meeting_dict)
    return Snapshot(
        meeting_dict,
        cases,
        build.fingerprint(meeting_dict, cases, pseudonymised),
        referral_ids,
        list(dict.fromkeys(str(p.id) for p in children)),
        names,
    )


def _take_turn(meeting: PanelMeeting) -> None:
    transactions.take_write_lock()
    db.session.execute(
        select(PanelMeeting.id)
        .where(PanelMeeting.id == meeting.id)
        .with_for_update()  # PostgreSQL; SQLite has no row locks and needs none here
    )
    db.session.refresh(meeting, ["pseudonymised_pack"])


@dataclass
class BuildRequest:
    pack: GeneratedPack
    reused: bool


def request_build(user: User | None, meeting: PanelMeeting, pseudonymised: bool) -> BuildRequest:
    """Record the choice on the meeting; reuse the matching version or queue a new one.
    Requests for one meeting take turns (its row locked; SQLite's write lock), so requests
    that collide see each other's version: three at once give one build."""
    _take_turn(meeting)
    if meeting.pseudonymised_pack != pseudonymised:
        audit.record(
            user,
            AuditAction.UPDATE,
            "panel_meeting",
            meeting.id,
            summary="Panel pack pseudonymise choice",
            changes={"pseudonymised_pack": [meeting.pseudonymised_pack, pseudonymised]},
        )
        meeting.pseudonymised_pack = pseudonymised
    snap = snapshot(meeting, pseudonymised)
    fingerprint = snap.fingerprint
    for existing in versions(meeting):
        if existing.fingerprint != fingerprint or existing.status is PackStatus.FAILED:
            continue
        if is_stale(existing):  # its worker died: build it again
            existing.status = PackStatus.FAILED
            existing.error = "The build stopped (its worker ended) and was started again"
            continue
        if existing.referral_ids is None:
            # Built before its cases were recorded: the same fingerprint proves these.
            existing.referral_ids, existing.pupil_ids = snap.referral_ids, snap.pupil_ids
        return BuildRequest(existing, reused=True)
    number = (
        db.session.scalar(
            select(func.max(GeneratedPack.version_number)).where(
                GeneratedPack.meeting_id == meeting.id
            )
        )
        or 0
    ) + 1
    pack = GeneratedPack(
        meeting_id=meeting.id,
        version_number=number,
        pseudonymised=pseudonymised,
        fingerprint=fingerprint,
        status=PackStatus.QUEUED,
        generated_by_id=user.id if user else None,
        generated_by_name=user.name if user else "Command line",
    )
    db.session.add(pack)
    db.session.flush()
    audit.record(
        user,
        AuditAction.CREATE,
        "generated_pack",
        pack.id,
        summary=f"Panel pack version {number} for {data.meeting_title(meeting)}"
        + (" (pseudonymised)" if pseudonymised else ""),
    )
    return BuildRequest(pack, reused=False)


@dataclass
class Agenda:
    """The referrals and children on a meeting's agenda now."""

    referral_ids: set[str]
    pupil_ids: set[str]


def current_agenda(meeting_id: uuid.UUID) -> Agenda:
    rows = db.session.execute(
        select(AgendaItem.referral_id, Referral.pupil_id)
        .join(Referral, AgendaItem.referral_id == Referral.id)
        # The cases a pack may hold (a restricted child's never): the same rule as the build.
        .where(AgendaItem.meeting_id == meeting_id, scoping.pack_case_scope())
    ).all()
    return Agenda({str(r) for r, _ in rows}, {str(p) for _, p in rows})


@dataclass
class Currency:
    superseded: bool  # built from an agenda that is no longer the meeting's
    names_removed_child: bool  # names a child no longer on the agenda


def currency(pack: GeneratedPack, agenda: Agenda) -> Currency:
    if pack.status is not PackStatus.READY:
        return Currency(False, False)
    if pack.referral_ids is None:
        # Built before versions recorded their cases: only the count can be compared, and
        # a different count may hide a child since removed.
        changed = pack.case_count != len(agenda.referral_ids)
        return Currency(changed, changed)
    return Currency(
        set(pack.referral_ids) != agenda.referral_ids,
        bool(set(pack.pupil_ids or []) - agenda.pupil_ids),
    )


def may_download(user: User | None, pack: GeneratedPack, agenda: Agenda | None = None) -> bool:
    """A superseded version naming a child taken off the agenda is for LA officers and
    administrators only (the CLI, user None, runs as the council)."""
    if not currency(pack, agenda or current_agenda(pack.meeting_id)).names_removed_child:
        return True
    return user is None or scoping.may_read_packs_naming_removed_children(user)


def download(user: User | None, pack: GeneratedPack) -> bytes:
    """The stored PDF, with one audit row per download."""
    if pack.status is not PackStatus.READY or pack.pdf is None:
        raise NotFound("finished pack")
    if not may_download(user, pack):
        raise NotFound("pack")
    audit.record(
        user,
        AuditAction.DOWNLOAD,
        "generated_pack",
        pack.id,
        summary=f"Panel pack version {pack.version_number} ({pack.sha256})",
    )
    return pack.pdf


def file_name(pack: GeneratedPack) -> str:
    meeting = pack.meeting
    kind = "-pseudonymised" if pack.pseudonymised else ""
    return f"panel-pack-{meeting.meeting_date.isoformat()}-v{pack.version_number}{kind}.pdf"


def summary_for(user: User, meeting: PanelMeeting) -> dict[str, Any]:
    """Plain data for the meeting page's pack section."""
    agenda = current_agenda(meeting.id)
    return {
        "meeting_id": meeting.id,
        "pseudonymised": meeting.pseudonymised_pack,
        "can_build": user_has(user, Permission.MANAGE_PANELS),
        "versions": [
            {
                "id": p.id,
                "version": p.version_number,
                "status": p.status,
                "status_label": "Failed" if is_stale(p) else p.status.label,
                "pseudonymised": p.pseudonymised,
                "pages": p.page_count,
                "sha256": p.sha256,
                "generated_at": p.generated_at,
                "generated_by": p.generated_by_name,
                "ready": p.status is PackStatus.READY,
                "superseded": currency(p, agenda).superseded,
                "may_download": may_download(user, p, agenda),
            }
            for p in scoping.visible_packs(user, versions(meeting))
        ],
    }


def state_for(user: User, pack: GeneratedPack) -> dict[str, Any]:
    """What the pack page says about the version being current, and whether it offers it."""
    agenda = current_agenda(pack.meeting_id)
    found = currency(pack, agenda)
    return {
        "superseded": found.superseded,
        "names_removed_child": found.names_removed_child,
        "may_download": may_download(user, pack, agenda),
    }
