"""The published guide: the framework in effect, for every signed-in user, as a page (with
filters by area and level and a word search) and as a tagged PDF."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request

from sendtrack.forms import as_uuid
from sendtrack.models import AuditAction
from sendtrack.pdf import PUBLISHED_MARKING, render_pdf
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.ranges import bp
from sendtrack.ranges.forms import GuideFilterForm
from sendtrack.services import audit
from sendtrack.services.ranges import frameworks
from sendtrack.services.ranges import guide as guides
from sendtrack.web import acting_user


def _filtered() -> tuple[GuideFilterForm, Any, Any]:
    form = GuideFilterForm(request.args)
    valid = form.validate()
    framework = frameworks.current()
    found = None
    if framework is not None:
        found = guides.guide(
            framework,
            area_id=as_uuid(form.area.data),
            level_id=as_uuid(form.level.data),
            search=form.q.data if valid else None,
        )
    return form, framework, found


@bp.route("/")
@requires(Permission.SIGNED_IN)
def guide() -> Any:
    form, framework, found = _filtered()
    everything = guides.guide(framework) if framework is not None else None
    user = acting_user()
    return render_template(
        "ranges/guide.html",
        form=form,
        framework=framework,
        guide=found,
        everything=everything,
        can_manage=user_has(user, Permission.MANAGE_RANGES),
        can_moderate=user_has(user, Permission.MODERATE_RANGES),
        filtered=bool(form.area.data or form.level.data or form.q.data),
    ), (200 if not form.errors else 400)


@bp.route("/guide.pdf")
@requires(Permission.SIGNED_IN)
def guide_pdf() -> Any:
    _form, framework, found = _filtered()
    if framework is None or found is None:
        return render_template("ranges/not_published.html"), 404
    title = f"{found.title}, version {found.number}"
    pdf = render_pdf("pdf/ranges_guide.html", {"guide": found}, title, marking=PUBLISHED_MARKING)
    audit.record(
        acting_user(),
        AuditAction.DOWNLOAD,
        "ranges_framework",
        framework.id,
        summary=f"Downloaded the ranges guide, version {found.number}",
    )
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="ranges-guide-v{found.number}.pdf"'},
    )
