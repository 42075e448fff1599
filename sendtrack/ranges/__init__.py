"""Ranges and ordinarily available provision: the council's published guide (every signed-in
user), the draft and its versions (LA officers), and judging a child's level per area in an
APDR cycle (SENCOs).

Route modules: guide (the guide page and its PDF), drafts (the draft, its areas, levels,
descriptors and expected provision, publishing), judgements (ticking descriptors and
confirming a level in a cycle)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ranges", __name__, url_prefix="/ranges")

from sendtrack.ranges import drafts, guide, judgements, moderation  # noqa: E402, F401 (registers routes)
