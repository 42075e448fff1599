"""The list of referrals to cluster panels a person can see (a SENCO's school's, an Area
SEND Lead's clusters'), filtered by status and cluster."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for

from sendtrack.forms import as_uuid, set_choices
from sendtrack.models import AuditAction, ReferralStatus
from sendtrack.permissions import Permission, requires
from sendtrack.referrals import bp
from sendtrack.referrals.forms import FilterForm
from sendtrack.services import audit
from sendtrack.services.panels import meetings, referrals
from sendtrack.web import acting_user


@bp.route("/referrals/")
@requires(Permission.VIEW_PUPIL)
def index() -> str:
    user = acting_user()
    form = FilterForm(request.args)
    set_choices(form.status, [("", "Any status")] + [(s.value, s.label) for s in ReferralStatus])
    clusters = meetings.visible_clusters(user)
    set_choices(form.cluster, [("", "Any cluster")] + [(str(c.id), c.name) for c in clusters])
    try:
        status = ReferralStatus(form.status.data) if form.status.data else None
    except ValueError:
        status = None
    cluster_id = as_uuid(form.cluster.data)
    page = form.page.data if isinstance(form.page.data, int) else 1
    found = referrals.list_referrals(
        user,
        status=status,
        cluster_id=cluster_id,
        page=page,
        page_size=current_app.config.get("PAGE_SIZE", 50),
    )
    audit.record(
        user,
        AuditAction.VIEW,
        "referral_list",
        summary=f"Referrals: status={status or 'any'} cluster={cluster_id or 'any'} "
        f"({found.count} found)",
    )
    return render_template(
        "referrals/index.html",
        found=found,
        filter_form=form,
        show_clusters=len(clusters) > 1,
        page_url=lambda n: url_for(
            "referrals.index", status=status.value if status else None, cluster=cluster_id, page=n
        ),
    )
