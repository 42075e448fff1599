"""Demo APDR cycles: most children on the demo registers have an open cycle with outcomes
and costed provision (from the LA's unit rates), some with an earlier reviewed cycle; some
reviews are overdue and some due in the next fortnight, so the register and the SENCO's home
page look like a real school's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from sendtrack.demo.context import DemoContext
from sendtrack.demo.core import UNIT_RATES
from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    ApdrOutcome,
    CycleStatus,
    NextStep,
    Progress,
    Provision,
    SenStatus,
    UnitRate,
)
from sendtrack.services.pupils.apdr import ProvisionDetails, cost_of

OUTCOMES = [
    ("Follows a two-step spoken instruction in class", "Does so 4 times out of 5 without prompts"),
    ("Reads and spells 40 high-frequency words", "Reads 40 words from the list in one sitting"),
    ("Uses a calm-down plan when upset", "Leaves and returns to class within 10 minutes"),
    ("Takes turns in a small-group game", "Plays for 10 minutes with two peers"),
    ("Writes three connected sentences", "Independently, in a piece of class work"),
    ("Asks an adult for help when stuck", "At least once a lesson, observed over two weeks"),
]
# (description, type, frequency, role, group size, minutes a week, weeks)
PROVISIONS = [
    ("Talk Boost language group", "Small-group intervention", "3 times a week",
     "Teaching assistant", 4, 90, 30),
    ("Precision teaching for reading", "One-to-one support", "Daily, 10 minutes",
     "Teaching assistant", 1, 50, 36),
    ("ELSA emotional literacy sessions", "Emotional and wellbeing support", "Weekly",
     "Higher level teaching assistant", 1, 45, 20),
    ("Speech and language therapy block", "Speech and language therapy", "Fortnightly",
     "Speech and language therapist", 1, 30, 12),
    ("Specialist teaching for literacy", "Specialist teaching", "Twice a week",
     "Teacher", 3, 60, 30),
    ("Lunchtime social skills club", "Small-group intervention", "Weekly",
     "Teaching assistant", 6, 40, 36),
    ("In-class adult support", "One-to-one support", "Every morning",
     "Teaching assistant", 1, 600, 38),
]  # fmt: skip


def seed_register(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = date.today()
    rates = {r.staff_role: r for r in db.session.scalars(select(UnitRate))}
    if not rates:  # the core step normally seeds them; keep the demo costed regardless
        for role, rate in UNIT_RATES:
            db.session.add(UnitRate(staff_role=role, hourly_rate=rate))
        db.session.flush()
        rates = {r.staff_role: r for r in db.session.scalars(select(UnitRate))}
    senco = ctx.made["users"]["senco"]
    made = 0
    for pupil in ctx.made["pupils"]:
        if pupil.sen_status not in (SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN):
            continue
        if rng.random() < 0.15:
            continue  # newly identified: no cycle yet
        number = 1
        if rng.random() < 0.4:
            start = today - timedelta(days=rng.randint(200, 320))
            _cycle(ctx, pupil, number, start, start + timedelta(days=rng.randint(80, 110)),
                   rates, senco.id, reviewed=True)  # fmt: skip
            number += 1
        roll = rng.random()
        if roll < 0.15:
            review = today - timedelta(days=rng.randint(1, 40))  # overdue
        elif roll < 0.35:
            review = today + timedelta(days=rng.randint(0, 14))  # due soon
        else:
            review = today + timedelta(days=rng.randint(15, 110))
        start = review - timedelta(days=rng.randint(70, 100))
        _cycle(ctx, pupil, number, start, review, rates, senco.id, reviewed=False)
        made += 1
    db.session.flush()
    ctx.made["open_cycles"] = made


def _cycle(
    ctx: DemoContext,
    pupil: object,
    number: int,
    start: date,
    review: date,
    rates: dict[str, UnitRate],
    user_id: object,
    *,
    reviewed: bool,
) -> ApdrCycle:
    rng = ctx.rng
    cycle = ApdrCycle(
        pupil_id=pupil.id,  # type: ignore[attr-defined]
        setting_id=pupil.setting_id,  # type: ignore[attr-defined]
        number=number,
        status=CycleStatus.REVIEWED if reviewed else CycleStatus.OPEN,
        needs_summary="Difficulties with attention and spoken language; finds unstructured "
        "times hard. Progress in reading is about two years behind peers.",
        assessments_used="Teacher observation, Boxall profile, phonics screening check",
        child_views="I like working with Miss in the small room. Playtime is too loud.",
        parent_views="Worried about reading; pleased with the group sessions so far.",
        start_date=start,
        review_date=review,
        created_by_id=user_id,
        created_at=datetime.combine(start - timedelta(days=7), datetime.min.time(), UTC),
    )
    ehcp = pupil.sen_status is SenStatus.EHC_PLAN  # type: ignore[attr-defined]
    for position, (text, criteria) in enumerate(rng.sample(OUTCOMES, rng.randint(2, 3)), 1):
        outcome = ApdrOutcome(position=position, description=text, success_criteria=criteria)
        if reviewed:
            outcome.progress = rng.choice(list(Progress))
        cycle.outcomes.append(outcome)
    chosen = rng.sample(PROVISIONS[:-1], rng.randint(2, 4))
    if ehcp and PROVISIONS[-1] not in chosen:
        chosen.append(PROVISIONS[-1])  # children with plans often have daily adult support
    for position, (text, kind, often, role, group, minutes, weeks) in enumerate(chosen, 1):
        details = ProvisionDetails(text, kind, often, group, role, minutes, weeks)
        rate = rates.get(role)
        cycle.provisions.append(
            Provision(
                position=position,
                **details.__dict__,
                unit_rate_id=rate.id if rate else None,
                annual_cost=cost_of(details, rate) if rate else Decimal("500.00"),
            )
        )
    if reviewed:
        cycle.reviewed_on = review
        cycle.reviewed_by_id = user_id  # type: ignore[assignment]
        cycle.reviewed_at = datetime.combine(review, datetime.min.time(), UTC)
        cycle.impact_notes = "Good progress in the language group; reading still behind."
        cycle.next_step = NextStep.CONTINUE
    db.session.add(cycle)
    db.session.flush()
    return cycle
