"""Who the support reaches: the contacts figures page and the lists behind its figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, request

from sendtrack.contacts import bp
from sendtrack.contacts.forms import FiguresForm
from sendtrack.forms import options
from sendtrack.permissions import Permission, requires, user_has
from sendtrack.services.contacts import figures as contact_figures
from sendtrack.web import acting_user


def _choice() -> tuple[FiguresForm, contact_figures.Period]:
    form = FiguresForm(request.args)
    form.year.choices = options([(y, y) for y in contact_figures.year_choices(date.today())])
    period = contact_figures.choose(request.args.get("year"), request.args.get("months"))
    form.year.data = period.year
    form.months.data = str(period.months)
    return form, period


@bp.route("/figures")
@requires(Permission.VIEW_STATISTICS)
def figures() -> Any:
    form, period = _choice()
    user = acting_user()
    return render_template(
        "contacts/figures.html",
        form=form,
        found=contact_figures.figures(user, period),
        can_drill=user_has(user, Permission.DRILL_DOWN_STATISTICS),
        args={"year": period.year, "months": period.months},
    )


@bp.route("/figures/no-contact")
@requires(Permission.VIEW_STATISTICS)
def no_contact() -> Any:
    _form, period = _choice()
    return render_template(
        "contacts/no_contact.html",
        period=period,
        settings=contact_figures.no_contact_list(acting_user(), period),
        args={"year": period.year, "months": period.months},
    )


@bp.route("/figures/children")
@requires(Permission.DRILL_DOWN_STATISTICS)
def figure_children() -> Any:
    _form, period = _choice()
    which = "repeat" if request.args.get("which") == "repeat" else "followed"
    return render_template(
        "contacts/figure_children.html",
        period=period,
        which=which,
        rows=contact_figures.children_list(acting_user(), period, which),
        args={"year": period.year, "months": period.months},
    )
