"""Demo advice and support contacts: a year of calls, emails, visits and drop-ins by the
Northbrook cluster's Area SEND Lead and by the council's officer (the advice line), some
about a named child, with follow-ups done, due and overdue; and a year of events (network
meetings, training, drop-ins) attended by the cluster's settings. Deterministic (the
context's random generator), recorded through the services as an adviser would."""

from __future__ import annotations

from datetime import date, timedelta

from sendtrack.demo.context import DemoContext
from sendtrack.models import ContactChannel, NeedCode, Pupil, Setting, User
from sendtrack.services.contacts import events as contact_events
from sendtrack.services.contacts import records as contacts

CHANNELS = [
    ContactChannel.PHONE,
    ContactChannel.PHONE,
    ContactChannel.PHONE,
    ContactChannel.EMAIL,
    ContactChannel.EMAIL,
    ContactChannel.VISIT,
    ContactChannel.SUPERVISION,
]
QUESTIONS = [
    ("How do we evidence the graduated approach before a referral?", None),
    ("A child is refusing to come into class after lunch", NeedCode.SEMH),
    ("What support fits a child who is not yet speaking in sentences?", NeedCode.SLCN),
    ("Reading age is three years behind despite phonics catch-up", NeedCode.SPLD),
    ("Sensory overload in the dinner hall: what adjustments help?", NeedCode.ASD),
    ("Should we request an EHC needs assessment now?", None),
    ("Exam access arrangements for a pupil with a visual impairment", NeedCode.VI),
    ("Writing the SEN information report", None),
]
ADVICE = [
    "Start an APDR cycle with two measurable outcomes; review in six weeks",
    "Try a calm start with a trusted adult and a visual timetable",
    "Bring the case to the next cluster panel with the cycle's review",
    "Use the ordinarily available provision guidance; a referral is not needed yet",
    "Book an educational psychologist consultation through the cluster",
]


def _child_at(ctx: DemoContext, setting: Setting) -> Pupil | None:
    at = [p for p in ctx.made["pupils"] if p.setting_id == setting.id and p.left_date is None]
    return ctx.rng.choice(at) if at else None


def seed_contacts(ctx: DemoContext) -> None:
    today = date.today()
    rng = ctx.rng
    users: dict[str, User] = ctx.made["users"]
    settings: dict[str, Setting] = ctx.made["settings"]
    northbrook = [s for s in settings.values() if s.cluster_id == ctx.made["clusters"][0].id]
    # One setting outside the cluster is never contacted: the figures show it under "no
    # contact".
    never = max((s for s in settings.values() if s not in northbrook), key=lambda s: s.urn)
    everywhere = sorted((s for s in settings.values() if s is not never), key=lambda s: s.urn)
    for adviser, where, count in (("lead", northbrook, 90), ("officer", everywhere, 70)):
        actor = users[adviser]
        for n in range(count):
            setting = rng.choice(where)
            on = today - timedelta(days=rng.randint(1, 364))
            question, need = rng.choice(QUESTIONS)
            child = _child_at(ctx, setting) if rng.random() < 0.55 else None
            follow_up = None
            if n % 9 == 0:
                follow_up = on + timedelta(days=rng.choice([7, 14, 28]))
            contact = contacts.record_contact(
                actor,
                contacts.ContactDetails(
                    contact_date=on,
                    channel=rng.choice(CHANNELS),
                    setting=setting.urn,
                    question=question,
                    advice=rng.choice(ADVICE),
                    child=contacts.child_label(child) if child else "",
                    need=need or (child.primary_need if child else None),
                    follow_up_due=follow_up,
                    minutes=rng.choice([5, 10, 15, 20, 30, 45, 60]),
                ),
            )
            # Follow-ups due more than a fortnight ago are mostly done; the rest wait.
            if follow_up and follow_up < today - timedelta(days=14) and rng.random() < 0.8:
                contacts.complete_follow_up(actor, contact, version=None, on=follow_up)
    lead = users["lead"]
    for days, kind, title in (
        (300, ContactChannel.MEETING, "Northbrook SENCO network: autumn"),
        (240, ContactChannel.TRAINING, "Training: writing good APDR outcomes"),
        (180, ContactChannel.MEETING, "Northbrook SENCO network: spring"),
        (120, ContactChannel.DROP_IN, "Parent and SENCO drop-in, Northbrook library"),
        (60, ContactChannel.MEETING, "Northbrook SENCO network: summer"),
        (20, ContactChannel.TRAINING, "Training: ordinarily available provision"),
    ):
        came = rng.sample(northbrook, k=max(1, len(northbrook) - rng.randint(0, 2)))
        contact_events.record_event(
            lead,
            contact_events.EventDetails(
                title=title,
                channel=kind,
                event_date=today - timedelta(days=days),
                attendance="\n".join(f"{s.urn}, {rng.randint(1, 3)}" for s in came),
                minutes=90,
            ),
        )
