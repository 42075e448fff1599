"""Panel pack records for the test world, and builders for pack tests.

build(): a finished pack version for meeting_a (A side) and meeting_b (B side), with a
tiny stand-in PDF so the route walk can download it without rendering anything.
add_cases(): N referrals on a meeting's agenda, each child with APDR cycles, outcomes,
costed provisions and an earlier panel decision, shaped like demo data.
build_pack(): meeting A's pack, built inline as the background job builds it."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta
from decimal import Decimal

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    ApdrCycle,
    ApdrOutcome,
    CycleStatus,
    DecisionOutcome,
    GeneratedPack,
    NeedCode,
    NextStep,
    PackStatus,
    PanelAction,
    PanelDecision,
    PanelMeeting,
    Progress,
    Provision,
    Referral,
    ReferralStatus,
    RequestType,
    SenStatus,
    Sex,
    WouldRequestEhcna,
)
from sendtrack.services import packs
from sendtrack.services.packs import jobs
from sendtrack.services.pupils import records as pupils
from tests.world import World

STAND_IN_PDF = b"%PDF-1.7\n% stand-in for the route walk\n%%EOF\n"

FORENAMES = ["Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Arthur", "Freya", "Jack"]
SURNAMES = ["Ashworth", "Brennan", "Castell", "Dunmore", "Ellery", "Fairbairn", "Garside"]


def build(w: World, password: str) -> None:
    del password
    for side in ("a", "b"):
        pack = GeneratedPack(
            meeting_id=w[f"meeting_{side}"],
            version_number=1,
            fingerprint="0" * 64,
            status=PackStatus.READY,
            progress_done=2,
            progress_total=2,
            case_count=1,
            page_count=1,
            sha256=hashlib.sha256(STAND_IN_PDF).hexdigest(),
            size_bytes=len(STAND_IN_PDF),
            pdf=STAND_IN_PDF,
            generated_by_name="World",
        )
        db.session.add(pack)
        db.session.flush()
        w.ids[f"pack_{side}"] = pack.id


def child_name(i: int) -> tuple[str, str]:
    return FORENAMES[i % len(FORENAMES)], f"{SURNAMES[i % len(SURNAMES)]}{'ton' * (i // 7)}"


def add_cases(
    meeting_id: uuid.UUID,
    setting_id: uuid.UUID,
    cluster_id: uuid.UUID,
    count: int,
    *,
    first_position: int = 2,
    text: str | None = None,
    cycles: int = 2,
) -> list[uuid.UUID]:
    """Add `count` referred children to the meeting's agenda; returns the referral ids."""
    meeting = db.session.get(PanelMeeting, meeting_id)
    assert meeting is not None
    on = meeting.meeting_date
    body = text or "Finds unstructured times hard; a visual timetable has helped."
    referral_ids = []
    for i in range(count):
        forename, surname = child_name(i)
        pupil = pupils.create_pupil(
            None,
            pupils.PupilDetails(
                legal_surname=surname,
                legal_forename=forename,
                date_of_birth=date(2018, 1, 1) + timedelta(days=37 * i),
                sex=Sex.MALE if i % 2 else Sex.FEMALE,
                setting_id=setting_id,
                upn=None,
                panel_consent=True,
                panel_consent_date=on - timedelta(days=40),
                panel_consent_recorded_by="Test",
            ),
            sen_status=SenStatus.SEN_SUPPORT,
            status_since=on - timedelta(days=300),
            needs=[NeedCode.SLCN, NeedCode.SEMH],
        )
        db.session.flush()
        for number in range(1, cycles + 1):
            cycle = ApdrCycle(
                pupil_id=pupil.id,
                setting_id=setting_id,
                number=number,
                status=CycleStatus.REVIEWED if number == 1 else CycleStatus.OPEN,
                needs_summary=body,
                start_date=on - timedelta(days=300 - 120 * number),
                review_date=on - timedelta(days=200 - 120 * number),
                reviewed_on=on - timedelta(days=190) if number == 1 else None,
                impact_notes=body if number == 1 else None,
                next_step=NextStep.REFER_TO_PANEL if number == 1 else None,
            )
            cycle.outcomes = [
                ApdrOutcome(
                    position=k,
                    description=f"{body} (outcome {k})",
                    success_criteria="Seen in 4 of 5 sessions",
                    progress=Progress.PARTLY if number == 1 else None,
                )
                for k in (1, 2)
            ]
            cycle.provisions = [
                Provision(
                    position=k,
                    description=f"Small-group intervention {k}",
                    frequency="3 times a week",
                    group_size=3,
                    delivered_by="Teaching assistant",
                    minutes_per_week=90,
                    weeks=38,
                    annual_cost=Decimal(2200 + 100 * k),
                )
                for k in (1, 2, 3)
            ]
            db.session.add(cycle)
        earlier = Referral(
            reference=f"REF-EARLY-{meeting_id.hex[:6]}-{i:03d}",
            pupil_id=pupil.id,
            setting_id=setting_id,
            cluster_id=cluster_id,
            status=ReferralStatus.DECIDED,
            request_type=RequestType.ADVICE,
            reason="First request",
        )
        db.session.add(earlier)
        db.session.flush()
        db.session.add(
            PanelDecision(
                referral_id=earlier.id,
                decision_date=on - timedelta(days=180),
                outcome=DecisionOutcome.ADVICE,
                rationale="Advice on a visual timetable",
            )
        )
        referral = Referral(
            reference=f"REF-PACK-{meeting_id.hex[:6]}-{i:03d}",
            pupil_id=pupil.id,
            setting_id=setting_id,
            cluster_id=cluster_id,
            status=ReferralStatus.SCHEDULED,
            request_type=RequestType.BOTH,
            amount_requested=Decimal("2500"),
            reason=body,
            child_views=f"I like reading with Mrs Patel. {body}",
            parent_views=body,
            professionals_involved="Educational psychologist; speech and language therapist",
            would_request_ehcna=WouldRequestEhcna.YES,
            submitted_date=on - timedelta(days=20),
        )
        db.session.add(referral)
        db.session.flush()
        db.session.add(
            AgendaItem(meeting_id=meeting_id, referral_id=referral.id, position=first_position + i)
        )
        referral_ids.append(referral.id)
    db.session.flush()
    return referral_ids


def decide(referral_id: uuid.UUID, meeting_id: uuid.UUID, amount: str = "1800") -> PanelDecision:
    meeting = db.session.get(PanelMeeting, meeting_id)
    assert meeting is not None
    decision = PanelDecision(
        referral_id=referral_id,
        meeting_id=meeting_id,
        decision_date=meeting.meeting_date,
        outcome=DecisionOutcome.ADVICE_AND_RESOURCES,
        rationale="Strong evidence of a graduated approach",
        advice_given="Use a now-and-next board",
        amount_awarded=Decimal(amount),
        award_start=meeting.meeting_date,
        award_end=meeting.meeting_date + timedelta(days=180),
        review_date=meeting.meeting_date + timedelta(days=120),
    )
    decision.actions = [
        PanelAction(
            description="Share the speech and language therapy report",
            owner="SENCO",
            due_date=meeting.meeting_date + timedelta(days=14),
        )
    ]
    db.session.add(decision)
    db.session.flush()
    return decision


def build_pack(w: World, pseudonymised: bool = False) -> GeneratedPack:
    """Meeting A's pack built inline, as the background job would build it (or the pack
    already built from the same content)."""
    request = packs.request_build(None, w.get(PanelMeeting, "meeting_a"), pseudonymised)
    if not request.reused:
        jobs.run_inline(request.pack)
    return request.pack
