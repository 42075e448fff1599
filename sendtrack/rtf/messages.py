"""What the RTF pages say when a save is refused because the application changed meanwhile.

A stale decision or follow-up keeps nothing; the page shows the application as saved."""

from __future__ import annotations

CHANGED = "Someone else changed this application: reload the page"
