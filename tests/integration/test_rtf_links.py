"""An RTF award follows the child into the receiving school when the child joins it (a
transfer, a pupil import) or when the award is made for a child already there (an RTF
decision). The home page then only reads the link: opening it writes nothing."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import AuditEvent, Pupil, RtfApplication, RtfDecision, User
from sendtrack.services.imports import run_import
from sendtrack.services.pupils import transfers
from sendtrack.services.rtf import applications as rtf
from sendtrack.services.rtf import links as rtf_links
from tests.clock import TODAY
from tests.world import EMAILS, World


def _officer() -> User:
    return db.session.scalars(select(User).where(User.email == EMAILS["officer"])).one()


def _application(world: World, key: str) -> RtfApplication:
    application = db.session.get(RtfApplication, world[key])
    assert application is not None
    return application


def _link_events(application: RtfApplication) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == str(application.id),
                AuditEvent.summary == rtf_links.ON_ROLL,
            )
        )
    )


def test_a_transfer_into_the_receiving_school_links_the_award(ctx: None, world: World) -> None:
    award = _application(world, "rtf_a")
    child = db.session.get(Pupil, world["rtf_child_a"])
    assert child is not None and award.linked_at is None
    transfers.transfer(_officer(), child, world["a2"], TODAY, None)
    assert award.linked_at is None  # another school: the award stays where it was
    transfers.transfer(_officer(), child, world["a1"], TODAY, None)
    assert award.linked_at is not None
    (event,) = _link_events(award)
    assert event.user_id is None and event.pupil_id == child.id


def test_a_pupil_import_that_moves_the_child_links_the_award(ctx: None, world: World) -> None:
    award = _application(world, "rtf_a")
    child = db.session.get(Pupil, world["rtf_child_a"])
    assert child is not None and award.linked_at is None
    csv = (
        "surname,forename,date_of_birth,sex,setting_urn,sen_status\n"
        f"Acornley,Rosa,{child.date_of_birth.isoformat()},F,100001,K\n"
    )
    result = run_import("pupils", csv.encode(), actor=None)
    assert result.updated == 1 and child.setting_id == world["a1"]
    assert award.linked_at is not None and len(_link_events(award)) == 1


def test_a_decision_for_a_child_already_on_the_roll_links_the_award(
    ctx: None, world: World
) -> None:
    application = _application(world, "rtf_b")
    assert application.pupil.setting_id == application.receiving_setting_id
    rtf.decide(
        _officer(),
        application,
        RtfDecision.APPROVED,
        Decimal("2000"),
        None,
        band_id=world["band_standard"],
    )
    assert application.linked_at is not None and len(_link_events(application)) == 1


def test_the_upgrade_command_links_awards_of_children_already_there(
    app: Flask, world: World
) -> None:
    """Children who joined before links were made on joining: `flask link-rtf-awards`."""
    with app.app_context():
        child = db.session.get(Pupil, world["rtf_child_a"])
        assert child is not None
        child.setting_id = world["a1"]  # an old record: moved before the link was automatic
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["link-rtf-awards"])
    assert result.exit_code == 0 and "Linked 1 award(s)." in result.output
    with app.app_context():
        award = _application(world, "rtf_a")
        assert award.linked_at is not None and len(_link_events(award)) == 1
    again = app.test_cli_runner().invoke(args=["link-rtf-awards"])
    assert "Linked 0 award(s)." in again.output
