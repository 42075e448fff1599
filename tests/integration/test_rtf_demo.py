"""The demo RTF step leaves data in every state a demonstration needs.

The core demo step cannot run beside the test world (both make the LA's reference data), so
this builds just the settings and accounts the RTF step uses."""

from __future__ import annotations

from sqlalchemy import delete, select

from sendtrack.demo import DemoContext
from sendtrack.demo.rtf import seed_rtf
from sendtrack.extensions import db
from sendtrack.models import Phase, Role, RtfApplication, RtfBand, RtfDecision, Setting
from sendtrack.services import accounts
from sendtrack.services.accounts import MembershipSpec

PASSWORD = "demo-password-for-tests-2026"


def test_demo_has_budget_bands_and_applications_in_each_state(ctx: None) -> None:
    db.session.execute(delete(RtfBand))  # the test world's bands share the demo's names
    settings = {
        urn: Setting(urn=urn, name=f"Demo {urn}", phase=phase)
        for urn, phase in (
            ("990001", Phase.PRIMARY),
            ("990002", Phase.PRIMARY),
            ("990004", Phase.EARLY_YEARS),
            ("990006", Phase.EARLY_YEARS),
            ("990007", Phase.PRIMARY),
            ("990010", Phase.EARLY_YEARS),
        )
    }
    db.session.add_all(settings.values())
    db.session.flush()
    users = {
        key: accounts.create_user(
            None, email=f"{key}@demo.test", name=key, password=PASSWORD, memberships=[spec]
        )
        for key, spec in (
            ("senco", MembershipSpec(Role.SENCO, settings["990001"].id)),
            ("early_years", MembershipSpec(Role.SENCO, settings["990004"].id)),
            ("other_senco", MembershipSpec(Role.SENCO, settings["990007"].id)),
            ("officer", MembershipSpec(Role.LA_OFFICER)),
        )
    }
    demo = DemoContext(password=PASSWORD, made={"settings": settings, "users": users})
    seed_rtf(demo)
    made: list[RtfApplication] = demo.made["rtf_applications"]
    decisions = [a.decision for a in made]
    assert RtfDecision.APPROVED in decisions and None in decisions
    assert RtfDecision.DECLINED in decisions and RtfDecision.PART_APPROVED in decisions
    followed = [a for a in made if a.follow_up_recorded_on]
    assert len(followed) == 1 and followed[0].linked_at is not None
    assert set(db.session.scalars(select(RtfBand.name))) == {"Standard", "Enhanced"}
