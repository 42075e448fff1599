"""Signing in and out, and setting up two-factor sign-in.

Route modules: sign_in (password, two-factor code, sign out), two_factor (setting it up)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from sendtrack.auth import sign_in, single_sign_on, two_factor  # noqa: E402, F401  (registers routes)
