"""Judging a child's level per area in the APDR assess step: tick descriptors, see the
suggested level (the highest with a tick), confirm it or override it with a reason; the
cycle page and the child record show the levels, with history across cycles; a judgement
keeps the words of the version it was made against."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    AuditAction,
    AuditEvent,
    CycleStatus,
    Pupil,
    RangesArea,
    RangesFramework,
    RangesJudgement,
    User,
)
from sendtrack.services.pupils import apdr
from sendtrack.services.ranges import frameworks
from tests.clock import TODAY
from tests.conftest import sign_in
from tests.world import EMAILS, World


def client_for(app: Flask, key: str) -> FlaskClient:
    client = app.test_client()
    sign_in(client, EMAILS[key])
    return client


def _cycle_version(app: Flask, cycle_id: object) -> str:
    with app.app_context():
        cycle = db.session.get(ApdrCycle, cycle_id)
        assert cycle is not None
        return str(cycle.version)


def _descriptors(app: Flask, area_id: object) -> dict[str, str]:
    """Wording -> id of an area's descriptors."""
    with app.app_context():
        area = db.session.get(RangesArea, area_id)
        assert area is not None
        return {d.wording: str(d.id) for d in area.descriptors}


def test_senco_ticks_sees_the_suggestion_and_overrides_with_a_reason(
    app: Flask, world: World
) -> None:
    senco = client_for(app, "senco")
    cycle, area = world["cycle_a"], world["ranges_area_b"]
    url = f"/ranges/cycles/{cycle}/areas/{area}"
    page = senco.get(url).get_data(as_text=True)
    assert "Social, emotional and mental health: which descriptors fit?" in page
    assert "Version 1 of the ranges framework" in page
    words = _descriptors(app, area)
    # Nothing ticked is refused with the GOV.UK message.
    response = senco.post(url, data={"version": _cycle_version(app, cycle)})
    assert response.status_code == 400
    assert "Tick at least one descriptor that fits the child" in response.get_data(as_text=True)
    response = senco.post(
        url,
        data={
            "version": _cycle_version(app, cycle),
            "descriptors": [
                words["Social, emotional and mental health: needs a little help"],
                words["Social, emotional and mental health: needs regular help"],
                "not-an-id",
            ],
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{url}/level")
    page = senco.get(f"{url}/level").get_data(as_text=True)
    assert "Suggested level: Targeted" in page
    with app.app_context():
        framework = db.session.get(RangesFramework, world["ranges_v1"])
        assert framework is not None
        universal, targeted = (str(lv.id) for lv in framework.levels)
    # A level other than the suggestion needs a reason; what was chosen is kept.
    response = senco.post(
        f"{url}/level", data={"version": _cycle_version(app, cycle), "level": universal}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter why the level differs from the suggested level" in page
    assert f'value="{universal}" checked' in page
    response = senco.post(
        f"{url}/level",
        data={
            "version": _cycle_version(app, cycle),
            "level": universal,
            "reason": "The help is needed only at lunchtimes",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        judgement = db.session.scalars(
            select(RangesJudgement).where(
                RangesJudgement.cycle_id == cycle, RangesJudgement.area_id == area
            )
        ).one()
        assert judgement.suggested_level is not None and judgement.level is not None
        assert (judgement.suggested_level.name, judgement.level.name) == ("Targeted", "Universal")
        assert judgement.reason == "The help is needed only at lunchtimes"
        assert len(judgement.ticks) == 2
        events = db.session.scalars(
            select(AuditEvent.summary).where(
                AuditEvent.object_type == "ranges_judgement",
                AuditEvent.pupil_id == world["pupil_a"],
            )
        ).all()
        assert any("Confirmed Social, emotional and mental health at Universal" in (e or "")
                   for e in events)  # fmt: skip
        viewed = db.session.scalars(
            select(AuditEvent.summary).where(
                AuditEvent.action == AuditAction.VIEW, AuditEvent.pupil_id == world["pupil_a"]
            )
        ).all()
        assert any("Social, emotional and mental health descriptors" in (e or "") for e in viewed)
    cycle_page = senco.get(f"/pupils/cycles/{cycle}").get_data(as_text=True)
    assert "Suggested Targeted; The help is needed only at lunchtimes" in cycle_page
    record = senco.get(f"/pupils/{world['pupil_a']}").get_data(as_text=True)
    assert "Levels of need (ranges)" in record and "Universal" in record
    # Confirming the suggestion clears the reason.
    response = senco.post(
        f"{url}/level",
        data={"version": _cycle_version(app, cycle), "level": targeted, "reason": "ignored"},
    )
    assert response.status_code == 302
    with app.app_context():
        judgement = db.session.scalars(
            select(RangesJudgement).where(
                RangesJudgement.cycle_id == cycle, RangesJudgement.area_id == area
            )
        ).one()
        assert judgement.level is not None and judgement.level.name == "Targeted"
        assert judgement.reason is None


def test_a_stale_cycle_version_is_refused(app: Flask, world: World) -> None:
    senco = client_for(app, "senco")
    cycle, area = world["cycle_a"], world["ranges_area_b"]
    words = _descriptors(app, area)
    response = senco.post(
        f"/ranges/cycles/{cycle}/areas/{area}",
        data={
            "version": str(int(_cycle_version(app, cycle)) + 5),
            "descriptors": [next(iter(words.values()))],
        },
    )
    assert response.status_code in (400, 409)
    assert "changed by someone else" in response.get_data(as_text=True)


def test_confirming_before_ticking_goes_back_to_the_ticks(app: Flask, world: World) -> None:
    senco = client_for(app, "senco")
    url = f"/ranges/cycles/{world['cycle_a']}/areas/{world['ranges_area_b']}"
    response = senco.get(f"{url}/level")
    assert response.status_code == 302 and response.headers["Location"].endswith(url)


def test_a_judgement_keeps_its_version_and_history_spans_cycles(app: Flask, world: World) -> None:
    officer = client_for(app, "officer")
    draft_area = world["ranges_draft_area_a"]
    with app.app_context():
        version = str(frameworks.the_draft().version)
    # Version 2 renames the area and rewords its descriptors.
    officer.post(
        f"/ranges/draft/areas/{draft_area}",
        data={"version": version, "name": "Communication", "need_codes": ["SLCN"]},
    )
    with app.app_context():
        draft = frameworks.the_draft()
        version = str(draft.version)
        low = draft.levels[0].id
    officer.post(
        f"/ranges/draft/areas/{draft_area}/levels/{low}",
        data={"version": version, "descriptors": "Version two wording"},
    )
    with app.app_context():
        version = str(frameworks.the_draft().version)
    response = officer.post(
        "/ranges/draft/publish",
        data={"version": version, "effective_from": [str(TODAY.day), str(TODAY.month),
                                                     str(TODAY.year)]},
    )  # fmt: skip
    assert response.status_code == 302
    senco = client_for(app, "senco")
    cycle = world["cycle_a"]
    # Cycle 1 was judged against version 1: its areas stay version 1's, and a version 2 area
    # cannot be judged in it.
    cycle_page = senco.get(f"/pupils/cycles/{cycle}").get_data(as_text=True)
    assert "Communication and interaction" in cycle_page
    assert senco.get(f"/ranges/cycles/{cycle}/areas/{draft_area}").status_code == 404
    page = senco.get(f"/ranges/cycles/{cycle}/areas/{world['ranges_area_a']}")
    assert "Communication and interaction: needs a little help" in page.get_data(as_text=True)
    # The next cycle is judged against version 2.
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == EMAILS["senco"])).one()
        first = db.session.get(ApdrCycle, cycle)
        assert first is not None
        first.status = CycleStatus.REVIEWED
        first.reviewed_on = TODAY - timedelta(days=1)
        db.session.flush()
        pupil = db.session.get(Pupil, first.pupil_id)
        assert pupil is not None
        second = apdr.start_cycle(user, pupil)
        db.session.commit()
        second_id = second.id
    words = _descriptors(app, draft_area)
    assert set(words) == {
        "Version two wording",
        "Communication and interaction: needs regular help",
    }
    url = f"/ranges/cycles/{second_id}/areas/{draft_area}"
    senco.post(
        url,
        data={
            "version": _cycle_version(app, second_id),
            "descriptors": [words["Communication and interaction: needs regular help"]],
        },
    )
    with app.app_context():
        targeted = str(frameworks.version_of(db.session.get(RangesArea, draft_area)).levels[1].id)  # type: ignore[arg-type]
    response = senco.post(
        f"{url}/level", data={"version": _cycle_version(app, second_id), "level": targeted}
    )
    assert response.status_code == 302
    record = senco.get(f"/pupils/{world['pupil_a']}").get_data(as_text=True)
    levels = record[record.index('id="levels"') :]
    levels = levels[: levels.index("</table>")]
    # One row for the area: cycle 2's level is current, under version 2's name; cycle 1's
    # judgement (version 1) is the history.
    assert '<td class="govuk-table__cell">Communication</td>' in levels
    assert "Communication and interaction" not in levels
    assert "Targeted<br>" in levels and "Universal (cycle 1)" in levels and "version 2" in levels
