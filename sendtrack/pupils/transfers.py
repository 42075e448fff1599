"""Moving a child's record between settings: sent by the setting they leave, or found and
taken in by the setting they join."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import flash, redirect, request, url_for

from sendtrack.forms import as_uuid, set_choices
from sendtrack.permissions import Permission, requires
from sendtrack.pupils import bp
from sendtrack.pupils.forms import TransferForm, TransferInForm
from sendtrack.services.pupils import records as pupils
from sendtrack.services.pupils import transfers
from sendtrack.web import acting_user, render_form, saved


@bp.route("/<uuid:pupil_id>/transfer", methods=["GET", "POST"])
@requires(Permission.TRANSFER_PUPIL)
def transfer(pupil_id: uuid.UUID) -> Any:
    user = acting_user()
    viewing = "the transfer form" if request.method == "GET" else None
    pupil = pupils.get_editable_pupil(user, pupil_id, viewing=viewing)
    form = TransferForm()
    choices = transfers.destination_choices(user, pupil)
    set_choices(
        form.to_setting_id,
        [("", "Choose a setting")] + [(str(s.id), f"{s.name} ({s.urn})") for s in choices],
    )
    if request.method == "GET":
        form.version.data = str(pupil.version)
    if choices and form.validate_on_submit():
        assert form.moved_on.data is not None
        outcome = saved(
            form,
            lambda: transfers.transfer_out(
                user,
                pupil.id,
                as_uuid(form.to_setting_id.data) or uuid.UUID(int=0),
                form.moved_on.data,
                form.note.data,
                version=form.version.number,
            ),
        )
        if outcome:
            flash(f"{pupil.full_name}'s record moved to {pupil.setting.name}", "success")
            if pupils.may_edit(user, pupil):
                return redirect(url_for("pupils.record", pupil_id=pupil.id))
            return redirect(url_for("pupils.register"))
    return render_form("pupils/transfer.html", form, pupil=pupil, choices=choices)


@bp.route("/transfer-in", methods=["GET", "POST"])
@requires(Permission.TRANSFER_PUPIL)
def transfer_in() -> Any:
    user = acting_user()
    form = TransferInForm()
    mine = transfers.destination_choices(user)
    set_choices(form.to_setting_id, [(str(s.id), s.name) for s in mine])
    if request.method == "GET" and mine:
        form.to_setting_id.data = str(mine[0].id)
    found = None
    searched = False
    if request.method == "POST" and form.validate():
        search = transfers.TransferSearch(
            upn=form.upn.data or None,
            legal_forename=form.legal_forename.data,
            legal_surname=form.legal_surname.data,
            date_of_birth=form.date_of_birth.data,
        )
        to_setting = as_uuid(form.to_setting_id.data) or uuid.UUID(int=0)
        looked = saved(form, lambda: transfers.find_incoming(user, search, to_setting))
        found, searched = looked.result, bool(looked)
        moved_on = form.moved_on.data
        if not searched:
            pass
        elif found is None:
            form.add_error(
                "upn",
                "No child at another setting matches these details exactly. Check them, "
                "or ask the SEND team to move the record.",
            )
        elif not form.confirm.data:
            pass
        elif moved_on is None:
            form.add_error("moved_on", "Enter the date the child joined")
        elif saved(
            form,
            lambda: transfers.transfer(
                user, looked.result, to_setting, moved_on, "Transferred in by the new setting"
            ),
        ):
            flash(f"{found.full_name} has joined {found.setting.name}", "success")
            return redirect(url_for("pupils.record", pupil_id=found.id))
    match = None
    if found is not None:
        # Only what the receiving SENCO typed, and where the record is now.
        match = {
            "name": f"{found.legal_forename} {found.legal_surname}",
            "date_of_birth": found.date_of_birth,
            "setting": found.setting.name,
        }
        if request.method == "POST" and not form.moved_on.data:
            form.moved_on.data = date.today()
    # A search that ran is kept (200) even when nothing matched, so its audit event is
    # committed: failed look-ups are what an officer checking for fishing needs to see.
    return render_form(
        "pupils/transfer_in.html", form, status=200 if searched else None, mine=mine, match=match
    )
