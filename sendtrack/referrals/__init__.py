"""Referrals to a cluster panel: a SENCO refers a child from the child's record, keeps the
referral up to date and sees where it stands; the Area SEND Lead returns it for more
information. (Their home-page cards are in panels/home_card.py.)

Route modules: referral_list, referring, return_and_withdraw."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("referrals", __name__)

from sendtrack.referrals import referral_list, referring, return_and_withdraw  # noqa: E402, F401 (registers routes)
