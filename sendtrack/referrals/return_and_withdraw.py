"""Taking a referral back, with a reason: the Area SEND Lead returns it to the school for
more information; the school withdraws it."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, request, url_for

from sendtrack.forms import posted_version
from sendtrack.permissions import Permission, requires
from sendtrack.referrals import bp
from sendtrack.referrals.forms import ReasonForm
from sendtrack.services.panels import referrals
from sendtrack.web import STALE, acting_user, render_form, saved


def _reason_page(referral_id: uuid.UUID, action: str, template_args: dict[str, Any]) -> Any:
    user = acting_user()
    viewing = f"the {action} form" if request.method == "GET" else None
    referral = referrals.open_referral(user, referral_id, viewing)
    form = ReasonForm()
    if request.method == "GET":
        form.version.data = str(referral.version)
    change = referrals.return_referral if action == "return" else referrals.withdraw_referral
    done = "returned to the school" if action == "return" else "withdrawn"
    if form.validate_on_submit() and saved(
        form,
        lambda: change(user, referral, form.reason.data, version=posted_version(form.version.data)),
        field="reason",
        stale=STALE,
    ):
        flash(f"Referral {referral.reference} {done}", "success")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    return render_form("referrals/reason.html", form, referral=referral, **template_args)


@bp.route("/referrals/<uuid:referral_id>/return", methods=["GET", "POST"])
@requires(Permission.MANAGE_PANELS)
def return_for_information(referral_id: uuid.UUID) -> Any:
    return _reason_page(
        referral_id,
        "return",
        {
            "heading": "Return the referral for more information",
            "label": "What does the school need to add or change?",
            "button": "Return to the school",
        },
    )


@bp.route("/referrals/<uuid:referral_id>/withdraw", methods=["GET", "POST"])
@requires(Permission.MAKE_REFERRAL)
def withdraw(referral_id: uuid.UUID) -> Any:
    return _reason_page(
        referral_id,
        "withdraw",
        {
            "heading": "Withdraw the referral",
            "label": "Why is the referral being withdrawn?",
            "button": "Withdraw referral",
        },
    )
