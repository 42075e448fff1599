"""Area-wide child search for LA officers and administrators, and the restricted flag.

Both sit under the data-protection permission (SUBJECT_ACCESS): restricting a record is the
UK GDPR right to restriction, and the search is how an officer finds the record a request
is about."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.admin import bp
from sendtrack.admin.forms import RestrictionForm, SearchForm
from sendtrack.forms import page_number, posted_version
from sendtrack.models import AuditAction
from sendtrack.permissions import Permission, requires
from sendtrack.services import audit
from sendtrack.services.pupils import restriction
from sendtrack.web import acting_user, render_form, saved


@bp.route("/children")
@requires(Permission.SUBJECT_ACCESS)
def children() -> Any:
    form = SearchForm(request.args)
    valid = form.validate()
    found = restriction.search_children(
        acting_user(),
        form.q.data if valid else None,
        page_number(request.args.get("page")) if valid else 1,
    )
    return render_template("admin/children.html", form=form, found=found), 200 if valid else 400


@bp.route("/children/<uuid:pupil_id>/restriction", methods=["GET", "POST"])
@requires(Permission.SUBJECT_ACCESS)
def restriction_page(pupil_id: uuid.UUID) -> Any:
    user = acting_user()
    child = restriction.get_child(user, pupil_id)
    form = RestrictionForm()
    if request.method == "GET":
        form.version.data = str(child.version)
        audit.record(user, AuditAction.VIEW, "pupil_restriction", child.id, pupil_id=child.id)
    if form.validate_on_submit() and saved(
        form,
        lambda: restriction.set_restricted(
            user,
            child,
            not child.is_restricted,
            form.reason.data or "",
            posted_version(form.version.data),
        ),
        stale="This record was changed by someone else: check it and try again",
        current=lambda: child,
    ):
        if child.is_restricted:
            flash(
                f"{child.full_name}'s record is restricted: only LA officers and "
                "administrators can see it",
                "success",
            )
        else:
            flash(f"{child.full_name}'s record is no longer restricted", "success")
        return redirect(url_for("admin.restriction_page", pupil_id=child.id))
    return render_form(
        "admin/restriction.html", form, child=child, last=restriction.last_restriction_event(child)
    )
