"""SEN2-shaped CSV files for the council's return to the DfE, one per module, with the
column names of the SEN2 person level guide (docs/ehcna.md maps each to sendtrack).

A request is in the return for calendar year Y when it was received in Y, or anything was
decided or issued on it in Y, or it was still in progress at the end of Y. Every module
starts with `RequestReference` / the child's UPN so the modules can be joined; codes are
sendtrack's own words (assess, not_assess...) and are listed in docs/ehcna.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from sendtrack.extensions import db
from sendtrack.models import (
    AssessDecision,
    AssessmentOutcome,
    EhcnaRequest,
    Pupil,
    Setting,
    TimescaleException,
)
from sendtrack.services import spreadsheets

MODULES: dict[str, tuple[str, list[str]]] = {
    "person": (
        "Module 1: person details",
        [
            "Surname",
            "Forename",
            "PersonBirthDate",
            "Sex",
            "Ethnicity",
            "PostCode",
            "UPN",
            "UniqueLearnerNumber",
            "UPNunknown",
        ],
    ),
    "requests": (
        "Module 2: requests for EHC needs assessment",
        [
            "RequestReference",
            "UPN",
            "ReceivedDate",
            "RequestSource",
            "RYA",
            "RequestOutcomeDate",
            "RequestOutcome",
            "RequestMediation",
            "RequestTribunal",
            "Exported",
        ],
    ),
    "assessments": (
        "Module 3: EHC needs assessments",
        [
            "RequestReference",
            "UPN",
            "AssessmentOutcome",
            "AssessmentOutcomeDate",
            "AssessmentMediation",
            "AssessmentTribunal",
            "OtherMediation",
            "OtherTribunal",
            "Week20",
        ],
    ),
    "named_plan": (
        "Module 4: named plan",
        ["RequestReference", "UPN", "StartDate", "URN", "DraftPlanDate"],
    ),
}


def years(today: date | None = None) -> list[int]:
    this = (today or date.today()).year
    return list(range(this, this - 6, -1))


def _in_year(year: int) -> list[ColumnElement[bool]]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    r = EhcnaRequest

    def within(column: Any) -> ColumnElement[bool]:
        return and_(column >= start, column <= end)

    still_open = and_(
        r.received_date <= end,
        or_(
            r.decision.is_(None),
            r.decision_date > end,
            and_(
                r.decision == AssessDecision.ASSESS,
                or_(r.outcome_date.is_(None), r.outcome_date > end),
            ),
            and_(
                r.outcome_date <= end,
                r.plan_issued_date.is_(None),
                r.outcome == AssessmentOutcome.ISSUE,
            ),
            r.plan_issued_date > end,
        ),
    )
    return [
        or_(
            within(r.received_date),
            within(r.decision_date),
            within(r.outcome_date),
            within(r.plan_issued_date),
            still_open,
        )
    ]


def _yn(value: bool) -> str:
    return "Y" if value else "N"


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def rows(module: str, year: int) -> list[list[str]]:
    """The module's rows (without the header) for the return of calendar `year`."""
    found = db.session.execute(
        select(EhcnaRequest, Pupil, Setting.urn)
        .join(Pupil, Pupil.id == EhcnaRequest.pupil_id)
        .outerjoin(Setting, Setting.id == EhcnaRequest.setting_id)
        .where(*_in_year(year))
        .order_by(Pupil.legal_surname, Pupil.legal_forename, EhcnaRequest.received_date)
    ).all()
    with_exception = set(db.session.scalars(select(TimescaleException.request_id).distinct()))
    out: list[list[str]] = []
    seen: set[object] = set()
    for request, pupil, urn in found:
        upn = pupil.upn or ""
        if module == "person":
            if pupil.id in seen:
                continue
            seen.add(pupil.id)
            out.append(
                [
                    pupil.legal_surname,
                    pupil.legal_forename,
                    pupil.date_of_birth.isoformat(),
                    pupil.sex.value,
                    "",
                    "",
                    upn,
                    "",
                    "" if upn else "UN1",
                ]
            )
        elif module == "requests":
            out.append(
                [
                    request.reference,
                    upn,
                    request.received_date.isoformat(),
                    request.request_source.value,
                    "",
                    _iso(request.decision_date),
                    request.decision.value if request.decision else "",
                    _yn(request.mediation and request.outcome is None),
                    _yn(request.tribunal and request.outcome is None),
                    "",
                ]
            )
        elif module == "assessments":
            if request.decision is not AssessDecision.ASSESS:
                continue
            out.append(
                [
                    request.reference,
                    upn,
                    request.outcome.value if request.outcome else "",
                    _iso(request.outcome_date),
                    _yn(request.mediation and request.outcome is not None),
                    _yn(request.tribunal and request.outcome is not None),
                    "",
                    "",
                    _yn(request.id in with_exception),
                ]
            )
        elif module == "named_plan":
            if request.plan_issued_date is None and request.draft_plan_date is None:
                continue
            out.append(
                [
                    request.reference,
                    upn,
                    _iso(request.plan_issued_date),
                    urn or "",
                    _iso(request.draft_plan_date),
                ]
            )
    return out


def to_csv(module: str, year: int) -> tuple[str, int]:
    """(CSV text with the SEN2 header row, number of data rows)."""
    header = MODULES[module][1]
    data = rows(module, year)
    return spreadsheets.csv_text([header, *data]), len(data)
