"""Cluster (early-intervention) panels: referrals, meetings and agendas, decisions,
follow-up of actions, and each cluster's budget."""
