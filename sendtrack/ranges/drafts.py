"""The framework's versions and its draft, for LA officers: start a draft, change its areas,
levels, descriptors and expected provision, and publish it as the next version."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from sendtrack.models import (
    AuditAction,
    ExpectedProvision,
    RangesArea,
    RangesFramework,
    RangesLevel,
    UsuallyNext,
)
from sendtrack.permissions import Permission, requires
from sendtrack.ranges import bp
from sendtrack.ranges.forms import (
    AreaForm,
    ConfirmForm,
    DescriptorsForm,
    DetailsForm,
    ItemForm,
    LevelForm,
    PublishForm,
    StartDraftForm,
)
from sendtrack.services import audit, spreadsheets
from sendtrack.services.ranges import exchange, frameworks
from sendtrack.web import STALE, acting_user, render_form, saved


def _to_draft() -> Any:
    return redirect(url_for("ranges.draft"))


@bp.route("/versions")
@requires(Permission.MANAGE_RANGES)
def versions() -> Any:
    return render_template(
        "ranges/versions.html",
        versions=frameworks.versions_list(),
        current=frameworks.current(),
        draft=frameworks.draft(),
        form=StartDraftForm(),
    )


@bp.route("/export.xlsx")
@requires(Permission.MANAGE_RANGES)
def export() -> Any:
    """A version (`?version=N`), the draft (`?version=draft`) or, by default, the version in
    effect, as the spreadsheet the `ranges` import reads."""
    which = request.args.get("version", "")
    if which == "draft":
        found, name = frameworks.the_draft(), "draft"
    elif which.isascii() and which.isdigit() and len(which) < 6:
        found = frameworks.by_number(int(which))
        name = f"version-{found.number}"
    else:
        current = frameworks.current()
        if current is None:
            flash("Nothing has been published yet")
            return redirect(url_for("ranges.versions"))
        found, name = current, f"version-{current.number}"
    data = exchange.workbook(found)
    audit.record(
        acting_user(),
        AuditAction.EXPORT,
        "ranges_framework",
        found.id,
        summary=f"Exported the ranges framework ({name.replace('-', ' ')})",
    )
    return Response(
        data,
        mimetype=spreadsheets.XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="ranges-{name}.xlsx"'},
    )


@bp.route("/draft/start", methods=["POST"])
@requires(Permission.MANAGE_RANGES)
def start_draft() -> Any:
    form = StartDraftForm()
    if form.validate_on_submit() and saved(
        form,
        lambda: frameworks.start_draft(acting_user()),
        once=RangesFramework,
        flashed=True,
    ):
        flash("Draft started", "success")
        return _to_draft()
    return redirect(url_for("ranges.versions"))


@bp.route("/draft")
@requires(Permission.MANAGE_RANGES)
def draft() -> Any:
    found = frameworks.the_draft()
    return render_template(
        "ranges/draft.html",
        draft=found,
        counts={
            (a.id, lv.id): (
                len(frameworks.descriptors_of(a, lv)),
                len(frameworks.provision_of(a, lv)),
            )
            for a in found.areas
            for lv in found.levels
        },
    )


@bp.route("/draft/details", methods=["GET", "POST"])
@requires(Permission.MANAGE_RANGES)
def details() -> Any:
    found = frameworks.the_draft()
    form = DetailsForm()
    if request.method == "GET":
        form.title.data = found.title
        form.introduction.data = found.introduction
        form.version.data = str(found.version)
    if form.validate_on_submit() and saved(
        form,
        lambda: frameworks.save_details(
            acting_user(),
            found,
            title=form.title.data or "",
            introduction=form.introduction.data,
            version=form.version.number,
        ),
        stale=STALE,
    ):
        flash("Title and introduction saved", "success")
        return _to_draft()
    return render_form("ranges/details.html", form, draft=found)


def _area_page(found: RangesFramework, area: RangesArea | None) -> Any:
    form = AreaForm()
    if request.method == "GET":
        form.version.data = str(found.version)
        if area is not None:
            form.name.data = area.name
            form.need_codes.data = area.codes
    if form.validate_on_submit():
        attempt = saved(
            form,
            lambda: frameworks.save_area(
                acting_user(),
                found,
                name=form.name.data or "",
                need_codes=list(form.need_codes.data or []),
                version=form.version.number,
                area=area,
            ),
            stale=STALE,
            once=RangesArea if area is None else None,
        )
        if attempt:
            flash(f"{attempt.result.name} saved", "success")
            return _to_draft()
    return render_form("ranges/area.html", form, draft=found, area=area)


@bp.route("/draft/areas/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_RANGES)
def new_area() -> Any:
    return _area_page(frameworks.the_draft(), None)


@bp.route("/draft/areas/<uuid:draft_area_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_RANGES)
def edit_area(draft_area_id: uuid.UUID) -> Any:
    area = frameworks.draft_area(draft_area_id)
    return _area_page(frameworks.the_draft(), area)


def _level_page(found: RangesFramework, level: RangesLevel | None) -> Any:
    form = LevelForm()
    if request.method == "GET":
        form.version.data = str(found.version)
        if level is not None:
            form.name.data = level.name
            form.summary.data = level.summary
            form.usually_next.data = level.usually_next.value
    if form.validate_on_submit():
        attempt = saved(
            form,
            lambda: frameworks.save_level(
                acting_user(),
                found,
                name=form.name.data or "",
                summary=form.summary.data,
                usually_next=UsuallyNext(form.usually_next.data),
                version=form.version.number,
                level=level,
            ),
            stale=STALE,
            once=RangesLevel if level is None else None,
        )
        if attempt:
            flash(f"{attempt.result.name} saved", "success")
            return _to_draft()
    return render_form("ranges/level.html", form, draft=found, level=level)


@bp.route("/draft/levels/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_RANGES)
def new_level() -> Any:
    return _level_page(frameworks.the_draft(), None)


@bp.route("/draft/levels/<uuid:draft_level_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_RANGES)
def edit_level(draft_level_id: uuid.UUID) -> Any:
    level = frameworks.draft_level(draft_level_id)
    return _level_page(frameworks.the_draft(), level)


@bp.route("/draft/areas/<uuid:draft_area_id>/levels/<uuid:draft_level_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_RANGES)
def cell(draft_area_id: uuid.UUID, draft_level_id: uuid.UUID) -> Any:
    """One area at one level: its descriptors (one a line) and its expected provision."""
    found = frameworks.the_draft()
    area = frameworks.draft_area(draft_area_id)
    level = frameworks.draft_level(draft_level_id)
    form = DescriptorsForm()
    if request.method == "GET":
        form.descriptors.data = "\n".join(d.wording for d in frameworks.descriptors_of(area, level))
        form.version.data = str(found.version)
    if form.validate_on_submit() and saved(
        form,
        lambda: frameworks.save_descriptors(
            acting_user(),
            found,
            area,
            level,
            (form.descriptors.data or "").splitlines(),
            form.version.number,
        ),
        stale=STALE,
    ):
        flash(f"Descriptors of {area.name} at {level.name} saved", "success")
        return redirect(url_for("ranges.cell", draft_area_id=area.id, draft_level_id=level.id))
    return render_form(
        "ranges/cell.html",
        form,
        draft=found,
        area=area,
        level=level,
        items=frameworks.provision_of(area, level),
    )


def _item_page(
    found: RangesFramework, area: RangesArea, level: RangesLevel, item: ExpectedProvision | None
) -> Any:
    form = ItemForm()
    if request.method == "GET":
        form.version.data = str(found.version)
        if item is not None:
            for name in frameworks.ITEM_FIELDS:
                getattr(form, name).data = getattr(item, name)
    if form.validate_on_submit():
        details = frameworks.ItemDetails(
            description=form.description.data or "",
            provision_type=form.provision_type.data,
            frequency=form.frequency.data,
            group_size=form.group_size.data,
            staff_role=form.staff_role.data,
            minutes_per_week=form.minutes_per_week.data,
            weeks=form.weeks.data,
        )
        attempt = saved(
            form,
            lambda: frameworks.save_item(
                acting_user(), found, area, level, details, form.version.number, item
            ),
            stale=STALE,
            once=ExpectedProvision if item is None else None,
        )
        if attempt:
            flash("Expected provision saved", "success")
            return redirect(url_for("ranges.cell", draft_area_id=area.id, draft_level_id=level.id))
    return render_form("ranges/item.html", form, draft=found, area=area, level=level, item=item)


@bp.route(
    "/draft/areas/<uuid:draft_area_id>/levels/<uuid:draft_level_id>/provision/new",
    methods=["GET", "POST"],
)
@requires(Permission.MANAGE_RANGES)
def new_item(draft_area_id: uuid.UUID, draft_level_id: uuid.UUID) -> Any:
    found = frameworks.the_draft()
    area = frameworks.draft_area(draft_area_id)
    level = frameworks.draft_level(draft_level_id)
    return _item_page(found, area, level, None)


@bp.route("/draft/provision/<uuid:item_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_RANGES)
def edit_item(item_id: uuid.UUID) -> Any:
    item = frameworks.draft_item(item_id)
    area = frameworks.draft_area(item.area_id)
    return _item_page(frameworks.the_draft(), area, item.level, item)


@bp.route("/draft/provision/<uuid:item_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_RANGES)
def remove_item(item_id: uuid.UUID) -> Any:
    item = frameworks.draft_item(item_id)
    found = frameworks.the_draft()
    area = frameworks.draft_area(item.area_id)
    level = item.level
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = str(found.version)
    elif form.validate_on_submit():
        # A removal must carry the version the page was drawn at: a bare post removes nothing.
        version = form.version.number
        if version is None:
            form.add_error(None, "Confirm that you want to remove this provision")
        elif saved(
            form,
            lambda: frameworks.remove_item(acting_user(), found, item, version),
            stale=STALE,
        ):
            flash("Expected provision removed", "success")
            return redirect(url_for("ranges.cell", draft_area_id=area.id, draft_level_id=level.id))
    return render_form(
        "ranges/remove_item.html", form, draft=found, area=area, level=level, item=item
    )


@bp.route("/draft/publish", methods=["GET", "POST"])
@requires(Permission.MANAGE_RANGES)
def publish() -> Any:
    found = frameworks.the_draft()
    form = PublishForm()
    if request.method == "GET":
        form.version.data = str(found.version)
    if form.validate_on_submit():
        attempt = saved(
            form,
            lambda: frameworks.publish(
                acting_user(), found, form.effective_from.data, form.version.number
            ),
            stale=STALE,
        )
        if attempt:
            flash(f"Version {attempt.result.number} published", "success")
            return redirect(url_for("ranges.versions"))
    return render_form(
        "ranges/publish.html", form, draft=found, latest=frameworks.latest_published()
    )
