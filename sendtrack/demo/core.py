"""The organisation, children and one account per role."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from stdnum.gb import upn as upn_number

from sendtrack.demo.context import DemoContext
from sendtrack.extensions import db
from sendtrack.models import (
    Cluster,
    ClusterBudget,
    LocalAuthority,
    NeedCode,
    Phase,
    Role,
    SenStatus,
    Setting,
    Sex,
    UnitRate,
)
from sendtrack.school_year import financial_year_of, reception_cohort, school_year_start
from sendtrack.services import accounts
from sendtrack.services.accounts import MembershipSpec
from sendtrack.services.pupils import records as pupils

LA_CODE = "936"

CLUSTERS = ["Northbrook cluster", "Riverside cluster", "Southfield cluster"]

SETTINGS = [
    # (urn, name, phase, cluster index)
    ("990001", "Northbrook Primary School", Phase.PRIMARY, 0),
    ("990002", "Hillcrest Church of England Primary School", Phase.PRIMARY, 0),
    ("990003", "Northbrook Academy", Phase.SECONDARY, 0),
    ("990004", "Little Acorns Nursery", Phase.EARLY_YEARS, 0),
    ("990005", "Meadow View Infant School", Phase.PRIMARY, 0),
    ("990006", "Oak Lane Pre-school", Phase.EARLY_YEARS, 0),
    ("990007", "Riverside Primary School", Phase.PRIMARY, 1),
    ("990008", "St Anne's Catholic Primary School", Phase.PRIMARY, 1),
    ("990009", "Riverside High School", Phase.SECONDARY, 1),
    ("990010", "Willow Tree Day Nursery", Phase.EARLY_YEARS, 1),
    ("990011", "Kingsmead Junior School", Phase.PRIMARY, 1),
    ("990012", "Brookside All-through School", Phase.ALL_THROUGH, 1),
    ("990013", "Southfield Primary School", Phase.PRIMARY, 2),
    ("990014", "Greenway Primary School", Phase.PRIMARY, 2),
    ("990015", "Southfield Community College", Phase.SECONDARY, 2),
    ("990016", "Bluebell Children's Centre Nursery", Phase.EARLY_YEARS, 2),
    ("990017", "Elm Park Primary School", Phase.PRIMARY, 2),
    ("990018", "Harbour View Primary School", Phase.PRIMARY, 2),
    ("990019", "Southfield Sixth Form", Phase.POST16, 2),
    ("990020", "The Beacon Centre (alternative provision)", Phase.AP, 2),
]

FORENAMES = [
    "Amelia",
    "Noah",
    "Olivia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Arthur",
    "Mia",
    "Muhammad",
    "Ivy",
    "Leo",
    "Lily",
    "Harry",
    "Freya",
    "Oscar",
    "Sophia",
    "Archie",
    "Grace",
    "Henry",
    "Aisha",
    "Jacob",
    "Zara",
    "Theo",
    "Maya",
    "Finley",
    "Ruby",
    "Alfie",
    "Evie",
    "Kai",
    "Priya",
    "Tomasz",
    "Chloe",
    "Reuben",
    "Hana",
    "Kofi",
    "Niamh",
    "Ezra",
    "Layla",
    "Dylan",
]
SURNAMES = [
    "Ashdown",
    "Brackley",
    "Carrow",
    "Dunmore",
    "Ellery",
    "Fenwick",
    "Garside",
    "Hollins",
    "Ingleby",
    "Jessop",
    "Kettering",
    "Lomax",
    "Marchbank",
    "Nettleton",
    "Ormerod",
    "Pennock",
    "Quarmby",
    "Rushworth",
    "Sowerby",
    "Thackray",
    "Uttley",
    "Varley",
    "Whitely",
    "Yardley",
    "Okafor",
    "Nowak",
    "Begum",
    "Khan",
    "Patel",
    "Mensah",
    "O'Brien",
    "Kowalczyk",
]

# Roughly the national mix of primary needs at SEN support (DfE, January 2025).
NEED_WEIGHTS = [
    (NeedCode.SLCN, 24),
    (NeedCode.SEMH, 21),
    (NeedCode.MLD, 17),
    (NeedCode.SPLD, 13),
    (NeedCode.ASD, 11),
    (NeedCode.OTH, 3),
    (NeedCode.PD, 2),
    (NeedCode.HI, 2),
    (NeedCode.NSA, 3),
    (NeedCode.VI, 1),
    (NeedCode.SLD, 1),
    (NeedCode.DS, 1),
    (NeedCode.MSI, 1),
]

UNIT_RATES = [
    ("Teaching assistant", Decimal("18.50")),
    ("Higher level teaching assistant", Decimal("22.00")),
    ("Teacher", Decimal("42.00")),
    ("SENCO", Decimal("48.00")),
    ("Speech and language therapist", Decimal("65.00")),
]


def demo_upn(rng_serial: int, urn: str, year: int) -> str:
    body = f"{LA_CODE}{urn[-4:]}{year % 100:02d}{rng_serial % 1000:03d}"
    return str(upn_number.calc_check_digit(body)) + body


def _age_range(phase: Phase) -> tuple[int, int]:
    """Year groups a phase teaches (-1 nursery ... 13)."""
    return {
        Phase.EARLY_YEARS: (-2, -1),
        Phase.PRIMARY: (0, 6),
        Phase.SECONDARY: (7, 11),
        Phase.ALL_THROUGH: (0, 11),
        Phase.POST16: (12, 13),
        Phase.AP: (7, 11),
        Phase.SPECIAL: (0, 13),
    }[phase]


def seed_core(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = date.today()
    db.session.add(LocalAuthority(name="Exampleshire County Council", la_code=LA_CODE))
    clusters = [Cluster(name=n, quorum=3) for n in CLUSTERS]
    db.session.add_all(clusters)
    db.session.flush()
    fy = financial_year_of(today)
    for i, c in enumerate(clusters):
        db.session.add(
            ClusterBudget(cluster_id=c.id, financial_year=fy, allocation=Decimal(60000 + 15000 * i))
        )
    for role, rate in UNIT_RATES:
        db.session.add(UnitRate(staff_role=role, hourly_rate=rate))
    settings = [
        Setting(urn=urn, name=name, phase=phase, cluster_id=clusters[ci].id)
        for urn, name, phase, ci in SETTINGS
    ]
    db.session.add_all(settings)
    db.session.flush()
    ctx.made["clusters"] = clusters
    ctx.made["settings"] = {s.urn: s for s in settings}

    made_pupils = []
    serial = 0
    this_year = school_year_start(today)
    for setting in settings:
        low, high = _age_range(setting.phase)
        count = 8 if setting.phase is Phase.EARLY_YEARS else 16
        if setting.urn == "990001":
            count = 40  # the demo SENCO's school has a fuller register
        for _ in range(count):
            serial += 1
            year_group = rng.randint(low, high)
            start, end = reception_cohort(this_year - year_group)
            dob = start + timedelta(days=rng.randint(0, (end - start).days))
            status = SenStatus.EHC_PLAN if rng.random() < 0.14 else SenStatus.SEN_SUPPORT
            primary = rng.choices([n for n, _ in NEED_WEIGHTS], [w for _, w in NEED_WEIGHTS])[0]
            needs = [primary]
            if rng.random() < 0.35:
                secondary = rng.choice(
                    [n for n, _ in NEED_WEIGHTS if n not in (primary, NeedCode.NSA)]
                )
                needs.append(secondary)
            # Early-years children often have no UPN yet.
            upn = None
            if setting.phase is not Phase.EARLY_YEARS or rng.random() < 0.3:
                upn = demo_upn(serial, setting.urn, dob.year + 5)
            since = today - timedelta(days=rng.randint(30, 900))
            pupil = pupils.create_pupil(
                None,
                pupils.PupilDetails(
                    legal_surname=rng.choice(SURNAMES),
                    legal_forename=rng.choice(FORENAMES),
                    date_of_birth=dob,
                    sex=rng.choice([Sex.FEMALE, Sex.MALE, Sex.MALE]),
                    setting_id=setting.id,
                    upn=upn,
                    looked_after=rng.random() < 0.05,
                    parents_informed_date=since,
                    panel_consent=rng.random() < 0.6,
                    panel_consent_date=since + timedelta(days=7),
                    panel_consent_recorded_by="Demo data",
                ),
                sen_status=status,
                status_since=since,
                needs=needs,
            )
            made_pupils.append(pupil)
    ctx.made["pupils"] = made_pupils

    s = ctx.made["settings"]
    users = {
        "senco": ("senco@example.org", "Sam Senco", [MembershipSpec(Role.SENCO, s["990001"].id)]),
        "early_years": (
            "early-years@example.org",
            "Eve Early",
            [MembershipSpec(Role.SENCO, s["990004"].id)],
        ),
        "other_senco": (
            "other-senco@example.org",
            "Omar Other",
            [MembershipSpec(Role.SENCO, s["990007"].id)],
        ),
        "lead": (
            "lead@example.org",
            "Lee Lead",
            [MembershipSpec(Role.AREA_LEAD, cluster_id=clusters[0].id)],
        ),
        "panel": (
            "panel@example.org",
            "Pat Panel",
            [MembershipSpec(Role.PANEL_MEMBER, cluster_id=clusters[0].id)],
        ),
        "officer": ("officer@example.org", "Olu Officer", [MembershipSpec(Role.LA_OFFICER)]),
        "admin": ("admin@example.org", "Ada Admin", [MembershipSpec(Role.ADMIN)]),
    }
    ctx.made["users"] = {
        key: accounts.create_user(
            None, email=email, name=name, password=ctx.password, memberships=memberships
        )
        for key, (email, name, memberships) in users.items()
    }
    db.session.flush()
