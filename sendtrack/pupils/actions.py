"""What can be done next for a child, listed on their record page.

(label, endpoint, permission): each endpoint takes `pupil_id` and is shown to people whose
role has the permission and who may change this child's record. Features add one line
each (referrals, EHCNA requests...)."""

from __future__ import annotations

from sendtrack.permissions import Permission

ACTIONS: list[tuple[str, str, Permission]] = [
    ("Edit the child's details", "pupils.edit", Permission.EDIT_PUPIL),
    ("Change SEN status", "pupils.change_status", Permission.EDIT_PUPIL),
    ("Start an assess, plan, do, review cycle", "pupils.start_cycle", Permission.RECORD_APDR),
    ("Move to another setting", "pupils.transfer", Permission.TRANSFER_PUPIL),
    ("Refer to the cluster panel", "referrals.new", Permission.MAKE_REFERRAL),
    ("Record an EHC needs assessment request", "ehcna.new_request", Permission.RECORD_EHCNA),
    ("See EHC needs assessment requests", "ehcna.child_requests", Permission.RECORD_EHCNA),
    ("See everything that has happened (timeline)", "pupils.timeline", Permission.VIEW_PUPIL),
    (
        "Download SEN history and needs as a Common Transfer File",
        "pupils.ctf_export",
        Permission.TRANSFER_PUPIL,
    ),
]
