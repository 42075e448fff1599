"""Moderation of judgements: the sample to moderate with the agreement figures, and one
judgement's moderation form (Area SEND Leads for their clusters, LA officers for all)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from sendtrack.forms import as_uuid, set_choices
from sendtrack.permissions import Permission, requires
from sendtrack.ranges import bp
from sendtrack.ranges.forms import ModerationForm
from sendtrack.services.ranges import moderation
from sendtrack.web import acting_user, render_form, saved


@bp.route("/moderation")
@requires(Permission.MODERATE_RANGES)
def moderation_list() -> Any:
    user = acting_user()
    settings, clusters = moderation.figures(user)
    return render_template(
        "ranges/moderation.html",
        sample=moderation.to_moderate(user),
        settings=settings,
        clusters=clusters,
    )


@bp.route("/judgements/<uuid:judgement_id>/moderate", methods=["GET", "POST"])
@requires(Permission.MODERATE_RANGES)
def moderate(judgement_id: uuid.UUID) -> Any:
    user = acting_user()
    judgement = moderation.open_judgement(user, judgement_id, request.method == "GET")
    form = ModerationForm()
    set_choices(
        form.level,
        [(str(lv.id), lv.name) for lv in judgement.framework.levels if lv.id != judgement.level_id],
    )
    found = judgement.moderation
    if request.method == "GET" and found is not None:
        form.agreed.data = "yes" if found.agreed else "no"
        form.level.data = str(found.level_id) if found.level_id else None
        form.comment.data = found.comment
    if form.validate_on_submit() and saved(
        form,
        lambda: moderation.moderate(
            user,
            judgement,
            agreed={"yes": True, "no": False}.get(form.agreed.data or ""),
            level_id=as_uuid(form.level.data),
            comment=form.comment.data,
        ),
    ):
        flash("Moderation recorded", "success")
        return redirect(url_for("ranges.moderation_list"))
    return render_form("ranges/moderate.html", form, judgement=judgement)
