"""Who the support reaches: the figures page's counts against answers counted by hand from
the world, and each figure equal to the list behind it (settings with no contact, children
followed by a referral or request, children contacted more than once).

The world's contacts (tests/world_contacts.py), all in the financial year 2026-27:
contact_a (a1, pupil_a, TODAY-20), contact_b (b1, pupil_b, TODAY-15), contact_restricted
(a1, pupil_restricted, TODAY-12), contact_a2 (a2, no child, TODAY-3). Referrals submitted
after them: referral_a and referral_b (TODAY-10), referral_restricted (TODAY)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    Contact,
    ContactChannel,
    EhcnaRequest,
    Referral,
    ReferralStatus,
    RequestSource,
    RequestType,
    Setting,
    User,
)
from sendtrack.services.contacts import figures
from tests.clock import TODAY
from tests.world import World

YEAR = "2026-27"


def _user(world: World, key: str) -> User:
    user = db.session.get(User, world[key])
    assert user is not None
    return user


def _contact(world: World, setting: str, on: date, child: str | None = None) -> None:
    db.session.add(
        Contact(
            contact_date=on,
            channel=ContactChannel.PHONE,
            setting_id=world[setting],
            pupil_id=world[child] if child else None,
            question="Test",
            recorded_by_id=world["officer"],
        )
    )
    db.session.flush()


def test_the_officers_figures_equal_their_lists(ctx: None, world: World) -> None:
    officer = _user(world, "officer")
    period = figures.choose(YEAR, "6")
    found = figures.figures(officer, period)
    settings = db.session.scalars(select(Setting.name).where(Setting.is_active.is_(True))).all()
    contacted = {"A One Primary", "B One Primary", "A Two Primary"}
    assert (found.total, found.settings, found.children) == (4, 3, 3)
    assert found.minutes == 20 + 10 + 30
    assert found.no_contact == len(settings) - 3
    assert sorted(s.name for s in figures.no_contact_list(officer, period)) == sorted(
        set(settings) - contacted
    )
    followed = figures.children_list(officer, period, "followed")
    assert found.followed == len(followed) == 3
    assert {r.pupil.id for r in followed} == {
        world["pupil_a"],
        world["pupil_b"],
        world["pupil_restricted"],
    }
    assert found.repeat_children == len(figures.children_list(officer, period, "repeat")) == 0
    assert dict(found.by_channel) == {"Phone": 1, "Email": 1, "Visit": 1, "Drop-in": 1}
    assert dict(found.by_cluster) == {"Cluster A": 3, "Cluster B": 1}
    # TODAY - 20 is 29 October; the other three are in November.
    assert found.by_month == [("2026-10", 1), ("2026-11", 3)]


def test_a_leads_figures_cover_their_clusters(ctx: None, world: World) -> None:
    lead = _user(world, "lead")
    period = figures.choose(YEAR, "6")
    found = figures.figures(lead, period)
    # contact_a, contact_restricted (a1) and contact_a2 (a2); ey_a has none.
    assert (found.total, found.settings, found.children) == (3, 2, 2)
    assert found.no_contact == 1
    assert [s.name for s in figures.no_contact_list(lead, period)] == ["A Early Years Nursery"]
    assert found.followed == 2


def test_the_follow_up_window_ends_on_its_last_day(ctx: None, world: World) -> None:
    officer = _user(world, "officer")
    # pupil_a_quiet: a contact on 1 May, an EHCNA request on 1 July (two months on); a
    # draft referral and a request before the contact do not count.
    _contact(world, "a1", date(2026, 5, 1), "pupil_a_quiet")
    db.session.add(
        EhcnaRequest(
            reference="EHCNA-WINDOW",
            pupil_id=world["pupil_a_quiet"],
            setting_id=world["a1"],
            received_date=date(2026, 7, 1),
            request_source=RequestSource.SETTING,
        )
    )
    db.session.flush()
    quiet = world["pupil_a_quiet"]
    two = figures.children_list(officer, figures.choose(YEAR, "2"), "followed")
    one = figures.children_list(officer, figures.choose(YEAR, "1"), "followed")
    assert quiet in {r.pupil.id for r in two}
    assert quiet not in {r.pupil.id for r in one}
    assert figures.figures(officer, figures.choose(YEAR, "2")).followed == len(two)
    assert figures.figures(officer, figures.choose(YEAR, "1")).followed == len(one)


def test_referrals_before_the_contact_or_in_draft_do_not_count(ctx: None, world: World) -> None:
    officer = _user(world, "officer")
    _contact(world, "a1", TODAY - timedelta(days=5), "pupil_a_quiet")
    for status, submitted in (
        (ReferralStatus.SUBMITTED, TODAY - timedelta(days=6)),
        (ReferralStatus.DRAFT, TODAY),
    ):
        db.session.add(
            Referral(
                reference=f"REF-QUIET-{status.value}",
                pupil_id=world["pupil_a_quiet"],
                setting_id=world["a1"],
                cluster_id=world["A"],
                status=status,
                request_type=RequestType.ADVICE,
                submitted_date=submitted,
            )
        )
    db.session.flush()
    rows = figures.children_list(officer, figures.choose(YEAR, "6"), "followed")
    assert world["pupil_a_quiet"] not in {r.pupil.id for r in rows}


def test_repeat_contacts_about_one_child(ctx: None, world: World) -> None:
    officer = _user(world, "officer")
    _contact(world, "a1", TODAY - timedelta(days=1), "pupil_a")
    period = figures.choose(YEAR, "6")
    rows = figures.children_list(officer, period, "repeat")
    assert [(r.pupil.id, r.value) for r in rows] == [(world["pupil_a"], 2)]
    assert figures.figures(officer, period).repeat_children == 1


def test_the_pages_show_the_figures_and_their_lists(world: World, as_user: Any) -> None:
    client = as_user("officer")
    page = client.get(f"/contacts/figures?year={YEAR}&months=6").get_data(as_text=True)
    assert "Who the support reaches" in page and "never an early-support episode" in page
    listed = client.get(f"/contacts/figures/no-contact?year={YEAR}").get_data(as_text=True)
    assert "A Early Years Nursery" in listed and "A One Primary" not in listed
    children = client.get(f"/contacts/figures/children?which=followed&year={YEAR}")
    text = children.get_data(as_text=True)
    assert "Alphason" in text and "Betason" in text and "Hiddenly" in text


def test_leads_see_figures_but_not_the_children_behind_them(world: World, as_user: Any) -> None:
    client = as_user("lead")
    page = client.get(f"/contacts/figures?year={YEAR}")
    assert page.status_code == 200
    assert "/contacts/figures/children" not in page.get_data(as_text=True)
    assert client.get("/contacts/figures/children").status_code == 403
    listed = client.get(f"/contacts/figures/no-contact?year={YEAR}").get_data(as_text=True)
    assert "A Early Years Nursery" in listed and "B One Primary" not in listed
