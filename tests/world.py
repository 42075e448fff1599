"""The standard test world: an "A" side that the scoped test accounts belong to and a "B"
side that they must never see.

    cluster A: settings a1 (primary), a2 (primary), ey_a (early years)
    cluster B: setting b1 (primary)
    accounts:  senco (a1), senco_a2 (a2), senco_b (b1), lead (A), lead_b (B), panel (A),
               officer, admin
    children:  pupil_a (a1, referred to A and on meeting_a's agenda), pupil_a_quiet (a1, never
               referred), pupil_b (b1, referred to B, on meeting_b), pupil_restricted (a1,
               with a record of every kind: tests/world_restricted.py, which also adds a
               decided referral on no agenda, pupil_unscheduled's)

Features extend build_world with their own records (an A-side and a B-side one) and add
their URL parameters to ROUTE_PARAMS so the route x role x scope test can reach them.
World keeps ids only: objects belong to sessions, ids outlive them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sendtrack.extensions import db
from sendtrack.models import (
    AgendaItem,
    Cluster,
    ClusterBudget,
    LocalAuthority,
    NeedCode,
    PanelMeeting,
    Phase,
    Referral,
    ReferralStatus,
    RequestType,
    Role,
    SenStatus,
    Setting,
    Sex,
    UnitRate,
    WouldRequestEhcna,
)
from sendtrack.school_year import financial_year_of
from sendtrack.services import accounts
from sendtrack.services.accounts import MembershipSpec
from sendtrack.services.pupils import records as pupils
from tests.clock import TODAY

EMAILS = {
    "senco": "senco.a1@test.example",
    "senco_a2": "senco.a2@test.example",
    "senco_b": "senco.b1@test.example",
    "ey_senco": "senco.ey@test.example",
    "lead": "lead.a@test.example",
    "lead_b": "lead.b@test.example",
    "panel": "panel.a@test.example",
    "officer": "officer@test.example",
    "admin": "admin@test.example",
}

# URL parameter -> (world key in scope for the A-side accounts, world key out of their scope).
ROUTE_PARAMS: dict[str, tuple[str, str]] = {
    "pupil_id": ("pupil_a", "pupil_b"),
    "referral_id": ("referral_a", "referral_b"),
    "meeting_id": ("meeting_a", "meeting_b"),
    "setting_id": ("a1", "b1"),
    "cluster_id": ("A", "B"),
    "user_id": ("senco", "senco_b"),
}

# URL parameters that are not record ids: sample values.
PLAIN_PARAMS = {
    "filename": "css/app.css",
    "kind": "pupils",
    "token": "x",
    "fmt": "csv",
    "position": "1",
    "direction": "up",
    "status": "overdue",
    "provider": "test",  # a single sign-on provider (none configured: 404)
}

T = TypeVar("T")


@dataclass
class World:
    ids: dict[str, uuid.UUID] = field(default_factory=dict)

    def __getitem__(self, key: str) -> uuid.UUID:
        return self.ids[key]

    def get(self, model: type[T], key: str) -> T:
        obj = db.session.get(model, self.ids[key])
        assert obj is not None, key
        return obj

    def reload(self) -> World:
        return self


def child_form(world: World, **changes: Any) -> dict[str, Any]:
    """What the new-child form posts for a child at setting a1, with `changes` over it."""
    data: dict[str, Any] = {
        "legal_forename": "Tilly",
        "legal_surname": "Validate",
        "date_of_birth": ["4", "5", "2018"],
        "sex": "F",
        "upn": "",
        "setting_id": str(world["a1"]),
        "sen_status": "K",
        "status_since": ["1", "9", str(TODAY.year - 1)],
        "primary_need": "SLCN",
    }
    data.update(changes)
    return data


# Features append builders here: fn(world, password) adding their A-side and B-side records.
EXTRA_BUILDERS: list[Callable[[World, str], None]] = []


def build_world(password: str) -> World:
    w = World()
    today = TODAY
    db.session.add(LocalAuthority(name="Testshire County Council", la_code="936"))
    db.session.add(UnitRate(staff_role="Teaching assistant", hourly_rate=Decimal("20.00")))
    clusters = {k: Cluster(name=f"Cluster {k}", quorum=2) for k in ("A", "B")}
    db.session.add_all(clusters.values())
    db.session.flush()
    for key, c in clusters.items():
        w.ids[key] = c.id
        db.session.add(
            ClusterBudget(
                cluster_id=c.id,
                financial_year=financial_year_of(today),
                allocation=Decimal("10000"),
            )
        )
    settings = {
        "a1": Setting(
            urn="100001", name="A One Primary", phase=Phase.PRIMARY, cluster_id=clusters["A"].id
        ),
        "a2": Setting(
            urn="100002", name="A Two Primary", phase=Phase.PRIMARY, cluster_id=clusters["A"].id
        ),
        "ey_a": Setting(
            urn="100003",
            name="A Early Years Nursery",
            phase=Phase.EARLY_YEARS,
            cluster_id=clusters["A"].id,
        ),
        "b1": Setting(
            urn="200001", name="B One Primary", phase=Phase.PRIMARY, cluster_id=clusters["B"].id
        ),
    }
    db.session.add_all(settings.values())
    db.session.flush()
    for key, s in settings.items():
        w.ids[key] = s.id

    memberships = {
        "senco": [MembershipSpec(Role.SENCO, settings["a1"].id)],
        "senco_a2": [MembershipSpec(Role.SENCO, settings["a2"].id)],
        "senco_b": [MembershipSpec(Role.SENCO, settings["b1"].id)],
        "ey_senco": [MembershipSpec(Role.SENCO, settings["ey_a"].id)],
        "lead": [MembershipSpec(Role.AREA_LEAD, cluster_id=clusters["A"].id)],
        "lead_b": [MembershipSpec(Role.AREA_LEAD, cluster_id=clusters["B"].id)],
        "panel": [MembershipSpec(Role.PANEL_MEMBER, cluster_id=clusters["A"].id)],
        "officer": [MembershipSpec(Role.LA_OFFICER)],
        "admin": [MembershipSpec(Role.ADMIN)],
    }
    for key, specs in memberships.items():
        user = accounts.create_user(
            None,
            email=EMAILS[key],
            name=key.replace("_", " ").title(),
            password=password,
            memberships=specs,
        )
        w.ids[key] = user.id

    def child(key: str, setting: str, surname: str, upn: str | None, **extra: Any) -> None:
        p = pupils.create_pupil(
            None,
            pupils.PupilDetails(
                legal_surname=surname,
                legal_forename="Test",
                date_of_birth=date(2017, 3, 14),
                sex=Sex.FEMALE,
                setting_id=settings[setting].id,
                upn=upn,
                panel_consent=True,
                panel_consent_date=today - timedelta(days=30),
                panel_consent_recorded_by="Test",
            ),
            sen_status=SenStatus.SEN_SUPPORT,
            status_since=today - timedelta(days=200),
            needs=[NeedCode.SLCN, NeedCode.SEMH],
        )
        for k, v in extra.items():
            setattr(p, k, v)
        w.ids[key] = p.id

    child("pupil_a", "a1", "Alphason", "V936100117001")
    child("pupil_a_quiet", "a1", "Quietley", None)
    child("pupil_b", "b1", "Betason", None)
    child("pupil_restricted", "a1", "Hiddenly", None, is_restricted=True)
    db.session.flush()

    meetings = {}
    for side, cluster_key in (("a", "A"), ("b", "B")):
        m = PanelMeeting(
            cluster_id=clusters[cluster_key].id,
            meeting_date=today + timedelta(days=14),
            start_time=time(9, 30),
            location="Town Hall",
            chair_name="Chair Person",
        )
        db.session.add(m)
        db.session.flush()
        meetings[side] = m
        w.ids[f"meeting_{side}"] = m.id
    for side, pupil_key, setting_key, cluster_key in (
        ("a", "pupil_a", "a1", "A"),
        ("b", "pupil_b", "b1", "B"),
    ):
        r = Referral(
            reference=f"REF-TEST-{side.upper()}",
            pupil_id=w.ids[pupil_key],
            setting_id=settings[setting_key].id,
            cluster_id=clusters[cluster_key].id,
            status=ReferralStatus.SCHEDULED,
            request_type=RequestType.BOTH,
            amount_requested=Decimal("1500"),
            reason="Needs a boost with communication",
            would_request_ehcna=WouldRequestEhcna.YES,
            submitted_date=today - timedelta(days=10),
        )
        db.session.add(r)
        db.session.flush()
        w.ids[f"referral_{side}"] = r.id
        db.session.add(AgendaItem(meeting_id=meetings[side].id, referral_id=r.id, position=1))
    db.session.flush()
    for builder in EXTRA_BUILDERS:
        builder(w, password)
        db.session.flush()
    return w


from tests import world_rtf  # noqa: E402

EXTRA_BUILDERS.append(world_rtf.build)
ROUTE_PARAMS["application_id"] = ("rtf_a", "rtf_b")

from tests import world_ehcna  # noqa: E402

EXTRA_BUILDERS.append(world_ehcna.build)
ROUTE_PARAMS["request_id"] = ("request_a", "request_b")
ROUTE_PARAMS["exception_id"] = ("exception_a", "exception_b")
ROUTE_PARAMS["review_id"] = ("review_a", "review_b")
from tests import world_register  # noqa: E402

EXTRA_BUILDERS.append(world_register.build)
ROUTE_PARAMS["cycle_id"] = ("cycle_a", "cycle_b")
ROUTE_PARAMS["outcome_id"] = ("outcome_a", "outcome_b")
ROUTE_PARAMS["provision_id"] = ("provision_a", "provision_b")
from tests import world_admin  # noqa: E402

EXTRA_BUILDERS.append(world_admin.build)
ROUTE_PARAMS["unit_rate_id"] = ("unit_rate_a", "unit_rate_b")
ROUTE_PARAMS["upload_id"] = ("upload_a", "upload_b")
from tests import world_panels  # noqa: E402

EXTRA_BUILDERS.append(world_panels.build)
ROUTE_PARAMS["decision_id"] = ("decision_a", "decision_b")
ROUTE_PARAMS["action_id"] = ("action_a", "action_b")
ROUTE_PARAMS["member_id"] = ("member_a", "member_b")
from tests import world_packs  # noqa: E402

EXTRA_BUILDERS.append(world_packs.build)
ROUTE_PARAMS["pack_id"] = ("pack_a", "pack_b")
from tests import world_restricted  # noqa: E402

EXTRA_BUILDERS.append(world_restricted.build)
from tests import world_contacts  # noqa: E402

EXTRA_BUILDERS.append(world_contacts.build)
ROUTE_PARAMS["contact_id"] = ("contact_a", "contact_b")
ROUTE_PARAMS["event_id"] = ("event_a", "event_b")
from tests import world_ranges  # noqa: E402

EXTRA_BUILDERS.append(world_ranges.build)
ROUTE_PARAMS["draft_area_id"] = ("ranges_draft_area_a", "ranges_draft_area_b")
ROUTE_PARAMS["draft_level_id"] = ("ranges_draft_level_a", "ranges_draft_level_b")
ROUTE_PARAMS["item_id"] = ("ranges_item_a", "ranges_item_b")
ROUTE_PARAMS["area_id"] = ("ranges_area_a", "ranges_area_b")
ROUTE_PARAMS["judgement_id"] = ("ranges_judgement_a", "ranges_judgement_b")
world_restricted.RESTRICTED_PARAMS["judgement_id"] = "ranges_judgement_restricted"
