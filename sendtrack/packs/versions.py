"""Panel pack versions: a meeting's pack page (and the pack section of the meeting's page),
building a version, watching it build, and a version's page and download. Building is for
Area SEND Leads and LA officers; panel members of the cluster download read-only;
everything is scoped to the cluster."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, url_for

from sendtrack.models import PanelMeeting
from sendtrack.packs import bp
from sendtrack.packs.downloads import pdf_download
from sendtrack.packs.forms import BuildPackForm
from sendtrack.permissions import Permission, requires
from sendtrack.services import packs
from sendtrack.services.packs import jobs
from sendtrack.web import acting_user


@bp.app_template_global()
def pack_section(meeting: PanelMeeting) -> dict[str, Any]:
    """What the meeting page's pack section shows (templates/packs/_meeting_pack.html)."""
    return packs.summary_for(acting_user(), meeting)


@bp.route("/meetings/<uuid:meeting_id>/")
@requires(Permission.VIEW_PANELS)
def meeting(meeting_id: uuid.UUID) -> str:
    found = packs.get_meeting(acting_user(), meeting_id)
    form = BuildPackForm(identities="pseudonymised" if found.pseudonymised_pack else "named")
    return render_template("packs/meeting.html", meeting=found, pack_form=form)


@bp.route("/meetings/<uuid:meeting_id>/build", methods=["POST"])
@requires(Permission.MANAGE_PANELS)
def build(meeting_id: uuid.UUID) -> Any:
    user = acting_user()
    found = packs.get_meeting(user, meeting_id)
    form = BuildPackForm()
    if not form.validate_on_submit():
        return render_template("packs/meeting.html", meeting=found, pack_form=form), 400
    requested = packs.request_build(user, found, form.pseudonymised)
    pack = requested.pack
    if requested.reused:
        flash(
            f"Nothing has changed since version {pack.version_number}: it is still current",
            "success",
        )
        return redirect(url_for("packs.show", pack_id=pack.id))
    response = redirect(url_for("packs.show", pack_id=pack.id))
    if current_app.config.get("PACK_BUILDS_INLINE"):
        jobs.run_inline(pack)
        if pack.pdf is not None:  # a refused pseudonymised pack says why on its page
            flash(f"Version {pack.version_number} of the pack is ready", "success")
    else:
        # Start only once the request has committed the queued version. The id is read
        # now: by then the request's session is gone and `pack` is detached.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        pack_id = pack.id
        response.call_on_close(lambda: jobs.start_background(app, pack_id))
    return response


@bp.route("/<uuid:pack_id>/")
@requires(Permission.VIEW_PANELS)
def show(pack_id: uuid.UUID) -> str:
    pack = packs.get_pack(acting_user(), pack_id)
    return render_template(
        "packs/show.html",
        pack=pack,
        meeting=pack.meeting,
        stale=packs.is_stale(pack),
        title=packs.data.meeting_title(pack.meeting),
        currency=packs.state_for(acting_user(), pack),
    )


@bp.route("/<uuid:pack_id>/download")
@requires(Permission.VIEW_PANELS)
def download(pack_id: uuid.UUID) -> Response:
    user = acting_user()
    pack = packs.get_pack(user, pack_id)
    return pdf_download(packs.download(user, pack), packs.file_name(pack))
