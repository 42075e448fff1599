"""The SEN support register and the child record: list, export, add, edit, status history,
timeline and moves. APDR cycle pages are in apdr_views.py on the same blueprint."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from sendtrack.forms import as_uuid, page_number, posted_version, set_choices
from sendtrack.models import NeedCode, Pupil, SenStatus, Sex, User
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.pupils.actions import ACTIONS
from sendtrack.pupils.forms import (
    PupilForm,
    RegisterFilterForm,
    StatusForm,
    TransferForm,
    TransferInForm,
)
from sendtrack.school_year import year_group, year_group_label
from sendtrack.services import spreadsheets
from sendtrack.services.errors import NotFound
from sendtrack.services.pupils import apdr, register, timeline, transfers
from sendtrack.services.pupils import records as pupils
from sendtrack.web import acting_user, render_form, saved

bp = Blueprint("pupils", __name__, url_prefix="/pupils")


# --- the register ------------------------------------------------------------------------


def _filter(form: RegisterFilterForm, setting_id: uuid.UUID) -> register.RegisterFilter:
    need = form.need.data if form.need.data in NeedCode.__members__.values() else None
    year = form.year.data or ""
    status = form.status.data if form.status.data in {s.value for s in SenStatus} else None
    page = form.page.data or ""
    return register.RegisterFilter(
        setting_id=setting_id,
        query=(form.q.data or "")[:100],
        need=NeedCode(need) if need else None,
        year_group=int(year) if year.lstrip("-").isdigit() and len(year) <= 3 else None,
        status=SenStatus(status) if status else None,
        review=form.review.data if form.review.data in register.REVIEW_FILTERS else None,
        sort=form.sort.data if form.sort.data in register.SORTS else "name",
        page=page_number(page),
    )


def _filter_form() -> RegisterFilterForm:
    form = RegisterFilterForm(request.args)
    set_choices(
        form.need, [("", "Any need")] + [(n.value, f"{n.label} ({n.value})") for n in NeedCode]
    )
    set_choices(
        form.year, [("", "Any year group")] + [(str(y), year_group_label(y)) for y in range(-2, 15)]
    )
    set_choices(
        form.status,
        [("", "SEN support and EHC plans"), ("K", "SEN support (K)"), ("E", "EHC plan (E)"),
         ("N", "No longer on the register (N)")],
    )  # fmt: skip
    set_choices(form.review, [("", "Any"), *register.REVIEW_FILTERS.items()])
    set_choices(form.sort, list(register.SORTS.items()))
    return form


def _chosen_setting(user: User) -> Any:
    settings = register.choosable_settings(user)
    wanted = as_uuid(request.args.get("setting"))
    chosen = next((s for s in settings if s.id == wanted), None)
    if chosen is None and len(settings) == 1:
        chosen = settings[0]
    return settings, chosen


@bp.route("/", endpoint="register")
@requires(Permission.VIEW_REGISTER)
def register_page() -> Any:
    user = acting_user()
    settings, setting = _chosen_setting(user)
    if setting is None:
        return render_template("pupils/choose_setting.html", settings=settings)
    form = _filter_form()
    f = _filter(form, setting.id)
    found = register.register_page(user, setting, f)
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page" and v}
    args["setting"] = str(setting.id)
    return render_template(
        "pupils/register.html",
        found=found,
        filter_form=form,
        setting=setting,
        several=len(settings) > 1,
        today=date.today(),
        page_url=lambda n: url_for("pupils.register", **args, page=n),
        export_url=lambda fmt: url_for(
            "pupils.export",
            fmt=fmt,
            setting_id=setting.id,
            **{k: v for k, v in args.items() if k != "setting"},
        ),
        can_add=user_has(user, Permission.EDIT_PUPIL),
    )


@bp.route("/settings/<uuid:setting_id>/export/<fmt>")
@requires(Permission.VIEW_REGISTER)
def export(setting_id: uuid.UUID, fmt: str) -> Any:
    if fmt not in ("csv", "xlsx"):
        raise NotFound("format")
    user = acting_user()
    setting = next((s for s in register.choosable_settings(user) if s.id == setting_id), None)
    if setting is None:
        raise NotFound("setting")
    rows = register.export_rows(user, setting, _filter(_filter_form(), setting.id), fmt)
    name = f"register-{setting.urn}-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        body: Any = register.to_csv(setting, rows)
        mimetype = spreadsheets.CSV_TYPE
    else:
        body = register.to_xlsx(setting, rows)
        mimetype = spreadsheets.XLSX_TYPE
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --- the child record --------------------------------------------------------------------


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


# --- moves -------------------------------------------------------------------------------


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


from sendtrack.pupils import apdr_views  # noqa: E402,F401  (registers the cycle routes)
from sendtrack.pupils import home_card as _home_card  # noqa: E402, F401  (registers its cards)
