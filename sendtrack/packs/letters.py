"""A meeting's decision record and a referral's outcome letter, as PDF downloads. A
pseudonymised decision record that would still name a child is not issued; a referral
with no confirmed decision has no letter yet."""

from __future__ import annotations

import uuid
from typing import Any

from flask import render_template

from sendtrack.packs import bp
from sendtrack.packs.downloads import pdf_download
from sendtrack.permissions import Permission, requires
from sendtrack.services import packs
from sendtrack.services.packs import letters, pseudonyms
from sendtrack.web import acting_user


@bp.route("/meetings/<uuid:meeting_id>/decision-record.pdf")
@requires(Permission.VIEW_PANELS)
def decision_record(meeting_id: uuid.UUID) -> Any:
    user = acting_user()
    meeting = packs.get_meeting(user, meeting_id)
    try:
        pdf, filename = letters.decision_record(user, meeting)
    except pseudonyms.NotIssued as refused:
        page = render_template("packs/not_issued.html", meeting=meeting, message=refused.message)
        return page, 409
    return pdf_download(pdf, filename)


@bp.route("/referrals/<uuid:referral_id>/outcome-letter.pdf")
@requires(Permission.VIEW_PUPIL)
def outcome_letter(referral_id: uuid.UUID) -> Any:
    user = acting_user()
    referral = letters.get_referral(user, referral_id)
    letter = letters.outcome_letter(user, referral)
    if letter is None:
        return render_template("packs/no_letter.html", referral=referral)
    return pdf_download(*letter)
