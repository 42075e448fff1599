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
    AuditAction,
    Cluster,
    GeneratedPack,
    PackStatus,
    PanelMeeting,
    User,
)
from sendtrack.services import audit, scoping
from sendtrack.services.errors import NotFound
from sendtrack.services.packs import build, data
from sendtrack.services.scoping import get_pack as get_pack

# A build still "in progress" after this long died with its process: it may be rebuilt.
STALE_AFTER = timedelta(minutes=20)


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
    started = pack.generated_at
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return datetime.now(UTC) - started > STALE_AFTER


@dataclass
class Snapshot:
    meeting: dict[str, Any]
    cases: list[dict[str, Any]]
    fingerprint: str


def snapshot(meeting: PanelMeeting, pseudonymised: bool) -> Snapshot:
    meeting_dict = data.meeting_data(meeting)
    cases = data.case_data(meeting, pseudonymised)
    return Snapshot(meeting_dict, cases, build.fingerprint(meeting_dict, cases, pseudonymised))


@dataclass
class BuildRequest:
    pack: GeneratedPack
    reused: bool


def request_build(user: User | None, meeting: PanelMeeting, pseudonymised: bool) -> BuildRequest:
    """Record the choice on the meeting; reuse the matching version or queue a new one."""
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
    fingerprint = snapshot(meeting, pseudonymised).fingerprint
    for existing in versions(meeting):
        usable = existing.status is not PackStatus.FAILED and not is_stale(existing)
        if existing.fingerprint == fingerprint and usable:
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


def download(user: User | None, pack: GeneratedPack) -> bytes:
    """The stored PDF, with one audit row per download."""
    if pack.status is not PackStatus.READY or pack.pdf is None:
        raise NotFound("finished pack")
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
    from sendtrack.permissions import Permission, user_has

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
            }
            for p in scoping.visible_packs(user, versions(meeting))
        ],
    }
