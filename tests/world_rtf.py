"""RTF records for the test world: an RTF budget and two bands, an approved award from the
A-side early-years setting (ey_a) to school a1, and an undecided application to b1."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sendtrack.extensions import db
from sendtrack.models import (
    RtfApplication,
    RtfBand,
    RtfBudget,
    RtfDecision,
    RtfStatus,
    Sex,
    WouldRequestEhcna,
)
from sendtrack.school_year import financial_year_of, reception_cohort, school_year_start
from sendtrack.services.pupils import records as pupils
from tests.clock import TODAY
from tests.world import World


def next_september(today: date | None = None) -> int:
    return school_year_start(today or TODAY) + 1


def build(w: World, password: str) -> None:
    del password
    today = TODAY
    year = next_september(today)
    cohort_start, _ = reception_cohort(year)
    db.session.add(RtfBudget(financial_year=financial_year_of(today), allocation=Decimal("10000")))
    standard = RtfBand(name="Standard", amount=Decimal("2000"))
    enhanced = RtfBand(name="Enhanced", amount=Decimal("4000"))
    db.session.add_all([standard, enhanced])
    db.session.flush()
    w.ids["band_standard"] = standard.id
    w.ids["band_enhanced"] = enhanced.id
    for side, setting, ey, receiving, surname in (
        ("a", "ey_a", "ey_a", "a1", "Acornley"),
        ("b", "b1", None, "b1", "Bramwell"),
    ):
        child = pupils.create_pupil(
            None,
            pupils.PupilDetails(
                legal_surname=surname,
                legal_forename="Rosa",
                date_of_birth=cohort_start + timedelta(days=60),
                sex=Sex.FEMALE,
                setting_id=w[setting],
            ),
        )
        w.ids[f"rtf_child_{side}"] = child.id
        application = RtfApplication(
            reference=f"RTF-TEST-{side.upper()}",
            pupil_id=child.id,
            early_years_setting_id=w[ey] if ey else None,
            receiving_setting_id=w[receiving],
            applied_by_setting_id=w[ey or receiving],
            reception_year=year,
            status=RtfStatus.SUBMITTED,
            application_date=today - timedelta(days=5),
            needs_summary="Limited speech; finds change hard",
            use_of_funding="Adult support for the first half term",
            would_request_ehcna=WouldRequestEhcna.YES,
            parental_consent=True,
            amount_requested=Decimal("2000"),
        )
        if side == "a":
            application.status = RtfStatus.DECIDED
            application.decision = RtfDecision.APPROVED
            application.decision_date = today - timedelta(days=1)
            application.amount_awarded = Decimal("2000")
            application.follow_up_due = date(year, 12, 20)
        db.session.add(application)
        db.session.flush()
        w.ids[f"rtf_{side}"] = application.id
