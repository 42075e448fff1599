"""The rules behind RTF forms: the Reception cohort's edges, the review point, bands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask

from sendtrack.models import RtfBand
from sendtrack.services.errors import DomainError
from sendtrack.services.rtf import applications as rtf
from tests.world import World


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (date(2022, 9, 1), True),  # the oldest in the cohort
        (date(2023, 8, 31), True),  # the youngest
        (date(2022, 8, 31), False),  # a day too old
        (date(2023, 9, 1), False),  # a day too young
    ],
)
def test_cohort_edges_for_september_2027(born: date, ok: bool) -> None:
    if ok:
        rtf.check_cohort(2027, born, None)
    else:
        with pytest.raises(DomainError, match="Date of birth must be between 1 September 2022"):
            rtf.check_cohort(2027, born, None)
        rtf.check_cohort(2027, born, "Deferred entry agreed with the admissions team")


def test_review_point_defaults_to_the_end_of_the_autumn_term(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        assert rtf.review_point(2027) == date(2027, 12, 20)
        monkeypatch.setitem(app.config, "RTF_REVIEW_POINT", "04-01")
        assert rtf.review_point(2027) == date(2028, 4, 1)  # the spring after the start


def test_band_caps_the_amount(ctx: None) -> None:
    band = RtfBand(name="Light touch", amount=Decimal("500"))
    rtf.check_amount_against_band(Decimal("500"), band, "amount", "Amount")
    with pytest.raises(DomainError, match="no more than £500, the Light touch rate"):
        rtf.check_amount_against_band(Decimal("500.01"), band, "amount", "Amount")


def test_reception_years_offered(ctx: None) -> None:
    assert rtf.reception_years(date(2026, 11, 23)) == [2026, 2027, 2028]
    assert rtf.reception_years(date(2027, 3, 1)) == [2026, 2027, 2028]
    assert rtf.reception_years(date(2027, 9, 1)) == [2027, 2028, 2029]


def test_a_concurrent_save_is_refused_not_a_crash(ctx: None, world: World) -> None:
    from sqlalchemy import text

    from sendtrack.extensions import db
    from sendtrack.models import RtfApplication, RtfDecision, User
    from sendtrack.services.errors import StaleRecord

    officer = db.session.get(User, world["officer"])
    application = db.session.get(RtfApplication, world["rtf_b"])
    assert officer is not None and application is not None
    # Another officer saves the same application between our read and our write.
    db.session.execute(
        text("UPDATE rtf_application SET version = version + 1 WHERE id = :id"),
        {"id": application.id.hex if db.engine.dialect.name == "sqlite" else application.id},
    )
    with pytest.raises(StaleRecord):
        rtf.decide(officer, application, RtfDecision.APPROVED, Decimal("100"), None)
