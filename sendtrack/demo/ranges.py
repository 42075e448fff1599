"""The demo council's ranges framework: Exampleshire's invented "Ranges of need and
ordinarily available provision" (four areas, five levels, two descriptors and one expected
provision per area and level, written for the demo), published as version 1 from the start
of the school year, and judgements for the demo children across their cycles: most stay at
a level, some moved down a level after a reviewed cycle, a few moved up."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from sendtrack.demo.context import DemoContext
from sendtrack.extensions import db
from sendtrack.models import (
    ApdrCycle,
    CycleStatus,
    ExpectedProvision,
    FrameworkStatus,
    JudgementTick,
    Pupil,
    RangesArea,
    RangesDescriptor,
    RangesFramework,
    RangesJudgement,
    RangesLevel,
    UsuallyNext,
)
from sendtrack.school_year import school_year_start
from sendtrack.services.ranges.frameworks import DEFAULT_AREAS

LEVELS = [
    ("Range 1", "Needs met by good whole-class teaching", UsuallyNext.ORDINARILY_AVAILABLE),
    ("Range 2", "Needs met with some adjustments and short catch-up work",
     UsuallyNext.ORDINARILY_AVAILABLE),
    ("Range 3", "Needs met with regular targeted intervention from the school's resources",
     UsuallyNext.ORDINARILY_AVAILABLE),
    ("Range 4", "Needs that call for specialist advice and cluster support",
     UsuallyNext.CLUSTER_REFERRAL),
    ("Range 5", "Complex, long-term needs that call for resources beyond the school",
     UsuallyNext.CONSIDER_EHCNA),
]  # fmt: skip

# Per area (in DEFAULT_AREAS order), per level: two descriptors and one expected provision
# (description, type, frequency, staff role, group size, minutes a week, weeks).
CONTENT: list[list[tuple[tuple[str, str], tuple[str, str, str, str | None, int | None,
                                                   int | None, int | None]]]] = [
    [  # Communication and interaction
        (("Sometimes misses what is said in a busy room",
          "Joins in conversation but may lose track of turn-taking"),
         ("Key words and instructions given with pictures", "Classroom strategy",
          "Every lesson", None, None, None, None)),
        (("Needs instructions repeated or broken into steps",
          "Finds it hard to explain an event in the right order"),
         ("Word-learning group with pre-taught topic vocabulary", "Small-group intervention",
          "Twice a week", "Teaching assistant", 6, 40, 12)),
        (("Understanding of spoken language is well below that of classmates",
          "Relies on routine and becomes anxious when plans change"),
         ("Structured language group", "Small-group intervention", "3 times a week",
          "Teaching assistant", 4, 90, 30)),
        (("Speech is hard for unfamiliar adults to understand",
          "Social misunderstandings lead to frequent conflict with peers"),
         ("Programme set by a speech and language therapist, delivered in school",
          "Speech and language therapy", "Daily", "Teaching assistant", 1, 75, 36)),
        (("Communicates mainly with gestures, signs or single words",
          "Needs an adult's support to take part in most of the school day"),
         ("Individual communication support across the day", "One-to-one support",
          "Every day", "Teaching assistant", 1, 900, 38)),
    ],
    [  # Cognition and learning
        (("Makes slower progress than most in one subject",
          "Needs reminders to use strategies taught in class"),
         ("Work set in smaller steps with worked examples", "Classroom strategy",
          "Every lesson", None, None, None, None)),
        (("Working a little below the expected level in reading or maths",
          "Forgets new learning without regular revisiting"),
         ("Catch-up reading or number group", "Small-group intervention", "3 times a week",
          "Teaching assistant", 5, 60, 12)),
        (("Working well below the expected level despite catch-up work",
          "Finds it hard to remember and follow a sequence of steps"),
         ("Daily precision teaching", "One-to-one support", "Daily, 10 minutes",
          "Teaching assistant", 1, 50, 36)),
        (("Little progress over two or more cycles of targeted support",
          "Assessment shows a marked difficulty with processing or memory"),
         ("Specialist teaching for literacy", "Specialist teaching", "Twice a week",
          "Teacher", 3, 60, 30)),
        (("Learning at a level far below classmates across the curriculum",
          "Needs a personalised curriculum for most of the day"),
         ("Personalised curriculum with adult support", "One-to-one support", "Every day",
          "Higher level teaching assistant", 1, 600, 38)),
    ],
    [  # Social, emotional and mental health
        (("Occasionally worried or unsettled, and soon reassured",
          "Sometimes needs reminders about class expectations"),
         ("Calm, predictable routines with a visual timetable", "Classroom strategy",
          "Every day", None, None, None, None)),
        (("Finds it hard to manage feelings at times of change",
          "Has difficulty keeping friendships going"),
         ("Check-in with a named adult at the start of the day", "Emotional and wellbeing support",
          "Daily, 10 minutes", "Teaching assistant", 1, 50, 36)),
        (("Anxiety or low mood affects learning most weeks",
          "Behaviour often stops the child taking part in lessons"),
         ("Emotional literacy sessions", "Emotional and wellbeing support", "Weekly",
          "Higher level teaching assistant", 1, 45, 20)),
        (("Regularly leaves class or refuses to attend",
          "At risk of suspension despite a support plan"),
         ("Nurture group with a trained adult", "Small-group intervention",
          "4 afternoons a week", "Higher level teaching assistant", 6, 480, 30)),
        (("Needs an adult nearby for safety for much of the day",
          "Severe, long-standing distress that specialist services are involved in"),
         ("Individual support plan with a key adult all day", "One-to-one support",
          "Every day", "Teaching assistant", 1, 1200, 38)),
    ],
    [  # Sensory and/or physical
        (("Has a mild sensory or physical need managed with small changes",
          "Tires more quickly than classmates at times"),
         ("Seating, lighting and movement breaks planned into lessons", "Classroom strategy",
          "Every lesson", None, None, None, None)),
        (("Needs equipment such as a sloped board or enlarged print",
          "Needs extra time to move around the school"),
         ("Fine motor skills group", "Small-group intervention", "Twice a week",
          "Teaching assistant", 4, 40, 12)),
        (("Hearing, vision or motor needs affect access to most lessons",
          "Needs help with personal care at some points in the day"),
         ("Daily physical or sensory programme from a therapist's advice",
          "One-to-one support", "Daily", "Teaching assistant", 1, 100, 36)),
        (("Needs a specialist teacher's advice to reach the curriculum",
          "Uses specialist equipment that staff must be trained in"),
         ("Visits and advice from a specialist teacher", "Specialist teaching",
          "Every half term", "Teacher", 1, 15, 36)),
        (("Profound sensory or physical needs that affect the whole day",
          "Needs two adults for moving and handling"),
         ("Adult support for access, care and moving", "One-to-one support", "Every day",
          "Teaching assistant", 1, 1500, 38)),
    ],
]  # fmt: skip

INTRODUCTION = (
    "This guide describes what every Exampleshire school is expected to provide from its own "
    "resources for children with special educational needs, and how needs and provision grow "
    "from Range 1 to Range 5.\n"
    "Use it when you assess a child in each assess-plan-do-review cycle: tick the "
    "descriptions that fit, confirm the range, and plan at least the expected provision."
)


def framework(effective_from: date) -> RangesFramework:
    made = RangesFramework(
        status=FrameworkStatus.PUBLISHED,
        number=1,
        title="Exampleshire ranges of need and ordinarily available provision",
        introduction=INTRODUCTION,
        effective_from=effective_from,
    )
    levels = [
        RangesLevel(rank=rank, name=name, summary=summary, usually_next=usually)
        for rank, (name, summary, usually) in enumerate(LEVELS, start=1)
    ]
    made.levels.extend(levels)
    for position, ((name, codes), cells) in enumerate(zip(DEFAULT_AREAS, CONTENT, strict=True), 1):
        area = RangesArea(position=position, name=name, need_codes=" ".join(codes))
        made.areas.append(area)
        for level, (descriptors, item) in zip(levels, cells, strict=True):
            area.descriptors.extend(
                RangesDescriptor(position=n, wording=w, level=level)
                for n, w in enumerate(descriptors, start=1)
            )
            description, kind, frequency, role, group, minutes, weeks = item
            area.provision.append(
                ExpectedProvision(
                    position=1, level=level, description=description, provision_type=kind,
                    frequency=frequency, staff_role=role, group_size=group,
                    minutes_per_week=minutes, weeks=weeks,
                )
            )  # fmt: skip
    return made


def seed_ranges(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = date.today()
    made = framework(date(school_year_start(today), 9, 1) - timedelta(days=365))
    db.session.add(made)
    db.session.flush()
    by_code = {c: a for a in made.areas for c in a.codes}
    senco = ctx.made["users"]["senco"]
    judged = moved_down = 0
    for pupil in ctx.made["pupils"]:
        assert isinstance(pupil, Pupil)
        area = by_code.get(pupil.needs[0].code.value) if pupil.needs else None
        cycles = list(
            db.session.scalars(
                select(ApdrCycle).where(ApdrCycle.pupil_id == pupil.id).order_by(ApdrCycle.number)
            )
        )
        if area is None or not cycles:
            continue
        rank = rng.choice([2, 3, 3, 4])
        if len(cycles) > 1:
            roll = rng.random()
            start = rank + 1 if roll < 0.35 else (rank - 1 if roll < 0.5 else rank)
            start = max(1, min(5, start))
            moved_down += start > rank
            ranks = [start] + [rank] * (len(cycles) - 1)
        else:
            ranks = [rank]
        for cycle, level_rank in zip(cycles, ranks, strict=True):
            level = made.levels[level_rank - 1]
            ticks = [d for d in area.descriptors if d.level_id == level.id][:1]
            ticks += [d for d in area.descriptors if d.level.rank == level_rank - 1][:1]
            judgement = RangesJudgement(
                cycle_id=cycle.id,
                pupil_id=pupil.id,
                setting_id=cycle.setting_id,
                framework_id=made.id,
                area_id=area.id,
                suggested_level_id=level.id,
                level_id=level.id,
                judged_on=min(cycle.start_date or today, today),
                judged_by_id=senco.id,
            )
            judgement.ticks.extend(JudgementTick(descriptor=d) for d in ticks)
            db.session.add(judgement)
            judged += cycle.status is CycleStatus.OPEN
    db.session.flush()
    ctx.made["ranges_judged"] = judged
    ctx.made["ranges_moved_down"] = moved_down
