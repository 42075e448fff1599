"""Words for people: a label for each measure id and the method, for the Excel and PDF
exports. The ids themselves are the machine contract and appear beside every label."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sendtrack.models import DecisionOutcome

LABELS: dict[str, str] = {
    "register.sen_support": "Children at SEN support (K)",
    "register.ehc_plan": "Children with an EHC plan (E)",
    "referrals.received": "Referrals received",
    "referrals.decided": "Referrals decided",
    **{
        f"referrals.outcome.{o.value}": f"Referrals decided: {o.label[0].lower()}{o.label[1:]}"
        for o in DecisionOutcome
    },
    "referrals.pupils_supported": "Children given advice and/or resources",
    "referrals.amount_awarded": "Pounds awarded by panels",
    "rtf.applications": "RTF applications received",
    "rtf.approved": "RTF applications approved",
    "rtf.amount_awarded": "RTF pounds awarded",
    "avoided.avoided": "EHCNA requests avoided (school said yes, window closed, no request)",
    "avoided.escalated": "Escalated: EHCNA request received inside the window",
    "avoided.pending": "Pending: follow-up window still open",
    "avoided.lost_to_follow_up": "Lost to follow-up: child left before the window closed",
    "avoided.not_flagged": "Not flagged: school answered no or not sure",
    "avoided.rate": "Estimated rate avoided: avoided / (avoided + escalated)",
    "ehcna.requests_received": "EHCNA requests received",
    "ehcna.requests_decided_to_assess": "Of those, decided to assess",
    "ehcna.requests_decided_not_to_assess": "Of those, decided not to assess",
    "ehcna.requests_withdrawn": "Of those, withdrawn",
    "ehcna.requests_decision_not_made": "Of those, decision not yet made",
    "ehcna.decisions_within_6_weeks": "Decisions made within 6 weeks",
    "ehcna.decisions_over_6_weeks": "Decisions made after more than 6 weeks",
    "ehcna.plans_issued": "EHC plans issued",
    "ehcna.plans_issued_within_20_weeks": "EHC plans issued within 20 weeks",
    "ehcna.plans_issued_excluding_exceptions": "EHC plans issued, exception cases left out",
    "ehcna.plans_issued_within_20_weeks_excluding_exceptions": ("Of those, issued within 20 weeks"),
    "contacts.total": "Advice and support contacts",
    "contacts.settings": "Settings with at least one contact",
    "contacts.children": "Named children contacts were about",
}

AREAS = [
    ("register", "SEN register"),
    ("referrals", "Referrals to cluster panels"),
    ("rtf", "Reception Transition Funding"),
    ("avoided", "EHCNA requests avoided (estimate)"),
    ("ehcna", "EHC needs assessments (SEN2 definitions)"),
    ("contacts", "Advice and support contacts"),
]
MONEY = {"referrals.amount_awarded", "rtf.amount_awarded"}


@dataclass(frozen=True)
class Figure:
    measure: str
    label: str
    value: int | float
    shown: str  # the value as a person reads it


def long_date(value: date) -> str:
    """23 November 2026, the GOV.UK way."""
    return f"{value.day} {value:%B %Y}"


def label(measure: str) -> str:
    return LABELS.get(measure, measure)


def shown(measure: str, value: int | float) -> str:
    if measure in MONEY:
        return f"£{value:,.2f}"
    if measure == "avoided.rate":
        return f"{value:.3f} ({value * 100:.1f}%)"
    return f"{value:,}"


def sections(measures: dict[str, int | float]) -> list[tuple[str, list[Figure]]]:
    """The figures grouped by area, in the order of LABELS, unknown ids last by id."""
    order = {m: i for i, m in enumerate(LABELS)}
    grouped: list[tuple[str, list[Figure]]] = []
    known = {prefix for prefix, _ in AREAS}
    for prefix, title in [*AREAS, ("", "Other measures")]:
        ids = [
            m
            for m in measures
            if (m.split(".", 1)[0] == prefix if prefix else m.split(".", 1)[0] not in known)
        ]
        ids.sort(key=lambda m: (order.get(m, len(order)), m))
        if ids:
            grouped.append(
                (title, [Figure(m, label(m), measures[m], shown(m, measures[m])) for m in ids])
            )
    return grouped


def rate_note(measures: dict[str, int | float]) -> str:
    """The rate with its denominator, or why there is none: never a bare percentage."""
    avoided = int(measures.get("avoided.avoided", 0))
    escalated = int(measures.get("avoided.escalated", 0))
    if "avoided.rate" not in measures:
        return (
            "No rate is given: no child has yet been counted as avoided or escalated, "
            "so there is no denominator."
        )
    return (
        f"The rate is an estimate: avoided / (avoided + escalated) = {avoided} / "
        f"({avoided} + {escalated}) = {measures['avoided.rate']:.3f}, rounded half up to 3 "
        "decimal places. It rests on schools' answers and counts only children whose school "
        "said yes and whose follow-up window has closed or who were escalated."
    )


def method(
    date_from: date,
    date_to: date,
    as_at: date,
    window_months: int,
    measures: dict[str, int | float],
) -> list[tuple[str, str]]:
    """(heading, paragraph) pairs explaining how the figures were made."""
    rate_text = rate_note(measures)
    return [
        (
            "Period and dates",
            f"The period is {long_date(date_from)} to {long_date(date_to)}, both days included. "
            f"Statuses (SEN register, EHCNA decision not made, requests avoided) are judged as "
            f"at {long_date(as_at)}.",
        ),
        (
            "SEN register",
            "Children whose SEN status was K (SEN support) or E (EHC plan) on the as-at date, "
            "from their dated status history. Children who had left by then are not counted.",
        ),
        (
            "Referrals",
            "Received: submitted in the period. Decided: referrals with a confirmed panel "
            "decision dated in the period, counted once each by their latest such decision, "
            "and broken down by its outcome. Children supported: distinct children given "
            "advice and/or resources by those decisions. Pounds: awarded by those decisions.",
        ),
        (
            "Reception Transition Funding",
            "Applications: application date in the period. Approved: approved or part approved "
            "with a decision date in the period; declined applications are not counted. "
            "Pounds: awarded by those approvals.",
        ),
        (
            "Early-support episodes",
            "A confirmed panel decision giving advice and/or resources, or an approved (or part "
            "approved) RTF award. Each child counts once, at their first episode ever (earliest "
            "decision date; on the same day a panel decision before an RTF award). Children are "
            "counted here when that first episode was decided in the period.",
        ),
        (
            "The school's answer",
            'When referring or applying, the school answered: "Without this support, would you '
            'request an EHC needs assessment now?". Children whose school said no or not sure, '
            "or did not answer, are shown as not flagged and are not classified.",
        ),
        (
            "Follow-up window",
            f"{window_months} calendar months from the decision date; both the decision date "
            "and the window's last day are inside it. When that day does not exist in the last "
            "month, the month's last day is used (29 February + 12 months = 28 February).",
        ),
        (
            "Classification",
            "Escalated: an EHCNA request for the child was received inside the window, on or "
            "before the as-at date, whatever was decided on it. Lost to follow-up: otherwise, "
            "the child left the area's settings before the window's last day (and by the as-at "
            "date). Pending: otherwise, the window ends after the as-at date; a window ending on "
            "the as-at date is closed. Avoided: otherwise - the window closed with no request.",
        ),
        ("Rate avoided", rate_text),
        (
            "Advice and support contacts",
            "Calls, emails, visits, meetings, drop-ins, supervision and training dated in the "
            "period, each event's attendance counted as one contact for each setting that "
            "attended; with the distinct settings and the distinct named children they were "
            "about. Contacts are counted here only: an advice contact is never an "
            "early-support episode, so it never makes a child avoided, escalated, pending or "
            "lost to follow-up.",
        ),
    ]
