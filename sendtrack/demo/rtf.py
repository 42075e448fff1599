"""Demo Reception Transition Funding: this year's RTF budget, two bands, and applications in
each state, from nurseries (Southwark-style) and from a school (Kirklees-style)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sendtrack.demo.context import DemoContext
from sendtrack.models import NeedCode, RtfDecision, Sex, WouldRequestEhcna
from sendtrack.school_year import financial_year_of, reception_cohort, school_year_start
from sendtrack.services.rtf import applications as rtf
from sendtrack.services.rtf import budgets as rtf_budget
from sendtrack.services.rtf import follow_up as rtf_follow_up
from sendtrack.services.rtf import links as rtf_links

# (forename, surname, sex, early-years URN, school URN, applicant, September offset,
#  requested, decision, awarded, needs)
APPLICATIONS = [
    ("Isla", "Whitmore", Sex.FEMALE, "990004", "990001", "early_years", 1, "2000",
     RtfDecision.APPROVED, "2000", [NeedCode.SLCN, NeedCode.SEMH]),
    ("Jude", "Okonkwo", Sex.MALE, "990004", "990002", "early_years", 1, "3000",
     None, None, [NeedCode.ASD]),
    ("Poppy", "Hargreaves", Sex.FEMALE, "990006", "990001", "senco", 1, "2500",
     RtfDecision.PART_APPROVED, "1500", [NeedCode.PD]),
    ("Reuben", "Castellano", Sex.MALE, "990010", "990007", "other_senco", 1, "1200",
     RtfDecision.DECLINED, None, [NeedCode.SLCN]),
    ("Maisie", "Thornbury", Sex.FEMALE, "990004", "990001", "early_years", 0, "2000",
     RtfDecision.APPROVED, "2000", [NeedCode.SEMH]),
]  # fmt: skip


def seed_rtf(ctx: DemoContext) -> None:
    today = date.today()
    officer = ctx.made["users"]["officer"]
    settings = ctx.made["settings"]
    rtf_budget.set_allocation(officer, financial_year_of(today), Decimal("40000"))
    rtf_budget.save_band(officer, "Standard", Decimal("2000"))
    rtf_budget.save_band(officer, "Enhanced", Decimal("4000"))
    made = []
    for (
        forename,
        surname,
        sex,
        ey_urn,
        school_urn,
        applicant,
        offset,
        requested,
        decision,
        awarded,
        needs,
    ) in APPLICATIONS:
        year = school_year_start(today) + offset
        start, _ = reception_cohort(year)
        application = rtf.apply(
            ctx.made["users"][applicant],
            rtf.ApplicationDetails(
                reception_year=year,
                legal_surname=surname,
                legal_forename=forename,
                date_of_birth=start + timedelta(days=ctx.rng.randint(0, 330)),
                sex=sex,
                receiving_setting_id=settings[school_urn].id,
                early_years_setting_id=settings[ey_urn].id,
                needs=needs,
                needs_summary="Limited expressive language; very distressed by change; "
                "needs an adult close by at transitions.",
                support_in_place="Key person, visual timetable, small-group speech sessions.",
                ey_inclusion_funding=True,
                use_of_funding="An additional adult for the first half term, transition "
                "visits and a baseline speech and language assessment.",
                would_request_ehcna=WouldRequestEhcna.YES,
                parental_consent=True,
                amount_requested=Decimal(requested),
            ),
        )
        if decision is not None:
            rtf.decide(
                officer,
                application,
                decision,
                Decimal(awarded) if awarded else None,
                None if decision is RtfDecision.APPROVED else "Within the standard band",
            )
        made.append(application)
    # The child who started this September is on the school's roll now, and the school has
    # reported how she settled.
    started = made[-1]
    started.pupil.setting_id = started.receiving_setting_id
    rtf_links.sync_links(officer)
    rtf_follow_up.record_follow_up(
        officer,
        started,
        "Settled well after a phased start; joins in whole-class carpet time.",
        "Daily small-group emotional literacy sessions; adult support at lunchtime.",
        False,
    )
    ctx.made["rtf_applications"] = made
