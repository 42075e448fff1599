"""Cluster panels: an Area SEND Lead's meetings, their members and agendas, the panel's
decisions, actions, payments and follow-up, and each cluster's budget.

Route modules: meetings, members, agenda, decisions, budgets; home_card registers the
home-page cards for referrals and panels."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("panels", __name__, url_prefix="/panels")

from sendtrack.panels import agenda, budgets, decisions, home_card, meetings, members  # noqa: E402, F401 (registers routes/cards)
