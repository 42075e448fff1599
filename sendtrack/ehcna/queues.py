"""The EHCNA queues: requests in progress, due this week or overdue, by stage and officer
for the LA, or a SENCO's own setting's requests."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template, request, url_for

from sendtrack.ehcna import bp
from sendtrack.ehcna.forms import QueueFilterForm
from sendtrack.forms import set_choices
from sendtrack.models import AuditAction
from sendtrack.permissions import Permission, requires
from sendtrack.services import audit
from sendtrack.services.ehcna import queues as ehcna_queues
from sendtrack.services.ehcna import requests as ehcna
from sendtrack.web import acting_user

VIEWS = [
    ("open", "All requests in progress"),
    ("week", "Due in the next 7 days"),
    ("overdue", "Overdue"),
    ("all", "All requests, including finished ones"),
]


@bp.route("/ehcna/")
@requires(Permission.RECORD_EHCNA)
def index() -> str:
    user = acting_user()
    form = QueueFilterForm(request.args)
    officers = ehcna.officers()
    set_choices(form.view, VIEWS)
    set_choices(form.stage, [("", "Any stage")] + [(s, s) for s in ehcna.STAGES])
    set_choices(
        form.officer,
        [("", "Any officer"), (ehcna_queues.UNASSIGNED, "Not assigned")]
        + [(str(o.id), o.name) for o in officers],
    )
    view = form.view.data if form.view.data in dict(VIEWS) else "open"
    if not user.is_area_wide and not form.view.data:
        view = "all"  # a SENCO's list: every request their setting has made
    stage = form.stage.data if form.stage.data in ehcna.STAGES else None
    officer = form.officer.data if user.is_area_wide and form.officer.data else None
    page = form.page.data if isinstance(form.page.data, int) else 1
    filters = ehcna_queues.Filters(view=view, stage=stage, officer=officer)
    found = ehcna_queues.find(
        user, filters, page=page, page_size=current_app.config.get("PAGE_SIZE", 50)
    )
    form.view.data = view
    audit.record(
        user,
        AuditAction.VIEW,
        "ehcna_request_list",
        summary=f"EHCNA requests: view={view} stage={stage or 'any'} officer={officer or 'any'} "
        f"({found.count} found)",
    )
    return render_template(
        "ehcna/index.html",
        found=found,
        filter_form=form,
        view_label=dict(VIEWS)[view],
        counts=ehcna_queues.counts(user),
        by_officer=ehcna_queues.by_officer(user) if user.is_area_wide else [],
        by_stage=ehcna_queues.by_stage(user),
        stages=ehcna.STAGES,
        officer_view=user.is_area_wide,
        today=date.today(),
        page_url=lambda n: url_for("ehcna.index", view=view, stage=stage, officer=officer, page=n),
        queue_url=lambda **kw: url_for("ehcna.index", **kw),
    )
