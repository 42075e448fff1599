"""The contacts.* figures against answers counted by hand from the test world's contacts
(tests/world_contacts.py):

    contact_a           TODAY - 20   a1   pupil_a            need SLCN
    contact_b           TODAY - 15   b1   pupil_b
    contact_restricted  TODAY - 12   a1   pupil_restricted
    contact_a2          TODAY - 3    a2   (no child)

and the method text, which says contacts are never early-support episodes."""

from __future__ import annotations

import json
from datetime import date, timedelta

from flask import Flask

from sendtrack.models import NeedCode
from sendtrack.services import statistics
from sendtrack.services.statistics.filters import Filters
from sendtrack.services.statistics.measures import method
from tests.clock import TODAY
from tests.world import World


def _contacts(measures: dict[str, int | float]) -> dict[str, int | float]:
    return {k: v for k, v in measures.items() if k.startswith("contacts.")}


def test_flask_stats_counts_contacts_settings_and_children(app: Flask) -> None:
    frm, to = (TODAY - timedelta(days=30)).isoformat(), TODAY.isoformat()
    result = app.test_cli_runner().invoke(
        args=["stats", "--from", frm, "--to", to, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    # 4 contacts; settings a1, b1, a2; children pupil_a, pupil_b, pupil_restricted (a
    # restricted child is counted in aggregate figures, which name no one).
    assert _contacts(json.loads(result.stdout)) == {
        "contacts.children": 3,
        "contacts.settings": 3,
        "contacts.total": 4,
    }


def test_the_period_is_inclusive_at_both_ends(ctx: None, world: World) -> None:
    # From TODAY - 12: contact_restricted (on the first day) and contact_a2.
    measures = statistics.compute(TODAY - timedelta(days=12), TODAY, TODAY)
    assert _contacts(measures) == {
        "contacts.children": 1,
        "contacts.settings": 2,
        "contacts.total": 2,
    }
    # To TODAY - 15: contact_a and contact_b (on the last day).
    measures = statistics.compute(TODAY - timedelta(days=20), TODAY - timedelta(days=15), TODAY)
    assert _contacts(measures) == {
        "contacts.children": 2,
        "contacts.settings": 2,
        "contacts.total": 2,
    }


def test_filters_by_setting_cluster_and_need(ctx: None, world: World) -> None:
    start = TODAY - timedelta(days=30)
    one = statistics.compute(
        start, TODAY, TODAY, filters=Filters(setting_ids=frozenset({world["a1"]}))
    )
    assert _contacts(one) == {"contacts.children": 2, "contacts.settings": 1, "contacts.total": 2}
    cluster = statistics.compute(
        start, TODAY, TODAY, filters=Filters(cluster_ids=frozenset({world["A"]}))
    )
    assert _contacts(cluster) == {
        "contacts.children": 2,
        "contacts.settings": 2,
        "contacts.total": 3,
    }
    need = statistics.compute(
        start, TODAY, TODAY, filters=Filters(needs=frozenset({NeedCode.SLCN}))
    )
    assert _contacts(need) == {"contacts.children": 1, "contacts.settings": 1, "contacts.total": 1}


def test_several_periods_give_what_each_gives_alone(ctx: None, world: World) -> None:
    periods = [
        (TODAY - timedelta(days=30), TODAY - timedelta(days=14)),
        (TODAY - timedelta(days=13), TODAY),
    ]
    together = statistics.compute_periods(periods, TODAY)
    alone = [statistics.compute(s, e, TODAY) for s, e in periods]
    assert [_contacts(m) for m in together] == [_contacts(m) for m in alone]
    assert [m["contacts.total"] for m in together] == [2, 2]


def test_the_method_says_contacts_are_never_early_support_episodes() -> None:
    text = dict(method(TODAY, TODAY, TODAY, 12, {}))["Advice and support contacts"]
    assert "never an early-support episode" in text


def test_event_attendance_counts_one_contact_per_setting(ctx: None, world: World) -> None:
    # The world's two events on 10 June 2025: a1 and ey_a at event_a, b1 at event_b.
    measures = statistics.compute(date(2025, 6, 1), date(2025, 6, 30), TODAY)
    assert _contacts(measures) == {
        "contacts.children": 0,
        "contacts.settings": 3,
        "contacts.total": 3,
    }
