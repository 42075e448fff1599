"""Referrals: consent before submission, drafts, return for more information and
resubmission, withdrawal, bad input, and two clients editing one referral at once."""

from __future__ import annotations

import uuid

from flask import Flask
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    ApdrOutcome,
    AuditEvent,
    Pupil,
    Referral,
    ReferralStatus,
)
from tests.conftest import client_for
from tests.integration.panels_helpers import count, referral_form, version_in
from tests.world import World


def _new(app: Flask, world: World, **overrides: object) -> tuple[int, str]:
    senco = client_for(app, "senco")
    response = senco.post(
        f"/children/{world['pupil_a_quiet']}/referrals/new", data=referral_form(**overrides)
    )
    return response.status_code, response.get_data(as_text=True)


def _only_referral(world: World) -> Referral:
    return db.session.scalars(
        select(Referral).where(Referral.pupil_id == world["pupil_a_quiet"])
    ).one()


def _no_consent(app: Flask, world: World) -> None:
    with app.app_context():
        child = db.session.get(Pupil, world["pupil_a_quiet"])
        assert child is not None
        child.panel_consent = False
        db.session.commit()


def test_a_child_without_consent_cannot_be_referred_but_a_draft_can_be_kept(
    app: Flask, world: World
) -> None:
    _no_consent(app, world)
    senco = client_for(app, "senco")
    url = f"/children/{world['pupil_a_quiet']}/referrals/new"
    assert "have not yet agreed" in senco.get(url).get_data(as_text=True)
    response = senco.post(url, data=referral_form())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "You cannot submit this referral until the child" in page
    assert "Reading age three years behind" in page  # what was typed is kept
    with app.app_context():
        assert count(Referral, Referral.pupil_id == world["pupil_a_quiet"]) == 0
    response = senco.post(url, data=referral_form(submit=None, save_draft="Save as draft"))
    assert response.status_code == 302
    with app.app_context():
        draft = _only_referral(world)
        assert draft.status is ReferralStatus.DRAFT and draft.submitted_date is None
        draft_id = draft.id
    response = senco.post(
        f"/referrals/{draft_id}/submit", data={"version": "1"}, follow_redirects=True
    )
    assert "You cannot submit this referral until the child" in response.get_data(as_text=True)
    with app.app_context():
        assert _only_referral(world).status is ReferralStatus.DRAFT
    # A draft is the school's own: the lead does not see it.
    assert client_for(app, "lead").get(f"/referrals/{draft_id}").status_code == 404


def test_bad_referral_input_gets_clear_messages_and_saves_nothing(app: Flask, world: World) -> None:
    for overrides, message in (
        ({"amount_requested": "-50"}, "Amount requested must be £0 or more"),
        ({"amount_requested": "lots"}, "Amount requested must be an amount in pounds"),
        ({"amount_requested": ""}, "Enter how much money the school is asking for"),
        ({"request_type": "advice", "amount_requested": "100"}, "Leave the amount blank"),
        ({"reason": ""}, "Enter the reason for the referral"),
        ({"request_type": None}, "Choose what the school is asking for"),
        ({"would_request_ehcna": "maybe"}, "Say whether you would request an EHC needs"),
    ):
        status, page = _new(app, world, **overrides)
        assert status == 400, overrides
        assert message in page.replace("&#39;", "'"), (overrides, message)
        assert "Error: " in page
    with app.app_context():
        assert count(Referral, Referral.pupil_id == world["pupil_a_quiet"]) == 0


def test_returned_for_more_information_then_resubmitted(app: Flask, world: World) -> None:
    status, _ = _new(app, world)
    assert status == 302
    with app.app_context():
        referral_id = _only_referral(world).id
    lead = client_for(app, "lead")
    url = f"/referrals/{referral_id}/return"
    assert lead.post(url, data={"reason": ""}).status_code == 400
    response = lead.post(url, data={"reason": "Attach the latest reading assessment"})
    assert response.status_code == 302
    senco = client_for(app, "senco")
    page = senco.get(f"/referrals/{referral_id}").get_data(as_text=True)
    assert "Returned for more information" in page and "latest reading assessment" in page
    edit = senco.get(f"/referrals/{referral_id}/edit").get_data(as_text=True)
    assert "Attach the latest reading assessment" in edit
    # The reason is shown inside real markup, escaped itself, never the markup as text.
    for html in (page, edit):
        assert "<strong>Returned for more information:</strong> Attach the latest" in html
        assert "&lt;strong&gt;" not in html
    response = senco.post(
        f"/referrals/{referral_id}/edit",
        data=referral_form(reason="Reading assessment of March attached", version=version_in(edit)),
    )
    assert response.status_code == 302
    with app.app_context():
        referral = _only_referral(world)
        assert referral.status is ReferralStatus.SUBMITTED
        assert referral.reason == "Reading assessment of March attached"
        trail = db.session.scalars(
            select(AuditEvent.summary).where(AuditEvent.object_id == str(referral_id))
        ).all()
        assert "Referral returned for more information" in trail
        assert "Referral resubmitted" in trail
    # The school may withdraw a referral; a withdrawn referral cannot be edited.
    response = senco.post(f"/referrals/{referral_id}/withdraw", data={"reason": "Moved school"})
    assert response.status_code == 302
    with app.app_context():
        assert _only_referral(world).status is ReferralStatus.WITHDRAWN
    response = senco.get(f"/referrals/{referral_id}/edit")
    assert response.status_code == 302


def test_the_referral_shows_the_childs_needs_and_apdr_history(app: Flask, world: World) -> None:
    with app.app_context():
        # The test world gives pupil_a an open cycle: add an outcome and this page must show it.
        cycle = world.get(ApdrCycle, "cycle_a")
        cycle.needs_summary = "Limited vocabulary, anxious in groups"
        cycle.outcomes.append(ApdrOutcome(position=9, description="Uses 50 new words"))
        db.session.commit()
    page = client_for(app, "lead").get(f"/referrals/{world['referral_a']}").get_data(as_text=True)
    assert "Limited vocabulary, anxious in groups" in page and "Uses 50 new words" in page
    assert "Speech, language and communication needs" in page


def test_two_clients_editing_one_referral(app: Flask, world: World) -> None:
    """Both load the edit form and both save: the second is told, sees both versions, and
    keeps what they typed; nothing is overwritten silently."""
    status, _ = _new(app, world, submit=None, save_draft="Save as draft")
    assert status == 302
    with app.app_context():
        referral_id: uuid.UUID = _only_referral(world).id
    first, second = client_for(app, "senco"), client_for(app, "senco")
    url = f"/referrals/{referral_id}/edit"
    version_first = version_in(first.get(url).get_data(as_text=True))
    version_second = version_in(second.get(url).get_data(as_text=True))
    assert version_first == version_second
    saved = first.post(
        url,
        data=referral_form(
            reason="First: reading and spelling",
            version=version_first,
            submit=None,
            save_draft="Save as draft",
        ),
    )
    assert saved.status_code == 302
    clash = second.post(
        url,
        data=referral_form(
            reason="Second: maths too",
            version=version_second,
            submit=None,
            save_draft="Save as draft",
        ),
    )
    assert clash.status_code == 409
    page = clash.get_data(as_text=True)
    assert "This record was changed by someone else" in page
    assert "The saved version" in page and "First: reading and spelling" in page
    assert "Second: maths too" in page  # their input is kept in the form
    with app.app_context():
        assert _only_referral(world).reason == "First: reading and spelling"
    # Having seen both, saving again replaces the saved version knowingly.
    again = second.post(
        url,
        data=referral_form(
            reason="Second: maths too",
            version=version_in(page),
            submit=None,
            save_draft="Save as draft",
        ),
    )
    assert again.status_code == 302
    with app.app_context():
        assert _only_referral(world).reason == "Second: maths too"
