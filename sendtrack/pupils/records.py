"""A child's record: adding a child, the record page, editing the details and needs,
changing the SEN status, and the timeline of everything that happened."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.forms import as_uuid, posted_version, set_choices
from sendtrack.models import NeedCode, Pupil, SenStatus, Sex
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.pupils import bp
from sendtrack.pupils.actions import ACTIONS
from sendtrack.pupils.forms import PupilForm, StatusForm
from sendtrack.school_year import year_group, year_group_label
from sendtrack.services.contacts import lists as contact_lists
from sendtrack.services.pupils import apdr, timeline, transfers
from sendtrack.services.pupils import records as pupils
from sendtrack.services.ranges import judgements, planning
from sendtrack.web import acting_user, render_form, saved


def _needs(form: PupilForm) -> list[NeedCode]:
    raw = [form.primary_need.data, form.secondary_need.data, form.other_need.data]
    return [NeedCode(c) for c in raw if c]


def _details(form: PupilForm, setting_id: uuid.UUID) -> pupils.PupilDetails:
    assert form.date_of_birth.data is not None
    override = form.year_group_override.data
    return pupils.PupilDetails(
        legal_surname=form.legal_surname.data or "",
        legal_forename=form.legal_forename.data or "",
        date_of_birth=form.date_of_birth.data,
        sex=Sex(form.sex.data),
        setting_id=setting_id,
        upn=form.upn.data or None,
        preferred_surname=form.preferred_surname.data or None,
        preferred_forename=form.preferred_forename.data or None,
        looked_after=bool(form.looked_after.data),
        year_group_override=int(override) if override else None,
        year_group_override_reason=(form.year_group_override_reason.data or None)
        if override
        else None,
        parents_informed_date=form.parents_informed_date.data,
        panel_consent=bool(form.panel_consent.data),
        panel_consent_date=form.panel_consent_date.data if form.panel_consent.data else None,
        panel_consent_recorded_by=(form.panel_consent_recorded_by.data or None)
        if form.panel_consent.data
        else None,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_PUPIL)
def add() -> Any:
    user = acting_user()
    form = PupilForm()
    settings = transfers.destination_choices(user)
    set_choices(
        form.setting_id, [("", "Choose a setting")] + [(str(s.id), s.name) for s in settings]
    )
    if request.method == "GET":
        wanted = request.args.get("setting")
        form.setting_id.data = wanted or (str(settings[0].id) if len(settings) == 1 else "")
        form.sen_status.data = SenStatus.SEN_SUPPORT.value
        form.status_since.data = date.today()
    if form.validate_on_submit():
        setting_id = as_uuid(form.setting_id.data) or uuid.UUID(int=0)
        status_since = form.status_since.data
        assert status_since is not None
        outcome = saved(
            form,
            lambda: pupils.add_pupil(
                user,
                _details(form, setting_id),
                _needs(form),
                SenStatus(form.sen_status.data),
                status_since,
            ),
            once=Pupil,
        )
        if outcome:
            pupil = outcome.result
            flash(f"{pupil.full_name} added to the register", "success")
            return redirect(url_for("pupils.record", pupil_id=pupil.id))
    return render_form("pupils/edit.html", form, pupil=None)


RECORD_FIELDS = (
    "legal_forename",
    "legal_surname",
    "preferred_forename",
    "preferred_surname",
    "date_of_birth",
    "upn",
    "looked_after",
    "parents_informed_date",
    "panel_consent",
    "panel_consent_date",
    "panel_consent_recorded_by",
    "year_group_override_reason",
)
STALE = (
    "This record was changed by someone else. Your changes are below; the saved record is "
    "shown first. Check, then save again."
)


def _fill(form: PupilForm, p: Any) -> None:
    for name in RECORD_FIELDS:
        getattr(form, name).data = getattr(p, name)
    form.sex.data = p.sex.value
    form.year_group_override.data = (
        str(p.year_group_override) if p.year_group_override is not None else ""
    )
    codes = [n.code.value for n in p.needs] + ["", "", ""]
    form.primary_need.data, form.secondary_need.data, form.other_need.data = codes[:3]
    form.version.data = str(p.version)


@bp.route("/<uuid:pupil_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_PUPIL)
def edit(pupil_id: uuid.UUID) -> Any:
    user = acting_user()
    viewing = "the edit form" if request.method == "GET" else None
    pupil = pupils.get_editable_pupil(user, pupil_id, viewing=viewing)
    form = PupilForm()
    # Moving setting is a transfer; status changes are dated history: neither is edited here.
    del form.setting_id, form.sen_status, form.status_since
    stale = False
    if request.method == "GET":
        _fill(form, pupil)
    elif form.validate_on_submit():
        outcome = saved(
            form,
            lambda: pupils.edit_pupil(
                user, pupil, _details(form, pupil.setting_id), _needs(form),
                posted_version(form.version.data),
            ),
            stale=STALE,
            current=lambda: pupil,
        )  # fmt: skip
        if outcome:
            flash("Changes saved", "success")
            return redirect(url_for("pupils.record", pupil_id=pupil.id))
        stale = outcome.current is not None
    return render_form("pupils/edit.html", form, pupil=pupil, stale=stale)


@bp.route("/<uuid:pupil_id>")
@requires(Permission.VIEW_PUPIL)
def record(pupil_id: uuid.UUID) -> str:
    user = acting_user()
    pupil = pupils.open_record(user, pupil_id)
    cycles = apdr.cycles_of(pupil.id)
    can_edit = pupils.may_edit(user, pupil)
    actions = [
        (label, url_for(endpoint, pupil_id=pupil.id))
        for label, endpoint, permission in ACTIONS
        if user_has(user, permission) and (can_edit or permission is Permission.VIEW_PUPIL)
    ]
    current = next((c for c in cycles if c.status.value == "open"), None)
    return render_template(
        "pupils/record.html",
        pupil=pupil,
        cycles=cycles,
        current=current,
        totals=apdr.totals(current) if current else None,
        actions=actions,
        year=year_group_label(
            year_group(pupil.date_of_birth, date.today(), pupil.year_group_override)
        ),
        history=sorted(pupil.status_history, key=lambda c: c.start_date, reverse=True),
        contacts_about=contact_lists.about_child(user, pupil.id),
        ranges_levels=judgements.levels_of_child(pupil.id),
        ranges_gap=planning.gap_of_child(pupil.id),
    )


@bp.route("/<uuid:pupil_id>/timeline", endpoint="timeline")
@requires(Permission.VIEW_PUPIL)
def timeline_page(pupil_id: uuid.UUID) -> str:
    pupil, entries = timeline.timeline(acting_user(), pupil_id)
    return render_template("pupils/timeline.html", pupil=pupil, entries=entries)


@bp.route("/<uuid:pupil_id>/status", methods=["GET", "POST"])
@requires(Permission.EDIT_PUPIL)
def change_status(pupil_id: uuid.UUID) -> Any:
    user = acting_user()
    viewing = "the status form" if request.method == "GET" else None
    pupil = pupils.get_editable_pupil(user, pupil_id, viewing=viewing)
    form = StatusForm()
    set_choices(
        form.status,
        [(s.value, f"{s.label} ({s.value})") for s in SenStatus if s is not pupil.sen_status],
    )
    if request.method == "GET":
        form.version.data = str(pupil.version)
    if form.validate_on_submit():
        assert form.start_date.data is not None
        outcome = saved(
            form,
            lambda: pupils.change_status(
                user,
                pupil,
                SenStatus(form.status.data),
                form.start_date.data,
                form.reason.data,
                version=form.version.number,
            ),
        )
        if outcome:
            change = outcome.result
            if change is not None:
                flash(f"SEN status changed to {change.status.label}", "success")
            return redirect(url_for("pupils.record", pupil_id=pupil.id))
    return render_form("pupils/status.html", form, pupil=pupil)
