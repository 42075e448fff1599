"""Statistics for LA officers and Area SEND Leads: the dashboard, its charts (SVG images),
the children behind each requests-avoided figure (LA officers only) and the downloads."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, render_template, request
from flask_login import current_user

from sendtrack.forms import page_number
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.services.errors import NotFound
from sendtrack.services.statistics import charts, drilldown, quarterly, suppression
from sendtrack.services.statistics import dashboard as stats_dashboard
from sendtrack.services.statistics.avoided import CATEGORIES
from sendtrack.services.statistics.breakdowns import BROKEN_DOWN, DIMENSION_LABELS, SHORT_LABELS
from sendtrack.services.statistics.dashboard import Choice
from sendtrack.services.statistics.measures import shown
from sendtrack.statistics import bp
from sendtrack.statistics.forms import DashboardForm, query_args
from sendtrack.web import acting_user

# The setting breakdown is shown on the page up to this many settings (a cluster, or an Area
# SEND Lead's clusters); the whole county's 600 are in the Excel workbook instead.
SETTING_ROWS_SHOWN = 100

CATEGORY_HINTS = {
    "avoided": "School said yes; the window closed with no EHCNA request",
    "escalated": "An EHCNA request was received inside the window",
    "pending": "School said yes; the window is still open",
    "lost_to_follow_up": "The child left before the window closed",
    "not_flagged": "School said no or not sure: not classified",
}
CATEGORY_TITLES = {
    "avoided": "Avoided",
    "escalated": "Escalated",
    "pending": "Pending",
    "lost_to_follow_up": "Lost to follow-up",
    "not_flagged": "Not flagged",
}


def _form() -> tuple[DashboardForm, Choice | None]:
    form = DashboardForm(request.args)
    today = date.today()
    form.set_choices(today, stats_dashboard.filter_choices(acting_user()))
    try:
        return form, form.choice(today)
    except ValueError:
        # A cluster or setting id that is not even a UUID: no such record.
        raise NotFound("record") from None


@bp.route("")
@requires(Permission.VIEW_STATISTICS)
def index() -> tuple[str, int] | str:
    form, choice = _form()
    if choice is None:
        return render_template("statistics/index.html", form=form, d=None), 400
    dashboard = stats_dashboard.build(acting_user(), choice)
    return render_template(
        "statistics/index.html",
        form=form,
        d=dashboard,
        args=query_args(choice),
        categories=CATEGORY_TITLES,
        category_hints=CATEGORY_HINTS,
        can_drill=user_has(current_user, Permission.DRILL_DOWN_STATISTICS),
        threshold=suppression.threshold(),
        shown=shown,
        trend_labels=SHORT_LABELS,
        breakdown_ids=BROKEN_DOWN,
        breakdown_labels=SHORT_LABELS,
        dimension_labels=DIMENSION_LABELS,
        setting_rows_shown=SETTING_ROWS_SHOWN,
    )


@bp.route("/chart.svg")
@requires(Permission.VIEW_STATISTICS)
def chart() -> Response:
    _unused, choice = _form()
    name = request.args.get("chart", "activity")
    if choice is None:
        raise NotFound("chart")
    dashboard = stats_dashboard.build(acting_user(), choice, with_breakdowns=False)
    svgs = quarterly.chart_svgs(quarterly.Shared(dashboard, quarterly.INTERNAL, 0))
    if name not in svgs:
        raise NotFound("chart")
    svg = svgs[name]
    response = Response(svg, mimetype="image/svg+xml")
    # The SVG's own stylesheet is allowed by its hash; the app's page policy is not used.
    response.headers["Content-Security-Policy"] = charts.content_security_policy(svg)
    return response


@bp.route("/children")
@requires(Permission.DRILL_DOWN_STATISTICS)
def children() -> tuple[str, int] | str:
    form, choice = _form()
    category = request.args.get("category", "avoided")
    if category not in CATEGORIES:
        raise NotFound("figure")
    if choice is None:
        return render_template("statistics/index.html", form=form, d=None), 400
    found = drilldown.children(
        acting_user(),
        choice,
        category,
        page_number(request.args.get("page")),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "statistics/children.html",
        found=found,
        choice=choice,
        args=query_args(choice),
        title=CATEGORY_TITLES[category],
    )


@bp.route("/download")
@requires(Permission.VIEW_STATISTICS)
def download() -> Response | tuple[str, int]:
    form, choice = _form()
    fmt = request.args.get("format", "xlsx")
    audience = request.args.get("audience", quarterly.INTERNAL)
    if choice is None or fmt not in quarterly.FORMATS or audience not in quarterly.AUDIENCES:
        if choice is not None:
            form.form_errors.append("Choose a file format and who the figures are for")
        return render_template("statistics/index.html", form=form, d=None), 400
    dashboard = stats_dashboard.build(acting_user(), choice)
    content, mimetype, filename = quarterly.download(
        acting_user(), dashboard, fmt, audience, suppression.threshold()
    )
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
