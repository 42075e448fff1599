"""Judging a child's level per area in an APDR cycle: tick the descriptors that fit, see the
suggested level, confirm it or choose another with a reason."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, request, url_for

from sendtrack.forms import as_uuid, set_choices
from sendtrack.permissions import Permission, requires
from sendtrack.ranges import bp
from sendtrack.ranges.forms import AddExpectedForm, LevelChoiceForm, TickForm
from sendtrack.services.pupils import apdr
from sendtrack.services.ranges import frameworks, judgements, planning
from sendtrack.web import acting_user, render_form, saved

STALE = "This plan was changed by someone else: check the cycle, then judge again"


def _reviewed(cycle_id: uuid.UUID) -> Any:
    flash("This cycle has been reviewed: start the next cycle to judge again")
    return redirect(url_for("pupils.cycle", cycle_id=cycle_id))


def _page(template: str, form: Any, cycle: Any, area: Any, viewing: str, **extra: Any) -> Any:
    pupil = apdr.open_cycle_form(acting_user(), cycle, viewing if request.method == "GET" else None)
    return render_form(template, form, cycle=cycle, pupil=pupil, area=area, **extra)


@bp.route("/cycles/<uuid:cycle_id>/areas/<uuid:area_id>", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def tick(cycle_id: uuid.UUID, area_id: uuid.UUID) -> Any:
    user = acting_user()
    cycle = apdr.editable_cycle(user, cycle_id, open_only=False)
    if cycle.status.value != "open":
        return _reviewed(cycle_id)
    area = judgements.area_to_judge(cycle, area_id)
    existing = judgements.judgement_in(cycle, area.id)
    form = TickForm()
    set_choices(form.descriptors, [(str(d.id), d.wording) for d in area.descriptors])
    if request.method == "GET":
        form.version.data = str(cycle.version)
        if existing is not None:
            form.descriptors.data = [str(t.descriptor_id) for t in existing.ticks]
    elif form.validate_on_submit():
        chosen = [i for i in (as_uuid(v) for v in form.descriptors.data or []) if i]
        attempt = saved(
            form,
            lambda: judgements.save_ticks(user, cycle, area, chosen, form.version.number),
            stale=STALE,
        )
        if attempt:
            return redirect(url_for("ranges.confirm", cycle_id=cycle.id, area_id=area.id))
    levels = area_levels(area)
    return _page(
        "ranges/tick.html",
        form,
        cycle,
        area,
        f"the {area.name} descriptors",
        levels=levels,
        framework_number=frameworks.version_of(area).number,
        ticked=set(form.descriptors.data or []),
    )


def area_levels(area: Any) -> list[tuple[Any, list[Any]]]:
    """The area's descriptors grouped by level, lowest level first."""
    framework_levels = sorted({d.level for d in area.descriptors}, key=lambda lv: lv.rank)
    return [(lv, [d for d in area.descriptors if d.level_id == lv.id]) for lv in framework_levels]


@bp.route("/cycles/<uuid:cycle_id>/areas/<uuid:area_id>/level", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def confirm(cycle_id: uuid.UUID, area_id: uuid.UUID) -> Any:
    user = acting_user()
    cycle = apdr.editable_cycle(user, cycle_id, open_only=False)
    if cycle.status.value != "open":
        return _reviewed(cycle_id)
    area = judgements.area_to_judge(cycle, area_id)
    judgement = judgements.judgement_in(cycle, area.id)
    if judgement is None or judgement.suggested_level is None:
        flash("Tick the descriptors that fit the child first")
        return redirect(url_for("ranges.tick", cycle_id=cycle.id, area_id=area.id))
    form = LevelChoiceForm()
    set_choices(
        form.level,
        [
            (
                str(lv.id),
                lv.name + (" (suggested)" if lv.id == judgement.suggested_level_id else ""),
            )
            for lv in judgement.framework.levels
        ],
    )
    if request.method == "GET":
        form.version.data = str(cycle.version)
        form.level.data = str(judgement.level_id or judgement.suggested_level_id)
        form.reason.data = judgement.reason
    elif form.validate_on_submit():
        attempt = saved(
            form,
            lambda: judgements.confirm_level(
                user, cycle, judgement, as_uuid(form.level.data), form.reason.data,
                form.version.number,
            ),
            stale=STALE,
        )  # fmt: skip
        if attempt:
            level = attempt.result.level
            flash(f"{area.name}: {level.name if level else ''} confirmed", "success")
            return redirect(url_for("pupils.cycle", cycle_id=cycle.id) + "#assess")
    return _page(
        "ranges/confirm.html",
        form,
        cycle,
        area,
        f"the {area.name} level",
        judgement=judgement,
    )


@bp.route("/cycles/<uuid:cycle_id>/expected-provision", methods=["GET", "POST"])
@requires(Permission.RECORD_APDR)
def expected(cycle_id: uuid.UUID) -> Any:
    """The expected provision for the cycle's confirmed levels, offered to the plan."""
    user = acting_user()
    cycle = apdr.editable_cycle(user, cycle_id, open_only=False)
    if cycle.status.value != "open":
        return _reviewed(cycle_id)
    offered = planning.expected_for(cycle)
    form = AddExpectedForm()
    set_choices(form.items, [(str(e.item.id), e.item.description) for e in offered])
    if request.method == "GET":
        form.version.data = str(cycle.version)
        form.items.data = [str(e.item.id) for e in offered if not e.in_plan]
    elif form.validate_on_submit():
        chosen = [i for i in (as_uuid(v) for v in form.items.data or []) if i]
        attempt = saved(
            form,
            lambda: planning.add_to_plan(user, cycle, chosen, form.version.number),
            stale=STALE,
        )
        if attempt:
            flash(
                f"{attempt.result} expected provision added to the plan: check each item",
                "success",
            )
            return redirect(url_for("pupils.cycle", cycle_id=cycle.id) + "#plan")
    return _page(
        "ranges/expected.html",
        form,
        cycle,
        None,
        "the expected provision",
        offered=offered,
        chosen=set(form.items.data or []),
    )
